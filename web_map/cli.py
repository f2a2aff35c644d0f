"""The full `hongyan` command: api.cli.main's commands plus `report` and `serve` (the map web site)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from api.cli.main import app
from geo.core.errors import InvalidInput
from geo.core.settings import Settings
from web_map.report import township_report

report_app = typer.Typer(
    help="报告 Reports: self-contained HTML maps that open with no internet.", no_args_is_help=True
)
app.add_typer(report_app, name="report")


@report_app.command("township")
@reports_errors
def township(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="乡镇代码 12-digit township code, e.g. 341522100000"),
    out: Path = typer.Option(..., "--out", help="输出文件 HTML file to write"),
    measure: str = typer.Option("balance", help="着色指标 colour villages by balance or access_index"),
    mode: str = typer.Option("walk", help="就业圈出行方式 the circle run's mode: walk, ebike or car"),
    radius: float = typer.Option(3000.0, help="就业圈半径（米）the circle run's radius in metres"),
) -> None:
    """乡镇报告 Write one township's map, legend and figures as a single offline HTML file."""
    settings = get_settings(ctx)
    with connected_engine(settings) as engine, engine.connect() as conn:
        page = township_report(conn, code, settings=settings, measure=measure, mode=mode, radius_m=radius)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(
            f"cannot write {out}: {exc.strerror}; choose a writable path", field="--out"
        ) from exc
    console.print(f"wrote {out} ({len(page.encode('utf-8')) / 1024:,.0f} kB)")


@app.command()
@reports_errors
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="监听地址 address to listen on"),
    port: int | None = typer.Option(None, help="端口 port"),
    workers: int = typer.Option(1, min=1, help="进程数 worker processes (each holds its own road graphs)"),
    access_log: bool = typer.Option(False, "--access-log", help="记录每个请求 log every request"),
) -> None:
    """启动网站 Serve the API and the map (http://127.0.0.1:8000 by default)."""
    import uvicorn

    settings: Settings = get_settings(ctx)
    with connected_engine(settings):  # one sentence, not a traceback, when the database is not ready
        pass
    with tempfile.TemporaryDirectory(prefix="hongyan-serve-") as run_dir:
        # each worker process builds its own app and settings from this environment; /healthz counts the
        # workers that have marked themselves warm in run_dir
        os.environ["HONGYAN_SERVE_WORKERS"] = str(workers)
        os.environ["HONGYAN_SERVE_RUN_DIR"] = run_dir
        # uvicorn's own supervisor: it replaces a worker that dies, and on SIGHUP brings each replacement
        # into service (warm) before it stops the worker it replaces; a replacement warming up on a loaded
        # machine gets two minutes to be ready (or to answer the supervisor's ping) before it counts as failed
        uvicorn.run(
            "web_map.site:create_site",
            factory=True,
            workers=workers,
            timeout_worker_healthcheck=120,
            host=host or settings.host,
            port=port or settings.port,
            access_log=access_log,
            # behind a proxy, the client's own address (the login and ticket throttles key on it)
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
