"""The contact log: who contacted whom, when, by which channel, with what outcome and follow-up date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput, NotFound
from programme.outreach import queries as q
from registry.accounts.roles import Account
from registry.staff import check_choice

CHANNELS = {
    "phone": "电话",
    "wechat": "微信",
    "visit": "上门",
    "sms": "短信",
    "fair": "招聘会",
    "other": "其他",
}
OUTCOMES = {
    "no_answer": "未接通",
    "reached": "已联系",
    "interested": "有意向",
    "not_interested": "无意向",
    "will_return": "确定返乡",
    "returned": "已返乡",
}
MAX_NOTE = 500


@dataclass(frozen=True)
class NewContact:
    """One contact with a resident."""

    resident_id: int
    channel: str
    outcome: str
    note: str = ""
    follow_up_on: date | None = None
    contacted_at: datetime | None = None


def log_contact(conn: Connection, account: Account, contact: NewContact) -> dict[str, Any]:
    """Record a contact with a resident the transaction can see; NotFound for one outside the area."""
    check_choice(contact.channel, CHANNELS, field="channel", what="channel")
    check_choice(contact.outcome, OUTCOMES, field="outcome", what="outcome")
    if len(contact.note) > MAX_NOTE:
        raise InvalidInput(f"a note has at most {MAX_NOTE} characters", field="note")
    when = contact.contacted_at
    if when is not None and contact.follow_up_on is not None and contact.follow_up_on < when.date():
        raise InvalidInput("the follow-up date is before the contact", field="follow_up_on")
    resident = conn.execute(q.RESIDENT_FOR_CONTACT, {"id": contact.resident_id}).one_or_none()
    if resident is None:
        raise NotFound(f"resident {contact.resident_id} does not exist or is outside your area")
    row = conn.execute(
        q.INSERT_CONTACT,
        {
            "resident_id": contact.resident_id,
            "area_code": resident.area_code,
            "account_id": account.account_id,
            "actor": account.name,
            "contacted_at": when,
            "channel": contact.channel,
            "outcome": contact.outcome,
            "note": contact.note.strip(),
            "follow_up_on": contact.follow_up_on,
        },
    ).one()
    return {"contact_id": row.contact_id, "contacted_at": row.contacted_at.isoformat()}


def list_contacts(
    conn: Connection, *, resident_id: int | None = None, due_only: bool = False, limit: int = 200
) -> list[dict[str, Any]]:
    """Contacts the transaction can see, newest first; due_only: follow-ups due today or earlier."""
    if not 1 <= limit <= 1000:
        raise InvalidInput(f"limit must be between 1 and 1000, got {limit}", field="limit")
    rows = conn.execute(q.LIST_CONTACTS, {"resident": resident_id, "due": due_only, "limit": limit})
    return [
        {
            "contact_id": r.contact_id,
            "resident_id": r.resident_id,
            "area_code": r.area_code,
            "account_id": r.account_id,
            "contacted_by": r.contacted_by,
            "contacted_at": r.contacted_at.isoformat(),
            "channel": r.channel,
            "outcome": r.outcome,
            "note": r.note,
            "follow_up_on": r.follow_up_on.isoformat() if r.follow_up_on else None,
        }
        for r in rows
    ]
