"""Dead-end trees of a graph: the parts hanging off its 2-core, which no shortest path between others crosses.

Repeatedly removing nodes with one incident edge leaves the 2-core; each removed node remembers the neighbour it
hung from. A path that enters such a tree can only leave through the node it hangs from, so a search between
points outside a tree never needs it (positive costs: going in and out again is never shorter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from geo.engine.network import ModeGraph

I4 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Trees:
    """``core[v]``: v is in the 2-core; otherwise ``parent[v]`` is the node its tree hangs from (-1: a tree's root)."""

    core: npt.NDArray[np.bool_]
    parent: I4

    @classmethod
    def of(cls, graph: ModeGraph) -> Trees:
        """The dead-end trees of a mode's usable edges (either direction counts)."""
        usable = np.isfinite(graph.fwd) | np.isfinite(graph.bwd)
        u, v = graph.u[usable], graph.v[usable]
        ends = np.concatenate([u, v])
        other = np.concatenate([v, u])
        order = np.argsort(ends, kind="stable")
        ptr = np.zeros(graph.n_nodes + 1, np.int64)
        np.cumsum(np.bincount(ends, minlength=graph.n_nodes), out=ptr[1:])
        core, parent = _prune(ptr, other[order].astype(np.int32), graph.n_nodes)
        return cls(core, parent)

    def allowed(self, keep: I4) -> npt.NDArray[np.bool_]:
        """The 2-core plus every node on the way from the ``keep`` nodes up to it."""
        return _allowed(self.core, self.parent, np.ascontiguousarray(keep, dtype=np.int32))


@njit(cache=True, nogil=True)
def _prune(ptr, nbr, n):  # type: ignore[no-untyped-def]
    degree = (ptr[1:] - ptr[:-1]).astype(np.int64)
    core = degree > 0
    parent = np.full(n, -1, np.int32)
    stack = np.empty(n, np.int32)
    top = 0
    for a in range(n):
        if degree[a] == 1:
            stack[top] = a
            top += 1
    while top > 0:
        top -= 1
        a = stack[top]
        if not core[a] or degree[a] != 1:
            continue
        core[a] = False
        for k in range(ptr[a], ptr[a + 1]):
            b = nbr[k]
            if core[b]:
                parent[a] = b
                degree[b] -= 1
                if degree[b] == 1:
                    stack[top] = b
                    top += 1
    return core, parent


@njit(cache=True, nogil=True)
def _allowed(core, parent, keep):  # type: ignore[no-untyped-def]
    out = core.copy()
    for i in range(len(keep)):
        a = keep[i]
        while a >= 0 and not out[a]:
            out[a] = True
            a = parent[a]
    return out


@njit(cache=True, nogil=True)
def _sub_arcs(indptr, head, weight, allowed):  # type: ignore[no-untyped-def]
    """The arcs between allowed nodes (CSR over all nodes; others keep no arcs)."""
    n = len(indptr) - 1
    out_ptr = np.zeros(n + 1, np.int64)
    out_head = np.empty(len(head), head.dtype)
    out_weight = np.empty(len(head), weight.dtype)
    k = 0
    for a in range(n):
        if allowed[a]:
            for j in range(indptr[a], indptr[a + 1]):
                if allowed[head[j]]:
                    out_head[k] = head[j]
                    out_weight[k] = weight[j]
                    k += 1
        out_ptr[a + 1] = k
    return out_ptr, out_head[:k], out_weight[:k]


def pruned_arcs(
    graph: ModeGraph, allowed: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], I4, npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The graph's arcs between allowed nodes, and its dead ends there (one usable incident edge left)."""
    a = graph.arcs
    ptr, head, weight = _sub_arcs(a.indptr, a.head, a.weight, allowed)
    usable = (np.isfinite(graph.fwd) | np.isfinite(graph.bwd)) & allowed[graph.u] & allowed[graph.v]
    n = graph.n_nodes
    degree = np.bincount(graph.u[usable], minlength=n) + np.bincount(graph.v[usable], minlength=n)
    return ptr, head, weight, degree == 1
