"""Resident records: created and edited as drafts by collectors, reviewed by township and county, every change
kept in the history. All functions run on the caller's scoped connection (RLS picks what they can touch)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from geo.core.errors import Conflict, NotFound
from registry.accounts.roles import Account, UnmaskRefused
from registry.personal import PersonalDataCipher, mask_id, mask_name, mask_phone, normalise_id
from registry.records import queries as q
from registry.records.history import diff, record_changes, record_step
from registry.records.models import ResidentCreate, ResidentFields
from registry.records.validate import (
    check_area,
    check_occupation,
    check_optional_phone,
    check_person_id,
    located,
    require,
)
from registry.records.workflow import Step, check_editor, review_step, status_after_edit, submit_step

UNMASKED_ROLES = frozenset({"county_admin", "township_staff", "village_collector"})


def require_unmasked(account: Account) -> None:
    """UnmaskRefused unless the account may see full ID numbers and phones (reading or exporting)."""
    if account.role not in UNMASKED_ROLES:
        raise UnmaskRefused(
            "不脱敏查看或导出（完整身份证号、手机号）仅限县管理员和本辖区的乡镇、村工作人员；"
            f"您的角色是 {account.role} (unmasked ID numbers and phones are only for county_admin, and "
            "township_staff and village_collector in their own area)",
            account=account,
        )


TRACKED = (
    "name",
    "id_number",
    "phone",
    "sex",
    "birth_date",
    "village_code",
    "status",
    "education",
    "occupation_code",
    "work_city",
    "wish_to_return",
    "income_band",
    "household_address",
    "skills",
    "training_wishes",
    "return_date",
    "employer",
    "work_place",
    "lon",
    "lat",
    "location_source",
)
DEFAULTS: dict[str, Any] = {
    "phone": None,
    "education": "",
    "occupation_code": None,
    "work_city": None,
    "wish_to_return": False,
    "income_band": "",
    "household_address": "",
    "skills": [],
    "training_wishes": [],
    "return_date": None,
    "employer": "",
    "work_place": "",
}


def _not_found(resident_id: int) -> NotFound:
    return NotFound(f"resident {resident_id} does not exist or is outside your area")


def _snapshot(row: Any, cipher: PersonalDataCipher) -> dict[str, Any]:
    """A stored resident as plain values (ID number and phone decrypted: kept in memory only)."""
    return {
        "name": row.name,
        "id_number": cipher.decrypt(bytes(row.id_cipher)),
        "phone": cipher.decrypt(bytes(row.phone_cipher)) if row.phone_cipher is not None else None,
        "sex": row.sex,
        "birth_date": row.birth_date,
        "village_code": row.village_code,
        "status": row.status,
        "education": row.education,
        "occupation_code": row.occupation_code,
        "work_city": row.work_city,
        "wish_to_return": row.wish_to_return,
        "income_band": row.income_band,
        "household_address": row.household_address,
        "skills": list(row.skills),
        "training_wishes": list(row.training_wishes),
        "return_date": row.return_date,
        "employer": row.employer,
        "work_place": row.work_place,
        "lon": round(float(row.lon), 6),
        "lat": round(float(row.lat), 6),
        "location_source": row.location_source,
    }


def _validated(
    conn: Connection,
    account: Account,
    merged: dict[str, Any],
    fields: ResidentFields,
    *,
    relocate: bool,
    check_age: bool = True,
) -> dict[str, Any]:
    """Check a full record (old values merged with the new ones) and derive birth date, sex and location.

    The age range is checked when a person enters the database and when the ID number (hence the birth
    date) changes, not on other edits: a person recorded at 65 who turns 66 keeps a record whose status
    can still change (e.g. not_in_labour_force).
    """
    require(merged, ("name", "id_number", "village_code", "status", "wish_to_return"))
    number, born, sex = check_person_id(merged["id_number"], check_age=check_age)
    village = merged["village_code"]
    name = check_area(conn, account, village, level="village", field="village_code")
    check_occupation(conn, merged["occupation_code"])
    out = merged | {
        "id_number": number,
        "birth_date": born,
        "sex": sex,
        "phone": check_optional_phone(merged["phone"]),
    }
    if relocate:
        lon, lat, source = located(conn, village, name, fields.lon, fields.lat, fields.datum)
        out |= {"lon": round(lon, 6), "lat": round(lat, 6), "location_source": source}
    return out


def _duplicate(conn: Connection, id_hash: bytes, cipher: PersonalDataCipher, exclude: int | None) -> None:
    """Conflict naming the existing record (masked) if the ID number is registered already."""
    row = conn.execute(q.RESIDENT_BY_HASH, {"id_hash": id_hash}).one_or_none()
    if row is not None and row.resident_id != exclude:
        raise Conflict(
            f"this person is already registered: resident {row.resident_id} ({mask_name(row.name)}, "
            f"{mask_id(cipher.decrypt(bytes(row.id_cipher)))}, village {row.village_code})"
        )


def _params(values: dict[str, Any], cipher: PersonalDataCipher) -> dict[str, Any]:
    phone = values["phone"]
    return values | {
        "id_hash": cipher.keyed_hash(values["id_number"]),
        "id_cipher": cipher.encrypt(values["id_number"]),
        "phone_cipher": cipher.encrypt(phone) if phone else None,
    }


def _insert(conn: Connection, params: dict[str, Any], masked_id: str) -> int:
    try:
        with conn.begin_nested():
            return int(conn.execute(q.INSERT_RESIDENT, params).scalar_one())
    except IntegrityError as exc:  # the same ID number in a record outside the caller's area (hidden by RLS)
        raise Conflict(
            f"this person ({masked_id}) is already registered in another area: ask the township or county"
        ) from exc


def create_resident(
    conn: Connection, account: Account, body: ResidentCreate, *, cipher: PersonalDataCipher
) -> dict[str, Any]:
    """A new draft record in the caller's area, with its creation in the history."""
    check_editor(account, "residents")
    given = body.model_dump(exclude_unset=True, exclude={"lon", "lat", "datum", "effective_date"})
    values = _validated(conn, account, DEFAULTS | given, body, relocate=True)
    params = _params(values, cipher)
    _duplicate(conn, params["id_hash"], cipher, None)
    resident_id = _insert(conn, params | {"account_id": account.account_id}, mask_id(values["id_number"]))
    record_changes(
        conn,
        account,
        kind="residents",
        record_id=resident_id,
        area_code=values["village_code"],
        changes=[("record", None, "created"), ("record_status", None, "draft")],
        effective_date=body.effective_date or date.today(),
    )
    return resident_detail(conn, account, resident_id, cipher=cipher)


