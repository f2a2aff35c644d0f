"""The review queue, enterprise records and vacancies (HR drafts → township review → open on the job map)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import Connection, Engine

from api.auth import AppEngine, BearerToken, Cipher, CurrentAccount, ScopedConnection
from api.errors import raises
from api.routes.records import step_body
from api.schemas.records import (
    EnterpriseOut,
    HistoryOut,
    QueueOut,
    StepOut,
    VacancyChanged,
    VacancyOut,
    VacancyStep,
)
from api.types import Id
from geo.core.errors import Conflict, HongyanError, NotFound
from matching.analytics.live import site_changed
from matching.circle.service import CircleService
from registry.accounts.auth import authenticate
from registry.accounts.roles import Account
from registry.records.enterprises import (
    create_enterprise,
    get_enterprise,
    review_enterprise,
    submit_enterprise,
    update_enterprise,
)
from registry.records.history import history
from registry.records.models import (
    EnterpriseCreate,
    EnterpriseFields,
    ReviewDecision,
    VacancyClose,
    VacancyCreate,
    VacancyFields,
)
from registry.records.queue import review_queue
from registry.records.vacancies import (
    close_vacancy,
    create_vacancy,
    get_vacancy,
    review_vacancy,
    submit_vacancy,
    update_vacancy,
)
from registry.records.workflow import Step

router = APIRouter(prefix="/api/v1", tags=["review"])
EnterpriseId = Annotated[Id, Path(ge=1, description="企业编号 enterprise id")]
VacancyId = Annotated[Id, Path(ge=1, description="岗位编号 vacancy id")]


@router.get("/review/queue", operation_id="review_queue", response_model=QueueOut)
def queue(
    account: CurrentAccount, conn: ScopedConnection, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> dict[str, Any]:
    """待办 What waits for you: your drafts and returned records, or what your level must review."""
    return review_queue(conn, account, limit=limit)


# --- enterprises -------------------------------------------------------------------------------------------


@router.post(
    "/enterprises",
    operation_id="create_enterprise",
    status_code=201,
    response_model=EnterpriseOut,
    responses=raises(Conflict),
)
def enterprise_create(
    account: CurrentAccount, conn: ScopedConnection, cipher: Cipher, body: EnterpriseCreate
) -> dict[str, Any]:
    """新增企业（草稿）A new enterprise in your township, with its first site inside the area."""
    return create_enterprise(conn, account, body, cipher=cipher)


@router.patch(
    "/enterprises/{enterprise_id}",
    operation_id="update_enterprise",
    response_model=EnterpriseOut,
    responses=raises(Conflict),
)
def enterprise_update(
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    enterprise_id: EnterpriseId,
    body: EnterpriseFields,
) -> dict[str, Any]:
    """修改企业信息 Change fields of an enterprise of your area (HR: its own contact, industry, kind and
    workforce; those go to township review, contact changes do not); each change is kept in the history."""
    return update_enterprise(conn, account, enterprise_id, body, cipher=cipher)


@router.post(
    "/enterprises/{enterprise_id}/submit",
    operation_id="submit_enterprise",
    response_model=StepOut,
    responses=raises(Conflict),
)
def enterprise_submit(
    account: CurrentAccount, conn: ScopedConnection, enterprise_id: EnterpriseId
) -> dict[str, Any]:
    """提交审核 Submit a draft or returned enterprise."""
    return step_body("enterprises", enterprise_id, submit_enterprise(conn, account, enterprise_id))


@router.post(
    "/enterprises/{enterprise_id}/review",
    operation_id="review_enterprise",
    response_model=StepOut,
    responses=raises(Conflict),
)
def enterprise_review(
    account: CurrentAccount, conn: ScopedConnection, enterprise_id: EnterpriseId, body: ReviewDecision
) -> dict[str, Any]:
    """审核企业 Township or county review: approve, or return with a reason."""
    step = review_enterprise(conn, account, enterprise_id, body.decision, body.reason)
    return step_body("enterprises", enterprise_id, step)


@router.get(
    "/enterprises/{enterprise_id}/history", operation_id="enterprise_history", response_model=HistoryOut
)
def enterprise_history(
    account: CurrentAccount, conn: ScopedConnection, cipher: Cipher, enterprise_id: EnterpriseId
) -> dict[str, Any]:
    """企业变更记录 Changes and review steps of an enterprise of your area."""
    get_enterprise(conn, enterprise_id, cipher=cipher)
    return history(conn, "enterprises", enterprise_id)


# --- vacancies: the transaction is committed before the job map's circles are updated ----------------------


@contextmanager
def _scoped(engine: Engine, token: str) -> Iterator[tuple[Connection, Account]]:
    """A transaction scoped to the token's account, committed on leaving the block."""
    with engine.begin() as conn:
        yield conn, authenticate(conn, token)


