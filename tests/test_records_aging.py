"""A person recorded at 65 who has turned 66 keeps an editable record: the age range is checked when a person
enters the database and when the ID number (hence the birth date) changes, not on every edit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.accounts_world import CIPHER, World, login, world_env
from tests.records_world import new_person, person_id, post, rows

Env = tuple[TestClient, World, Engine]

# a record collected two years ago, when its person was 65 (approved like the demo's records)
OLD_RECORD = text(
    """
    INSERT INTO residents (id_hash, id_cipher, name, sex, birth_date, village_code, area_code, status, geom)
    SELECT :id_hash, :id_cipher, '赵老七', 'M', :born, code, code, 'working_away',
           coalesce(seat, ST_PointOnSurface(geom))
    FROM admin_areas WHERE code = :village
    RETURNING resident_id
    """
)


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def test_aged_out_person_can_still_change_status_but_not_enter_again(env: Env) -> None:
    client, world, engine = env
    today = date.today()
    born = date(today.year - 67, 1, 1)
    number = person_id(90, born=born)
    with engine.begin() as conn:
        rid = conn.execute(
            OLD_RECORD,
            {
                "id_hash": CIPHER.keyed_hash(number),
                "id_cipher": CIPHER.encrypt(number),
                "born": born,
                "village": world.village_a1,
            },
        ).scalar_one()
    collector = login(client, "collector_a1")
    url = f"/api/v1/residents/{rid}"
    r = client.patch(url, headers=collector, json={"status": "not_in_labour_force"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["record_status"]) == ("not_in_labour_force", "draft")
    assert client.patch(url, headers=collector, json={"skills": ["种植"]}).status_code == 200
    assert post(client, f"{url}/submit", collector).status_code == 200
    history = client.get(f"{url}/history", headers=collector).json()["changes"]
    assert ("status", "working_away", "not_in_labour_force") in [
        (c["field"], c["old"], c["new"]) for c in history
    ]

    # the ID number (hence the birth date) changing is checked again: an aged-out number is refused
    staff = login(client, "staff_a")
    other = person_id(91, born=born)
    refused = client.patch(url, headers=staff, json={"id_number": other})
    assert (refused.status_code, refused.json()["detail"]) == (
        422,
        f"the ID number gives age 67 (born {born.isoformat()}); the labour-supply database holds people aged "
        "16 to 65 (field id_number)",
    )
    # sending the same number again is no change of birth date
    same = client.patch(url, headers=staff, json={"id_number": number.lower(), "education": "初中"})
    assert same.status_code == 200, same.text
    assert rows(engine, "SELECT status, education FROM residents WHERE resident_id = :r", r=rid)[0] == (
        "not_in_labour_force",
        "初中",
    )
    # and a new record of a 67-year-old is still refused
    new = post(
        client,
        "/api/v1/residents",
        collector,
        new_person(92, world.village_a1, id_number=person_id(92, born=born)),
    )
    assert new.status_code == 422
