"""`GET /api/v1/circle` and `GET /api/v1/enterprises/{id}/candidates`: the 三公里就业圈 by road."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from api.auth import AppEngine, OptionalToken
from api.circle_pool import CirclePool
from api.deps import ConnectionDep
from api.errors import raises
from api.schemas.common import enum_schema
from api.schemas.matching import CircleOut, EnterpriseCandidates, Mode
from api.types import Finite, Id, Int4, Latitude, Longitude, Offset
from geo.core.errors import Conflict, DatabaseUnavailable, NotFound
from matching.circle.jobs import JobFilters, Listing, candidates_for_enterprise, positions_in_circle
from matching.circle.queries import ENTERPRISE_EXISTS
from matching.circle.service import CircleQuery, CircleService
from registry.accounts.auth import authenticate

router = APIRouter(prefix="/api/v1", tags=["circle"])


def get_circles(request: Request) -> CircleService:
    """The circle service created with the app."""
    service: CircleService = request.app.state.circles
    return service


CirclesDep = Annotated[CircleService, Depends(get_circles)]
ModeQuery = Annotated[
    str,
    Query(
        description="出行方式 travel mode: walk 步行, ebike 电动车, car 汽车",
        json_schema_extra=enum_schema(get_args(Mode)),
    ),
]
RadiusQuery = Annotated[
    Finite | None, Query(description="半径（米，沿道路）radius in metres by road; default 3000")
]
MinutesQuery = Annotated[Finite | None, Query(description="或按出行时间（分钟）or a travel time in minutes")]


def _read_connection(engine: Engine) -> Connection:
    """A pooled connection in autocommit: the circle only reads, so no BEGIN/COMMIT round trips."""
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


@router.get(
    "/circle",
    operation_id="circle",
    response_class=Response,
    # the answer is built with orjson (the reach polygon embedded as GeoJSON text): documented, not re-validated
    responses={
        200: {"model": CircleOut, "description": "圈内在招岗位 the positions within reach"},
        **raises(Conflict, DatabaseUnavailable),
    },
)
async def circle(
    request: Request,
    lon: Annotated[Longitude, Query(description="经度 longitude")],
    lat: Annotated[Latitude, Query(description="纬度 latitude")],
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
    min_wage: Annotated[Int4 | None, Query(ge=0, description="最低月薪 minimum monthly wage (CNY)")] = None,
    full_time: Annotated[bool | None, Query(description="全职 full time (true) or part time (false)")] = None,
    limit: Annotated[int, Query(ge=1, le=2000, description="每页条数 positions per page")] = 200,
    offset: Annotated[Offset, Query(ge=0, description="跳过条数 positions to skip")] = 0,
    reach: Annotated[bool, Query(description="返回可达范围多边形 include the reach polygon")] = True,
) -> Response:
    """三公里就业圈 Open positions reachable by road, nearest first, with the reach polygon."""
    circles: CircleService = request.app.state.circles
    engine: Engine = request.app.state.read_engine
    asked = CircleRequest(
        lon,
        lat,
        mode,
        radius_m,
        minutes,
        datum,
        JobFilters(occupation, min_wage, full_time),
        limit,
        offset,
        reach,
    )
    pool: CirclePool = request.app.state.circle_pool
    # off the event loop: the worker keeps accepting connections and answering other routes meanwhile
    return await pool.run(_circle_response, circles, engine, asked)


@dataclass(frozen=True)
class CircleRequest:
    """What a circle request asks for, as given (validated by CircleService.query)."""

    lon: float
    lat: float
    mode: str
    radius_m: float | None
    minutes: float | None
    datum: str
    filters: JobFilters
    limit: int
    offset: int
    reach: bool


def _circle_response(circles: CircleService, engine: Engine, asked: CircleRequest) -> Response:
    try:
        result, q = _positions(circles, engine, asked)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        # the read engine does not ping on checkout: a connection the server dropped fails once, then is replaced
        result, q = _positions(circles, engine, asked)
    if result["reach"] is not None:
        result["reach"] = orjson.Fragment(result["reach"])  # already GeoJSON text: embedded, not re-encoded
    query = {"lon": q.lon, "lat": q.lat, "mode": q.mode, "radius_m": q.radius_m, "minutes": asked.minutes}
    return Response(orjson.dumps({"query": query, **result}), media_type="application/json")


def _query(circles: CircleService, conn: Connection, asked: CircleRequest) -> CircleQuery:
    """The request validated and its point projected."""
    return circles.query(
        conn,
        lon=asked.lon,
        lat=asked.lat,
        mode=asked.mode,
        radius_m=asked.radius_m,
        minutes=asked.minutes,
        datum=asked.datum,
    )


def _positions(
    circles: CircleService, engine: Engine, asked: CircleRequest
) -> tuple[dict[str, Any], CircleQuery]:
    """The page of positions and the reach polygon; one short query when nothing changed since the last."""
    with _read_connection(engine) as conn:
        if circles.loaded(asked.mode) is None:  # the first circle of a mode: 409 when no roads are imported
            circles.network(conn)
        q = _query(circles, conn, asked)
        found = positions_in_circle(
            circles, conn, q, asked.filters, limit=asked.limit, offset=asked.offset, with_reach=asked.reach
        )
        return found, q


# HR may read no resident row (RLS): it sees the pool of its own enterprise's circle without resident ids
HR_LISTING: Listing = "masked_pool"


@router.get(
    "/enterprises/{enterprise_id}/candidates",
    operation_id="enterprise_candidates",
    response_model=EnterpriseCandidates,
    response_model_exclude_unset=True,
    responses=raises(Conflict),
)
def enterprise_candidates(
    conn: ConnectionDep,
    circles: CirclesDep,
    app_engine: AppEngine,
    token: OptionalToken,
    enterprise_id: Annotated[Id, Path(description="企业编号 enterprise id")],
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = None,
    minutes: MinutesQuery = None,
) -> dict[str, Any]:
    """企业周边劳动力 Residents seeking or available within reach of the enterprise's sites.

    The counts (by status, trade, village) always cover the whole circle. Without login: counts only, for
    enterprises the county has approved. Logged in, for an enterprise your account holds: staff get the
    people whose records they may read (a township its own township, a village collector its village, the
    county everyone), names masked, with resident ids; the enterprise's HR gets everyone in the circle with
    names masked and no resident id, ID number, phone or home.
    """
    circles.network(conn)
    metric, limit = circles.reach_limit(mode, radius_m=radius_m, minutes=minutes)
    if token is None:
        return candidates_for_enterprise(circles, conn, enterprise_id, mode=mode, metric=metric, limit=limit)
    with app_engine.begin() as scoped:
        account = authenticate(scoped, token)
        if scoped.execute(ENTERPRISE_EXISTS, {"enterprise_id": enterprise_id}).first() is None:
            raise NotFound(f"enterprise {enterprise_id} does not exist or is outside your area")
        listing: Listing = HR_LISTING if account.role == "enterprise_hr" else "your_area"
        return candidates_for_enterprise(
            circles,
            conn,
            enterprise_id,
            mode=mode,
            metric=metric,
            limit=limit,
            listing=listing,
            scoped=scoped,
        )
