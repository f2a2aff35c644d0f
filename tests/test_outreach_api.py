"""鸿雁 outreach: flows equal a brute-force count, targeted lists match open positions, Excel export, contacts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from programme.outreach.cities import cities
from tests.accounts_world import CIPHER, World, login, world_env

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _away(engine: Engine, prefix: str = "341522") -> list[tuple[int, str, str, bool, str]]:
    """Every resident working away (id, city, occupation, wish, area), read as the owner."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT resident_id, work_city, coalesce(occupation_code, ''), wish_to_return, area_code "
                "FROM residents WHERE status = 'working_away' AND area_code LIKE :p"
            ),
            {"p": prefix + "%"},
        ).all()
    return [(int(r[0]), str(r[1]), str(r[2]), bool(r[3]), str(r[4])) for r in rows]


def _flow_counts(body: dict[str, object]) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for city in body["cities"]:  # type: ignore[attr-defined]
        for trade in city["trades"]:
            out[(city["city"], trade["group"])] += trade["people"]
    return out


def test_flows_equal_a_brute_force_count(env: Env) -> None:
    client, world, engine = env
    people = _away(engine)
    assert people and all(city in cities() for _, city, _, _, _ in people)
    admin = login(client, "admin")
    body = client.get("/api/v1/outreach/flows", headers=admin).json()
    assert body["total"] == len(people)
    assert _flow_counts(body) == Counter((c, o[:4]) for _, c, o, _, _ in people)
    by_city = {c["city"]: c for c in body["cities"]}
    for name, count in Counter(c for _, c, _, _, _ in people).items():
        assert by_city[name]["people"] == count
        assert by_city[name]["wishing"] == sum(1 for _, c, _, w, _ in people if c == name and w)
        assert (by_city[name]["lon"], by_city[name]["lat"]) == (cities()[name].lon, cities()[name].lat)
    assert [c["people"] for c in body["cities"]] == sorted(
        (c["people"] for c in body["cities"]), reverse=True
    )
    # filtered by trade group and wish to return
    trade = Counter(o[:4] for _, _, o, _, _ in people).most_common(1)[0][0]
    filtered = client.get(
        "/api/v1/outreach/flows", headers=admin, params={"trade": trade, "wish_to_return": "true"}
    ).json()
    expected = Counter((c, o[:4]) for _, c, o, w, _ in people if w and o.startswith(trade))
    assert _flow_counts(filtered) == expected and filtered["total"] == sum(expected.values()) > 0


def test_township_staff_see_only_their_townships_flows(env: Env) -> None:
    client, world, engine = env
    body = client.get("/api/v1/outreach/flows", headers=login(client, "staff_a")).json()
    own = _away(engine, world.township_a[:9])
    assert body["total"] == len(own) < len(_away(engine))
    assert _flow_counts(body) == Counter((c, o[:4]) for _, c, o, _, _ in own)


def _busiest(engine: Engine) -> tuple[str, str]:
    """The (city, trade group) with the most people working away who wish to return."""
    counts = Counter((c, o[:4]) for _, c, o, w, _ in _away(engine) if w and o)
    return counts.most_common(1)[0][0]


def test_targeted_list_matches_open_positions_of_the_same_trade(env: Env) -> None:
    client, world, engine = env
    city, trade = _busiest(engine)
    params = {"city": city, "trade": trade, "wish_to_return": "true"}
    body = client.get("/api/v1/outreach/list", headers=login(client, "admin"), params=params).json()
    expected = {r for r, c, o, w, _ in _away(engine) if c == city and w and o.startswith(trade)}
    assert {p["resident_id"] for p in body["people"]} == expected
    codes = {p["occupation_code"] for p in body["people"]}
    with engine.connect() as conn:
        open_jobs = conn.execute(
            text("SELECT vacancy_id, occupation_code, positions FROM vacancies WHERE status = 'open'")
        ).all()
    assert {p["vacancy_id"] for p in body["positions"]} == {v for v, o, _ in open_jobs if o in codes}
    assert all(p["occupation_code"].startswith(trade) for p in body["positions"])
    per_code = Counter[str]()
    for _, o, n in open_jobs:
        per_code[o] += n
    assert all(p["home_positions"] == per_code[p["occupation_code"]] for p in body["people"])
    assert (
        body["open_positions"]
        == sum(per_code[c] for c in codes)
        == sum(p["positions"] for p in body["positions"])
    )
    assert body["masked"] and all("*" in (p["phone"] or "*") and "*" in p["name"] for p in body["people"])
    assert any(p["phone"] for p in body["people"])


