"""Recruitment fairs "2+N": venues on the map, the calendar, booths, seekers, intentions and hires (scoped)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from api.errors import raises
from api.schemas.fairs import (
    BoothBody,
    BoothRegistered,
    FairBody,
    FairDetail,
    FairOut,
    Fairs,
    GenerateBody,
    Generated,
    OutcomeBody,
    OutcomeOut,
    SeekerBody,
    SeekerRegistered,
    Seekers,
    StatusBody,
    VenueBody,
    VenueOut,
    Venues,
)
from api.types import Id
from geo.core.errors import Conflict, InvalidInput, NotFound
from programme.access import COUNTY_ROLES, FAIR_DAY_STAFF, FAIR_ORGANISERS, require
from programme.fairday import (
    NewBooth,
    list_booths,
    list_seekers,
    record_outcome,
    register_booth,
    register_seeker,
)
from programme.fairs import (
    NewFair,
    NewVenue,
    create_fair,
    create_venue,
    get_fair,
    list_fairs,
    list_venues,
    schedule_year,
    set_status,
)
from registry.accounts.auth import audit

router = APIRouter(prefix="/api/v1/programme", tags=["fairs"])
FairId = Annotated[Id, Path(ge=1, description="招聘会 id")]


@router.get("/venues", operation_id="list_venues", response_model=Venues)
def venues(conn: ScopedConnection) -> dict[str, Any]:
    """招聘会场地 The venues in your area (points for the map)."""
    rows = list_venues(conn)
    return {"venues": rows, "count": len(rows)}


@router.post(
    "/venues",
    operation_id="create_venue",
    status_code=201,
    response_model=VenueOut,
    responses=raises(Conflict),
)
def new_venue(body: VenueBody, account: CurrentAccount, conn: ScopedConnection) -> dict[str, Any]:
    """新建场地 Add a venue in your area (county or township staff)."""
    require(account, FAIR_ORGANISERS, "新建场地", "add venues")
    return create_venue(conn, NewVenue(body.name, body.lon, body.lat, body.address, body.capacity))


@router.get("/fairs", operation_id="list_fairs", response_model=Fairs)
def fairs(
    conn: ScopedConnection,
    start: Annotated[date | None, Query(alias="from", description="起始日期, default 7 days ago")] = None,
    end: Annotated[date | None, Query(alias="to", description="结束日期, default 60 days ahead")] = None,
) -> dict[str, Any]:
    """招聘会日程 The fairs in your area between two days, with booths, seekers, intentions and hires."""
    today = date.today()
    rows = list_fairs(conn, start or today - timedelta(days=7), end or today + timedelta(days=60))
    return {"fairs": rows, "count": len(rows), "today": today.isoformat()}


@router.post(
    "/fairs",
    operation_id="create_fair",
    status_code=201,
    response_model=FairOut,
    responses=raises(NotFound, Conflict),
)
def new_fair(body: FairBody, account: CurrentAccount, conn: ScopedConnection) -> dict[str, Any]:
    """新建招聘会 Schedule a fair (not in the past; 周三招工 on a Wednesday, 周六招才 on a Saturday)."""
    require(account, FAIR_ORGANISERS, "安排招聘会", "schedule fairs")
    fair = NewFair(body.fair_date, body.kind, body.venue_id, body.title, body.theme)
    return create_fair(conn, fair, today=date.today())


@router.post(
    "/fairs/generate",
    operation_id="generate_fairs",
    status_code=201,
    response_model=Generated,
    responses=raises(NotFound),
)
def generate(body: GenerateBody, account: CurrentAccount, conn: ScopedConnection) -> dict[str, int]:
    """生成全年日程 Schedule the year's "2+N" calendar from today on (county staff); twice creates nothing."""
    require(account, COUNTY_ROLES, "生成全年招聘会日程", "generate the year's calendar")
    done = schedule_year(
        conn,
        body.year,
        venue_id=body.venue_id,
        special_venue_ids=body.special_venue_ids,
        skip=body.skip,
        today=date.today(),
    )
    return {"created": done.created, "existing": done.existing, "past": done.past}


