"""The fair day: enterprises register booths and positions, seekers register, staff record intentions and hires."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from programme import queries as q
from programme.access import FAIR_DAY_STAFF, outside_area, require
from programme.fairs import get_fair
from registry.accounts.roles import Account, check_phone
from registry.personal import PersonalDataCipher, mask_name, mask_phone

OUTCOMES = ("intention", "hire")
OUTCOME_ZH = {"intention": "就业意向", "hire": "录用"}


def _open_fair(conn: Connection, fair_id: int) -> dict[str, Any]:
    fair = get_fair(conn, fair_id)
    if fair["status"] == "cancelled":
        raise Conflict(f"招聘会 {fair_id} 已取消 fair {fair_id} was cancelled")
    return fair


@dataclass(frozen=True)
class NewBooth:
    """An enterprise's booth at a fair and the vacancies it recruits for there."""

    enterprise_id: int
    booth_no: str = ""
    vacancy_ids: Sequence[int] = ()


def register_booth(conn: Connection, account: Account, fair_id: int, booth: NewBooth) -> dict[str, Any]:
    """Register a booth (HR: their own enterprise only); 422 unknown enterprise or vacancy, 409 duplicate booth."""
    if account.role == "enterprise_hr" and booth.enterprise_id != account.enterprise_id:
        raise PermissionDenied(
            f"企业人事只能为本企业登记展位 HR may register booths for their own enterprise {account.enterprise_id} only"
        )
    require(account, FAIR_DAY_STAFF | {"enterprise_hr"}, "登记展位", "register booths")
    fair = _open_fair(conn, fair_id)
    enterprise = conn.execute(q.ENTERPRISE, {"id": booth.enterprise_id}).one_or_none()
    if enterprise is None:
        raise InvalidInput(
            f"企业 {booth.enterprise_id} 未登记（或不在您的辖区），请先登记企业 "
            f"(enterprise {booth.enterprise_id} is not registered or is outside your area)",
            field="enterprise_id",
        )
    taken = conn.execute(
        q.BOOTH_OF, {"fair_id": fair_id, "enterprise_id": booth.enterprise_id}
    ).scalar_one_or_none()
    if taken is not None:
        raise Conflict(
            f"{enterprise.name} 已在本场招聘会登记展位 {taken} "
            f"(enterprise {booth.enterprise_id} already has booth {taken} at fair {fair_id})"
        )
    ids = sorted({int(v) for v in booth.vacancy_ids})
    found = {
        int(r.vacancy_id): str(r.title)
        for r in conn.execute(q.VACANCIES_OF, {"enterprise_id": booth.enterprise_id, "ids": ids})
    }
    missing = [v for v in ids if v not in found]
    if missing:
        raise InvalidInput(
            f"岗位 {', '.join(map(str, missing))} 不是该企业的在招岗位 "
            f"(vacancies {missing} are not open vacancies of enterprise {booth.enterprise_id})",
            field="vacancy_ids",
        )
    area = fair["area_code"]
    with outside_area(f"招聘会 {fair_id} 不在您的辖区 fair {fair_id} is outside the area you may change"):
        with conn.begin_nested():
            booth_id = int(
                conn.execute(
                    q.INSERT_BOOTH,
                    {
                        "fair_id": fair_id,
                        "enterprise_id": booth.enterprise_id,
                        "enterprise_name": enterprise.name,
                        "booth_no": booth.booth_no.strip(),
                        "area_code": area,
                    },
                ).scalar_one()
            )
            for vacancy_id, title in found.items():
                conn.execute(
                    q.INSERT_POSITION,
                    {
                        "booth_id": booth_id,
                        "vacancy_id": vacancy_id,
                        "title": title,
                        "enterprise_id": booth.enterprise_id,
                        "area_code": area,
                    },
                )
    return {
        "booth_id": booth_id,
        "fair_id": fair_id,
        "enterprise_id": booth.enterprise_id,
        "enterprise_name": enterprise.name,
        "booth_no": booth.booth_no.strip(),
        "positions": list(found.values()),
    }


def list_booths(conn: Connection, fair_id: int) -> list[dict[str, Any]]:
    """The booths of a fair with their positions and counts."""
    get_fair(conn, fair_id)
    return [
        dict(r) | {"positions": list(r["positions"])}
        for r in conn.execute(q.LIST_BOOTHS, {"fair_id": fair_id}).mappings()
    ]


