"""Creating real-name accounts: validated, phone and ID number stored only encrypted plus a keyed hash."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from psycopg.errors import InsufficientPrivilege
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, ProgrammingError

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.accounts import queries as q
from registry.accounts.roles import (
    ROLE_LEVEL,
    Account,
    check_password,
    check_phone,
    check_role,
    check_username,
)
from registry.personal import PersonalDataCipher, normalise_id, validate_id_number


@dataclass(frozen=True)
class NewAccount:
    """What an administrator states about a new account (phone and ID number in clear, never stored so)."""

    username: str
    name: str
    phone: str
    id_number: str
    role: str
    area_code: str | None = None
    enterprise_id: int | None = None
    resident_id: int | None = None


def _area_of(conn: Connection, new: NewAccount, id_hash: bytes) -> str:
    """The account's area: stated for staff roles, the enterprise's or resident's own for HR / seekers."""
    level = ROLE_LEVEL[new.role]
    if new.role == "enterprise_hr":
        if new.enterprise_id is None:
            raise InvalidInput("an enterprise_hr account needs the enterprise id", field="enterprise_id")
        area = conn.execute(q.ENTERPRISE_AREA, {"id": new.enterprise_id}).scalar_one_or_none()
        if area is None:
            raise NotFound(f"enterprise {new.enterprise_id} does not exist or is outside your area")
        return str(area)
    if new.role == "job_seeker":
        if new.resident_id is None:
            raise InvalidInput("a job_seeker account needs the resident id", field="resident_id")
        row = conn.execute(q.RESIDENT_IDENTITY, {"id": new.resident_id}).one_or_none()
        if row is None:
            raise NotFound(f"resident {new.resident_id} does not exist or is outside your area")
        if bytes(row.id_hash) != id_hash:
            raise InvalidInput(
                f"the ID number does not belong to resident {new.resident_id}: a job seeker's account is "
                "bound to their own record",
                field="id_number",
            )
        return str(row.area_code)
    if new.enterprise_id is not None or new.resident_id is not None:
        raise InvalidInput(
            f"only enterprise_hr and job_seeker accounts are bound to an enterprise or resident, not {new.role}",
            field="role",
        )
    if not new.area_code:
        raise InvalidInput(f"a {new.role} account needs its {level} area code", field="area")
    found = conn.execute(q.AREA_LEVEL, {"code": new.area_code}).scalar_one_or_none()
    if found is None:
        raise NotFound(f"area {new.area_code} is not a known area code: import the boundaries first")
    if found != level:
        raise InvalidInput(
            f"a {new.role} account belongs to a {level}, but {new.area_code} is a {found}", field="area"
        )
    return new.area_code


def create_account(
    conn: Connection,
    new: NewAccount,
    password: str,
    *,
    cipher: PersonalDataCipher,
    hasher: PasswordHasher | None = None,
) -> Account:
    """Validate and insert an account in the caller's transaction; InvalidInput / Conflict say what is wrong."""
    role = check_role(new.role)
    username = check_username(new.username)
    name = new.name.strip()
    if not name:
        raise InvalidInput("the account holder's real name (姓名) is required", field="name")
    phone = check_phone(new.phone)
    id_number = normalise_id(new.id_number)
    validate_id_number(id_number)
    check_password(password)
    id_hash, phone_hash = cipher.keyed_hash(id_number), cipher.keyed_hash(phone)
    area = _area_of(conn, new, id_hash)
    params = {"username": username, "phone_hash": phone_hash, "id_hash": id_hash}
    for taken in conn.execute(q.ACCOUNT_TAKEN, params):
        what = "username" if taken.same_username else "phone number" if taken.same_phone else "ID number"
        raise Conflict(f"an account with this {what} already exists")
    try:
        with conn.begin_nested():
            account_id = conn.execute(
                q.INSERT_ACCOUNT,
                params
                | {
                    "name": name,
                    "phone_cipher": cipher.encrypt(phone),
                    "id_cipher": cipher.encrypt(id_number),
                    "role": role,
                    "area_code": area,
                    "enterprise_id": new.enterprise_id,
                    "resident_id": new.resident_id,
                    "password_hash": (hasher or PasswordHasher()).hash(password),
                },
            ).scalar_one()
    except IntegrityError as exc:
        # an account outside the caller's area holds this username, phone or ID number (RLS hid it above)
        raise Conflict("an account with this username, phone number or ID number already exists") from exc
    except ProgrammingError as exc:
        if isinstance(exc.orig, InsufficientPrivilege):  # the row-level policy refused the area
            raise PermissionDenied(
                f"you may not create accounts in area {area}: it is outside yours"
            ) from exc
        raise
    return Account(account_id, username, name, role, area, new.enterprise_id, new.resident_id)
