"""Resident records: create and edit (drafts), submit, review, history — in the caller's area only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from api.errors import raises
from api.schemas.records import HistoryOut, ResidentOut, StepOut
from api.types import Id
from geo.core.errors import Conflict
from registry.accounts.auth import audit
from registry.records.history import history
from registry.records.models import ResidentCreate, ResidentFields, ReviewDecision
from registry.records.residents import (
    create_resident,
    resident_detail,
    review_resident,
    submit_resident,
    update_resident,
)
from registry.records.workflow import Step

router = APIRouter(prefix="/api/v1", tags=["records"])
ResidentId = Annotated[Id, Path(ge=1, description="居民编号 resident id")]


def step_body(kind: str, record_id: int, step: Step) -> dict[str, Any]:
    """The response to a review step."""
    return {
        "kind": kind,
        "record_id": record_id,
        "action": step.action,
        "level": step.level,
        "from_status": step.from_status,
        "to_status": step.to_status,
        "reason": step.reason,
    }


@router.post(
    "/residents",
    operation_id="create_resident",
    status_code=201,
    response_model=ResidentOut,
    responses=raises(Conflict),
)
def create(
    request: Request, account: CurrentAccount, conn: ScopedConnection, cipher: Cipher, body: ResidentCreate
) -> dict[str, Any]:
    """新增居民（草稿）A new resident record as a draft, in your village or township (masked in the answer)."""
    row = create_resident(conn, account, body, cipher=cipher)
    audit(
        conn,
        account,
        "resident.create",
        target=f"resident:{row['resident_id']}",
        source=client_address(request),
    )
    return row


@router.patch(
    "/residents/{resident_id}",
    operation_id="update_resident",
    response_model=ResidentOut,
    responses=raises(Conflict),
)
def update(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    resident_id: ResidentId,
    body: ResidentFields,
) -> dict[str, Any]:
    """修改居民信息 Change fields; each change is kept with its effective date (default today)."""
    row = update_resident(conn, account, resident_id, body, cipher=cipher)
    audit(conn, account, "resident.update", target=f"resident:{resident_id}", source=client_address(request))
    return row


@router.post(
    "/residents/{resident_id}/submit",
    operation_id="submit_resident",
    response_model=StepOut,
    responses=raises(Conflict),
)
def submit(account: CurrentAccount, conn: ScopedConnection, resident_id: ResidentId) -> dict[str, Any]:
    """提交审核 Submit a draft or returned record to the township."""
    return step_body("residents", resident_id, submit_resident(conn, account, resident_id))


@router.post(
    "/residents/{resident_id}/review",
    operation_id="review_resident",
    response_model=StepOut,
    responses=raises(Conflict),
)
def review(
    account: CurrentAccount, conn: ScopedConnection, resident_id: ResidentId, body: ReviewDecision
) -> dict[str, Any]:
    """审核 Township (submitted) or county (township_approved) review: approve, or return with a reason."""
    step = review_resident(conn, account, resident_id, body.decision, body.reason)
    return step_body("residents", resident_id, step)


@router.get("/residents/{resident_id}/history", operation_id="resident_history", response_model=HistoryOut)
def resident_history(
    account: CurrentAccount, conn: ScopedConnection, resident_id: ResidentId, cipher: Cipher
) -> dict[str, Any]:
    """变更记录 Every change (old → new, effective date, by whom) and review step of one record."""
    resident_detail(conn, account, resident_id, cipher=cipher)  # 404 outside the caller's area
    return history(conn, "residents", resident_id)