def register_seeker(
    conn: Connection, account: Account, fair_id: int, *, name: str, phone: str, cipher: PersonalDataCipher
) -> dict[str, Any]:
    """Register a seeker at a fair (staff for anyone; a job seeker only themselves); 409 if already there."""
    require(account, FAIR_DAY_STAFF | {"job_seeker"}, "登记求职者", "register seekers")
    fair = _open_fair(conn, fair_id)
    resident_id = account.resident_id if account.role == "job_seeker" else None
    who = (account.name if resident_id is not None else name).strip()
    if not who:
        raise InvalidInput("求职者姓名不能为空 the seeker's name is required", field="name")
    number = check_phone(phone)
    params = {
        "fair_id": fair_id,
        "resident_id": resident_id,
        "name": who,
        "phone_hash": cipher.keyed_hash(number),
        "phone_cipher": cipher.encrypt(number),
        "area_code": fair["area_code"],
        "registered_by": account.account_id,
    }
    with outside_area(f"招聘会 {fair_id} 不在您的辖区 fair {fair_id} is outside the area you may change"):
        with conn.begin_nested():
            registration_id = conn.execute(q.INSERT_SEEKER, params).scalar_one_or_none()
    if registration_id is None:
        raise Conflict(
            f"手机号 {mask_phone(number)} 已在本场招聘会登记 (this phone is already registered at fair {fair_id})"
        )
    return {
        "registration_id": int(registration_id),
        "fair_id": fair_id,
        "name": mask_name(who),
        "phone": mask_phone(number),
    }


def list_seekers(
    conn: Connection, account: Account, fair_id: int, *, cipher: PersonalDataCipher
) -> list[dict[str, Any]]:
    """The seekers registered at a fair, phones masked (names masked for roles that may not see them)."""
    get_fair(conn, fair_id)
    out = []
    for r in conn.execute(q.LIST_SEEKERS, {"fair_id": fair_id}).mappings():
        out.append(
            {
                "registration_id": r["registration_id"],
                "name": r["name"] if account.sees_names else mask_name(r["name"]),
                "phone": mask_phone(cipher.decrypt(bytes(r["phone_cipher"]))),
                "registered_at": r["registered_at"],
                "intention": r["intention"],
                "hired": r["hired"],
            }
        )
    return out


def record_outcome(
    conn: Connection,
    account: Account,
    fair_id: int,
    *,
    booth_id: int,
    registration_id: int,
    kind: str,
    today: date,
) -> dict[str, Any]:
    """Record 达成就业意向 or a hire on the fair day (a hire also counts as an intention); 409 if recorded."""
    require(account, FAIR_DAY_STAFF, "记录就业意向", "record intentions or hires")
    if kind not in OUTCOMES:
        raise InvalidInput(f"结果类型未知 unknown outcome {kind!r}: use intention or hire", field="kind")
    fair = _open_fair(conn, fair_id)
    if fair["fair_date"] > today:
        raise InvalidInput(
            f"招聘会 {fair_id} 在 {fair['fair_date'].isoformat()} 举行，尚未开始 "
            f"(fair {fair_id} has not happened yet: record outcomes on or after its day)",
            field="fair_id",
        )
    booth = conn.execute(q.BOOTH, {"id": booth_id}).one_or_none()
    if booth is None or booth.fair_id != fair_id:
        raise NotFound(f"展位 {booth_id} 不在招聘会 {fair_id} (booth {booth_id} is not at fair {fair_id})")
    seeker = conn.execute(q.SEEKER, {"id": registration_id}).one_or_none()
    if seeker is None or seeker.fair_id != fair_id:
        raise NotFound(
            f"求职登记 {registration_id} 不在招聘会 {fair_id} (registration {registration_id} is not at fair {fair_id})"
        )
    base = {
        "fair_id": fair_id,
        "booth_id": booth_id,
        "registration_id": registration_id,
        "enterprise_id": booth.enterprise_id,
        "area_code": fair["area_code"],
        "recorded_by": account.account_id,
    }
    with outside_area(f"招聘会 {fair_id} 不在您的辖区 fair {fair_id} is outside the area you may change"):
        with conn.begin_nested():
            if kind == "hire":
                conn.execute(q.INSERT_OUTCOME, base | {"kind": "intention"})
            outcome_id = conn.execute(q.INSERT_OUTCOME, base | {"kind": kind}).scalar_one_or_none()
            conn.execute(q.MARK_HELD, {"id": fair_id})
    if outcome_id is None:
        raise Conflict(
            f"该求职者与展位 {booth_id} 的{OUTCOME_ZH[kind]}已记录 (this {kind} was already recorded)"
        )
    return {
        "outcome_id": int(outcome_id),
        "fair_id": fair_id,
        "booth_id": booth_id,
        "registration_id": registration_id,
        "kind": kind,
    }
