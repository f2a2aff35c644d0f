"""Database access: the URL in force, the engine, and a check that names the URL when it fails."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase

from geo.core.embedded import EmbeddedCluster
from geo.core.settings import Settings


class Base(DeclarativeBase):
    """Declarative base of every Hongyan table (the schema itself is owned by Alembic migrations)."""


def embedded_cluster(settings: Settings) -> EmbeddedCluster:
    """The embedded cluster described by the settings."""
    return EmbeddedCluster(
        settings.data_dir,
        bin_dir=settings.pg_bin_dir,
        system_user=settings.db_system_user,
        db_name=settings.db_name,
    )


def database_url(settings: Settings) -> str:
    """HONGYAN_DATABASE_URL if set, else the embedded cluster's socket URL."""
    if settings.database_url:
        url = make_url(settings.database_url)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    return embedded_cluster(settings).url()


APP_ROLE = (
    "hongyan_web"  # LOGIN role in hongyan_app, created by migration 0006; neither superuser nor BYPASSRLS
)


def app_database_url(settings: Settings) -> str:
    """HONGYAN_APP_DATABASE_URL if set, else the database URL with the user swapped for hongyan_web."""
    if settings.app_database_url:
        url = make_url(settings.app_database_url)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    # the embedded cluster (and a socket server with trust auth) lets hongyan_web in without a password
    return (
        make_url(database_url(settings))
        .set(username=APP_ROLE, password=None)
        .render_as_string(hide_password=False)
    )


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages (socket paths left readable)."""
    return unquote(make_url(url).render_as_string(hide_password=True))


def create_db_engine(url: str, *, pool_size: int = 10, pre_ping: bool = True) -> Engine:
    """An engine with a connection pool; nothing connects until first use (``pre_ping``: test each checkout).

    Statement parameters (names, phones) never reach an error message or the log (``hide_parameters``)."""
    return create_engine(
        url, pool_size=pool_size, max_overflow=20, pool_pre_ping=pre_ping, hide_parameters=True
    )


def driver_connection(conn: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under a SQLAlchemy one (same transaction)."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw


def copy_statement(table: str, columns: Sequence[str]) -> sql.Composed:
    """`COPY table (columns) FROM STDIN` with the identifiers quoted."""
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )


def copy_rows(conn: Connection, statement: str | sql.Composed, rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows (tuples in the statement's column order) in the caller's transaction; returns the count."""
    count = 0
    with driver_connection(conn).cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_table(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows (tuples in column order; geometries as hex EWKB) into a table; returns the count."""
    return copy_rows(conn, copy_statement(table, columns), rows)
