"""`GET /api/v1/plan/rebalance`: the optimal inter-area labour rebalancing plan (用工余缺调剂)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ConnectionDep
from api.errors import raises
from api.routes.circle import CirclesDep
from api.schemas.common import enum_schema
from api.schemas.maps import RebalancePlan
from api.types import Finite
from geo.core.errors import Conflict
from matching.rebalance.plan import plan_rebalance

router = APIRouter(prefix="/api/v1/plan", tags=["plan"])


@router.get(
    "/rebalance", operation_id="plan_rebalance", response_model=RebalancePlan, responses=raises(Conflict)
)
def rebalance(
    conn: ConnectionDep,
    circles: CirclesDep,
    level: Annotated[
        str,
        Query(
            description="区域层级 township 乡镇 or village 村",
            json_schema_extra=enum_schema(("township", "village")),
        ),
    ] = "township",
    mode: Annotated[
        str,
        Query(
            description="出行方式 car 汽车 or ebike 电动车", json_schema_extra=enum_schema(("car", "ebike"))
        ),
    ] = "car",
    max_minutes: Annotated[
        Finite | None, Query(description="最长通勤（分钟）maximum commute; default 45 by car, 30 by e-bike")
    ] = None,
    group: Annotated[str | None, Query(description="职业中类 occupation medium group, e.g. 6-18")] = None,
) -> dict[str, Any]:
    """用工余缺调剂 Move surplus workers to areas short of them at the least total travel time, per group."""
    plan = plan_rebalance(circles, conn, level=level, mode=mode, max_minutes=max_minutes, group=group)
    return plan.as_json()
