"""`GET /api/v1/search`, `GET /api/v1/enterprises` and `GET /api/v1/stats/areas` on the small demo county."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.routes.search import like_pattern
from geo.core.db import create_db_engine
from geo.core.settings import Settings
from matching.analytics.store import analyze_circles
from matching.circle.service import CircleService


@pytest.fixture
def client(small_demo_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app on the shared demo database; per test, so that no connection is left open when a test clones it."""
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path)
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def demo_rows(small_demo_url: str) -> dict[str, list[tuple[str, ...]]]:
    """Villages (code, name, parent name) and enterprises (id, name) of the demo, straight from the tables."""
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        villages = conn.execute(
            text(
                "SELECT a.code, a.name, p.name FROM admin_areas a JOIN admin_areas p ON p.code = a.parent_code "
                "WHERE a.level = 'village' ORDER BY a.code"
            )
        ).all()
        enterprises = conn.execute(text("SELECT enterprise_id, name FROM enterprises ORDER BY 1")).all()
    eng.dispose()
    return {
        "villages": [tuple(map(str, r)) for r in villages],
        "enterprises": [tuple(map(str, r)) for r in enterprises],
    }


def test_like_pattern_escapes_wildcards() -> None:
    assert like_pattern("东湖") == "%东湖%"
    assert like_pattern("5%_a\\") == "%5\\%\\_a\\\\%"


def test_search_finds_a_village_by_its_full_name_first(
    client: TestClient, demo_rows: dict[str, list[tuple[str, ...]]]
) -> None:
    code, name, parent = demo_rows["villages"][0]
    r = client.get("/api/v1/search", params={"q": name})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == name
    first = body["results"][0]
    assert (first["code"], first["name"], first["level"], first["parent_name"]) == (
        code,
        name,
        "village",
        parent,
    )
    west, south, east, north = first["bbox"]
    assert west <= first["lon"] <= east and south <= first["lat"] <= north
    assert 115.5 < first["lon"] < 117 and 31.5 < first["lat"] < 33


def test_search_by_part_of_a_name_returns_only_matches_within_the_limit(
    client: TestClient, demo_rows: dict[str, list[tuple[str, ...]]]
) -> None:
    part = "村"
    expected = {c for c, n, _ in demo_rows["villages"] if part in n}
    assert len(expected) >= 3
    r = client.get("/api/v1/search", params={"q": part, "limit": 2})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == 2
    assert all(part in hit["name"] for hit in results)
    r = client.get("/api/v1/search", params={"q": part, "limit": 50})
    found = {h["code"] for h in r.json()["results"] if h["level"] == "village"}
    assert found <= expected
    assert len(found) == min(len(expected), 50)


def test_search_treats_wildcards_literally(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": "%"})
    assert r.status_code == 200
    assert r.json()["results"] == []


def test_search_unknown_name_is_an_empty_list(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": "不存在的村庄"})
    assert r.status_code == 200
    assert r.json() == {"query": "不存在的村庄", "results": []}


def test_search_empty_query_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": ""})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "q"]


def test_search_blank_query_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": "   "})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "q"]


def test_search_missing_query_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/search")
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "missing"


def test_search_limit_out_of_range_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": "村", "limit": 0})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "limit"]


def test_enterprise_search_returns_sites_and_positions(
    client: TestClient, demo_rows: dict[str, list[tuple[str, ...]]], small_demo_url: str
) -> None:
    eid, name = demo_rows["enterprises"][0]
    r = client.get("/api/v1/enterprises", params={"q": name})
    assert r.status_code == 200, r.text
    first = r.json()["results"][0]
    assert (str(first["enterprise_id"]), first["name"]) == (eid, name)
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        sites = conn.execute(
            text("SELECT count(*) FROM enterprise_sites WHERE enterprise_id = :e"), {"e": int(eid)}
        ).scalar_one()
        open_positions = conn.execute(
            text(
                "SELECT coalesce(sum(positions), 0) FROM vacancies WHERE enterprise_id = :e AND status = 'open'"
            ),
            {"e": int(eid)},
        ).scalar_one()
    eng.dispose()
    assert first["site_count"] == sites == len(first["sites"])
    assert first["open_positions"] == open_positions
    assert first["lon"] is not None and 115.5 < first["lon"] < 117


def test_enterprise_search_empty_query_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/enterprises", params={"q": ""})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "q"]


def test_enterprise_search_unknown_name_is_an_empty_list(client: TestClient) -> None:
    r = client.get("/api/v1/enterprises", params={"q": "没有这家公司"})
    assert r.status_code == 200
    assert r.json()["results"] == []


def test_stats_without_a_run_is_404_telling_what_to_run(client: TestClient) -> None:
    r = client.get("/api/v1/stats/areas", params={"level": "township", "mode": "walk", "radius_m": 3000})
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "NotFound"
    assert "hongyan analyze circles --mode walk --radius 3000" in body["detail"]


def test_stats_bad_level_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/stats/areas", params={"level": "county"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "level"]


def test_stats_bad_mode_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/stats/areas", params={"mode": "plane"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "mode"]


def test_stats_after_a_run_match_the_table(demo_db_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=demo_db_url, data_dir=tmp_path)
    eng = create_db_engine(demo_db_url, pool_size=2)
    summary = analyze_circles(eng, CircleService(settings), mode="walk", metric="length", limit=3000.0)
    with eng.connect() as conn:
        table = {
            r.area_code: r
            for r in conn.execute(
                text("SELECT * FROM circle_area_stats WHERE run_id = :r AND level = 'village'"),
                {"r": summary.run_id},
            )
        }
        names = dict(conn.execute(text("SELECT code, name FROM admin_areas")).all())
    eng.dispose()
    with TestClient(create_app(settings)) as client:
        r = client.get("/api/v1/stats/areas", params={"level": "village", "mode": "walk", "radius_m": 3000})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["level"] == "village"
        assert body["run"]["run_id"] == summary.run_id
        assert body["run"]["mode"] == "walk" and body["run"]["limit_value"] == 3000
        assert {a["code"] for a in body["areas"]} == set(table)
        for area in body["areas"]:
            row = table[area["code"]]
            assert area["name"] == names[area["code"]]
            assert area["seekers"] == row.seekers and area["positions"] == row.positions
            assert area["access_index"] == pytest.approx(row.access_index)
            assert area["balance"] == pytest.approx(row.balance)
        townships = client.get("/api/v1/stats/areas", params={"level": "township"}).json()["areas"]
        assert townships and sum(t["seekers"] for t in townships) == sum(a["seekers"] for a in body["areas"])
        other = client.get("/api/v1/stats/areas", params={"mode": "car", "radius_m": 3000})
        assert other.status_code == 404
        assert "--mode car" in other.json()["detail"]
