"""`GET /api/v1/registry/stats`: labour-supply counts as of a date and monthly moves, in the caller's area."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.auth import CurrentAccount, ScopedConnection
from api.schemas.maps import RegistryCounts, RegistryMonthly
from registry.records.stats import counts_at, monthly

router = APIRouter(prefix="/api/v1/registry", tags=["registry statistics"])
RecordStatus = Literal["draft", "submitted", "township_approved", "approved", "returned"]


@router.get("/stats", operation_id="registry_stats", response_model=RegistryCounts)
def stats(
    account: CurrentAccount,
    conn: ScopedConnection,
    by: Annotated[
        Literal["status", "trade", "work_city", "village", "township"],
        Query(description="分组: status 就业状态, trade 工种, work_city 务工城市, village 村, township 乡镇"),
    ] = "status",
    at: Annotated[
        date | None, Query(description="统计日期 as of this date (YYYY-MM-DD, default today)")
    ] = None,
    record_status: Annotated[
        RecordStatus | None, Query(description="只统计此审核状态 only records in this review state")
    ] = None,
) -> dict[str, Any]:
    """人力资源统计 Residents of your area counted as they were on a date (from the change history)."""
    assert account.account_id > 0
    return counts_at(conn, by=by, at=at, record_status=record_status)


@router.get("/stats/monthly", operation_id="registry_stats_monthly", response_model=RegistryMonthly)
def stats_monthly(
    account: CurrentAccount,
    conn: ScopedConnection,
    start: Annotated[str, Query(alias="from", pattern=r"^[0-9]{4}-[0-9]{2}$", description="起始月 YYYY-MM")],
    stop: Annotated[str, Query(alias="to", pattern=r"^[0-9]{4}-[0-9]{2}$", description="截止月 YYYY-MM")],
) -> dict[str, Any]:
    """月度返乡 Per month: residents of your area who returned home, left to work away, found a local job."""
    assert account.account_id > 0
    return monthly(conn, start=start, stop=stop)
