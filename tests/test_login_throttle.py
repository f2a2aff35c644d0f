"""Logins: no stranger can lock an account; guesses are slowed down by address; refusals all look alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from geo.core.db import create_db_engine
from registry.accounts.auth import AuthenticationFailed, log_in
from tests.accounts_world import CIPHER, PASSWORD, World, from_address, world_env

Env = tuple[TestClient, World, Engine]
LOGIN = "/api/v1/auth/login"
STRANGER = "203.0.113.9"
OWNER = "198.51.100.20"
WRONG = "用户名/手机号或密码错误（wrong username/phone or password）"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _reasons(engine: Engine, source: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT reason FROM login_events WHERE source_addr = :s ORDER BY event_id"), {"s": source}
        )
        return list(rows.scalars())


def _shift(engine: Engine, seconds: int) -> None:
    """Let time pass for the throttle: every recorded attempt moves into the past."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE login_events SET at = at - make_interval(secs => :s)"), {"s": seconds})


def test_a_strangers_wrong_logins_leave_the_owner_able_to_log_in(env: Env) -> None:
    client, world, engine = env
    stranger = from_address(client, STRANGER)
    for n in range(10):
        who = "staff_b" if n % 2 else world.phones["staff_b"]
        answer = stranger.post(LOGIN, json={"login": who, "password": f"guess-{n:04d}-x"})
        assert answer.status_code in (401, 429)
    owner = from_address(client, OWNER).post(LOGIN, json={"login": "staff_b", "password": PASSWORD})
    assert owner.status_code == 200, owner.text
    by_phone = from_address(client, OWNER).post(
        LOGIN, json={"login": world.phones["staff_b"], "password": PASSWORD}
    )
    assert by_phone.status_code == 200, by_phone.text
    with engine.connect() as conn:
        lock = conn.execute(
            text("SELECT failed_logins, locked_until FROM accounts WHERE username = 'staff_b'")
        ).one()
    assert tuple(lock) == (0, None)


def test_the_sixth_wrong_attempt_from_an_address_is_throttled_not_the_owner(env: Env) -> None:
    client, _, engine = env
    stranger = from_address(client, STRANGER)
    for _ in range(5):
        refused = stranger.post(LOGIN, json={"login": "staff_a", "password": "not-the-password"})
        assert refused.status_code == 401 and refused.json()["detail"] == WRONG
    throttled = stranger.post(LOGIN, json={"login": "staff_a", "password": PASSWORD})  # even the right one
    assert throttled.status_code == 429, throttled.text
    wait = int(throttled.headers["retry-after"])
    assert 1 <= wait <= 15
    assert (
        throttled.json()["detail"]
        == f"尝试次数过多，请 {wait} 秒后再试（too many attempts: try again in {wait} seconds）"
    )
    assert (
        from_address(client, OWNER).post(LOGIN, json={"login": "staff_a", "password": PASSWORD}).status_code
        == 200
    )
    assert _reasons(engine, STRANGER) == ["wrong password"] * 5 + ["throttled"]

    _shift(engine, 16)  # the first wait is over; the next failure waits twice as long
    assert stranger.post(LOGIN, json={"login": "staff_a", "password": "still-wrong-1"}).status_code == 401
    again = stranger.post(LOGIN, json={"login": "staff_a", "password": PASSWORD})
    assert again.status_code == 429 and 15 < int(again.headers["retry-after"]) <= 30

    _shift(engine, 31)
    assert stranger.post(LOGIN, json={"login": "staff_a", "password": PASSWORD}).status_code == 200
    # a success clears the pair's count: the next typo is answered, not throttled
    assert stranger.post(LOGIN, json={"login": "staff_a", "password": "one-typo-x"}).status_code == 401


def test_an_address_guessing_many_logins_is_throttled_others_are_not(env: Env) -> None:
    client, _, engine = env
    stranger = from_address(client, STRANGER)
    for n in range(20):
        answer = stranger.post(LOGIN, json={"login": f"user{n:02d}", "password": "Password123!"})
        assert answer.status_code == 401
    throttled = stranger.post(LOGIN, json={"login": "reviewer", "password": PASSWORD})
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    assert (
        from_address(client, OWNER).post(LOGIN, json={"login": "reviewer", "password": PASSWORD}).status_code
        == 200
    )
    _shift(engine, 15 * 60 + 1)  # the window has passed
    assert stranger.post(LOGIN, json={"login": "reviewer", "password": PASSWORD}).status_code == 200


