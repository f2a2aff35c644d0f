"""What every command shares: settings built once, the engine, and error reporting."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine

from geo.core.db import create_db_engine, database_url
from geo.core.errors import HongyanError, InvalidInput
from geo.core.readiness import check_database
from geo.core.settings import Settings

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


def write_private(path: Path, data: bytes, *, option: str = "--out") -> None:
    """Write a file of personal data that only its owner may read (0600), an existing file included."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)  # an existing file keeps its mode through O_CREAT
            out.write(data)
    except OSError as exc:
        raise InvalidInput(
            f"无法写入文件 {path}：{exc.strerror}（cannot write {path}）", field=option
        ) from exc


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
