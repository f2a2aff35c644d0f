"""The rebalancing plan's caches: travel times equal the per-source searches, inputs stay current, disk reuse.

- the compiled many-to-many kernel gives bit-for-bit the costs of CircleSearch.search + points, searches on the
  reversed graph the same up to rounding;
- cached area balances are reused while nothing changed and re-read after a committed change (a resident's
  status; a new vacancy), never stored by a transaction that has written itself;
- travel-time tables and area balances stored on disk start a new process warm; a changed road network, a
  committed change or another database never reuses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Connection, Engine, text

from geo.core.db import create_db_engine
from geo.core.settings import Settings
from geo.engine.circle import PointSet
from geo.engine.network_load import RoadNetwork
from matching.circle.data_version import is_current, take_stamp
from matching.circle.service import CircleService
from matching.rebalance.cache import cached_balances, read_balances, write_balances
from matching.rebalance.inputs import load_balances
from matching.rebalance.plan import plan_rebalance
from matching.rebalance.travel import CentreTimes, centre_times, fill_cols, fill_rows, matrix
from matching.rebalance.travel_matrix import travel_rows

LIMIT = 1800.0


@pytest.fixture
def demo(demo_db_url: str) -> Iterator[Engine]:
    """An owner engine on a private copy of the small demo."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    yield engine
    engine.dispose()


def _searched_rows(service: CircleService, net: RoadNetwork, times: CentreTimes, mode: str) -> np.ndarray:
    """The old computation: one CircleSearch per centre, costs to the centres by CircleSearch.points."""
    graph = net.graph(mode, "time")
    out = np.full((len(times.edge), len(times.edge)), np.inf)
    for i in range(len(times.edge)):
        if times.edge[i] < 0:
            continue
        search = service.search(graph)
        reach = search.search(int(times.edge[i]), float(times.offset_m[i]), times.limit)
        idx, cost = search.points(reach, times.targets, times.limit)
        out[i, idx] = cost
    return out


def _times(
    service: CircleService, conn: Connection, level: str, mode: str, limit: float = LIMIT
) -> tuple[RoadNetwork, CentreTimes]:
    net = service.network(conn)
    bal = load_balances(conn, level=level, srid=service.settings.metric_srid)  # type: ignore[arg-type]
    return net, centre_times(service, net, bal.x, bal.y, mode=mode, limit=limit)


@pytest.mark.parametrize("mode", ["car", "ebike"])
def test_kernel_rows_equal_the_circle_searches(small_demo_url: str, tmp_path: Path, mode: str) -> None:
    service = CircleService(Settings(database_url=small_demo_url, data_dir=tmp_path))
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        net, times = _times(service, conn, "village", mode)
    eng.dispose()
    old = _searched_rows(service, net, times, mode)
    assert np.isfinite(old).sum() > 3 * len(old)  # the check compares real, reachable pairs
    new = travel_rows(net.graph(mode, "time"), times.edge, times.offset_m, times.targets, LIMIT)
    assert np.array_equal(old, new)  # bit for bit, unreachable pairs inf in both
    reverse = service.reversed_graph(net, mode, "time")
    cols = travel_rows(
        reverse, times.edge, times.offset_m, PointSet.build(times.targets.snapped, reverse), LIMIT
    )
    finite = np.isfinite(old)
    assert np.array_equal(finite, np.isfinite(cols.T))
    assert np.abs(old[finite] - cols.T[finite]).max() < 1e-6
    assert np.array_equal(np.rint(old[finite]), np.rint(cols.T[finite]))


def test_matrix_from_rows_or_columns_agree(small_demo_url: str, tmp_path: Path) -> None:
    eng = create_db_engine(small_demo_url, pool_size=1)
    by_rows = CircleService(Settings(database_url=small_demo_url, data_dir=tmp_path / "a"))
    by_cols = CircleService(Settings(database_url=small_demo_url, data_dir=tmp_path / "b"))
    with eng.connect() as conn:
        net, t_rows = _times(by_rows, conn, "village", "car")
        _, t_cols = _times(by_cols, conn, "village", "car")
    eng.dispose()
    src, snk = np.arange(0, len(t_rows.edge), 2), np.arange(1, len(t_rows.edge), 3)
    fill_rows(by_rows, net, t_rows, src.tolist())
    fill_cols(by_cols, net, t_cols, snk.tolist())
    assert not t_cols.rows and len(t_cols.cols) == len(snk)
    a, b = matrix(t_rows, src, snk), matrix(t_cols, src, snk)
    assert np.array_equal(np.isfinite(a), np.isfinite(b)) and np.isfinite(a).any()
    assert np.allclose(a[np.isfinite(a)], b[np.isfinite(b)], rtol=0, atol=1e-6)


