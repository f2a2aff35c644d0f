"""The programme: targets and the dashboard, monthly job reports, the county's task list."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.common import one_of
from api.types import Int4
from programme.dashboard import COUNTY
from programme.tasks import TASK_STATUSES


class TargetsBody(BaseModel):
    """A year's targets (county or, with area, one township)."""

    year: int = Field(ge=2000, le=2100)
    new_jobs: Int4 = Field(description="年新增就业（人）")
    fairs: Int4 = Field(description="招聘会（场）")
    intentions: Int4 = Field(description="达成就业意向（人）")
    area: str = Field(default=COUNTY, pattern=r"^[0-9]{12}$")


class JobReportBody(BaseModel):
    """A township's new jobs from other channels in one month."""

    township: str = Field(pattern=r"^[0-9]{12}$")
    month: date = Field(description="any day of the month")
    new_jobs: Int4


class TaskBody(BaseModel):
    """A task of the county's list."""

    title: str = Field(max_length=100)
    lead_unit: str = Field(max_length=100, description="牵头单位")
    deadline: date = Field(description="完成时限")
    content: str = Field(default="", max_length=2000)
    partner_units: list[str] = Field(default_factory=list, max_length=20, description="配合单位")
    deadline_text: str = Field(default="", max_length=100)
    status: str = one_of(TASK_STATUSES, "状态 status", default="not_started")
    seq: Int4 | None = None


class TaskUpdate(BaseModel):
    """A status, a deadline and/or a progress note."""

    status: str | None = one_of(TASK_STATUSES, "状态 status", default=None)
    deadline: date | None = None
    note: str | None = Field(default=None, max_length=2000, description="进展说明")


class TargetsOut(BaseModel):
    year: int
    new_jobs: int
    fairs: int
    intentions: int
    area_code: str


class TargetsAnswer(BaseModel):
    """The year's targets (null when none are set)."""

    targets: TargetsOut | None


class Metric(BaseModel):
    """One metric against its target, by month, with the forecast to 31 December."""

    label: str
    target: int | None
    actual: int
    forecast: int
    progress: float | None
    forecast_progress: float | None
    monthly: list[int]
    monthly_forecast: list[float]
    last_year: list[int]
    method: str
    method_zh: str
    hires_at_fairs: int | None = None
    reported: int | None = None


class Metrics(BaseModel):
    new_jobs: Metric
    fairs: Metric
    intentions: Metric


class TownshipActuals(BaseModel):
    code: str
    name: str | None
    fairs: int
    intentions: int
    hires: int
    reported: int
    new_jobs: int


class TargetsScope(BaseModel):
    """Whose targets are shown next to whose actuals, in a sentence."""

    area_code: str
    area_name: str
    targets_area_code: str | None
    targets_area_name: str | None
    own_targets: bool
    note_zh: str
    note_en: str


class Dashboard(BaseModel):
    year: int
    on: str
    area_code: str
    targets: TargetsOut | None
    metrics: Metrics
    townships: list[TownshipActuals]
    scope: TargetsScope


class JobReportOut(BaseModel):
    township: str
    month: str
    new_jobs: int


class TaskNote(BaseModel):
    at: str
    author: str | None
    note: str


class TaskOut(BaseModel):
    """A task flagged against a day."""

    task_id: int
    seq: int
    title: str
    content: str
    lead_unit: str
    partner_units: list[str]
    deadline: date
    deadline_text: str
    status: str = one_of(TASK_STATUSES)
    area_code: str
    updated_at: datetime
    notes: list[TaskNote]
    overdue: bool
    days_overdue: int
    status_zh: str


class Tasks(BaseModel):
    tasks: list[TaskOut]
    count: int
    overdue: int


class TaskCreated(BaseModel):
    task_id: int
    seq: int
    title: str
    lead_unit: str
    deadline: date
