"""The bucket-queue search equals the binary-heap Dijkstra bit for bit (random graphs, weights over many scales).

Arc weights span eight orders of magnitude (and some are 0), so many relaxations land in the bucket being
drained and labels are corrected there; narrow buckets, one bucket for everything, a pool of one entry (it
grows) and too few buckets (more are made) all give the heap's costs, node for node.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.engine.bucket_queue import EMPTY, BucketBuffers, bucket_width, layout, new_pool
from geo.engine.circle import CircleSearch, PointSet, Reach
from geo.engine.kernels import bounded_dijkstra, bucket_search
from geo.engine.network import ModeGraph, build_mode_graph, dead_ends
from geo.engine.snap import Snapped
from matching.rebalance.travel_matrix import travel_rows
from tests.bruteforce import split_graph_costs

NO_STOPS = np.empty(0, np.int64)
NOT_NEEDED = np.empty(0, np.bool_)
NO_NODES = np.empty(0, np.int32)


@st.composite
def wide_graph(draw: st.DrawFn) -> tuple:
    """A random graph whose costs span 1e-4 .. 1e4 (some 0), with one-way and closed directions, and seeds."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 40))
    m = draw(st.integers(1, 120))
    u = rng.integers(0, n, m).astype(np.int32)
    v = rng.integers(0, n, m).astype(np.int32)
    length = 10.0 ** rng.uniform(-4, 4, m)
    fwd = length * rng.uniform(0.5, 2.0, m)
    bwd = length * rng.uniform(0.5, 2.0, m)
    fwd[rng.random(m) < 0.05] = 0.0
    bwd[rng.random(m) < 0.05] = 0.0
    kind = rng.random(m)
    bwd[kind < 0.25] = -1.0
    fwd[(kind >= 0.25) & (kind < 0.3)] = -1.0
    fwd[kind > 0.97], bwd[kind > 0.97] = -1.0, -1.0
    graph = build_mode_graph("test", "length", n, np.arange(m), u, v, length, fwd, bwd)
    k = int(rng.integers(1, 5))
    seed_nodes = rng.integers(0, n, k).astype(np.int32)
    seed_costs = np.where(rng.random(k) < 0.5, 0.0, 10.0 ** rng.uniform(-4, 4, k))
    limit = float(draw(st.sampled_from([np.inf, float(10.0 ** rng.uniform(-2, 4.5))])))
    return graph, seed_nodes, seed_costs, limit


def heap_costs(graph: ModeGraph, seed_nodes: np.ndarray, seed_costs: np.ndarray, limit: float) -> np.ndarray:
    """Every node's cost by the binary-heap Dijkstra (inf beyond the limit)."""
    n = graph.n_nodes
    dist = np.full(n, np.inf)
    a = graph.arcs
    bounded_dijkstra(
        a.indptr,
        a.head,
        a.weight,
        seed_nodes,
        seed_costs,
        limit,
        NO_STOPS,
        dist,
        np.empty(n, np.int64),
        np.empty(n, np.int32),
    )
    return dist


