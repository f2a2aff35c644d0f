"""The root `hongyan` command: builds the settings once and mounts the command groups."""

from __future__ import annotations

import typer

from api.cli import areas, db, demo, registry_io, roads
from api.cli.analyze import analyze_app
from api.cli.groups import demo_app, export_app, import_app
from api.cli.plan import plan_app
from api.cli.tiles import tiles_app
from geo.settings import Settings

app = typer.Typer(
    help="鸿雁 Hongyan — 霍邱县就业地图 Huoqiu County job map: database, demo, import, export, serve.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(db.app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(demo_app, name="demo")
app.add_typer(analyze_app, name="analyze")
app.add_typer(plan_app, name="plan")
app.add_typer(tiles_app, name="tiles")
_COMMAND_MODULES = (areas, demo, registry_io, roads)  # importing them registers their commands


@app.callback()
def main(ctx: typer.Context) -> None:
    """Build the settings once for every command."""
    ctx.obj = Settings()


@app.command()
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="监听地址 address to listen on"),
    port: int | None = typer.Option(None, help="端口 port"),
    workers: int = typer.Option(1, min=1, help="进程数 worker processes (each holds its own road graphs)"),
    access_log: bool = typer.Option(False, "--access-log", help="记录每个请求 log every request"),
) -> None:
    """启动网站 Serve the API and the map (http://127.0.0.1:8000 by default)."""
    import uvicorn

    settings: Settings = ctx.obj
    bind = {"host": host or settings.host, "port": port or settings.port, "access_log": access_log}
    if workers > 1:
        # each worker builds its own app (and settings) from the same environment
        uvicorn.run("api.app:create_app", factory=True, workers=workers, **bind)  # type: ignore[arg-type]
        return
    from api.app import create_app

    uvicorn.run(create_app(settings), **bind)  # type: ignore[arg-type]
