"""`GET /api/v1/circle` and `GET /api/v1/enterprises/{id}/candidates`: the 三公里就业圈 by road."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.auth import AppEngine, bearer
from api.deps import ConnectionDep
from geo.errors import NotFound
from matching.circles import CircleService
from matching.jobs import JobFilters, candidates_for_enterprise, positions_in_circle
from matching.queries import ENTERPRISE_EXISTS
from registry.accounts.auth import authenticate

router = APIRouter(prefix="/api/v1", tags=["circle"])


def get_circles(request: Request) -> CircleService:
    """The circle service created with the app."""
    service: CircleService = request.app.state.circles
    return service


CirclesDep = Annotated[CircleService, Depends(get_circles)]
ModeQuery = Annotated[str, Query(description="出行方式 travel mode: walk 步行, ebike 电动车, car 汽车")]
RadiusQuery = Annotated[
    float | None, Query(description="半径（米，沿道路）radius in metres by road; default 3000")
]
MinutesQuery = Annotated[float | None, Query(description="或按出行时间（分钟）or a travel time in minutes")]


@router.get("/circle", operation_id="circle", response_class=Response)
def circle(
    conn: ConnectionDep,
    circles: CirclesDep,
    lon: Annotated[float, Query(description="经度 longitude")],
    lat: Annotated[float, Query(description="纬度 latitude")],
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = None,
    minutes: MinutesQuery = None,
    datum: Annotated[
        Literal["wgs84", "gcj02", "bd09"], Query(description="坐标系 wgs84, gcj02 (AMap/WeChat) or bd09")
    ] = "wgs84",
    occupation: Annotated[
        str | None,
        Query(pattern=r"^[0-9](-[0-9]{2}){0,3}$", description="职业代码或分组 occupation code or group"),
    ] = None,
    min_wage: Annotated[int | None, Query(ge=0, description="最低月薪 minimum monthly wage (CNY)")] = None,
    full_time: Annotated[bool | None, Query(description="全职 full time (true) or part time (false)")] = None,
    limit: Annotated[int, Query(ge=1, le=2000, description="每页条数 positions per page")] = 200,
    offset: Annotated[int, Query(ge=0, description="跳过条数 positions to skip")] = 0,
    reach: Annotated[bool, Query(description="返回可达范围多边形 include the reach polygon")] = True,
) -> Response:
    """三公里就业圈 Open positions reachable by road, nearest first, with the reach polygon."""
    net = circles.network(conn)  # 409 first when no road network is imported
    q = circles.query(conn, lon=lon, lat=lat, mode=mode, radius_m=radius_m, minutes=minutes, datum=datum)
    filters = JobFilters(occupation, min_wage, full_time)
    result = positions_in_circle(
        circles, conn, q, filters, limit=limit, offset=offset, with_reach=reach, net=net
    )
    if result["reach"] is not None:
        result["reach"] = orjson.Fragment(result["reach"])  # already GeoJSON text: embedded, not re-encoded
    query = {"lon": q.lon, "lat": q.lat, "mode": q.mode, "radius_m": q.radius_m, "minutes": minutes}
    return Response(orjson.dumps({"query": query, **result}), media_type="application/json")


def _may_list_candidates(app_engine: AppEngine, token: str, enterprise_id: int) -> None:
    """NotFound unless the logged-in account's scope holds the enterprise (HR: only their own)."""
    with app_engine.begin() as scoped:
        authenticate(scoped, token)
        if scoped.execute(ENTERPRISE_EXISTS, {"enterprise_id": enterprise_id}).first() is None:
            raise NotFound(f"enterprise {enterprise_id} does not exist or is outside your area")


@router.get("/enterprises/{enterprise_id}/candidates", operation_id="enterprise_candidates")
def enterprise_candidates(
    conn: ConnectionDep,
    circles: CirclesDep,
    app_engine: AppEngine,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    enterprise_id: Annotated[int, Path(description="企业编号 enterprise id")],
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = None,
    minutes: MinutesQuery = None,
) -> dict[str, Any]:
    """企业周边劳动力 Residents seeking or available within reach of the enterprise's sites.

    Without login only the counts (by status, trade, village); logged in, the list of people (names masked)
    for an enterprise inside your area — an enterprise's HR only for its own enterprise.
    """
    circles.network(conn)
    metric, limit = circles.reach_limit(mode, radius_m=radius_m, minutes=minutes)
    logged_in = credentials is not None and bool(credentials.credentials)
    if logged_in:
        assert credentials is not None
        _may_list_candidates(app_engine, credentials.credentials, enterprise_id)
    return candidates_for_enterprise(
        circles, conn, enterprise_id, mode=mode, metric=metric, limit=limit, individuals=logged_in
    )
