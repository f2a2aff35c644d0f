"""Dashboard statistics of the labour-supply database: counts as of a date and monthly moves, from the history.

Run on the caller's scoped connection, so every count covers only the caller's area.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.records import queries as q

By = Literal["status", "trade", "work_city", "village", "township"]
FIELD_OF: dict[str, str] = {
    "status": "status",
    "trade": "occupation_code",
    "work_city": "work_city",
    "village": "village_code",
    "township": "village_code",
}
MAX_MONTHS = 120


def counts_at(
    conn: Connection, *, by: str, at: date | None = None, record_status: str | None = None
) -> dict[str, Any]:
    """Residents counted by status, trade (occupation group), work city, village or township as of a date."""
    if by not in FIELD_OF:
        raise InvalidInput(f"by must be one of {', '.join(FIELD_OF)}, got {by!r}", field="by")
    day = at or date.today()
    rows = conn.execute(
        q.COUNTS_AT, {"field": FIELD_OF[by], "by": by, "at": day, "record_status": record_status}
    ).all()
    counts = [{"key": r.key, "label": r.label, "count": int(r.n)} for r in rows]
    return {"by": by, "at": day.isoformat(), "total": sum(c["count"] for c in counts), "counts": counts}


def month_start(text: str, *, field: str) -> date:
    """The first day of a month given as YYYY-MM."""
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise InvalidInput(f"a month is written YYYY-MM, got {text!r}", field=field) from None


def monthly(conn: Connection, *, start: str, stop: str) -> dict[str, Any]:
    """Per month from start to stop (YYYY-MM, inclusive): people who returned home, left, found a local job."""
    first, last = month_start(start, field="from"), month_start(stop, field="to")
    if last < first:
        raise InvalidInput(f"the month range is empty: {stop} is before {start}", field="to")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise InvalidInput(f"at most {MAX_MONTHS} months at once", field="to")
    rows = conn.execute(q.MONTHLY_MOVES, {"start": first, "stop": last}).all()
    return {
        "from": start,
        "to": stop,
        "months": [
            {
                "month": r.month,
                "returned_home": int(r.returned_home),
                "left_home": int(r.left_home),
                "found_local_job": int(r.found_local_job),
            }
            for r in rows
        ],
    }
