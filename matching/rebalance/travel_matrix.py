"""Many-to-many bounded travel costs between snapped points: one compiled search per source, sources in parallel.

The same computation as ``geo.engine.circle.CircleSearch.search`` followed by ``CircleSearch.points`` (a bounded
search from the source's snapped position, then each target costed along its own edge from a reached end,
at a reached node, or directly along the source's own edge), with the same search kernel
(``geo.engine.kernels.bucket_search``) and the same floating-point operations, so every cost is bit-for-bit what
the per-source searches give (tested). Each search stops once every target's entry node is final. Sources
run under ``prange`` in chunks, each chunk with its own work buffers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import get_num_threads, njit, prange

from geo.engine.bucket_queue import EMPTY, bucket_width, layout
from geo.engine.circle import PointSet
from geo.engine.kernels import bucket_search, start_seeds
from geo.engine.network import ModeGraph, dead_ends
from geo.engine.reached import same_edge_points
from geo.engine.trees import Trees, pruned_arcs

F8 = npt.NDArray[np.float64]


@njit(cache=True, nogil=True)
def _target_costs(dist, t_edge, t_offset, t_node, u, v, fwd, bwd, length, limit, best):  # type: ignore[no-untyped-def]
    """Each target from its edge's ends (the directions its edge allows) and from its node, if it lies on one.

    The same candidates and floating-point operations as costing every reached node's arcs (geo.engine.kernels'
    evaluate_*), but the work is per target, not per reached node; only the targets' entry nodes are read,
    and those are final when the search stops early.
    """
    for p in range(len(t_edge)):
        e = t_edge[p]
        if e < 0:
            continue
        seg = length[e]
        if np.isfinite(fwd[e]):
            da = dist[u[e]]
            c = da + fwd[e] * (t_offset[p] / seg) if seg > 0.0 else da
            if c <= limit and c < best[p]:
                best[p] = c
        if np.isfinite(bwd[e]):
            db = dist[v[e]]
            c = db + bwd[e] * ((seg - t_offset[p]) / seg) if seg > 0.0 else db
            if c <= limit and c < best[p]:
                best[p] = c
        node = t_node[p]
        if node >= 0:
            dn = dist[node]
            if dn <= limit and dn < best[p]:
                best[p] = dn


@njit(cache=True, parallel=True)
def _rows(
    src_edge,
    src_offset,
    n_nodes,
    u,
    v,
    leaf,
    indptr,
    head,
    weight,
    fwd,
    bwd,
    length,
    pt_ptr,
    pt_index,
    pt_offset,
    t_edge,
    t_node,
    needed,
    needed_nodes,
    limit,
    inv,
    max_weight,
    n_buckets,
    chunks,
    out,
):  # type: ignore[no-untyped-def]
    n_src = len(src_edge)
    n_chunks = min(chunks, n_src)
    for c in prange(n_chunks):
        dist = np.full(n_nodes, np.inf)
        touched = np.empty(n_nodes, np.int32)
        heads = np.full(n_buckets, EMPTY, np.int32)
        pool = np.empty((len(head) + 3, 2), np.int32)
        nodes = np.empty(2, np.int32)
        costs = np.empty(2, np.float64)
        hit = np.empty(len(pt_offset), np.int32)  # same_edge_points lists new hits; unused here
        for r in range(c, n_src, n_chunks):
            best = out[r]
            edge = src_edge[r]
            if edge < 0:
                continue
            ns = start_seeds(u, v, fwd, bwd, length, edge, src_offset[r], nodes, costs)
            count, pool = bucket_search(
                indptr,
                head,
                weight,
                leaf,
                nodes[:ns],
                costs[:ns],
                limit,
                dist,
                touched,
                inv,
                max_weight,
                heads,
                pool,
                needed,
                needed_nodes,
            )
            _target_costs(dist, t_edge, pt_offset, t_node, u, v, fwd, bwd, length, limit, best)
            same_edge_points(
                edge, src_offset[r], fwd, bwd, length, pt_ptr, pt_index, pt_offset, limit, best, hit, 0
            )
            for t in range(count):
                dist[touched[t]] = np.inf


def target_nodes(targets: PointSet) -> npt.NDArray[np.int32]:
    """The node each target lies on (snapped onto an end of a usable edge), -1 for the others."""
    node = np.full(len(targets), -1, np.int32)
    counts = np.diff(targets.node_ptr)
    node[targets.node_index] = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    return node


def entry_nodes(graph: ModeGraph, targets: PointSet) -> npt.NDArray[np.bool_]:
    """Nodes through which some target is reached: a target's node, or an end its edge can be entered from."""
    needed = np.zeros(graph.n_nodes, dtype=np.bool_)
    needed[np.flatnonzero(np.diff(targets.node_ptr) > 0)] = True
    edges = np.flatnonzero(np.diff(targets.ptr) > 0)
    needed[graph.u[edges[np.isfinite(graph.fwd[edges])]]] = True  # entered at u, travelling u → v
    needed[graph.v[edges[np.isfinite(graph.bwd[edges])]]] = True
    return needed


def travel_rows(
    graph: ModeGraph,
    src_edge: npt.NDArray[np.int32],
    src_offset: F8,
    targets: PointSet,
    limit: float,
    trees: Trees | None = None,
) -> F8:
    """Costs from each source (snapped edge and offset; edge < 0: off the network) to every target, inf beyond limit.

    With the graph's dead-end ``trees``, the searches skip every tree that holds no source and no target (no
    shortest path between them crosses one): the same costs, bit for bit, with fewer nodes to settle.
    """
    out = np.full((len(src_edge), len(targets)), np.inf)
    if len(src_edge) == 0 or len(targets) == 0:
        return out
    a = graph.arcs
    snapped = targets.snapped
    needed = entry_nodes(graph, targets)
    src_edge = np.ascontiguousarray(src_edge, dtype=np.int32)
    if trees is None:
        indptr, head, weight, leaf = a.indptr, a.head, a.weight, dead_ends(graph)
    else:
        on = src_edge[src_edge >= 0]
        keep = np.concatenate([np.flatnonzero(needed), graph.u[on], graph.v[on]])
        indptr, head, weight, leaf = pruned_arcs(graph, trees.allowed(keep))
    max_weight = float(a.weight.max()) if len(a.weight) else 0.0
    inv, n_buckets = layout(bucket_width(a.weight), max_weight, limit)
    _rows(
        src_edge,
        np.ascontiguousarray(src_offset, dtype=np.float64),
        graph.n_nodes,
        graph.u,
        graph.v,
        leaf,
        indptr,
        head,
        weight,
        graph.fwd,
        graph.bwd,
        graph.length_m,
        targets.ptr,
        targets.index,
        snapped.offset_m,
        np.ascontiguousarray(snapped.edge, dtype=np.int32),
        target_nodes(targets),
        needed,
        np.flatnonzero(needed).astype(np.int32),
        float(limit),
        inv,
        max_weight,
        n_buckets,
        get_num_threads(),
        out,
    )
    return out
