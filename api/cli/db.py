"""`hongyan db`: start, stop and inspect the database (the embedded cluster by default)."""

from __future__ import annotations

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from geo.core.db import database_url, embedded_cluster, safe_url
from geo.core.migrate import upgrade

app = typer.Typer(help="数据库 Database: the embedded PostgreSQL/PostGIS cluster, or HONGYAN_DATABASE_URL.")


@app.command()
@reports_errors
def start(ctx: typer.Context) -> None:
    """启动 Start the embedded cluster (if no HONGYAN_DATABASE_URL) and migrate the schema."""
    settings = get_settings(ctx)
    if not settings.database_url:
        cluster = embedded_cluster(settings)
        cluster.start()
        console.print(f"embedded PostgreSQL running, data in {cluster.data_dir}")
    with connected_engine(settings, schema=False) as engine:
        upgrade(engine)
    console.print(f"database ready: {safe_url(database_url(settings))}")


@app.command("upgrade")
@reports_errors
def upgrade_schema(ctx: typer.Context) -> None:
    """迁移 Apply the schema migrations to the database in force (db start does this too)."""
    settings = get_settings(ctx)
    with connected_engine(settings, schema=False) as engine:
        upgrade(engine)
    console.print(f"schema up to date: {safe_url(database_url(settings))}")


@app.command()
@reports_errors
def stop(ctx: typer.Context) -> None:
    """停止 Stop the embedded cluster (an external database is left alone)."""
    settings = get_settings(ctx)
    if settings.database_url:
        console.print("HONGYAN_DATABASE_URL is set: the external server is not managed by Hongyan")
        return
    embedded_cluster(settings).stop()
    console.print("embedded PostgreSQL stopped")


@app.command()
@reports_errors
def status(ctx: typer.Context) -> None:
    """状态 Show whether the database is initialised, running and reachable."""
    settings = get_settings(ctx)
    if not settings.database_url:
        st = embedded_cluster(settings).status()
        console.print(
            f"embedded cluster: data {st.data_dir}; initialised: {st.initialized}; running: {st.running}"
        )
        if not st.running:
            raise typer.Exit(code=3)
    with connected_engine(settings):
        console.print(f"reachable: {safe_url(database_url(settings))}")


@app.command()
def url(ctx: typer.Context) -> None:
    """连接串 Print the SQLAlchemy URL in force."""
    typer.echo(database_url(get_settings(ctx)))
