"""Every bad resident record is refused with a message saying what and where; nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from geo.core.crs import converter
from registry.personal import mask_id, mask_name
from tests.accounts_world import CIPHER, World, login, world_env
from tests.records_world import new_person, person_id, post, rows, scalar

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def _refused(
    client: TestClient, headers: dict[str, str], body: dict[str, object], status: int, message: str
) -> None:
    r = post(client, "/api/v1/residents", headers, body)
    assert r.status_code == status, r.text
    assert r.json()["detail"] == message


def test_bad_records_are_refused_with_exact_messages(env: Env) -> None:
    client, world, engine = env
    headers = login(client, "collector_a1")
    count = scalar(engine, "SELECT count(*) FROM residents")
    today = date.today()
    good = person_id(3)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    _refused(
        client,
        headers,
        new_person(3, world.village_a1, id_number=wrong),
        422,
        f"ID number check digit is {wrong[17]} but the first 17 digits give {good[17]}: the number is mistyped "
        "(field id_number)",
    )
    for age in (15, 66):
        born = date(today.year - age, 1, 1)
        _refused(
            client,
            headers,
            new_person(4, world.village_a1, id_number=person_id(4, born=born)),
            422,
            f"the ID number gives age {age} (born {born.isoformat()}); the labour-supply database holds "
            "people aged 16 to 65 (field id_number)",
        )
    _refused(
        client,
        headers,
        new_person(5, world.village_a1, id_number="34152219900315"),
        422,
        "an ID number (身份证号) has 18 characters, this one has 14: check for missing digits (field id_number)",
    )
    _refused(
        client,
        headers,
        new_person(6, world.village_a1, phone="1234567"),
        422,
        "a mobile number (手机号) has 11 digits starting with 13-19; check the number (field phone)",
    )
    _refused(
        client,
        headers,
        new_person(7, "341522999999"),
        422,
        "341522999999 is not a known 村/社区 village code (field village_code)",
    )
    _refused(
        client,
        headers,
        new_person(7, world.township_a),
        422,
        f"{world.township_a} is not a known 村/社区 village code (field village_code)",
    )
    a2_name = scalar(engine, "SELECT name FROM admin_areas WHERE code = :c", c=world.village_a2)
    _refused(
        client,
        headers,
        new_person(8, world.village_a2),
        403,
        f"village {world.village_a2} ({a2_name}) is outside your area {world.village_a1}: you may only "
        "record inside it",
    )
    a1_name = scalar(engine, "SELECT name FROM admin_areas WHERE code = :c", c=world.village_a1)
    lon, lat = rows(
        engine, "SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c", c=world.village_b1
    )[0]
    _refused(
        client,
        headers,
        new_person(9, world.village_a1, lon=lon, lat=lat),
        422,
        f"the location ({lon:.6f}, {lat:.6f}) is outside {world.village_a1} ({a1_name}): check the point or "
        "the area code (field lon)",
    )
    _refused(
        client,
        headers,
        new_person(9, world.village_a1, lon=lon),
        422,
        "give both lon and lat, or neither (the village centre is used) (field lon)",
    )
    _refused(
        client,
        headers,
        new_person(10, world.village_a1, occupation_code="9-99-99-99"),
        422,
        "9-99-99-99 is not an occupation code of the 2022 classification (e.g. 6-18-01-01) (field occupation_code)",
    )

    # duplicates by the keyed hash: in the caller's area the existing record is named (masked) ...
    existing = rows(
        engine,
        "SELECT resident_id, name, village_code, id_cipher FROM residents WHERE resident_id = :r",
        r=world.other_resident_a1,
    )[0]
    same = CIPHER.decrypt(bytes(existing.id_cipher))
    _refused(
        client,
        headers,
        new_person(11, world.village_a1, id_number=same.lower()),
        409,
        f"this person is already registered: resident {existing.resident_id} ({mask_name(existing.name)}, "
        f"{mask_id(same)}, village {existing.village_code})",
    )
    # ... outside it the record stays hidden, only the fact is told
    other = CIPHER.decrypt(
        bytes(scalar(engine, "SELECT id_cipher FROM residents WHERE resident_id = :r", r=world.resident_b1))
    )
    _refused(
        client,
        headers,
        new_person(12, world.village_a1, id_number=other),
        409,
        f"this person ({mask_id(other)}) is already registered in another area: ask the township or county",
    )
    assert scalar(engine, "SELECT count(*) FROM residents") == count
    assert scalar(engine, "SELECT count(*) FROM record_changes") == 0


def test_ages_16_and_65_and_a_gcj02_phone_point_are_accepted(env: Env) -> None:
    client, world, engine = env
    headers = login(client, "collector_a1")
    today = date.today()
    for n, age in ((20, 16), (21, 65)):
        born = date(today.year - age, 1, 1)
        r = post(
            client,
            "/api/v1/residents",
            headers,
            new_person(n, world.village_a1, id_number=person_id(n, born=born)),
        )
        assert r.status_code == 201, r.text
    seat = rows(engine, "SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c", c=world.village_a1)[
        0
    ]
    gx, gy = converter("wgs84", "gcj02")(seat[0], seat[1])
    gps = post(
        client,
        "/api/v1/residents",
        headers,
        new_person(22, world.village_a1, lon=float(gx), lat=float(gy), datum="gcj02"),
    )
    assert gps.status_code == 201, gps.text
    body = gps.json()
    assert body["location_source"] == "gps"
    assert abs(body["lon"] - seat[0]) < 1e-5 and abs(body["lat"] - seat[1]) < 1e-5
    # the GCJ-02 offset is hundreds of metres: unconverted the point would be another place
    assert abs(float(gx) - seat[0]) > 1e-3


def test_roles_that_may_not_collect(env: Env) -> None:
    client, world, _ = env
    for who in ("reviewer", "hr_1", "seeker"):
        role = {"reviewer": "county_reviewer", "hr_1": "enterprise_hr", "seeker": "job_seeker"}[who]
        _refused(
            client,
            login(client, who),
            new_person(30, world.village_a1),
            403,
            f"a {role} may not create or edit residents; that is for county_admin, township_staff, "
            "village_collector",
        )
