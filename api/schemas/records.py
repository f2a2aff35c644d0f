"""The four databases' records as staff see them: residents, enterprises, vacancies, their steps and history.

The request bodies live with the domain (registry.records.models); these are the answers.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from registry.records.models import ResidentStatus

RecordStatus = Literal["draft", "submitted", "township_approved", "approved", "returned"]
VacancyStatus = Literal["draft", "submitted", "returned", "open", "closed"]
Kind = Literal["residents", "enterprises", "vacancies"]
Level = Literal["village", "township", "county"]


class ResidentRow(BaseModel):
    """A resident in a list: ID number and phone masked, the name too unless the role sees names."""

    resident_id: int
    name: str
    sex: str
    birth_year: int
    village_code: str
    area_code: str
    status: ResidentStatus
    education: str | None
    id_number: str
    phone: str | None


class ResidentList(BaseModel):
    residents: list[ResidentRow]
    count: int
    limit: int
    offset: int


class ResidentOut(BaseModel):
    """One resident record (masked unless ``unmasked``)."""

    resident_id: int
    name: str
    id_number: str
    phone: str | None
    unmasked: bool
    sex: str
    birth_year: int
    area_code: str
    record_status: RecordStatus
    updated_at: str
    village_code: str
    status: ResidentStatus
    education: str | None
    occupation_code: str | None
    work_city: str | None
    wish_to_return: bool | None
    income_band: str | None
    household_address: str | None
    skills: list[str]
    training_wishes: list[str]
    return_date: str | None
    employer: str | None
    work_place: str | None
    lon: float
    lat: float
    location_source: str | None
    birth_date: str | None = Field(description="出生日期 only when unmasked")


class StepOut(BaseModel):
    """One review step taken: the record, the action, the level that took it, the statuses it moved between."""

    kind: Kind
    record_id: int
    action: str = Field(description="submit, approve or return")
    level: str
    from_status: str
    to_status: str
    reason: str


class LiveUpdate(BaseModel):
    """What the job map did after a vacancy opened or closed (``skipped`` says why it waits)."""

    site_id: int
    runs: int | None = None
    residents_touched: int | None = None
    skipped: str | None = None


class VacancyStep(StepOut):
    live_update: LiveUpdate | None


class Change(BaseModel):
    field: str
    old: str | None
    new: str | None
    sensitive: bool
    effective_date: str
    changed_at: str
    changed_by: int | None
    changed_by_username: str | None


class Review(BaseModel):
    action: str
    level: str
    from_status: str | None
    to_status: str
    reason: str | None
    at: str
    by: int | None
    by_username: str | None


class HistoryOut(BaseModel):
    """Every change (old → new) and review step of one record, oldest first."""

    kind: Kind
    record_id: int
    changes: list[Change]
    reviews: list[Review]


class QueueItem(BaseModel):
    kind: Kind
    record_id: int
    label: str
    area_code: str
    status: str
    updated_at: str
    returned_reason: str | None


class QueueOut(BaseModel):
    """What waits for the account's level, oldest first."""

    role: str
    items: list[QueueItem]
    count: int


class EnterpriseOut(BaseModel):
    """An enterprise record as its editors see it: contact phone masked."""

    enterprise_id: int
    credit_code: str | None
    name: str
    industry: str
    kind: str
    employees: int
    area_code: str
    record_status: RecordStatus
    contact_name: str | None
    first_approved_at: str | None
    contact_phone: str | None
    public: bool = Field(description="是否已在地图公开 whether it was ever approved (shown on the map)")


class VacancyOut(BaseModel):
    vacancy_id: int
    enterprise_id: int
    site_id: int
    status: VacancyStatus
    area_code: str
    title: str
    occupation_code: str
    positions: int
    wage_min: int | None
    wage_max: int | None
    full_time: bool
    valid_until: date | None


class VacancyChanged(VacancyOut):
    live_update: LiveUpdate | None
