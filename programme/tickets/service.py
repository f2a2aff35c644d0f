"""Tickets of the one-window service: intake and routing, status check by number + phone, staff queue.

Routing: the category names the unit (ticket_routes); a township unit handles tickets from its township
(area_code = the applicant's township), a county unit those of the whole county (area_code = the county).
The applicant's phone is stored only encrypted, with a keyed hash; the applicant's status check by number and
the phone's last four digits is programme.tickets.status.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound
from programme.tickets import queries as q
from registry.accounts.roles import Account, check_phone
from registry.personal import PersonalDataCipher, mask_name, mask_phone
from registry.staff import HANDLER_ROLES, STAFF_ROLES, check_choice, require_role

STATUSES = {
    "submitted": "已提交",
    "accepted": "已受理",
    "processing": "办理中",
    "resolved": "已办结",
    "returned": "已退回",
}
NEXT = {
    "submitted": ("accepted", "returned"),
    "accepted": ("processing", "returned"),
    "processing": ("resolved",),
}
PATH = "submitted → accepted → processing → resolved (returned from submitted or accepted)"
MAX_DESCRIPTION = 1000


@dataclass(frozen=True)
class Intake:
    """What the applicant fills in on the one form."""

    category: str
    name: str
    phone: str
    area_code: str
    description: str


def routes(conn: Connection) -> list[dict[str, Any]]:
    """The routing table: category → unit (and whether the unit is the township's or the county's)."""
    return [dict(r._mapping) for r in conn.execute(q.ROUTES)]


def new_ticket_no(today: date | None = None) -> str:
    """YC + date + 8 random digits: short enough to read out, too many to guess."""
    return f"YC{(today or date.today()):%Y%m%d}{secrets.randbelow(10**8):08d}"


def normalise_no(ticket_no: str) -> str:
    """The number upper-cased, without blanks or dashes."""
    return ticket_no.strip().upper().replace(" ", "").replace("-", "")


def _handling_area(level: str, applicant_area: str) -> str:
    return applicant_area[:6] + "000000" if level == "county" else applicant_area[:9] + "000"


def submit_ticket(conn: Connection, intake: Intake, *, cipher: PersonalDataCipher) -> dict[str, Any]:
    """Create a ticket from the public form and route it; InvalidInput names the field that is wrong."""
    if not intake.category.strip():
        raise InvalidInput("choose a category (事项类别)", field="category")
    route = conn.execute(q.ROUTE, {"c": intake.category.strip()}).one_or_none()
    if route is None:
        raise InvalidInput(f"unknown category {intake.category!r}", field="category")
    name = intake.name.strip()
    if not 1 <= len(name) <= 40:
        raise InvalidInput("give your name (姓名), at most 40 characters", field="name")
    phone = check_phone(intake.phone)
    description = intake.description.strip()
    if not 1 <= len(description) <= MAX_DESCRIPTION:
        raise InvalidInput(
            f"describe the matter (事项说明) in 1 to {MAX_DESCRIPTION} characters", field="description"
        )
    area = conn.execute(q.AREA, {"code": intake.area_code}).one_or_none()
    if area is None or area.level == "county":
        raise InvalidInput(
            f"choose your township or village; {intake.area_code!r} is not one", field="area_code"
        )
    ticket_no = new_ticket_no()
    conn.execute(q.SET_TICKET_NO, {"no": ticket_no})
    handling = _handling_area(route.level, area.code)
    row = conn.execute(
        q.INSERT_TICKET,
        {
            "ticket_no": ticket_no,
            "category": route.category,
            "unit": route.unit,
            "area_code": handling,
            "applicant_area": area.code,
            "name": name,
            "phone_hash": cipher.keyed_hash(phone),
            "phone_cipher": cipher.encrypt(phone),
            "description": description,
        },
    ).one()
    conn.execute(
        q.INSERT_EVENT,
        {
            "ticket_id": row.ticket_id,
            "area_code": handling,
            "from_status": None,
            "to_status": "submitted",
            "account_id": None,
            "note": "",
        },
    )
    return {
        "ticket_no": ticket_no,
        "status": "submitted",
        "status_name": STATUSES["submitted"],
        "unit": route.unit,
        "unit_name": route.unit_name,
        "area_code": handling,
    }


def _queued(row: Any, cipher: PersonalDataCipher, sees_names: bool) -> dict[str, Any]:
    return {
        "ticket_no": row.ticket_no,
        "category": row.category,
        "category_name": row.category_name,
        "unit": row.unit,
        "unit_name": row.unit_name,
        "area_code": row.area_code,
        "area_name": row.area_name,
        "applicant_area": row.applicant_area,
        "applicant_name": row.applicant_name if sees_names else mask_name(row.applicant_name),
        "phone": mask_phone(cipher.decrypt(bytes(row.phone_cipher))),
        "description": row.description,
        "status": row.status,
        "status_name": STATUSES[row.status],
        "created_at": row.created_at.isoformat(),
    }


def queue(
    conn: Connection,
    account: Account,
    *,
    cipher: PersonalDataCipher,
    unit: str | None = None,
    status: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The tickets of the account's area (optionally one unit's, one status), oldest first."""
    require_role(account, STAFF_ROLES, "reading the ticket queue")
    if status is not None:
        check_choice(status, STATUSES, field="status", what="status")
    if unit is not None:
        check_choice(unit, {r["unit"] for r in routes(conn)}, field="unit", what="unit")
    rows = conn.execute(q.QUEUE, {"unit": unit, "status": status, "limit": limit})
    return [_queued(r, cipher, account.sees_names) for r in rows]


def advance_ticket(
    conn: Connection, account: Account, ticket_no: str, to: str, *, note: str = ""
) -> dict[str, Any]:
    """Move a ticket of the account's area one step on; Conflict for a step that skips or leaves the path."""
    require_role(account, HANDLER_ROLES, "handling a ticket")
    check_choice(to, STATUSES, field="to", what="status")
    number = normalise_no(ticket_no)
    row = conn.execute(q.LOCK_TICKET, {"no": number}).one_or_none()
    if row is None:
        raise NotFound(f"ticket {number} does not exist or is outside your area")
    allowed = NEXT.get(row.status, ())
    if to not in allowed:
        nxt = " or ".join(allowed) if allowed else "nothing (it is final)"
        raise Conflict(f"ticket {number} is {row.status}: the next step is {nxt}, not {to} ({PATH})")
    if to == "returned" and not note.strip():
        raise InvalidInput("returning a ticket needs a note saying why", field="note")
    conn.execute(q.SET_STATUS, {"status": to, "id": row.ticket_id})
    conn.execute(
        q.INSERT_EVENT,
        {
            "ticket_id": row.ticket_id,
            "area_code": row.area_code,
            "from_status": row.status,
            "to_status": to,
            "account_id": account.account_id,
            "note": note.strip(),
        },
    )
    return {"ticket_no": number, "status": to, "status_name": STATUSES[to]}
