"""Field-level change history (old → new, effective date) and review events, written under the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection

from registry.accounts.roles import Account
from registry.records import queries as q
from registry.records.workflow import Kind, Step

# never written to the history with their values: only that they changed
SENSITIVE_FIELDS = frozenset({"id_number", "phone", "contact_phone"})


def as_text(value: Any) -> str | None:
    """A field value as the history stores it (lists joined with '、', dates ISO, None stays None)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def diff(old: Mapping[str, Any], new: Mapping[str, Any], fields: Iterable[str]) -> list[tuple[str, Any, Any]]:
    """The fields whose value differs between two snapshots, as (field, old, new)."""
    return [(f, old.get(f), new.get(f)) for f in fields if as_text(old.get(f)) != as_text(new.get(f))]


def record_changes(
    conn: Connection,
    account: Account,
    *,
    kind: Kind,
    record_id: int,
    area_code: str,
    changes: list[tuple[str, Any, Any]],
    effective_date: date,
    enterprise_id: int | None = None,
) -> int:
    """Append the changes to record_changes; sensitive fields without their values. Returns the row count."""
    if not changes:
        return 0
    sensitive = [f in SENSITIVE_FIELDS for f, _, _ in changes]
    conn.execute(
        q.INSERT_CHANGES,
        {
            "table_name": kind,
            "record_id": record_id,
            "area_code": area_code,
            "enterprise_id": enterprise_id,
            "fields": [f for f, _, _ in changes],
            "olds": [None if s else as_text(o) for (_, o, _), s in zip(changes, sensitive, strict=True)],
            "news": [None if s else as_text(n) for (_, _, n), s in zip(changes, sensitive, strict=True)],
            "sensitive": sensitive,
            "effective_date": effective_date,
            "account_id": account.account_id,
        },
    )
    return len(changes)


def record_step(
    conn: Connection,
    account: Account,
    *,
    kind: Kind,
    record_id: int,
    area_code: str,
    step: Step,
    enterprise_id: int | None = None,
) -> None:
    """Append a review event and the state change it made to the history."""
    conn.execute(
        q.INSERT_REVIEW_EVENT,
        {
            "table_name": kind,
            "record_id": record_id,
            "area_code": area_code,
            "enterprise_id": enterprise_id,
            "action": step.action,
            "level": step.level,
            "from_status": step.from_status,
            "to_status": step.to_status,
            "reason": step.reason,
            "account_id": account.account_id,
        },
    )
    field = "status" if kind == "vacancies" else "record_status"
    record_changes(
        conn,
        account,
        kind=kind,
        record_id=record_id,
        area_code=area_code,
        changes=[(field, step.from_status, step.to_status)],
        effective_date=date.today(),
        enterprise_id=enterprise_id,
    )


def history(conn: Connection, kind: Kind, record_id: int) -> dict[str, Any]:
    """The changes and review events of one record the scoped transaction can see, oldest first."""
    params = {"table_name": kind, "record_id": record_id}
    changes = [
        {
            "field": r.field,
            "old": r.old_value,
            "new": r.new_value,
            "sensitive": r.sensitive,
            "effective_date": r.effective_date.isoformat(),
            "changed_at": r.changed_at.isoformat(),
            "changed_by": r.changed_by,
            "changed_by_username": r.changed_by_username,
        }
        for r in conn.execute(q.HISTORY, params)
    ]
    reviews = [
        {
            "action": r.action,
            "level": r.level,
            "from_status": r.from_status,
            "to_status": r.to_status,
            "reason": r.reason,
            "at": r.at.isoformat(),
            "by": r.account_id,
            "by_username": r.username,
        }
        for r in conn.execute(q.REVIEWS, params)
    ]
    return {"kind": kind, "record_id": record_id, "changes": changes, "reviews": reviews}
