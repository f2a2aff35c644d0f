"""Programme scoping: township B's staff cannot read or change township A's fairs, through the API or in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url
from geo.core.migrate import downgrade, upgrade
from geo.core.scope import Scope, scoped
from tests.accounts_world import World, app_settings, login, world_env

Env = tuple[TestClient, World, Engine]
API = "/api/v1/programme"
TABLES = (
    "fair_venues",
    "fairs",
    "fair_booths",
    "fair_booth_positions",
    "fair_seekers",
    "fair_outcomes",
    "programme_job_reports",
    "programme_targets",
    "programme_tasks",
    "programme_task_notes",
)


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """The small demo with one account per role, an app client and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


@pytest.fixture
def web(env: Env, tmp_path: Path) -> Iterator[Engine]:
    """An engine connected as hongyan_web (one pooled connection)."""
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


def _held_fair(owner: Engine, township: str) -> int:
    """The latest held fair with outcomes in a township (the demo records some in both)."""
    with owner.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT f.fair_id FROM fairs f WHERE f.area_code LIKE :p AND f.status = 'held' AND EXISTS "
                    "(SELECT 1 FROM fair_outcomes o WHERE o.fair_id = f.fair_id) ORDER BY f.fair_date DESC LIMIT 1"
                ),
                {"p": township[:9] + "%"},
            ).scalar_one()
        )


def test_demo_has_fairs_with_outcomes_in_both_townships(env: Env) -> None:
    _, world, owner = env
    assert _held_fair(owner, world.township_a) != _held_fair(owner, world.township_b)


def test_township_staff_see_only_their_townships_fairs_through_the_api(env: Env) -> None:
    client, world, owner = env
    staff_b = login(client, "staff_b")
    fair_a = _held_fair(owner, world.township_a)
    listed = client.get(
        f"{API}/fairs", params={"from": "2026-01-01", "to": "2026-12-31"}, headers=staff_b
    ).json()
    assert listed["count"] > 0 and all(
        f["area_code"].startswith(world.township_b[:9]) for f in listed["fairs"]
    )
    with owner.connect() as conn:
        expected = _count(
            conn,
            "SELECT count(*) FROM fairs WHERE area_code LIKE :p AND fair_date "
            "BETWEEN '2026-01-01' AND '2026-12-31'",
            p=world.township_b[:9] + "%",
        )
    assert listed["count"] == expected
    missing = f"招聘会 {fair_a} 不存在或不在您的辖区 fair {fair_a} does not exist or is outside your area"
    for method, path, body in (
        ("GET", f"{API}/fairs/{fair_a}", None),
        ("GET", f"{API}/fairs/{fair_a}/seekers", None),
        ("POST", f"{API}/fairs/{fair_a}/seekers", {"name": "张三", "phone": "13600001234"}),
        ("POST", f"{API}/fairs/{fair_a}/booths", {"enterprise_id": world.enterprise_2}),
        ("POST", f"{API}/fairs/{fair_a}/outcomes", {"booth_id": 1, "registration_id": 1, "kind": "hire"}),
        ("POST", f"{API}/fairs/{fair_a}/status", {"status": "cancelled"}),
    ):
        response = client.request(method, path, json=body, headers=staff_b)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["detail"] == missing
    board = client.get(f"{API}/dashboard", params={"year": 2026, "on": "2026-11-27"}, headers=staff_b).json()
    with owner.connect() as conn:
        intentions_b = _count(
            conn,
            "SELECT count(*) FROM fair_outcomes o JOIN fairs f USING (fair_id) WHERE o.kind = "
            "'intention' AND f.area_code LIKE :p AND f.status <> 'cancelled' AND f.fair_date <= "
            "'2026-11-27'",
            p=world.township_b[:9] + "%",
        )
    assert board["metrics"]["intentions"]["actual"] == intentions_b > 0
    assert [t["code"] for t in board["townships"]] == [world.township_b]
    sheet = load_workbook(
        BytesIO(
            client.get(
                f"{API}/report.xlsx", params={"year": 2026, "on": "2026-11-27"}, headers=staff_b
            ).content
        )
    )["乡镇进度"]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [world.township_b]
    with owner.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c"), {"c": world.township_a}
        ).one()
    venue = client.post(f"{API}/venues", json={"name": "越界场地", "lon": lon, "lat": lat}, headers=staff_b)
    assert venue.status_code == 403 and venue.json()["detail"].endswith("outside your area")
    with owner.connect() as conn:
        assert (
            _count(conn, "SELECT count(*) FROM fairs WHERE fair_id = :f AND status = 'held'", f=fair_a) == 1
        )


