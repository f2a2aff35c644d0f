"""Compiled (numba) kernels of the distance engine: bounded multi-seed searches and their seeds."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from geo.engine.bucket_queue import EMPTY, fit_heads, grow, push
from geo.engine.heap import heap_pop, heap_push


@njit(cache=True, nogil=True)
def bounded_dijkstra(indptr, head, weight, seed_nodes, seed_costs, limit, stop_nodes, dist, pred, touched):  # type: ignore[no-untyped-def]
    """Shortest costs from seeded nodes up to ``limit``, with each node's predecessor arc (-1 at a seed).

    dist must be inf where untouched; writes dist and pred in place, records every node whose dist was set in
    ``touched`` and returns their count (the caller resets dist[touched[:count]] to inf). With stop nodes given,
    the search ends once all of them are settled (they are overwritten with -1).

    Routes (geo.engine.route) use it for the predecessors: under equal-cost ties they depend on the order nodes are
    settled in, which the heap fixes and bucket_search (the searches that need costs only) does not.
    """
    capacity = len(head) + len(seed_nodes) + 1
    keys = np.empty(capacity, np.float64)
    vals = np.empty(capacity, np.int32)
    size = 0
    count = 0
    for s in range(len(seed_nodes)):
        node = seed_nodes[s]
        cost = seed_costs[s]
        if cost <= limit and cost < dist[node]:
            if dist[node] == np.inf:
                touched[count] = node
                count += 1
            dist[node] = cost
            pred[node] = -1
            size = heap_push(keys, vals, size, cost, node)
    remaining = len(stop_nodes)
    while size > 0:
        d, node, size = heap_pop(keys, vals, size)
        if d > dist[node]:
            continue
        if remaining > 0:
            for k in range(len(stop_nodes)):
                if stop_nodes[k] == node:
                    remaining -= 1
                    stop_nodes[k] = -1  # counted once even when popped again at an equal cost
            if remaining == 0:
                break
        for j in range(indptr[node], indptr[node + 1]):
            nd = d + weight[j]
            h = head[j]
            if nd <= limit and nd < dist[h]:
                if dist[h] == np.inf:
                    touched[count] = h
                    count += 1
                dist[h] = nd
                pred[h] = j
                size = heap_push(keys, vals, size, nd, h)
    return count


@njit(cache=True, nogil=True)
def bucket_search(
    indptr,
    head,
    weight,
    leaf,
    seed_nodes,
    seed_costs,
    limit,
    dist,
    touched,
    inv,
    max_weight,
    heads,
    pool,
    needed,
    needed_nodes,
):  # type: ignore[no-untyped-def]
    """Shortest costs from seeded nodes up to ``limit`` on a bucket queue: bounded_dijkstra's costs, bit for bit.

    dist, touched and the count as in bounded_dijkstra (no predecessors; touched in another order); returns
    (count, pool), the pool grown if a search needed more entries (keep it for the next search). ``inv`` (1/Δ),
    ``heads`` (all EMPTY, a power of two long; left so) and the entry ``pool`` are laid out by geo.engine.bucket_queue.
    A dead end (``leaf``: one incident edge) reached from its neighbour gets its cost without entering the
    queue: its only arc leads back and cannot improve anything.

    With ``needed`` given (a per-node mask, and the list of those nodes), the search stops once all of them
    are final: all have a cost and every bucket up to the largest of those costs is drained. Nodes left
    unsettled keep an upper bound (the cost of some path); the caller must not cost anything through them.
    """
    heads = fit_heads(heads, inv, max_weight, seed_costs, limit)
    while True:
        count = _bucket_pass(
            indptr,
            head,
            weight,
            leaf,
            seed_nodes,
            seed_costs,
            limit,
            dist,
            touched,
            inv,
            heads,
            pool,
            needed,
            needed_nodes,
        )
        if count >= 0:
            return count, pool
        for t in range(-count - 1):  # the pool ran out: start again with a larger one
            dist[touched[t]] = np.inf
        heads[:] = EMPTY
        pool = grow(pool)


@njit(cache=True, nogil=True)
def _bucket_pass(
    indptr,
    head,
    weight,
    leaf,
    seed_nodes,
    seed_costs,
    limit,
    dist,
    touched,
    inv,
    heads,
    pool,
    needed,
    needed_nodes,
):  # type: ignore[no-untyped-def]
    """One try of bucket_search with a fixed pool; returns the count, or -(count + 1) once the pool is full."""
    mask = len(heads) - 1
    room = len(pool)
    used = 0
    count = 0
    cur = 1 << 62
    for s in range(len(seed_nodes)):
        node = seed_nodes[s]
        cost = seed_costs[s]
        if cost <= limit and cost < dist[node]:
            if dist[node] == np.inf:
                touched[count] = node
                count += 1
            dist[node] = cost
            b = int(cost * inv)
            cur = min(cur, b)
            if used == room:
                return -count - 1
            used = push(heads, pool, used, b & mask, node)
    live = used
    stop = len(needed) > 0
    n_needed = len(needed_nodes)
    found = 0
    if stop:
        for t in range(count):
            if needed[touched[t]]:
                found += 1
    last = -1  # the bucket of the largest needed cost, once all have one (costs only fall afterwards)
    while live > 0:
        i = cur & mask
        e = heads[i]
        if e == EMPTY:
            if stop and found == n_needed:
                if last < 0:
                    worst = 0.0
                    for k in range(n_needed):
                        worst = max(worst, dist[needed_nodes[k]])
                    last = int(worst * inv)
                if cur >= last:  # every entry left lies in a later bucket: costs above every needed one
                    heads[:] = EMPTY
                    break
            cur += 1
            continue
        heads[i] = pool[e, 1]
        live -= 1
        node = pool[e, 0]
        d = dist[node]
        if int(d * inv) != cur:
            continue  # stale: the node's cost fell into an earlier bucket, where it was taken
        for j in range(indptr[node], indptr[node + 1]):
            nd = d + weight[j]
            h = head[j]
            old = dist[h]
            if nd <= limit and nd < old:
                dist[h] = nd
                if old == np.inf:
                    touched[count] = h
                    count += 1
                    if stop and needed[h]:
                        found += 1
                if leaf[h]:
                    continue
                b = int(nd * inv)
                if b != cur and old != np.inf and int(old * inv) == b:
                    continue  # its entry in that later bucket, not yet taken, reads the new cost
                if used == room:
                    heads[:] = EMPTY
                    return -count - 1
                used = push(heads, pool, used, b & mask, h)
                live += 1
    return count


@njit(cache=True, nogil=True)
def start_seeds(u, v, fwd, bwd, length, e, offset, nodes, costs):  # type: ignore[no-untyped-def]
    """The start edge's ends with the partial cost to each (0 for an end the start lies on); returns how many."""
    seg = length[e]
    frac = min(1.0, max(0.0, offset / seg)) if seg > 0 else 0.0
    usable = math.isfinite(bwd[e]) or math.isfinite(fwd[e])
    n = 0
    if math.isfinite(bwd[e]) or (frac == 0.0 and usable):
        nodes[n] = u[e]
        costs[n] = (bwd[e] if math.isfinite(bwd[e]) else 0.0) * frac
        n += 1
    if math.isfinite(fwd[e]) or (1.0 - frac == 0.0 and usable):
        nodes[n] = v[e]
        costs[n] = (fwd[e] if math.isfinite(fwd[e]) else 0.0) * (1.0 - frac)
        n += 1
    return n
