"""The plain-2SFCA site sweep in one compiled kernel: every site's search, split and sums, sites spread over threads.

Each thread takes every n-th site and keeps its own work buffers and its own running sums (per edge and per
resident); the sums of the threads are added at the end. Per site it does what CircleSearch.search + split
do (geo/engine/circle.py, geo/engine/kernels.py): a bounded search from the site's snapped position, the edges wholly
within the limit, and the remaining points one by one (partial edges, points at nodes, the site's own edge).
A site's supply ratio is known right after its own search, so one pass gives positions, matches and access.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
from numba import njit, prange

from geo.engine.bucket_queue import EMPTY, bucket_width, layout
from geo.engine.circle import PointSet
from geo.engine.kernels import bucket_search, start_seeds
from geo.engine.network import F8, I4, I8, ModeGraph, dead_ends
from geo.engine.reached import covered_edges, evaluate_node_points, evaluate_points, same_edge_points

_LOCK = threading.Lock()  # one sweep at a time: each already uses every core


@dataclass(frozen=True)
class SweepSums:
    """What the sweep adds up: per site, per edge (whole edges) and per point (rim points)."""

    candidates: I8
    weighted: F8
    ratio: F8
    edge_pos: I8
    edge_match: I8  # edges × occupation groups
    edge_access: F8
    pt_pos: I8
    pt_match: I8
    pt_access: F8


@njit(cache=True, nogil=True, parallel=True)
def _sweep(  # type: ignore[no-untyped-def]
    indptr,
    head,
    weight,
    leaf,
    arc_edge,
    arc_forward,
    u,
    v,
    fwd,
    bwd,
    length,
    pt_ptr,
    pt_index,
    pt_offset,
    node_ptr,
    node_index,
    pt_edge,
    site_edge,
    site_offset,
    positions,
    group_positions,
    avail,
    group,
    edge_demand,
    limit,
    inv,
    max_weight,
    n_buckets,
    candidates,
    weighted,
    ratio,
    edge_pos,
    edge_match,
    edge_access,
    pt_pos,
    pt_match,
    pt_access,
):
    n_chunks = edge_pos.shape[0]
    n_nodes = len(indptr) - 1
    n_edges = len(u)
    n_points = len(pt_offset)
    n_groups = group_positions.shape[1]
    not_needed = np.empty(0, np.bool_)
    no_nodes = np.empty(0, np.int32)
    for c in prange(n_chunks):
        dist = np.full(n_nodes, np.inf)
        touched = np.empty(n_nodes, np.int32)
        heads = np.full(n_buckets, EMPTY, np.int32)
        pool = np.empty((len(head) + 3, 2), np.int32)
        mark = np.zeros(n_edges, np.int64)
        cov = np.empty(n_edges, np.int32)
        best = np.full(n_points, np.inf)
        hit = np.empty(n_points, np.int32)
        seed_nodes = np.empty(2, np.int32)
        seed_costs = np.empty(2, np.float64)
        stamp = 0
        for s in range(c, len(site_edge), n_chunks):
            e = site_edge[s]
            if e < 0:
                continue
            stamp += 1
            off = site_offset[s]
            ns = start_seeds(u, v, fwd, bwd, length, e, off, seed_nodes, seed_costs)
            count, pool = bucket_search(
                indptr,
                head,
                weight,
                leaf,
                seed_nodes[:ns],
                seed_costs[:ns],
                limit,
                dist,
                touched,
                inv,
                max_weight,
                heads,
                pool,
                not_needed,
                no_nodes,
            )
            n_cov = covered_edges(
                touched, count, dist, indptr, arc_edge, arc_forward, fwd, bwd, limit, e, mark, stamp, cov
            )
            nhit = evaluate_points(
                touched,
                count,
                dist,
                indptr,
                arc_edge,
                arc_forward,
                fwd,
                bwd,
                length,
                pt_ptr,
                pt_index,
                pt_offset,
                limit,
                best,
                hit,
                mark,
                stamp,
            )
            nhit = evaluate_node_points(
                touched, count, dist, node_ptr, node_index, limit, best, hit, nhit, pt_edge, mark, stamp
            )
            nhit = same_edge_points(
                e, off, fwd, bwd, length, pt_ptr, pt_index, pt_offset, limit, best, hit, nhit
            )
            for t in range(count):
                dist[touched[t]] = np.inf
            demand = 0.0
            for k in range(n_cov):
                demand += edge_demand[cov[k]]
            for k in range(nhit):
                p = hit[k]
                best[p] = np.inf
                if avail[p]:
                    demand += 1.0
            candidates[s] = int(demand + 0.5)
            weighted[s] = demand
            pos = positions[s]
            if pos <= 0:
                continue
            for k in range(n_cov):
                edge_pos[c, cov[k]] += pos
            for g in range(n_groups):
                pg = group_positions[s, g]
                if pg != 0:
                    for k in range(n_cov):
                        edge_match[c, cov[k], g] += pg
            for k in range(nhit):
                p = hit[k]
                pt_pos[c, p] += pos
                pt_match[c, p] += group_positions[s, group[p]]
            if demand > 0:
                r = pos / demand
                ratio[s] = r
                for k in range(n_cov):
                    edge_access[c, cov[k]] += r
                for k in range(nhit):
                    pt_access[c, hit[k]] += r


def sweep_sites(
    graph: ModeGraph,
    targets: PointSet,
    site_edge: I4,
    site_offset: F8,
    positions: I8,
    group_positions: I8,
    available: npt.NDArray[np.bool_],
    group: I8,
    edge_demand: F8,
    limit: float,
) -> SweepSums:
    """Per site: candidates, demand, ratio; per edge and per point: positions, matches, access (thread sums added)."""
    chunks = max(1, numba.get_num_threads())
    n_sites, m, n = len(site_edge), graph.n_edges, len(targets)
    n_groups = group_positions.shape[1]
    candidates = np.zeros(n_sites, np.int64)
    weighted = np.zeros(n_sites, np.float64)
    ratio = np.zeros(n_sites, np.float64)
    edge_pos = np.zeros((chunks, m), np.int64)
    edge_match = np.zeros((chunks, m, n_groups), np.int32)
    edge_access = np.zeros((chunks, m), np.float64)
    pt_pos = np.zeros((chunks, n), np.int64)
    pt_match = np.zeros((chunks, n), np.int64)
    pt_access = np.zeros((chunks, n), np.float64)
    a = graph.arcs
    max_weight = float(a.weight.max()) if len(a.weight) else 0.0
    inv, n_buckets = layout(bucket_width(a.weight), max_weight, limit)
    with _LOCK:
        _sweep(
            a.indptr,
            a.head,
            a.weight,
            dead_ends(graph),
            a.edge,
            a.forward,
            graph.u,
            graph.v,
            graph.fwd,
            graph.bwd,
            graph.length_m,
            targets.ptr,
            targets.index,
            targets.snapped.offset_m,
            targets.node_ptr,
            targets.node_index,
            targets.snapped.edge,
            np.ascontiguousarray(site_edge, np.int32),
            np.ascontiguousarray(site_offset, np.float64),
            np.ascontiguousarray(positions, np.int64),
            np.ascontiguousarray(group_positions, np.int64),
            np.ascontiguousarray(available, np.bool_),
            np.ascontiguousarray(group, np.int64),
            np.ascontiguousarray(edge_demand, np.float64),
            float(limit),
            inv,
            max_weight,
            n_buckets,
            candidates,
            weighted,
            ratio,
            edge_pos,
            edge_match,
            edge_access,
            pt_pos,
            pt_match,
            pt_access,
        )
    return SweepSums(
        candidates,
        weighted,
        ratio,
        edge_pos.sum(axis=0),
        edge_match.sum(axis=0, dtype=np.int64),
        edge_access.sum(axis=0),
        pt_pos.sum(axis=0),
        pt_match.sum(axis=0),
        pt_access.sum(axis=0),
    )
