"""`GET /api/v1/route` on the small demo county: equal to the circle's distances, exact geometry, one-way, errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from pyproj import Transformer
from sqlalchemy import text

from api.app import create_app
from geo.core.crs import wgs84_to_gcj02
from geo.core.db import create_db_engine
from geo.core.settings import Settings
from geo.engine.network_load import RoadNetwork, load_network
from tests.bruteforce import split_graph_costs

TO_METRIC = Transformer.from_crs(4326, 4548, always_xy=True)
TO_WGS = Transformer.from_crs(4548, 4326, always_xy=True)


@dataclass(frozen=True)
class Demo:
    """The network and the sites (id → metric x, y) of the small demo, read once."""

    net: RoadNetwork
    sites: dict[int, tuple[float, float]]
    seat: tuple[float, float]


@pytest.fixture(scope="module")
def demo(small_demo_url: str) -> Demo:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        net = load_network(conn, srid=4548)
        rows = conn.execute(
            text(
                "SELECT site_id, ST_X(ST_Transform(geom, 4548)), ST_Y(ST_Transform(geom, 4548)) FROM enterprise_sites"
            )
        ).all()
        seat = conn.execute(
            text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = '341522100000'")
        ).one()
    eng.dispose()
    assert net is not None
    return Demo(net, {int(r[0]): (float(r[1]), float(r[2])) for r in rows}, (float(seat[0]), float(seat[1])))


@pytest.fixture(scope="module")
def client(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("route"))
    with TestClient(create_app(settings)) as c:
        yield c


def _route(client: TestClient, lon: float, lat: float, site_id: int, mode: str) -> dict:
    r = client.get("/api/v1/route", params={"lon": lon, "lat": lat, "site_id": site_id, "mode": mode})
    assert r.status_code == 200, r.text
    return r.json()


def _metric_line(feature: dict) -> shapely.LineString:
    line = shapely.geometry.shape(feature["geometry"])
    return shapely.transform(line, lambda xy: np.column_stack(TO_METRIC.transform(xy[:, 0], xy[:, 1])))


@pytest.mark.parametrize("mode", ["walk", "car"])
def test_route_length_equals_the_circle_distance_for_many_sites(
    client: TestClient, demo: Demo, mode: str
) -> None:
    lon, lat = demo.seat
    circle = client.get(
        "/api/v1/circle",
        params={"lon": lon, "lat": lat, "radius_m": 4000, "mode": mode, "limit": 2000, "reach": False},
    ).json()
    by_site = {p["site_id"]: p["road_distance_m"] for p in circle["positions"]}
    assert len(by_site) >= 20
    home = TO_METRIC.transform(lon, lat)
    for site_id, distance in sorted(by_site.items())[:60]:
        feature = _route(client, lon, lat, site_id, mode)
        props = feature["properties"]
        assert props["road_distance_m"] == distance, site_id
        assert feature["geometry"]["type"] == "LineString"
        line = _metric_line(feature)
        assert line.is_valid, site_id
        assert line.length == pytest.approx(distance, rel=0.005, abs=0.2), site_id
        # the line starts at the snapped home and ends at the snapped site: their distances are the snap gaps
        start, end = shapely.points(shapely.get_coordinates(line)[[0, -1]])
        assert shapely.distance(start, shapely.Point(home)) == pytest.approx(
            props["snap_distance_m"], abs=0.2
        )
        site = shapely.Point(demo.sites[site_id])
        assert shapely.distance(end, site) == pytest.approx(props["site_snap_distance_m"], abs=0.2)
        assert props["travel_minutes"] > 0 or distance == 0


def test_travel_time_is_never_below_the_fastest_time(client: TestClient, demo: Demo) -> None:
    lon, lat = demo.seat
    fastest = client.get(
        "/api/v1/circle",
        params={"lon": lon, "lat": lat, "minutes": 60, "mode": "ebike", "limit": 30, "reach": False},
    ).json()["positions"]
    assert fastest
    for p in fastest:
        props = _route(client, lon, lat, p["site_id"], "ebike")["properties"]
        assert props["travel_minutes"] >= p["travel_minutes"] - 0.011


def test_gcj02_start_gives_the_same_route(client: TestClient, demo: Demo) -> None:
    lon, lat = demo.seat
    site_id = min(demo.sites)
    a = _route(client, lon, lat, site_id, "walk")
    glon, glat = wgs84_to_gcj02(lon, lat)
    r = client.get(
        "/api/v1/route",
        params={"lon": float(glon), "lat": float(glat), "site_id": site_id, "mode": "walk", "datum": "gcj02"},
    )
    assert r.status_code == 200
    assert r.json()["properties"]["road_distance_m"] == a["properties"]["road_distance_m"]
    assert r.json()["geometry"]["coordinates"][0] == pytest.approx(a["geometry"]["coordinates"][0], abs=2e-7)


def _one_way_edge(net: RoadNetwork) -> int:
    """A long edge that cars may drive only forwards and people may walk both ways."""
    car, walk = net.graph("car", "length"), net.graph("walk", "length")
    ok = (
        np.isfinite(car.fwd)
        & ~np.isfinite(car.bwd)
        & np.isfinite(walk.fwd)
        & np.isfinite(walk.bwd)
        & (car.length_m > 150)
    )
    usable = np.zeros(car.n_edges, bool)
    usable[np.intersect1d(net.index("car").usable_idx, net.index("walk").usable_idx)] = True
    found = np.flatnonzero(ok & usable)
    assert len(found) > 0, "the small demo has no long one-way street"
    return int(found[np.argmax(car.length_m[found])])


def test_one_way_streets_bind_cars_but_not_walkers(client: TestClient, demo: Demo) -> None:
    net = demo.net
    e = _one_way_edge(net)
    geom = net.edge_geoms[e]
    mid = shapely.line_interpolate_point(geom, 0.5, normalized=True)
    lon, lat = (float(c) for c in TO_WGS.transform(mid.x, mid.y))
    ids = np.array(sorted(demo.sites))
    xy = np.array([demo.sites[i] for i in ids])
    truth = {}
    for mode in ("car", "walk"):
        index = net.index(mode)
        start = index.snap(np.array([mid.x]), np.array([mid.y]), max_snap_m=500)
        assert int(start.edge[0]) == e or mode == "walk"
        snapped = index.snap(xy[:, 0], xy[:, 1], max_snap_m=500)
        on = snapped.edge >= 0
        costs = np.full(len(ids), np.inf)
        costs[on] = split_graph_costs(
            net.graph(mode, "length"),
            (int(start.edge[0]), float(start.offset_m[0])),
            list(zip(snapped.edge[on].tolist(), snapped.offset_m[on].tolist(), strict=True)),
        )
        truth[mode] = costs
    detour = np.where(truth["car"] <= 15_000, truth["car"] - truth["walk"], -np.inf)
    k = int(np.argmax(detour))
    assert detour[k] > 100, "no site where the one-way street makes cars go round"
    site_id = int(ids[k])
    lines = {}
    for mode in ("car", "walk"):
        feature = _route(client, lon, lat, site_id, mode)
        assert feature["properties"]["road_distance_m"] == pytest.approx(truth[mode][k], abs=0.06), mode
        lines[mode] = _metric_line(feature)
    assert lines["car"].length > lines["walk"].length + 100
    # the car sets off forwards along the one-way street, towards its end
    v_end = shapely.get_point(geom, -1)
    car_step = shapely.line_interpolate_point(lines["car"], 5.0)
    assert shapely.distance(car_step, v_end) < shapely.distance(mid, v_end) - 4.0


@pytest.fixture(scope="module")
def tight(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("route-tight"), max_radius_m=500.0
    )
    with TestClient(create_app(settings)) as c:
        yield c


def test_site_beyond_the_maximum_radius_is_unreachable(tight: TestClient, demo: Demo) -> None:
    lon, lat = demo.seat
    home = shapely.Point(TO_METRIC.transform(lon, lat))
    far = max(demo.sites, key=lambda i: shapely.distance(home, shapely.Point(demo.sites[i])))
    r = tight.get("/api/v1/route", params={"lon": lon, "lat": lat, "site_id": far, "mode": "car"})
    assert r.status_code == 404
    assert r.json()["detail"] == (
        f"no route by car from ({lon:.6f}, {lat:.6f}) to enterprise site {far} within 500 m by road "
        "(one-way streets or a road closed to this mode may cut it off); try another travel mode"
    )


def test_unknown_site_is_404(client: TestClient, demo: Demo) -> None:
    lon, lat = demo.seat
    r = client.get("/api/v1/route", params={"lon": lon, "lat": lat, "site_id": 987654321})
    assert r.status_code == 404
    assert r.json()["detail"] == "enterprise site 987654321 does not exist"


def test_start_far_from_any_road_is_422_with_the_gap(
    client: TestClient, demo: Demo, small_demo_url: str
) -> None:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        lon, lat = conn.execute(
            text(
                """
                SELECT ST_X(p.geom), ST_Y(p.geom)
                FROM (SELECT (ST_Dump(ST_GeneratePoints(geom, 300, 1))).geom FROM water_areas
                      WHERE kind = 'lake') AS p
                ORDER BY (SELECT min(ST_Distance(ST_Transform(e.geom, 4548), ST_Transform(p.geom, 4548)))
                          FROM (SELECT geom FROM road_edges ORDER BY geom <-> p.geom LIMIT 16) e) DESC
                LIMIT 1
                """
            )
        ).one()
    eng.dispose()
    x, y = TO_METRIC.transform(lon, lat)
    gap = float(demo.net.index("walk").snap(np.array([x]), np.array([y]), max_snap_m=1e9).distance_m[0])
    assert gap > 500
    r = client.get("/api/v1/route", params={"lon": lon, "lat": lat, "site_id": min(demo.sites)})
    assert r.status_code == 422
    assert r.json()["detail"] == (
        f"({lon:.6f}, {lat:.6f}) is {gap:.0f} m from the nearest road usable on foot (at most 500 m): "
        "choose a point nearer a road (field lon/lat)"
    )


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"lon": 116.27, "lat": 32.35, "site_id": 1, "mode": "horse"}, ["query", "mode"]),
        ({"lon": 116.27, "lat": 32.35, "site_id": "first"}, ["query", "site_id"]),
        ({"lon": 116.27, "lat": 32.35}, ["query", "site_id"]),
        ({"lon": 116.27, "lat": 32.35, "site_id": 1, "datum": "bj54"}, ["query", "datum"]),
    ],
)
def test_malformed_query_is_422(client: TestClient, params: dict[str, object], loc: list[str]) -> None:
    r = client.get("/api/v1/route", params=params)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == loc


def test_start_outside_the_county_is_422(client: TestClient, demo: Demo) -> None:
    r = client.get("/api/v1/route", params={"lon": 121.47, "lat": 31.23, "site_id": min(demo.sites)})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("(121.470000, 31.230000) is outside the county")
