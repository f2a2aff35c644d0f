"""Entrepreneurship support requests (创业担保贷款, 一次性创业补贴, 场地 …) from application to decision.

submitted → reviewing → approved | rejected; approved → disbursed. Every step is recorded with who, when and
why; a rejection needs a reason; decisions (approve, reject, disburse) are the county's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from programme.parks import queries as q
from programme.parks.parties import resolve_party
from registry.accounts.roles import Account
from registry.personal import mask_name
from registry.staff import COUNTY_ROLES, HANDLER_ROLES, STAFF_ROLES, check_choice, require_role

KINDS = {
    "guarantee_loan": "创业担保贷款",
    "startup_subsidy": "一次性创业补贴",
    "premises": "创业场地",
    "rent_subsidy": "场租补贴",
    "training": "创业培训",
}
STATUSES = {
    "submitted": "已提交",
    "reviewing": "审核中",
    "approved": "已批准",
    "rejected": "未批准",
    "disbursed": "已发放",
}
NEXT = {"submitted": ("reviewing",), "reviewing": ("approved", "rejected"), "approved": ("disbursed",)}
DECISIONS = frozenset({"approved", "rejected", "disbursed"})
PATH = "submitted → reviewing → approved/rejected, approved → disbursed"


@dataclass(frozen=True)
class NewSupportRequest:
    """An application by an enterprise or a talent (人才库; a bare resident in older data), maybe for a park."""

    kind: str
    enterprise_id: int | None = None
    talent_id: int | None = None
    resident_id: int | None = None
    park_id: int | None = None
    amount_yuan: int | None = None


def submit(conn: Connection, account: Account, request: NewSupportRequest) -> dict[str, Any]:
    """Record an application (in the applicant's area, which the account must see)."""
    require_role(account, STAFF_ROLES, "recording a support request")
    check_choice(request.kind, KINDS, field="kind", what="support kind")
    if request.amount_yuan is not None and request.amount_yuan < 0:
        raise InvalidInput(f"amount must not be negative, got {request.amount_yuan}", field="amount_yuan")
    party = resolve_party(
        conn,
        enterprise_id=request.enterprise_id,
        talent_id=request.talent_id,
        resident_id=request.resident_id,
        what=("扶持申请人", "a support applicant"),
    )
    if request.park_id is not None and conn.execute(q.LOCK_PARK, {"id": request.park_id}).first() is None:
        raise NotFound(f"park {request.park_id} does not exist or is outside your area")
    row = conn.execute(
        q.SUPPORT_INSERT,
        {
            "kind": request.kind,
            "area_code": party.area_code,
            "enterprise_id": party.enterprise_id,
            "talent_id": party.talent_id,
            "resident_id": party.resident_id,
            "park_id": request.park_id,
            "amount": request.amount_yuan,
        },
    ).one()
    conn.execute(
        q.SUPPORT_STEP,
        {
            "request_id": row.request_id,
            "area_code": party.area_code,
            "from_status": None,
            "to_status": "submitted",
            "account_id": account.account_id,
            "actor": account.name,
            "reason": "",
        },
    )
    return {"request_id": row.request_id, "status": row.status, "area_code": party.area_code}


def advance(
    conn: Connection, account: Account, request_id: int, to: str, *, reason: str = ""
) -> dict[str, Any]:
    """Move a request one step on; Conflict for a step that skips or leaves the path."""
    require_role(account, HANDLER_ROLES, "handling a support request")
    check_choice(to, STATUSES, field="to", what="status")
    row = conn.execute(q.SUPPORT_LOCK, {"id": request_id}).one_or_none()
    if row is None:
        raise NotFound(f"support request {request_id} does not exist or is outside your area")
    allowed = NEXT.get(row.status, ())
    if to not in allowed:
        nxt = " or ".join(allowed) if allowed else "nothing (it is final)"
        raise Conflict(
            f"support request {request_id} is {row.status}: the next step is {nxt}, not {to} ({PATH})"
        )
    if to in DECISIONS and account.role not in COUNTY_ROLES:
        raise PermissionDenied(
            f"only the county (county_admin or county_reviewer) may set {to}; you are {account.role}"
        )
    if to == "rejected" and not reason.strip():
        raise InvalidInput("a rejection needs a reason", field="reason")
    conn.execute(q.SUPPORT_SET_STATUS, {"status": to, "id": request_id})
    conn.execute(
        q.SUPPORT_STEP,
        {
            "request_id": request_id,
            "area_code": row.area_code,
            "from_status": row.status,
            "to_status": to,
            "account_id": account.account_id,
            "actor": account.name,
            "reason": reason.strip(),
        },
    )
    return {"request_id": request_id, "status": to}


def _request(r: Any, sees_names: bool) -> dict[str, Any]:
    name = r.enterprise_name if r.enterprise_id else r.person_name
    if not r.enterprise_id and name and not sees_names:
        name = mask_name(name)
    return {
        "request_id": r.request_id,
        "kind": r.kind,
        "kind_name": KINDS[r.kind],
        "area_code": r.area_code,
        "enterprise_id": r.enterprise_id,
        "talent_id": r.talent_id,
        "resident_id": r.resident_id,
        "applicant": name,
        "park_id": r.park_id,
        "amount_yuan": r.amount_yuan,
        "status": r.status,
        "status_name": STATUSES[r.status],
        "created_at": r.created_at.isoformat(),
        "updated_at": r.updated_at.isoformat(),
    }


def list_requests(
    conn: Connection, *, sees_names: bool, status: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Requests the transaction can see, newest first."""
    if status is not None:
        check_choice(status, STATUSES, field="status", what="status")
    rows = conn.execute(q.SUPPORT_LIST, {"status": status, "id": None, "limit": limit})
    return [_request(r, sees_names) for r in rows]


def get_request(conn: Connection, request_id: int, *, sees_names: bool) -> dict[str, Any]:
    """One request with every step (who, when, why)."""
    row = conn.execute(q.SUPPORT_LIST, {"status": None, "id": request_id, "limit": 1}).one_or_none()
    if row is None:
        raise NotFound(f"support request {request_id} does not exist or is outside your area")
    out = _request(row, sees_names)
    out["steps"] = [
        {
            "from": s.from_status,
            "to": s.to_status,
            "account_id": s.account_id,
            "by": s.by_name,
            "at": s.at.isoformat(),
            "reason": s.reason,
        }
        for s in conn.execute(q.SUPPORT_STEPS, {"id": request_id})
    ]
    return out
