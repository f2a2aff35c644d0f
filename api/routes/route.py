"""`GET /api/v1/route`: the road route from a location to an enterprise site (and the page config router)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import ConnectionDep
from api.errors import raises
from api.routes import config
from api.routes.circle import CirclesDep
from api.schemas.maps import RouteOut
from api.types import Id, Latitude, Longitude
from geo.core.errors import Conflict, NotFound
from matching.circle.routes import route_to_site

routes = APIRouter(prefix="/api/v1", tags=["route"])


@routes.get("/route", operation_id="route", response_model=RouteOut, responses=raises(NotFound, Conflict))
def route(
    conn: ConnectionDep,
    circles: CirclesDep,
    lon: Annotated[Longitude, Query(description="出发点经度 longitude of the start")],
    lat: Annotated[Latitude, Query(description="出发点纬度 latitude of the start")],
    site_id: Annotated[Id, Query(description="企业网点编号 enterprise site id")],
    mode: Annotated[
        Literal["walk", "ebike", "car"], Query(description="出行方式 walk 步行, ebike 电动车, car 汽车")
    ] = "walk",
    datum: Annotated[
        Literal["wgs84", "gcj02", "bd09"], Query(description="输入坐标系 datum of lon/lat; output is WGS84")
    ] = "wgs84",
) -> dict[str, Any]:
    """上班路线 The shortest road route to the site as a GeoJSON Feature (WGS84), with length and time."""
    circles.network(conn)  # 409 first when no road network is imported
    return route_to_site(circles, conn, lon=lon, lat=lat, site_id=site_id, mode=mode, datum=datum)


router = APIRouter()  # what the app includes: the route and the page config
router.include_router(routes)
router.include_router(config.router)
