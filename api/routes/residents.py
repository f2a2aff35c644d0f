"""Residents API: the caller's area only (PostgreSQL row-level security), ID numbers and phones masked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from api.schemas.common import BINARY
from api.schemas.records import ResidentList, ResidentOut
from api.types import Id, Offset
from registry.accounts.auth import audit
from registry.accounts.residents import MAX_PAGE, list_residents
from registry.records.export import residents_workbook
from registry.records.residents import resident_detail

router = APIRouter(prefix="/api/v1", tags=["residents"])


@router.get("/residents", operation_id="list_residents", response_model=ResidentList)
def residents(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    village: Annotated[
        str | None, Query(pattern=r"^[0-9]{12}$", description="村/社区代码 village code")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[Offset, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """居民 Residents in your area (masked); other areas' residents are never returned."""
    rows = list_residents(conn, account, cipher=cipher, village=village, limit=limit, offset=offset)
    audit(conn, account, "resident.list", target=f"village:{village or '*'}", source=client_address(request))
    return {"residents": rows, "count": len(rows), "limit": limit, "offset": offset}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/residents/export.xlsx",
    operation_id="export_residents",
    response_class=Response,
    responses={200: {"content": {XLSX: BINARY}, "description": "居民表 (.xlsx)"}},
)
def export_residents(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    village: Annotated[
        str | None, Query(pattern=r"^[0-9]{12}$", description="村/社区代码 village code")
    ] = None,
    unmasked: Annotated[
        bool, Query(description="不脱敏 (county_admin; township/village staff in their area; audited)")
    ] = False,
) -> Response:
    """导出居民 The residents of your area as Excel, ID numbers and phones masked unless allowed and asked."""
    data, count = residents_workbook(conn, account, cipher=cipher, village=village, unmasked=unmasked)
    action = "resident.export_unmasked" if unmasked else "resident.export"
    audit(
        conn, account, action, target=f"village:{village or '*'} rows:{count}", source=client_address(request)
    )
    name = f"residents-{village or account.area_code}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/residents/{resident_id}", operation_id="get_resident", response_model=ResidentOut)
def resident(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    resident_id: Annotated[Id, Path(ge=1)],
    unmasked: Annotated[
        bool,
        Query(
            description="显示完整身份证号和手机号 (county_admin; township/village staff in their area; audited)"
        ),
    ] = False,
) -> dict[str, Any]:
    """居民详情 One resident of your area (masked unless ?unmasked=true); 404 for a record outside it."""
    row = resident_detail(conn, account, resident_id, cipher=cipher, unmasked=unmasked)
    action = "resident.read_unmasked" if unmasked else "resident.read"
    audit(conn, account, action, target=f"resident:{resident_id}", source=client_address(request))
    return row
