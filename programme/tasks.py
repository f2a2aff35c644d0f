"""The county's task list (附件2): lead and partner units, deadlines, status, progress notes, overdue flags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from programme import queries as q
from programme.access import COUNTY_ROLES, outside_area, require
from programme.plan import PLAN_TASKS
from registry.accounts.roles import Account

COUNTY = "341522000000"
TASK_STATUSES = ("not_started", "in_progress", "done")
STATUS_ZH = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成"}
DENIED = "县级任务清单只能由县级账号修改 the county's task list is changed by county staff only"


@dataclass(frozen=True)
class NewTask:
    """A task of the county's list."""

    title: str
    lead_unit: str
    deadline: date
    content: str = ""
    partner_units: Sequence[str] = ()
    deadline_text: str = ""
    status: str = "not_started"
    seq: int | None = None


def _check_status(status: str) -> str:
    if status not in TASK_STATUSES:
        raise InvalidInput(
            f"任务状态未知 unknown status {status!r}: use one of {', '.join(TASK_STATUSES)}", field="status"
        )
    return status


def create_task(conn: Connection, account: Account | None, task: NewTask) -> dict[str, Any]:
    """Add a task (county staff); InvalidInput without a title or lead unit, Conflict for a taken number."""
    if account is not None:
        require(account, COUNTY_ROLES, "修改县级任务清单", "change the county's task list")
    if not task.title.strip():
        raise InvalidInput("任务名称不能为空 a task needs a title", field="title")
    if not task.lead_unit.strip():
        raise InvalidInput("任务必须有牵头单位 a task needs a lead unit (牵头单位)", field="lead_unit")
    _check_status(task.status)
    seq = task.seq if task.seq is not None else int(conn.execute(q.NEXT_SEQ).scalar_one())
    if seq < 1:
        raise InvalidInput(f"任务序号须为正数 a task number is positive, got {seq}", field="seq")
    params = {
        "seq": seq,
        "title": task.title.strip(),
        "content": task.content.strip(),
        "lead_unit": task.lead_unit.strip(),
        "partner_units": [p.strip() for p in task.partner_units if p.strip()],
        "deadline": task.deadline,
        "deadline_text": task.deadline_text,
        "status": task.status,
        "area_code": COUNTY,
    }
    with outside_area(DENIED), conn.begin_nested():
        task_id = conn.execute(q.INSERT_TASK, params).scalar_one_or_none()
    if task_id is None:
        raise Conflict(f"任务序号 {seq} 已存在 task number {seq} already exists")
    return {"task_id": int(task_id), "seq": seq} | {k: params[k] for k in ("title", "lead_unit", "deadline")}


def seed_plan_tasks(conn: Connection, year: int) -> int:
    """Store the plan's eleven tasks (deadlines as written; continuing ones due at the end of ``year``)."""
    created = 0
    for t in PLAN_TASKS:
        params = {
            "seq": t.seq,
            "title": t.title,
            "content": t.content,
            "lead_unit": t.lead_unit,
            "partner_units": list(t.partner_units),
            "deadline": t.deadline(year),
            "deadline_text": t.deadline_text,
            "status": "not_started",
            "area_code": COUNTY,
        }
        created += conn.execute(q.INSERT_TASK, params).scalar_one_or_none() is not None
    return created


def update_task(
    conn: Connection,
    account: Account | None,
    task_id: int,
    *,
    status: str | None = None,
    deadline: date | None = None,
    note: str | None = None,
    author: str = "",
    at: str | None = None,
) -> None:
    """Change a task's status or deadline and/or add a progress note (county staff)."""
    if account is not None:
        require(account, COUNTY_ROLES, "修改县级任务清单", "change the county's task list")
    if status is not None:
        _check_status(status)
    if note is not None and not note.strip():
        raise InvalidInput("进展说明不能为空 a progress note cannot be empty", field="note")
    row = conn.execute(q.TASK, {"id": task_id}).one_or_none()
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在 task {task_id} does not exist")
    with outside_area(DENIED), conn.begin_nested():
        if (
            conn.execute(q.UPDATE_TASK, {"id": task_id, "status": status, "deadline": deadline}).first()
            is None
        ):
            raise PermissionDenied(DENIED)
        if note is not None:
            conn.execute(
                q.INSERT_NOTE,
                {
                    "task_id": task_id,
                    "area_code": row.area_code,
                    "note": note.strip(),
                    "account_id": account.account_id if account else None,
                    "author": author or (account.name if account else ""),
                    "at": at,
                },
            )


def list_tasks(conn: Connection, *, on: date, overdue_only: bool = False) -> list[dict[str, Any]]:
    """The tasks, overdue first (most days late first), then by number; each flagged against ``on``."""
    out = []
    for r in conn.execute(q.LIST_TASKS).mappings():
        late = (on - r["deadline"]).days if r["status"] != "done" and r["deadline"] < on else 0
        out.append(
            dict(r)
            | {
                "partner_units": list(r["partner_units"]),
                "overdue": late > 0,
                "days_overdue": late,
                "status_zh": STATUS_ZH[r["status"]],
                "notes": list(r["notes"]),
            }
        )
    if overdue_only:
        out = [t for t in out if t["overdue"]]
    return sorted(out, key=lambda t: (not t["overdue"], -t["days_overdue"], t["seq"]))
