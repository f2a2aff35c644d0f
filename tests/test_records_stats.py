"""Registry statistics as of a date, from the change history, and monthly moves — in the caller's area only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts_world import World, login, world_env
from tests.records_world import new_person, post, rows

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def _by_status(engine: Engine, prefix: str) -> dict[str, int]:
    found = rows(
        engine,
        "SELECT status, count(*) FROM residents WHERE area_code LIKE :p GROUP BY status",
        p=prefix + "%",
    )
    return {str(s): int(n) for s, n in found}


def _counts(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, int]:
    r = client.get("/api/v1/registry/stats", headers=headers, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == sum(c["count"] for c in body["counts"])
    return {c["key"]: c["count"] for c in body["counts"]}


def test_counts_as_of_dates_follow_the_history(env: Env) -> None:
    client, world, engine = env
    collector, staff = login(client, "collector_a1"), login(client, "staff_a")
    away = rows(
        engine,
        "SELECT resident_id, work_city FROM residents WHERE village_code = :v AND status = "
        "'working_away' AND work_city IS NOT NULL ORDER BY resident_id LIMIT 1",
        v=world.village_a1,
    )[0]
    home = client.patch(
        f"/api/v1/residents/{away.resident_id}",
        headers=collector,
        json={"status": "employed_local", "work_city": None, "effective_date": "2026-03-01"},
    )
    assert home.status_code == 200, home.text
    new = post(
        client,
        "/api/v1/residents",
        collector,
        new_person(60, world.village_a1) | {"effective_date": "2026-04-15"},
    )
    assert new.status_code == 201, new.text

    now = _by_status(engine, world.township_a[:9])
    assert _counts(client, staff, by="status") == now
    march = dict(now, working_away=now["working_away"] - 1)  # the new person (working away) came on 15 April
    assert _counts(client, staff, by="status", at="2026-03-15") == march
    february = dict(march, working_away=march["working_away"] + 1, employed_local=march["employed_local"] - 1)
    assert _counts(client, staff, by="status", at="2026-02-28") == {k: v for k, v in february.items() if v}

    cities_feb = _counts(client, staff, by="work_city", at="2026-02-28")
    cities_mar = _counts(client, staff, by="work_city", at="2026-03-15")
    assert cities_feb[away.work_city] == cities_mar[away.work_city] + 1

    villages = client.get("/api/v1/registry/stats", headers=staff, params={"by": "village"}).json()
    assert villages["total"] == sum(now.values())
    assert all(c["key"].startswith(world.township_a[:9]) and c["label"] for c in villages["counts"])
    county = client.get(
        "/api/v1/registry/stats", headers=login(client, "admin"), params={"by": "township"}
    ).json()
    towns = {c["key"]: c["count"] for c in county["counts"]}
    assert (
        towns[world.township_a] == sum(now.values())
        and county["total"] == rows(engine, "SELECT count(*) FROM residents")[0][0]
    )
    assert all(c["label"] for c in county["counts"])
    trades = client.get("/api/v1/registry/stats", headers=staff, params={"by": "trade"}).json()["counts"]
    named = [c for c in trades if c["key"] is not None]
    assert named and all(c["key"].count("-") == 1 for c in named)
    labels = dict(
        rows(engine, "SELECT code, name FROM occupations WHERE code = ANY(:c)", c=[c["key"] for c in named])
    )
    assert all(c["label"] == labels[c["key"]] for c in named)

    # the collector counts their village only; the other township sees none of this
    own_village = rows(engine, "SELECT count(*) FROM residents WHERE village_code = :v", v=world.village_a1)[
        0
    ][0]
    assert sum(_counts(client, collector, by="status").values()) == own_village
    b_total = sum(_by_status(engine, world.township_b[:9]).values())
    assert sum(_counts(client, login(client, "staff_b"), by="status", at="2026-02-28").values()) == b_total
    drafts = _counts(client, staff, by="status", record_status="draft")
    assert drafts == {"employed_local": 1, "working_away": 1}


def test_monthly_moves(env: Env) -> None:
    client, world, engine = env
    collector = login(client, "collector_a1")
    ids = [
        r[0]
        for r in rows(
            engine,
            "SELECT resident_id FROM residents WHERE village_code = :v AND status = "
            "'working_away' ORDER BY resident_id LIMIT 2",
            v=world.village_a1,
        )
    ]
    for rid, (status, day) in zip(
        ids, [("employed_local", "2026-03-01"), ("seeking", "2026-03-20")], strict=True
    ):
        r = client.patch(
            f"/api/v1/residents/{rid}", headers=collector, json={"status": status, "effective_date": day}
        )
        assert r.status_code == 200, r.text
    r = client.patch(
        f"/api/v1/residents/{ids[1]}",
        headers=collector,
        json={"status": "working_away", "effective_date": "2026-04-02"},
    )
    assert r.status_code == 200, r.text
    params = {"from": "2026-01", "to": "2026-04"}
    series = client.get(
        "/api/v1/registry/stats/monthly", headers=login(client, "staff_a"), params=params
    ).json()
    assert series["months"] == [
        {"month": "2026-01", "returned_home": 0, "left_home": 0, "found_local_job": 0},
        {"month": "2026-02", "returned_home": 0, "left_home": 0, "found_local_job": 0},
        {"month": "2026-03", "returned_home": 2, "left_home": 0, "found_local_job": 1},
        {"month": "2026-04", "returned_home": 0, "left_home": 1, "found_local_job": 0},
    ]
    other = client.get(
        "/api/v1/registry/stats/monthly", headers=login(client, "staff_b"), params=params
    ).json()
    assert all(m["returned_home"] == m["left_home"] == 0 for m in other["months"])


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        (
            "monthly",
            {"from": "2026-13", "to": "2026-14"},
            "a month is written YYYY-MM, got '2026-13' (field from)",
        ),
        (
            "monthly",
            {"from": "2026-05", "to": "2026-04"},
            "the month range is empty: 2026-04 is before 2026-05 (field to)",
        ),
        ("monthly", {"from": "2000-01", "to": "2026-04"}, "at most 120 months at once (field to)"),
    ],
)
def test_bad_statistics_input(env: Env, path: str, params: dict[str, str], message: str) -> None:
    client, _, _ = env
    r = client.get(f"/api/v1/registry/stats/{path}", headers=login(client, "staff_a"), params=params)
    assert (r.status_code, r.json()["detail"]) == (422, message)
    bad_by = client.get("/api/v1/registry/stats", headers=login(client, "staff_a"), params={"by": "age"})
    assert bad_by.status_code == 422 and bad_by.json()["detail"][0]["loc"] == ["query", "by"]
    assert client.get("/api/v1/registry/stats").status_code == 401
