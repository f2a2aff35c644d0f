"""Records across areas: ≥ 10 cross-area attempts through the endpoints and directly in SQL, zero leaks;
unmasked reads only for the allowed roles, each written to the audit log and never to the application log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from tests.accounts_world import CIPHER, World, app_settings, login, world_env
from tests.records_world import new_person, post, rows, scalar

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def test_cross_area_attempts_through_the_endpoints(env: Env) -> None:
    client, world, engine = env
    staff_a, staff_b, collector_a2 = (login(client, u) for u in ("staff_a", "staff_b", "collector_a2"))
    rid = post(
        client, "/api/v1/residents", login(client, "collector_a1"), new_person(40, world.village_a1)
    ).json()["resident_id"]
    gone = f"resident {rid} does not exist or is outside your area"
    attempts = [
        ("get", f"/api/v1/residents/{rid}", staff_b, None),
        ("get", f"/api/v1/residents/{rid}?unmasked=true", staff_b, None),
        ("get", f"/api/v1/residents/{rid}", collector_a2, None),
        ("patch", f"/api/v1/residents/{rid}", staff_b, {"status": "seeking"}),
        ("patch", f"/api/v1/residents/{rid}", collector_a2, {"name": "改名"}),
        ("post", f"/api/v1/residents/{rid}/submit", collector_a2, None),
        ("post", f"/api/v1/residents/{rid}/submit", staff_b, None),
        ("get", f"/api/v1/residents/{rid}/history", staff_b, None),
        ("get", f"/api/v1/residents/{rid}/history", collector_a2, None),
        ("get", f"/api/v1/residents/{rid}/history", login(client, "hr_1"), None),
        ("get", f"/api/v1/residents/{rid}/history", login(client, "seeker"), None),
    ]
    for method, url, headers, body in attempts:
        r = client.request(method, url, headers=headers, json=body)
        assert (r.status_code, r.json()["detail"]) == (404, gone), (method, url)
    assert post(client, f"/api/v1/residents/{rid}/submit", login(client, "collector_a1")).status_code == 200
    review = post(client, f"/api/v1/residents/{rid}/review", staff_b, {"decision": "approve"})
    assert (review.status_code, review.json()["detail"]) == (404, gone)
    # the other township's staff neither queues it nor counts it
    assert all(
        i["record_id"] != rid for i in client.get("/api/v1/review/queue", headers=staff_b).json()["items"]
    )
    b_stats = client.get(
        "/api/v1/registry/stats", headers=staff_b, params={"record_status": "submitted"}
    ).json()
    assert b_stats["total"] == 0
    a_stats = client.get(
        "/api/v1/registry/stats", headers=staff_a, params={"record_status": "submitted"}
    ).json()
    assert a_stats["total"] == 1
    # a collector cannot move a record out of their village
    moved = client.patch(
        f"/api/v1/residents/{world.other_resident_a1}",
        headers=login(client, "collector_a1"),
        json={"village_code": world.village_b1},
    )
    assert moved.status_code == 403
    row = rows(
        engine, "SELECT record_status, status, village_code FROM residents WHERE resident_id = :r", r=rid
    )[0]
    assert tuple(row) == ("submitted", "working_away", world.village_a1)
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM record_changes WHERE record_id = :r AND table_name = 'residents'",
            r=rid,
        )
        == 3
    )  # created, draft, submitted


@pytest.fixture
def web(env: Env, tmp_path: Path) -> Iterator[Engine]:
    """An engine connected as hongyan_web with one pooled connection."""
    _, _, owner = env
    engine = create_engine(
        app_database_url(app_settings(owner.url.render_as_string(False), tmp_path)),
        pool_size=1,
        max_overflow=0,
    )
    try:
        yield engine
    finally:
        engine.dispose()


def test_history_tables_in_sql_as_hongyan_web(env: Env, web: Engine) -> None:
    client, world, owner = env
    rid = post(
        client, "/api/v1/residents", login(client, "collector_a1"), new_person(41, world.village_a1)
    ).json()["resident_id"]
    post(client, f"/api/v1/residents/{rid}/submit", login(client, "collector_a1"))
    staff_b_id, staff_a_id = world.account_ids["staff_b"], world.account_ids["staff_a"]
    with web.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM record_changes")).scalar() == 0  # no scope, no rows
        assert conn.execute(text("SELECT count(*) FROM review_events")).scalar() == 0
    with web.begin() as conn:
        scoped(conn, Scope(world.township_b[:9], account_id=staff_b_id))
        assert (
            conn.execute(
                text("SELECT count(*) FROM record_changes WHERE record_id = :r"), {"r": rid}
            ).scalar()
            == 0
        )
        assert (
            conn.execute(text("SELECT count(*) FROM review_events WHERE record_id = :r"), {"r": rid}).scalar()
            == 0
        )
    for sql in (
        "UPDATE record_changes SET new_value = 'x'",
        "DELETE FROM record_changes",
        "UPDATE review_events SET reason = 'x'",
        "DELETE FROM review_events",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"), web.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=staff_a_id))
            conn.execute(text(sql))
    forged = (
        "INSERT INTO record_changes (table_name, record_id, area_code, field, new_value, changed_by) "
        "VALUES ('residents', :r, :area, 'status', 'seeking', :by)"
    )
    # as another account inside the area, or as oneself outside it: the insert policy refuses both
    for area, acting in ((world.village_a1, staff_b_id), (world.village_b1, staff_a_id)):
        with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=acting))
            conn.execute(text(forged), {"r": rid, "area": area, "by": staff_a_id})
    with web.begin() as conn:
        scoped(conn, Scope(world.township_b[:9], account_id=staff_b_id))
        changed = conn.execute(
            text("UPDATE residents SET record_status = 'approved' WHERE resident_id = :r"), {"r": rid}
        )
        assert changed.rowcount == 0
    with owner.connect() as conn:
        assert conn.execute(
            text("SELECT record_status FROM residents WHERE resident_id = :r"), {"r": rid}
        ).scalar() == ("submitted")
        assert conn.execute(text("SELECT count(*) FROM record_changes WHERE new_value = 'x'")).scalar() == 0


def test_unmasked_reads_allowed_roles_are_audited(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    client, world, engine = env
    rid = world.other_resident_a1
    plain_id = CIPHER.decrypt(
        bytes(scalar(engine, "SELECT id_cipher FROM residents WHERE resident_id = :r", r=rid))
    )
    phone_blob = scalar(engine, "SELECT phone_cipher FROM residents WHERE resident_id = :r", r=rid)
    plain_phone = CIPHER.decrypt(bytes(phone_blob)) if phone_blob is not None else None
    caplog.set_level(logging.DEBUG)
    for who in ("admin", "staff_a", "collector_a1"):
        masked = client.get(f"/api/v1/residents/{rid}", headers=login(client, who)).json()
        assert masked["id_number"] != plain_id and masked["unmasked"] is False
        r = client.get(f"/api/v1/residents/{rid}", headers=login(client, who), params={"unmasked": "true"})
        assert r.status_code == 200, r.text
        assert r.json()["id_number"] == plain_id and r.json()["phone"] == plain_phone
        audited = scalar(
            engine,
            "SELECT count(*) FROM audit_log WHERE account_id = :a AND action = "
            "'resident.read_unmasked' AND target = :t",
            a=world.account_ids[who],
            t=f"resident:{rid}",
        )
        assert audited == 1, who
    for who, role in (("reviewer", "county_reviewer"), ("seeker", "job_seeker"), ("hr_1", "enterprise_hr")):
        target = world.seeker_resident if who == "seeker" else rid
        r = client.get(f"/api/v1/residents/{target}", headers=login(client, who), params={"unmasked": "true"})
        assert r.status_code == 403
        assert r.json()["detail"] == (
            f"不脱敏查看或导出（完整身份证号、手机号）仅限县管理员和本辖区的乡镇、村工作人员；您的角色是 {role} "
            "(unmasked ID numbers and phones are only for county_admin, and township_staff and village_collector "
            "in their own area)"
        )
        assert (
            scalar(
                engine,
                "SELECT count(*) FROM audit_log WHERE account_id = :a AND action = 'resident.read_unmasked'",
                a=world.account_ids[who],
            )
            == 0
        )
    outside = client.get(
        f"/api/v1/residents/{world.resident_b1}",
        headers=login(client, "staff_a"),
        params={"unmasked": "true"},
    )
    assert outside.status_code == 404
    assert plain_id not in caplog.text and (plain_phone is None or plain_phone not in caplog.text)
