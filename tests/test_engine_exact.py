"""The circle engine equals a brute-force Dijkstra on the edges split at the points (random graphs)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.engine.circle import CircleSearch, PointSet
from geo.engine.network import build_mode_graph
from geo.engine.snap import Snapped
from geo.engine.trees import Trees
from matching.rebalance.travel_matrix import travel_rows
from tests.bruteforce import split_graph_costs


@st.composite
def random_network(draw: st.DrawFn) -> tuple:
    """A random graph with one-way and forbidden directions, a start and targets on its edges."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(2, 30))
    m = draw(st.integers(1, 60))
    u = rng.integers(0, n, m)
    v = rng.integers(0, n, m)
    length = rng.uniform(0.5, 800.0, m)  # the importer drops zero-length edges
    speed = rng.uniform(0.5, 2.0, m)
    fwd = length * speed
    bwd = length * speed
    kind = rng.random(m)
    bwd[kind < 0.25] = -1.0  # one-way
    fwd[(kind >= 0.25) & (kind < 0.3)] = -1.0  # one-way the other way
    both = kind > 0.97
    fwd[both] = -1.0
    bwd[both] = -1.0
    graph = build_mode_graph("test", "length", n, np.arange(m), u, v, length, fwd, bwd)
    k = draw(st.integers(1, 40))
    t_edge = rng.integers(0, m, k).astype(np.int32)
    t_frac = rng.uniform(0, 1, k)
    t_frac[rng.random(k) < 0.1] = 0.0  # snapped onto a node: offsets clipped to the edge's ends
    t_frac[rng.random(k) < 0.1] = 1.0
    t_off = t_frac * length[t_edge]
    s_edge = int(rng.integers(0, m))
    s_off = float(draw(st.sampled_from([0.0, 1.0, float(rng.uniform(0, 1))])) * length[s_edge])
    limit = float(rng.uniform(0, 3000))
    return graph, (s_edge, s_off), t_edge, t_off, limit


@settings(max_examples=300, deadline=None)
@given(random_network())
def test_points_reached_equal_bruteforce(case: tuple) -> None:
    graph, (s_edge, s_off), t_edge, t_off, limit = case
    targets = PointSet.build(Snapped(t_edge, t_off, np.zeros(len(t_edge))), graph)
    search = CircleSearch(graph)
    reach = search.search(s_edge, s_off, limit)
    idx, cost = search.points(reach, targets, limit)
    got = dict(zip(idx.tolist(), cost.tolist(), strict=True))
    assert len(got) == len(idx)  # every point listed once
    truth = split_graph_costs(graph, (s_edge, s_off), list(zip(t_edge.tolist(), t_off.tolist(), strict=True)))
    for i, want in enumerate(truth):
        if want <= limit - 1e-6:
            assert i in got, (i, want)
            assert abs(got[i] - want) <= 1e-6 * max(1.0, want)
        elif want > limit + 1e-6:
            assert i not in got, (i, want, got.get(i))
    # the work buffers are clean for the next query
    assert np.isinf(search.dist).all()
    assert search._best is not None and np.isinf(search._best).all()


def test_one_way_street_is_one_way() -> None:
    # 0 --(100 m, one-way 0→1)--> 1 ; a target on the edge behind the start is unreachable by car.
    graph = build_mode_graph(
        "car",
        "length",
        2,
        np.array([1]),
        np.array([0]),
        np.array([1]),
        np.array([100.0]),
        np.array([100.0]),
        np.array([-1.0]),
    )
    targets = PointSet.build(Snapped(np.array([0, 0], np.int32), np.array([20.0, 80.0]), np.zeros(2)), graph)
    search = CircleSearch(graph)
    idx, cost = search.points(search.search(0, 50.0, 1000.0), targets, 1000.0)
    assert idx.tolist() == [1]
    assert cost.tolist() == [30.0]


