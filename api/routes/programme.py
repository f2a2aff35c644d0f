"""The programme's targets dashboard, monthly job reports, the county's task list and the reports (scoped)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import CurrentAccount, ScopedConnection, client_address
from api.errors import raises
from api.schemas.common import BINARY, HTML
from api.schemas.programme import (
    Dashboard,
    JobReportBody,
    JobReportOut,
    TargetsAnswer,
    TargetsBody,
    TaskBody,
    TaskCreated,
    TaskOut,
    Tasks,
    TaskUpdate,
)
from api.types import Id4
from geo.core.errors import Conflict
from programme.access import FAIR_DAY_STAFF, require
from programme.dashboard import Targets, dashboard, get_targets, report_jobs, set_targets
from programme.report_data import gather
from programme.report_html import programme_report, supervision_report
from programme.report_xlsx import programme_workbook, supervision_workbook
from programme.tasks import NewTask, create_task, list_tasks, update_task
from registry.accounts.auth import audit
from registry.accounts.roles import Account

router = APIRouter(prefix="/api/v1/programme", tags=["programme"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Year = Annotated[int | None, Query(ge=2000, le=2100, description="年份, default this year")]
On = Annotated[date | None, Query(description="统计截止日期 as of this day, default today")]


def _staff(account: Account) -> None:
    require(account, FAIR_DAY_STAFF, "查看目标进度与任务清单", "see the programme's progress and tasks")


def _when(year: int | None, on: date | None) -> tuple[int, date]:
    day = on or date.today()
    return (year or day.year), day


@router.get("/targets", operation_id="get_targets", response_model=TargetsAnswer)
def targets(account: CurrentAccount, conn: ScopedConnection, year: Year = None) -> dict[str, Any]:
    """年度目标 The year's targets for your area (the county's when your area has none)."""
    _staff(account)
    found = get_targets(conn, year or date.today().year, area_code=account.area_code)
    return {"targets": None if found is None else found.__dict__}


@router.put("/targets", operation_id="set_targets", response_model=TargetsAnswer)
def put_targets(
    body: TargetsBody, request: Request, account: CurrentAccount, conn: ScopedConnection
) -> dict[str, Any]:
    """设定年度目标 Set the year's targets (county staff); none may be below zero."""
    out = set_targets(
        conn, account, Targets(body.year, body.new_jobs, body.fairs, body.intentions, body.area)
    )
    audit(
        conn, account, "programme.targets", target=f"{body.area}:{body.year}", source=client_address(request)
    )
    return {"targets": out.__dict__}


@router.get(
    "/dashboard",
    operation_id="programme_dashboard",
    response_model=Dashboard,
    response_model_exclude_unset=True,
)
def board(
    account: CurrentAccount, conn: ScopedConnection, year: Year = None, on: On = None
) -> dict[str, Any]:
    """目标进度看板 Targets against actuals by month and township (your area), with the forecast to 31 Dec."""
    _staff(account)
    y, day = _when(year, on)
    return dashboard(conn, y, on=day, area_code=account.area_code)


@router.put("/job-reports", operation_id="report_jobs", response_model=JobReportOut)
def job_report(body: JobReportBody, account: CurrentAccount, conn: ScopedConnection) -> dict[str, Any]:
    """上报新增就业 A township's new jobs from other channels for a month (its staff or the county)."""
    report_jobs(conn, account, body.township, body.month, body.new_jobs)
    return {
        "township": body.township,
        "month": body.month.replace(day=1).isoformat(),
        "new_jobs": body.new_jobs,
    }


@router.get("/tasks", operation_id="list_tasks", response_model=Tasks)
def tasks(
    account: CurrentAccount,
    conn: ScopedConnection,
    on: On = None,
    overdue: Annotated[bool, Query(description="只看逾期 overdue only")] = False,
) -> dict[str, Any]:
    """任务清单 The county's tasks, overdue first, flagged against a day."""
    _staff(account)
    rows = list_tasks(conn, on=on or date.today(), overdue_only=overdue)
    return {"tasks": rows, "count": len(rows), "overdue": sum(t["overdue"] for t in rows)}


@router.post(
    "/tasks",
    operation_id="create_task",
    status_code=201,
    response_model=TaskCreated,
    responses=raises(Conflict),
)
def new_task(body: TaskBody, account: CurrentAccount, conn: ScopedConnection) -> dict[str, Any]:
    """新增任务 Add a task (county staff); a task needs a lead unit."""
    task = NewTask(
        body.title,
        body.lead_unit,
        body.deadline,
        body.content,
        body.partner_units,
        body.deadline_text,
        body.status,
        body.seq,
    )
    return create_task(conn, account, task)


@router.patch("/tasks/{task_id}", operation_id="update_task", response_model=TaskOut)
def patch_task(
    task_id: Annotated[Id4, Path(ge=1)], body: TaskUpdate, account: CurrentAccount, conn: ScopedConnection
) -> dict[str, Any]:
    """更新任务 Change a task's status or deadline, or add a progress note (county staff)."""
    update_task(conn, account, task_id, status=body.status, deadline=body.deadline, note=body.note)
    found = [t for t in list_tasks(conn, on=date.today()) if t["task_id"] == task_id]
    return found[0]


def _download(content: bytes | str, name: str, media: str) -> Response:
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/report.html",
    operation_id="programme_report_html",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": HTML}, "description": "年度进展报告 (HTML)"}},
)
def report_html(
    account: CurrentAccount, conn: ScopedConnection, year: Year = None, on: On = None
) -> Response:
    """年度进展报告 The printable report (self-contained HTML with print CSS)."""
    _staff(account)
    y, day = _when(year, on)
    page = programme_report(gather(conn, y, on=day, area_code=account.area_code))
    return _download(page, f"hongyan-programme-{y}.html", "text/html; charset=utf-8")


@router.get(
    "/report.xlsx",
    operation_id="programme_report_xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: BINARY}, "description": "年度进展报告 (.xlsx)"}},
)
def report_xlsx(
    account: CurrentAccount, conn: ScopedConnection, year: Year = None, on: On = None
) -> Response:
    """年度进展报告 The report as an Excel workbook (Chinese headers)."""
    _staff(account)
    y, day = _when(year, on)
    return _download(
        programme_workbook(gather(conn, y, on=day, area_code=account.area_code)),
        f"hongyan-programme-{y}.xlsx",
        XLSX,
    )


@router.get(
    "/tasks/report.html",
    operation_id="supervision_report_html",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": HTML}, "description": "督查通报 (HTML)"}},
)
def supervision_html(account: CurrentAccount, conn: ScopedConnection, on: On = None) -> Response:
    """督查通报 The leading group's supervision report (HTML), overdue tasks first."""
    _staff(account)
    day = on or date.today()
    return _download(
        supervision_report(list_tasks(conn, on=day), on=day),
        f"duchatongbao-{day}.html",
        "text/html; charset=utf-8",
    )


@router.get(
    "/tasks/report.xlsx",
    operation_id="supervision_report_xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: BINARY}, "description": "督查通报 (.xlsx)"}},
)
def supervision_xlsx(account: CurrentAccount, conn: ScopedConnection, on: On = None) -> Response:
    """督查通报 The supervision report as an Excel workbook."""
    _staff(account)
    day = on or date.today()
    return _download(supervision_workbook(list_tasks(conn, on=day), on=day), f"duchatongbao-{day}.xlsx", XLSX)
