"""Page sessions: an HttpOnly cookie instead of a token script can read, CSRF on writes, logout, idle expiry."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from api.app import create_app
from geo.core.db import app_database_url, create_db_engine
from geo.core.migrate import downgrade, upgrade
from tests.accounts_world import PASSWORD, World, app_settings, build_world, id_number, login, phone

SESSION = "/api/v1/auth/session"
COOKIE = "hongyan_session"


@pytest.fixture
def world(demo_db_url: str) -> Iterator[tuple[World, Engine]]:
    engine = create_db_engine(demo_db_url, pool_size=2)
    try:
        yield build_world(engine), engine
    finally:
        engine.dispose()


@pytest.fixture
def client(demo_db_url: str, tmp_path: Path, world: tuple[World, Engine]) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(demo_db_url, tmp_path))) as client:
        yield client


def _set_cookie(response: httpx.Response) -> Any:
    """The session cookie the response sets, parsed (value and attributes)."""
    headers = response.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    jar: SimpleCookie = SimpleCookie()
    jar.load(headers[0])
    assert COOKIE in jar, headers
    return jar[COOKIE], headers[0]


def _page_login(client: TestClient, who: str = "admin") -> dict[str, Any]:
    response = client.post(SESSION, json={"login": who, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _new_account(n: int, world: World) -> dict[str, str]:
    return {
        "username": f"page_new_{n}",
        "name": f"新员工{n}",
        "phone": phone(100 + n),
        "id_number": id_number(100 + n),
        "role": "township_staff",
        "area": world.township_a,
        "password": PASSWORD,
    }


def _accounts_named(engine: Engine, prefix: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT username FROM accounts WHERE username LIKE :p ORDER BY 1"), {"p": prefix + "%"}
        )
        return list(rows.scalars())


def _last_use_back(engine: Engine, minutes: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE sessions SET last_used_at = now() - make_interval(mins => :m) WHERE revoked_at IS NULL"
            ),
            {"m": minutes},
        )


def test_page_login_sets_an_httponly_strict_cookie_and_shows_no_token(
    client: TestClient, world: tuple[World, Engine]
) -> None:
    response = client.post(SESSION, json={"login": "staff_a", "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookie, raw = _set_cookie(response)
    token = cookie.value
    assert len(token) >= 40
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/"
    assert 8 * 3600 - 60 < int(cookie["max-age"]) <= 8 * 3600
    assert not cookie["secure"], raw  # plain http: a Secure cookie would never come back
    body = response.json()
    assert token not in response.text and "token" not in body
    assert body["account"]["username"] == "staff_a"
    assert len(body["csrf_token"]) == 64 and body["csrf_token"] != token
    assert response.headers["cache-control"] == "no-store"
    _, engine = world
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")).scalar_one()
    assert stored == 1


def test_cookie_is_secure_over_https_and_when_the_setting_says_so(
    demo_db_url: str, tmp_path: Path, world: tuple[World, Engine]
) -> None:
    settings = app_settings(demo_db_url, tmp_path)
    with TestClient(create_app(settings), base_url="https://testserver") as https:
        cookie, raw = _set_cookie(https.post(SESSION, json={"login": "staff_a", "password": PASSWORD}))
        assert cookie["secure"] is True, raw
        assert https.get("/api/v1/auth/me").json()["username"] == "staff_a"
    forced = settings.model_copy(update={"cookie_secure": True})
    with TestClient(create_app(forced)) as http:
        cookie, raw = _set_cookie(http.post(SESSION, json={"login": "staff_a", "password": PASSWORD}))
        assert cookie["secure"] is True, raw


def test_the_cookie_authenticates_reads_and_a_reloaded_page_gets_its_csrf_token(client: TestClient) -> None:
    body = _page_login(client, "staff_a")
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["username"] == "staff_a"
    again = client.get(SESSION)
    assert again.status_code == 200
    assert again.json()["csrf_token"] == body["csrf_token"]
    assert again.json()["account"] == body["account"]
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get(SESSION).json() == {"account": None, "csrf_token": None, "idle_minutes": 30}


def test_a_write_by_cookie_needs_the_csrf_token(client: TestClient, world: tuple[World, Engine]) -> None:
    w, engine = world
    csrf = _page_login(client)["csrf_token"]
    missing = client.post("/api/v1/accounts", json=_new_account(1, w))
    assert missing.status_code == 403, missing.text
    assert missing.json()["detail"].startswith("请求缺少 CSRF 令牌")
    wrong = client.post("/api/v1/accounts", json=_new_account(1, w), headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403, wrong.text
    assert wrong.json()["detail"].startswith("CSRF 令牌不正确")
    other = TestClient(client.app)  # the token of another session is wrong too
    other_csrf = other.post(SESSION, json={"login": "reviewer", "password": PASSWORD}).json()["csrf_token"]
    stolen = client.post("/api/v1/accounts", json=_new_account(1, w), headers={"X-CSRF-Token": other_csrf})
    assert stolen.status_code == 403
    assert _accounts_named(engine, "page_new_") == []
    done = client.post("/api/v1/accounts", json=_new_account(1, w), headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201, done.text
    assert _accounts_named(engine, "page_new_") == ["page_new_1"]


def test_bearer_requests_need_no_csrf_token(client: TestClient, world: tuple[World, Engine]) -> None:
    w, engine = world
    headers = login(client, "admin")
    assert (
        "set-cookie"
        not in client.post("/api/v1/auth/login", json={"login": "admin", "password": PASSWORD}).headers
    )
    assert not client.cookies
    done = client.post("/api/v1/accounts", json=_new_account(2, w), headers=headers)
    assert done.status_code == 201, done.text
    _page_login(client, "staff_a")  # a cookie of another account: the bearer header decides
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.json()["username"] == "admin"
    done = client.post("/api/v1/accounts", json=_new_account(3, w), headers=headers)
    assert done.status_code == 201, done.text
    assert _accounts_named(engine, "page_new_") == ["page_new_2", "page_new_3"]


def test_logout_revokes_the_session_and_clears_the_cookie(client: TestClient) -> None:
    csrf = _page_login(client, "staff_a")["csrf_token"]
    token = client.cookies[COOKIE]
    refused = client.delete(SESSION)
    assert refused.status_code == 403  # logging somebody out is a write: CSRF token needed
    assert client.get("/api/v1/auth/me").status_code == 200
    out = client.delete(SESSION, headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200, out.text
    cookie, raw = _set_cookie(out)
    assert cookie.value == "" and int(cookie["max-age"]) == 0, raw
    assert COOKIE not in client.cookies
    client.cookies.set(COOKIE, token)  # the old value, sent again
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get(SESSION).json()["account"] is None
    # the bearer API's logout also clears a page cookie
    client.cookies.clear()
    csrf = _page_login(client, "staff_a")["csrf_token"]
    out = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200
    assert _set_cookie(out)[0].value == ""
    assert COOKIE not in client.cookies


def test_an_idle_page_session_is_refused_and_each_use_extends_it(
    client: TestClient, world: tuple[World, Engine]
) -> None:
    _, engine = world
    _page_login(client, "staff_a")
    _last_use_back(engine, 29)
    assert client.get("/api/v1/auth/me").status_code == 200
    with engine.connect() as conn:
        recent = conn.execute(
            text("SELECT bool_and(last_used_at > now() - interval '1 minute') FROM sessions")
        ).scalar_one()
    assert recent is True  # the use moved the last-use time forward
    _last_use_back(engine, 31)
    idle = client.get("/api/v1/auth/me")
    assert idle.status_code == 401
    assert idle.json()["detail"].startswith("登录已超时：超过 30 分钟未操作")
    assert client.get(SESSION).json()["account"] is None
    # a public page is still public with an idle cookie
    assert client.get("/api/v1/policies").status_code == 200
    # the bearer API has no idle limit
    headers = login(client, "staff_a")
    _last_use_back(engine, 600)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200


def test_migration_0022_down_and_up(engine: Engine) -> None:
    def columns() -> set[str]:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = 'sessions'")
            )
            return set(rows.scalars())

    assert "last_used_at" in columns()
    downgrade(engine, "0021_login_throttle")
    assert "last_used_at" not in columns()
    upgrade(engine)
    assert "last_used_at" in columns()


def test_a_cookie_request_needs_one_app_connection_at_a_time(
    client: TestClient, world: tuple[World, Engine], demo_db_url: str, tmp_path: Path
) -> None:
    """The cookie's use is recorded before the request's transaction starts: never two connections at once."""
    w, engine = world
    csrf = _page_login(client)["csrf_token"]
    state = client.app.state  # type: ignore[attr-defined]
    one = create_engine(
        app_database_url(app_settings(demo_db_url, tmp_path)), pool_size=1, max_overflow=0, pool_timeout=3
    )
    before, state.app_engine = state.app_engine, one
    try:
        _last_use_back(engine, 5)  # so that the next use writes last_used_at
        assert client.get("/api/v1/auth/me").status_code == 200
        assert client.get("/api/v1/policies", params={"q": "就业"}).status_code == 200
        done = client.post("/api/v1/accounts", json=_new_account(4, w), headers={"X-CSRF-Token": csrf})
        assert done.status_code == 201, done.text
    finally:
        state.app_engine = before
        one.dispose()
