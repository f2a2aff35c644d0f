"""共享用工 Shared employment: HR posts offers of idle staff and needs for staff; staff plan the assignment."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.auth import CurrentAccount, ScopedConnection, client_address
from api.errors import raises
from api.routes.circle import CirclesDep
from api.schemas.common import enum_schema
from api.schemas.maps import SharedIn, SharedNeed, SharedOffer, SharedPlan
from api.types import Finite
from geo.core.errors import Conflict, NotFound, PermissionDenied
from matching.rebalance.shared import SharedEntry, plan_shared, post_entry
from registry.accounts.auth import audit

router = APIRouter(prefix="/api/v1", tags=["shared-employment"])
PLANNER_ROLES = frozenset({"county_admin", "county_reviewer", "township_staff"})


def _post(request: Request, account: Any, conn: Any, body: SharedIn, kind: str) -> dict[str, Any]:
    entry = SharedEntry(
        body.site_id, body.occupation_code, body.workers, body.date_from, body.date_to, body.note
    )
    row = post_entry(
        conn, account.enterprise_id if account.role == "enterprise_hr" else None, entry, kind=kind
    )
    audit(
        conn, account, f"shared.{kind}", target=f"{kind}:{row[kind + '_id']}", source=client_address(request)
    )
    return row


@router.post(
    "/shared-employment/offers",
    operation_id="post_shared_offer",
    status_code=201,
    response_model=SharedOffer,
    responses=raises(NotFound),
)
def post_offer(
    request: Request, account: CurrentAccount, conn: ScopedConnection, body: SharedIn
) -> dict[str, Any]:
    """发布富余员工 Offer idle staff of your enterprise for a date range (enterprise HR)."""
    return _post(request, account, conn, body, "offer")


@router.post(
    "/shared-employment/needs",
    operation_id="post_shared_need",
    status_code=201,
    response_model=SharedNeed,
    responses=raises(NotFound),
)
def post_need(
    request: Request, account: CurrentAccount, conn: ScopedConnection, body: SharedIn
) -> dict[str, Any]:
    """发布短期用工需求 Ask for staff for a date range (enterprise HR)."""
    return _post(request, account, conn, body, "need")


@router.get(
    "/plan/shared-employment",
    operation_id="plan_shared_employment",
    response_model=SharedPlan,
    responses=raises(Conflict),
)
def shared_plan(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    circles: CirclesDep,
    mode: Annotated[
        str,
        Query(
            description="出行方式 car 汽车 or ebike 电动车", json_schema_extra=enum_schema(("car", "ebike"))
        ),
    ] = "car",
    max_minutes: Annotated[
        Finite | None, Query(description="最长通勤（分钟）maximum commute; default 45 by car, 30 by e-bike")
    ] = None,
    day: Annotated[
        date | None, Query(alias="date", description="日期 only offers and needs covering this date")
    ] = None,
) -> dict[str, Any]:
    """共享用工方案 The optimal assignment of offered staff to needs in your area, with unmet reasons."""
    if account.role not in PLANNER_ROLES:
        raise PermissionDenied(
            f"only county or township staff may plan shared employment; you are {account.role}"
        )
    plan = plan_shared(circles, conn, mode=mode, max_minutes=max_minutes, day=day, today=date.today())
    plan.pop("problem", None)
    audit(conn, account, "shared.plan", target=f"{mode}:{max_minutes}", source=client_address(request))
    return plan
