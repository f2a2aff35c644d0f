"""Residents as a scoped account may see them: RLS picks the rows, ID numbers and phones always masked."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.accounts import queries as q
from registry.accounts.roles import Account
from registry.personal import PersonalDataCipher, mask_id, mask_name, mask_phone

MAX_PAGE = 500


def _masked(row: Any, account: Account, cipher: PersonalDataCipher) -> dict[str, Any]:
    phone = cipher.decrypt(bytes(row.phone_cipher)) if row.phone_cipher is not None else None
    return {
        "resident_id": row.resident_id,
        "name": row.name if account.sees_names else mask_name(row.name),
        "sex": row.sex,
        "birth_year": row.birth_date.year,
        "village_code": row.village_code,
        "area_code": row.area_code,
        "status": row.status,
        "education": row.education,
        "id_number": mask_id(cipher.decrypt(bytes(row.id_cipher))),
        "phone": mask_phone(phone) if phone else None,
    }


def list_residents(
    conn: Connection,
    account: Account,
    *,
    cipher: PersonalDataCipher,
    village: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The residents the scoped transaction can see (optionally one village's), masked for the account."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}", field="offset")
    rows = conn.execute(q.LIST_RESIDENTS, {"village": village, "limit": limit, "offset": offset})
    return [_masked(r, account, cipher) for r in rows]
