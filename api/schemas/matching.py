"""The job map's circle (三公里就业圈), ranked matches with their explanations, the related-trades table."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.types import Finite
from matching.circle.jobs import Listing

Mode = Literal["walk", "ebike", "car"]


class Geometry(BaseModel):
    """A GeoJSON geometry (WGS84), e.g. the reach polygon."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Polygon, MultiPolygon …")
    coordinates: list[Any] | None = None


class CircleAsked(BaseModel):
    """The request as understood: the point in WGS84 and the reach asked for."""

    lon: float
    lat: float
    mode: Mode
    radius_m: float | None
    minutes: float | None


class Position(BaseModel):
    """An open vacancy within reach, with the trip to it (metres by road, or minutes)."""

    vacancy_id: int
    enterprise_id: int
    enterprise: str
    site_id: int
    title: str
    occupation_code: str | None
    occupation: str | None
    positions: int
    wage_min: int | None
    wage_max: int | None
    full_time: bool
    lon: float
    lat: float
    road_distance_m: float | None = None
    travel_minutes: float | None = None


class CircleOut(BaseModel):
    """One page of the open positions within reach, nearest first, and the reach polygon."""

    query: CircleAsked
    on_network: bool = Field(description="起点是否在路网上 whether the point snapped onto the road network")
    snap_distance_m: float
    vacancy_count: int
    position_count: int
    limit: int
    offset: int
    positions: list[Position]
    reach: Geometry | None


class Factor(BaseModel):
    """One line of an explanation."""

    factor: str
    value: str
    weight: float
    points: float
    text: str


class Match(BaseModel):
    """A position ranked for a person, with its score and why."""

    vacancy_id: int
    title: str
    enterprise: str
    enterprise_id: int
    site_id: int
    occupation_code: str | None
    occupation: str | None
    positions: int
    wage_min: int | None
    wage_max: int | None
    full_time: bool
    lon: float
    lat: float
    road_distance_m: float | None = None
    travel_minutes: float | None = None
    rank: int
    score: float
    explanation: list[Factor]


class Excluded(BaseModel):
    vacancy_id: int
    title: str
    reason: str


class ReachAsked(BaseModel):
    mode: Mode
    radius_m: float | None
    minutes: float | None


class Matches(BaseModel):
    """Positions within reach ranked for a stated trade and wage (anonymous)."""

    on_network: bool
    count: int
    matches: list[Match]
    excluded: list[Excluded] = Field(
        description="不符合岗位要求 positions whose requirements rule the person out"
    )
    note: str | None


class ResidentMatches(BaseModel):
    """The same, for a resident the caller may see."""

    resident_id: int
    query: ReachAsked
    on_network: bool
    count: int
    matches: list[Match]
    excluded: list[Excluded]
    note: str | None


class Candidate(BaseModel):
    """A resident ranked for a vacancy (masked; the enterprise's HR gets no id, ID number or phone)."""

    resident_id: int | None = None
    name: str
    id_number: str | None = None
    phone: str | None = None
    age: int | None
    status: str
    occupation_code: str | None
    occupation: str | None
    village: str | None
    road_distance_m: float | None = None
    travel_minutes: float | None = None
    rank: int
    score: float
    explanation: list[Factor]


class VacancyCandidates(BaseModel):
    vacancy_id: int
    title: str
    query: ReachAsked
    count: int
    excluded_by_requirements: int
    candidates: list[Candidate]


class VillageCount(BaseModel):
    code: str
    name: str | None
    lon: float
    lat: float
    count: int


class PoolMember(BaseModel):
    """A resident within reach of the enterprise (name masked; no id in the HR's masked pool)."""

    resident_id: int | None = None
    name: str
    sex: str | None
    age: int | None
    status: str
    occupation_code: str | None
    occupation: str | None
    village: str | None
    road_distance_m: float | None = None
    travel_minutes: float | None = None


class EnterpriseCandidates(BaseModel):
    """The labour pool within reach of an enterprise: counts always, people as the caller may see them."""

    enterprise_id: int
    site_count: int
    candidate_count: int
    by_status: dict[str, int]
    by_trade: dict[str, int]
    by_village: list[VillageCount]
    listing: Listing
    candidates: list[PoolMember]


class RelatedIn(BaseModel):
    """A pair of related detail occupations and how closely related (0 < weight ≤ 1)."""

    code_a: str = Field(description="工种代码 detail occupation code, e.g. 6-18-02-04")
    code_b: str = Field(description="相关工种代码 the related code")
    weight: Finite = Field(description="关联度 0 < weight ≤ 1")
    note: str = Field(default="", max_length=200, description="说明 note")


class RelatedOut(BaseModel):
    """One pair of the table."""

    code_a: str
    code_b: str
    name_a: str | None = None
    name_b: str | None = None
    weight: float
    note: str
    updated_by: str
    updated_at: datetime
