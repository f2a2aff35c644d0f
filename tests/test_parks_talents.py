"""Parks and talents: support requests for talents, talents as tenants, the demo's tenants and applicants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


def _talent(engine: Engine, township: str) -> tuple[int, str]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT talent_id, name FROM talents WHERE area_code LIKE :p ORDER BY talent_id LIMIT 1"),
            {"p": township[:9] + "%"},
        ).one()
    return int(row.talent_id), str(row.name)


def test_support_request_for_a_nonexistent_talent(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    ghost = client.post(
        "/api/v1/support-requests", headers=staff, json={"kind": "guarantee_loan", "talent_id": 99_999_999}
    )
    assert ghost.status_code == 404
    assert ghost.json()["detail"] == (
        "人才 99999999 不存在或不在您的辖区 (talent 99999999 does not exist or is outside your area)"
    )
    talent_b, _ = _talent(engine, world.township_b)
    foreign = client.post(
        "/api/v1/support-requests", headers=staff, json={"kind": "guarantee_loan", "talent_id": talent_b}
    )
    assert foreign.status_code == 404
    assert foreign.json()["detail"] == (
        f"人才 {talent_b} 不存在或不在您的辖区 (talent {talent_b} does not exist or is outside your area)"
    )
    talent_a, _ = _talent(engine, world.township_a)
    two = client.post(
        "/api/v1/support-requests",
        headers=staff,
        json={"kind": "premises", "talent_id": talent_a, "resident_id": world.seeker_resident},
    )
    assert two.status_code == 422 and two.json()["detail"].startswith("扶持申请人须是企业、人才或居民之一")
    assert scalar(engine, "SELECT count(*) FROM support_requests WHERE talent_id = :t", t=99_999_999) == 0


def test_talent_tenant_and_support_request(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    talent, name = _talent(engine, world.township_a)
    pid = client.post("/api/v1/parks", headers=staff, json=park_body(engine, world.township_a)).json()[
        "park_id"
    ]
    moved = client.post(f"/api/v1/parks/{pid}/tenants", headers=staff, json={"talent_id": talent, "units": 2})
    assert moved.status_code == 201, moved.text
    tenants = client.get(f"/api/v1/parks/{pid}", headers=staff).json()["tenant_list"]
    assert [(t["talent_id"], t["resident_id"], t["enterprise_id"], t["name"]) for t in tenants] == [
        (talent, None, None, name)
    ]
    made = client.post(
        "/api/v1/support-requests",
        headers=staff,
        json={"kind": "guarantee_loan", "talent_id": talent, "park_id": pid, "amount_yuan": 300_000},
    )
    assert made.status_code == 201, made.text
    rid = made.json()["request_id"]
    talent_area = scalar(engine, "SELECT area_code FROM talents WHERE talent_id = :t", t=talent)
    assert made.json()["area_code"] == talent_area
    detail = client.get(f"/api/v1/support-requests/{rid}", headers=staff).json()
    assert (detail["talent_id"], detail["resident_id"], detail["applicant"]) == (talent, None, name)
    # the county reviewer reads it too (names masked for that role when it does not see names)
    listed = client.get("/api/v1/support-requests", headers=login(client, "reviewer")).json()["requests"]
    assert rid in {r["request_id"] for r in listed}
    # township B neither reads it nor can move that talent into its own park
    staff_b = login(client, "staff_b")
    assert client.get(f"/api/v1/support-requests/{rid}", headers=staff_b).status_code == 404
    park_b = client.post(
        "/api/v1/parks", headers=staff_b, json=park_body(engine, world.township_b, name="乙镇青年创业园")
    ).json()["park_id"]
    sneaky = client.post(f"/api/v1/parks/{park_b}/tenants", headers=staff_b, json={"talent_id": talent})
    assert sneaky.status_code == 404
    assert sneaky.json()["detail"] == (
        f"人才 {talent} 不存在或不在您的辖区 (talent {talent} does not exist or is outside your area)"
    )


def test_demo_tenants_and_applicants_are_real_talents(env: Env) -> None:
    _, _, engine = env
    with engine.connect() as conn:
        tenants = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE talent_id IS NOT NULL), count(*) FILTER (WHERE resident_id IS NOT NULL), "
                "count(*) FILTER (WHERE t.talent_id IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM talents tl WHERE tl.talent_id = t.talent_id AND tl.area_code LIKE left(t.area_code, 9) || '%')) "
                "FROM park_tenants t"
            )
        ).one()
        applicants = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE s.talent_id IS NOT NULL), count(*) FILTER (WHERE s.resident_id IS NOT NULL), "
                "count(*) FILTER (WHERE s.talent_id IS NOT NULL AND s.area_code <> "
                "(SELECT tl.area_code FROM talents tl WHERE tl.talent_id = s.talent_id)) FROM support_requests s"
            )
        ).one()
    assert tenants[0] > 0 and tenants[1] == 0 and tenants[2] == 0
    assert applicants[0] > 0 and applicants[1] == 0 and applicants[2] == 0
