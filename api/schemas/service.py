"""一窗受理 one-window service: the public form and status check, the staff queue."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import one_of
from programme.tickets.service import STATUSES


class TicketIn(BaseModel):
    """The one intake form."""

    category: str = Field(default="", max_length=40)
    name: str = Field(default="", max_length=40)
    phone: str = Field(default="", max_length=20)
    area_code: str = Field(default="", max_length=12)
    description: str = Field(default="", max_length=1000)


class StatusQuery(BaseModel):
    """A ticket number and the last four digits of the applicant's phone."""

    ticket_no: str = Field(max_length=30)
    phone_last4: str = Field(max_length=4)


class TicketStep(BaseModel):
    """The ticket's next status and a note."""

    to: str = one_of(STATUSES, "下一状态 the next status")
    note: str = Field(default="", max_length=500)


class Route(BaseModel):
    category: str
    category_name: str
    unit: str
    unit_name: str
    level: Literal["township", "county"]


class Categories(BaseModel):
    """The categories and the unit each is routed to."""

    categories: list[Route]


class TicketSubmitted(BaseModel):
    ticket_no: str = Field(description="受理编号 the number to check the status with")
    status: str = one_of(STATUSES)
    status_name: str
    unit: str
    unit_name: str
    area_code: str


class TicketEvent(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str | None = Field(alias="from")
    to: str
    to_name: str
    at: str
    note: str | None
    by_staff: bool


class TicketStatus(BaseModel):
    """A ticket's status and history as its applicant sees it."""

    ticket_no: str
    category_name: str
    unit_name: str
    area_name: str | None
    status: str = one_of(STATUSES)
    status_name: str
    created_at: str
    updated_at: str
    events: list[TicketEvent]


class QueuedTicket(BaseModel):
    ticket_no: str
    category: str
    category_name: str
    unit: str
    unit_name: str
    area_code: str
    area_name: str | None
    applicant_area: str
    applicant_name: str
    phone: str
    description: str
    status: str = one_of(STATUSES)
    status_name: str
    created_at: str


class TicketQueue(BaseModel):
    tickets: list[QueuedTicket]
    count: int


class TicketAdvanced(BaseModel):
    ticket_no: str
    status: str = one_of(STATUSES)
    status_name: str
