"""Parks and incubators (创业园区), their tenants and stats; entrepreneurship support requests."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import PointGeometry, one_of
from api.types import Finite, Id, Int4
from programme.parks.store import KINDS, UNITS
from programme.parks.support import KINDS as SUPPORT_KINDS
from programme.parks.support import STATUSES


class ParkIn(BaseModel):
    """A park to register."""

    name: str = Field(max_length=100)
    kind: str = one_of(KINDS, "园区类型 kind")
    area_code: str = Field(pattern=r"^[0-9]{12}$")
    lon: Finite = Field(ge=-180, le=180)
    lat: Finite = Field(ge=-90, le=90)
    capacity: Int4
    unit: str = one_of(UNITS, "单位 what capacity counts", default="units")
    operator: str = Field(default="", max_length=100)
    contact_name: str = Field(default="", max_length=40)
    contact_phone: str | None = None
    opened_on: date | None = None


class TenantIn(BaseModel):
    """A tenant moving in: one of enterprise_id, talent_id (人才库) or resident_id, and the units taken."""

    enterprise_id: Id | None = Field(default=None, ge=1)
    talent_id: Id | None = Field(default=None, ge=1, description="创新创业人才库的人才编号")
    resident_id: Id | None = Field(default=None, ge=1, description="older data: a resident as the tenant")
    units: Int4 = 1
    moved_in_on: date | None = None


class SupportIn(BaseModel):
    """An application for entrepreneurship support by one of an enterprise, a talent or a resident."""

    kind: str = one_of(SUPPORT_KINDS, "扶持类型 kind of support")
    enterprise_id: Id | None = Field(default=None, ge=1)
    talent_id: Id | None = Field(default=None, ge=1, description="创新创业人才库的人才编号")
    resident_id: Id | None = Field(default=None, ge=1, description="older data: a resident as the applicant")
    park_id: Id | None = Field(default=None, ge=1)
    amount_yuan: Int4 | None = None


class StepIn(BaseModel):
    """The next status of a request, and why."""

    to: str = one_of(STATUSES, "下一状态 the next status")
    reason: str = Field(default="", max_length=500)


class ParkProperties(BaseModel):
    park_id: int
    name: str
    kind: str = one_of(KINDS)
    kind_name: str
    area_code: str
    area_name: str | None
    capacity: int
    unit: str
    occupancy: int
    operator: str | None


class ParkFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: PointGeometry
    properties: ParkProperties


class ParkMap(BaseModel):
    """Every park as a GeoJSON point with its public facts."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[ParkFeature]


class ParkOut(BaseModel):
    """A park with capacity and occupancy (contact phone masked)."""

    park_id: int
    name: str
    kind: str = one_of(KINDS)
    kind_name: str
    area_code: str
    area_name: str | None
    lon: float
    lat: float
    capacity: int
    unit: str
    occupancy: int
    tenants: int
    free: int
    operator: str | None
    contact_name: str | None
    contact_phone: str | None
    opened_on: str | None


class TenantOut(BaseModel):
    tenant_id: int
    enterprise_id: int | None
    talent_id: int | None
    resident_id: int | None
    name: str | None
    units: int
    moved_in_on: str
    moved_out_on: str | None


class ParkDetail(ParkOut):
    tenant_list: list[TenantOut]


class ParkList(BaseModel):
    parks: list[ParkOut]
    count: int


class ParkStatsRow(BaseModel):
    key: str
    name: str | None
    parks: int
    capacity: int
    occupancy: int
    tenants: int
    rate: float | None = Field(description="入驻率 occupancy / capacity")


class ParkStats(BaseModel):
    by: Literal["kind", "township"]
    rows: list[ParkStatsRow]


class TenantAdded(BaseModel):
    tenant_id: int


class TenantMovedOut(BaseModel):
    tenant_id: int
    moved_out: Literal[True] = True


class SupportRequestOut(BaseModel):
    request_id: int
    kind: str = one_of(SUPPORT_KINDS)
    kind_name: str
    area_code: str
    enterprise_id: int | None
    talent_id: int | None
    resident_id: int | None
    applicant: str | None
    park_id: int | None
    amount_yuan: int | None
    status: str = one_of(STATUSES)
    status_name: str
    created_at: str
    updated_at: str


class SupportStepOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str | None = Field(alias="from")
    to: str
    account_id: int | None
    by: str | None
    at: str
    reason: str | None


class SupportRequestDetail(SupportRequestOut):
    steps: list[SupportStepOut]


class SupportRequestList(BaseModel):
    requests: list[SupportRequestOut]
    count: int


class SupportSubmitted(BaseModel):
    request_id: int
    status: str
    area_code: str


class SupportAdvanced(BaseModel):
    request_id: int
    status: str
