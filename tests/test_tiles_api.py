"""Vector tiles over HTTP on the small demo county: content, 204/304/gzip, TileJSON, catalog, bad input."""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator
from typing import Any

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from geo.core.db import create_db_engine
from geo.core.settings import Settings
from tiles.layers import LAYER_NAMES, MAJOR_ROADS, TERTIARY_ROADS
from tiles.sql import TILE_SQL

CHENGGUAN = "341522100000"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a WGS84 point."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def features(content: bytes, layer: str) -> list[dict[str, Any]]:
    """The decoded features of one layer of a tile."""
    decoded = mapbox_vector_tile.decode(content)
    assert list(decoded) == [layer]
    found: list[dict[str, Any]] = decoded[layer]["features"]
    return found


@pytest.fixture(scope="module")
def client(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("tiles"))
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def seat(small_demo_url: str) -> tuple[float, float]:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c"), {"c": CHENGGUAN}
        ).one()
    eng.dispose()
    return float(lon), float(lat)


def test_township_tile_holds_chengguan_with_its_properties(
    client: TestClient, seat: tuple[float, float]
) -> None:
    x, y = tile_of(*seat, 12)
    r = client.get(f"/tiles/townships/12/{x}/{y}.pbf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    feats = features(r.content, "townships")
    props = {f["properties"]["code"]: f["properties"] for f in feats}
    assert props[CHENGGUAN] == {"code": CHENGGUAN, "name": "城关镇", "kind": "town"}
    chengguan = next(f for f in feats if f["properties"]["code"] == CHENGGUAN)
    assert chengguan["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_village_tile_carries_parent_code(client: TestClient, seat: tuple[float, float]) -> None:
    x, y = tile_of(*seat, 13)
    r = client.get(f"/tiles/villages/13/{x}/{y}.pbf")
    assert r.status_code == 200
    feats = features(r.content, "villages")
    assert feats and all(set(f["properties"]) == {"code", "name", "kind", "parent_code"} for f in feats)
    assert any(f["properties"]["parent_code"] == CHENGGUAN for f in feats)


def test_roads_major_classes_at_z10_and_residential_at_z14(
    client: TestClient, seat: tuple[float, float]
) -> None:
    x, y = tile_of(*seat, 10)
    low = {
        f["properties"]["highway"]
        for f in features(client.get(f"/tiles/roads/10/{x}/{y}.pbf").content, "roads")
    }
    assert low and low <= set(MAJOR_ROADS)
    x, y = tile_of(*seat, 12)
    mid = {
        f["properties"]["highway"]
        for f in features(client.get(f"/tiles/roads/12/{x}/{y}.pbf").content, "roads")
    }
    assert "tertiary" in mid and mid <= set(TERTIARY_ROADS)
    x, y = tile_of(*seat, 14)
    r = client.get(f"/tiles/roads/14/{x}/{y}.pbf")
    high = features(r.content, "roads")
    assert "residential" in {f["properties"]["highway"] for f in high}
    assert set(high[0]["properties"]) <= {"highway", "name", "oneway"}
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString") for f in high)


def test_low_zoom_road_statements_use_the_partial_indexes(small_demo_url: str) -> None:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # the small demo is tiny; ask which index fits
        for key, index in (
            ("roads:major", "road_edges_major_geom_idx"),
            ("roads:tertiary", "road_edges_tertiary_geom_idx"),
        ):
            plan = "\n".join(
                conn.execute(text("EXPLAIN " + TILE_SQL[key]), {"z": 9, "x": 421, "y": 207}).scalars()
            )
            assert index in plan, plan
    eng.dispose()


def test_enterprise_tile_counts_equal_sql(
    client: TestClient, small_demo_url: str, seat: tuple[float, float]
) -> None:
    z = 13
    x, y = tile_of(*seat, z)
    r = client.get(f"/tiles/enterprises/{z}/{x}/{y}.pbf")
    assert r.status_code == 200
    feats = features(r.content, "enterprises")
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        sites, vacancies, positions = conn.execute(
            text(
                """
                SELECT count(DISTINCT s.site_id), count(v.vacancy_id), coalesce(sum(v.positions), 0)
                FROM enterprise_sites s
                LEFT JOIN vacancies v ON v.site_id = s.site_id AND v.status = 'open'
                WHERE ST_Intersects(ST_Transform(s.geom, 3857),
                                    ST_TileEnvelope(:z, :x, :y, margin => 64.0 / 4096))
                """
            ),
            {"z": z, "x": x, "y": y},
        ).one()
        name = conn.execute(
            text(
                "SELECT e.name FROM enterprise_sites s JOIN enterprises e USING (enterprise_id) WHERE s.site_id = :s"
            ),
            {"s": feats[0]["properties"]["site_id"]},
        ).scalar_one()
    eng.dispose()
    assert sites > 0 and len(feats) == sites
    assert sum(f["properties"]["vacancies"] for f in feats) == vacancies
    assert sum(f["properties"]["positions"] for f in feats) == positions
    assert feats[0]["properties"]["enterprise"] == name
    assert all(f["geometry"]["type"] == "Point" for f in feats)


def test_empty_tile_is_204(client: TestClient) -> None:
    x, y = tile_of(125.0, 30.0, 10)  # the East China Sea
    r = client.get(f"/tiles/townships/10/{x}/{y}.pbf")
    assert r.status_code == 204 and r.content == b""
    assert "cache-control" in r.headers


def test_etag_and_if_none_match_304(client: TestClient, seat: tuple[float, float]) -> None:
    x, y = tile_of(*seat, 12)
    url = f"/tiles/villages/12/{x}/{y}.pbf"
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    etag = first.headers["etag"]
    assert (
        first.status_code == 200
        and etag.startswith('"')
        and first.headers["cache-control"].startswith("public")
    )
    again = client.get(url, headers={"Accept-Encoding": "identity", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get(url, headers={"Accept-Encoding": "identity", "If-None-Match": '"something-else"'})
    assert other.status_code == 200 and features(other.content, "villages")


def test_gzip_when_accepted_identity_otherwise(client: TestClient, seat: tuple[float, float]) -> None:
    x, y = tile_of(*seat, 12)
    url = f"/tiles/villages/12/{x}/{y}.pbf"
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"
    assert raw[:2] == b"\x1f\x8b"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(raw) == plain.content
    assert features(plain.content, "villages")
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_unknown_layer_404_names_the_layers(client: TestClient) -> None:
    r = client.get("/tiles/jobs/10/842/414.pbf")
    assert r.status_code == 404
    assert r.json()["detail"] == f"unknown tile layer 'jobs': the layers are {', '.join(LAYER_NAMES)}"
    r = client.get("/tiles/jobs.json")
    assert r.status_code == 404 and "unknown tile layer 'jobs'" in r.json()["detail"]


def test_zoom_outside_range_404_names_range(client: TestClient) -> None:
    r = client.get("/tiles/villages/5/26/12.pbf")
    assert r.status_code == 404
    assert r.json()["detail"] == "zoom 5 is outside layer 'villages''s range: it serves zoom 10 to 16"
    r = client.get("/tiles/roads/17/0/0.pbf")
    assert r.status_code == 404 and "it serves zoom 8 to 16" in r.json()["detail"]


def test_x_or_y_outside_grid_404(client: TestClient) -> None:
    r = client.get("/tiles/townships/10/1024/414.pbf")
    assert r.status_code == 404
    assert r.json()["detail"] == "tile 10/1024/414 does not exist: at zoom 10, x and y must be within 0..1023"
    r = client.get("/tiles/townships/10/842/-1.pbf")
    assert r.status_code == 404 and "within 0..1023" in r.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/tiles/roads/ten/842/414.pbf", "/tiles/roads/10/8.5/414.pbf", "/tiles/roads/10/842/y.pbf"]
)
def test_non_integer_z_x_y_422(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "int_parsing"


def test_tilejson_fields_bounds_and_template(client: TestClient, small_demo_url: str) -> None:
    r = client.get("/tiles/roads.json")
    assert r.status_code == 200
    tj = r.json()
    assert tj["tilejson"] == "3.0.0" and tj["name"] == "roads" and tj["scheme"] == "xyz"
    assert tj["tiles"] == ["http://testserver/tiles/roads/{z}/{x}/{y}.pbf"]
    assert (tj["minzoom"], tj["maxzoom"]) == (8, 16)
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        extent = conn.execute(
            text(
                "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Extent(geom) b FROM road_edges) e"
            )
        ).one()
    eng.dispose()
    assert tj["bounds"] == pytest.approx(list(extent))
    west, south, east, north = tj["bounds"]
    assert west < tj["center"][0] < east and south < tj["center"][1] < north
    (vl,) = tj["vector_layers"]
    assert vl["id"] == "roads" and set(vl["fields"]) == {"highway", "name", "oneway"}
    assert (vl["minzoom"], vl["maxzoom"]) == (8, 16)


def test_tilejson_of_an_empty_layer_spans_the_world(client: TestClient) -> None:
    tj = client.get("/tiles/heat.json").json()  # the read-only demo has no heat refresh
    assert tj["bounds"] == pytest.approx([-180.0, -85.0511287798066, 180.0, 85.0511287798066])
    assert set(tj["vector_layers"][0]["fields"]) == {"h3", "resolution", "seekers", "positions", "balance"}


def test_catalog_lists_every_layer(client: TestClient) -> None:
    r = client.get("/tiles/catalog")
    assert r.status_code == 200
    layers = {entry["id"]: entry for entry in r.json()["layers"]}
    assert tuple(layers) == LAYER_NAMES
    assert layers["enterprises"]["geometry_type"] == "point"
    assert layers["enterprises"]["tilejson"] == "http://testserver/tiles/enterprises.json"
    assert "positions" in layers["enterprises"]["fields"]
    assert (layers["villages"]["minzoom"], layers["villages"]["maxzoom"]) == (10, 16)
    assert client.get(layers["water"]["tilejson"]).json()["name"] == "water"