def _disable_staff_b_and_lock_hr_2(engine: Engine) -> None:
    """As an administrator would: staff_b disabled, hr_2 locked for an hour."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE accounts SET active = false WHERE username = 'staff_b'"))
        conn.execute(
            text("UPDATE accounts SET locked_until = now() + interval '1 hour' WHERE username = 'hr_2'")
        )


def test_unknown_wrong_disabled_and_locked_get_the_same_answer(env: Env) -> None:
    client, _, engine = env
    _disable_staff_b_and_lock_hr_2(engine)
    attempts = [
        ("nobody", PASSWORD),
        ("13900000999", PASSWORD),
        ("staff_a", "not-the-password"),
        ("staff_b", PASSWORD),  # disabled, right password
        ("staff_b", "not-the-password"),
        ("hr_2", PASSWORD),  # locked by an administrator, right password
    ]
    answers = []
    for n, (who, password) in enumerate(attempts):
        response = from_address(client, f"192.0.2.{n + 1}").post(
            LOGIN, json={"login": who, "password": password}
        )
        answers.append((response.status_code, response.json(), response.headers["www-authenticate"]))
    assert answers == [(401, {"detail": WRONG, "error": "AuthenticationFailed"}, "Bearer")] * len(attempts)
    with engine.connect() as conn:
        reasons = conn.execute(text("SELECT reason FROM login_events ORDER BY event_id")).scalars().all()
    assert reasons == ["unknown login", "unknown login", "wrong password", "disabled", "disabled", "locked"]


class CountingHasher(PasswordHasher):
    """A cheap hasher that counts the verifications it does."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8192, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


def test_every_refused_login_does_one_password_verification(env: Env) -> None:
    client, _, engine = env
    _disable_staff_b_and_lock_hr_2(engine)
    app_engine = client.app.state.app_engine  # type: ignore[attr-defined]
    for n, (who, password) in enumerate(
        [("nobody", PASSWORD), ("staff_a", "wrong-password"), ("staff_b", PASSWORD), ("hr_2", PASSWORD)]
    ):
        hasher = CountingHasher()
        with pytest.raises(AuthenticationFailed) as refused:
            log_in(app_engine, who, password, cipher=CIPHER, source=f"192.0.2.{n + 1}", hasher=hasher)
        assert (who, hasher.verified, refused.value.message) == (who, 1, WRONG)


def test_behind_a_trusted_proxy_each_client_is_throttled_by_its_own_address(
    demo_db_url: str, tmp_path: Path
) -> None:
    """Through a proxy on this machine (HONGYAN_FORWARDED_ALLOW_IPS, default 127.0.0.1), the throttle keys on the
    address the proxy names in X-Forwarded-For, so one user's guesses do not slow everyone behind the proxy."""
    import httpx

    from tests.accounts_world import app_settings, build_world
    from tests.live_server import serve_site

    engine = create_db_engine(demo_db_url, pool_size=1)
    build_world(engine)
    try:
        with serve_site(app_settings(demo_db_url, tmp_path)) as base, httpx.Client(base_url=base) as http:
            for _ in range(6):
                http.post(
                    LOGIN,
                    json={"login": "admin", "password": "wrong password!"},
                    headers={"X-Forwarded-For": STRANGER},
                )
            throttled = http.post(
                LOGIN, json={"login": "admin", "password": PASSWORD}, headers={"X-Forwarded-For": STRANGER}
            )
            assert throttled.status_code == 429 and throttled.headers["Retry-After"]
            owner = http.post(
                LOGIN, json={"login": "admin", "password": PASSWORD}, headers={"X-Forwarded-For": OWNER}
            )
            assert owner.status_code == 200, owner.text
        assert _reasons(engine, STRANGER)[-1] == "throttled" and _reasons(engine, OWNER) == ["ok"]
    finally:
        engine.dispose()