def _first_available(conn: Connection) -> tuple[int, str]:
    """A resident not available for work, with an occupation: making them a job seeker adds one to its group."""
    row = conn.execute(
        text(
            "SELECT resident_id, split_part(occupation_code, '-', 1) || '-' || split_part(occupation_code, '-', 2) "
            "FROM residents WHERE status = 'employed_local' AND occupation_code IS NOT NULL "
            "ORDER BY resident_id LIMIT 1"
        )
    ).one()
    return int(row[0]), str(row[1])


def _surplus(plan_json: dict, group: str) -> int:
    return next(g["surplus"] for g in plan_json["groups"] if g["group"] == group)


def test_balances_are_reused_until_a_resident_changes(demo: Engine, tmp_path: Path) -> None:
    service = CircleService(Settings(database_url=str(demo.url.render_as_string(False)), data_dir=tmp_path))
    with demo.connect() as conn:
        first = cached_balances(service, conn, level="township")
        assert cached_balances(service, conn, level="township") is first  # nothing changed: the same object
        resident, group = _first_available(conn)
        before = plan_rebalance(service, conn, level="township", group=group).as_json()
        conn.rollback()
    with demo.begin() as conn:
        conn.execute(text("UPDATE residents SET status = 'seeking' WHERE resident_id = :r"), {"r": resident})
    with demo.connect() as conn:
        again = cached_balances(service, conn, level="township")
        after = plan_rebalance(service, conn, level="township", group=group).as_json()
    assert again is not first
    k = first.groups.index(group)
    assert int(again.surplus[:, k].sum()) == int(first.surplus[:, k].sum()) + 1
    assert _surplus(after, group) == _surplus(before, group) + 1


def test_a_new_vacancy_shows_in_the_next_plan(demo: Engine, tmp_path: Path) -> None:
    service = CircleService(Settings(database_url=str(demo.url.render_as_string(False)), data_dir=tmp_path))
    with demo.connect() as conn:
        before = plan_rebalance(service, conn, level="village", mode="ebike").totals()
        conn.rollback()
    with demo.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, status, area_code) "
                "SELECT enterprise_id, site_id, '测试', '6-18-02-04', 37, 'open', area_code "
                "FROM enterprise_sites ORDER BY site_id LIMIT 1"
            )
        )
    with demo.connect() as conn:
        after = plan_rebalance(service, conn, level="village", mode="ebike").totals()
    assert after["shortage"] > before["shortage"]


def test_a_writing_transaction_neither_uses_nor_stores_the_cache(demo: Engine, tmp_path: Path) -> None:
    service = CircleService(Settings(database_url=str(demo.url.render_as_string(False)), data_dir=tmp_path))
    with demo.connect() as conn:
        first = cached_balances(service, conn, level="township")
        resident, group = _first_available(conn)
        k = first.groups.index(group)
        conn.rollback()
        conn.execute(text("UPDATE residents SET status = 'seeking' WHERE resident_id = :r"), {"r": resident})
        inside = cached_balances(service, conn, level="township")  # sees its own uncommitted change
        assert int(inside.surplus[:, k].sum()) == int(first.surplus[:, k].sum()) + 1
        assert take_stamp(conn) is None
        conn.rollback()
        after = cached_balances(service, conn, level="township")
    assert after is first  # the rolled-back read was never cached


def test_a_change_committed_after_the_stamp_makes_it_stale(demo: Engine) -> None:
    with demo.connect() as reader, demo.connect() as writer:
        stamp = take_stamp(reader)
        assert stamp is not None and is_current(reader, stamp)
        reader.rollback()
        writer.execute(
            text(
                "UPDATE vacancies SET positions = positions + 1 WHERE vacancy_id = "
                "(SELECT min(vacancy_id) FROM vacancies)"
            )
        )
        assert is_current(reader, stamp)  # not committed yet: nothing the reader can see has changed
        reader.rollback()
        writer.commit()
        assert not is_current(reader, stamp)
        reader.rollback()
        fresh = take_stamp(reader)
        assert fresh is not None and is_current(reader, fresh)


def test_admin_areas_changes_are_logged_too(demo: Engine) -> None:
    with demo.connect() as conn:
        stamp = take_stamp(conn)
        conn.rollback()
    assert stamp is not None
    with demo.begin() as conn:
        conn.execute(
            text(
                "UPDATE admin_areas SET name = name || '' WHERE level = 'village' AND code = "
                "(SELECT min(code) FROM admin_areas WHERE level = 'village')"
            )
        )
    with demo.connect() as conn:
        assert not is_current(conn, stamp)


