"""What the programme reports show, gathered in one transaction (scoped by the caller's connection)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from programme.dashboard import COUNTY, dashboard
from programme.fairs import list_fairs
from programme.tasks import list_tasks


@dataclass(frozen=True)
class ReportData:
    """The dashboard, the task list and the year's fairs as of one day."""

    year: int
    on: date
    board: dict[str, Any]
    tasks: list[dict[str, Any]]
    fairs: list[dict[str, Any]]


def gather(conn: Connection, year: int, *, on: date, area_code: str = COUNTY) -> ReportData:
    """Everything a report of the year needs, as of ``on``."""
    board = dashboard(conn, year, on=on, area_code=area_code)
    fairs = list_fairs(conn, date(year, 1, 1), date(year, 12, 31))
    return ReportData(year, on, board, list_tasks(conn, on=on), fairs)
