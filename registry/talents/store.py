"""Talents and projects as a scoped account reads and writes them: RLS picks the rows, ID and phone masked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from psycopg.errors import InsufficientPrivilege
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, ProgrammingError

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from geo.core.scope import scope_prefix
from registry.accounts.roles import Account
from registry.personal import PersonalDataCipher, mask_id, mask_name, mask_phone, validate_id_number
from registry.talents import queries as q
from registry.talents.models import KINDS, STAGES, ProjectInput, TalentInput
from registry.talents.validate import check_kind

TALENT_WRITERS = frozenset({"county_admin", "township_staff", "village_collector"})
MAX_PAGE = 200


def check_writer(account: Account) -> None:
    """PermissionDenied unless the account may add or change talents."""
    if account.role not in TALENT_WRITERS:
        raise PermissionDenied(
            f"人才库只能由县、乡镇、村工作人员维护 only county, township and village staff may change talents; "
            f"you are {account.role}"
        )


@contextmanager
def _writing(area: str) -> Iterator[None]:
    """Turn the database's refusals into domain errors: a duplicate ID, or an area outside the caller's."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict("人才库中已有此身份证号 a talent with this ID number already exists") from exc
    except ProgrammingError as exc:
        if isinstance(exc.orig, InsufficientPrivilege):
            raise PermissionDenied(
                f"不能在辖区外登记人才 you may not keep talents in area {area}: it is outside yours"
            ) from exc
        raise


def _check_village(conn: Connection, code: str) -> None:
    row = conn.execute(q.AREA, {"code": code}).one_or_none()
    if row is None:
        raise NotFound(f"area {code} is not a known area code: import the boundaries first")
    if row.level != "village":
        raise InvalidInput(
            f"a talent belongs to a village, but {code} is a {row.level}", field="village_code"
        )


def _check_park(conn: Connection, code: str | None) -> None:
    if code is None:
        return
    row = conn.execute(q.AREA, {"code": code}).one_or_none()
    if row is None or row.level != "township" or row.kind != "park":
        raise InvalidInput(
            f"园区代码 {code} 不是园区 park_code {code} is not an industrial park", field="park_code"
        )


def _talent_params(talent: TalentInput, cipher: PersonalDataCipher) -> dict[str, Any]:
    params = asdict(talent)
    params["skills"], params["certificates"] = list(talent.skills), list(talent.certificates)
    params["phone_cipher"] = cipher.encrypt(talent.phone) if talent.phone else None
    del params["phone"], params["id_number"]
    return params


def create_talent(
    conn: Connection, account: Account, talent: TalentInput, *, cipher: PersonalDataCipher
) -> int:
    """Insert a talent in the caller's area; linked to the resident with the same ID number if visible."""
    check_writer(account)
    check_kind(talent.kind)
    _check_village(conn, talent.village_code)
    born, sex = validate_id_number(talent.id_number)
    id_hash = cipher.keyed_hash(talent.id_number)
    resident = conn.execute(q.RESIDENT_BY_ID_HASH, {"id_hash": id_hash}).scalar_one_or_none()
    params = _talent_params(talent, cipher) | {
        "id_hash": id_hash,
        "id_cipher": cipher.encrypt(talent.id_number),
        "sex": sex,
        "birth_date": born,
        "resident_id": resident,
    }
    with _writing(talent.village_code), conn.begin_nested():
        return int(conn.execute(q.INSERT_TALENT, params).scalar_one())


def update_talent(
    conn: Connection, account: Account, talent_id: int, talent: TalentInput, *, cipher: PersonalDataCipher
) -> None:
    """Replace a talent's fields (not its ID number); its projects move with it. NotFound outside the area."""
    check_writer(account)
    _check_village(conn, talent.village_code)
    params = _talent_params(talent, cipher) | {"talent_id": talent_id}
    with _writing(talent.village_code), conn.begin_nested():
        if conn.execute(q.UPDATE_TALENT, params).scalar_one_or_none() is None:
            raise NotFound(f"talent {talent_id} does not exist or is outside your area")
        conn.execute(q.MOVE_PROJECTS, params)


