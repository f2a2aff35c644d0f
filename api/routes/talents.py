"""Talents API (创新创业人才库): your area only (PostgreSQL row-level security), ID numbers and phones masked."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from api.errors import raises
from api.schemas.common import enum_schema
from api.schemas.talents import (
    ProjectDeleted,
    ProjectIn,
    ProjectPatch,
    TalentDeleted,
    TalentIn,
    TalentList,
    TalentOut,
    TalentPatch,
    TalentStats,
)
from api.types import Id, Offset
from geo.core.errors import Conflict
from registry.accounts.auth import audit
from registry.talents.models import KINDS
from registry.talents.store import (
    MAX_PAGE,
    add_project,
    create_talent,
    delete_project,
    delete_talent,
    get_talent,
    list_talents,
    project_mapping,
    talent_input,
    talent_row,
    talent_stats,
    update_project,
    update_talent,
)
from registry.talents.validate import project_from, talent_from

router = APIRouter(prefix="/api/v1", tags=["talents"])
TalentId = Annotated[Id, Path(ge=1)]
TALENT_EXAMPLE = {
    "kind": "returnee_entrepreneur",
    "name": "王晓明",
    "id_number": "34152219880512001X",
    "village_code": "341522100001",
    "phone": "13900000001",
    "skills": ["电子商务"],
    "industry": "电子商务",
    "returned_on": "2024-03-01",
    "returned_from": "苏州",
    "projects": [
        {
            "name": "农特产品网店",
            "stage": "operating",
            "industry": "电子商务",
            "investment_wan": 30,
            "jobs_created": 6,
            "needs": ["资金", "场地"],
            "park_code": "341522400000",
        }
    ],
}
PROJECT_EXAMPLE = {
    "name": "稻虾共养基地",
    "stage": "preparing",
    "industry": "稻虾共养",
    "needs": ["资金", "技术"],
}


@router.get("/talents", operation_id="list_talents", response_model=TalentList)
def talents(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    q: Annotated[
        str | None, Query(max_length=50, description="姓名、技能、行业或项目 name, skill, industry, project")
    ] = None,
    kind: Annotated[str | None, Query(description="类别 kind", json_schema_extra=enum_schema(KINDS))] = None,
    area: Annotated[
        str | None, Query(pattern=r"^[0-9]{12}$", description="乡镇或村代码 township or village")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[Offset, Query(ge=0)] = 0,
) -> TalentList:
    """人才库 Talents of your area (masked), with their projects; search and filter by kind or area."""
    rows, total = list_talents(
        conn, account, cipher=cipher, q_text=q, kind=kind, area=area, limit=limit, offset=offset
    )
    audit(conn, account, "talent.list", target=f"area:{area or '*'}", source=client_address(request))
    return TalentList.model_validate(
        {"talents": rows, "count": len(rows), "total": total, "limit": limit, "offset": offset}
    )


@router.get("/talents/stats", operation_id="talent_stats", response_model=TalentStats)
def stats(account: CurrentAccount, conn: ScopedConnection) -> TalentStats:
    """人才统计 Talents of your area by kind and township; their projects by industry and need."""
    return TalentStats.model_validate(talent_stats(conn) | {"area_code": account.area_code})


@router.get("/talents/{talent_id}", operation_id="get_talent", response_model=TalentOut)
def talent(
    request: Request, account: CurrentAccount, conn: ScopedConnection, cipher: Cipher, talent_id: TalentId
) -> TalentOut:
    """人才详情 One talent of your area with their projects (masked); 404 outside it."""
    row = get_talent(conn, account, talent_id, cipher=cipher)
    audit(conn, account, "talent.read", target=f"talent:{talent_id}", source=client_address(request))
    return TalentOut.model_validate(row)


@router.post(
    "/talents",
    operation_id="create_talent",
    status_code=201,
    response_model=TalentOut,
    responses=raises(Conflict),
)
def create(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    body: Annotated[TalentIn, Body(examples=[TALENT_EXAMPLE])],
) -> TalentOut:
    """登记人才 Add a talent (and projects) in your area: county, township or village staff."""
    fields = body.given()
    projects = fields.pop("projects", None) or []
    checked = [project_from(p) for p in projects]
    talent_id = create_talent(conn, account, talent_from(fields, today=date.today()), cipher=cipher)
    for project in checked:
        add_project(conn, account, talent_id, project)
    audit(conn, account, "talent.create", target=f"talent:{talent_id}", source=client_address(request))
    return TalentOut.model_validate(get_talent(conn, account, talent_id, cipher=cipher))


@router.patch("/talents/{talent_id}", operation_id="update_talent", response_model=TalentOut)
def patch(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    talent_id: TalentId,
    body: Annotated[TalentPatch, Body(examples=[{"title": "工程师", "skills": ["电工", "焊工"]}])],
) -> TalentOut:
    """修改人才信息 Change some fields of a talent of your area (the ID number never changes)."""
    current = talent_input(talent_row(conn, talent_id), cipher)
    changed = talent_from(current | body.given(), today=date.today())
    update_talent(conn, account, talent_id, changed, cipher=cipher)
    audit(conn, account, "talent.update", target=f"talent:{talent_id}", source=client_address(request))
    return TalentOut.model_validate(get_talent(conn, account, talent_id, cipher=cipher))


@router.delete("/talents/{talent_id}", operation_id="delete_talent", response_model=TalentDeleted)
def delete(
    request: Request, account: CurrentAccount, conn: ScopedConnection, talent_id: TalentId
) -> TalentDeleted:
    """删除人才 Delete a talent of your area and their projects."""
    delete_talent(conn, account, talent_id)
    audit(conn, account, "talent.delete", target=f"talent:{talent_id}", source=client_address(request))
    return TalentDeleted(talent_id=talent_id)


@router.post(
    "/talents/{talent_id}/projects",
    operation_id="add_talent_project",
    status_code=201,
    response_model=TalentOut,
)
def new_project(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    talent_id: TalentId,
    body: Annotated[ProjectIn, Body(examples=[PROJECT_EXAMPLE])],
) -> TalentOut:
    """新增项目 Add a project to a talent of your area."""
    project_id = add_project(conn, account, talent_id, project_from(body.given()))
    audit(
        conn, account, "talent.project.create", target=f"project:{project_id}", source=client_address(request)
    )
    return TalentOut.model_validate(get_talent(conn, account, talent_id, cipher=cipher))


@router.patch(
    "/talents/{talent_id}/projects/{project_id}",
    operation_id="update_talent_project",
    response_model=TalentOut,
)
def patch_project(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    talent_id: TalentId,
    project_id: Annotated[Id, Path(ge=1)],
    body: Annotated[ProjectPatch, Body(examples=[{"stage": "operating", "jobs_created": 12}])],
) -> TalentOut:
    """修改项目 Change some fields of a project."""
    current = project_mapping(conn, talent_id, project_id)
    update_project(conn, account, talent_id, project_id, project_from(current | body.given()))
    audit(
        conn, account, "talent.project.update", target=f"project:{project_id}", source=client_address(request)
    )
    return TalentOut.model_validate(get_talent(conn, account, talent_id, cipher=cipher))


@router.delete(
    "/talents/{talent_id}/projects/{project_id}",
    operation_id="delete_talent_project",
    response_model=ProjectDeleted,
)
def remove_project(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    talent_id: TalentId,
    project_id: Annotated[Id, Path(ge=1)],
) -> ProjectDeleted:
    """删除项目 Delete a project."""
    delete_project(conn, account, talent_id, project_id)
    audit(
        conn, account, "talent.project.delete", target=f"project:{project_id}", source=client_address(request)
    )
    return ProjectDeleted(project_id=project_id)
