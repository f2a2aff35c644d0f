"""Parks and incubators: registry, tenants within capacity, stats, map layer; support requests step by step."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.accounts_world import World, login, world_env
from tests.parks_world import park_body, scalar

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def test_demo_parks_are_seeded_within_capacity(env: Env) -> None:
    client, _, engine = env
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.park_id, p.capacity, coalesce(sum(t.units), 0), count(t.*), p.area_code "
                "FROM parks p LEFT JOIN park_tenants t ON t.park_id = p.park_id GROUP BY p.park_id"
            ),
        ).all()
        zone = (
            conn.execute(text("SELECT code FROM admin_areas WHERE kind = 'park' AND level = 'township'"))
            .scalars()
            .all()
        )
    assert len(rows) >= 10 and all(0 < occ <= cap for _, cap, occ, _, _ in rows)
    assert set(zone) <= {r[4] for r in rows}  # the development zone has its parks
    geo = client.get("/api/v1/parks.geojson").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(rows)
    props = {f["properties"]["park_id"]: f["properties"] for f in geo["features"]}
    assert all(
        props[pid]["occupancy"] == occ and props[pid]["capacity"] == cap for pid, cap, occ, _, _ in rows
    )
    assert all("contact_name" not in p for p in props.values())
    stats = client.get("/api/v1/parks/stats", headers=login(client, "admin"), params={"by": "kind"}).json()[
        "rows"
    ]
    assert sum(s["capacity"] for s in stats) == sum(r[1] for r in rows)
    assert sum(s["occupancy"] for s in stats) == sum(r[2] for r in rows)
    assert sum(s["tenants"] for s in stats) == sum(r[3] for r in rows)


def test_register_a_park_add_tenants_up_to_capacity(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    made = client.post("/api/v1/parks", headers=staff, json=park_body(engine, world.township_a))
    assert made.status_code == 201, made.text
    park = made.json()
    assert park["capacity"] == 3 and park["occupancy"] == 0 and park["contact_phone"] == "139****5678"
    pid = park["park_id"]
    ent = scalar(
        engine,
        "SELECT min(enterprise_id) FROM enterprises WHERE area_code LIKE :p",
        p=world.township_a[:9] + "%",
    )
    talent = world.seeker_resident
    assert (
        client.post(
            f"/api/v1/parks/{pid}/tenants", headers=staff, json={"enterprise_id": ent, "units": 2}
        ).status_code
        == 201
    )
    assert (
        client.post(f"/api/v1/parks/{pid}/tenants", headers=staff, json={"resident_id": talent}).status_code
        == 201
    )
    full = client.post(f"/api/v1/parks/{pid}/tenants", headers=staff, json={"enterprise_id": ent, "units": 1})
    assert full.status_code == 422
    assert full.json()["detail"] == "occupancy would be 4, above the park's capacity 3 (0 free) (field units)"
    detail = client.get(f"/api/v1/parks/{pid}", headers=staff).json()
    assert detail["occupancy"] == 3 and detail["free"] == 0 and len(detail["tenant_list"]) == 2
    out = detail["tenant_list"][0]["tenant_id"]
    assert client.post(f"/api/v1/parks/{pid}/tenants/{out}/move-out", headers=staff).status_code == 200
    assert client.get(f"/api/v1/parks/{pid}", headers=staff).json()["occupancy"] == 1
    # a nonexistent tenant, and one of another township
    ghost = client.post(f"/api/v1/parks/{pid}/tenants", headers=staff, json={"enterprise_id": 99_999_999})
    assert ghost.status_code == 404
    assert ghost.json()["detail"] == "enterprise 99999999 does not exist or is outside your area"
    other = client.post(
        f"/api/v1/parks/{pid}/tenants", headers=staff, json={"resident_id": world.resident_b1}
    )
    assert other.status_code == 404
    assert (
        other.json()["detail"]
        == f"talent (resident) {world.resident_b1} does not exist or is outside your area"
    )


def test_bad_parks_are_refused(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    negative = client.post(
        "/api/v1/parks", headers=staff, json=park_body(engine, world.township_a, capacity=-5)
    )
    assert negative.status_code == 422
    assert negative.json()["detail"] == "capacity must not be negative, got -5 (field capacity)"
    away = client.post(
        "/api/v1/parks", headers=staff, json=park_body(engine, world.township_a, lon=120.0, lat=31.0)
    )
    assert away.status_code == 422
    assert (
        away.json()["detail"]
        == f"the location 120.00000, 31.00000 lies outside area {world.township_a} (field lon/lat)"
    )
    kind = client.post(
        "/api/v1/parks", headers=staff, json=park_body(engine, world.township_a, kind="casino")
    )
    assert kind.status_code == 422
    assert kind.json()["detail"] == (
        "unknown park kind 'casino': use one of returnee_park, youth_park, makerspace, incubator, accelerator "
        "(field kind)"
    )
    foreign = client.post("/api/v1/parks", headers=staff, json=park_body(engine, world.township_b))
    assert foreign.status_code == 403
    assert foreign.json()["detail"] == (f"area {world.township_b} is outside your area {world.township_a}")
    collector = client.post(
        "/api/v1/parks", headers=login(client, "collector_a1"), json=park_body(engine, world.township_a)
    )
    assert collector.status_code == 403
    assert collector.json()["detail"] == (
        "registering a park needs the role county_admin or township_staff; you are village_collector"
    )


def test_parks_are_scoped_by_township(env: Env) -> None:
    client, world, engine = env
    a = client.post(
        "/api/v1/parks", headers=login(client, "staff_a"), json=park_body(engine, world.township_a)
    ).json()
    staff_b = login(client, "staff_b")
    listed = client.get("/api/v1/parks", headers=staff_b).json()["parks"]
    assert listed and all(p["area_code"].startswith(world.township_b[:9]) for p in listed)
    assert a["park_id"] not in {p["park_id"] for p in listed}
    assert client.get(f"/api/v1/parks/{a['park_id']}", headers=staff_b).status_code == 404
    ent_b = scalar(
        engine,
        "SELECT min(enterprise_id) FROM enterprises WHERE area_code LIKE :p",
        p=world.township_b[:9] + "%",
    )
    sneaky = client.post(
        f"/api/v1/parks/{a['park_id']}/tenants", headers=staff_b, json={"enterprise_id": ent_b}
    )
    assert (
        sneaky.status_code == 404
        and sneaky.json()["detail"] == f"park {a['park_id']} does not exist or is outside your area"
    )
    admin = client.get("/api/v1/parks", headers=login(client, "admin")).json()["parks"]
    assert a["park_id"] in {p["park_id"] for p in admin}


def test_support_request_goes_step_by_step(env: Env) -> None:
    client, world, engine = env
    staff, reviewer = login(client, "staff_a"), login(client, "reviewer")
    ent = scalar(
        engine,
        "SELECT min(enterprise_id) FROM enterprises WHERE area_code LIKE :p",
        p=world.township_a[:9] + "%",
    )
    made = client.post(
        "/api/v1/support-requests",
        headers=staff,
        json={"kind": "guarantee_loan", "enterprise_id": ent, "amount_yuan": 200000},
    )
    assert made.status_code == 201, made.text
    rid = made.json()["request_id"]
    skip = client.post(f"/api/v1/support-requests/{rid}/status", headers=reviewer, json={"to": "approved"})
    assert skip.status_code == 409
    assert skip.json()["detail"] == (
        f"support request {rid} is submitted: the next step is reviewing, not approved "
        "(submitted → reviewing → approved/rejected, approved → disbursed)"
    )
    assert (
        client.post(
            f"/api/v1/support-requests/{rid}/status", headers=staff, json={"to": "reviewing"}
        ).status_code
        == 200
    )
    decide = client.post(f"/api/v1/support-requests/{rid}/status", headers=staff, json={"to": "approved"})
    assert decide.status_code == 403
    assert (
        decide.json()["detail"]
        == "only the county (county_admin or county_reviewer) may set approved; you are township_staff"
    )
    no_reason = client.post(
        f"/api/v1/support-requests/{rid}/status", headers=reviewer, json={"to": "rejected"}
    )
    assert (
        no_reason.status_code == 422
        and no_reason.json()["detail"] == "a rejection needs a reason (field reason)"
    )
    for to in ("approved", "disbursed"):
        step = client.post(
            f"/api/v1/support-requests/{rid}/status", headers=reviewer, json={"to": to, "reason": "符合条件"}
        )
        assert step.status_code == 200, step.text
    final = client.post(f"/api/v1/support-requests/{rid}/status", headers=reviewer, json={"to": "reviewing"})
    assert final.status_code == 409 and "the next step is nothing (it is final)" in final.json()["detail"]
    detail = client.get(f"/api/v1/support-requests/{rid}", headers=staff).json()
    assert detail["status"] == "disbursed"
    assert [(s["from"], s["to"], s["by"]) for s in detail["steps"]] == [
        (None, "submitted", "测试staff_a"),
        ("submitted", "reviewing", "测试staff_a"),
        ("reviewing", "approved", "测试reviewer"),
        ("approved", "disbursed", "测试reviewer"),
    ]
    assert all(a["at"] <= b["at"] for a, b in zip(detail["steps"], detail["steps"][1:], strict=False))
    # township B sees none of it
    assert client.get(f"/api/v1/support-requests/{rid}", headers=login(client, "staff_b")).status_code == 404


def test_support_request_for_a_nonexistent_applicant(env: Env) -> None:
    client, world, _ = env
    staff = login(client, "staff_a")
    ghost = client.post(
        "/api/v1/support-requests", headers=staff, json={"kind": "startup_subsidy", "resident_id": 99_999_999}
    )
    assert ghost.status_code == 404
    assert ghost.json()["detail"] == "talent (resident) 99999999 does not exist or is outside your area"
    ent = client.post(
        "/api/v1/support-requests", headers=staff, json={"kind": "premises", "enterprise_id": 99_999_999}
    )
    assert (
        ent.status_code == 404
        and ent.json()["detail"] == "enterprise 99999999 does not exist or is outside your area"
    )
    other = client.post(
        "/api/v1/support-requests", headers=staff, json={"kind": "premises", "resident_id": world.resident_b1}
    )
    assert other.status_code == 404
    both = client.post("/api/v1/support-requests", headers=staff, json={"kind": "premises"})
    assert both.status_code == 422
    assert both.json()["detail"] == (
        "扶持申请人须是企业、人才或居民之一，请只填 enterprise_id、talent_id、resident_id 中的一个 "
        "(a support applicant is an enterprise, a talent or a resident: give exactly one of enterprise_id, "
        "talent_id, resident_id)"
    )


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_parks_vector_tile_layer(env: Env) -> None:
    client, _, engine = env
    with engine.connect() as conn:
        park_id, name, lon, lat, capacity, occupancy = conn.execute(
            text(
                "SELECT p.park_id, p.name, ST_X(p.geom), ST_Y(p.geom), p.capacity, "
                "(SELECT coalesce(sum(units), 0) FROM park_tenants t WHERE t.park_id = p.park_id AND t.moved_out_on IS NULL) "
                "FROM parks p ORDER BY p.park_id LIMIT 1"
            )
        ).one()
    x, y = _tile_xy(lon, lat, 14)
    tile = client.get(f"/tiles/parks/14/{x}/{y}.pbf")
    assert tile.status_code == 200
    features = mapbox_vector_tile.decode(tile.content)["parks"]["features"]
    mine = next(f["properties"] for f in features if f["properties"]["park_id"] == park_id)
    assert (mine["name"], mine["capacity"], mine["occupancy"]) == (name, capacity, occupancy)
    assert client.get("/tiles/parks/14/0/0.pbf").status_code == 204
    assert client.get("/tiles/parks.json").json()["vector_layers"][0]["id"] == "parks"
