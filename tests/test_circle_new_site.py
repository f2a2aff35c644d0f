"""A site and vacancy added while the server runs are in the next circle (one query checks for new sites)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from geo.core.db import create_db_engine
from geo.core.settings import Settings

SEAT = text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = '341522100000'")
NEW_SITE_WITH_VACANCY = text(
    """
    WITH e AS (
        INSERT INTO enterprises (name, area_code, record_status) VALUES ('新场所测试企业', '341522100000', 'approved')
        RETURNING enterprise_id
    ), s AS (
        INSERT INTO enterprise_sites (enterprise_id, name, area_code, geom)
        SELECT enterprise_id, '新场所', '341522100000', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) FROM e
        RETURNING site_id, enterprise_id
    )
    INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,
                           full_time, status, area_code)
    SELECT enterprise_id, site_id, '新场所岗位', (SELECT min(code) FROM occupations WHERE code LIKE '%-%-%-%'),
           3, 4000, 5000, true, 'open', '341522100000'
    FROM s
    RETURNING vacancy_id, site_id
    """
)


@pytest.fixture
def client(demo_db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=demo_db_url, data_dir=tmp_path))) as c:
        yield c


def test_new_site_is_snapped_and_listed_by_the_next_request(client: TestClient, demo_db_url: str) -> None:
    engine = create_db_engine(demo_db_url, pool_size=1)
    with engine.connect() as conn:
        lon, lat = (float(v) for v in conn.execute(SEAT).one())
    params = {"lon": lon, "lat": lat, "radius_m": 3000, "mode": "walk", "limit": 2000}
    before = client.get("/api/v1/circle", params=params).json()
    with engine.begin() as conn:
        vacancy_id, site_id = conn.execute(NEW_SITE_WITH_VACANCY, {"lon": lon + 0.002, "lat": lat}).one()
    engine.dispose()
    after = client.get("/api/v1/circle", params=params).json()
    new = [p for p in after["positions"] if p["vacancy_id"] == vacancy_id]
    assert len(new) == 1 and new[0]["site_id"] == site_id and new[0]["title"] == "新场所岗位"
    assert 0 < new[0]["road_distance_m"] <= 3000
    assert after["vacancy_count"] == before["vacancy_count"] + 1
    assert after["position_count"] == before["position_count"] + 3
    # the same network and the other sites: nothing else in the list changed
    assert [p for p in after["positions"] if p["vacancy_id"] != vacancy_id] == before["positions"]


def test_a_new_network_version_is_seen_by_the_next_circle(client: TestClient, demo_db_url: str) -> None:
    # the vacancy query reports the version in the same round trip; a newer one makes the endpoint reload
    engine = create_db_engine(demo_db_url, pool_size=1)
    with engine.connect() as conn:
        lon, lat = conn.execute(SEAT).one()
    params: dict[str, float | str] = {"lon": lon, "lat": lat, "radius_m": 2000, "reach": "false"}
    first = client.get("/api/v1/circle", params=params)
    assert first.status_code == 200
    circles = client.app.state.circles  # type: ignore[attr-defined]
    before = circles.loaded("walk")[0].version
    with engine.begin() as conn:
        conn.execute(text("UPDATE road_network_info SET version = version + 1, imported_at = now()"))
    again = client.get("/api/v1/circle", params=params)
    engine.dispose()
    assert again.status_code == 200 and again.json()["positions"] == first.json()["positions"]
    assert circles.loaded("walk")[0].version == before + 1


def test_a_dropped_read_connection_is_replaced(client: TestClient, demo_db_url: str) -> None:
    # the read engine does not ping on checkout: a connection the server ended fails once and is retried
    engine = create_db_engine(demo_db_url, pool_size=1)
    with engine.connect() as conn:
        lon, lat = conn.execute(SEAT).one()
    params: dict[str, float | str] = {"lon": lon, "lat": lat, "radius_m": 2000, "reach": "false"}
    assert client.get("/api/v1/circle", params=params).status_code == 200
    with engine.begin() as conn:
        ended = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
            )
        ).scalar_one()
    engine.dispose()
    assert ended >= 1
    r = client.get("/api/v1/circle", params=params)
    assert r.status_code == 200 and r.json()["vacancy_count"] > 0
