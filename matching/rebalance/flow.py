"""Min-cost transportation with forbidden pairs and a penalised unmet remainder (successive shortest paths).

Sources i have supply S_i (surplus workers), sinks j demand D_j (unfilled positions), c_ij ≥ 0 integer travel
seconds, allowed_ij False where the commute is too long. The problem solved is

    min Σ c_ij·x_ij + P·Σ u_j   s.t.  Σ_j x_ij ≤ S_i,  Σ_i x_ij + u_j = D_j,  x, u ≥ 0, x_ij = 0 if not allowed

where u_j is the unmet remainder of sink j (a dummy source with unit cost P). Successive shortest paths from a
super-source through the sources and sinks to a super-sink, with Dijkstra (binary heap) on reduced costs (Johnson
potentials), augment along the cheapest path while it costs less than P; what is left of D_j is u_j. Each
augmenting path's cost is non-decreasing, so stopping there is optimal for the penalised problem.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from geo.engine.heap import heap_pop, heap_push

I8 = npt.NDArray[np.int64]
BIG = np.int64(1) << np.int64(60)


def penalty_for(limit_seconds: int, n_sources: int, n_sinks: int) -> int:
    """A unit penalty larger than any augmenting path (≤ min(n_sources, n_sinks) forward arcs of ≤ limit).

    With it the plan first fills as many positions as the commute limit allows, then minimises travel.
    """
    return int(limit_seconds) * max(1, min(n_sources, n_sinks)) + 1


@njit(cache=True, nogil=True)
def _ssp(supply, demand, cost, allowed, penalty, flow):  # type: ignore[no-untyped-def]
    n_s = supply.shape[0]
    n_d = demand.shape[0]
    n = n_s + n_d + 2  # 0 = super-source, 1..n_s sources, n_s+1..n_s+n_d sinks, n-1 = super-sink
    t = n - 1
    big = np.int64(1) << np.int64(60)
    pot = np.zeros(n, np.int64)
    left_s = supply.copy()
    left_d = demand.copy()
    dist = np.empty(n, np.int64)
    prev = np.empty(n, np.int64)
    done = np.empty(n, np.bool_)
    capacity = 2 * n_s * n_d + n + 1  # at most one push per relaxation, each arc relaxed once per search
    keys = np.empty(capacity, np.int64)
    vals = np.empty(capacity, np.int64)
    while True:
        dist[:] = big
        prev[:] = -1
        done[:] = False
        dist[0] = 0
        size = heap_push(keys, vals, 0, 0, 0)
        while size > 0:
            du, u, size = heap_pop(keys, vals, size)
            if done[u] or du > dist[u]:
                continue
            if u == t:
                break
            done[u] = True
            if u == 0:
                for i in range(n_s):
                    if left_s[i] > 0:
                        v = 1 + i
                        nd = du + pot[0] - pot[v]
                        if nd < dist[v]:
                            dist[v] = nd
                            prev[v] = u
                            size = heap_push(keys, vals, size, nd, v)
            elif u <= n_s:
                i = u - 1
                for j in range(n_d):
                    if allowed[i, j]:
                        v = 1 + n_s + j
                        nd = du + cost[i, j] + pot[u] - pot[v]
                        if nd < dist[v]:
                            dist[v] = nd
                            prev[v] = u
                            size = heap_push(keys, vals, size, nd, v)
            else:
                j = u - 1 - n_s
                for i in range(n_s):
                    if flow[i, j] > 0:
                        v = 1 + i
                        nd = du - cost[i, j] + pot[u] - pot[v]
                        if nd < dist[v]:
                            dist[v] = nd
                            prev[v] = u
                            size = heap_push(keys, vals, size, nd, v)
                if left_d[j] > 0:
                    nd = du + pot[u] - pot[t]
                    if nd < dist[t]:
                        dist[t] = nd
                        prev[t] = u
                        size = heap_push(keys, vals, size, nd, t)
        if dist[t] >= big:
            break
        dt = dist[t]
        for v in range(n):
            pot[v] += dist[v] if done[v] else dt
        path_cost = pot[t] - pot[0]
        if path_cost >= penalty:
            break
        # bottleneck along the path
        amount = big
        v = t
        while v != 0:
            u = prev[v]
            if u == 0:
                amount = min(amount, left_s[v - 1])
            elif v == t:
                amount = min(amount, left_d[u - 1 - n_s])
            elif u > n_s:  # reverse arc sink u -> source v
                amount = min(amount, flow[v - 1, u - 1 - n_s])
            v = u
        v = t
        while v != 0:
            u = prev[v]
            if u == 0:
                left_s[v - 1] -= amount
            elif v == t:
                left_d[u - 1 - n_s] -= amount
            elif u <= n_s:
                flow[u - 1, v - 1 - n_s] += amount
            else:
                flow[v - 1, u - 1 - n_s] -= amount
            v = u
    return left_d


def min_cost_transport(
    supply: I8, demand: I8, cost: I8, allowed: npt.NDArray[np.bool_], *, penalty: int
) -> tuple[I8, I8]:
    """The optimal flows (sources × sinks) and each sink's unmet remainder."""
    supply = np.ascontiguousarray(supply, dtype=np.int64)
    demand = np.ascontiguousarray(demand, dtype=np.int64)
    flow = np.zeros((len(supply), len(demand)), dtype=np.int64)
    if len(supply) == 0 or len(demand) == 0:
        return flow, demand.copy()
    cost = np.ascontiguousarray(cost, dtype=np.int64)
    allowed = np.ascontiguousarray(allowed, dtype=np.bool_)
    unmet = _ssp(supply, demand, cost, allowed, np.int64(penalty), flow)
    return flow, np.asarray(unmet, dtype=np.int64)


@njit(cache=True, nogil=True)
def _greedy(ii, jj, left_s, left_d, flow):  # type: ignore[no-untyped-def]
    for k in range(ii.shape[0]):
        i = ii[k]
        j = jj[k]
        amount = min(left_s[i], left_d[j])
        if amount > 0:
            flow[i, j] = amount
            left_s[i] -= amount
            left_d[j] -= amount


def greedy_transport(supply: I8, demand: I8, cost: I8, allowed: npt.NDArray[np.bool_]) -> tuple[I8, I8]:
    """Nearest-first: allowed pairs in order of travel time, each moving as many workers as still fit."""
    flow = np.zeros((len(supply), len(demand)), dtype=np.int64)
    left_s = np.asarray(supply, dtype=np.int64).copy()
    left_d = np.asarray(demand, dtype=np.int64).copy()
    ii, jj = np.nonzero(allowed)
    order = np.lexsort((jj, ii, cost[ii, jj]))
    _greedy(ii[order].astype(np.int64), jj[order].astype(np.int64), left_s, left_d, flow)
    return flow, left_d


def objective(flow: I8, unmet: I8, cost: I8, penalty: int) -> int:
    """Σ c·x + P·Σ u, in integer seconds."""
    return int((flow * cost).sum()) + int(penalty) * int(unmet.sum())
