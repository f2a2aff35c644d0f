"""Row-level security of the outreach, park, support and ticket tables, directly in SQL as hongyan_web."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from tests.accounts_world import World, app_settings, world_env

Env = tuple[TestClient, World, Engine]
TABLES = (
    "outreach_contacts",
    "parks",
    "park_tenants",
    "support_requests",
    "support_request_steps",
    "tickets",
    "ticket_events",
)


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


@pytest.fixture
def web(env: Env, tmp_path: Path) -> Iterator[Engine]:
    """An engine connected as hongyan_web (one pooled connection, so settings would leak if they could)."""
    _, _, owner = env
    url = app_database_url(app_settings(owner.url.render_as_string(hide_password=False), tmp_path))
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        yield engine
    finally:
        engine.dispose()


def _count(conn: Connection, sql: str, **params: object) -> int:
    return int(conn.execute(text(sql), params).scalar_one())


def _areas(engine: Engine, table: str) -> list[str]:
    with engine.connect() as conn:
        return [str(a) for a in conn.execute(text(f"SELECT area_code FROM {table}")).scalars()]


def test_every_table_has_forced_rls_and_demo_rows_in_two_townships(env: Env) -> None:
    _, world, owner = env
    with owner.connect() as conn:
        flags = conn.execute(
            text("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(:t)"),
            {"t": list(TABLES)},
        ).all()
    assert sorted(flags) == sorted((t, True, True) for t in TABLES)
    for table in ("parks", "park_tenants", "support_requests", "tickets"):
        areas = _areas(owner, table)
        assert any(a.startswith(world.township_a[:9]) for a in areas), table
        assert any(not a.startswith(world.township_a[:9]) for a in areas), table


def test_no_scope_sees_nothing(web: Engine, env: Env) -> None:
    with web.begin() as conn:
        for table in TABLES:
            assert _count(conn, f"SELECT count(*) FROM {table}") == 0, table
        assert _count(conn, "SELECT count(*) FROM ticket_routes") == 8


def test_township_scope_sees_only_its_rows(web: Engine, env: Env) -> None:
    _, world, owner = env
    prefix = world.township_a[:9]
    with web.begin() as conn:
        scoped(conn, Scope(prefix))
        for table in TABLES:
            seen = [str(a) for a in conn.execute(text(f"SELECT area_code FROM {table}")).scalars()]
            assert all(a.startswith(prefix) for a in seen), table
            assert len(seen) == sum(a.startswith(prefix) for a in _areas(owner, table)), table


def test_township_scope_cannot_change_another_townships_rows(web: Engine, env: Env) -> None:
    _, world, owner = env
    b = world.township_b[:9] + "%"
    with web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9]))
        for sql in (
            "UPDATE parks SET capacity = 0 WHERE area_code LIKE :b",
            "DELETE FROM park_tenants WHERE area_code LIKE :b",
            "UPDATE support_requests SET status = 'approved' WHERE area_code LIKE :b",
            "UPDATE tickets SET status = 'resolved' WHERE area_code LIKE :b",
            "DELETE FROM tickets WHERE area_code LIKE :b",
        ):
            assert conn.execute(text(sql), {"b": b}).rowcount == 0, sql
    with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9]))
        conn.execute(
            text(
                "INSERT INTO parks (name, kind, area_code, geom, capacity) "
                "VALUES ('冒名园区', 'incubator', :b, ST_SetSRID(ST_MakePoint(116.3, 32.3), 4326), 5)"
            ),
            {"b": world.township_b},
        )
    with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9]))
        conn.execute(
            text("UPDATE parks SET area_code = :b WHERE area_code LIKE :a"),
            {"a": world.township_a[:9] + "%", "b": world.township_b},
        )
    with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9]))
        conn.execute(
            text(
                "INSERT INTO outreach_contacts (resident_id, area_code, channel, outcome) VALUES (:r, :b, 'phone', 'reached')"
            ),
            {"r": world.resident_b1, "b": world.village_b1},
        )
    with pytest.raises(ProgrammingError, match="permission denied"), web.begin() as conn:
        scoped(conn, Scope(world.township_a[:9]))
        conn.execute(text("UPDATE outreach_contacts SET outcome = 'returned'"))
    with pytest.raises(ProgrammingError, match="permission denied"), web.begin() as conn:
        conn.execute(text("INSERT INTO ticket_routes VALUES ('x', 'x', 'x', 'x', 'county')"))
    with owner.connect() as conn:
        assert _count(conn, "SELECT count(*) FROM parks WHERE capacity = 0") == 0


def test_village_hr_and_seeker_scopes_see_no_programme_rows(web: Engine, env: Env) -> None:
    _, world, _ = env
    with web.begin() as conn:
        scoped(conn, Scope(world.village_a1))
        assert (
            _count(conn, "SELECT count(*) FROM tickets") == 0
        )  # tickets belong to the township or county unit
        assert _count(conn, "SELECT count(*) FROM parks WHERE area_code NOT LIKE :v", v=world.village_a1) == 0
    for bound in (
        Scope("341522", enterprise_id=world.enterprise_1),
        Scope("341522", resident_id=world.seeker_resident),
    ):
        with web.begin() as conn:
            scoped(conn, bound)
            for table in TABLES:
                assert _count(conn, f"SELECT count(*) FROM {table}") == 0, (bound, table)


def test_ticket_number_opens_exactly_one_ticket_for_reading(web: Engine, env: Env) -> None:
    _, _, owner = env
    with owner.connect() as conn:
        number, other = (
            conn.execute(text("SELECT ticket_no FROM tickets ORDER BY ticket_id LIMIT 2")).scalars().all()
        )
    with web.begin() as conn:
        conn.execute(text("SELECT set_config('hongyan.ticket_no', :n, true)"), {"n": number})
        assert conn.execute(text("SELECT ticket_no FROM tickets")).scalars().all() == [number]
        assert _count(conn, "SELECT count(*) FROM ticket_events") >= 1
        assert conn.execute(text("UPDATE tickets SET status = 'resolved'")).rowcount == 0
        assert _count(conn, "SELECT count(*) FROM tickets WHERE ticket_no = :o", o=other) == 0
    with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
        conn.execute(text("SELECT set_config('hongyan.ticket_no', 'YC1', true)"))
        conn.execute(
            text(
                "INSERT INTO tickets (ticket_no, category, unit, area_code, applicant_area, applicant_name, phone_hash, "
                "phone_cipher, description, status) SELECT 'YC1', category, unit, area_code, applicant_area, "
                "'x', '\\x00', '\\x00', 'x', 'resolved' FROM (VALUES ('job_referral', 'labour_station', "
                "'341522100000', '341522100000')) v(category, unit, area_code, applicant_area)"
            )
        )
