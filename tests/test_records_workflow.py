"""Resident records through the API: draft → submitted → township → county, returns, history old → new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts_world import World, login, world_env
from tests.records_world import new_person, person_id, post, rows, scalar

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def test_full_path_with_history(env: Env) -> None:
    client, world, engine = env
    collector, staff, reviewer = (login(client, u) for u in ("collector_a1", "staff_a", "reviewer"))
    created = post(client, "/api/v1/residents", collector, new_person(1, world.village_a1))
    assert created.status_code == 201, created.text
    body = created.json()
    rid = body["resident_id"]
    assert body["record_status"] == "draft" and body["location_source"] == "village_centroid"
    assert body["id_number"] == person_id(1)[:4] + "*" * 10 + person_id(1)[-4:]
    assert body["phone"] == "137****0001" and body["sex"] == "M" and body["birth_year"] == 1990
    stored = rows(
        engine,
        "SELECT name, area_code, record_status, created_by FROM residents WHERE resident_id = :r",
        r=rid,
    )[0]
    assert tuple(stored) == ("王测1", world.village_a1, "draft", world.account_ids["collector_a1"])

    # found a job at home on 1 March 2026, new phone: the change is dated, the phone recorded without values
    change = client.patch(
        f"/api/v1/residents/{rid}",
        headers=collector,
        json={
            "status": "employed_local",
            "work_city": None,
            "employer": "霍邱县鸿雁服饰",
            "phone": "13900001111",
            "effective_date": "2026-03-01",
        },
    )
    assert change.status_code == 200, change.text
    assert change.json()["status"] == "employed_local" and change.json()["phone"] == "139****1111"

    for who, url, to in [
        (collector, f"/api/v1/residents/{rid}/submit", "submitted"),
        (staff, f"/api/v1/residents/{rid}/review", "township_approved"),
        (reviewer, f"/api/v1/residents/{rid}/review", "approved"),
    ]:
        step = post(client, url, who, {"decision": "approve"} if url.endswith("review") else None)
        assert step.status_code == 200, step.text
        assert step.json()["to_status"] == to
    assert scalar(engine, "SELECT record_status FROM residents WHERE resident_id = :r", r=rid) == "approved"

    history = client.get(f"/api/v1/residents/{rid}/history", headers=staff).json()
    changes = [
        (c["field"], c["old"], c["new"], c["sensitive"], c["effective_date"]) for c in history["changes"]
    ]
    assert ("status", "working_away", "employed_local", False, "2026-03-01") in changes
    assert ("work_city", "上海", None, False, "2026-03-01") in changes
    assert ("employer", "", "霍邱县鸿雁服饰", False, "2026-03-01") in changes
    assert ("phone", None, None, True, "2026-03-01") in changes
    assert [c[1:3] for c in changes if c[0] == "record_status"] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "township_approved"),
        ("township_approved", "approved"),
    ]
    ids = world.account_ids
    assert {c["changed_by"] for c in history["changes"]} == {
        ids["collector_a1"],
        ids["staff_a"],
        ids["reviewer"],
    }
    assert [(r["action"], r["level"], r["by"]) for r in history["reviews"]] == [
        ("submit", "village", ids["collector_a1"]),
        ("approve", "township", ids["staff_a"]),
        ("approve", "county", ids["reviewer"]),
    ]
    # the county reviewer's account is outside the township's scope: its id is shown, its username is not
    assert {r["by_username"] for r in history["reviews"]} == {"collector_a1", "staff_a", None}
    # no plain ID number or phone anywhere in the history
    dump = str(rows(engine, "SELECT * FROM record_changes WHERE record_id = :r", r=rid))
    assert "13900001111" not in dump and "13700000001" not in dump and person_id(1) not in dump


def test_return_with_reason_then_resubmit(env: Env) -> None:
    client, world, engine = env
    collector, staff, reviewer = (login(client, u) for u in ("collector_a1", "staff_a", "reviewer"))
    rid = post(client, "/api/v1/residents", collector, new_person(2, world.village_a1)).json()["resident_id"]
    assert post(client, f"/api/v1/residents/{rid}/submit", collector).status_code == 200
    locked = client.patch(f"/api/v1/residents/{rid}", headers=collector, json={"education": "高中"})
    assert locked.status_code == 409
    assert (
        locked.json()["detail"]
        == f"resident {rid} is submitted and waits for review: it cannot be edited now"
    )
    no_reason = post(client, f"/api/v1/residents/{rid}/review", staff, {"decision": "return", "reason": "  "})
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"] == "returning a record needs a reason (退回原因) (field reason)"
    early = post(client, f"/api/v1/residents/{rid}/review", reviewer, {"decision": "approve"})
    assert early.status_code == 403
    assert early.json()["detail"] == f"resident {rid} waits for township review; you are county_reviewer"
    returned = post(
        client, f"/api/v1/residents/{rid}/review", staff, {"decision": "return", "reason": "缺少手机号核实"}
    )
    assert returned.json()["to_status"] == "returned"
    queue = client.get("/api/v1/review/queue", headers=collector).json()["items"]
    assert {
        "kind": "residents",
        "record_id": rid,
        "status": "returned",
        "returned_reason": "缺少手机号核实",
    }.items() <= next(i for i in queue if i["record_id"] == rid).items()
    fixed = client.patch(f"/api/v1/residents/{rid}", headers=collector, json={"phone": "13911112222"})
    assert fixed.json()["record_status"] == "draft"
    assert post(client, f"/api/v1/residents/{rid}/submit", collector).json()["to_status"] == "submitted"
    assert any(
        i["record_id"] == rid for i in client.get("/api/v1/review/queue", headers=staff).json()["items"]
    )
    assert post(client, f"/api/v1/residents/{rid}/review", staff, {"decision": "approve"}).status_code == 200
    county_queue = client.get("/api/v1/review/queue", headers=reviewer).json()["items"]
    assert [i["record_id"] for i in county_queue if i["kind"] == "residents"] == [rid]
    back = post(
        client, f"/api/v1/residents/{rid}/review", reviewer, {"decision": "return", "reason": "村组信息不全"}
    )
    assert back.json()["from_status"] == "township_approved" and back.json()["to_status"] == "returned"
    again = post(client, f"/api/v1/residents/{rid}/review", reviewer, {"decision": "approve"})
    assert again.status_code == 409
    assert again.json()["detail"] == f"resident {rid} is returned: there is nothing to review"
    reasons = rows(
        engine,
        "SELECT level, reason FROM review_events WHERE record_id = :r AND action = 'return' "
        "ORDER BY event_id",
        r=rid,
    )
    assert [tuple(r) for r in reasons] == [("township", "缺少手机号核实"), ("county", "村组信息不全")]


def test_edit_of_an_approved_demo_record_is_a_dated_draft(env: Env) -> None:
    client, world, engine = env
    collector = login(client, "collector_a1")
    rid = world.other_resident_a1
    before = scalar(engine, "SELECT status FROM residents WHERE resident_id = :r", r=rid)
    new_status = "seeking" if before != "seeking" else "farming"
    r = client.patch(
        f"/api/v1/residents/{rid}",
        headers=collector,
        json={"status": new_status, "effective_date": "2026-02-10"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["record_status"] == "draft" and r.json()["status"] == new_status
    history = rows(
        engine,
        "SELECT field, old_value, new_value, effective_date::text FROM record_changes "
        "WHERE record_id = :r AND table_name = 'residents' ORDER BY change_id",
        r=rid,
    )
    assert [tuple(h) for h in history] == [
        ("status", before, new_status, "2026-02-10"),
        ("record_status", "approved", "draft", "2026-02-10"),
    ]
    unchanged = client.patch(f"/api/v1/residents/{rid}", headers=collector, json={"status": new_status})
    assert unchanged.status_code == 200
    assert scalar(engine, "SELECT count(*) FROM record_changes WHERE record_id = :r", r=rid) == 2
