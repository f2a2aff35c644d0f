"""鸿雁 outreach API: flows by destination city × trade, targeted lists and their Excel export, contact log."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from api.errors import raises
from api.schemas.common import BINARY
from api.schemas.outreach import Cities, ContactIn, ContactLogged, Contacts, Flows, TargetList
from api.types import Id
from geo.core.errors import NotFound
from programme.outreach.cities import cities
from programme.outreach.contacts import NewContact, list_contacts, log_contact
from programme.outreach.export import workbook_bytes
from programme.outreach.flows import aggregate_flows
from programme.outreach.targets import MAX_PEOPLE, Disclosure, TargetQuery, targeted_list
from registry.accounts.auth import audit
from registry.staff import STAFF_ROLES, require_role, require_unmask_role

router = APIRouter(prefix="/api/v1/outreach", tags=["outreach"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Trade = Annotated[
    str | None, Query(max_length=12, description="职业代码（任一层级）occupation code prefix, e.g. 6-04")
]
Wish = Annotated[bool, Query(description="只看有返乡意愿的 only those who wish to return")]
City = Annotated[str, Query(min_length=1, max_length=20, description="务工城市 destination city, e.g. 苏州")]


@router.get("/cities", operation_id="outreach_cities", response_model=Cities)
def destination_cities() -> dict[str, Any]:
    """务工城市 The reference table of destination cities with their WGS84 centres."""
    return {"cities": [vars(c) for c in cities().values()]}


@router.get("/flows", operation_id="outreach_flows", response_model=Flows)
def flows(
    account: CurrentAccount, conn: ScopedConnection, trade: Trade = None, wish_to_return: Wish = False
) -> dict[str, Any]:
    """外出务工流向 People of your area working away, by destination city and trade (counts only)."""
    require_role(account, STAFF_ROLES, "reading outreach flows")
    return aggregate_flows(conn, trade=trade, wish_only=wish_to_return)


def _target(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    query: TargetQuery,
    *,
    unmasked: bool,
    action: str,
) -> dict[str, Any]:
    if unmasked:  # first: a refused unmasked request is audited
        require_unmask_role(account, "an unmasked list (names and phones in full)")
    require_role(account, STAFF_ROLES, "reading outreach lists")
    shown = Disclosure(names=unmasked, phones=unmasked)
    result = targeted_list(conn, query, cipher=cipher, shown=shown)
    audit(
        conn,
        account,
        action,
        target=f"{query.describe()} unmasked:{int(unmasked)}",
        source=client_address(request),
    )
    return result


@router.get("/list", operation_id="outreach_list", response_model=TargetList)
def target_list(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    city: City,
    trade: Trade = None,
    wish_to_return: Wish = False,
    unmasked: Annotated[
        bool, Query(description="姓名、手机号不脱敏（需授权，留痕）show names and phones in full")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_PEOPLE)] = 1000,
) -> dict[str, Any]:
    """定向名单 People of your area working in a city (a trade, wishing to return) and open positions at home."""
    query = TargetQuery(city, trade, wish_to_return, limit)
    return _target(request, account, conn, cipher, query, unmasked=unmasked, action="outreach.list")


@router.get(
    "/list.xlsx",
    operation_id="outreach_list_xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: BINARY}, "description": "定向名单 (.xlsx)"}},
)
def target_list_xlsx(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    city: City,
    trade: Trade = None,
    wish_to_return: Wish = False,
    unmasked: Annotated[bool, Query(description="姓名、手机号不脱敏（需授权，留痕）")] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_PEOPLE)] = MAX_PEOPLE,
) -> Response:
    """导出定向名单 The targeted list as an Excel workbook (masked unless your role allows and you ask; audited)."""
    query = TargetQuery(city, trade, wish_to_return, limit)
    result = _target(request, account, conn, cipher, query, unmasked=unmasked, action="outreach.export")
    filename = f"hongyan-outreach-{date.today():%Y%m%d}.xlsx"
    return Response(
        workbook_bytes(result),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/contacts",
    operation_id="outreach_log_contact",
    status_code=201,
    response_model=ContactLogged,
    responses=raises(NotFound),
)
def add_contact(account: CurrentAccount, conn: ScopedConnection, body: ContactIn) -> dict[str, Any]:
    """联系记录 Record a contact with a resident of your area (who, when, channel, outcome, follow-up)."""
    require_role(account, STAFF_ROLES, "logging an outreach contact")
    return log_contact(conn, account, NewContact(**body.model_dump()))


@router.get("/contacts", operation_id="outreach_contacts", response_model=Contacts)
def contacts(
    account: CurrentAccount,
    conn: ScopedConnection,
    resident_id: Annotated[Id | None, Query(ge=1)] = None,
    due: Annotated[bool, Query(description="只看到期待跟进的 only follow-ups due")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """联系记录 The contact log of your area, newest first."""
    require_role(account, STAFF_ROLES, "reading the contact log")
    rows = list_contacts(conn, resident_id=resident_id, due_only=due, limit=limit)
    return {"contacts": rows, "count": len(rows)}
