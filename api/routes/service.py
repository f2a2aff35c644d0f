"""一窗受理 API: the public intake form and status check (no login), the staff queue and status steps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import Connection

from api.auth import AppEngine, Cipher, CurrentAccount, ScopedConnection, app_transaction, client_address
from api.errors import raises
from api.schemas.common import enum_schema
from api.schemas.service import (
    Categories,
    StatusQuery,
    TicketAdvanced,
    TicketIn,
    TicketQueue,
    TicketStatus,
    TicketStep,
    TicketSubmitted,
)
from geo.core.errors import Conflict, NotFound, TooManyAttempts
from programme.tickets.service import STATUSES, Intake, advance_ticket, queue, routes, submit_ticket
from programme.tickets.status import check_status

router = APIRouter(prefix="/api/v1", tags=["service"])
PublicConnection = Annotated[Connection, Depends(app_transaction, scope="function")]


@router.get("/service/categories", operation_id="service_categories", response_model=Categories)
def categories(conn: PublicConnection) -> dict[str, Any]:
    """事项类别 The categories of the one-window service and the unit each is routed to."""
    return {"categories": routes(conn)}


@router.post(
    "/service/tickets", operation_id="service_submit", status_code=201, response_model=TicketSubmitted
)
def submit(conn: PublicConnection, cipher: Cipher, body: TicketIn) -> dict[str, Any]:
    """一窗受理 Submit the form; the answer carries the ticket number to check the status with."""
    return submit_ticket(conn, Intake(**body.model_dump()), cipher=cipher)


@router.post(
    "/service/tickets/status",
    operation_id="service_status",
    response_model=TicketStatus,
    responses=raises(NotFound, TooManyAttempts),
)
def status(request: Request, engine: AppEngine, cipher: Cipher, body: StatusQuery) -> dict[str, Any]:
    """办件查询 A ticket's status and history by its number and the last 4 digits of the phone (no login).

    A few wrong tries lock the number's online check for a growing period; every try is recorded."""
    return check_status(
        engine, body.ticket_no, body.phone_last4, cipher=cipher, source=client_address(request)
    )


@router.get("/tickets", operation_id="ticket_queue", response_model=TicketQueue)
def ticket_queue(
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    unit: Annotated[str | None, Query(description="承办单位 unit, e.g. labour_station")] = None,
    status: Annotated[
        str | None, Query(description="状态 status", json_schema_extra=enum_schema(STATUSES))
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """待办队列 The tickets of your area (one unit's, one status), oldest first; phones masked."""
    rows = queue(conn, account, cipher=cipher, unit=unit, status=status, limit=limit)
    return {"tickets": rows, "count": len(rows)}


@router.post(
    "/tickets/{ticket_no}/status",
    operation_id="ticket_advance",
    response_model=TicketAdvanced,
    responses=raises(Conflict),
)
def ticket_step(
    account: CurrentAccount,
    conn: ScopedConnection,
    ticket_no: Annotated[str, Path(max_length=30)],
    body: TicketStep,
) -> dict[str, Any]:
    """办理 Move a ticket of your area one step on (submitted → accepted → processing → resolved)."""
    return advance_ticket(conn, account, ticket_no, body.to, note=body.note)