def test_export_reads_back_masked_and_unmasked_with_audit(env: Env) -> None:
    client, world, engine = env
    city, trade = _busiest(engine)
    params = {"city": city, "trade": trade, "wish_to_return": "true"}
    admin = login(client, "admin")
    listed = client.get("/api/v1/outreach/list", headers=admin, params=params).json()
    masked = client.get("/api/v1/outreach/list.xlsx", headers=admin, params=params)
    assert masked.status_code == 200 and masked.headers["content-type"].startswith("application/vnd.openxml")
    wb = load_workbook(BytesIO(masked.content))
    assert wb.sheetnames == ["说明", "外出人员", "家乡岗位", "创业项目用工"]
    rows = list(wb["外出人员"].iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "姓名") and len(rows) - 1 == len(listed["people"])
    assert [r[0] for r in rows[1:]] == [p["resident_id"] for p in listed["people"]]
    assert all(r[10] is None or "****" in str(r[10]) for r in rows[1:])
    assert len(list(wb["家乡岗位"].iter_rows())) - 1 == len(listed["positions"])
    projects = list(wb["创业项目用工"].iter_rows(values_only=True))
    assert projects[0][:2] == ("项目编号", "项目")
    assert [r[0] for r in projects[1:]] == [p["project_id"] for p in listed["projects"]] and len(projects) > 1

    full = client.get("/api/v1/outreach/list.xlsx", headers=admin, params={**params, "unmasked": "true"})
    sheet = load_workbook(BytesIO(full.content))["外出人员"]
    first = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[10])
    with engine.connect() as conn:
        name, phone_cipher = conn.execute(
            text("SELECT name, phone_cipher FROM residents WHERE resident_id = :r"), {"r": first[0]}
        ).one()
        audits = conn.execute(
            text(
                "SELECT action, target FROM audit_log WHERE account_id = :a AND action LIKE 'outreach.%' ORDER BY audit_id"
            ),
            {"a": world.account_ids["admin"]},
        ).all()
    assert first[1] == name and first[10] == CIPHER.decrypt(bytes(phone_cipher))
    described = f"city:{city} trade:{trade} wish:1"
    assert [tuple(a) for a in audits] == [
        ("outreach.list", f"{described} unmasked:0"),
        ("outreach.export", f"{described} unmasked:0"),
        ("outreach.export", f"{described} unmasked:1"),
    ]
    refused = client.get(
        "/api/v1/outreach/list.xlsx", headers=login(client, "reviewer"), params={**params, "unmasked": "true"}
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "an unmasked list (names and phones in full) needs the role county_admin or township_staff or "
        "village_collector; you are county_reviewer"
    )


def test_targeted_list_names_the_returnee_projects_needing_workers(env: Env) -> None:
    client, world, engine = env
    city, trade = _busiest(engine)
    params = {"city": city, "trade": trade}
    with engine.connect() as conn:
        needing = conn.execute(
            text("SELECT project_id, area_code FROM talent_projects WHERE '用工' = ANY(needs)")
        ).all()
    assert needing, "the demo has projects that need workers"
    county = client.get("/api/v1/outreach/list", headers=login(client, "admin"), params=params).json()
    assert {p["project_id"] for p in county["projects"]} == {pid for pid, _ in needing}
    assert all("*" in p["talent_name"] for p in county["projects"])  # masked like the people
    first = county["projects"][0]
    assert first["stage"] in ("operating", "expanding") and first["stage_name"] in ("运营", "扩张")
    # township staff get their own township's projects only (talent_projects is under row-level security)
    mine = client.get("/api/v1/outreach/list", headers=login(client, "staff_a"), params=params).json()
    prefix = world.township_a[:9]
    assert {p["project_id"] for p in mine["projects"]} == {pid for pid, a in needing if a.startswith(prefix)}
    assert 0 < len(mine["projects"]) < len(county["projects"])


def test_unknown_city_and_trade_are_refused(env: Env) -> None:
    client, _, _ = env
    admin = login(client, "admin")
    bad = client.get("/api/v1/outreach/list", headers=admin, params={"city": "火星"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == f"unknown city '火星': use one of {'、'.join(cities())} (field city)"
    trade = client.get("/api/v1/outreach/flows", headers=admin, params={"trade": "9-99-99"})
    assert trade.status_code == 422
    assert (
        trade.json()["detail"]
        == "unknown occupation code '9-99-99': use a code such as 6-04 or 6-04-01 (field trade)"
    )
    seeker = client.get("/api/v1/outreach/flows", headers=login(client, "seeker"))
    assert seeker.status_code == 403


def test_contact_log_is_scoped(env: Env) -> None:
    client, world, engine = env
    staff_a, staff_b = login(client, "staff_a"), login(client, "staff_b")
    away_a = _away(engine, world.township_a[:9])[0][0]
    away_b = _away(engine, world.township_b[:9])[0][0]
    contact = {
        "resident_id": away_a,
        "channel": "phone",
        "outcome": "interested",
        "note": "想回县里做焊工",
        "follow_up_on": "2099-01-01",
    }
    made = client.post("/api/v1/outreach/contacts", headers=staff_a, json=contact)
    assert made.status_code == 201, made.text
    mine = client.get("/api/v1/outreach/contacts", headers=staff_a, params={"resident_id": away_a}).json()
    assert mine["contacts"][0]["contact_id"] == made.json()["contact_id"]
    assert (
        mine["contacts"][0]["contacted_by"] == "测试staff_a"
        and mine["contacts"][0]["outcome"] == "interested"
    )
    listed = client.get(
        "/api/v1/outreach/list", headers=staff_a, params={"city": _away(engine, world.township_a[:9])[0][1]}
    ).json()
    entry = next(p for p in listed["people"] if p["resident_id"] == away_a)
    assert entry["last_outcome"] == "interested" and entry["follow_up_on"] == "2099-01-01"
    # township B sees neither the contact nor can it log one for A's resident, nor A for B's
    theirs = client.get("/api/v1/outreach/contacts", headers=staff_b, params={"resident_id": away_a}).json()
    assert theirs["contacts"] == []
    cross = client.post("/api/v1/outreach/contacts", headers=staff_a, json={**contact, "resident_id": away_b})
    assert cross.status_code == 404
    assert cross.json()["detail"] == f"resident {away_b} does not exist or is outside your area"
    bad = client.post("/api/v1/outreach/contacts", headers=staff_a, json={**contact, "channel": "pigeon"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == (
        "unknown channel 'pigeon': use one of phone, wechat, visit, sms, fair, other (field channel)"
    )
