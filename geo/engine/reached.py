"""Compiled (numba) kernels that read what a search reached: points on edges, whole edges, parts of edges."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def evaluate_points(
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
):  # type: ignore[no-untyped-def]
    """Cost of every point on an edge leaving a reached node, via that edge; returns how many points were hit.

    best must be inf for untouched points; hit receives the indices of points whose best was set. Edges with
    mark[e] == stamp are skipped (their points are counted wholesale by the caller).
    """
    nhit = 0
    for t in range(count):
        a = touched[t]
        da = dist[a]
        for j in range(indptr[a], indptr[a + 1]):
            e = arc_edge[j]
            start = pt_ptr[e]
            stop = pt_ptr[e + 1]
            if start == stop or mark[e] == stamp:
                continue
            seg = length[e]
            forward = arc_forward[j]
            full = fwd[e] if forward else bwd[e]
            for k in range(start, stop):
                p = pt_index[k]
                if seg > 0.0:
                    along = pt_offset[p] if forward else seg - pt_offset[p]
                    c = da + full * (along / seg)
                else:
                    c = da
                if c <= limit and c < best[p]:
                    if best[p] == np.inf:
                        hit[nhit] = p
                        nhit += 1
                    best[p] = c
    return nhit


@njit(cache=True, nogil=True)
def evaluate_node_points(
    touched, count, dist, node_ptr, node_index, limit, best, hit, nhit, pt_edge, mark, stamp
):  # type: ignore[no-untyped-def]
    """Points located exactly at a reached node cost what the node costs; returns the new hit count.

    Points whose own edge has mark == stamp are skipped (counted wholesale by the caller).
    """
    for t in range(count):
        a = touched[t]
        da = dist[a]
        if da > limit:
            continue
        for k in range(node_ptr[a], node_ptr[a + 1]):
            p = node_index[k]
            if mark[pt_edge[p]] == stamp:
                continue
            if da < best[p]:
                if best[p] == np.inf:
                    hit[nhit] = p
                    nhit += 1
                best[p] = da
    return nhit


@njit(cache=True, nogil=True)
def covered_edges(
    touched, count, dist, indptr, arc_edge, arc_forward, fwd, bwd, limit, skip_edge, mark, stamp, out
):  # type: ignore[no-untyped-def]
    """Edges whose every point is within limit, through one end; marks them with stamp, returns their count."""
    n = 0
    for t in range(count):
        a = touched[t]
        da = dist[a]
        for j in range(indptr[a], indptr[a + 1]):
            e = arc_edge[j]
            if e == skip_edge or mark[e] == stamp:
                continue
            full = fwd[e] if arc_forward[j] else bwd[e]
            if da + full <= limit:
                mark[e] = stamp
                out[n] = e
                n += 1
    return n


@njit(cache=True, nogil=True)
def counting_sort(keys, values, ptr, out):  # type: ignore[no-untyped-def]
    """Stable placement of values by key into out, given ptr (the keys' cumulative counts)."""
    fill = ptr[:-1].copy()
    for i in range(len(keys)):
        k = keys[i]
        out[fill[k]] = values[i]
        fill[k] += 1


@njit(cache=True, nogil=True)
def reached_parts(
    nodes,
    node_cost,
    indptr,
    arc_edge,
    arc_forward,
    fwd,
    bwd,
    limit,
    frac_u,
    frac_v,
    stamp_of,
    stamp,
    seen,
    out_edge,
    out_t0,
    out_t1,
):  # type: ignore[no-untyped-def]
    """The reached stretch of every edge leaving a reached node: whole, or cut at the remaining cost from each end.

    frac_u/frac_v/stamp_of/seen are per-edge scratch (stamp_of[e] == stamp marks this call's edges); writes
    parts (edge, from-fraction, to-fraction; room for two per edge) and returns their count. The start's own
    edge is left to the caller.
    """
    n_edges_seen = 0
    for t in range(len(nodes)):
        a = nodes[t]
        da = node_cost[t]
        if not da < limit:
            continue
        for j in range(indptr[a], indptr[a + 1]):
            e = arc_edge[j]
            full = fwd[e] if arc_forward[j] else bwd[e]
            f = min(1.0, (limit - da) / full) if full > 0.0 else 1.0
            if stamp_of[e] != stamp:
                stamp_of[e] = stamp
                frac_u[e] = 0.0
                frac_v[e] = 0.0
                seen[n_edges_seen] = e
                n_edges_seen += 1
            if arc_forward[j]:
                frac_u[e] = max(frac_u[e], f)
            else:
                frac_v[e] = max(frac_v[e], f)
    n = 0
    for k in range(n_edges_seen):
        e = seen[k]
        fu = frac_u[e]
        fv = frac_v[e]
        if fu + fv >= 1.0:
            out_edge[n] = e
            out_t0[n] = 0.0
            out_t1[n] = 1.0
            n += 1
            continue
        if fu > 0.0:
            out_edge[n] = e
            out_t0[n] = 0.0
            out_t1[n] = fu
            n += 1
        if fv > 0.0:
            out_edge[n] = e
            out_t0[n] = 1.0 - fv
            out_t1[n] = 1.0
            n += 1
    return n


@njit(cache=True, nogil=True)
def same_edge_points(e, offset, fwd, bwd, length, pt_ptr, pt_index, pt_offset, limit, best, hit, nhit):  # type: ignore[no-untyped-def]
    """Points on the start's own edge reached directly along it; newly reached ones appended to ``hit``."""
    seg = length[e]
    f_ok = math.isfinite(fwd[e])
    b_ok = math.isfinite(bwd[e])
    rate_f = fwd[e] / seg if seg > 0 and f_ok else 0.0
    rate_b = bwd[e] / seg if seg > 0 and b_ok else 0.0
    for k in range(pt_ptr[e], pt_ptr[e + 1]):
        p = pt_index[k]
        delta = pt_offset[p] - offset
        direct = np.inf
        if f_ok and delta >= 0:
            direct = delta * rate_f
        if b_ok and delta <= 0:
            direct = min(direct, -delta * rate_b)
        if direct <= limit and direct < best[p]:
            if best[p] == np.inf:
                hit[nhit] = p
                nhit += 1
            best[p] = direct
    return nhit
