"""The compiled reach_parts() equals the plain numpy statement of the reached road (random graphs)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from geo.engine.circle import CircleSearch, Reach
from tests.test_engine_exact import random_network


def numpy_parts(search: CircleSearch, reach: Reach, limit: float) -> set[tuple[int, float, float]]:
    """Every edge's stretch within limit from each reached end, over all edges at once (the former code)."""
    g = search.graph
    dist = np.full(g.n_nodes, np.inf)
    dist[reach.nodes] = reach.node_cost
    du, dv = dist[g.u], dist[g.v]
    with np.errstate(invalid="ignore", divide="ignore"):
        fu = np.where(np.isfinite(g.fwd) & (du < limit), np.minimum(1.0, (limit - du) / g.fwd), 0.0)
        fv = np.where(np.isfinite(g.bwd) & (dv < limit), np.minimum(1.0, (limit - dv) / g.bwd), 0.0)
    fu, fv = np.nan_to_num(fu, nan=1.0), np.nan_to_num(fv, nan=1.0)
    parts: set[tuple[int, float, float]] = set()
    for e in np.flatnonzero((fu > 0) | (fv > 0)).tolist():
        if fu[e] + fv[e] >= 1.0:
            parts.add((e, 0.0, 1.0))
            continue
        if fu[e] > 0:
            parts.add((e, 0.0, float(fu[e])))
        if fv[e] > 0:
            parts.add((e, float(1.0 - fv[e]), 1.0))
    e, a, b = search._start_edge_part(reach, limit)
    parts.update(zip(e.tolist(), a.tolist(), b.tolist(), strict=True))
    return parts


@settings(max_examples=300, deadline=None)
@given(random_network())
def test_reach_parts_equal_numpy(case: tuple) -> None:
    graph, (s_edge, s_off), _, _, limit = case
    search = CircleSearch(graph)
    for _ in range(2):  # the scratch buffers are reused between calls
        reach = search.search(s_edge, s_off, limit)
        e, t0, t1 = search.reach_parts(reach, limit)
        got = set(zip(e.tolist(), t0.tolist(), t1.tolist(), strict=True))
        assert got == numpy_parts(search, reach, limit)