def test_a_new_process_reads_the_travel_times_from_disk(small_demo_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path)
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        first = plan_rebalance(CircleService(settings), conn, level="village", mode="car")
        stored = sorted((tmp_path / "cache" / "rebalance").glob("car-2700-*.npz"))
        assert len(stored) == 1
        fresh = CircleService(settings)  # as a new process: nothing in memory
        net, times = _times(fresh, conn, "village", "car", 2700.0)
        assert times.rows or times.cols  # loaded from the file before any search
        loaded = {
            k: v.copy() for k, v in {**times.rows, **{-1 - j: c for j, c in times.cols.items()}}.items()
        }
        second = plan_rebalance(fresh, conn, level="village", mode="car")
    eng.dispose()
    assert second.as_json()["flows"] == first.as_json()["flows"]
    assert second.totals() == first.totals()
    old = _searched_rows(fresh, net, times, "car")
    for key, values in loaded.items():
        if key >= 0:
            assert np.array_equal(values, old[key])
        else:
            col = old[:, -1 - key]
            assert np.array_equal(np.isfinite(values), np.isfinite(col))
            assert np.allclose(values[np.isfinite(col)], col[np.isfinite(col)], rtol=0, atol=1e-6)


def test_a_reimported_network_does_not_reuse_stored_times(demo: Engine, tmp_path: Path) -> None:
    url = str(demo.url.render_as_string(False))
    settings = Settings(database_url=url, data_dir=tmp_path)
    with demo.connect() as conn:
        before = plan_rebalance(CircleService(settings), conn, level="township", mode="car")
    # what a re-import does: new road costs and the next network version (every car road twice as slow)
    with demo.begin() as conn:
        conn.execute(
            text(
                "UPDATE road_edges SET cost_car = CASE WHEN cost_car >= 0 THEN cost_car * 2 ELSE cost_car END, "
                "reverse_cost_car = CASE WHEN reverse_cost_car >= 0 THEN reverse_cost_car * 2 "
                "ELSE reverse_cost_car END"
            )
        )
        conn.execute(text("UPDATE road_network_info SET version = version + 1, imported_at = now()"))
    fresh = CircleService(settings)
    with demo.connect() as conn:
        after = plan_rebalance(fresh, conn, level="township", mode="car")
        net, times = _times(fresh, conn, "township", "car", 2700.0)
    assert len(list((tmp_path / "cache" / "rebalance").glob("car-2700-*.npz"))) == 2
    assert after.total_cost != before.total_cost
    old = _searched_rows(fresh, net, times, "car")
    for i, row in times.rows.items():
        assert np.array_equal(row, old[i])
    for j, col in times.cols.items():
        assert np.allclose(
            np.nan_to_num(col, posinf=-1), np.nan_to_num(old[:, j], posinf=-1), rtol=0, atol=1e-6
        )
    by_pair = {(f.from_code, f.to_code, f.group): f.minutes for f in after.flows}
    doubled = {(f.from_code, f.to_code, f.group): f.minutes for f in before.flows}
    common = set(by_pair) & set(doubled)
    assert common and all(by_pair[k] >= doubled[k] for k in common)


def test_a_new_process_reuses_stored_balances_until_a_change(demo: Engine, tmp_path: Path) -> None:
    settings = Settings(database_url=str(demo.url.render_as_string(False)), data_dir=tmp_path)
    with demo.connect() as conn:
        first = cached_balances(CircleService(settings), conn, level="village")
        conn.rollback()
    (path,) = (tmp_path / "cache" / "rebalance").glob("balances-village-*.npz")
    found = read_balances(path)
    assert found is not None
    stamp, stored = found
    assert stored.groups == first.groups and stored.level == "village"
    for name in ("codes", "names", "lon", "lat", "x", "y", "residents", "surplus", "shortage"):
        assert np.array_equal(getattr(stored, name), getattr(first, name)), name
    # mark the stored copy: a new process that trusts the file (nothing changed) returns the marked values
    marked = replace(stored, surplus=stored.surplus + 1000)
    write_balances(path, stamp, marked)
    with demo.connect() as conn:
        reused = cached_balances(CircleService(settings), conn, level="village")
        conn.rollback()
    assert np.array_equal(reused.surplus, first.surplus + 1000)
    with demo.begin() as conn:
        resident, _ = _first_available(conn)
        conn.execute(text("UPDATE residents SET status = 'seeking' WHERE resident_id = :r"), {"r": resident})
    with demo.connect() as conn:
        after = cached_balances(CircleService(settings), conn, level="village")
    assert int(after.surplus.sum()) == int(first.surplus.sum()) + 1  # read afresh, the marked file ignored
    found_again = read_balances(path)
    assert found_again is not None and int(found_again[1].surplus.sum()) == int(first.surplus.sum()) + 1


def test_stored_balances_of_another_database_are_not_used(
    demo: Engine, small_demo_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path)
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        cached_balances(CircleService(settings), conn, level="township")
    eng.dispose()
    copy = Settings(database_url=str(demo.url.render_as_string(False)), data_dir=tmp_path)
    with demo.connect() as conn:
        cached_balances(CircleService(copy), conn, level="township")
    assert len(list((tmp_path / "cache" / "rebalance").glob("balances-township-*.npz"))) == 2
