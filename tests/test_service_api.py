"""一窗受理: one form → a routed ticket; status by number + last 4 of the phone; staff queue and steps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.accounts_world import CIPHER, World, login, world_env

Env = tuple[TestClient, World, Engine]
PHONE = "13712345678"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _form(area: str, **over: str) -> dict[str, Any]:
    return {
        "category": "job_referral",
        "name": "李四",
        "phone": PHONE,
        "area_code": area,
        "description": "会电焊，想在家门口找工作",
    } | over


def test_intake_routes_by_category_and_township(env: Env) -> None:
    client, world, engine = env
    categories = client.get("/api/v1/service/categories").json()["categories"]
    assert {c["category"] for c in categories} >= {"job_referral", "startup_loan", "wage_arrears"}
    local = client.post("/api/v1/service/tickets", json=_form(world.village_a1))
    assert local.status_code == 201, local.text
    body = local.json()
    assert body["unit"] == "labour_station" and body["area_code"] == world.township_a
    assert body["ticket_no"].startswith("YC") and len(body["ticket_no"]) == 18
    county = client.post(
        "/api/v1/service/tickets", json=_form(world.village_a1, category="startup_loan")
    ).json()
    assert county["unit"] == "startup_loan_center" and county["area_code"] == "341522000000"
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT phone_cipher, phone_hash, applicant_area, status FROM tickets WHERE ticket_no = :n"),
            {"n": body["ticket_no"]},
        ).one()
        raw = conn.execute(
            text("SELECT count(*) FROM tickets WHERE position(:p in description || applicant_name) > 0"),
            {"p": PHONE},
        ).scalar_one()
    assert PHONE.encode() not in bytes(row.phone_cipher) and CIPHER.decrypt(bytes(row.phone_cipher)) == PHONE
    assert bytes(row.phone_hash) == CIPHER.keyed_hash(PHONE) and raw == 0
    assert row.applicant_area == world.village_a1 and row.status == "submitted"


def test_status_check_without_login(env: Env) -> None:
    client, world, _ = env
    number = client.post("/api/v1/service/tickets", json=_form(world.village_a1)).json()["ticket_no"]
    ok = client.post(
        "/api/v1/service/tickets/status", json={"ticket_no": number.lower(), "phone_last4": "5678"}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "submitted" and ok.json()["status_name"] == "已提交"
    assert [e["to"] for e in ok.json()["events"]] == ["submitted"]
    assert "phone" not in ok.json() and "applicant_name" not in ok.json()
    message = "no ticket with this number and phone: check the number and the last 4 digits of the phone"
    for wrong in (
        {"ticket_no": number, "phone_last4": "5679"},
        {"ticket_no": "YC2026010100000000", "phone_last4": "5678"},
    ):
        refused = client.post("/api/v1/service/tickets/status", json=wrong)
        assert refused.status_code == 404 and refused.json()["detail"] == message
    short = client.post("/api/v1/service/tickets/status", json={"ticket_no": number, "phone_last4": "56a8"})
    assert short.status_code == 422
    assert short.json()["detail"] == "give the last 4 digits of the phone number (field phone_last4)"


def test_bad_intake_is_refused(env: Env) -> None:
    client, world, _ = env
    cases = [
        (_form(world.village_a1, category=""), "choose a category (事项类别) (field category)"),
        (_form(world.village_a1, category="ufo"), "unknown category 'ufo' (field category)"),
        (
            _form(world.village_a1, phone="12345"),
            "a mobile number (手机号) has 11 digits starting with 13-19; check the number (field phone)",
        ),
        (_form(world.village_a1, name=""), "give your name (姓名), at most 40 characters (field name)"),
        (
            _form("341522000000"),
            "choose your township or village; '341522000000' is not one (field area_code)",
        ),
        (
            _form(world.village_a1, description="  "),
            "describe the matter (事项说明) in 1 to 1000 characters (field description)",
        ),
    ]
    for form, message in cases:
        response = client.post("/api/v1/service/tickets", json=form)
        assert response.status_code == 422, form
        assert response.json()["detail"] == message
    missing = {k: v for k, v in _form(world.village_a1).items() if k != "category"}
    assert (
        client.post("/api/v1/service/tickets", json=missing).json()["detail"]
        == "choose a category (事项类别) (field category)"
    )


def test_staff_queue_and_steps(env: Env) -> None:
    client, world, _ = env
    number = client.post("/api/v1/service/tickets", json=_form(world.village_a1)).json()["ticket_no"]
    staff_a, staff_b = login(client, "staff_a"), login(client, "staff_b")
    queue = client.get(
        "/api/v1/tickets", headers=staff_a, params={"unit": "labour_station", "status": "submitted"}
    ).json()
    mine = next(t for t in queue["tickets"] if t["ticket_no"] == number)
    assert mine["phone"] == "137****5678" and mine["applicant_name"] == "李四"
    assert all(t["area_code"].startswith(world.township_a[:9]) for t in queue["tickets"])
    assert number not in {
        t["ticket_no"] for t in client.get("/api/v1/tickets", headers=staff_b).json()["tickets"]
    }
    stolen = client.post(f"/api/v1/tickets/{number}/status", headers=staff_b, json={"to": "accepted"})
    assert (
        stolen.status_code == 404
        and stolen.json()["detail"] == f"ticket {number} does not exist or is outside your area"
    )
    skip = client.post(f"/api/v1/tickets/{number}/status", headers=staff_a, json={"to": "resolved"})
    assert skip.status_code == 409
    assert skip.json()["detail"] == (
        f"ticket {number} is submitted: the next step is accepted or returned, not resolved "
        "(submitted → accepted → processing → resolved (returned from submitted or accepted))"
    )
    for to in ("accepted", "processing", "resolved"):
        step = client.post(
            f"/api/v1/tickets/{number}/status", headers=staff_a, json={"to": to, "note": "已办理"}
        )
        assert step.status_code == 200, step.text
    seen = client.post(
        "/api/v1/service/tickets/status", json={"ticket_no": number, "phone_last4": "5678"}
    ).json()
    assert seen["status"] == "resolved"
    assert [(e["from"], e["to"], e["by_staff"]) for e in seen["events"]] == [
        (None, "submitted", False),
        ("submitted", "accepted", True),
        ("accepted", "processing", True),
        ("processing", "resolved", True),
    ]
    collector = client.get("/api/v1/tickets", headers=login(client, "collector_a1")).json()["tickets"]
    assert number not in {t["ticket_no"] for t in collector}
    county = client.post(
        "/api/v1/service/tickets", json=_form(world.village_a1, category="wage_arrears")
    ).json()
    assert county["ticket_no"] not in {
        t["ticket_no"] for t in client.get("/api/v1/tickets", headers=staff_a).json()["tickets"]
    }
    admin_queue = client.get(
        "/api/v1/tickets", headers=login(client, "admin"), params={"unit": "labour_inspection"}
    ).json()
    assert county["ticket_no"] in {t["ticket_no"] for t in admin_queue["tickets"]}
