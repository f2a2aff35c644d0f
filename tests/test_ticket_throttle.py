"""一窗受理 status check: four digits cannot be guessed; the number locks, the address slows, staff go on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url, create_db_engine
from tests.accounts_world import World, app_settings, from_address, login, world_env

Env = tuple[TestClient, World, Engine]
STATUS = "/api/v1/service/tickets/status"
ATTACKER = "203.0.113.77"
APPLICANT = "198.51.100.31"
NOT_FOUND = "no ticket with this number and phone: check the number and the last 4 digits of the phone"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _ticket(client: TestClient, world: World, phone: str = "13712345678") -> str:
    form = {
        "category": "job_referral",
        "name": "李四",
        "phone": phone,
        "area_code": world.village_a1,
        "description": "会电焊，想在家门口找工作",
    }
    response = client.post("/api/v1/service/tickets", json=form)
    assert response.status_code == 201, response.text
    return str(response.json()["ticket_no"])


def _locked(minutes: int) -> dict[str, Any]:
    return {
        "detail": f"该办件查询输错次数过多，已暂停网上查询，请 {minutes} 分钟后再试，或到办事窗口查询（too many "
        f"wrong tries for this ticket number: try again in {minutes} minutes, or ask at the service window）",
        "error": "TooManyAttempts",
    }


def _shift(engine: Engine, seconds: int) -> None:
    """Let time pass for the lock: every recorded check moves into the past."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE ticket_checks SET at = at - make_interval(secs => :s)"), {"s": seconds})


def test_brute_force_over_the_four_digits_is_stopped_after_five_tries(env: Env) -> None:
    client, world, engine = env
    number = _ticket(client, world)
    attacker = from_address(client, ATTACKER)
    tries: list[int] = []
    for code in range(10_000):
        answer = attacker.post(STATUS, json={"ticket_no": number, "phone_last4": f"{code:04d}"})
        tries.append(answer.status_code)
        if answer.status_code != 404:
            break
    assert tries == [404] * 5 + [429]
    assert answer.json() == _locked(15) and 885 < int(answer.headers["retry-after"]) <= 900
    right = attacker.post(STATUS, json={"ticket_no": number, "phone_last4": "5678"})
    assert right.status_code == 429 and right.json() == _locked(15)
    # the lock is on the number, not on one address: the right digits from elsewhere wait too
    elsewhere = from_address(client, APPLICANT).post(
        STATUS, json={"ticket_no": number, "phone_last4": "5678"}
    )
    assert elsewhere.status_code == 429 and elsewhere.json() == _locked(15)
    # the window is not locked: staff see and handle the ticket
    staff = login(client, "staff_a")
    queue = client.get("/api/v1/tickets", headers=staff).json()["tickets"]
    assert number in {t["ticket_no"] for t in queue}
    step = client.post(f"/api/v1/tickets/{number}/status", headers=staff, json={"to": "accepted"})
    assert step.status_code == 200, step.text
    with engine.connect() as conn:
        outcomes = conn.execute(text("SELECT outcome FROM ticket_checks ORDER BY check_id")).scalars().all()
    assert outcomes == ["wrong"] * 5 + ["throttled"] * 3


def test_the_lock_grows_and_ends_and_an_unknown_number_answers_alike(env: Env) -> None:
    client, world, engine = env
    number = _ticket(client, world)
    unknown = "YC2026010100000000"
    attacker = from_address(client, ATTACKER)
    for guess in range(5):
        for no in (number, unknown):
            answer = attacker.post(STATUS, json={"ticket_no": no, "phone_last4": f"{guess:04d}"})
            assert (answer.status_code, answer.json()["detail"]) == (404, NOT_FOUND)
    locked = [
        attacker.post(STATUS, json={"ticket_no": no, "phone_last4": "5678"}) for no in (number, unknown)
    ]
    assert [(r.status_code, r.json()) for r in locked] == [(429, _locked(15))] * 2

    _shift(engine, 15 * 60 + 1)  # the first lock is over; one more wrong try locks for twice as long
    assert attacker.post(STATUS, json={"ticket_no": number, "phone_last4": "0042"}).status_code == 404
    longer = attacker.post(STATUS, json={"ticket_no": number, "phone_last4": "5678"})
    assert longer.status_code == 429 and longer.json() == _locked(30)

    _shift(engine, 30 * 60 + 1)
    ok = from_address(client, APPLICANT).post(STATUS, json={"ticket_no": number, "phone_last4": "5678"})
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    # the right digits clear the count: one typo afterwards is answered, not locked
    typo = from_address(client, APPLICANT).post(STATUS, json={"ticket_no": number, "phone_last4": "5677"})
    assert typo.status_code == 404


def test_one_address_walking_through_numbers_is_slowed_down(env: Env) -> None:
    client, world, _ = env
    mine = _ticket(client, world, phone="13987654321")
    attacker = from_address(client, ATTACKER)
    for n in range(10):
        answer = attacker.post(STATUS, json={"ticket_no": f"YC20261201{n:08d}", "phone_last4": "1234"})
        assert answer.status_code == 404
    slowed = attacker.post(STATUS, json={"ticket_no": "YC2026120199999999", "phone_last4": "1234"})
    assert slowed.status_code == 429 and 1 <= int(slowed.headers["retry-after"]) <= 15
    assert slowed.json()["detail"].startswith("尝试次数过多，请 ")
    applicant = from_address(client, APPLICANT).post(STATUS, json={"ticket_no": mine, "phone_last4": "4321"})
    assert applicant.status_code == 200, applicant.text


def test_the_app_role_records_checks_but_cannot_read_them(db_url: str, tmp_path: Path) -> None:
    app_engine = create_db_engine(app_database_url(app_settings(db_url, tmp_path)), pool_size=1)
    key = {"h": b"\x01" * 32, "s": "192.0.2.1"}
    try:
        with app_engine.begin() as conn:
            insert = "INSERT INTO ticket_checks (ticket_hash, source_addr, outcome) VALUES (:h, :s, 'wrong')"
            conn.execute(text(insert), key)
            counts = conn.execute(text("SELECT * FROM ticket_check_failures(:h, :s, 60, 60)"), key).one()
            assert (counts.ticket_failures, counts.source_failures) == (1, 1)
        with pytest.raises(ProgrammingError, match="permission denied"), app_engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM ticket_checks"))
    finally:
        app_engine.dispose()
