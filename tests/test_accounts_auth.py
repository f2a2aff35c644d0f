"""Accounts: login, throttling, expiring tokens, logout, login records, account creation, no personal data in clear."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

from api.cli.main import app as cli
from geo.core.db import app_database_url
from geo.core.errors import PermissionDenied
from geo.core.scope import assert_unprivileged
from tests.accounts_world import (
    COUNTY,
    PASSWORD,
    World,
    app_settings,
    id_number,
    login,
    phone,
    world_env,
)

WRONG = "用户名/手机号或密码错误（wrong username/phone or password）"

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


LOGIN = "/api/v1/auth/login"


def _events(engine: Engine) -> list[tuple[int | None, bool, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT account_id, success, reason, source_addr FROM login_events ORDER BY event_id")
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_login_by_username_and_by_phone_gives_an_expiring_token(env: Env) -> None:
    client, world, _ = env
    for who in ("staff_a", world.phones["staff_a"]):
        response = client.post(LOGIN, json={"login": who, "password": PASSWORD})
        assert response.status_code == 200, response.text
        body = response.json()
        expires = datetime.fromisoformat(body["expires_at"])
        assert timedelta(hours=7) < expires - datetime.now(UTC) <= timedelta(hours=8)
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
        assert me.status_code == 200
        assert me.json()["username"] == "staff_a" and me.json()["area_code"] == world.township_a


def test_wrong_password_is_401(env: Env) -> None:
    client, _, _ = env
    response = client.post(LOGIN, json={"login": "staff_a", "password": "not-the-password"})
    assert response.status_code == 401
    assert response.json()["detail"] == WRONG
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_login_is_401_with_the_same_message(env: Env) -> None:
    client, _, engine = env
    response = client.post(LOGIN, json={"login": "nobody", "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["detail"] == WRONG
    assert _events(engine) == [(None, False, "unknown login", "testclient")]


def test_expired_token_is_401(env: Env) -> None:
    client, _, engine = env
    headers = login(client, "collector_a1")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    with engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET expires_at = now() - interval '1 minute'"))
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert "the login expired at" in response.json()["detail"]
    assert client.get("/api/v1/residents", headers=headers).status_code == 401


def test_logout_revokes_the_token(env: Env) -> None:
    client, _, _ = env
    headers = login(client, "reviewer")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 200
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert "logged out" in response.json()["detail"]


def test_missing_or_forged_token_is_401(env: Env) -> None:
    client, _, _ = env
    assert "not logged in" in client.get("/api/v1/auth/me").json()["detail"]
    forged = client.get("/api/v1/residents", headers={"Authorization": "Bearer forged-token"})
    assert forged.status_code == 401
    assert "the token is unknown" in forged.json()["detail"]


def test_every_login_is_recorded_with_time_and_source(env: Env) -> None:
    client, world, engine = env
    login(client, "hr_1")
    client.post(LOGIN, json={"login": "hr_1", "password": "bad-password-x"})
    login(client, world.phones["seeker"])
    events = _events(engine)
    ids = world.account_ids
    assert events == [
        (ids["hr_1"], True, "ok", "testclient"),
        (ids["hr_1"], False, "wrong password", "testclient"),
        (ids["seeker"], True, "ok", "testclient"),
    ]
    with engine.connect() as conn:
        ages = conn.execute(text("SELECT max(now() - at) < interval '1 minute' FROM login_events")).scalar()
    assert ages is True


def test_no_id_number_or_phone_in_clear_in_any_table_or_the_log(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    client, world, engine = env
    caplog.set_level(logging.DEBUG)
    admin = login(client, "admin")
    client.post(LOGIN, json={"login": world.phones["staff_a"], "password": "bad-password-x"})
    login(client, world.phones["staff_a"])
    new = {
        "username": "newclerk",
        "name": "王新",
        "phone": phone(77),
        "id_number": id_number(77),
        "role": "township_staff",
        "area": world.township_b,
        "password": PASSWORD,
    }
    assert client.post("/api/v1/accounts", json=new, headers=admin).status_code == 201
    secrets = [*world.phones.values(), *world.ids.values(), phone(77), id_number(77)]
    with engine.connect() as conn:
        tables = (
            conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
            .scalars()
            .all()
        )
        assert {"accounts", "sessions", "login_events", "audit_log", "residents"} <= set(tables)
        for table in tables:
            for secret in secrets:
                hits = conn.execute(
                    text(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE :s'), {"s": f"%{secret}%"}
                ).scalar()
                assert hits == 0, (table, secret)
    assert "login ok" in caplog.text  # the log was captured
    for secret in secrets:
        assert secret not in caplog.text


def test_admin_creates_an_account_that_can_log_in(env: Env) -> None:
    client, world, engine = env
    admin = login(client, "admin")
    new = {
        "username": "clerk_b",
        "name": "李四",
        "phone": phone(50),
        "id_number": id_number(50),
        "role": "village_collector",
        "area": world.village_b1,
        "password": "a-new-pass-9",
    }
    response = client.post("/api/v1/accounts", json=new, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["area_code"] == world.village_b1
    assert client.post(LOGIN, json={"login": phone(50), "password": "a-new-pass-9"}).status_code == 200
    with engine.connect() as conn:
        action = conn.execute(
            text("SELECT action FROM audit_log WHERE account_id = :a"), {"a": world.account_ids["admin"]}
        )
        assert action.scalar() == "account.create"
        stored = conn.execute(text("SELECT password_hash FROM accounts WHERE username = 'clerk_b'")).scalar()
    assert str(stored).startswith("$argon2id$")


def _create(env: Env, **changes: object) -> tuple[int, str]:
    client, world, _ = env
    body = {
        "username": "clerk_x",
        "name": "李四",
        "phone": phone(60),
        "id_number": id_number(60),
        "role": "township_staff",
        "area": world.township_b,
        "password": "a-new-pass-9",
    } | changes
    response = client.post("/api/v1/accounts", json=body, headers=login(client, "admin"))
    return response.status_code, response.json()["detail"]


def test_create_account_rejects_a_bad_phone(env: Env) -> None:
    assert _create(env, phone="12345678901") == (
        422,
        "a mobile number (手机号) has 11 digits starting with 13-19; check the number (field phone)",
    )


def test_create_account_rejects_a_mistyped_id_number(env: Env) -> None:
    good = id_number(60)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    status, detail = _create(env, id_number=bad)
    assert status == 422 and "check digit" in detail and "(field id_number)" in detail


def test_create_account_rejects_an_area_of_the_wrong_level(env: Env) -> None:
    _, world, _ = env
    assert _create(env, area=world.village_a1) == (
        422,
        f"a township_staff account belongs to a township, but {world.village_a1} is a village (field area)",
    )


def test_create_account_rejects_an_unknown_role(env: Env) -> None:
    status, detail = _create(env, role="mayor")
    assert status == 422 and detail.startswith("unknown role 'mayor'")


def test_create_account_rejects_a_short_password(env: Env) -> None:
    assert _create(env, password="short") == (422, "a password needs at least 10 characters (field password)")


def test_create_account_rejects_a_taken_phone(env: Env) -> None:
    _, world, _ = env
    assert _create(env, phone=world.phones["staff_a"]) == (
        409,
        "an account with this phone number already exists",
    )


def test_create_account_rejects_a_job_seeker_with_someone_elses_id(env: Env) -> None:
    _, world, _ = env
    status, detail = _create(env, role="job_seeker", area=None, resident_id=world.other_resident_a1)
    assert status == 422
    assert detail.startswith(f"the ID number does not belong to resident {world.other_resident_a1}")


def test_only_the_county_administrator_creates_accounts(env: Env) -> None:
    client, world, _ = env
    body = {
        "username": "sneaky",
        "name": "某",
        "phone": phone(61),
        "id_number": id_number(61),
        "role": "county_admin",
        "area": COUNTY,
        "password": "a-new-pass-9",
    }
    for who in ("staff_a", "reviewer", "hr_1", "seeker"):
        response = client.post("/api/v1/accounts", json=body, headers=login(client, who))
        assert response.status_code == 403
        assert response.json()["detail"].startswith("only a county administrator may do this")


def test_cli_creates_an_account_with_a_prompted_password(demo_db_url: str, tmp_path: Path) -> None:
    env_vars = {"HONGYAN_DATABASE_URL": demo_db_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    args = [
        "accounts",
        "create",
        "--role",
        "county_admin",
        "--area",
        COUNTY,
        "--name",
        "张三",
        "--phone",
        phone(1),
        "--id-number",
        id_number(1),
        "--username",
        "root_admin",
    ]
    result = CliRunner().invoke(cli, args, env=env_vars, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "created: root_admin (county_admin, area 341522000000)" in result.output
    assert PASSWORD not in result.output
    again = CliRunner().invoke(cli, args, env=env_vars, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 2 and "already exists" in again.output
    from api.app import create_app

    with TestClient(create_app(app_settings(demo_db_url, tmp_path))) as client:
        assert client.post(LOGIN, json={"login": "root_admin", "password": PASSWORD}).status_code == 200


def test_the_app_role_is_neither_superuser_nor_bypassrls(db_url: str, tmp_path: Path) -> None:
    settings = app_settings(db_url, tmp_path)
    app_engine = create_engine(app_database_url(settings))
    owner = create_engine(db_url)
    try:
        assert assert_unprivileged(app_engine) == "hongyan_web"
        with app_engine.connect() as conn:
            flags = conn.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            ).one()
            assert tuple(flags) == (False, False)
            assert conn.execute(text("SELECT pg_has_role('hongyan_app', 'member')")).scalar() is True
        with pytest.raises(PermissionDenied, match="is a superuser or has BYPASSRLS"):
            assert_unprivileged(owner)
    finally:
        app_engine.dispose()
        owner.dispose()
