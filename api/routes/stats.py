"""`GET /api/v1/stats/areas`: the latest circle analytics run's figures per township or village."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import ConnectionDep
from api.errors import raises
from api.types import Finite
from geo.core.errors import NotFound
from matching.analytics.queries import CIRCLE_AREA_STATS, LATEST_CIRCLE_RUN

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


class RunOut(BaseModel):
    """The analytics run the figures come from."""

    run_id: int
    mode: str
    metric: str
    limit_value: float
    decay: str
    computed_at: datetime


class AreaStats(BaseModel):
    """One area's figures of a run."""

    code: str
    name: str
    parent_code: str | None
    parent_name: str | None
    residents: int
    seekers: int = Field(description="可就业人数 people available for work")
    positions: int = Field(description="区内在招人数 open positions located in the area")
    positions_in_reach: float = Field(description="每名求职者圈内平均岗位数 mean positions within reach")
    access_index: float = Field(description="两步移动搜索法可达性 2SFCA access index per seeker")
    balance: float = Field(description="岗位余缺 claimed positions − seekers (negative: short of jobs)")


class AreaStatsOut(BaseModel):
    """Figures of every area of a level."""

    level: str
    run: RunOut
    areas: list[AreaStats]


@router.get("/areas", operation_id="area_stats", response_model=AreaStatsOut, responses=raises(NotFound))
def area_stats(
    conn: ConnectionDep,
    level: Annotated[
        Literal["township", "village"], Query(description="区域层级 township 乡镇 or village 村")
    ] = "township",
    mode: Annotated[
        Literal["walk", "ebike", "car"], Query(description="出行方式 walk 步行, ebike 电动车, car 汽车")
    ] = "walk",
    radius_m: Annotated[
        Finite, Query(gt=0, description="半径（米，沿道路）radius in metres by road")
    ] = 3000.0,
) -> AreaStatsOut:
    """就业圈统计 Seekers, positions, positions in reach, 2SFCA access and balance per area (latest run)."""
    params = {"mode": mode, "metric": "length", "limit_value": radius_m}
    run = conn.execute(LATEST_CIRCLE_RUN, params).mappings().one_or_none()
    if run is None:
        raise NotFound(
            f"no circle analytics for mode {mode} within {radius_m:g} m yet: "
            f"run `hongyan analyze circles --mode {mode} --radius {radius_m:g}` first"
        )
    rows = conn.execute(CIRCLE_AREA_STATS, {"run_id": run["run_id"], "level": level}).mappings()
    return AreaStatsOut(
        level=level,
        run=RunOut.model_validate(dict(run)),
        areas=[AreaStats.model_validate(dict(r)) for r in rows],
    )
