"""Recruitment fairs "2+N": venues, the calendar, booths, seekers, intentions and hires."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.common import one_of
from api.types import Finite, Id, Int4
from programme.calendar import KINDS, THEMES
from programme.fairday import OUTCOMES
from programme.fairs import STATUSES


class VenueBody(BaseModel):
    """A fair venue: name and point (WGS84)."""

    name: str = Field(max_length=100, description="场地名称 venue name")
    lon: Finite = Field(ge=-180, le=180)
    lat: Finite = Field(ge=-90, le=90)
    address: str = Field(default="", max_length=200)
    capacity: Int4 = Field(default=0, description="展位数 booths the venue holds")


class FairBody(BaseModel):
    """One fair."""

    fair_date: date = Field(description="日期 the day")
    kind: str = one_of(KINDS, "workers (周三招工), talents (周六招才) or special (专场)")
    venue_id: Id
    title: str = Field(default="", max_length=100)
    theme: str = one_of(THEMES, "专场主题 the theme of a special fair", default="")


class GenerateBody(BaseModel):
    """A year's "2+N" calendar at a venue, with holidays to skip."""

    year: int = Field(ge=2000, le=2100)
    venue_id: Id = Field(description="周三、周六常规招聘会的场地 the venue of the regular fairs")
    special_venue_ids: list[Id] = Field(default_factory=list, description="专场轮流使用的场地")
    skip: list[date] = Field(default_factory=list, description="跳过的节假日 holidays without regular fairs")


class StatusBody(BaseModel):
    """A fair's new status."""

    status: str = one_of(STATUSES, "planned, held or cancelled")


class BoothBody(BaseModel):
    """A booth: the enterprise (HR: their own, may be left out) and the vacancies it recruits for."""

    enterprise_id: Id | None = None
    booth_no: str = Field(default="", max_length=20)
    vacancy_ids: list[Id] = Field(default_factory=list, max_length=50)


class SeekerBody(BaseModel):
    """A seeker at a fair: name (staff registering someone) and mobile number."""

    name: str = Field(
        default="", max_length=50, description="姓名 (a job seeker registering themselves: ignored)"
    )
    phone: str = Field(max_length=20, description="手机号 mobile number (stored encrypted)")


class OutcomeBody(BaseModel):
    """An intention or hire between a seeker and a booth."""

    booth_id: Id
    registration_id: Id
    kind: str = one_of(OUTCOMES, "intention (达成就业意向) or hire (录用)")


class VenueOut(BaseModel):
    venue_id: int
    name: str
    address: str
    capacity: int
    area_code: str
    lon: float
    lat: float
    township: str


class Venues(BaseModel):
    venues: list[VenueOut]
    count: int


class FairOut(BaseModel):
    """A fair with its counts."""

    fair_id: int
    fair_date: date
    kind: str = one_of(KINDS)
    theme: str
    title: str
    status: str = one_of(STATUSES)
    area_code: str
    venue_id: int
    venue: str
    lon: float
    lat: float
    booths: int
    seekers: int
    intentions: int
    hires: int


class BoothOut(BaseModel):
    booth_id: int
    enterprise_id: int
    enterprise_name: str
    booth_no: str
    positions: list[str] = Field(description="招聘岗位 the titles of the vacancies")
    intentions: int
    hires: int


class FairDetail(FairOut):
    booth_list: list[BoothOut]


class Fairs(BaseModel):
    fairs: list[FairOut]
    count: int
    today: str


class Generated(BaseModel):
    created: int
    existing: int
    past: int = Field(description="已过去而未生成的日子 days left out as past")


class BoothRegistered(BaseModel):
    booth_id: int
    fair_id: int
    enterprise_id: int
    enterprise_name: str
    booth_no: str
    positions: list[str] = Field(description="招聘岗位 the titles of the vacancies")


class SeekerRegistered(BaseModel):
    registration_id: int
    fair_id: int
    name: str
    phone: str


class SeekerOut(BaseModel):
    registration_id: int
    name: str
    phone: str
    registered_at: datetime
    intention: bool
    hired: bool


class Seekers(BaseModel):
    seekers: list[SeekerOut]
    count: int


class OutcomeOut(BaseModel):
    outcome_id: int
    fair_id: int
    booth_id: int
    registration_id: int
    kind: str = one_of(OUTCOMES)