@settings(max_examples=300, deadline=None)
@given(random_network())
def test_split_counts_every_reached_point_exactly_once(case: tuple) -> None:
    graph, (s_edge, s_off), t_edge, t_off, limit = case
    targets = PointSet.build(Snapped(t_edge, t_off, np.zeros(len(t_edge))), graph)
    search = CircleSearch(graph)
    reach = search.search(s_edge, s_off, limit)
    idx, cost = search.points(reach, targets, limit)
    whole, listed, listed_cost = search.split(reach, targets, limit)
    on_whole = np.flatnonzero(np.isin(t_edge, whole))
    assert s_edge not in set(whole.tolist())
    assert not set(on_whole.tolist()) & set(listed.tolist())  # never both
    assert set(on_whole.tolist()) | set(listed.tolist()) == set(idx.tolist())
    exact = dict(zip(idx.tolist(), cost.tolist(), strict=True))
    for p, c in zip(listed.tolist(), listed_cost.tolist(), strict=True):
        assert c == exact[p]
    # a whole edge really is within the limit from end to end
    dist = np.full(graph.n_nodes, np.inf)
    dist[reach.nodes] = reach.node_cost
    for e in whole.tolist():
        assert dist[graph.u[e]] + graph.fwd[e] <= limit or dist[graph.v[e]] + graph.bwd[e] <= limit


@settings(max_examples=200, deadline=None)
@given(random_network(), st.integers(0, 2**32 - 1))
def test_many_to_many_rows_equal_bruteforce(case: tuple, seed: int) -> None:
    # the rebalancing kernel stops each search once every target's entry node is final: same costs
    graph, (s_edge, s_off), t_edge, t_off, limit = case
    rng = np.random.default_rng(seed)
    n_src = int(rng.integers(1, 5))
    src_edge = np.concatenate([[s_edge], rng.integers(0, graph.n_edges, n_src - 1)]).astype(np.int32)
    src_off = np.concatenate([[s_off], rng.uniform(0, 1, n_src - 1) * graph.length_m[src_edge[1:]]])
    targets = PointSet.build(Snapped(t_edge, t_off, np.zeros(len(t_edge))), graph)
    rows = travel_rows(graph, src_edge, src_off, targets, limit)
    # skipping the dead-end trees that hold no source or target changes no cost, bit for bit
    assert np.array_equal(travel_rows(graph, src_edge, src_off, targets, limit, Trees.of(graph)), rows)
    for r in range(n_src):
        search = CircleSearch(graph)
        idx, cost = search.points(search.search(int(src_edge[r]), float(src_off[r]), limit), targets, limit)
        want = np.full(len(t_edge), np.inf)
        want[idx] = cost
        assert np.array_equal(rows[r], want)  # bit for bit the full search's costs
        truth = split_graph_costs(
            graph,
            (int(src_edge[r]), float(src_off[r])),
            list(zip(t_edge.tolist(), t_off.tolist(), strict=True)),
        )
        for i, exact in enumerate(truth):
            if exact <= limit - 1e-6:
                assert abs(rows[r, i] - exact) <= 1e-6 * max(1.0, exact)
            elif exact > limit + 1e-6:
                assert np.isinf(rows[r, i])


def test_dead_end_trees_hang_off_the_core() -> None:
    # a triangle 0-1-2 with a tail 2-3-4 and a one-way spur 1→5: the core is the triangle
    u, v = np.array([0, 1, 2, 2, 3, 1]), np.array([1, 2, 0, 3, 4, 5])
    length = np.full(6, 10.0)
    bwd = length.copy()
    bwd[5] = -1.0
    graph = build_mode_graph("car", "length", 6, np.arange(6), u, v, length, length.copy(), bwd)
    trees = Trees.of(graph)
    assert trees.core.tolist() == [True, True, True, False, False, False]
    assert trees.parent.tolist()[3:] == [2, 3, 1]
    assert trees.allowed(np.array([4], np.int32)).tolist() == [True, True, True, True, True, False]
    flipped = Trees.of(graph.reversed())  # the column searches reuse the forward graph's trees
    assert np.array_equal(flipped.core, trees.core) and np.array_equal(flipped.parent, trees.parent)