def bucket_costs(
    graph: ModeGraph,
    seed_nodes: np.ndarray,
    seed_costs: np.ndarray,
    limit: float,
    *,
    width: float | None = None,
    pool: int | None = None,
    heads: int | None = None,
    needed: np.ndarray = NOT_NEEDED,
) -> tuple[np.ndarray, np.ndarray]:
    """Every node's cost by the bucket search (inf where untouched), and the touched nodes."""
    n = graph.n_nodes
    a = graph.arcs
    dist = np.full(n, np.inf)
    touched = np.empty(n, np.int32)
    max_weight = float(a.weight.max()) if len(a.weight) else 0.0
    inv, n_buckets = layout(bucket_width(a.weight), max_weight, limit)
    if width is not None:
        inv = 1.0 / width
    bucket_heads = np.full(n_buckets if heads is None else heads, EMPTY, np.int32)
    count, _ = bucket_search(
        a.indptr,
        a.head,
        a.weight,
        dead_ends(graph),
        seed_nodes,
        seed_costs,
        limit,
        dist,
        touched,
        inv,
        max_weight,
        bucket_heads,
        new_pool(len(a.head) + 3 if pool is None else pool),
        needed,
        np.flatnonzero(needed).astype(np.int32),
    )
    assert (bucket_heads == EMPTY).all()  # the caller's buckets are left empty
    nodes = touched[:count]
    assert len(np.unique(nodes)) == count
    assert np.isfinite(dist[nodes]).all() and np.isinf(np.delete(dist, nodes)).all()
    return dist, nodes


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal float arrays bit for bit (0.0 is not -0.0)."""
    return a.shape == b.shape and a.tobytes() == b.tobytes()


@settings(max_examples=400, deadline=None)
@given(wide_graph(), st.sampled_from(["layout", "narrow", "one-bucket", "tight"]))
def test_bucket_costs_equal_heap_costs_bit_for_bit(case: tuple, variant: str) -> None:
    graph, seed_nodes, seed_costs, limit = case
    want = heap_costs(graph, seed_nodes, seed_costs, limit)
    variants: dict[str, dict[str, float]] = {
        "layout": {},
        "narrow": {"width": 0.05},  # many buckets, more than laid out: more are made
        "one-bucket": {"width": 1e9},  # every cost in one bucket: label correcting throughout
        "tight": {"pool": 1, "heads": 16},  # the pool grows; too few buckets: more are made
    }
    options = variants[variant]
    got, _ = bucket_costs(
        graph,
        seed_nodes,
        seed_costs,
        limit,
        width=options.get("width"),
        pool=int(options["pool"]) if "pool" in options else None,
        heads=int(options["heads"]) if "heads" in options else None,
    )
    assert same_bits(got, want)


@settings(max_examples=300, deadline=None)
@given(wide_graph(), st.integers(0, 2**32 - 1))
def test_early_stop_leaves_needed_costs_final(case: tuple, seed: int) -> None:
    graph, seed_nodes, seed_costs, limit = case
    rng = np.random.default_rng(seed)
    needed = rng.random(graph.n_nodes) < rng.uniform(0, 0.5)
    full = heap_costs(graph, seed_nodes, seed_costs, limit)
    if rng.random() < 0.7:
        needed &= np.isfinite(full)  # all needed nodes reached: the search stops early
    width = float(rng.choice([0.05, 1.0, 10.0, 100.0, 1000.0, 1e9]))
    got, nodes = bucket_costs(graph, seed_nodes, seed_costs, limit, width=width, needed=needed)
    assert same_bits(got[needed], full[needed])
    assert (got[nodes] >= full[nodes]).all()  # the others keep an upper bound


def test_early_stop_drains_the_bucket_of_the_largest_needed_cost() -> None:
    # 0 → 1 costs 5.5; 0 → 2 → 1 costs 5.1 + 0.2, found while bucket 5 (width 1) is drained
    graph = build_mode_graph(
        "test",
        "time",
        3,
        np.arange(3),
        np.array([0, 0, 2], np.int32),
        np.array([1, 2, 1], np.int32),
        np.ones(3),
        np.array([5.5, 5.1, 0.2]),
        np.full(3, -1.0),
    )
    seed = (np.array([0], np.int32), np.array([0.0]))
    needed = np.array([False, True, False])
    got, _ = bucket_costs(graph, *seed, 100.0, width=1.0, needed=needed)
    assert got[1] == 5.1 + 0.2


@st.composite
def wide_network(draw: st.DrawFn) -> tuple:
    """test_engine_exact's random network with lengths over 1e-3 .. 1e4 m: a start, targets and a limit."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = draw(st.integers(2, 30)), draw(st.integers(1, 60))
    u, v = rng.integers(0, n, m).astype(np.int32), rng.integers(0, n, m).astype(np.int32)
    length = 10.0 ** rng.uniform(-3, 4, m)
    fwd, bwd = length * rng.uniform(0.5, 2.0, m), length * rng.uniform(0.5, 2.0, m)
    kind = rng.random(m)
    bwd[kind < 0.25] = -1.0
    fwd[(kind >= 0.25) & (kind < 0.3)] = -1.0
    fwd[kind > 0.97], bwd[kind > 0.97] = -1.0, -1.0
    graph = build_mode_graph("test", "length", n, np.arange(m), u, v, length, fwd, bwd)
    k = draw(st.integers(1, 40))
    t_edge = rng.integers(0, m, k).astype(np.int32)
    t_frac = rng.uniform(0, 1, k)
    t_frac[rng.random(k) < 0.1] = 0.0
    t_frac[rng.random(k) < 0.1] = 1.0
    src_edge = rng.integers(0, m, int(rng.integers(1, 5))).astype(np.int32)
    src_off = rng.uniform(0, 1, len(src_edge)) * length[src_edge]
    src_off[rng.random(len(src_edge)) < 0.2] = 0.0
    limit = float(10.0 ** rng.uniform(-1, 4.5))
    return graph, src_edge, src_off, t_edge, t_frac * length[t_edge], limit


