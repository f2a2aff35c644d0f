"""Enterprise records: registered by the township as drafts with their first site, reviewed like residents.

Name, credit code, industry, kind and workforce are reviewed (an edit sends the record back through review,
the public keeps seeing the approved name and industry); the contact person and phone are not. An enterprise's
HR may change its own enterprise's contact, industry, kind and workforce, never its name or credit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, NotFound, PermissionDenied
from registry.accounts.roles import Account
from registry.credit_code import validate_credit_code
from registry.personal import PersonalDataCipher, mask_phone
from registry.records import queries as q
from registry.records.history import diff, record_changes, record_step
from registry.records.models import EnterpriseCreate, EnterpriseFields
from registry.records.validate import check_area, check_optional_phone, located, require
from registry.records.workflow import (
    EDITABLE,
    KIND_NAMES,
    Step,
    check_editor,
    review_step,
    status_after_edit,
    submit_step,
)

REVIEWED = ("credit_code", "name", "industry", "kind", "employees")
CONTACT = ("contact_name", "contact_phone")
TRACKED = REVIEWED + CONTACT
HR_EDITABLE = frozenset({"industry", "kind", "employees", *CONTACT})
DEFAULTS: dict[str, Any] = {
    "credit_code": None,
    "industry": "",
    "kind": "",
    "employees": 0,
    "contact_name": "",
    "contact_phone": None,
}


def _not_found(enterprise_id: int) -> NotFound:
    return NotFound(f"enterprise {enterprise_id} does not exist or is outside your area")


def _load(conn: Connection, enterprise_id: int, cipher: PersonalDataCipher) -> dict[str, Any]:
    """An enterprise the caller may change (RLS), its contact phone decrypted in memory only."""
    row = conn.execute(q.ENTERPRISE_FOR_UPDATE, {"id": enterprise_id}).one_or_none()
    if row is None:
        raise _not_found(enterprise_id)
    out = dict(row._mapping)
    phone = out.pop("contact_phone_cipher")
    out["contact_phone"] = cipher.decrypt(bytes(phone)) if phone is not None else None
    return out


def _masked(values: dict[str, Any]) -> dict[str, Any]:
    """An enterprise as answered: contact phone masked, public since when."""
    approved = values["first_approved_at"]
    return values | {
        "contact_phone": mask_phone(values["contact_phone"]) if values["contact_phone"] else None,
        "first_approved_at": approved.isoformat() if approved is not None else None,
        "public": values["record_status"] == "approved" or approved is not None,
    }


def get_enterprise(conn: Connection, enterprise_id: int, *, cipher: PersonalDataCipher) -> dict[str, Any]:
    """An enterprise the caller may change (RLS), contact phone masked; NotFound alike for missing and
    out-of-area ones."""
    return _masked(_load(conn, enterprise_id, cipher))


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


def _params(values: dict[str, Any], cipher: PersonalDataCipher) -> dict[str, Any]:
    phone = values["contact_phone"]
    return values | {"contact_phone_cipher": cipher.encrypt(phone) if phone else None}


def create_enterprise(
    conn: Connection, account: Account, body: EnterpriseCreate, *, cipher: PersonalDataCipher
) -> dict[str, Any]:
    """A draft enterprise in the caller's area with its first site (inside the area)."""
    check_editor(account, "enterprises")
    area_name = check_area(conn, account, body.area_code, level="area", field="area_code")
    lon, lat, _ = located(conn, body.area_code, area_name, body.lon, body.lat, body.datum)
    values = DEFAULTS | body.model_dump(exclude_unset=True, include=set(TRACKED))
    values["credit_code"] = _credit(conn, values["credit_code"], None)
    values["contact_phone"] = check_optional_phone(values["contact_phone"], field="contact_phone")
    enterprise_id = int(
        conn.execute(
            q.INSERT_ENTERPRISE,
            _params(values, cipher) | {"area_code": body.area_code, "account_id": account.account_id},
        ).scalar_one()
    )
    conn.execute(
        q.INSERT_SITE,
        {
            "enterprise_id": enterprise_id,
            "name": values["name"],
            "area_code": body.area_code,
            "lon": lon,
            "lat": lat,
        },
    )
    record_changes(
        conn,
        account,
        kind="enterprises",
        record_id=enterprise_id,
        area_code=body.area_code,
        enterprise_id=enterprise_id,
        changes=[("record", None, "created"), ("record_status", None, "draft")],
        effective_date=body.effective_date or date.today(),
    )
    return get_enterprise(conn, enterprise_id, cipher=cipher)


