"""`GET /api/v1/areas`: townships and villages as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import ConnectionDep
from api.schemas.maps import Areas
from boundaries.areas import areas_feature_collection

router = APIRouter(prefix="/api/v1", tags=["areas"])


@router.get("/areas", operation_id="list_areas", response_class=JSONResponse, response_model=Areas)
def list_areas(
    conn: ConnectionDep,
    level: Annotated[
        Literal["county", "township", "village"],
        Query(description="行政级别 level: county 县, township 乡镇/园区, village 村/社区"),
    ] = "township",
    parent: Annotated[
        str | None, Query(pattern=r"^[0-9]{12}$", description="只返回此上级的下级 only children of this code")
    ] = None,
) -> dict[str, Any]:
    """行政区划 Areas as a GeoJSON FeatureCollection (WGS84) with code, name, level, parent_code."""
    return areas_feature_collection(conn, level, parent=parent)