@settings(max_examples=200, deadline=None)
@given(wide_network())
def test_engine_on_wide_weights_equals_heap_and_bruteforce(case: tuple) -> None:
    graph, src_edge, src_off, t_edge, t_off, limit = case
    targets = PointSet.build(Snapped(t_edge, t_off, np.zeros(len(t_edge))), graph)
    rows = travel_rows(graph, src_edge, src_off, targets, limit)
    search = CircleSearch(graph)
    for r in range(len(src_edge)):
        e, off = int(src_edge[r]), float(src_off[r])
        reach = search.search(e, off, limit)
        nodes, costs = search.seeds(e, off)
        dist = heap_costs(graph, nodes, costs, limit)
        order = np.argsort(reach.nodes)
        assert np.array_equal(reach.nodes[order], np.flatnonzero(np.isfinite(dist)))
        assert same_bits(reach.node_cost[order], dist[reach.nodes[order]])  # the heap's node costs
        reached = np.flatnonzero(np.isfinite(dist)).astype(np.int32)
        want = np.full(len(t_edge), np.inf)
        idx, cost = search.points(Reach(e, off, reached, dist[reached]), targets, limit)
        want[idx] = cost  # the points as costed from the heap's reach
        got = np.full(len(t_edge), np.inf)
        idx, cost = search.points(reach, targets, limit)
        got[idx] = cost
        assert same_bits(got, want) and same_bits(rows[r], want)
        truth = split_graph_costs(graph, (e, off), list(zip(t_edge.tolist(), t_off.tolist(), strict=True)))
        for i, exact in enumerate(truth):
            if exact <= limit - 1e-6 * max(1.0, limit):
                assert abs(got[i] - exact) <= 1e-6 * max(1.0, exact)
            elif exact > limit + 1e-6 * max(1.0, limit):
                assert np.isinf(got[i])
    assert np.isinf(search.dist).all()


def test_layout_stays_small_and_buffers_fit() -> None:
    weight = np.array([1e-6, 0.5, 2.0, 223.0])
    inv, n = layout(bucket_width(weight), 223.0, 2700.0)
    assert n & (n - 1) == 0 and n > 223.0 * inv + 3 and 2700.0 * inv <= 8192
    inv, n = layout(1e-9, 1e6, np.inf)  # no limit: the heaviest arc bounds the array
    assert n <= 16384
    buffers = BucketBuffers(weight)
    inv, heads = buffers.heads(1e5)
    assert len(heads) > 223.0 * inv + 3 and (heads == EMPTY).all()
