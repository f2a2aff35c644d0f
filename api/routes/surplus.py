"""`GET /api/v1/stats/surplus` and `/surplus/trend`: dated surplus/shortage snapshots by occupation group."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import ConnectionDep
from api.errors import raises
from api.schemas.maps import Surplus, SurplusChoices, SurplusTrend
from api.types import Finite
from geo.core.errors import NotFound
from matching.analytics.surplus_store import choices, surplus, trend

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])
GROUP = r"^(all|[1-8](-[0-9]{2})?)$"
GroupQuery = Annotated[
    str, Query(pattern=GROUP, description="职业分组 all, a major group (6) or a medium group (6-18)")
]
ModeQuery = Annotated[
    Literal["walk", "ebike", "car"], Query(description="出行方式 walk 步行, ebike 电动车, car 汽车")
]
RadiusQuery = Annotated[Finite, Query(gt=0, description="半径（米，沿道路）radius in metres by road")]


@router.get("/surplus", operation_id="surplus_snapshot", response_model=Surplus, responses=raises(NotFound))
def surplus_snapshot(
    conn: ConnectionDep,
    level: Annotated[
        Literal["township", "village"], Query(description="区域层级 township or village")
    ] = "township",
    group: GroupQuery = "all",
    day: Annotated[
        date | None, Query(alias="date", description="快照日期 YYYY-MM-DD (default latest)")
    ] = None,
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = 3000.0,
) -> dict[str, Any]:
    """余缺快照 Seekers, positions, 2SFCA, E2SFCA, spatial availability and balance per area on one date."""
    return surplus(conn, level=level, group=group, day=day, mode=mode, radius_m=radius_m)


@router.get("/surplus/choices", operation_id="surplus_choices", response_model=SurplusChoices)
def surplus_choices(
    conn: ConnectionDep, mode: ModeQuery = "walk", radius_m: RadiusQuery = 3000.0
) -> dict[str, Any]:
    """快照选项 The snapshot dates and the trade groups of the latest one (empty lists when none yet)."""
    return choices(conn, mode=mode, radius_m=radius_m)


@router.get(
    "/surplus/trend", operation_id="surplus_trend", response_model=SurplusTrend, responses=raises(NotFound)
)
def surplus_trend(
    conn: ConnectionDep,
    area: Annotated[str, Query(pattern=r"^[0-9]{12}$", description="村或乡镇代码 12-digit area code")],
    group: GroupQuery = "all",
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = 3000.0,
) -> dict[str, Any]:
    """余缺趋势 One area's figures for a group on every snapshot date."""
    return trend(conn, area=area, group=group, mode=mode, radius_m=radius_m)
