"""The related-trades table (相关工种): pairs of detail occupations with a weight 0..1, edited by the bureau."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput, NotFound
from matching.ranking.queries import (
    OCCUPATION_NAME,
    RELATED_ALL,
    RELATED_DELETE,
    RELATED_UPSERT,
    RELATED_WEIGHTS,
)
from matching.ranking.scoring import pair


def related_weights(conn: Connection) -> dict[tuple[str, str], float]:
    """(code_a, code_b) with code_a < code_b → weight."""
    return {(r.code_a, r.code_b): float(r.weight) for r in conn.execute(RELATED_WEIGHTS)}


def list_related(conn: Connection) -> list[dict[str, Any]]:
    """Every pair with the occupation names, ordered by code."""
    return [dict(r._mapping) for r in conn.execute(RELATED_ALL)]


def check_detail_code(conn: Connection, code: str, *, field: str) -> str:
    """A detail occupation code of the classification, else InvalidInput naming it."""
    c = code.strip()
    row = conn.execute(OCCUPATION_NAME, {"code": c}).one_or_none()
    if row is None:
        raise InvalidInput(
            f"unknown occupation code {c!r}: use a code of the 2022 classification", field=field
        )
    if row.level != "detail":
        raise InvalidInput(
            f"{c} ({row.name}) is a {row.level} group; related trades pair detail occupations like 6-18-02-04",
            field=field,
        )
    return c


def _pair(conn: Connection, code_a: str, code_b: str) -> tuple[str, str]:
    a = check_detail_code(conn, code_a, field="code_a")
    b = check_detail_code(conn, code_b, field="code_b")
    if a == b:
        raise InvalidInput(
            f"a trade is not related to itself ({a}); give two different codes", field="code_b"
        )
    return pair(a, b)


def set_related(
    conn: Connection, code_a: str, code_b: str, *, weight: float, note: str = "", updated_by: str
) -> dict[str, Any]:
    """Add or change a pair (stored with the smaller code first)."""
    if not (math.isfinite(weight) and 0 < weight <= 1):
        raise InvalidInput(f"weight must be greater than 0 and at most 1, got {weight:g}", field="weight")
    a, b = _pair(conn, code_a, code_b)
    params = {"code_a": a, "code_b": b, "weight": weight, "note": note.strip(), "updated_by": updated_by}
    return dict(conn.execute(RELATED_UPSERT, params).one()._mapping)


def remove_related(conn: Connection, code_a: str, code_b: str) -> None:
    """Remove a pair; NotFound if it is not in the table."""
    a, b = _pair(conn, code_a, code_b)
    if conn.execute(RELATED_DELETE, {"code_a": a, "code_b": b}).one_or_none() is None:
        raise NotFound(f"{a} and {b} are not listed as related trades")
