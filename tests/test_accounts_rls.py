"""Area scoping: ≥ 20 cross-area attempts through the API and directly in SQL as hongyan_web, zero leaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url
from geo.core.errors import InvalidInput
from geo.core.scope import Scope, scoped
from tests.accounts_world import (
    World,
    app_settings,
    login,
    world_env,
)

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _ids(engine: Engine, sql: str, **params: object) -> list[int]:
    with engine.connect() as conn:
        return [int(x) for x in conn.execute(text(sql), params).scalars()]


# --- through the API --------------------------------------------------------------------------------------


def test_township_staff_lists_only_their_township(env: Env) -> None:
    client, world, engine = env
    rows = client.get("/api/v1/residents", headers=login(client, "staff_a"), params={"limit": 500}).json()
    assert rows["count"] > 0
    assert all(r["area_code"].startswith(world.township_a[:9]) for r in rows["residents"])
    expected = _ids(
        engine,
        "SELECT resident_id FROM residents WHERE area_code LIKE :p ORDER BY 1 LIMIT 500",
        p=world.township_a[:9] + "%",
    )
    assert [r["resident_id"] for r in rows["residents"]] == expected


def test_township_staff_cannot_read_another_townships_residents(env: Env) -> None:
    client, world, engine = env
    headers = login(client, "staff_a")
    by_village = client.get("/api/v1/residents", headers=headers, params={"village": world.village_b1})
    assert by_village.status_code == 200 and by_village.json()["residents"] == []
    guesses = _ids(
        engine,
        "SELECT resident_id FROM residents WHERE area_code NOT LIKE :p ORDER BY random() LIMIT 10",
        p=world.township_a[:9] + "%",
    )
    for resident_id in [world.resident_b1, *guesses]:  # 11 direct id guesses
        response = client.get(f"/api/v1/residents/{resident_id}", headers=headers)
        assert response.status_code == 404
        assert response.json()["detail"] == f"resident {resident_id} does not exist or is outside your area"
    other = client.get(f"/api/v1/residents/{world.seeker_resident}", headers=login(client, "staff_b"))
    assert other.status_code == 404


def test_village_collector_cannot_read_a_sibling_village(env: Env) -> None:
    client, world, engine = env
    headers = login(client, "collector_a1")
    own = client.get("/api/v1/residents", headers=headers, params={"limit": 500}).json()["residents"]
    assert own and {r["village_code"] for r in own} == {world.village_a1}
    sibling = client.get("/api/v1/residents", headers=headers, params={"village": world.village_a2})
    assert sibling.json()["residents"] == []
    a2 = _ids(engine, "SELECT resident_id FROM residents WHERE village_code = :v LIMIT 3", v=world.village_a2)
    for resident_id in a2:
        assert client.get(f"/api/v1/residents/{resident_id}", headers=headers).status_code == 404
    back = client.get(f"/api/v1/residents/{world.seeker_resident}", headers=login(client, "collector_a2"))
    assert back.status_code == 404


def test_job_seeker_sees_only_their_own_record(env: Env) -> None:
    client, world, _ = env
    headers = login(client, "seeker")
    rows = client.get("/api/v1/residents", headers=headers).json()["residents"]
    assert [r["resident_id"] for r in rows] == [world.seeker_resident]
    assert client.get(f"/api/v1/residents/{world.other_resident_a1}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/residents/{world.resident_b1}", headers=headers).status_code == 404
    own = client.get(f"/api/v1/residents/{world.seeker_resident}", headers=headers).json()
    assert "*" not in own["name"]  # a job seeker sees their own name


def test_enterprise_hr_sees_no_residents(env: Env) -> None:
    client, world, _ = env
    headers = login(client, "hr_1")
    assert client.get("/api/v1/residents", headers=headers).json()["residents"] == []
    assert client.get(f"/api/v1/residents/{world.seeker_resident}", headers=headers).status_code == 404


def test_ids_and_phones_are_masked_and_names_masked_for_the_reviewer(env: Env) -> None:
    client, world, _ = env
    reviewer = client.get(f"/api/v1/residents/{world.resident_b1}", headers=login(client, "reviewer")).json()
    assert reviewer["id_number"][4:14] == "*" * 10 and reviewer["phone"][3:7] == "****"
    assert reviewer["name"][1:].strip("*") == ""
    staff = client.get(f"/api/v1/residents/{world.resident_b1}", headers=login(client, "staff_b")).json()
    assert "*" not in staff["name"] and staff["id_number"] == reviewer["id_number"]


# --- directly in SQL as hongyan_web -----------------------------------------------------------------------


@pytest.fixture
def web(env: Env, tmp_path: Path) -> Iterator[Engine]:
    """An engine connected as hongyan_web (one pooled connection, so scopes would leak if they could)."""
    _, _, owner = env
    engine = create_engine(
        app_database_url(app_settings(str(owner.url.render_as_string(False)), tmp_path)),
        pool_size=1,
        max_overflow=0,
    )
    try:
        yield engine
    finally:
        engine.dispose()


def _count(conn: Connection, sql: str, **params: object) -> int:
    return int(conn.execute(text(sql), params).scalar_one())


def test_no_scope_sees_no_private_rows(web: Engine, env: Env) -> None:
    _, _, owner = env
    with web.begin() as conn:
        assert conn.execute(text("SELECT current_user")).scalar() == "hongyan_web"
        for table in ("residents", "enterprises", "enterprise_sites", "accounts", "sessions", "login_events"):
            assert _count(conn, f"SELECT count(*) FROM {table}") == 0, table
        assert _count(conn, "SELECT count(*) FROM vacancies WHERE status <> 'open'") == 0
        assert conn.execute(text("UPDATE residents SET name = 'x'")).rowcount == 0
        assert conn.execute(text("DELETE FROM enterprises")).rowcount == 0
    with owner.connect() as conn:
        assert _count(conn, "SELECT count(*) FROM residents WHERE name = 'x'") == 0


def test_scope_does_not_outlive_its_transaction(web: Engine, env: Env) -> None:
    _, world, _ = env
    with web.begin() as conn:
        scoped(conn, Scope("341522"))
        assert _count(conn, "SELECT count(*) FROM residents") > 0
    with web.begin() as conn:  # the same pooled connection, a new transaction
        assert _count(conn, "SELECT count(*) FROM residents") == 0


def test_township_scope_cannot_read_change_or_delete_another_township(web: Engine, env: Env) -> None:
    _, world, owner = env
    other = world.township_b[:9] + "%"
    with web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9]))
        assert _count(conn, "SELECT count(*) FROM residents") > 0
        assert (
            _count(
                conn,
                "SELECT count(*) FROM residents WHERE area_code NOT LIKE :p",
                p=world.township_a[:9] + "%",
            )
            == 0
        )
        assert _count(conn, "SELECT count(*) FROM residents WHERE resident_id = :r", r=world.resident_b1) == 0
        assert (
            conn.execute(
                text("UPDATE residents SET name = 'x' WHERE area_code LIKE :p"), {"p": other}
            ).rowcount
            == 0
        )
        assert (
            conn.execute(
                text("DELETE FROM residents WHERE resident_id = :r"), {"r": world.resident_b1}
            ).rowcount
            == 0
        )
        assert (
            conn.execute(text("DELETE FROM enterprises WHERE area_code LIKE :p"), {"p": other}).rowcount == 0
        )
        assert (
            _count(
                conn,
                "SELECT count(*) FROM accounts WHERE area_code NOT LIKE :p",
                p=world.township_a[:9] + "%",
            )
            == 0
        )
    with owner.connect() as conn:
        assert _count(conn, "SELECT count(*) FROM residents WHERE name = 'x'") == 0
        assert _count(conn, "SELECT count(*) FROM residents WHERE resident_id = :r", r=world.resident_b1) == 1


def test_a_row_cannot_be_moved_or_inserted_out_of_scope(web: Engine, env: Env) -> None:
    _, world, _ = env
    with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
        scoped(conn, Scope(world.village_a1))
        conn.execute(
            text("UPDATE residents SET area_code = :b, village_code = :b WHERE resident_id = :r"),
            {"b": world.village_b1, "r": world.seeker_resident},
        )
    with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9]))
        conn.execute(
            text("INSERT INTO enterprises (name, area_code) VALUES ('冒名企业', :b)"), {"b": world.village_b1}
        )


def test_village_scope_cannot_touch_a_sibling_village(web: Engine, env: Env) -> None:
    _, world, _ = env
    with web.begin() as conn:
        scoped(conn, Scope(world.village_a1))
        assert _count(conn, "SELECT count(*) FROM residents WHERE village_code = :v", v=world.village_a2) == 0
        assert (
            conn.execute(
                text("UPDATE residents SET status = 'seeking' WHERE village_code = :v"),
                {"v": world.village_a2},
            ).rowcount
            == 0
        )


def test_enterprise_hr_cannot_see_or_change_another_enterprises_drafts(web: Engine, env: Env) -> None:
    _, world, _ = env
    with web.begin() as conn:
        scoped(conn, Scope("341522", enterprise_id=world.enterprise_1))
        assert (
            _count(
                conn,
                "SELECT count(*) FROM vacancies WHERE enterprise_id = :e AND status = 'draft'",
                e=world.enterprise_1,
            )
            > 0
        )
        assert (
            _count(conn, "SELECT count(*) FROM vacancies WHERE vacancy_id = :v", v=world.draft_vacancy_2) == 0
        )
        assert (
            _count(
                conn,
                "SELECT count(*) FROM vacancies WHERE enterprise_id <> :e AND status <> 'open'",
                e=world.enterprise_1,
            )
            == 0
        )
        # the other enterprise's open vacancy is on the public board, but not theirs to change
        assert (
            _count(conn, "SELECT count(*) FROM vacancies WHERE vacancy_id = :v", v=world.open_vacancy_2) == 1
        )
        for sql in (
            "UPDATE vacancies SET title = 'x' WHERE vacancy_id = :v",
            "UPDATE vacancies SET status = 'open' WHERE vacancy_id = :d",
            "DELETE FROM vacancies WHERE vacancy_id = :v",
        ):
            result = conn.execute(text(sql), {"v": world.open_vacancy_2, "d": world.draft_vacancy_2})
            assert result.rowcount == 0, sql
        assert (
            _count(conn, "SELECT count(*) FROM enterprises WHERE enterprise_id <> :e", e=world.enterprise_1)
            == 0
        )
        assert _count(conn, "SELECT count(*) FROM residents") == 0


def test_job_seeker_scope_reaches_only_their_own_record(web: Engine, env: Env) -> None:
    _, world, _ = env
    with web.begin() as conn:
        scoped(conn, Scope("341522", resident_id=world.seeker_resident))
        assert _count(conn, "SELECT count(*) FROM residents") == 1
        assert (
            conn.execute(
                text("UPDATE residents SET name = 'x' WHERE resident_id = :r"), {"r": world.other_resident_a1}
            ).rowcount
            == 0
        )
        assert _count(conn, "SELECT count(*) FROM vacancies WHERE status <> 'open'") == 0
        assert _count(conn, "SELECT count(*) FROM accounts") == 0


def test_sessions_and_login_records_of_others_are_hidden(web: Engine, env: Env) -> None:
    client, world, _ = env
    login(client, "admin")
    with web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9], account_id=world.account_ids["staff_a"]))
        assert _count(conn, "SELECT count(*) FROM sessions") == 0
        assert _count(conn, "SELECT count(*) FROM login_events") == 0  # the admin's login is outside the area
        assert conn.execute(text("UPDATE sessions SET expires_at = now() + interval '1 year'")).rowcount == 0


@pytest.mark.parametrize("prefix", ["", "%", "34152_", "341522100000'--", "3415221"])
def test_a_scope_must_be_an_area_prefix(prefix: str) -> None:
    with pytest.raises(InvalidInput, match="a scope is an area-code prefix of 6, 9 or 12 digits"):
        Scope(prefix)
