"""Targeted lists: people working in one city (a trade, wishing to return) beside open positions at home
and the returnee entrepreneurs' projects that need workers (用工)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from programme.outreach import queries as q
from programme.outreach.cities import check_city
from programme.outreach.flows import check_trade
from registry.personal import PersonalDataCipher, mask_name, mask_phone
from registry.talents.models import KINDS as TALENT_KINDS
from registry.talents.models import STAGES

MAX_PEOPLE = 5000
MAX_POSITIONS = 1000
MAX_PROJECTS = 200


@dataclass(frozen=True)
class TargetQuery:
    """Who to list: a destination city, optionally a trade (occupation code prefix) and only those wishing."""

    city: str
    trade: str | None = None
    wish_only: bool = False
    limit: int = 1000

    def describe(self) -> str:
        """A short description for the audit log and file names."""
        return f"city:{self.city} trade:{self.trade or '*'} wish:{int(self.wish_only)}"


@dataclass(frozen=True)
class Disclosure:
    """Whether names and phone numbers are shown in full (only when the role allows and the caller asks)."""

    names: bool = False
    phones: bool = False


def _person(row: Any, cipher: PersonalDataCipher, shown: Disclosure) -> dict[str, Any]:
    phone = cipher.decrypt(bytes(row.phone_cipher)) if row.phone_cipher is not None else None
    return {
        "resident_id": row.resident_id,
        "name": row.name if shown.names else mask_name(row.name),
        "sex": row.sex,
        "birth_year": row.birth_date.year,
        "village_code": row.village_code,
        "village_name": row.village_name,
        "occupation_code": row.occupation_code,
        "occupation_name": row.occupation_name,
        "work_city": row.work_city,
        "wish_to_return": bool(row.wish_to_return),
        "phone": (phone if shown.phones else mask_phone(phone)) if phone else None,
        "home_positions": int(row.home_positions),
        "last_contacted_at": row.last_contacted_at.isoformat() if row.last_contacted_at else None,
        "last_outcome": row.last_outcome,
        "follow_up_on": row.follow_up_on.isoformat() if row.follow_up_on else None,
    }


def _position(row: Any) -> dict[str, Any]:
    return {
        "vacancy_id": row.vacancy_id,
        "title": row.title,
        "occupation_code": row.occupation_code,
        "occupation_name": row.occupation_name,
        "positions": row.positions,
        "wage_min": row.wage_min,
        "wage_max": row.wage_max,
        "full_time": row.full_time,
        "area_code": row.area_code,
        "area_name": row.area_name,
        "enterprise_name": row.enterprise_name,
    }


def _project(row: Any, shown: Disclosure) -> dict[str, Any]:
    return {
        "project_id": row.project_id,
        "name": row.name,
        "industry": row.industry,
        "stage": row.stage,
        "stage_name": STAGES.get(row.stage, row.stage),
        "jobs_created": row.jobs_created,
        "area_code": row.area_code,
        "area_name": row.area_name,
        "talent_name": row.talent_name if shown.names else mask_name(row.talent_name),
        "talent_kind": TALENT_KINDS.get(row.talent_kind, row.talent_kind),
    }


def targeted_list(
    conn: Connection, query: TargetQuery, *, cipher: PersonalDataCipher, shown: Disclosure = Disclosure()
) -> dict[str, Any]:
    """The people of the query the transaction may see, and the open positions at home in their trades."""
    city = check_city(query.city)
    trade = check_trade(conn, query.trade)
    if not 1 <= query.limit <= MAX_PEOPLE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PEOPLE}, got {query.limit}", field="limit")
    rows = conn.execute(
        q.TARGET_PEOPLE, {"city": city.name, "trade": trade, "wish": query.wish_only, "limit": query.limit}
    ).all()
    people = [_person(r, cipher, shown) for r in rows]
    codes = sorted({r.occupation_code for r in rows if r.occupation_code})
    positions = [
        _position(r) for r in conn.execute(q.HOME_POSITIONS, {"codes": codes, "limit": MAX_POSITIONS})
    ]
    total = conn.execute(q.HOME_POSITIONS_TOTAL, {"codes": codes}).one()
    projects = [_project(r, shown) for r in conn.execute(q.PROJECTS_NEEDING_WORKERS, {"limit": MAX_PROJECTS})]
    return {
        "city": city.name,
        "trade": trade,
        "wish_to_return": query.wish_only,
        "masked": not (shown.names and shown.phones),
        "people": people,
        "positions": positions,
        "open_positions": int(total.positions),  # every one, even beyond the MAX_POSITIONS listed
        "open_vacancies": int(total.vacancies),
        "projects": projects,  # 返乡创业项目需用工: any trade, the caller's area
    }
