"""The in-memory vacancy board answers exactly what the SQL join of the reached sites answers, and stays current.

The reference is the endpoint's former query (reached site ids and costs joined to the open vacancies in
PostgreSQL). Every comparison runs on the same search: only where the positions come from differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, Engine, text

from geo.core.db import create_db_engine
from geo.core.settings import Settings
from matching.circle.jobs import JobFilters, positions_in_circle
from matching.circle.service import CircleQuery, CircleService
from matching.circle.vacancy_board import NO_END, BoardRows, _merged, _sorted

REFERENCE = text(
    """
    SELECT v.vacancy_id, v.enterprise_id, e.name AS enterprise, v.site_id, v.title, v.occupation_code,
           o.name AS occupation, v.positions, v.wage_min, v.wage_max, v.full_time,
           ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, r.cost,
           count(*) OVER () AS vacancy_count, sum(v.positions) OVER () AS position_count
    FROM unnest(CAST(:site_ids AS bigint[]), CAST(:costs AS float8[])) AS r(site_id, cost)
    JOIN vacancies v ON v.site_id = r.site_id
    JOIN public_enterprises e ON e.enterprise_id = v.enterprise_id
    JOIN enterprise_sites s ON s.site_id = v.site_id
    LEFT JOIN occupations o ON o.code = v.occupation_code
    WHERE v.status = 'open'
      AND (v.valid_until IS NULL OR v.valid_until >= current_date)
      AND (CAST(:occupation AS text) IS NULL
           OR v.occupation_code = :occupation OR v.occupation_code LIKE :occupation || '-%')
      AND (CAST(:min_wage AS integer) IS NULL OR coalesce(v.wage_max, v.wage_min) >= :min_wage)
      AND (CAST(:full_time AS boolean) IS NULL OR v.full_time = :full_time)
    ORDER BY r.cost, v.vacancy_id
    LIMIT :limit OFFSET :offset
    """
)
SEAT = text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = '341522100000'")
HOMES = text(
    "SELECT ST_X(geom), ST_Y(geom) FROM residents WHERE geom IS NOT NULL ORDER BY resident_id "
    "LIMIT 12 OFFSET 40"
)
# edge cases for the filters: expired today/yesterday, no wage, part time, an enterprise not (yet) public
EDGE_CASES = [
    "UPDATE vacancies SET valid_until = current_date - 1 WHERE vacancy_id % 11 = 0",
    "UPDATE vacancies SET valid_until = current_date WHERE vacancy_id % 11 = 1",
    "UPDATE vacancies SET wage_min = NULL, wage_max = NULL WHERE vacancy_id % 13 = 0",
    "UPDATE vacancies SET wage_max = NULL WHERE vacancy_id % 13 = 1",
    "UPDATE vacancies SET full_time = false WHERE vacancy_id % 7 = 0",
    "UPDATE vacancies SET status = 'closed' WHERE vacancy_id % 17 = 0",
    "UPDATE enterprises SET record_status = 'submitted', first_approved_at = NULL WHERE enterprise_id % 19 = 0",
    "UPDATE enterprises SET record_status = 'submitted', approved_name = name, name = name || '（改）' "
    "WHERE enterprise_id % 23 = 0",
]
FILTERS = [
    JobFilters(),
    JobFilters(occupation="6"),
    JobFilters(occupation="4-01"),
    JobFilters(occupation="8-99"),
    JobFilters(min_wage=5000),
    JobFilters(full_time=False),
    JobFilters(occupation="6", min_wage=4000, full_time=True),
]
PAGES = [(2000, 0), (7, 5)]
# 2,500 copies of open vacancies in one statement (the small demo has fewer than 200)
BULK_COPIES = text(
    """
    INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,
                           full_time, status, area_code)
    SELECT enterprise_id, site_id, title || '（批）', occupation_code, positions, wage_min + i, wage_max,
           full_time, 'open', area_code
    FROM (SELECT * FROM vacancies WHERE status = 'open' ORDER BY vacancy_id LIMIT 50) v,
         generate_series(1, 50) i
    """
)


@pytest.fixture
def world(demo_db_url: str, tmp_path: Path) -> Iterator[tuple[Engine, CircleService]]:
    engine = create_db_engine(demo_db_url, pool_size=2)
    yield engine, CircleService(Settings(database_url=demo_db_url, data_dir=tmp_path))
    engine.dispose()


def _query(service: CircleService, conn: Connection, lon: float, lat: float, radius: float) -> CircleQuery:
    return service.query(conn, lon=lon, lat=lat, mode="walk", radius_m=radius, minutes=None)


def _reference(
    service: CircleService, conn: Connection, q: CircleQuery, f: JobFilters, limit: int, offset: int
) -> dict[str, Any]:
    """The former SQL answer for the same search."""
    net, sites = service.current(conn, q.mode)
    assert sites is not None
    hit = service.reach(net, q, sites)
    params = {"site_ids": hit.ids.tolist(), "costs": hit.cost.tolist(), "limit": limit, "offset": offset}
    params |= {"occupation": f.occupation, "min_wage": f.min_wage, "full_time": f.full_time}
    found = [dict(r._mapping) for r in conn.execute(REFERENCE, params)]
    count = int(found[0]["vacancy_count"]) if found else 0
    positions = int(found[0]["position_count"]) if found else 0
    if not found and offset:  # the window counts vanish with an empty page: count the whole circle
        whole = _reference(service, conn, q, f, 100_000, 0)
        count, positions = whole["vacancy_count"], whole["position_count"]
    for row in found:
        row["road_distance_m"] = round(row.pop("cost"), 1)
        del row["vacancy_count"], row["position_count"]
    return {"vacancy_count": count, "position_count": positions, "positions": found}


def _assert_same(service: CircleService, conn: Connection, points: list[tuple[float, float]]) -> int:
    compared = 0
    for lon, lat in points:
        q = _query(service, conn, lon, lat, 3000.0)
        for f in FILTERS:
            for limit, offset in PAGES:
                ours = positions_in_circle(service, conn, q, f, limit=limit, offset=offset, with_reach=False)
                ref = _reference(service, conn, q, f, limit, offset)
                got = {k: ours[k] for k in ("vacancy_count", "position_count", "positions")}
                assert got == ref, (lon, lat, f, limit, offset)
                compared += len(ref["positions"])
    return compared


def _points(conn: Connection) -> list[tuple[float, float]]:
    seat = conn.execute(SEAT).one()
    return [(float(seat[0]), float(seat[1]))] + [(float(x), float(y)) for x, y in conn.execute(HOMES)]


def test_board_equals_the_sql_join_before_and_after_changes(world: tuple[Engine, CircleService]) -> None:
    engine, service = world
    with engine.begin() as conn:
        for statement in EDGE_CASES[:4]:
            conn.execute(text(statement))
    with engine.connect() as conn:
        points = _points(conn)
        assert _assert_same(service, conn, points) > 500
    # the rest arrives while the board is loaded: read back from the change log, row by row
    with engine.begin() as conn:
        for statement in EDGE_CASES[4:]:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert _assert_same(service, conn, points) > 500


def _seat_circle(engine: Engine, service: CircleService, radius: float) -> tuple[CircleQuery, dict[str, Any]]:
    """The circle around the county seat and its positions (all of them, without the polygon)."""
    with engine.connect() as conn:
        lon, lat = (float(v) for v in conn.execute(SEAT).one())
        q = _query(service, conn, lon, lat, radius)
        return q, positions_in_circle(service, conn, q, JobFilters(), limit=2000, with_reach=False)


def test_posting_changing_and_closing_a_vacancy_shows_in_the_next_circle(
    world: tuple[Engine, CircleService],
) -> None:
    engine, service = world
    q, before = _seat_circle(engine, service, 2000.0)
    site_id = before["positions"][0]["site_id"]
    with engine.begin() as conn:
        vacancy_id = conn.execute(
            text(
                "INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, wage_min, "
                "wage_max, full_time, status, area_code) SELECT enterprise_id, site_id, '看板测试岗', "
                "(SELECT min(code) FROM occupations WHERE code LIKE '%-%-%-%'), 4, 6000, 7000, true, 'open', "
                "area_code FROM enterprise_sites WHERE site_id = :s RETURNING vacancy_id"
            ),
            {"s": site_id},
        ).scalar_one()

    def listed(**filters: Any) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            found = positions_in_circle(service, conn, q, JobFilters(**filters), limit=2000, with_reach=False)
        return [p for p in found["positions"] if p["vacancy_id"] == vacancy_id]

    assert [p["title"] for p in listed()] == ["看板测试岗"]
    assert listed(min_wage=6500) and not listed(min_wage=7500)
    with engine.begin() as conn:
        conn.execute(text("UPDATE vacancies SET wage_max = 8000 WHERE vacancy_id = :v"), {"v": vacancy_id})
    assert listed(min_wage=7500)[0]["wage_max"] == 8000
    with engine.begin() as conn:
        conn.execute(text("UPDATE vacancies SET status = 'closed' WHERE vacancy_id = :v"), {"v": vacancy_id})
    assert listed() == []
    with engine.begin() as conn:
        conn.execute(text("UPDATE vacancies SET status = 'open' WHERE vacancy_id = :v"), {"v": vacancy_id})
    assert len(listed()) == 1
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM vacancies WHERE vacancy_id = :v"), {"v": vacancy_id})
    assert listed() == []


def test_a_rolled_back_change_is_never_seen(world: tuple[Engine, CircleService]) -> None:
    engine, service = world
    q, before = _seat_circle(engine, service, 2000.0)
    with engine.connect() as writer:
        writer.execute(
            text("UPDATE vacancies SET title = '未提交' WHERE vacancy_id = :v"),
            {"v": before["positions"][0]["vacancy_id"]},
        )
        with engine.connect() as conn:  # while the writer's transaction is open
            during = positions_in_circle(service, conn, q, JobFilters(), limit=2000, with_reach=False)
        writer.rollback()
    with engine.connect() as conn:
        after = positions_in_circle(service, conn, q, JobFilters(), limit=2000, with_reach=False)
    assert during["positions"] == before["positions"] == after["positions"]


def test_a_moved_site_is_snapped_again(world: tuple[Engine, CircleService]) -> None:
    engine, service = world
    q, before = _seat_circle(engine, service, 3000.0)
    nearest = before["positions"][0]
    far = _far_site(before, nearest["site_id"])
    with engine.begin() as conn:  # move the nearest site onto a farther one's spot
        conn.execute(
            text(
                "UPDATE enterprise_sites SET geom = (SELECT geom FROM enterprise_sites WHERE site_id = :f) "
                "WHERE site_id = :s"
            ),
            {"f": far["site_id"], "s": nearest["site_id"]},
        )
    with engine.connect() as conn:
        after = positions_in_circle(service, conn, q, JobFilters(), limit=2000, with_reach=False)
    moved = [p for p in after["positions"] if p["site_id"] == nearest["site_id"]]
    assert moved and {p["road_distance_m"] for p in moved} == {far["road_distance_m"]}
    assert {(p["lon"], p["lat"]) for p in moved} == {(far["lon"], far["lat"])}


def _far_site(found: dict[str, Any], other_than: int) -> dict[str, Any]:
    return next(p for p in reversed(found["positions"]) if p["site_id"] != other_than)


def test_renamed_occupations_and_bulk_updates_reload_the_board(world: tuple[Engine, CircleService]) -> None:
    engine, service = world
    with engine.connect() as conn:
        points = _points(conn)[:3]
        _assert_same(service, conn, points)
    with engine.begin() as conn:
        conn.execute(text("UPDATE occupations SET name = name || '（新）'"))
        count = conn.execute(BULK_COPIES).rowcount
        logged = conn.execute(
            text(
                "SELECT row_id FROM row_changes WHERE txid = pg_current_xact_id() AND table_name = 'vacancies'"
            )
        ).all()
    assert count == 2500 and logged == [(None,)]  # too many to log one by one: "reload everything"
    with engine.connect() as conn:
        assert _assert_same(service, conn, points) > 100
        names = positions_in_circle(service, conn, _query(service, conn, *points[0], 3000.0), JobFilters())
    assert all(p["occupation"].endswith("（新）") for p in names["positions"] if p["occupation"])


def test_the_change_log_records_ids_or_one_row_for_many(world: tuple[Engine, CircleService]) -> None:
    engine, _ = world
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO occupations (code, name, level) VALUES ('9-99-99-99', '测试', 'detail')")
        )
        logged = conn.execute(
            text("SELECT table_name, row_id FROM row_changes WHERE txid = pg_current_xact_id()")
        ).all()
    assert logged == [("occupations", None)]
    with engine.begin() as conn:
        conn.execute(text("UPDATE occupations SET name = '测试二' WHERE code = '9-99-99-99'"))
    ids = np.arange(900_001, 900_006)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO enterprises (enterprise_id, name, area_code, record_status) "
                "SELECT i, '企业' || i, '341522100000', 'approved' FROM unnest(CAST(:ids AS bigint[])) i"
            ),
            {"ids": ids.tolist()},
        )
        rows = conn.execute(
            text(
                "SELECT table_name, row_id FROM row_changes WHERE txid = pg_current_xact_id() ORDER BY row_id"
            )
        ).all()
    assert rows == [("enterprises", int(i)) for i in ids]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE enterprises SET name = name WHERE enterprise_id > 999999")
        )  # no rows: no entry
        conn.execute(text("DELETE FROM enterprises WHERE enterprise_id = 900003"))
        rows = conn.execute(
            text("SELECT table_name, row_id FROM row_changes WHERE txid = pg_current_xact_id()")
        ).all()
    assert rows == [("enterprises", 900_003)]


@pytest.mark.parametrize("big", [False, True])  # ids beyond 2**31 take the append-and-sort path
def test_merging_changed_rows_keeps_the_board_sorted(big: bool) -> None:
    rng = np.random.default_rng(3)
    base = 2**31 if big else 0

    def rows(n: int, first_id: int) -> BoardRows:
        site = rng.integers(1, 50, n) + base
        vid = np.arange(first_id, first_id + n) + base
        shown = np.fromiter(((int(v), int(s)) for v, s in zip(vid, site, strict=True)), object, n)
        return BoardRows(
            vid,
            site,
            site * 10,
            np.ones(n, np.int64),
            np.full(n, 5000.0),
            np.ones(n, np.int8),
            np.full(n, NO_END, np.int32),
            np.zeros((4, n), np.int32),
            shown,
        )

    old, new = _sorted(rows(300, 1)), rows(40, 1000)
    keep = rng.random(300) > 0.2
    merged = _merged(old, keep, new)
    pairs = list(zip(merged.site_id.tolist(), merged.vacancy_id.tolist(), strict=True))
    kept = zip(old.site_id[keep].tolist(), old.vacancy_id[keep].tolist(), strict=True)
    assert pairs == sorted([*kept, *zip(new.site_id.tolist(), new.vacancy_id.tolist(), strict=True)])
    assert [t[::-1] for t in merged.shown.tolist()] == pairs  # every column moved with its row
    assert merged.enterprise_id.tolist() == [s * 10 for s, _ in pairs]
