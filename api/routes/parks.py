"""Parks and incubators API: registry, tenants, stats, the public map layer; entrepreneurship support requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.auth import Cipher, CurrentAccount, ScopedConnection
from api.deps import ConnectionDep
from api.errors import raises
from api.schemas.common import enum_schema
from api.schemas.parks import (
    ParkDetail,
    ParkIn,
    ParkList,
    ParkMap,
    ParkStats,
    StepIn,
    SupportAdvanced,
    SupportIn,
    SupportRequestDetail,
    SupportRequestList,
    SupportSubmitted,
    TenantAdded,
    TenantIn,
    TenantMovedOut,
)
from api.types import Id
from geo.core.errors import Conflict, NotFound
from programme.parks import support
from programme.parks.store import (
    KINDS,
    NewPark,
    NewTenant,
    add_tenant,
    create_park,
    get_park,
    list_parks,
    move_out,
    park_stats,
    parks_geojson,
)
from programme.parks.support import STATUSES
from registry.staff import STAFF_ROLES, require_role

router = APIRouter(prefix="/api/v1", tags=["parks"])
Kind = Annotated[str | None, Query(description="园区类型 park kind", json_schema_extra=enum_schema(KINDS))]


@router.get(
    "/parks.geojson",
    operation_id="parks_map",
    response_model=ParkMap,
)
def parks_map(conn: ConnectionDep, kind: Kind = None) -> dict[str, Any]:
    """园区地图 Every park as a GeoJSON point with its public facts (kind, capacity, occupancy; no contacts)."""
    return parks_geojson(conn, kind=kind)


@router.get("/parks", operation_id="list_parks", response_model=ParkList)
def parks(
    account: CurrentAccount, conn: ScopedConnection, cipher: Cipher, kind: Kind = None
) -> dict[str, Any]:
    """园区 The parks of your area with capacity and occupancy (contact phones masked)."""
    require_role(account, STAFF_ROLES, "reading the park registry")
    rows = list_parks(conn, cipher=cipher, kind=kind)
    return {"parks": rows, "count": len(rows)}


@router.post(
    "/parks",
    operation_id="create_park",
    status_code=201,
    response_model=ParkDetail,
    responses=raises(Conflict),
)
def new_park(account: CurrentAccount, conn: ScopedConnection, cipher: Cipher, body: ParkIn) -> dict[str, Any]:
    """登记园区 Register a park in your area."""
    park_id = create_park(conn, account, NewPark(**body.model_dump()), cipher=cipher)
    return get_park(conn, park_id, cipher=cipher, sees_names=account.sees_names)


@router.get("/parks/stats", operation_id="park_stats", response_model=ParkStats)
def stats(
    account: CurrentAccount,
    conn: ScopedConnection,
    by: Annotated[
        str, Query(description="分组 grouping", json_schema_extra=enum_schema(("kind", "township")))
    ] = "kind",
) -> dict[str, Any]:
    """园区统计 Capacity, occupancy and tenants of your area's parks by kind or township."""
    require_role(account, STAFF_ROLES, "reading park statistics")
    return {"by": by, "rows": park_stats(conn, by=by)}


@router.get("/parks/{park_id}", operation_id="get_park", response_model=ParkDetail)
def park(
    account: CurrentAccount, conn: ScopedConnection, cipher: Cipher, park_id: Annotated[Id, Path(ge=1)]
) -> dict[str, Any]:
    """园区详情 One park of your area with its tenants."""
    require_role(account, STAFF_ROLES, "reading the park registry")
    return get_park(conn, park_id, cipher=cipher, sees_names=account.sees_names)


@router.post(
    "/parks/{park_id}/tenants",
    operation_id="add_park_tenant",
    status_code=201,
    response_model=TenantAdded,
    responses=raises(Conflict),
)
def tenant_in(
    account: CurrentAccount, conn: ScopedConnection, park_id: Annotated[Id, Path(ge=1)], body: TenantIn
) -> dict[str, Any]:
    """入驻 A tenant moves in (refused when occupancy would exceed capacity)."""
    return {"tenant_id": add_tenant(conn, account, park_id, NewTenant(**body.model_dump()))}


@router.post(
    "/parks/{park_id}/tenants/{tenant_id}/move-out",
    operation_id="park_tenant_move_out",
    response_model=TenantMovedOut,
    responses=raises(Conflict),
)
def tenant_out(
    account: CurrentAccount,
    conn: ScopedConnection,
    park_id: Annotated[Id, Path(ge=1)],
    tenant_id: Annotated[Id, Path(ge=1)],
) -> dict[str, Any]:
    """迁出 A tenant leaves; its units become free."""
    move_out(conn, account, park_id, tenant_id)
    return {"tenant_id": tenant_id, "moved_out": True}


@router.get("/support-requests", operation_id="list_support_requests", response_model=SupportRequestList)
def support_requests(
    account: CurrentAccount,
    conn: ScopedConnection,
    status: Annotated[
        str | None, Query(description="状态 status", json_schema_extra=enum_schema(STATUSES))
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """创业扶持申请 Support requests of your area, newest first."""
    require_role(account, STAFF_ROLES, "reading support requests")
    rows = support.list_requests(conn, sees_names=account.sees_names, status=status, limit=limit)
    return {"requests": rows, "count": len(rows)}


@router.post(
    "/support-requests",
    operation_id="submit_support_request",
    status_code=201,
    response_model=SupportSubmitted,
    responses=raises(NotFound, Conflict),
)
def submit_support(account: CurrentAccount, conn: ScopedConnection, body: SupportIn) -> dict[str, Any]:
    """提交申请 Record an application by an enterprise or a talent of your area."""
    return support.submit(conn, account, support.NewSupportRequest(**body.model_dump()))


@router.get(
    "/support-requests/{request_id}", operation_id="get_support_request", response_model=SupportRequestDetail
)
def support_request(
    account: CurrentAccount, conn: ScopedConnection, request_id: Annotated[Id, Path(ge=1)]
) -> dict[str, Any]:
    """申请详情 One request with every step (who, when, why)."""
    require_role(account, STAFF_ROLES, "reading support requests")
    return support.get_request(conn, request_id, sees_names=account.sees_names)


@router.post(
    "/support-requests/{request_id}/status",
    operation_id="advance_support_request",
    response_model=SupportAdvanced,
    responses=raises(Conflict),
)
def support_step(
    account: CurrentAccount, conn: ScopedConnection, request_id: Annotated[Id, Path(ge=1)], body: StepIn
) -> dict[str, Any]:
    """审核流转 Move a request one step on (submitted → reviewing → approved/rejected → disbursed)."""
    return support.advance(conn, account, request_id, body.to, reason=body.reason)
