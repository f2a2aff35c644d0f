"""Enterprise records: registered by the township as drafts with their first site, reviewed like residents."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.errors import Conflict, NotFound
from registry.accounts.roles import Account
from registry.credit_code import validate_credit_code
from registry.records import queries as q
from registry.records.history import diff, record_changes, record_step
from registry.records.models import EnterpriseCreate, EnterpriseFields
from registry.records.validate import check_area, located, require
from registry.records.workflow import Step, check_editor, review_step, status_after_edit, submit_step

TRACKED = ("credit_code", "name", "industry", "kind", "employees")
DEFAULTS: dict[str, Any] = {"credit_code": None, "industry": "", "kind": "", "employees": 0}


def _not_found(enterprise_id: int) -> NotFound:
    return NotFound(f"enterprise {enterprise_id} does not exist or is outside your area")


def get_enterprise(conn: Connection, enterprise_id: int) -> dict[str, Any]:
    """An enterprise the caller may change (RLS); NotFound alike for missing and out-of-area ones."""
    row = conn.execute(q.ENTERPRISE_FOR_UPDATE, {"id": enterprise_id}).one_or_none()
    if row is None:
        raise _not_found(enterprise_id)
    return dict(row._mapping)


def _credit(conn: Connection, code: str | None, exclude: int | None) -> str | None:
    if code is None:
        return None
    code = validate_credit_code(code)
    taken = conn.execute(q.CREDIT_CODE_TAKEN, {"credit_code": code}).one_or_none()
    if taken is not None and taken.enterprise_id != exclude:
        raise Conflict(
            f"credit code {code} is already registered: enterprise {taken.enterprise_id} ({taken.name})"
        )
    return code


def create_enterprise(conn: Connection, account: Account, body: EnterpriseCreate) -> dict[str, Any]:
    """A draft enterprise in the caller's area with its first site (inside the area)."""
    check_editor(account, "enterprises")
    area_name = check_area(conn, account, body.area_code, level="area", field="area_code")
    lon, lat, _ = located(conn, body.area_code, area_name, body.lon, body.lat, body.datum)
    values = DEFAULTS | body.model_dump(exclude_unset=True, include=set(TRACKED))
    values["credit_code"] = _credit(conn, values["credit_code"], None)
    enterprise_id = int(
        conn.execute(
            q.INSERT_ENTERPRISE, values | {"area_code": body.area_code, "account_id": account.account_id}
        ).scalar_one()
    )
    conn.execute(
        q.INSERT_SITE,
        {"enterprise_id": enterprise_id, "name": values["name"], "area_code": body.area_code,
         "lon": lon, "lat": lat},
    )  # fmt: skip
    record_changes(
        conn, account, kind="enterprises", record_id=enterprise_id, area_code=body.area_code,
        enterprise_id=enterprise_id, changes=[("record", None, "created"), ("record_status", None, "draft")],
        effective_date=body.effective_date or date.today(),
    )  # fmt: skip
    return get_enterprise(conn, enterprise_id)


def update_enterprise(
    conn: Connection, account: Account, enterprise_id: int, body: EnterpriseFields
) -> dict[str, Any]:
    """Apply the given fields, each change kept in the history."""
    check_editor(account, "enterprises")
    old = get_enterprise(conn, enterprise_id)
    new = old | body.model_dump(exclude_unset=True, include=set(TRACKED))
    require(new, ("name", "employees"))
    if new["credit_code"] != old["credit_code"]:
        new["credit_code"] = _credit(conn, new["credit_code"], enterprise_id)
    changes = diff(old, new, TRACKED)
    if not changes:
        return old
    status = status_after_edit(account, "enterprises", enterprise_id, old["record_status"])
    conn.execute(q.UPDATE_ENTERPRISE, new | {"record_status": status})
    if status != old["record_status"]:
        changes.append(("record_status", old["record_status"], status))
    record_changes(
        conn, account, kind="enterprises", record_id=enterprise_id, area_code=old["area_code"],
        enterprise_id=enterprise_id, changes=changes, effective_date=body.effective_date or date.today(),
    )  # fmt: skip
    return get_enterprise(conn, enterprise_id)


def _move(conn: Connection, account: Account, enterprise_id: int, step_of: Any) -> Step:
    old = get_enterprise(conn, enterprise_id)
    step: Step = step_of(old["record_status"])
    conn.execute(q.SET_ENTERPRISE_STATUS, {"to_status": step.to_status, "id": enterprise_id})
    record_step(
        conn, account, kind="enterprises", record_id=enterprise_id, area_code=old["area_code"], step=step,
        enterprise_id=enterprise_id,
    )  # fmt: skip
    return step


def submit_enterprise(conn: Connection, account: Account, enterprise_id: int) -> Step:
    """Submit a draft or returned enterprise for review."""
    return _move(
        conn, account, enterprise_id, lambda s: submit_step(account, "enterprises", enterprise_id, s)
    )


def review_enterprise(
    conn: Connection, account: Account, enterprise_id: int, decision: str, reason: str
) -> Step:
    """The township's or the county's decision on a submitted enterprise."""
    return _move(
        conn,
        account,
        enterprise_id,
        lambda s: review_step(account, "enterprises", enterprise_id, s, decision, reason),
    )
