"""The map's data: areas, a route, the rebalancing and shared-employment plans, surplus snapshots, statistics."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.matching import Geometry, Mode
from api.types import Finite, Id, Int4
from matching.rebalance.plan import GroupTotals  # the plan's own frozen dataclass is the answer's shape

Level = Literal["county", "township", "village"]


class AreaProperties(BaseModel):
    code: str
    name: str
    level: Level
    kind: str | None
    parent_code: str | None
    seat: list[float] | None = Field(description="驻地 the seat [lon, lat], WGS84")


class AreaFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Geometry | None
    properties: AreaProperties


class Areas(BaseModel):
    """Areas as a GeoJSON FeatureCollection (WGS84)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[AreaFeature]


class RouteProperties(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    site_id: int
    mode: Mode
    road_distance_m: float
    travel_minutes: float
    snap_distance_m: float
    site_snap_distance_m: float
    from_: list[float] = Field(alias="from", description="出发点 the start [lon, lat], WGS84")


class RouteOut(BaseModel):
    """The road route as a GeoJSON Feature (a LineString, WGS84)."""

    type: Literal["Feature"] = "Feature"
    geometry: Geometry
    properties: RouteProperties


class PlanAsked(BaseModel):
    level: str
    mode: str
    max_minutes: float


class Flow(BaseModel):
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    group: str
    group_name: str
    workers: int
    minutes: float
    cost: float = Field(description="人·分钟 worker-minutes")
    from_lon: float
    from_lat: float
    to_lon: float
    to_lat: float


class Unmet(BaseModel):
    code: str
    name: str
    group: str
    group_name: str
    positions: int
    reason: str
    explanation: str


class PlanTotals(BaseModel):
    surplus: int
    shortage: int
    moved: int
    unmet: int
    idle: int
    cost: float
    greedy_moved: int
    greedy_cost: float
    objective: int
    greedy_objective: int


class RebalancePlan(BaseModel):
    """Surplus workers moved to areas short of them at the least total travel time, per group."""

    query: PlanAsked
    flows: list[Flow]
    unmet: list[Unmet]
    groups: list[GroupTotals]
    totals: PlanTotals
    note: str | None
    seconds: float


class SharedIn(BaseModel):
    """Workers of a trade at one of your sites for a date range."""

    site_id: Id = Field(ge=1, description="企业场所 one of your enterprise's sites")
    occupation_code: str = Field(description="工种代码 detail occupation code, e.g. 6-18-02-04")
    workers: Int4 = Field(description="人数 number of workers")
    date_from: date = Field(description="开始日期 from")
    date_to: date = Field(description="结束日期 to (inclusive)")
    note: str = Field(default="", max_length=500, description="说明 e.g. 淡季 off-season")


class SharedOffer(BaseModel):
    offer_id: int
    enterprise_id: int | None
    site_id: int
    occupation_code: str
    workers: int
    date_from: date
    date_to: date
    note: str
    area_code: str
    created_at: datetime


class SharedNeed(BaseModel):
    need_id: int
    enterprise_id: int | None
    site_id: int
    occupation_code: str
    workers: int
    date_from: date
    date_to: date
    note: str
    area_code: str
    created_at: datetime


class Assignment(BaseModel):
    offer_id: int
    need_id: int
    workers: int
    from_enterprise: str
    from_site_id: int
    to_enterprise: str
    to_site_id: int
    offer_occupation: str | None
    need_occupation: str | None
    minutes: float
    date_from: date
    date_to: date


class UnmetNeed(BaseModel):
    need_id: int
    enterprise: str
    site_id: int
    occupation: str | None
    workers: int
    reason: str


class IdleOffer(BaseModel):
    offer_id: int
    enterprise: str
    occupation: str | None
    workers: int


class SharedTotals(BaseModel):
    offered: int
    needed: int
    placed: int
    worker_minutes: float


class SharedPlan(BaseModel):
    """The assignment of offered staff to needs, with why a need stays unmet."""

    mode: str
    max_minutes: float
    date: dt.date | None
    assignments: list[Assignment]
    unmet: list[UnmetNeed]
    idle: list[IdleOffer]
    totals: SharedTotals
    note: str | None


class SnapshotGroup(BaseModel):
    group: str
    name: str
    positions: int


class SnapshotArea(BaseModel):
    code: str
    name: str
    parent_code: str | None
    seekers: int
    positions: int
    balance: float | None
    access_2sfca: float | None
    access_e2sfca: float | None
    spatial_availability: float | None


class Surplus(BaseModel):
    """One date's figures per area for a group, and the dates and groups to choose from."""

    level: Literal["township", "village"]
    group: str
    date: dt.date
    mode: Mode
    radius_m: Finite
    dates: list[dt.date]
    groups: list[SnapshotGroup]
    areas: list[SnapshotArea]


class SurplusChoices(BaseModel):
    mode: Mode
    radius_m: float
    dates: list[date]
    groups: list[SnapshotGroup]


class TrendPoint(BaseModel):
    snapshot_date: date
    seekers: int
    positions: int
    balance: float | None
    access_2sfca: float | None
    access_e2sfca: float | None
    spatial_availability: float | None


class SurplusTrend(BaseModel):
    area: str
    name: str
    level: str
    group: str
    points: list[TrendPoint]


class Count(BaseModel):
    key: str | None
    label: str | None
    count: int


class RegistryCounts(BaseModel):
    """Residents counted as they were on a date."""

    by: Literal["status", "trade", "work_city", "village", "township"]
    at: str
    total: int
    counts: list[Count]


class MonthMoves(BaseModel):
    month: str
    returned_home: int
    left_home: int
    found_local_job: int


class RegistryMonthly(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    months: list[MonthMoves]