def test_no_scope_sees_nothing_and_township_scope_cannot_touch_another_township(
    web: Engine, env: Env
) -> None:
    _, world, owner = env
    a = world.township_a[:9] + "%"
    fair_a = _held_fair(owner, world.township_a)
    with web.begin() as conn:
        assert conn.execute(text("SELECT current_user")).scalar() == "hongyan_web"
        for table in TABLES:
            assert _count(conn, f"SELECT count(*) FROM {table}") == 0, table
    with web.begin() as conn:
        scoped(conn, Scope(world.township_b[:9]))
        assert _count(conn, "SELECT count(*) FROM fairs") > 0
        for table in ("fairs", "fair_booths", "fair_seekers", "fair_outcomes", "fair_venues"):
            assert _count(conn, f"SELECT count(*) FROM {table} WHERE area_code LIKE :p", p=a) == 0, table
        assert (
            conn.execute(
                text("UPDATE fairs SET status = 'cancelled' WHERE fair_id = :f"), {"f": fair_a}
            ).rowcount
            == 0
        )
        assert conn.execute(text("DELETE FROM fair_outcomes WHERE fair_id = :f"), {"f": fair_a}).rowcount == 0
        assert conn.execute(text("DELETE FROM fair_seekers WHERE area_code LIKE :p"), {"p": a}).rowcount == 0
        # the county's targets and tasks are readable below the county but not writable
        assert _count(conn, "SELECT count(*) FROM programme_targets WHERE year = 2026") == 1
        assert _count(conn, "SELECT count(*) FROM programme_tasks") == 11
        assert conn.execute(text("UPDATE programme_targets SET fairs = 1")).rowcount == 0
        assert conn.execute(text("UPDATE programme_tasks SET status = 'done'")).rowcount == 0
    with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
        scoped(conn, Scope(world.township_b[:9]))
        venue = conn.execute(text("SELECT venue_id FROM fair_venues LIMIT 1")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO fairs (fair_date, kind, title, venue_id, area_code) "
                "VALUES ('2027-01-06', 'workers', '越界', :v, :a)"
            ),
            {"v": venue, "a": world.village_a1},
        )
    with owner.connect() as conn:
        assert _count(conn, "SELECT count(*) FROM fair_outcomes WHERE fair_id = :f", f=fair_a) > 0
        assert _count(conn, "SELECT fairs FROM programme_targets WHERE year = 2026") == 76


def test_enterprise_and_seeker_scopes(web: Engine, env: Env) -> None:
    client, world, owner = env
    fair_a = _held_fair(owner, world.township_a)
    with owner.begin() as conn:  # two booths at the same fair: enterprise 1's and enterprise 2's
        conn.execute(
            text("DELETE FROM fair_booths WHERE fair_id = :f AND enterprise_id IN (:e1, :e2)"),
            {"f": fair_a, "e1": world.enterprise_1, "e2": world.enterprise_2},
        )
        for e in (world.enterprise_1, world.enterprise_2):
            conn.execute(
                text(
                    "INSERT INTO fair_booths (fair_id, enterprise_id, enterprise_name, area_code) "
                    "SELECT :f, :e, 'x', area_code FROM fairs WHERE fair_id = :f"
                ),
                {"f": fair_a, "e": e},
            )
    with web.begin() as conn:
        scoped(conn, Scope("341522", enterprise_id=world.enterprise_1))
        assert (
            _count(conn, "SELECT count(*) FROM fair_booths WHERE fair_id = :f", f=fair_a) >= 2
        )  # booths are public
        assert (
            conn.execute(
                text("UPDATE fair_booths SET booth_no = 'x' WHERE enterprise_id = :e"),
                {"e": world.enterprise_2},
            ).rowcount
            == 0
        )
        assert (
            conn.execute(
                text("DELETE FROM fair_booths WHERE enterprise_id = :e"), {"e": world.enterprise_2}
            ).rowcount
            == 0
        )
        assert _count(conn, "SELECT count(*) FROM fair_seekers") == 0  # no seeker's phone for HR
        assert (
            _count(conn, "SELECT count(*) FROM fair_outcomes WHERE enterprise_id <> :e", e=world.enterprise_1)
            == 0
        )
        assert _count(conn, "SELECT count(*) FROM programme_targets") == 0
    seeker = login(client, "seeker")
    mine = client.post(f"{API}/fairs/{fair_a}/seekers", json={"phone": "13700002222"}, headers=seeker)
    assert mine.status_code == 201
    with web.begin() as conn:
        scoped(conn, Scope("341522", resident_id=world.seeker_resident))
        assert _count(conn, "SELECT count(*) FROM fair_seekers") == 1
        assert _count(conn, "SELECT count(*) FROM fair_outcomes") == 0
        assert _count(conn, "SELECT count(*) FROM fairs") > 0  # the calendar is visible to seekers
        assert conn.execute(text("UPDATE fairs SET title = 'x'")).rowcount == 0
    others = client.get(f"{API}/fairs/{fair_a}/seekers", headers=seeker).json()["seekers"]
    assert [s["registration_id"] for s in others] == [mine.json()["registration_id"]]


def test_migration_enables_forced_rls_with_app_grants_and_downgrades(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(:t)"),
            {"t": list(TABLES)},
        ).all()
        assert {r.relname for r in rows} == set(TABLES) and all(
            r.relrowsecurity and r.relforcerowsecurity for r in rows
        )
        for table in TABLES:
            assert conn.execute(
                text("SELECT has_table_privilege('hongyan_app', :t, 'INSERT')"), {"t": table}
            ).scalar()
            roles = (
                conn.execute(
                    text("SELECT DISTINCT unnest(roles)::text FROM pg_policies WHERE tablename = :t"),
                    {"t": table},
                )
                .scalars()
                .all()
            )
            assert roles == ["hongyan_app"], table
            assert (
                conn.execute(
                    text(
                        "SELECT count(*) FROM information_schema.columns WHERE table_name = :t "
                        "AND column_name = 'area_code' AND character_maximum_length = 12"
                    ),
                    {"t": table},
                ).scalar()
                == 1
            )
        assert conn.execute(
            text("SELECT has_sequence_privilege('hongyan_app', 'fairs_fair_id_seq', 'USAGE')")
        ).scalar()
    downgrade(engine, "0006_accounts_rls")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('fairs')")).scalar() is None
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('fairs')")).scalar() == "fairs"
