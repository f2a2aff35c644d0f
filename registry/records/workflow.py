"""The review workflow: who may edit, submit and review a record in which state, and where it goes next.

Residents and enterprises: draft → submitted → township_approved → approved, or back to ``returned`` (with a
reason) from either review. Vacancies: draft → submitted → open (one township review), or ``returned``.
A returned record is edited and submitted again; an edit to an approved record makes it a draft again.
A spreadsheet import takes the steps of the importer's level (``import_step``), never more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geo.core.errors import Conflict, InvalidInput, PermissionDenied
from registry.accounts.roles import Account

Kind = Literal["residents", "enterprises", "vacancies"]
Decision = Literal["approve", "return"]
KIND_NAMES = {"residents": "resident", "enterprises": "enterprise", "vacancies": "vacancy"}
COUNTY_REVIEWERS = frozenset({"county_reviewer", "county_admin"})
EDITORS: dict[str, frozenset[str]] = {
    "residents": frozenset({"village_collector", "township_staff", "county_admin"}),
    "enterprises": frozenset({"township_staff", "county_admin"}),
    "vacancies": frozenset({"enterprise_hr"}),
}
EDITABLE = frozenset({"draft", "returned", "approved", "open"})
IMPORT_REASON = "表格导入"
# an importer's level by the length of its area-code prefix (county 6, township 9, village 12 digits)
IMPORT_LEVELS = {6: "county", 9: "township", 12: "village"}
SUBMITTABLE = frozenset({"draft", "returned"})


@dataclass(frozen=True)
class Step:
    """One review step: the state it leaves, the state it reaches, the level that took it."""

    action: str
    level: str
    from_status: str
    to_status: str
    reason: str = ""


def check_editor(account: Account, kind: Kind) -> None:
    """PermissionDenied unless the account's role may create and edit this kind of record."""
    if account.role not in EDITORS[kind]:
        raise PermissionDenied(
            f"a {account.role} may not create or edit {kind}; that is for {', '.join(sorted(EDITORS[kind]))}"
        )


def status_after_edit(account: Account, kind: Kind, record_id: int, status: str) -> str:
    """The record's review state after an edit; Conflict while it waits at a level the editor is not."""
    if status == "submitted" and account.role == "township_staff" and kind != "vacancies":
        return status  # the township reviewer corrects what it reviews
    if status == "closed":
        raise Conflict(f"{KIND_NAMES[kind]} {record_id} is closed: it cannot be edited")
    if status not in EDITABLE:
        raise Conflict(
            f"{KIND_NAMES[kind]} {record_id} is {status} and waits for review: it cannot be edited now"
        )
    return "submitted" if status == "open" else "draft"


def submit_step(account: Account, kind: Kind, record_id: int, status: str) -> Step:
    """The submit step for a draft or returned record."""
    check_editor(account, kind)
    if status not in SUBMITTABLE:
        raise Conflict(
            f"{KIND_NAMES[kind]} {record_id} is {status}: only a draft or returned record can be submitted"
        )
    level = {"village_collector": "village", "township_staff": "township", "enterprise_hr": "enterprise"}
    return Step("submit", level.get(account.role, "county"), status, "submitted")


def review_step(
    account: Account, kind: Kind, record_id: int, status: str, decision: str, reason: str
) -> Step:
    """The review step the account takes on a record in ``status``; PermissionDenied or Conflict otherwise."""
    if decision not in ("approve", "return"):
        raise InvalidInput(f"decision must be approve or return, got {decision!r}", field="decision")
    reason = reason.strip()
    if decision == "return" and not reason:
        raise InvalidInput("returning a record needs a reason (退回原因)", field="reason")
    if status == "submitted":
        if account.role != "township_staff":
            raise PermissionDenied(
                f"{KIND_NAMES[kind]} {record_id} waits for township review; you are {account.role}"
            )
        approved = "open" if kind == "vacancies" else "township_approved"
        return Step(decision, "township", status, approved if decision == "approve" else "returned", reason)
    if status == "township_approved":
        if account.role not in COUNTY_REVIEWERS:
            raise PermissionDenied(
                f"{KIND_NAMES[kind]} {record_id} waits for county review; you are {account.role}"
            )
        return Step(decision, "county", status, "approved" if decision == "approve" else "returned", reason)
    raise Conflict(f"{KIND_NAMES[kind]} {record_id} is {status}: there is nothing to review")


def queue_statuses(account: Account) -> dict[Kind, list[str]]:
    """What waits for the account's level: its own drafts and returns, or what it must review."""
    if account.role == "village_collector":
        return {"residents": ["draft", "returned"]}
    if account.role == "township_staff":
        return {"residents": ["submitted"], "enterprises": ["submitted"], "vacancies": ["submitted"]}
    if account.role in COUNTY_REVIEWERS:
        return {"residents": ["township_approved"], "enterprises": ["township_approved"]}
    if account.role == "enterprise_hr":
        return {"vacancies": ["draft", "returned"]}
    return {}


def import_step(kind: Kind, scope: str) -> Step:
    """The review step a spreadsheet import by staff of the area ``scope`` stands for; the record starts a draft.

    A village's file is submitted to its township; a township's file is approved by the township (residents and
    enterprises then wait for the county, a vacancy — one township review — opens); the county's file is final.
    The caller still checks what the review API checks before a step (a vacancy opens only for an enterprise the
    county has approved: ``registry.records.vacancies.import_step_for``).
    """
    level = IMPORT_LEVELS.get(len(scope))
    if level is None:
        raise InvalidInput(f"导入范围 {scope!r} 不是县、乡镇或村的代码前缀", field="scope")
    if level == "village":
        return Step("submit", level, "draft", "submitted", IMPORT_REASON)
    if kind == "vacancies":
        return Step("approve", level, "draft", "open", IMPORT_REASON)
    return Step(
        "approve", level, "draft", "township_approved" if level == "township" else "approved", IMPORT_REASON
    )
