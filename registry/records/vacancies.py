"""Vacancies posted by an enterprise's HR as drafts, reviewed by the township before they are public (open)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.accounts.roles import Account
from registry.records import queries as q
from registry.records.history import diff, record_changes, record_step
from registry.records.models import VacancyClose, VacancyCreate, VacancyFields
from registry.records.validate import check_occupation, require
from registry.records.workflow import (
    Step,
    check_editor,
    import_step,
    review_step,
    status_after_edit,
    submit_step,
)

CLOSERS = frozenset({"enterprise_hr", "township_staff", "county_admin"})
TRACKED = ("title", "occupation_code", "positions", "wage_min", "wage_max", "full_time", "valid_until")


def _not_found(vacancy_id: int) -> NotFound:
    return NotFound(f"vacancy {vacancy_id} does not exist or is outside your area")


def _checked(conn: Connection, values: dict[str, Any]) -> dict[str, Any]:
    require(values, ("title", "occupation_code", "positions", "full_time"))
    check_occupation(conn, values["occupation_code"])
    low, high = values.get("wage_min"), values.get("wage_max")
    if low is not None and high is not None and high < low:
        raise InvalidInput(f"wage_max {high} is below wage_min {low}", field="wage_max")
    until = values.get("valid_until")
    if until is not None and until < date.today():
        raise InvalidInput(f"valid_until {until.isoformat()} is in the past", field="valid_until")
    return values


def _row(row: Any) -> dict[str, Any]:
    return {k: getattr(row, k) for k in ("vacancy_id", "enterprise_id", "site_id", "status", "area_code")} | {
        k: getattr(row, k) for k in TRACKED
    }


def get_vacancy(conn: Connection, vacancy_id: int) -> dict[str, Any]:
    """A vacancy the caller may change (RLS); NotFound alike for missing and out-of-area ones."""
    row = conn.execute(q.VACANCY_FOR_UPDATE, {"id": vacancy_id}).one_or_none()
    if row is None:
        raise _not_found(vacancy_id)
    return _row(row)


def create_vacancy(conn: Connection, account: Account, body: VacancyCreate) -> dict[str, Any]:
    """A draft vacancy at one of the HR account's own enterprise sites."""
    check_editor(account, "vacancies")
    site = conn.execute(q.SITE, {"id": body.site_id}).one_or_none()
    if site is None or site.enterprise_id != account.enterprise_id:
        raise NotFound(f"site {body.site_id} is not a site of your enterprise {account.enterprise_id}")
    values = _checked(conn, body.model_dump(exclude={"effective_date", "site_id"}))
    vacancy_id = int(
        conn.execute(
            q.INSERT_VACANCY,
            values
            | {
                "enterprise_id": site.enterprise_id,
                "site_id": site.site_id,
                "area_code": site.area_code,
                "account_id": account.account_id,
            },
        ).scalar_one()
    )
    record_changes(
        conn,
        account,
        kind="vacancies",
        record_id=vacancy_id,
        area_code=site.area_code,
        enterprise_id=site.enterprise_id,
        changes=[("record", None, "created"), ("status", None, "draft")],
        effective_date=body.effective_date or date.today(),
    )
    return get_vacancy(conn, vacancy_id)


def update_vacancy(
    conn: Connection, account: Account, vacancy_id: int, body: VacancyFields
) -> tuple[dict[str, Any], str]:
    """Apply the given fields (an open vacancy goes back to review); the new record and its old status."""
    check_editor(account, "vacancies")
    old = get_vacancy(conn, vacancy_id)
    new = _checked(conn, old | body.model_dump(exclude_unset=True, exclude={"effective_date"}))
    changes = diff(old, new, TRACKED)
    if not changes:
        return old, old["status"]
    status = status_after_edit(account, "vacancies", vacancy_id, old["status"])
    conn.execute(q.UPDATE_VACANCY, new | {"status": status})
    if status != old["status"]:
        changes.append(("status", old["status"], status))
    record_changes(
        conn,
        account,
        kind="vacancies",
        record_id=vacancy_id,
        area_code=old["area_code"],
        enterprise_id=old["enterprise_id"],
        changes=changes,
        effective_date=body.effective_date or date.today(),
    )
    return get_vacancy(conn, vacancy_id), old["status"]