def _live_update(request: Request, site_id: int, before: str, after: str) -> dict[str, Any] | None:
    """Update the stored circles of the site when a vacancy opened or stopped being open (after commit)."""
    if "open" not in (before, after) or before == after:
        return None
    circles: CircleService = request.app.state.circles
    try:
        done = site_changed(request.app.state.engine, circles, site_id)
    except HongyanError as exc:  # e.g. no road network yet: the vacancy is saved, the circles wait
        return {"site_id": site_id, "skipped": exc.message}
    return {"site_id": site_id, "runs": done.runs, "residents_touched": done.residents_touched}


def _vacancy_step(
    request: Request, engine: Engine, token: str, vacancy_id: int, move: Callable[..., tuple[Step, int]]
) -> dict[str, Any]:
    with _scoped(engine, token) as (conn, account):
        step, site_id = move(conn, account)
    live = _live_update(request, site_id, step.from_status, step.to_status)
    return step_body("vacancies", vacancy_id, step) | {"live_update": live}


@router.post(
    "/vacancies",
    operation_id="create_vacancy",
    status_code=201,
    response_model=VacancyOut,
    responses=raises(NotFound, Conflict),
)
def vacancy_create(account: CurrentAccount, conn: ScopedConnection, body: VacancyCreate) -> dict[str, Any]:
    """发布岗位（草稿）A vacancy draft at one of your enterprise's sites (enterprise HR)."""
    return create_vacancy(conn, account, body)


@router.patch(
    "/vacancies/{vacancy_id}",
    operation_id="update_vacancy",
    response_model_exclude_unset=True,
    response_model=VacancyChanged,
    responses=raises(Conflict),
)
def vacancy_update(
    request: Request, engine: AppEngine, token: BearerToken, vacancy_id: VacancyId, body: VacancyFields
) -> dict[str, Any]:
    """修改岗位 Change a draft or returned vacancy; changing an open one sends it back to review."""
    with _scoped(engine, token) as (conn, account):
        row, before = update_vacancy(conn, account, vacancy_id, body)
    return row | {"live_update": _live_update(request, int(row["site_id"]), before, str(row["status"]))}


@router.post(
    "/vacancies/{vacancy_id}/submit",
    operation_id="submit_vacancy",
    response_model_exclude_unset=True,
    response_model=VacancyStep,
    responses=raises(Conflict),
)
def vacancy_submit(
    request: Request, engine: AppEngine, token: BearerToken, vacancy_id: VacancyId
) -> dict[str, Any]:
    """提交审核 Submit a draft or returned vacancy to the township."""
    return _vacancy_step(request, engine, token, vacancy_id, lambda c, a: submit_vacancy(c, a, vacancy_id))


@router.post(
    "/vacancies/{vacancy_id}/review",
    operation_id="review_vacancy",
    response_model_exclude_unset=True,
    response_model=VacancyStep,
    responses=raises(Conflict),
)
def vacancy_review(
    request: Request, engine: AppEngine, token: BearerToken, vacancy_id: VacancyId, body: ReviewDecision
) -> dict[str, Any]:
    """审核岗位 Township review: approve (the vacancy opens on the job map) or return with a reason."""
    return _vacancy_step(
        request,
        engine,
        token,
        vacancy_id,
        lambda c, a: review_vacancy(c, a, vacancy_id, body.decision, body.reason),
    )


@router.post(
    "/vacancies/{vacancy_id}/close",
    operation_id="close_vacancy",
    response_model_exclude_unset=True,
    response_model=VacancyStep,
    responses=raises(Conflict),
)
def vacancy_close(
    request: Request, engine: AppEngine, token: BearerToken, vacancy_id: VacancyId, body: VacancyClose
) -> dict[str, Any]:
    """关闭岗位 Close a vacancy (filled or withdrawn): its enterprise's HR or township staff; an open one leaves
    the job map at once (the stored circles are updated)."""
    return _vacancy_step(
        request, engine, token, vacancy_id, lambda c, a: close_vacancy(c, a, vacancy_id, body)
    )


@router.get("/vacancies/{vacancy_id}/history", operation_id="vacancy_history", response_model=HistoryOut)
def vacancy_history(account: CurrentAccount, conn: ScopedConnection, vacancy_id: VacancyId) -> dict[str, Any]:
    """岗位变更记录 Changes and review steps of a vacancy of your area or enterprise."""
    get_vacancy(conn, vacancy_id)
    return history(conn, "vacancies", vacancy_id)