def update_resident(
    conn: Connection,
    account: Account,
    resident_id: int,
    body: ResidentFields,
    *,
    cipher: PersonalDataCipher,
) -> dict[str, Any]:
    """Apply the given fields; each changed field goes to the history with its effective date."""
    check_editor(account, "residents")
    row = conn.execute(q.RESIDENT_FOR_UPDATE, {"id": resident_id}).one_or_none()
    if row is None:
        raise _not_found(resident_id)
    old = _snapshot(row, cipher)
    given = body.model_dump(exclude_unset=True, exclude={"lon", "lat", "datum", "effective_date"})
    relocate = "lon" in body.model_fields_set or "village_code" in given
    new_id = given.get("id_number")
    id_changed = new_id is not None and normalise_id(str(new_id)) != old["id_number"]
    new = _validated(conn, account, old | given, body, relocate=relocate, check_age=id_changed)
    changes = diff(old, new, TRACKED)
    if not changes:
        return resident_detail(conn, account, resident_id, cipher=cipher)
    status = status_after_edit(account, "residents", resident_id, row.record_status)
    params = _params(new, cipher)
    if new["id_number"] != old["id_number"]:
        _duplicate(conn, params["id_hash"], cipher, resident_id)
    conn.execute(q.UPDATE_RESIDENT, params | {"record_status": status, "resident_id": resident_id})
    if status != row.record_status:
        changes.append(("record_status", row.record_status, status))
    record_changes(
        conn,
        account,
        kind="residents",
        record_id=resident_id,
        area_code=new["village_code"],
        changes=changes,
        effective_date=body.effective_date or date.today(),
    )
    return resident_detail(conn, account, resident_id, cipher=cipher)


def _move(conn: Connection, account: Account, resident_id: int, step_of: Any) -> Step:
    row = conn.execute(q.RESIDENT_FOR_UPDATE, {"id": resident_id}).one_or_none()
    if row is None:
        raise _not_found(resident_id)
    step: Step = step_of(row.record_status)
    conn.execute(q.SET_RESIDENT_STATUS, {"to_status": step.to_status, "id": resident_id})
    record_step(conn, account, kind="residents", record_id=resident_id, area_code=row.area_code, step=step)
    return step


def submit_resident(conn: Connection, account: Account, resident_id: int) -> Step:
    """Submit a draft or returned record for township review."""
    return _move(conn, account, resident_id, lambda s: submit_step(account, "residents", resident_id, s))


def review_resident(conn: Connection, account: Account, resident_id: int, decision: str, reason: str) -> Step:
    """The township's or the county's decision on a submitted record."""
    return _move(
        conn,
        account,
        resident_id,
        lambda s: review_step(account, "residents", resident_id, s, decision, reason),
    )


def resident_detail(
    conn: Connection,
    account: Account,
    resident_id: int,
    *,
    cipher: PersonalDataCipher,
    unmasked: bool = False,
) -> dict[str, Any]:
    """One record the caller can see; ID number and phone masked unless ``unmasked`` (allowed roles only)."""
    if unmasked:
        require_unmasked(account)
    row = conn.execute(q.RESIDENT, {"id": resident_id}).one_or_none()
    if row is None:
        raise _not_found(resident_id)
    s = _snapshot(row, cipher)
    show_name = unmasked or account.sees_names
    return (
        {
            "resident_id": row.resident_id,
            "name": s["name"] if show_name else mask_name(s["name"]),
            "id_number": s["id_number"] if unmasked else mask_id(s["id_number"]),
            "phone": (s["phone"] if unmasked else mask_phone(s["phone"])) if s["phone"] else None,
            "unmasked": unmasked,
            "sex": s["sex"],
            "birth_year": row.birth_date.year,
            "area_code": row.area_code,
            "record_status": row.record_status,
            "updated_at": row.updated_at.isoformat(),
        }
        | {k: s[k] for k in TRACKED if k not in ("name", "id_number", "phone", "sex", "birth_date")}
        | {
            "birth_date": s["birth_date"].isoformat() if unmasked else None,
            "return_date": s["return_date"].isoformat() if s["return_date"] else None,
        }
    )
