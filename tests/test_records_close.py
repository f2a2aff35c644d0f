"""Closing vacancies (HR of the enterprise or township staff; the job map's circles updated, history kept) and
HR editing its own enterprise (contact at once, industry/workforce through township review, never the name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from geo.core.settings import Settings
from matching.analytics.store import analyze_circles
from matching.circle.service import CircleService
from registry.accounts.store import NewAccount, create_account
from tests.accounts_world import CIPHER, FAST_HASHER, PASSWORD, World, id_number, login, phone, world_env
from tests.records_world import post, rows, scalar

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def _staff_of(engine: Engine, area: str, username: str, n: int) -> None:
    """A township staff account for the township of an area code."""
    with engine.begin() as conn:
        new = NewAccount(username, "测试乡镇", phone(n), id_number(n), "township_staff", area[:9] + "000")
        create_account(conn, new, PASSWORD, cipher=CIPHER, hasher=FAST_HASHER)


def test_hr_closes_its_open_vacancy_and_the_circles_follow(env: Env, demo_db_url: str) -> None:
    client, world, engine = env
    analyze_circles(
        engine, CircleService(Settings(database_url=demo_db_url)), mode="walk", metric="length", limit=3000.0
    )
    vid = world.open_vacancy_2
    site_id, positions, area = rows(
        engine, "SELECT site_id, positions, area_code FROM vacancies WHERE vacancy_id = :v", v=vid
    )[0]
    before = scalar(engine, "SELECT positions FROM circle_site_stats WHERE site_id = :s", s=site_id)
    gone = f"vacancy {vid} does not exist or is outside your area"
    for who in ("hr_1", "staff_b" if area.startswith(world.township_a[:9]) else "staff_a"):
        r = post(client, f"/api/v1/vacancies/{vid}/close", login(client, who), {"reason": "已招满"})
        assert (r.status_code, r.json()["detail"]) == (404, gone), who
    r = post(client, f"/api/v1/vacancies/{vid}/close", login(client, "collector_a1"), {})
    assert (r.status_code, r.json()["detail"]) == (
        403,
        "a village_collector may not close vacancies; that is for county_admin, enterprise_hr, township_staff",
    )
    assert scalar(engine, "SELECT status FROM vacancies WHERE vacancy_id = :v", v=vid) == "open"

    hr2 = login(client, "hr_2")
    closed = post(client, f"/api/v1/vacancies/{vid}/close", hr2, {"reason": "已招满"})
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["from_status"], body["to_status"], body["level"]) == ("open", "closed", "enterprise")
    assert body["live_update"]["runs"] == 1
    after = scalar(engine, "SELECT positions FROM circle_site_stats WHERE site_id = :s", s=site_id)
    assert after == before - positions
    lon, lat = rows(
        engine, "SELECT ST_X(geom), ST_Y(geom) FROM enterprise_sites WHERE site_id = :s", s=site_id
    )[0]
    circle = {"lon": lon, "lat": lat, "radius_m": 300, "limit": 2000, "reach": "false"}
    assert vid not in [
        p["vacancy_id"] for p in client.get("/api/v1/circle", params=circle).json()["positions"]
    ]
    again = post(client, f"/api/v1/vacancies/{vid}/close", hr2, {})
    assert (again.status_code, again.json()["detail"]) == (409, f"vacancy {vid} is closed already")
    changes = client.get(f"/api/v1/vacancies/{vid}/history", headers=hr2).json()["changes"]
    assert [(c["field"], c["old"], c["new"]) for c in changes][-2:] == [
        ("status", "open", "closed"),
        ("close_reason", None, "已招满"),
    ]


def test_township_staff_closes_a_draft_without_touching_the_circles(env: Env) -> None:
    client, world, engine = env
    vid = world.draft_vacancy_2
    area = scalar(engine, "SELECT area_code FROM vacancies WHERE vacancy_id = :v", v=vid)
    _staff_of(engine, area, "staff_close", 70)
    r = post(client, f"/api/v1/vacancies/{vid}/close", login(client, "staff_close"), {"reason": "企业撤回"})
    assert r.status_code == 200, r.text
    assert (r.json()["from_status"], r.json()["to_status"], r.json()["level"], r.json()["live_update"]) == (
        "draft",
        "closed",
        "township",
        None,
    )
    assert scalar(engine, "SELECT status FROM vacancies WHERE vacancy_id = :v", v=vid) == "closed"
    # a closed vacancy cannot be edited or submitted again
    edit = client.patch(f"/api/v1/vacancies/{vid}", headers=login(client, "hr_2"), json={"positions": 2})
    assert (edit.status_code, edit.json()["detail"]) == (
        409,
        f"vacancy {vid} is closed: it cannot be edited",
    )


def test_hr_edits_its_enterprise_contact_at_once_and_workforce_through_review(env: Env) -> None:
    client, world, engine = env
    eid = world.enterprise_1
    hr = login(client, "hr_1")
    url = f"/api/v1/enterprises/{eid}"
    name = client.patch(url, headers=hr, json={"name": "改个名字"})
    assert (name.status_code, name.json()["detail"]) == (
        403,
        "an enterprise's HR may not change name: the name and credit code are changed by the township and "
        "reviewed; you may change contact_name, contact_phone, employees, industry, kind",
    )
    other = client.patch(
        f"/api/v1/enterprises/{world.enterprise_2}", headers=hr, json={"contact_name": "李四"}
    )
    assert (other.status_code, other.json()["detail"]) == (
        404,
        f"enterprise {world.enterprise_2} does not exist or is outside your area",
    )
    bad = client.patch(url, headers=hr, json={"contact_phone": "12345"})
    assert (bad.status_code, bad.json()["detail"]) == (
        422,
        "a mobile number (手机号) has 11 digits starting with 13-19; check the number (field contact_phone)",
    )

    contact = client.patch(url, headers=hr, json={"contact_name": "李四", "contact_phone": "13912345678"})
    assert contact.status_code == 200, contact.text
    assert (
        contact.json()["record_status"],
        contact.json()["contact_name"],
        contact.json()["contact_phone"],
    ) == (
        "approved",
        "李四",
        "139****5678",
    )
    stored = rows(
        engine, "SELECT contact_name, contact_phone_cipher FROM enterprises WHERE enterprise_id = :e", e=eid
    )[0]
    assert stored[0] == "李四" and b"13912345678" not in bytes(stored[1])
    assert CIPHER.decrypt(bytes(stored[1])) == "13912345678"

    workforce = client.patch(url, headers=hr, json={"employees": 321})
    assert workforce.status_code == 200, workforce.text
    assert (workforce.json()["record_status"], workforce.json()["public"]) == ("submitted", True)
    waits = client.patch(url, headers=hr, json={"employees": 322})
    assert (waits.status_code, waits.json()["detail"]) == (
        409,
        f"enterprise {eid} is submitted and waits for review: it cannot be edited now",
    )
    township = scalar(engine, "SELECT area_code FROM enterprises WHERE enterprise_id = :e", e=eid)
    _staff_of(engine, township, "staff_ent", 71)
    staff = login(client, "staff_ent")
    queue = client.get("/api/v1/review/queue", headers=staff).json()["items"]
    assert any(i["kind"] == "enterprises" and i["record_id"] == eid for i in queue)
    history = client.get(f"{url}/history", headers=hr).json()
    changes = [(c["field"], c["old"], c["new"], c["sensitive"]) for c in history["changes"]]
    assert ("contact_phone", None, None, True) in changes
    assert ("contact_name", "", "李四", False) in changes
    assert changes[-2:] == [
        ("employees", changes[-2][1], "321", False),
        ("record_status", "approved", "submitted", False),
    ]
    assert history["reviews"][-1]["level"] == "enterprise" and history["reviews"][-1]["action"] == "submit"
