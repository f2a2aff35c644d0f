"""Bulk loading of registry tables with COPY (psycopg 3), inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from psycopg import sql
from sqlalchemy import Connection

from geo.core.db import copy_table, driver_connection
from registry.queries import DEFERRABLE_CONSTRAINTS, PLAIN_INDEXES

RESIDENT_COLUMNS = (
    "resident_id",
    "id_hash",
    "id_cipher",
    "phone_cipher",
    "name",
    "sex",
    "birth_date",
    "village_code",
    "area_code",
    "education",
    "status",
    "occupation_code",
    "work_city",
    "wish_to_return",
    "income_band",
    "geom",
)
ENTERPRISE_COLUMNS = ("enterprise_id", "credit_code", "name", "industry", "kind", "employees", "area_code")
SITE_COLUMNS = ("site_id", "enterprise_id", "name", "area_code", "geom")
VACANCY_COLUMNS = (
    "vacancy_id",
    "enterprise_id",
    "site_id",
    "title",
    "occupation_code",
    "positions",
    "wage_min",
    "wage_max",
    "full_time",
    "status",
    "valid_until",
    "area_code",
)


def copy_columns(conn: Connection, table: str, data: Mapping[str, Sequence[Any]]) -> int:
    """COPY column-wise data (equal-length sequences keyed by column name) into a table."""
    columns = list(data)
    return copy_table(conn, table, columns, zip(*(data[c] for c in columns), strict=True))


@contextmanager
def checks_suspended(conn: Connection, table: str) -> Iterator[None]:
    """Drop a table's plain indexes, UNIQUE and FOREIGN KEY constraints; restore them afterwards.

    Checking a constraint or building an index once over a million loaded rows is many times faster than
    doing it row by row during COPY. Everything happens inside the caller's transaction, so a failed
    check (a duplicate, a dangling reference) rolls the whole load back. The primary key stays.
    """
    indexes = conn.execute(PLAIN_INDEXES, {"table": table}).all()
    constraints = conn.execute(DEFERRABLE_CONSTRAINTS, {"table": table}).all()
    raw = driver_connection(conn)
    target = sql.Identifier(table)
    with raw.cursor() as cur:
        for name, _ in constraints:
            cur.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(target, sql.Identifier(name)))
        for name, _ in indexes:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield
    with raw.cursor() as cur:
        for name, definition in constraints:
            cur.execute(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(target, sql.Identifier(name))
                + sql.SQL(definition)
            )
        for _, definition in indexes:
            cur.execute(sql.SQL(definition))
