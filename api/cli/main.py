"""The root `hongyan` command: builds the settings once and mounts the command groups."""

from __future__ import annotations

import typer

from api.cli import areas, db, demo, registry_io, roads
from api.cli.accounts import accounts_app
from api.cli.analyze import analyze_app
from api.cli.groups import demo_app, export_app, import_app
from api.cli.matching import matching_app
from api.cli.outreach import outreach_app, parks_app
from api.cli.plan import plan_app
from api.cli.programme import programme_app
from api.cli.registry import registry_app
from api.cli.serve import serve
from api.cli.tiles import tiles_app
from geo.core.settings import Settings

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
app.add_typer(accounts_app, name="accounts")
app.add_typer(registry_app, name="registry")
app.add_typer(outreach_app, name="outreach")
app.add_typer(parks_app, name="parks")
app.add_typer(programme_app, name="programme")
app.add_typer(matching_app, name="matching")
_COMMAND_MODULES = (areas, demo, registry_io, roads)  # importing them registers their commands
app.command()(serve)


@app.callback()
def main(ctx: typer.Context) -> None:
    """Build the settings once for every command."""
    ctx.obj = Settings()
