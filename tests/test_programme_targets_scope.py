"""The dashboard says whose targets it shows: the township's own, or the county's beside the township's actuals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.accounts_world import COUNTY, World, login, world_env

Env = tuple[TestClient, World, Engine]
API = "/api/v1/programme"
ON = "2026-11-20"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _name(engine: Engine, code: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(text("SELECT name FROM admin_areas WHERE code = :c"), {"c": code}).scalar_one()
        )


def test_county_staff_see_the_countys_own_targets(env: Env) -> None:
    client, _, engine = env
    board = client.get(f"{API}/dashboard", params={"year": 2026, "on": ON}, headers=login(client, "admin"))
    assert board.status_code == 200, board.text
    county = _name(engine, COUNTY)
    assert board.json()["scope"] == {
        "area_code": COUNTY,
        "area_name": county,
        "targets_area_code": COUNTY,
        "targets_area_name": county,
        "own_targets": True,
        "note_zh": f"目标与完成均为{county}",
        "note_en": f"targets and actuals of {county}",
    }


def test_township_without_targets_is_told_the_targets_are_the_countys(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    town, county = _name(engine, world.township_a), _name(engine, COUNTY)
    body = client.get(f"{API}/dashboard", params={"year": 2026, "on": ON}, headers=staff).json()
    assert body["targets"]["area_code"] == COUNTY and body["metrics"]["new_jobs"]["target"] == 5100
    assert body["scope"]["own_targets"] is False
    assert (body["scope"]["area_name"], body["scope"]["targets_area_name"]) == (town, county)
    assert body["scope"]["note_zh"] == f"{town}未设本级目标：目标为{county}（全县）的目标，完成数为{town}的"
    # the actuals are the township's: every township row is township A
    assert {t["code"] for t in body["townships"]} <= {world.township_a}
    # once the county sets township A's own targets, A sees them as its own
    admin = login(client, "admin")
    put = client.put(
        f"{API}/targets",
        headers=admin,
        json={"year": 2026, "new_jobs": 300, "fairs": 6, "intentions": 80, "area": world.township_a},
    )
    assert put.status_code == 200, put.text
    own = client.get(f"{API}/dashboard", params={"year": 2026, "on": ON}, headers=staff).json()
    assert own["metrics"]["new_jobs"]["target"] == 300 and own["scope"]["own_targets"] is True
    assert own["scope"]["note_zh"] == f"目标与完成均为{town}"
    # township B still falls back to the county's targets
    other = client.get(f"{API}/dashboard", params={"year": 2026, "on": ON}, headers=login(client, "staff_b"))
    assert other.json()["scope"]["own_targets"] is False and other.json()["metrics"]["fairs"]["target"] == 76
    report = client.get(f"{API}/report.html", params={"year": 2026, "on": ON}, headers=staff)
    assert report.status_code == 200 and f"目标与完成均为{town}" in report.text


def test_a_year_without_targets_says_so(env: Env) -> None:
    client, world, engine = env
    body = client.get(
        f"{API}/dashboard", params={"year": 2031, "on": ON}, headers=login(client, "staff_a")
    ).json()
    town = _name(engine, world.township_a)
    assert body["targets"] is None and body["scope"]["note_zh"] == f"{town}：本年度尚未设定目标"
    assert all(body["metrics"][m]["actual"] == 0 for m in ("new_jobs", "fairs", "intentions"))


def test_next_years_calendar_counts_before_the_year_begins(env: Env) -> None:
    client, _, _ = env
    admin = login(client, "admin")
    venue = client.get(f"{API}/venues", headers=admin).json()["venues"][0]["venue_id"]
    made = client.post(f"{API}/fairs/generate", headers=admin, json={"year": 2027, "venue_id": venue})
    assert made.status_code == 201, made.text
    body = client.get(f"{API}/dashboard", params={"year": 2027, "on": ON}, headers=admin).json()
    fairs = client.get(
        f"{API}/fairs", params={"from": "2027-01-01", "to": "2027-12-31"}, headers=admin
    ).json()
    planned = sum(f["status"] == "planned" for f in fairs["fairs"])
    assert planned > 76 and body["metrics"]["fairs"]["actual"] == 0
    assert body["metrics"]["fairs"]["forecast"] == planned
