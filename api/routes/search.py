"""`GET /api/v1/search` (villages and townships by name) and `GET /api/v1/enterprises` (enterprises by name)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import ConnectionDep
from boundaries.queries import SEARCH_AREAS
from registry.queries import SEARCH_ENTERPRISES

router = APIRouter(prefix="/api/v1", tags=["search"])

NameQuery = Annotated[
    str,
    Query(
        min_length=1, max_length=50, pattern=r"\S", description="名称中的文字 part of the name to look for"
    ),
]
LimitQuery = Annotated[int, Query(ge=1, le=50, description="最多返回条数 at most this many results")]


class AreaHit(BaseModel):
    """A village or township whose name matches."""

    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    parent_name: str | None
    lon: float = Field(description="驻地或面内一点 seat (or a point inside), WGS84")
    lat: float
    bbox: list[float] = Field(description="west, south, east, north (WGS84)")


class AreaSearch(BaseModel):
    """Areas matching a query, best first."""

    query: str
    results: list[AreaHit]


class SiteOut(BaseModel):
    """One site of an enterprise."""

    site_id: int
    name: str
    lon: float
    lat: float


class EnterpriseHit(BaseModel):
    """An enterprise whose name matches, with its sites and open positions."""

    enterprise_id: int
    name: str
    industry: str
    area_code: str
    site_count: int
    open_positions: int
    lon: float | None = Field(description="场所中心 centre of its sites (WGS84); null without sites")
    lat: float | None
    sites: list[SiteOut]


class EnterpriseSearch(BaseModel):
    """Enterprises matching a query, best first."""

    query: str
    results: list[EnterpriseHit]


def like_pattern(q: str) -> str:
    """A `%…%` ILIKE pattern matching q literally (its \\, % and _ escaped)."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@router.get("/search", operation_id="search_areas", response_model=AreaSearch)
def search_areas(conn: ConnectionDep, q: NameQuery, limit: LimitQuery = 10) -> AreaSearch:
    """按名称查找村/乡镇 Villages and townships whose name contains q: exact names first, then prefixes."""
    q = q.strip()
    rows = conn.execute(SEARCH_AREAS, {"q": q, "pattern": like_pattern(q), "limit": limit}).mappings()
    return AreaSearch(query=q, results=[AreaHit.model_validate(dict(r)) for r in rows])


@router.get("/enterprises", operation_id="search_enterprises", response_model=EnterpriseSearch)
def search_enterprises(conn: ConnectionDep, q: NameQuery, limit: LimitQuery = 10) -> EnterpriseSearch:
    """按名称查找企业 Enterprises whose name contains q, with their sites and open positions."""
    q = q.strip()
    rows = conn.execute(SEARCH_ENTERPRISES, {"q": q, "pattern": like_pattern(q), "limit": limit}).mappings()
    return EnterpriseSearch(query=q, results=[EnterpriseHit.model_validate(dict(r)) for r in rows])
