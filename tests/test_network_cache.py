"""The road network cached on disk: read back equal, used instead of the database, replaced on a new import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, text

from geo.core.db import create_db_engine
from geo.core.settings import Settings
from geo.engine.network_load import RoadNetwork, load_network
from matching.circle.service import CircleService

SRID = 4548


@pytest.fixture
def demo_engine(demo_db_url: str) -> Iterator[Engine]:
    eng = create_db_engine(demo_db_url, pool_size=2)
    yield eng
    eng.dispose()


def _load(eng: Engine, cache: Path | None) -> RoadNetwork:
    with eng.connect() as conn:
        net = load_network(conn, srid=SRID, cache_dir=cache)
    assert net is not None
    return net


def _same(a: RoadNetwork, b: RoadNetwork) -> None:
    assert a.version == b.version and np.array_equal(a.node_ids, b.node_ids)
    assert np.array_equal(a.edge_coords.xy, b.edge_coords.xy) and np.array_equal(
        a.edge_coords.ptr, b.edge_coords.ptr
    )
    for key, graph in a.graphs.items():
        other = b.graphs[key]
        assert np.array_equal(graph.fwd, other.fwd) and np.array_equal(graph.bwd, other.bwd)
        assert np.array_equal(graph.arcs.head, other.arcs.head)
    for mode, usable in a.usable.items():
        assert np.array_equal(usable, b.usable[mode])


def test_cached_network_equals_the_database(demo_engine: Engine, tmp_path: Path) -> None:
    fresh = _load(demo_engine, None)
    first = _load(demo_engine, tmp_path)
    assert len(list(tmp_path.glob("network-*.npz"))) == 1
    second = _load(demo_engine, tmp_path)
    _same(fresh, first)
    _same(fresh, second)
    assert np.array_equal(shapely_wkb(fresh), shapely_wkb(second))


def shapely_wkb(net: RoadNetwork) -> np.ndarray:
    import shapely

    return np.asarray(shapely.to_wkb(net.edge_geoms), dtype=object)


def test_cache_is_used_until_the_network_version_changes(demo_engine: Engine, tmp_path: Path) -> None:
    before = _load(demo_engine, tmp_path)
    walk = before.graph("walk", "length")
    e = int(np.flatnonzero(np.isfinite(walk.fwd))[0])
    edge_id = int(walk.edge_ids[e])
    with demo_engine.begin() as conn:  # changed behind the importer's back: the cache does not see it …
        conn.execute(text("UPDATE road_edges SET cost_walk = -1 WHERE edge_id = :e"), {"e": edge_id})
    assert np.isfinite(_load(demo_engine, tmp_path).graph("walk", "time").fwd[e])
    with demo_engine.begin() as conn:  # … an import bumps the version (and the time), and the cache follows
        conn.execute(text("UPDATE road_network_info SET version = version + 1, imported_at = now()"))
    after = _load(demo_engine, tmp_path)
    assert after.version == before.version + 1
    assert not np.isfinite(after.graph("walk", "time").fwd[e])
    assert len(list(tmp_path.glob("network-*.npz"))) == 2


def test_service_reloads_a_new_network_through_the_cache(
    demo_engine: Engine, demo_db_url: str, tmp_path: Path
) -> None:
    service = CircleService(Settings(database_url=demo_db_url, data_dir=tmp_path))
    with demo_engine.connect() as conn:
        first = service.network(conn)
    assert list((tmp_path / "network-cache").glob("network-*.npz"))
    with demo_engine.begin() as conn:
        conn.execute(text("DELETE FROM road_edges WHERE edge_id = (SELECT max(edge_id) FROM road_edges)"))
        conn.execute(text("UPDATE road_network_info SET version = version + 1, imported_at = now()"))
    with demo_engine.connect() as conn:
        second = service.network(conn)
    assert second.version == first.version + 1
    assert second.graph("car", "length").n_edges == first.graph("car", "length").n_edges - 1


def test_unwritable_cache_directory_only_costs_the_cache(demo_engine: Engine, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    net = _load(demo_engine, blocker)
    _same(net, _load(demo_engine, None))
