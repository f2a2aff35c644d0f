"""居民 The village collector's job: find a resident of my area (masked list), open one, record a new one and
submit it for review, see what came back; each page calls the records services in the page's scoped transaction."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.auth import Cipher, client_address
from geo.core.errors import Conflict, InvalidInput, PermissionDenied
from registry.accounts.auth import audit
from registry.records.finder import find_residents, villages_in_scope
from registry.records.history import history
from registry.records.queue import review_queue
from registry.records.residents import create_resident, resident_detail, submit_resident, update_resident
from registry.records.workflow import EDITABLE, EDITORS, SUBMITTABLE
from web_map.pages.errors import is_htmx
from web_map.pages.forms import Problems, problem
from web_map.pages.i18n import N_
from web_map.pages.resident_form import FIELD_LABELS, parse_changes, parse_resident, refusal_problems
from web_map.pages.session import PageConnection, PageForm, PageSession, may_open
from web_map.pages.templating import pages_of

router = APIRouter(prefix="/workbench", include_in_schema=False)
Finder = Annotated[PageSession, Depends(may_open("residents"))]
Recorder = Annotated[PageSession, Depends(may_open("resident_new"))]
Collector = Annotated[PageSession, Depends(may_open("my_records"))]
ResidentId = Annotated[int, Path(ge=1, le=2**63 - 1)]
DONE = {
    "created": N_("Saved as a draft. Submit it when it is complete."),
    "updated": N_("Changes saved as a draft. Submit it when it is complete."),
    "submitted": N_("Submitted: the township will review it."),
}


@router.get("/residents")
def find(
    request: Request,
    session: Finder,
    conn: PageConnection,
    cipher: Cipher,
    q: Annotated[str, Query(max_length=100)] = "",
    village: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """查找居民 Search by name or the last digits of the ID number; htmx swaps in only the results."""
    villages = villages_in_scope(conn, session.account)
    chosen = village if village in {v.code for v in villages} else None
    found, problems = None, {}
    if q.strip():
        try:
            found = find_residents(conn, session.account, q, cipher=cipher, village=chosen)
        except InvalidInput as exc:
            problems = {
                exc.field or "q": problem(
                    N_("Choose a village first, then search by the last digits.")
                    if exc.field == "village"
                    else N_("Enter a name, or at most the last 4 characters of the ID number.")
                )
            }
        else:
            audit(
                conn,
                session.account,
                "resident.list",
                target=f"village:{chosen or '*'} found:{len(found)}",
                source=client_address(request),
            )
    context = {
        "q": q,
        "village": chosen or "",
        "villages": villages,
        "village_names": {v.code: v.name for v in villages},
        "found": found,
        "problems": problems,
    }
    name = "residents/_results.html" if is_htmx(request) else "residents/find.html"
    return pages_of(request).render(request, name, context, session=session)


def _form_page(
    request: Request,
    session: PageSession,
    villages: dict[str, str],
    values: dict[str, str],
    problems: Problems,
    *,
    record: dict[str, Any] | None = None,
) -> Response:
    context = {
        "villages": villages,
        "values": values,
        "problems": problems,
        "field_labels": FIELD_LABELS,
        "record": record,
    }
    name = "residents/_form.html" if is_htmx(request) else "residents/new.html"
    status = 422 if problems else 200
    return pages_of(request).render(request, name, context, session=session, status=status)


@router.get("/residents/new")
def new_form(request: Request, session: Recorder, conn: PageConnection) -> Response:
    """新增居民 The form of a new record (a collector's own village is chosen already)."""
    villages = {v.code: v.name for v in villages_in_scope(conn, session.account)}
    values = {"village_code": next(iter(villages))} if len(villages) == 1 else {}
    return _form_page(request, session, villages, values, {})


def _to(request: Request, path: str) -> Response:
    target = request.scope.get("root_path", "") + path
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/residents/new")
def create(
    request: Request, session: Recorder, conn: PageConnection, cipher: Cipher, form: PageForm
) -> Response:
    """Save the record as a draft (and submit it, if asked): all of it or, on any problem, nothing."""
    villages = {v.code: v.name for v in villages_in_scope(conn, session.account)}
    body, problems = parse_resident(form, villages)
    if body is not None:
        try:
            with conn.begin_nested():  # a refusal half-way undoes everything this form did
                row = create_resident(conn, session.account, body, cipher=cipher)
                resident_id = int(row["resident_id"])
                if form.get("then") == "submit":
                    submit_resident(conn, session.account, resident_id)
        except (InvalidInput, PermissionDenied, Conflict) as exc:
            problems = refusal_problems(exc)
        else:
            audit(
                conn,
                session.account,
                "resident.create",
                target=f"resident:{resident_id}",
                source=client_address(request),
            )
            done = "submitted" if form.get("then") == "submit" else "created"
            return _to(request, f"/workbench/residents/{resident_id}?done={done}")
    return _form_page(request, session, villages, _typed(form), problems)


def _typed(form: FormData) -> dict[str, str]:
    """What was typed, to show again with the problems (never the CSRF token)."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"}


@router.get("/residents/{resident_id}")
def detail(
    request: Request,
    session: Finder,
    conn: PageConnection,
    cipher: Cipher,
    resident_id: ResidentId,
) -> Response:
    """居民详情 One record of my area (masked), its review steps and, when returned, the township's reason."""
    row = resident_detail(conn, session.account, resident_id, cipher=cipher)
    audit(
        conn,
        session.account,
        "resident.read",
        target=f"resident:{resident_id}",
        source=client_address(request),
    )
    steps = history(conn, "residents", resident_id)["reviews"]
    returned = [s for s in steps if s["action"] == "return"]
    villages = {v.code: v.name for v in villages_in_scope(conn, session.account)}
    context = {
        "r": row,
        "steps": steps,
        "return_reason": returned[-1]["reason"] if row["record_status"] == "returned" and returned else "",
        "village_name": villages.get(row["village_code"], row["village_code"]),
        "may_submit": row["record_status"] in SUBMITTABLE and session.account.role in EDITORS["residents"],
        "may_edit": row["record_status"] in EDITABLE and session.account.role in EDITORS["residents"],
        "done": DONE.get(request.query_params.get("done", ""), ""),
    }
    return pages_of(request).render(request, "residents/detail.html", context, session=session)


@router.post("/residents/{resident_id}/submit")
def submit(
    request: Request,
    session: Recorder,
    conn: PageConnection,
    resident_id: ResidentId,
) -> Response:
    """提交审核 Submit a draft or returned record to the township."""
    submit_resident(conn, session.account, resident_id)
    return _to(request, f"/workbench/residents/{resident_id}?done=submitted")


def _edit_values(row: dict[str, Any]) -> dict[str, str]:
    """The edit form's fields from the record (ID number and phone stay empty: typed again only to change)."""
    keep = ("name", "village_code", "household_address", "education", "status", "employer", "work_place")
    values = {k: str(row[k] or "") for k in keep}
    return values | {
        "occupation_code": row["occupation_code"] or "",
        "work_city": row["work_city"] or "",
        "income_band": row["income_band"] or "",
        "wish_to_return": "yes" if row["wish_to_return"] else "no",
        "return_date": row["return_date"] or "",
        "skills": "、".join(row["skills"]),
        "training_wishes": "、".join(row["training_wishes"]),
        "effective_date": date.today().isoformat(),
    }


@router.get("/residents/{resident_id}/edit")
def edit_form(
    request: Request, session: Recorder, conn: PageConnection, cipher: Cipher, resident_id: ResidentId
) -> Response:
    """修改居民信息 The record's form, filled in; each change is kept with the date it took effect."""
    row = resident_detail(conn, session.account, resident_id, cipher=cipher)
    villages = {v.code: v.name for v in villages_in_scope(conn, session.account)}
    return _form_page(request, session, villages, _edit_values(row), {}, record=row)


@router.post("/residents/{resident_id}/edit")
def edit(
    request: Request,
    session: Recorder,
    conn: PageConnection,
    cipher: Cipher,
    resident_id: ResidentId,
    form: PageForm,
) -> Response:
    """Save the changes (and submit the record again, if asked): all of them or, on any problem, none."""
    row = resident_detail(conn, session.account, resident_id, cipher=cipher)
    villages = {v.code: v.name for v in villages_in_scope(conn, session.account)}
    body, problems = parse_changes(form, villages, row)
    if body is not None:
        try:
            with conn.begin_nested():
                update_resident(conn, session.account, resident_id, body, cipher=cipher)
                if form.get("then") == "submit":
                    submit_resident(conn, session.account, resident_id)
        except (InvalidInput, PermissionDenied, Conflict) as exc:
            problems = refusal_problems(exc)
        else:
            audit(
                conn,
                session.account,
                "resident.update",
                target=f"resident:{resident_id}",
                source=client_address(request),
            )
            done = "submitted" if form.get("then") == "submit" else "updated"
            return _to(request, f"/workbench/residents/{resident_id}?done={done}")
    return _form_page(request, session, villages, _typed(form), problems, record=row)


@router.get("/my")
def my_records(request: Request, session: Collector, conn: PageConnection) -> Response:
    """我的待办 My drafts and the records the township returned, with its reason."""
    items = [i for i in review_queue(conn, session.account)["items"] if i["kind"] == "residents"]
    return pages_of(request).render(request, "residents/my.html", {"items": items}, session=session)
