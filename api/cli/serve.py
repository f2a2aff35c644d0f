"""`hongyan serve`: the API and the map site under uvicorn, which imports the site by name (no import here)."""

from __future__ import annotations

import os
import tempfile

import typer

from api.cli.common import connected_engine, get_settings, reports_errors
from geo.core.settings import Settings


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