def _check_hr_fields(account: Account, enterprise_id: int, given: dict[str, Any]) -> None:
    """PermissionDenied unless HR edits only its own enterprise's contact, industry, kind or workforce."""
    if account.enterprise_id != enterprise_id:
        raise _not_found(enterprise_id)
    refused = sorted(set(given) - HR_EDITABLE)
    if refused:
        raise PermissionDenied(
            f"an enterprise's HR may not change {', '.join(refused)}: the name and credit code are changed by "
            "the township and reviewed; you may change contact_name, contact_phone, employees, industry, kind"
        )


def _status_after(
    account: Account, enterprise_id: int, status: str, reviewed: bool
) -> tuple[str, Step | None]:
    """The record's state after an edit, and the submit step when HR's edit goes to the township."""
    if not reviewed:
        return status, None  # contact changes are not reviewed
    if account.role != "enterprise_hr":
        return status_after_edit(account, "enterprises", enterprise_id, status), None
    if status not in EDITABLE:
        raise Conflict(
            f"{KIND_NAMES['enterprises']} {enterprise_id} is {status} and waits for review: it cannot be "
            "edited now"
        )
    return "submitted", Step("submit", "enterprise", status, "submitted")


def update_enterprise(
    conn: Connection,
    account: Account,
    enterprise_id: int,
    body: EnterpriseFields,
    *,
    cipher: PersonalDataCipher,
) -> dict[str, Any]:
    """Apply the given fields, each change kept in the history (contact phone only as changed).

    A reviewed field changed by township or county staff makes the record a draft again; changed by the
    enterprise's HR it goes straight to township review. Contact changes keep the record's state.
    """
    given = body.model_dump(exclude_unset=True, include=set(TRACKED))
    if account.role == "enterprise_hr":
        _check_hr_fields(account, enterprise_id, given)
    else:
        check_editor(account, "enterprises")
    old = _load(conn, enterprise_id, cipher)
    new = old | given
    require(new, ("name", "employees", "industry", "kind"))  # NOT NULL columns: an explicit null is refused
    if new["credit_code"] != old["credit_code"]:
        new["credit_code"] = _credit(conn, new["credit_code"], enterprise_id)
    new["contact_phone"] = check_optional_phone(new["contact_phone"], field="contact_phone")
    new["contact_name"] = new["contact_name"] or ""
    changes = diff(old, new, TRACKED)
    if not changes:
        return _masked(old)
    reviewed = any(f in REVIEWED for f, _, _ in changes)
    status, step = _status_after(account, enterprise_id, old["record_status"], reviewed)
    conn.execute(q.UPDATE_ENTERPRISE, _params(new, cipher) | {"record_status": status})
    record_changes(
        conn,
        account,
        kind="enterprises",
        record_id=enterprise_id,
        area_code=old["area_code"],
        enterprise_id=enterprise_id,
        changes=changes,
        effective_date=body.effective_date or date.today(),
    )
    if step is not None:
        record_step(
            conn,
            account,
            kind="enterprises",
            record_id=enterprise_id,
            area_code=old["area_code"],
            step=step,
            enterprise_id=enterprise_id,
        )
    elif status != old["record_status"]:
        record_changes(
            conn,
            account,
            kind="enterprises",
            record_id=enterprise_id,
            area_code=old["area_code"],
            enterprise_id=enterprise_id,
            changes=[("record_status", old["record_status"], status)],
            effective_date=body.effective_date or date.today(),
        )
    return get_enterprise(conn, enterprise_id, cipher=cipher)


def _move(conn: Connection, account: Account, enterprise_id: int, step_of: Any) -> Step:
    row = conn.execute(q.ENTERPRISE_FOR_UPDATE, {"id": enterprise_id}).one_or_none()
    if row is None:
        raise _not_found(enterprise_id)
    step: Step = step_of(row.record_status)
    conn.execute(q.SET_ENTERPRISE_STATUS, {"to_status": step.to_status, "id": enterprise_id})
    record_step(
        conn,
        account,
        kind="enterprises",
        record_id=enterprise_id,
        area_code=row.area_code,
        step=step,
        enterprise_id=enterprise_id,
    )
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


def take_import_step(conn: Connection, enterprise_ids: Sequence[int], step: Step) -> None:
    """Move freshly imported enterprises (drafts) to the state of the import's step (``workflow.import_step``);
    the county's approval makes them public under their name, by the statement ``review_enterprise`` runs."""
    if enterprise_ids:
        conn.execute(
            q.SET_ENTERPRISE_STATUS, [{"to_status": step.to_status, "id": i} for i in enterprise_ids]
        )
