"""Vacancies: HR drafts → township review → open on the job map (live circles updated); enterprises reviewed
like residents; the candidate list of an enterprise only for accounts that hold it."""

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
from registry.personal import mask_name
from tests.accounts_world import CIPHER, FAST_HASHER, PASSWORD, World, id_number, login, phone, world_env
from tests.records_world import post, rows, scalar

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def _site_township_staff(engine: Engine, world: World) -> tuple[int, str, str]:
    """A site of enterprise 1, a staff account of its township (created here) and another township's staff."""
    site_id, area = rows(
        engine,
        "SELECT site_id, area_code FROM enterprise_sites WHERE enterprise_id = :e ORDER BY site_id LIMIT 1",
        e=world.enterprise_1,
    )[0]
    township = area[:9] + "000"
    with engine.begin() as conn:
        new = NewAccount("staff_site", "测试乡镇", phone(50), id_number(50), "township_staff", township)
        create_account(conn, new, PASSWORD, cipher=CIPHER, hasher=FAST_HASHER)
    other = "staff_b" if township == world.township_a else "staff_a"
    return int(site_id), "staff_site", other


def test_vacancy_draft_review_opens_it_on_the_job_map(env: Env, demo_db_url: str) -> None:
    client, world, engine = env
    analyze_circles(
        engine, CircleService(Settings(database_url=demo_db_url)), mode="walk", metric="length", limit=3000.0
    )
    site_id, staff_name, other_name = _site_township_staff(engine, world)
    hr1, hr2 = login(client, "hr_1"), login(client, "hr_2")
    staff, other = login(client, staff_name), login(client, other_name)
    before = scalar(engine, "SELECT positions FROM circle_site_stats WHERE site_id = :s", s=site_id)
    code = scalar(engine, "SELECT min(code) FROM occupations WHERE level = 'detail' AND code LIKE '6-%'")
    body = {
        "site_id": site_id,
        "title": "缝纫工",
        "occupation_code": code,
        "positions": 9,
        "wage_min": 4000,
        "wage_max": 6000,
    }
    foreign = post(client, "/api/v1/vacancies", hr2, body)
    assert (foreign.status_code, foreign.json()["detail"]) == (
        404,
        f"site {site_id} is not a site of your enterprise {world.enterprise_2}",
    )
    bad = post(client, "/api/v1/vacancies", hr1, body | {"wage_min": 7000})
    assert (bad.status_code, bad.json()["detail"]) == (
        422,
        "wage_max 6000 is below wage_min 7000 (field wage_max)",
    )
    created = post(client, "/api/v1/vacancies", hr1, body)
    assert created.status_code == 201, created.text
    vid = created.json()["vacancy_id"]
    assert created.json()["status"] == "draft"
    gone = f"vacancy {vid} does not exist or is outside your area"
    for method, url, who, payload in [
        ("patch", f"/api/v1/vacancies/{vid}", hr2, {"positions": 1}),
        ("post", f"/api/v1/vacancies/{vid}/submit", hr2, None),
        ("get", f"/api/v1/vacancies/{vid}/history", hr2, None),
        ("get", f"/api/v1/vacancies/{vid}/history", login(client, "seeker"), None),
    ]:
        r = client.request(method, url, headers=who, json=payload)
        assert (r.status_code, r.json()["detail"]) == (404, gone), url
    assert post(client, f"/api/v1/vacancies/{vid}/submit", hr1).json()["to_status"] == "submitted"
    assert any(
        i["record_id"] == vid for i in client.get("/api/v1/review/queue", headers=staff).json()["items"]
    )
    assert all(
        i["record_id"] != vid for i in client.get("/api/v1/review/queue", headers=other).json()["items"]
    )
    wrong = post(client, f"/api/v1/vacancies/{vid}/review", other, {"decision": "approve"})
    assert (wrong.status_code, wrong.json()["detail"]) == (404, gone)
    self_review = post(client, f"/api/v1/vacancies/{vid}/review", hr1, {"decision": "approve"})
    assert self_review.status_code == 403
    assert self_review.json()["detail"] == f"vacancy {vid} waits for township review; you are enterprise_hr"
    lon, lat = rows(
        engine, "SELECT ST_X(geom), ST_Y(geom) FROM enterprise_sites WHERE site_id = :s", s=site_id
    )[0]
    circle = {"lon": lon, "lat": lat, "radius_m": 300, "limit": 2000, "reach": "false"}
    assert vid not in [
        p["vacancy_id"] for p in client.get("/api/v1/circle", params=circle).json()["positions"]
    ]

    approved = post(client, f"/api/v1/vacancies/{vid}/review", staff, {"decision": "approve"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["to_status"] == "open"
    assert approved.json()["live_update"]["runs"] == 1
    assert (
        scalar(engine, "SELECT positions FROM circle_site_stats WHERE site_id = :s", s=site_id) == before + 9
    )
    listed = client.get("/api/v1/circle", params=circle).json()
    assert vid in [p["vacancy_id"] for p in listed["positions"]]

    # changing an open vacancy sends it back to review and takes it off the map (circles updated again)
    changed = client.patch(f"/api/v1/vacancies/{vid}", headers=hr1, json={"positions": 4})
    assert changed.json()["status"] == "submitted" and changed.json()["live_update"]["runs"] == 1
    assert scalar(engine, "SELECT positions FROM circle_site_stats WHERE site_id = :s", s=site_id) == before
    returned = post(
        client, f"/api/v1/vacancies/{vid}/review", staff, {"decision": "return", "reason": "工资标准不明"}
    )
    assert returned.json()["to_status"] == "returned" and returned.json()["live_update"] is None
    history = client.get(f"/api/v1/vacancies/{vid}/history", headers=hr1).json()
    assert [(c["field"], c["old"], c["new"]) for c in history["changes"]] == [
        ("record", None, "created"),
        ("status", None, "draft"),
        ("status", "draft", "submitted"),
        ("status", "submitted", "open"),
        ("positions", "9", "4"),
        ("status", "open", "submitted"),
        ("status", "submitted", "returned"),
    ]
    assert history["reviews"][-1]["reason"] == "工资标准不明"


def test_enterprise_record_review_path(env: Env) -> None:
    client, world, engine = env
    staff, reviewer = login(client, "staff_a"), login(client, "staff_b")
    lon, lat = rows(
        engine, "SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c", c=world.village_a1
    )[0]
    body = {
        "name": "霍邱鸿雁制衣厂",
        "area_code": world.village_a1,
        "lon": lon,
        "lat": lat,
        "industry": "纺织服装",
    }
    outside = post(client, "/api/v1/enterprises", reviewer, body)
    assert outside.status_code == 403
    created = post(client, "/api/v1/enterprises", login(client, "staff_a"), body)
    assert created.status_code == 201, created.text
    eid = created.json()["enterprise_id"]
    assert created.json()["record_status"] == "draft"
    assert scalar(engine, "SELECT count(*) FROM enterprise_sites WHERE enterprise_id = :e", e=eid) == 1
    gone = f"enterprise {eid} does not exist or is outside your area"
    for method, url, payload in [
        ("patch", f"/api/v1/enterprises/{eid}", {"employees": 3}),
        ("post", f"/api/v1/enterprises/{eid}/submit", None),
        ("get", f"/api/v1/enterprises/{eid}/history", None),
    ]:
        r = client.request(method, url, headers=reviewer, json=payload)
        assert (r.status_code, r.json()["detail"]) == (404, gone), url
    assert (
        client.patch(f"/api/v1/enterprises/{eid}", headers=staff, json={"employees": 35}).status_code == 200
    )
    assert post(client, f"/api/v1/enterprises/{eid}/submit", staff).json()["to_status"] == "submitted"
    assert (
        post(client, f"/api/v1/enterprises/{eid}/review", staff, {"decision": "approve"}).json()["to_status"]
        == "township_approved"
    )
    county = login(client, "reviewer")
    assert any(
        i["record_id"] == eid for i in client.get("/api/v1/review/queue", headers=county).json()["items"]
    )
    assert (
        post(client, f"/api/v1/enterprises/{eid}/review", county, {"decision": "approve"}).json()["to_status"]
        == "approved"
    )
    changes = client.get(f"/api/v1/enterprises/{eid}/history", headers=staff).json()["changes"]
    assert ("employees", "0", "35") in [(c["field"], c["old"], c["new"]) for c in changes]


def test_candidates_list_only_for_accounts_holding_the_enterprise(env: Env) -> None:
    client, world, engine = env
    url = f"/api/v1/enterprises/{world.enterprise_1}/candidates"
    public = client.get(url, params={"radius_m": 5000})
    assert public.status_code == 200, public.text
    assert public.json()["candidate_count"] > 0 and public.json()["candidates"] == []
    own = client.get(url, params={"radius_m": 5000}, headers=login(client, "hr_1")).json()
    assert own["candidate_count"] == public.json()["candidate_count"]
    assert len(own["candidates"]) == min(200, own["candidate_count"])
    # HR reads no resident row: the pool of its circle without resident ids, names masked
    assert own["listing"] == "masked_pool" and all("resident_id" not in c for c in own["candidates"])
    county = client.get(url, params={"radius_m": 5000}, headers=login(client, "admin")).json()
    assert county["listing"] == "your_area" and len(county["candidates"]) == len(own["candidates"])
    names = {c["resident_id"]: c["name"] for c in county["candidates"]}
    real = dict(
        rows(engine, "SELECT resident_id, name FROM residents WHERE resident_id = ANY(:ids)", ids=list(names))
    )
    assert all(names[r] == mask_name(real[r]) for r in names)
    assert [c["name"] for c in own["candidates"]] == [c["name"] for c in county["candidates"]]
    other = client.get(f"/api/v1/enterprises/{world.enterprise_2}/candidates", headers=login(client, "hr_1"))
    assert (other.status_code, other.json()["detail"]) == (
        404,
        f"enterprise {world.enterprise_2} does not exist or is outside your area",
    )
    seeker = client.get(url, headers=login(client, "seeker"))
    assert seeker.status_code == 404
