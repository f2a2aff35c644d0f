"""The compiled, threaded site sweep equals counting every resident point by point (random graphs)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.engine.circle import CircleSearch, PointSet
from geo.engine.network import build_mode_graph
from geo.engine.snap import Snapped
from matching.analytics.sweep import sweep_sites


@st.composite
def county(draw: st.DrawFn) -> tuple:
    """A random graph (one-way and closed directions), residents and sites on its edges, groups of trades."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = draw(st.integers(2, 25)), draw(st.integers(1, 50))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    length = rng.uniform(0.5, 600.0, m)
    fwd, bwd = length * rng.uniform(0.5, 2.0, m), length * rng.uniform(0.5, 2.0, m)
    kind = rng.random(m)
    bwd[kind < 0.25] = -1.0
    fwd[(kind >= 0.25) & (kind < 0.3)] = -1.0
    fwd[kind > 0.97], bwd[kind > 0.97] = -1.0, -1.0
    graph = build_mode_graph("test", "length", n, np.arange(m), u, v, length, fwd, bwd)

    def places(k: int) -> tuple[np.ndarray, np.ndarray]:
        edge = rng.integers(0, m, k).astype(np.int32)
        frac = rng.uniform(0, 1, k)
        frac[rng.random(k) < 0.15] = 0.0
        frac[rng.random(k) < 0.15] = 1.0
        edge[rng.random(k) < 0.05] = -1  # off the network
        return edge, np.where(edge >= 0, frac * length[np.maximum(edge, 0)], 0.0)

    k = draw(st.integers(0, 80))
    p_edge, p_off = places(k)
    s_edge, s_off = places(draw(st.integers(1, 12)))
    n_groups = int(rng.integers(1, 4))
    group_positions = rng.integers(0, 4, (len(s_edge), n_groups)) * (
        rng.random((len(s_edge), n_groups)) < 0.6
    )
    available = rng.random(k) < 0.6
    group = rng.integers(0, n_groups, k)
    limit = float(rng.uniform(0, 1500))
    return graph, p_edge, p_off, s_edge, s_off, group_positions.astype(np.int64), available, group, limit


@settings(max_examples=300, deadline=None)
@given(county())
def test_sweep_equals_point_by_point(case: tuple) -> None:
    graph, p_edge, p_off, s_edge, s_off, gp, available, group, limit = case
    targets = PointSet.build(Snapped(p_edge, p_off, np.zeros(len(p_edge))), graph)
    positions = gp.sum(axis=1)
    on = p_edge >= 0
    edge_demand = np.bincount(p_edge[on], weights=available[on].astype(float), minlength=graph.n_edges)
    sums = sweep_sites(
        graph, targets, s_edge, s_off, positions, gp, available, group, edge_demand.astype(np.float64), limit
    )
    e = np.where(on, p_edge, 0)
    got_pos = np.where(on, sums.edge_pos[e], 0) + sums.pt_pos
    got_match = np.where(on, sums.edge_match[e, group], 0) + sums.pt_match
    got_access = np.where(on, sums.edge_access[e], 0.0) + sums.pt_access

    search = CircleSearch(graph)
    want_pos = np.zeros(len(p_edge), np.int64)
    want_match = np.zeros(len(p_edge), np.int64)
    want_access = np.zeros(len(p_edge))
    for j in np.flatnonzero(s_edge >= 0):
        idx, _ = search.points(search.search(int(s_edge[j]), float(s_off[j]), limit), targets, limit)
        demand = float(available[idx].sum())
        assert sums.candidates[j] == demand and sums.weighted[j] == demand
        if positions[j] > 0:
            want_pos[idx] += positions[j]
            want_match[idx] += gp[j, group[idx]]
            if demand > 0:
                assert sums.ratio[j] == positions[j] / demand
                want_access[idx] += positions[j] / demand
    assert (sums.candidates[s_edge < 0] == 0).all() and (sums.ratio[s_edge < 0] == 0).all()
    assert np.array_equal(got_pos, want_pos)
    assert np.array_equal(got_match, want_match)
    assert got_access == pytest.approx(want_access, rel=1e-12, abs=1e-12)