def _move(conn: Connection, account: Account, vacancy_id: int, step_of: Any) -> tuple[Step, int]:
    old = get_vacancy(conn, vacancy_id)
    step: Step = step_of(old["status"])
    conn.execute(q.SET_VACANCY_STATUS, {"to_status": step.to_status, "id": vacancy_id})
    record_step(
        conn,
        account,
        kind="vacancies",
        record_id=vacancy_id,
        area_code=old["area_code"],
        step=step,
        enterprise_id=old["enterprise_id"],
    )
    return step, int(old["site_id"])


def enterprise_is_public(conn: Connection, enterprise_id: int) -> bool:
    """Whether the county has approved the enterprise (once): only then may its vacancies open."""
    return bool(conn.execute(q.ENTERPRISE_IS_PUBLIC, {"id": enterprise_id}).scalar())


def import_step_for(conn: Connection, scope: str, enterprise_id: int) -> Step | None:
    """The review step a vacancy imported by staff of ``scope`` takes (``workflow.import_step``), or None — it
    stays a draft — while its enterprise is not approved by the county: the rule by which ``review_vacancy``
    refuses to open it (409) holds for imports too, and a draft is not yet reviewable."""
    if not enterprise_is_public(conn, enterprise_id):
        return None
    return import_step("vacancies", scope)


def submit_vacancy(conn: Connection, account: Account, vacancy_id: int) -> tuple[Step, int]:
    """Submit a draft or returned vacancy to the township; the step and the vacancy's site."""
    return _move(conn, account, vacancy_id, lambda s: submit_step(account, "vacancies", vacancy_id, s))


def review_vacancy(
    conn: Connection, account: Account, vacancy_id: int, decision: str, reason: str
) -> tuple[Step, int]:
    """The township's decision: approve (the vacancy opens) or return with a reason.

    A vacancy opens only for an enterprise the county has approved: the job map never shows another.
    """

    def step_of(status: str) -> Step:
        step = review_step(account, "vacancies", vacancy_id, status, decision, reason)
        if step.to_status == "open":
            enterprise_id = int(get_vacancy(conn, vacancy_id)["enterprise_id"])
            if not enterprise_is_public(conn, enterprise_id):
                raise Conflict(
                    f"vacancy {vacancy_id} cannot open: its enterprise {enterprise_id} is not yet approved by "
                    "the county (企业尚未通过县级审核)"
                )
        return step

    return _move(conn, account, vacancy_id, step_of)


def close_vacancy(
    conn: Connection, account: Account, vacancy_id: int, body: VacancyClose
) -> tuple[Step, int]:
    """Close a vacancy (filled or withdrawn): its enterprise's HR or township / county staff; the step
    (status before → closed) and the vacancy's site."""
    if account.role not in CLOSERS:
        raise PermissionDenied(
            f"a {account.role} may not close vacancies; that is for {', '.join(sorted(CLOSERS))}"
        )
    old = get_vacancy(conn, vacancy_id)  # RLS: HR only its own enterprise's, staff only their area's
    if old["status"] == "closed":
        raise Conflict(f"vacancy {vacancy_id} is closed already")
    if conn.execute(q.CLOSE_VACANCY, {"id": vacancy_id}).rowcount != 1:  # readable on the public board only
        raise _not_found(vacancy_id)
    reason = body.reason.strip()
    changes: list[tuple[str, Any, Any]] = [("status", old["status"], "closed")]
    if reason:
        changes.append(("close_reason", None, reason))
    record_changes(
        conn,
        account,
        kind="vacancies",
        record_id=vacancy_id,
        area_code=old["area_code"],
        enterprise_id=old["enterprise_id"],
        changes=changes,
        effective_date=body.effective_date or date.today(),
    )
    level = {"enterprise_hr": "enterprise", "township_staff": "township"}.get(account.role, "county")
    return Step("close", level, old["status"], "closed", reason), int(old["site_id"])
