"""The 三公里就业圈 endpoints on the small demo county: exact road distances, filters, datums, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from geo.core.crs import wgs84_to_gcj02
from geo.core.db import create_db_engine
from geo.core.settings import Settings
from geo.engine.network_load import load_network
from tests.bruteforce import split_graph_costs


@pytest.fixture(scope="module")
def client(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("circle"))
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def seat(small_demo_url: str) -> tuple[float, float]:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = '341522100000'")
        ).one()
    eng.dispose()
    return float(lon), float(lat)


def test_positions_sorted_within_radius_with_reach_polygon(
    client: TestClient, seat: tuple[float, float]
) -> None:
    r = client.get(
        "/api/v1/circle", params={"lon": seat[0], "lat": seat[1], "radius_m": 3000, "mode": "walk"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["on_network"] is True
    positions = body["positions"]
    assert len(positions) > 0
    dists = [p["road_distance_m"] for p in positions]
    assert dists == sorted(dists) and max(dists) <= 3000
    assert body["vacancy_count"] == len(positions)
    assert body["position_count"] == sum(p["positions"] for p in positions)
    for key in ("enterprise", "title", "positions", "wage_min", "wage_max", "occupation_code", "full_time"):
        assert key in positions[0]
    reach = shapely.geometry.shape(body["reach"])
    assert reach.geom_type in ("Polygon", "MultiPolygon") and reach.is_valid
    # every site inside the circle lies within the reach polygon (its buffered roads), within snap distance
    for p in positions[:50]:
        assert reach.buffer(0.006).contains(shapely.Point(p["lon"], p["lat"]))
    # road distance is never shorter than the straight line (up to the snap gaps)
    assert not reach.equals(reach.convex_hull)


def test_road_distances_equal_bruteforce(
    client: TestClient, small_demo_url: str, seat: tuple[float, float]
) -> None:
    r = client.get(
        "/api/v1/circle",
        params={"lon": seat[0], "lat": seat[1], "radius_m": 2500, "mode": "car", "limit": 2000},
    )
    got = {p["site_id"]: p["road_distance_m"] for p in r.json()["positions"]}
    settings = Settings(database_url=small_demo_url)
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        net = load_network(conn, srid=settings.metric_srid)
        sites = conn.execute(
            text(
                "SELECT site_id, ST_X(ST_Transform(geom, 4548)), ST_Y(ST_Transform(geom, 4548)) FROM enterprise_sites"
            )
        ).all()
    eng.dispose()
    assert net is not None
    graph = net.graph("car", "length")
    index = net.index("car")
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 4548, always_xy=True).transform(*seat)
    start = index.snap(np.array([x]), np.array([y]), max_snap_m=500)
    ids = np.array([s[0] for s in sites])
    snapped = index.snap(np.array([s[1] for s in sites]), np.array([s[2] for s in sites]), max_snap_m=500)
    on = snapped.edge >= 0
    truth = split_graph_costs(
        graph,
        (int(start.edge[0]), float(start.offset_m[0])),
        list(zip(snapped.edge[on].tolist(), snapped.offset_m[on].tolist(), strict=True)),
    )
    expected = {int(i): d for i, d in zip(ids[on], truth, strict=True) if d <= 2500 - 0.5}
    for site_id, d in expected.items():
        if site_id in got:
            assert got[site_id] == pytest.approx(d, abs=0.06)
    sites_with_jobs = set(got)
    assert sites_with_jobs <= {int(i) for i, d in zip(ids[on], truth, strict=True) if d <= 2500 + 0.5}
    assert len(sites_with_jobs) > 0


def test_filters_narrow_the_list(client: TestClient, seat: tuple[float, float]) -> None:
    base = {"lon": seat[0], "lat": seat[1], "radius_m": 5000, "limit": 2000}
    everything = client.get("/api/v1/circle", params=base).json()["positions"]
    occ = everything[0]["occupation_code"]
    major = occ.split("-")[0]
    only = client.get("/api/v1/circle", params=base | {"occupation": major}).json()["positions"]
    assert only and all(p["occupation_code"].split("-")[0] == major for p in only)
    rich = client.get("/api/v1/circle", params=base | {"min_wage": 6000}).json()["positions"]
    assert all(max(p["wage_min"] or 0, p["wage_max"] or 0) >= 6000 for p in rich)
    part = client.get("/api/v1/circle", params=base | {"full_time": False}).json()["positions"]
    assert all(p["full_time"] is False for p in part)
    assert len(rich) < len(everything)


def test_pages_concatenate_to_the_whole_list(client: TestClient, seat: tuple[float, float]) -> None:
    base = {"lon": seat[0], "lat": seat[1], "radius_m": 3000}
    whole = client.get("/api/v1/circle", params=base | {"limit": 2000}).json()
    pages = []
    for offset in range(0, whole["vacancy_count"], 25):
        page = client.get(
            "/api/v1/circle", params=base | {"limit": 25, "offset": offset, "reach": False}
        ).json()
        assert page["reach"] is None and page["vacancy_count"] == whole["vacancy_count"]
        pages += page["positions"]
    assert [p["vacancy_id"] for p in pages] == [p["vacancy_id"] for p in whole["positions"]]


def test_gcj02_input_gives_the_same_circle(client: TestClient, seat: tuple[float, float]) -> None:
    glon, glat = wgs84_to_gcj02(*seat)
    a = client.get("/api/v1/circle", params={"lon": seat[0], "lat": seat[1]}).json()
    b = client.get("/api/v1/circle", params={"lon": float(glon), "lat": float(glat), "datum": "gcj02"}).json()
    assert [p["vacancy_id"] for p in a["positions"]] == [p["vacancy_id"] for p in b["positions"]]


def test_minutes_by_ebike(client: TestClient, seat: tuple[float, float]) -> None:
    r = client.get("/api/v1/circle", params={"lon": seat[0], "lat": seat[1], "minutes": 10, "mode": "ebike"})
    assert r.status_code == 200
    assert all(p["travel_minutes"] <= 10 for p in r.json()["positions"])


def test_enterprise_candidates_masked(client: TestClient, small_demo_url: str) -> None:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        eid = conn.execute(text("SELECT min(enterprise_id) FROM enterprises")).scalar_one()
    eng.dispose()
    r = client.get(f"/api/v1/enterprises/{eid}/candidates", params={"radius_m": 3000})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["candidate_count"] == sum(body["by_status"].values())
    assert set(body["by_status"]) <= {"seeking", "farming", "working_away"}
    assert sum(v["count"] for v in body["by_village"]) == body["candidate_count"]
    assert all(116.0 < v["lon"] < 116.6 and 32.0 < v["lat"] < 32.7 for v in body["by_village"])
    assert body["candidate_count"] > 0
    assert (
        body["candidates"] == []
    )  # without login only counts; the masked list: tests/test_records_vacancies.py


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"lon": 120.0, "lat": 30.0}, 422, "is outside the county"),
        ({"lon": 116.27, "lat": 32.35, "radius_m": 0}, 422, "radius_m must be greater than 0, got 0"),
        ({"lon": 116.27, "lat": 32.35, "radius_m": -5}, 422, "radius_m must be greater than 0, got -5"),
        (
            {"lon": 116.27, "lat": 32.35, "radius_m": 25000},
            422,
            "radius_m 25000 exceeds the maximum of 20000 m",
        ),
        (
            {"lon": 116.27, "lat": 32.35, "mode": "plane"},
            422,
            "unknown mode 'plane': use one of walk, ebike, car",
        ),
        ({"lon": 116.27, "lat": 32.35, "minutes": 0}, 422, "minutes must be greater than 0, got 0"),
        (
            {"lon": 116.27, "lat": 32.35, "minutes": 5, "radius_m": 100},
            422,
            "give radius_m or minutes, not both",
        ),
    ],
)
def test_bad_circle_input(client: TestClient, params: dict[str, object], status: int, message: str) -> None:
    r = client.get("/api/v1/circle", params=params)
    assert r.status_code == status
    assert message in r.json()["detail"]


def test_non_numeric_coordinates_rejected(client: TestClient) -> None:
    r = client.get("/api/v1/circle", params={"lon": "east", "lat": 32.35})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "lon"]


def test_unknown_enterprise_is_404(client: TestClient) -> None:
    r = client.get("/api/v1/enterprises/999999999/candidates")
    assert r.status_code == 404
    assert r.json()["detail"] == "enterprise 999999999 does not exist"


def test_empty_road_network_is_409(settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(settings)) as c:
        r = c.get("/api/v1/circle", params={"lon": 116.27, "lat": 32.35})
    assert r.status_code == 409
    assert r.json()["detail"].startswith("no road network is imported: run `hongyan import roads")


def test_point_far_from_any_road_is_off_network(client: TestClient, small_demo_url: str) -> None:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        lon, lat, gap = conn.execute(
            text(
                """
                SELECT ST_X(p.geom), ST_Y(p.geom), d.gap
                FROM (SELECT (ST_Dump(ST_GeneratePoints(geom, 300, 1))).geom FROM water_areas
                      WHERE kind = 'lake') AS p
                CROSS JOIN LATERAL (
                    SELECT min(ST_Distance(ST_Transform(n.geom, 4548), ST_Transform(p.geom, 4548))) AS gap
                    FROM (SELECT e.geom FROM road_edges e ORDER BY e.geom <-> p.geom LIMIT 16) AS n
                ) AS d
                ORDER BY d.gap DESC LIMIT 1
                """
            )
        ).one()
    eng.dispose()
    assert gap > 500
    body = client.get("/api/v1/circle", params={"lon": lon, "lat": lat}).json()
    assert body["on_network"] is False
    assert body["snap_distance_m"] == pytest.approx(gap, abs=0.5)
    assert body["positions"] == [] and body["reach"] is None


@pytest.mark.parametrize("warm", [True, False])
def test_a_warm_start_loads_the_walking_circle_before_the_first_request(
    small_demo_url: str, tmp_path: Path, warm: bool
) -> None:
    """With HONGYAN_WARM_START (the default) the network, the snapped sites and the open positions are in memory
    once start-up ends, before any connection is accepted; without it the first circle loads them."""
    app = create_app(Settings(database_url=small_demo_url, data_dir=tmp_path / "data", warm_start=warm))
    with TestClient(app):
        assert app.state.circles.ready("walk") is warm
