"""Residents API: the caller's area only (PostgreSQL row-level security), ID numbers and phones masked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from registry.accounts.auth import audit
from registry.accounts.residents import MAX_PAGE, get_resident, list_residents

router = APIRouter(prefix="/api/v1", tags=["residents"])


@router.get("/residents", operation_id="list_residents")
def residents(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    village: Annotated[
        str | None, Query(pattern=r"^[0-9]{12}$", description="村/社区代码 village code")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """居民 Residents in your area (masked); other areas' residents are never returned."""
    rows = list_residents(conn, account, cipher=cipher, village=village, limit=limit, offset=offset)
    audit(conn, account, "resident.list", target=f"village:{village or '*'}", source=client_address(request))
    return {"residents": rows, "count": len(rows), "limit": limit, "offset": offset}


@router.get("/residents/{resident_id}", operation_id="get_resident")
def resident(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    resident_id: Annotated[int, Path(ge=1)],
) -> dict[str, Any]:
    """居民详情 One resident of your area (masked); 404 for a record outside it."""
    row = get_resident(conn, account, resident_id, cipher=cipher)
    audit(conn, account, "resident.read", target=f"resident:{resident_id}", source=client_address(request))
    return row
