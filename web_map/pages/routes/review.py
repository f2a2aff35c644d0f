"""审核 The township's (or county's) review queue: approve, or return with a reason, one record or several at
once; htmx swaps the refreshed queue in with what happened. The same service as POST …/residents/{id}/review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.records.finder import villages_in_scope
from registry.records.queue import review_queue
from registry.records.residents import review_resident
from web_map.pages.errors import is_htmx
from web_map.pages.forms import Problem, Problems, problem, text
from web_map.pages.i18n import N_
from web_map.pages.session import PageConnection, PageForm, PageSession, may_open
from web_map.pages.templating import pages_of

router = APIRouter(prefix="/workbench", include_in_schema=False)
Reviewer = Annotated[PageSession, Depends(may_open("review"))]
MAX_REASON = 500
REFUSED = (InvalidInput, PermissionDenied, Conflict, NotFound)


def _queue_page(
    request: Request,
    session: PageSession,
    conn: Connection,
    *,
    notice: Problem | None = None,
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    items = [i for i in review_queue(conn, session.account)["items"] if i["kind"] == "residents"]
    context = {
        "items": items,
        "village_names": {v.code: v.name for v in villages_in_scope(conn, session.account)},
        "notice": notice,
        "problems": problems or {},
    }
    name = "review/_queue.html" if is_htmx(request) else "review/queue.html"
    return pages_of(request).render(request, name, context, session=session, status=status)


@router.get("/review")
def queue(request: Request, session: Reviewer, conn: PageConnection) -> Response:
    """待审核 The residents waiting for my level's review, oldest first."""
    return _queue_page(request, session, conn)


def _decide(conn: Connection, session: PageSession, ids: list[int], decision: str, reason: str) -> list[int]:
    """Take the decision on each record in its own savepoint; the ids the service refused."""
    refused = []
    for record_id in ids:
        try:
            with conn.begin_nested():
                review_resident(conn, session.account, record_id, decision, reason)
        except REFUSED:
            refused.append(record_id)
    return refused


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit() and 0 < int(v) < 2**63})


@router.post("/review")
def decide(request: Request, session: Reviewer, conn: PageConnection, form: PageForm) -> Response:
    """Approve or return: one record (its row's button) or every ticked one (the buttons under the table)."""
    one = text(form, "one")
    if one:  # "<id>:approve" or "<id>:return", the row's own reason field
        record, _, decision = one.partition(":")
        ids, reason, field = _ids([record]), text(form, f"reason-{record}"), f"reason-{record}"
    else:
        ids, decision = _ids([v for v in form.getlist("ids") if isinstance(v, str)]), text(form, "decision")
        reason, field = text(form, "batch_reason"), "batch_reason"
    if decision not in ("approve", "return") or not ids:
        return _queue_page(
            request, session, conn, problems={"ids": problem(N_("Tick the records first."))}, status=422
        )
    if decision == "return" and not reason:
        found = problem(N_("Give the reason for returning: the collector will see it."))
        return _queue_page(request, session, conn, problems={field: found}, status=422)
    if len(reason) > MAX_REASON:
        found = problem(N_("At most %(count)s characters."), count=MAX_REASON)
        return _queue_page(request, session, conn, problems={field: found}, status=422)
    refused = _decide(conn, session, ids, decision, reason)
    changed = len(ids) - len(refused)
    if refused:
        notice = problem(
            N_("%(done)s changed; %(refused)s could not be changed (another reviewer may have taken them)."),
            done=changed,
            refused=len(refused),
        )
    elif decision == "approve":
        notice = problem(N_("Approved: %(count)s."), count=changed)
    else:
        notice = problem(N_("Returned: %(count)s. The collector sees the reason."), count=changed)
    return _queue_page(request, session, conn, notice=notice)
