"""What every command shares: settings built once, the engine, and error reporting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine

from geo.db import create_db_engine, database_url
from geo.errors import HongyanError
from geo.readiness import check_database
from geo.settings import Settings

console = Console(soft_wrap=True, highlight=False)
err_console = Console(stderr=True, soft_wrap=True, highlight=False)

P = ParamSpec("P")
R = TypeVar("R")


def get_settings(ctx: typer.Context) -> Settings:
    """The Settings built once by the root callback."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Settings):
        obj = Settings()
        ctx.find_root().obj = obj
    return obj


@contextmanager
def connected_engine(settings: Settings, *, schema: bool = True) -> Iterator[Engine]:
    """An engine on the configured database, checked ready (``schema``: migrated), disposed of afterwards."""
    engine = create_db_engine(database_url(settings), pool_size=4)
    try:
        check_database(engine, schema=schema)
        yield engine
    finally:
        engine.dispose()


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a HongyanError into a red message and exit code 2 instead of a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except HongyanError as exc:
            err_console.print(f"[bold red]错误 error:[/] {exc.message}")
            raise typer.Exit(code=2) from exc

    return wrapper