@router.get("/fairs/{fair_id}", operation_id="get_fair", response_model=FairDetail)
def fair(fair_id: FairId, conn: ScopedConnection) -> dict[str, Any]:
    """招聘会详情 One fair with its booths and positions."""
    return get_fair(conn, fair_id) | {"booth_list": list_booths(conn, fair_id)}


@router.post("/fairs/{fair_id}/status", operation_id="set_fair_status", response_model=FairOut)
def fair_status(
    fair_id: FairId, body: StatusBody, account: CurrentAccount, conn: ScopedConnection
) -> dict[str, Any]:
    """招聘会状态 Mark a fair planned, held or cancelled (organisers of its area)."""
    require(account, FAIR_ORGANISERS, "修改招聘会状态", "change a fair's status")
    return set_status(conn, fair_id, body.status)


@router.post(
    "/fairs/{fair_id}/booths",
    operation_id="register_booth",
    status_code=201,
    response_model=BoothRegistered,
    responses=raises(Conflict),
)
def booth(
    fair_id: FairId, body: BoothBody, request: Request, account: CurrentAccount, conn: ScopedConnection
) -> dict[str, Any]:
    """登记展位 Register an enterprise's booth and positions (enterprise HR: their own; staff: any in area)."""
    enterprise_id = body.enterprise_id if body.enterprise_id is not None else account.enterprise_id
    if enterprise_id is None:
        raise InvalidInput("请指定企业 enterprise_id is required", field="enterprise_id")
    out = register_booth(conn, account, fair_id, NewBooth(enterprise_id, body.booth_no, body.vacancy_ids))
    audit(conn, account, "fair.booth", target=f"fair:{fair_id}", source=client_address(request))
    return out


@router.post(
    "/fairs/{fair_id}/seekers",
    operation_id="register_seeker",
    status_code=201,
    response_model=SeekerRegistered,
    responses=raises(Conflict),
)
def seeker(
    fair_id: FairId,
    body: SeekerBody,
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
) -> dict[str, Any]:
    """求职者登记 Register a seeker at the fair (staff; a job seeker registers themselves); phone masked."""
    out = register_seeker(conn, account, fair_id, name=body.name, phone=body.phone, cipher=cipher)
    audit(conn, account, "fair.seeker", target=f"fair:{fair_id}", source=client_address(request))
    return out


@router.get("/fairs/{fair_id}/seekers", operation_id="list_fair_seekers", response_model=Seekers)
def seekers(
    fair_id: FairId, account: CurrentAccount, conn: ScopedConnection, cipher: Cipher
) -> dict[str, Any]:
    """已登记求职者 The seekers registered at a fair (staff), phones masked."""
    require(account, FAIR_DAY_STAFF | {"job_seeker"}, "查看求职登记", "list a fair's seekers")
    rows = list_seekers(conn, account, fair_id, cipher=cipher)
    return {"seekers": rows, "count": len(rows)}


@router.post(
    "/fairs/{fair_id}/outcomes",
    operation_id="record_outcome",
    status_code=201,
    response_model=OutcomeOut,
    responses=raises(Conflict),
)
def outcome(
    fair_id: FairId, body: OutcomeBody, request: Request, account: CurrentAccount, conn: ScopedConnection
) -> dict[str, Any]:
    """记录就业意向/录用 Record an intention or a hire on the fair day (staff of the fair's area)."""
    out = record_outcome(
        conn,
        account,
        fair_id,
        booth_id=body.booth_id,
        registration_id=body.registration_id,
        kind=body.kind,
        today=date.today(),
    )
    audit(conn, account, f"fair.{body.kind}", target=f"fair:{fair_id}", source=client_address(request))
    return out
