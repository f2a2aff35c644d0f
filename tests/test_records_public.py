"""What the public sees of enterprises: nothing of a draft; an enterprise once the county approved it, under the
name it approved, also while a later edit waits for review; vacancies open only for approved enterprises."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from geo.core.migrate import downgrade, upgrade
from registry.accounts.store import NewAccount, create_account
from tests.accounts_world import CIPHER, FAST_HASHER, PASSWORD, World, id_number, login, phone, world_env
from tests.records_world import post, rows, scalar
from tests.test_tiles_api import features, tile_of

Env = tuple[TestClient, World, Engine]
Z = 14


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def _searched(client: TestClient, q: str) -> list[dict[str, Any]]:
    r = client.get("/api/v1/enterprises", params={"q": q})
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["results"]
    return found


def _tiled(client: TestClient, lon: float, lat: float, eid: int) -> list[str]:
    """The enterprise names the public enterprises tile at the point shows for enterprise eid."""
    x, y = tile_of(lon, lat, Z)
    r = client.get(f"/tiles/enterprises/{Z}/{x}/{y}.pbf")
    if r.status_code == 204:
        return []
    assert r.status_code == 200, r.text
    return [
        f["properties"]["enterprise"]
        for f in features(r.content, "enterprises")
        if f["properties"]["enterprise_id"] == eid
    ]


def _approve(client: TestClient, eid: int, staff: dict[str, str], county: dict[str, str]) -> None:
    for who, to in ((staff, "township_approved"), (county, "approved")):
        r = post(client, f"/api/v1/enterprises/{eid}/review", who, {"decision": "approve"})
        assert (r.status_code, r.json()["to_status"]) == (200, to), r.text


def test_draft_enterprise_is_public_only_after_county_approval_and_stays_so(env: Env) -> None:
    client, world, engine = env
    staff, county = login(client, "staff_a"), login(client, "reviewer")
    lon, lat = rows(
        engine, "SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c", c=world.village_a1
    )[0]
    body = {
        "name": "鸿雁公开测试厂",
        "area_code": world.village_a1,
        "lon": lon,
        "lat": lat,
        "industry": "纺织",
    }
    created = post(client, "/api/v1/enterprises", staff, body)
    assert created.status_code == 201, created.text
    eid = created.json()["enterprise_id"]
    assert (created.json()["public"], created.json()["first_approved_at"]) == (False, None)
    candidates = f"/api/v1/enterprises/{eid}/candidates"

    def hidden() -> None:
        assert _searched(client, "鸿雁公开测试") == []
        assert _tiled(client, lon, lat, eid) == []
        r = client.get(candidates)
        assert (r.status_code, r.json()["detail"]) == (404, f"enterprise {eid} does not exist")

    hidden()
    assert post(client, f"/api/v1/enterprises/{eid}/submit", staff).json()["to_status"] == "submitted"
    r = post(client, f"/api/v1/enterprises/{eid}/review", staff, {"decision": "approve"})
    assert r.json()["to_status"] == "township_approved"
    hidden()  # the township's approval is not enough
    r = post(client, f"/api/v1/enterprises/{eid}/review", county, {"decision": "approve"})
    assert r.json()["to_status"] == "approved"
    hits = _searched(client, "鸿雁公开测试")
    assert [(h["enterprise_id"], h["name"], h["industry"]) for h in hits] == [(eid, "鸿雁公开测试厂", "纺织")]
    assert _tiled(client, lon, lat, eid) == ["鸿雁公开测试厂"]
    assert client.get(candidates).status_code == 200
    assert scalar(
        engine, "SELECT first_approved_at IS NOT NULL FROM enterprises WHERE enterprise_id = :e", e=eid
    )

    # an edit sends the record back to review: the public keeps the approved name and industry
    edited = client.patch(
        f"/api/v1/enterprises/{eid}", headers=staff, json={"name": "鸿雁公开测试新厂", "industry": "电子"}
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["record_status"], edited.json()["name"], edited.json()["public"]) == (
        "draft",
        "鸿雁公开测试新厂",
        True,
    )
    hits = _searched(client, "鸿雁公开测试")
    assert [(h["enterprise_id"], h["name"], h["industry"]) for h in hits] == [(eid, "鸿雁公开测试厂", "纺织")]
    assert _searched(client, "新厂") == []
    assert _tiled(client, lon, lat, eid) == ["鸿雁公开测试厂"]
    assert post(client, f"/api/v1/enterprises/{eid}/submit", staff).status_code == 200
    _approve(client, eid, staff, county)
    assert [h["name"] for h in _searched(client, "鸿雁公开测试")] == ["鸿雁公开测试新厂"]
    assert _tiled(client, lon, lat, eid) == ["鸿雁公开测试新厂"]


def test_demo_enterprise_edited_stays_public_under_its_name(env: Env) -> None:
    client, world, engine = env
    eid = world.enterprise_1
    name = scalar(engine, "SELECT name FROM enterprises WHERE enterprise_id = :e", e=eid)
    r = client.patch(
        f"/api/v1/enterprises/{eid}", headers=login(client, "admin"), json={"name": name + "改名待审"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["record_status"], r.json()["public"]) == ("draft", True)
    assert [h["name"] for h in _searched(client, name) if h["enterprise_id"] == eid] == [name]
    assert _searched(client, "改名待审") == []


def test_vacancy_of_an_unapproved_enterprise_cannot_open(env: Env) -> None:
    client, world, engine = env
    eid, vid = world.enterprise_2, world.draft_vacancy_2
    township = scalar(engine, "SELECT area_code FROM vacancies WHERE vacancy_id = :v", v=vid)[:9] + "000"
    lon, lat = rows(
        engine,
        "SELECT ST_X(s.geom), ST_Y(s.geom) FROM vacancies v JOIN enterprise_sites s "
        "ON s.site_id = v.site_id WHERE v.vacancy_id = :v",
        v=world.open_vacancy_2,
    )[0]
    circle = {"lon": lon, "lat": lat, "radius_m": 300, "reach": "false", "limit": 2000}
    positions = client.get("/api/v1/circle", params=circle).json()["positions"]
    assert world.open_vacancy_2 in [p["vacancy_id"] for p in positions]
    with engine.begin() as conn:  # enterprise 2 becomes a draft nobody approved yet (as if newly registered)
        conn.execute(
            text(
                "UPDATE enterprises SET record_status = 'draft', first_approved_at = NULL, approved_name = NULL "
                "WHERE enterprise_id = :e"
            ),
            {"e": eid},
        )
        new = NewAccount("staff_vac", "测试乡镇", phone(60), id_number(60), "township_staff", township)
        create_account(conn, new, PASSWORD, cipher=CIPHER, hasher=FAST_HASHER)
    assert post(client, f"/api/v1/vacancies/{vid}/submit", login(client, "hr_2")).status_code == 200
    r = post(client, f"/api/v1/vacancies/{vid}/review", login(client, "staff_vac"), {"decision": "approve"})
    assert (r.status_code, r.json()["detail"]) == (
        409,
        f"vacancy {vid} cannot open: its enterprise {eid} is not yet approved by the county (企业尚未通过县级审核)",
    )
    assert scalar(engine, "SELECT status FROM vacancies WHERE vacancy_id = :v", v=vid) == "submitted"
    # the open vacancy it already had leaves the public job map with it
    positions = client.get("/api/v1/circle", params=circle).json()["positions"]
    assert world.open_vacancy_2 not in [p["vacancy_id"] for p in positions]


def test_migration_0014_backfills_approved_rows_and_goes_down_and_up(engine: Engine) -> None:
    downgrade(engine, "0008_talents_policies")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT to_regclass('public_enterprises')")).scalar() is None
        conn.execute(
            text(
                "INSERT INTO admin_areas (code, name, level, geom) VALUES ('341522000000', '霍邱县', 'county', "
                "ST_Multi(ST_MakeEnvelope(116, 32, 116.5, 32.5, 4326)))"
            )
        )
        conn.execute(
            text(
                "INSERT INTO enterprises (name, industry, area_code, record_status) VALUES "
                "('已审企业', '制造', '341522000000', 'approved'), ('草稿企业', '', '341522000000', 'draft')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT name, first_approved_at = created_at, approved_name, approved_industry FROM enterprises "
                "ORDER BY enterprise_id"
            )
        ).all()
        assert [tuple(r) for r in stored] == [
            ("已审企业", True, "已审企业", "制造"),
            ("草稿企业", None, None, None),
        ]
        assert conn.execute(text("SELECT name FROM public_enterprises")).scalars().all() == ["已审企业"]
        flags = conn.execute(
            text(
                "SELECT has_function_privilege('hongyan_app', 'enterprise_is_public(bigint)', 'EXECUTE'), "
                "has_table_privilege('hongyan_app', 'public_enterprises', 'SELECT')"
            )
        ).one()
        assert tuple(flags) == (True, False)
