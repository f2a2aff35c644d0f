"""鸿雁 outreach: flows of people working away, targeted lists, the contact log."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.common import one_of
from api.types import Id
from programme.outreach.contacts import CHANNELS, OUTCOMES


class ContactIn(BaseModel):
    """One contact with a resident working away."""

    resident_id: Id = Field(ge=1)
    channel: str = one_of(CHANNELS, "联系方式 channel")
    outcome: str = one_of(OUTCOMES, "结果 outcome")
    note: str = ""
    follow_up_on: date | None = None
    contacted_at: datetime | None = None


class CityOut(BaseModel):
    name: str
    province: str
    lon: float
    lat: float


class Cities(BaseModel):
    """The destination cities with their WGS84 centres."""

    cities: list[CityOut]


class Home(BaseModel):
    name: str
    lon: float
    lat: float


class FlowFilters(BaseModel):
    trade: str | None
    wish_to_return: bool


class TradeFlow(BaseModel):
    group: str | None
    name: str
    people: int
    wishing: int


class CityFlow(BaseModel):
    city: str
    province: str
    lon: float
    lat: float
    people: int
    wishing: int
    trades: list[TradeFlow]


class Unmapped(BaseModel):
    city: str | None
    people: int


class GroupTotal(BaseModel):
    group: str | None
    name: str
    people: int


class Flows(BaseModel):
    """People working away by destination city and trade (counts only)."""

    home: Home
    filters: FlowFilters
    total: int
    cities: list[CityFlow]
    unmapped: list[Unmapped] = Field(description="城市不在参考表中 cities not in the reference table")
    groups: list[GroupTotal]


class Person(BaseModel):
    resident_id: int
    name: str
    sex: str
    birth_year: int
    village_code: str
    village_name: str | None
    occupation_code: str | None
    occupation_name: str | None
    work_city: str | None
    wish_to_return: bool
    phone: str | None
    home_positions: int
    last_contacted_at: str | None
    last_outcome: str | None
    follow_up_on: str | None


class HomePosition(BaseModel):
    vacancy_id: int
    title: str
    occupation_code: str | None
    occupation_name: str | None
    positions: int
    wage_min: int | None
    wage_max: int | None
    full_time: bool
    area_code: str
    area_name: str | None
    enterprise_name: str | None


class ProjectNeed(BaseModel):
    project_id: int
    name: str
    industry: str | None
    stage: str
    stage_name: str
    jobs_created: int | None
    area_code: str
    area_name: str | None
    talent_name: str
    talent_kind: str


class TargetList(BaseModel):
    """People of the area working in a city and the open positions (and projects needing workers) at home."""

    city: str
    trade: str | None
    wish_to_return: bool
    masked: bool
    people: list[Person]
    positions: list[HomePosition]
    open_positions: int
    open_vacancies: int
    projects: list[ProjectNeed]


class ContactLogged(BaseModel):
    contact_id: int
    contacted_at: str


class ContactOut(BaseModel):
    contact_id: int
    resident_id: int
    area_code: str
    account_id: int | None
    contacted_by: str | None
    contacted_at: str
    channel: str = one_of(CHANNELS)
    outcome: str = one_of(OUTCOMES)
    note: str
    follow_up_on: str | None


class Contacts(BaseModel):
    contacts: list[ContactOut]
    count: int
