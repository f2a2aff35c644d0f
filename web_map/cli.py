"""The full `hongyan` command: api.cli.main's commands plus `report` (the township reports of the map site)."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from api.cli.main import app
from geo.core.errors import InvalidInput
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
