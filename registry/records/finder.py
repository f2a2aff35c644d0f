"""Finding a resident of one's area by name or by the last digits of the ID number; the list comes masked.

The ID number is stored only encrypted (with a keyed hash of the whole number), so its last digits are matched
after decrypting the numbers of the caller's area (row-level security picks the rows): a village or a township
at a time, never the whole county (a county role names a village). Only the last four digits can be searched,
the same four the masked number shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.accounts.roles import Account
from registry.personal import PersonalDataCipher, mask_id, mask_name, mask_phone
from registry.records import queries as q

ID_TAIL = re.compile(r"^[0-9]{0,3}[0-9X]$")
MAX_RESULTS = 50
MAX_TAIL_SCAN = 60_000  # rows decrypted for one last-digits search (a township of the county demo is ~35,000)


@dataclass(frozen=True)
class Area:
    """A village (or other area) by code and name."""

    code: str
    name: str


def villages_in_scope(conn: Connection, account: Account) -> list[Area]:
    """The villages inside the account's area, by code."""
    rows = conn.execute(q.VILLAGES_IN_SCOPE, {"prefix": account.scope.prefix})
    return [Area(str(r.code), str(r.name)) for r in rows]


def _masked(row: Any, account: Account, cipher: PersonalDataCipher) -> dict[str, Any]:
    phone = cipher.decrypt(bytes(row.phone_cipher)) if row.phone_cipher is not None else None
    return {
        "resident_id": row.resident_id,
        "name": row.name if account.sees_names else mask_name(row.name),
        "sex": row.sex,
        "birth_year": row.birth_date.year,
        "village_code": row.village_code,
        "status": row.status,
        "record_status": row.record_status,
        "id_number": mask_id(cipher.decrypt(bytes(row.id_cipher))),
        "phone": mask_phone(phone) if phone else None,
    }


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_residents(
    conn: Connection,
    account: Account,
    query: str,
    *,
    cipher: PersonalDataCipher,
    village: str | None = None,
    limit: int = MAX_RESULTS,
) -> list[dict[str, Any]]:
    """Residents of the caller's area whose name contains ``query``, or whose ID number ends with it (1–4
    digits, X allowed last); masked. InvalidInput (field ``q``) for an empty query or a last-digits search
    over more than MAX_TAIL_SCAN people (name a village)."""
    text = query.strip()
    if not text:
        raise InvalidInput(
            "请输入姓名或身份证号后几位（enter a name or the last digits of the ID number）", field="q"
        )
    if len(text) > 40:
        raise InvalidInput("查询内容过长，最多 40 个字（the search is longer than 40 characters）", field="q")
    params = {"village": village, "limit": limit}
    tail = text.upper()
    if ID_TAIL.match(tail) or tail.isdigit():
        if len(tail) > 4 or not ID_TAIL.match(tail):
            raise InvalidInput(
                "只能按身份证号最后 1–4 位查找（search by at most the last 4 characters of the ID number）",
                field="q",
            )
        if int(conn.execute(q.RESIDENTS_IN_SCOPE, params).scalar_one()) > MAX_TAIL_SCAN:
            raise InvalidInput(
                "辖区人数较多：请先选择村/社区，再按身份证号后几位查找（choose a village first）",
                field="village",
            )
        ids = [
            int(r.resident_id)
            for r in conn.execute(q.RESIDENT_ID_CIPHERS, params)
            if cipher.decrypt(bytes(r.id_cipher)).endswith(tail)
        ][:limit]
        rows: Iterable[Any] = conn.execute(q.RESIDENTS_BY_IDS, {"ids": ids}) if ids else []
    else:
        rows = conn.execute(q.FIND_RESIDENTS_BY_NAME, params | {"pattern": f"%{_escape_like(text)}%"})
    return [_masked(r, account, cipher) for r in rows]