def delete_talent(conn: Connection, account: Account, talent_id: int) -> None:
    """Delete a talent and its projects; NotFound alike for missing and out-of-area records."""
    check_writer(account)
    if conn.execute(q.DELETE_TALENT, {"talent_id": talent_id}).scalar_one_or_none() is None:
        raise NotFound(f"talent {talent_id} does not exist or is outside your area")


def talent_input(row: dict[str, Any], cipher: PersonalDataCipher) -> dict[str, Any]:
    """A stored talent (from TALENT_BY_ID) as the mapping validate.talent_from reads, to apply a PATCH on."""
    return {
        "kind": row["kind"],
        "name": row["name"],
        "id_number": cipher.decrypt(bytes(row["id_cipher"])),
        "village_code": row["village_code"],
        "phone": cipher.decrypt(bytes(row["phone_cipher"])) if row["phone_cipher"] is not None else None,
        "education": row["education"],
        "title": row["title"],
        "skills": list(row["skills"]),
        "certificates": list(row["certificates"]),
        "industry": row["industry"],
        "returned_on": row["returned_on"],
        "returned_from": row["returned_from"],
    }


def talent_row(conn: Connection, talent_id: int) -> dict[str, Any]:
    """The stored row of a visible talent; NotFound alike for missing and out-of-area records."""
    row = conn.execute(q.TALENT_BY_ID, {"talent_id": talent_id}).mappings().one_or_none()
    if row is None:
        raise NotFound(f"talent {talent_id} does not exist or is outside your area")
    return dict(row)


def _project_json(row: Any) -> dict[str, Any]:
    return {
        "project_id": row.project_id,
        "name": row.name,
        "industry": row.industry,
        "stage": row.stage,
        "stage_label": STAGES[row.stage],
        "investment_wan": float(row.investment_wan),
        "jobs_created": row.jobs_created,
        "needs": list(row.needs),
        "park_code": row.park_code,
        "park_name": row.park_name,
        "description": row.description,
    }


def _masked(row: Any, account: Account, cipher: PersonalDataCipher, projects: list[Any]) -> dict[str, Any]:
    phone = cipher.decrypt(bytes(row["phone_cipher"])) if row["phone_cipher"] is not None else None
    return {
        "talent_id": row["talent_id"],
        "kind": row["kind"],
        "kind_label": KINDS[row["kind"]],
        "name": row["name"] if account.sees_names else mask_name(row["name"]),
        "sex": row["sex"],
        "birth_year": row["birth_date"].year,
        "id_number": mask_id(cipher.decrypt(bytes(row["id_cipher"]))),
        "phone": mask_phone(phone) if phone else None,
        "resident_id": row["resident_id"],
        "village_code": row["village_code"],
        "village_name": row["village_name"],
        "area_code": row["area_code"],
        "township_name": row["township_name"],
        "education": row["education"],
        "title": row["title"],
        "skills": list(row["skills"]),
        "certificates": list(row["certificates"]),
        "industry": row["industry"],
        "returned_on": row["returned_on"].isoformat() if row["returned_on"] else None,
        "returned_from": row["returned_from"],
        "projects": [_project_json(p) for p in projects if p.talent_id == row["talent_id"]],
    }


def get_talent(
    conn: Connection, account: Account, talent_id: int, *, cipher: PersonalDataCipher
) -> dict[str, Any]:
    """One visible talent with its projects, masked for the account."""
    row = talent_row(conn, talent_id)
    projects = list(conn.execute(q.PROJECTS_OF, {"talent_ids": [talent_id]}))
    return _masked(row, account, cipher, projects)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_talents(
    conn: Connection,
    account: Account,
    *,
    cipher: PersonalDataCipher,
    q_text: str | None = None,
    kind: str | None = None,
    area: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """The visible talents matching a search (name, skills, industry, project), masked; and their total."""
    check_kind(kind)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}", field="offset")
    text = (q_text or "").strip() or None
    params = {
        "kind": kind,
        "prefix": scope_prefix(area) if area else None,
        "limit": limit,
        "offset": offset,
        "pattern": f"%{_escaped(text)}%" if text else None,
    }
    rows = [dict(r) for r in conn.execute(q.LIST_TALENTS, params).mappings()]
    projects = list(conn.execute(q.PROJECTS_OF, {"talent_ids": [r["talent_id"] for r in rows]}))
    total = int(rows[0]["total"]) if rows else 0
    return [_masked(r, account, cipher, projects) for r in rows], total


