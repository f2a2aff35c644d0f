"""The review trail of imported records, written as the review API writes it (by the importing account)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from registry.intake import queries as q
from registry.records.history import as_text
from registry.records.workflow import Kind, Step


@dataclass(frozen=True)
class Moved:
    """A record that took an import's review step, from the state it was in."""

    record_id: int
    area_code: str
    enterprise_id: int | None
    from_status: str


@dataclass(frozen=True)
class Changed:
    """A field of an existing record an import changed."""

    record_id: int
    area_code: str
    enterprise_id: int | None
    field: str
    old: Any
    new: Any


def record_import_steps(conn: Connection, kind: Kind, step: Step, moved: Sequence[Moved]) -> None:
    """One review event per record that took the step (reason 表格导入)."""
    if not moved:
        return
    conn.execute(
        q.IMPORT_REVIEW_EVENTS,
        {
            "table_name": kind,
            "action": step.action,
            "level": step.level,
            "to_status": step.to_status,
            "reason": step.reason,
            "record_ids": [m.record_id for m in moved],
            "area_codes": [m.area_code for m in moved],
            "enterprise_ids": [m.enterprise_id for m in moved],
            "from_statuses": [m.from_status for m in moved],
        },
    )


def record_import_changes(conn: Connection, kind: Kind, changes: Sequence[Changed], *, on: date) -> None:
    """The field changes an import made to existing records, old → new, effective on the import's day."""
    if not changes:
        return
    conn.execute(
        q.IMPORT_CHANGES,
        {
            "table_name": kind,
            "effective_date": on,
            "record_ids": [c.record_id for c in changes],
            "area_codes": [c.area_code for c in changes],
            "enterprise_ids": [c.enterprise_id for c in changes],
            "fields": [c.field for c in changes],
            "old_values": [as_text(c.old) for c in changes],
            "new_values": [as_text(c.new) for c in changes],
        },
    )
