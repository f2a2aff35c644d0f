"""An enterprise's candidates with a login: counts for the whole circle, but individual people only from the
rows the caller's scope may read — a township officer of A never sees a resident of the neighbouring B."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from tests.accounts_world import World, app_settings, login, world_env
from tests.records_world import rows

Env = tuple[TestClient, World, Engine]
PARAMS = {"mode": "car", "radius_m": 8000}

# The resident outside township A living nearest to A, and the point of A nearest to them, a little inside A.
BORDER = text(
    """
    SELECT r.resident_id, r.area_code,
           ST_X(p) AS lon, ST_Y(p) AS lat
    FROM admin_areas a
    JOIN LATERAL (
        SELECT resident_id, area_code, geom FROM residents
        WHERE area_code NOT LIKE :prefix || '%' ORDER BY geom <-> a.geom LIMIT 1
    ) r ON true
    CROSS JOIN LATERAL (
        SELECT ST_LineInterpolatePoint(ST_MakeLine(ST_ClosestPoint(a.geom, r.geom),
                                                    coalesce(a.seat, ST_PointOnSurface(a.geom))), 0.01) AS p
    ) s
    WHERE a.code = :township
    """
)
NEW_ENTERPRISE = text(
    """
    WITH e AS (
        INSERT INTO enterprises (name, area_code) VALUES ('边界测试企业', :seat) RETURNING enterprise_id
    )
    INSERT INTO enterprise_sites (enterprise_id, name, area_code, geom)
    SELECT enterprise_id, '边界场所', :area, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) FROM e
    RETURNING enterprise_id
    """
)
# the people nearest the site on both sides of the border are looking for work
SEEKING_NEAR = text(
    """
    UPDATE residents SET status = 'seeking' WHERE resident_id IN (
        SELECT resident_id FROM residents WHERE area_code LIKE :prefix || '%'
        ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 10
    )
    """
)


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def _border_enterprise(engine: Engine, world: World) -> tuple[int, str, int]:
    """An enterprise of A with a site on A's border with a neighbouring township B: (enterprise id, B prefix, B resident)."""
    a = world.township_a[:9]
    with engine.begin() as conn:
        rid, b_area, lon, lat = conn.execute(BORDER, {"prefix": a, "township": world.township_a}).one()
        area = conn.execute(
            text(
                "SELECT code FROM admin_areas WHERE level = 'village' AND parent_code = :t "
                "AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
            ),
            {"t": world.township_a, "lon": lon, "lat": lat},
        ).scalar_one()
        seat = {"seat": world.village_a1}  # registered in village a1, its site on the border
        eid = conn.execute(NEW_ENTERPRISE, seat | {"area": area, "lon": lon, "lat": lat}).scalar_one()
        for prefix in (a, str(b_area)[:9]):
            conn.execute(SEEKING_NEAR, {"prefix": prefix, "lon": lon, "lat": lat})
    return int(eid), str(b_area)[:9], int(rid)


def _areas(engine: Engine, listed: list[dict[str, Any]]) -> dict[int, str]:
    ids = [c["resident_id"] for c in listed]
    return dict(
        rows(engine, "SELECT resident_id, area_code FROM residents WHERE resident_id = ANY(:ids)", ids=ids)
    )


def test_township_officer_never_sees_the_neighbours_residents(env: Env, tmp_path: Path) -> None:
    client, world, engine = env
    eid, b, b_resident = _border_enterprise(engine, world)
    a = world.township_a[:9]
    url = f"/api/v1/enterprises/{eid}/candidates"
    county = client.get(url, params=PARAMS, headers=login(client, "admin")).json()
    staff = client.get(url, params=PARAMS, headers=login(client, "staff_a"))
    assert staff.status_code == 200, staff.text
    mine = staff.json()
    # the circle crosses the border: the county lists people of B, and B's villages are in the counts
    county_areas = _areas(engine, county["candidates"])
    assert any(code.startswith(b) for code in county_areas.values())
    assert any(v["code"].startswith(b) for v in county["by_village"])
    # the same counts for the whole circle, but only A's residents listed, in the same order
    assert mine["listing"] == "your_area"
    for key in ("candidate_count", "by_status", "by_trade", "by_village"):
        assert mine[key] == county[key], key
    staff_areas = _areas(engine, mine["candidates"])
    assert mine["candidates"] and all(code.startswith(a) for code in staff_areas.values())
    assert b_resident not in staff_areas
    in_a = [c for c in county["candidates"] if county_areas[c["resident_id"]].startswith(a)]
    assert mine["candidates"][: len(in_a)] == in_a
    # the village collector of the enterprise's village: only their own village's people
    collector = client.get(url, params=PARAMS, headers=login(client, "collector_a1")).json()
    assert collector["candidate_count"] == county["candidate_count"]
    assert all(code == world.village_a1 for code in _areas(engine, collector["candidates"]).values())
    in_a1 = [c for c in county["candidates"] if county_areas[c["resident_id"]] == world.village_a1]
    assert collector["candidates"][: len(in_a1)] == in_a1
    # the officer of B may not list the candidates of A's enterprise at all
    other = client.get(url, params=PARAMS, headers=login(client, "staff_b"))
    assert (other.status_code, other.json()["detail"]) == (
        404,
        f"enterprise {eid} does not exist or is outside your area",
    )

    # and in SQL under the application role, A's scope reads no row of B
    web = create_engine(app_database_url(app_settings(engine.url.render_as_string(False), tmp_path)))
    try:
        with web.begin() as conn:
            scoped(conn, Scope(a, account_id=world.account_ids["staff_a"]))
            ids = list(county_areas)
            seen = conn.execute(
                text("SELECT resident_id FROM residents WHERE resident_id = ANY(:ids)"), {"ids": ids}
            )
            assert {r[0] for r in seen} == {r for r, code in county_areas.items() if code.startswith(a)}
            assert (
                conn.execute(
                    text("UPDATE residents SET status = 'farming' WHERE resident_id = :r"), {"r": b_resident}
                ).rowcount
                == 0
            )
    finally:
        web.dispose()