def _project_params(project: ProjectInput) -> dict[str, Any]:
    params = asdict(project)
    params["needs"] = list(project.needs)
    return params


def add_project(conn: Connection, account: Account, talent_id: int, project: ProjectInput) -> int:
    """Add a project to a visible talent (the project takes the talent's area)."""
    check_writer(account)
    _check_park(conn, project.park_code)
    with _writing("of the talent"), conn.begin_nested():
        project_id = conn.execute(q.INSERT_PROJECT, _project_params(project) | {"talent_id": talent_id})
        value = project_id.scalar_one_or_none()
    if value is None:
        raise NotFound(f"talent {talent_id} does not exist or is outside your area")
    return int(value)


def update_project(
    conn: Connection, account: Account, talent_id: int, project_id: int, project: ProjectInput
) -> None:
    """Replace a project's fields; NotFound if it is not a visible project of that talent."""
    check_writer(account)
    _check_park(conn, project.park_code)
    params = _project_params(project) | {"talent_id": talent_id, "project_id": project_id}
    if conn.execute(q.UPDATE_PROJECT, params).scalar_one_or_none() is None:
        raise NotFound(f"project {project_id} of talent {talent_id} does not exist or is outside your area")


def delete_project(conn: Connection, account: Account, talent_id: int, project_id: int) -> None:
    """Delete a project; NotFound if it is not a visible project of that talent."""
    check_writer(account)
    params = {"talent_id": talent_id, "project_id": project_id}
    if conn.execute(q.DELETE_PROJECT, params).scalar_one_or_none() is None:
        raise NotFound(f"project {project_id} of talent {talent_id} does not exist or is outside your area")


def project_mapping(conn: Connection, talent_id: int, project_id: int) -> dict[str, Any]:
    """A visible project as the mapping validate.project_from reads, to apply a PATCH on."""
    for p in conn.execute(q.PROJECTS_OF, {"talent_ids": [talent_id]}):
        if p.project_id == project_id:
            return {
                "name": p.name,
                "stage": p.stage,
                "industry": p.industry,
                "investment_wan": str(p.investment_wan),
                "jobs_created": p.jobs_created,
                "needs": list(p.needs),
                "park_code": p.park_code,
                "description": p.description,
            }
    raise NotFound(f"project {project_id} of talent {talent_id} does not exist or is outside your area")


def talent_stats(conn: Connection) -> dict[str, Any]:
    """Counts of the visible talents by kind and township, and of their projects by industry and need."""
    totals = conn.execute(q.STATS_TOTALS).one()
    return {
        "talents": int(totals.talents),
        "projects": int(totals.projects),
        "jobs_created": int(totals.jobs_created),
        "investment_wan": float(totals.investment_wan),
        "by_kind": [
            {"kind": r.key, "label": KINDS[r.key], "count": int(r.n)} for r in conn.execute(q.STATS_BY_KIND)
        ],
        "by_township": [
            {"code": r.key, "name": r.name, "count": int(r.n)} for r in conn.execute(q.STATS_BY_TOWNSHIP)
        ],
        "by_industry": [
            {
                "industry": r.key,
                "projects": int(r.n),
                "jobs_created": int(r.jobs),
                "investment_wan": float(r.investment_wan),
            }
            for r in conn.execute(q.STATS_BY_INDUSTRY)
        ],
        "by_need": [{"need": r.key, "projects": int(r.n)} for r in conn.execute(q.STATS_BY_NEED)],
    }
