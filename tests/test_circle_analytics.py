"""County-wide circle analytics and live updates on the small demo county (real PostGIS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app
from geo.core.db import create_db_engine
from geo.core.settings import Settings
from matching.analytics.live import site_changed
from matching.analytics.store import analyze_circles
from matching.circle.service import CircleService


@pytest.fixture
def demo_engine(demo_db_url: str) -> Iterator[Engine]:
    eng = create_db_engine(demo_db_url, pool_size=2)
    yield eng
    eng.dispose()


def _tables(eng: Engine) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    with eng.connect() as conn:
        return {
            "residents": conn.execute(
                text(
                    "SELECT resident_id, positions_in_reach, matching_positions, access_index"
                    " FROM circle_resident_stats ORDER BY resident_id"
                )
            ).all(),
            "sites": conn.execute(
                text(
                    "SELECT site_id, positions, group_positions::text, candidates, weighted_demand,"
                    " supply_ratio FROM circle_site_stats ORDER BY site_id"
                )
            ).all(),
            "areas": conn.execute(
                text(
                    "SELECT area_code, level, residents, seekers, positions, positions_in_reach,"
                    " access_index, balance FROM circle_area_stats"
                    " ORDER BY area_code"
                )
            ).all(),
        }


def test_analytics_tables_and_conservation(demo_engine: Engine, demo_db_url: str) -> None:
    service = CircleService(Settings(database_url=demo_db_url))
    summary = analyze_circles(demo_engine, service, mode="walk", metric="length", limit=3000.0)
    with demo_engine.connect() as conn:
        n_res = conn.execute(text("SELECT count(*) FROM residents")).scalar_one()
        assert conn.execute(text("SELECT count(*) FROM circle_resident_stats")).scalar_one() == n_res
        assert summary.residents == n_res
        levels = dict(
            conn.execute(text("SELECT level, count(*) FROM circle_area_stats GROUP BY level")).all()
        )
        assert levels == {"village": 33, "township": 3}
        # every position a seeker can claim comes from a site whose circle holds seekers: Σ D_i A_i = Σ P_j
        claimed = conn.execute(
            text("SELECT sum(balance + seekers) FROM circle_area_stats WHERE level = 'village'")
        ).scalar_one()
        supplied = conn.execute(
            text("SELECT sum(positions) FROM circle_site_stats WHERE weighted_demand > 0")
        ).scalar_one()
        assert claimed == pytest.approx(supplied, rel=1e-9)
        townships = conn.execute(
            text("SELECT sum(positions) FROM circle_area_stats WHERE level = 'township'")
        ).scalar_one()
        assert townships == conn.execute(text("SELECT sum(positions) FROM circle_site_stats")).scalar_one()


def test_resident_figures_equal_the_circle_endpoint(
    demo_engine: Engine, demo_db_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=demo_db_url, data_dir=tmp_path)
    analyze_circles(demo_engine, CircleService(settings), mode="walk", metric="length", limit=3000.0)
    with demo_engine.connect() as conn:
        sample = conn.execute(
            text(
                "SELECT ST_X(r.geom), ST_Y(r.geom), c.positions_in_reach FROM residents r"
                " JOIN circle_resident_stats c USING (resident_id) WHERE c.on_network"
                " ORDER BY r.resident_id LIMIT 12"
            )
        ).all()
    with TestClient(create_app(settings)) as client:
        for lon, lat, expected in sample:
            body = client.get(
                "/api/v1/circle", params={"lon": lon, "lat": lat, "limit": 1, "reach": False}
            ).json()
            assert body["position_count"] == expected


def test_live_update_equals_a_full_rerun(demo_engine: Engine, demo_db_url: str) -> None:
    service = CircleService(Settings(database_url=demo_db_url))
    analyze_circles(demo_engine, service, mode="walk", metric="length", limit=3000.0, decay="gaussian")
    with demo_engine.begin() as conn:
        site = conn.execute(
            text(
                "SELECT s.site_id, s.enterprise_id FROM enterprise_sites s JOIN admin_areas a ON a.code = s.area_code"
                " ORDER BY s.site_id LIMIT 1"
            )
        ).one()
        conn.execute(
            text(
                "INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,"
                " area_code) SELECT :e, :s, '电焊工', '6-18-02-04', 7, 5000, 8000, area_code"
                " FROM enterprise_sites WHERE site_id = :s"
            ),
            {"e": site.enterprise_id, "s": site.site_id},
        )
        closed = conn.execute(
            text(
                "UPDATE vacancies SET status = 'closed' WHERE vacancy_id = (SELECT min(vacancy_id) FROM vacancies"
                " WHERE site_id <> :s AND status = 'open') RETURNING site_id"
            ),
            {"s": site.site_id},
        ).scalar_one()
    first = site_changed(demo_engine, service, site.site_id)
    site_changed(demo_engine, service, closed)
    assert first.runs == 1 and first.residents_touched > 0
    live = _tables(demo_engine)
    analyze_circles(demo_engine, service, mode="walk", metric="length", limit=3000.0, decay="gaussian")
    full = _tables(demo_engine)
    for table in ("sites", "residents", "areas"):
        assert len(live[table]) == len(full[table])
        for a, b in zip(live[table], full[table], strict=True):
            for x, y in zip(a, b, strict=True):
                if isinstance(x, float):
                    assert x == pytest.approx(y, rel=1e-9, abs=1e-9), (table, a, b)
                else:
                    assert x == y, (table, a, b)


def test_analyze_cli(demo_db_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": demo_db_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    ok = runner.invoke(app, ["analyze", "circles", "--radius", "2000", "--mode", "ebike"], env=env)
    assert ok.exit_code == 0, ok.output
    assert "residents" in ok.output and "open positions" in ok.output
    bad = runner.invoke(app, ["analyze", "circles", "--mode", "plane"], env=env)
    assert bad.exit_code == 2 and "unknown mode 'plane'" in bad.output
    zero = runner.invoke(app, ["analyze", "circles", "--radius", "0"], env=env)
    assert zero.exit_code == 2 and "must be greater than 0" in zero.output


def test_resident_live_updates_equal_a_full_rerun(demo_engine: Engine, demo_db_url: str) -> None:
    from matching.analytics.live_residents import resident_changed

    service = CircleService(Settings(database_url=demo_db_url))
    analyze_circles(demo_engine, service, mode="walk", metric="length", limit=3000.0, decay="gaussian")
    with demo_engine.begin() as conn:
        ids = (
            conn.execute(
                text(
                    "SELECT resident_id FROM residents WHERE status = 'seeking' ORDER BY resident_id LIMIT 3"
                )
            )
            .scalars()
            .all()
        )
        far = conn.execute(
            text(
                "SELECT village_code, geom FROM residents WHERE village_code <> "
                "(SELECT village_code FROM residents WHERE resident_id = :r) ORDER BY resident_id DESC LIMIT 1"
            ),
            {"r": ids[0]},
        ).one()
        conn.execute(  # moves to another village
            text("UPDATE residents SET geom = :g, village_code = :v, area_code = :v WHERE resident_id = :r"),
            {"g": far.geom, "v": far.village_code, "r": ids[0]},
        )
        conn.execute(
            text("UPDATE residents SET status = 'employed_local' WHERE resident_id = :r"), {"r": ids[1]}
        )
        conn.execute(text("DELETE FROM residents WHERE resident_id = :r"), {"r": ids[2]})
    for rid in ids:
        update = resident_changed(demo_engine, service, rid)
        assert update.runs == 1
    live = _tables(demo_engine)
    analyze_circles(demo_engine, service, mode="walk", metric="length", limit=3000.0, decay="gaussian")
    full = _tables(demo_engine)
    for table in ("sites", "residents", "areas"):
        assert len(live[table]) == len(full[table]), table
        for a, b in zip(live[table], full[table], strict=True):
            for x, y in zip(a, b, strict=True):
                if isinstance(x, float):
                    assert x == pytest.approx(y, rel=1e-9, abs=1e-9), (table, a, b)
                else:
                    assert x == y, (table, a, b)


def test_counting_by_edge_equals_counting_point_by_point(demo_engine: Engine, demo_db_url: str) -> None:
    from matching.analytics.compute import compute, load_inputs

    service = CircleService(Settings(database_url=demo_db_url))
    with demo_engine.connect() as conn:
        net = service.network(conn)
        inputs = load_inputs(conn, srid=net.srid)
    for mode, metric, limit in (("walk", "length", 3000.0), ("car", "time", 600.0)):
        fast = compute(service, net, inputs, mode=mode, metric=metric, limit=limit, by_edge=True)
        slow = compute(service, net, inputs, mode=mode, metric=metric, limit=limit, by_edge=False)
        assert (fast.positions_in_reach == slow.positions_in_reach).all()
        assert (fast.matching_positions == slow.matching_positions).all()
        assert (fast.candidates == slow.candidates).all()
        assert fast.weighted_demand == pytest.approx(slow.weighted_demand, rel=1e-12)
        assert fast.supply_ratio == pytest.approx(slow.supply_ratio, rel=1e-12)
        assert fast.access_index == pytest.approx(slow.access_index, rel=1e-9, abs=1e-12)
        assert fast.positions_in_reach.sum() > 0


def test_two_connection_read_equals_one(demo_engine: Engine) -> None:
    # the residents are read in two halves of the table's pages under one exported snapshot
    import numpy as np

    from matching.analytics.compute import load_inputs
    from matching.analytics.store import _read_inputs

    with demo_engine.connect() as conn:
        one = load_inputs(conn, srid=4548)
    two = _read_inputs(demo_engine, 4548)
    assert len(one.resident_ids) > 1000
    a, b = np.argsort(one.resident_ids), np.argsort(two.resident_ids)
    for name in ("resident_ids", "rx", "ry", "available", "resident_group", "village", "township"):
        assert np.array_equal(getattr(one, name)[a], getattr(two, name)[b]), name
    assert np.array_equal(one.site_group_positions, two.site_group_positions)


def test_rerunning_replaces_the_runs_partition(demo_engine: Engine, demo_db_url: str) -> None:
    service = CircleService(Settings(database_url=demo_db_url))
    for _ in range(2):
        analyze_circles(demo_engine, service, mode="walk", metric="length", limit=3000.0)
    with demo_engine.connect() as conn:
        parts = conn.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'circle_resident_stats'::regclass")
        ).scalar_one()
        rows = conn.execute(text("SELECT count(*) FROM circle_resident_stats")).scalar_one()
        residents = conn.execute(text("SELECT count(*) FROM residents")).scalar_one()
    assert parts == 1 and rows == residents
