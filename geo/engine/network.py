"""The in-memory routable graph of one travel mode, with arcs in CSR form for the distance kernels."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Mode = Literal["walk", "ebike", "car"]
Metric = Literal["length", "time"]
MODES: tuple[Mode, ...] = ("walk", "ebike", "car")

F8 = npt.NDArray[np.float64]
I8 = npt.NDArray[np.int64]
I4 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Arcs:
    """Directed arcs grouped by tail node (CSR): ``indptr[a]:indptr[a+1]`` are the arcs leaving node a."""

    indptr: I8
    head: I4
    edge: I4
    forward: npt.NDArray[np.bool_]
    weight: F8


@dataclass(frozen=True)
class ModeGraph:
    """Edges of one mode: full-traversal costs per direction (inf = not allowed) in one metric."""

    mode: str
    metric: str
    n_nodes: int
    edge_ids: I8
    u: I4
    v: I4
    length_m: F8
    fwd: F8
    bwd: F8
    arcs: Arcs

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.u)

    def reversed(self) -> ModeGraph:
        """The same graph with every direction flipped (for searches towards a destination)."""
        return build_mode_graph(
            self.mode,
            self.metric,
            self.n_nodes,
            self.edge_ids,
            self.u,
            self.v,
            self.length_m,
            self.bwd,
            self.fwd,
        )


def build_arcs(n_nodes: int, u: I4, v: I4, fwd: F8, bwd: F8) -> Arcs:
    """CSR arcs: u→v for finite fwd, v→u for finite bwd."""
    edges = np.arange(len(u), dtype=np.int32)
    f_ok = np.isfinite(fwd)
    b_ok = np.isfinite(bwd)
    tail = np.concatenate([u[f_ok], v[b_ok]])
    head = np.concatenate([v[f_ok], u[b_ok]]).astype(np.int32)
    edge = np.concatenate([edges[f_ok], edges[b_ok]]).astype(np.int32)
    forward = np.concatenate([np.ones(int(f_ok.sum()), bool), np.zeros(int(b_ok.sum()), bool)])
    weight = np.concatenate([fwd[f_ok], bwd[b_ok]]).astype(np.float64)
    order = np.argsort(tail, kind="stable")
    counts = np.bincount(tail, minlength=n_nodes)
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return Arcs(indptr, head[order], edge[order], forward[order], weight[order])


def build_mode_graph(
    mode: str,
    metric: str,
    n_nodes: int,
    edge_ids: I8,
    u: I4,
    v: I4,
    length_m: F8,
    fwd: F8,
    bwd: F8,
) -> ModeGraph:
    """Assemble a ModeGraph; costs < 0 or NaN mean 'not allowed' and become inf."""
    fwd = np.where(np.isfinite(fwd) & (fwd >= 0), fwd, np.inf).astype(np.float64)
    bwd = np.where(np.isfinite(bwd) & (bwd >= 0), bwd, np.inf).astype(np.float64)
    u = np.asarray(u, dtype=np.int32)
    v = np.asarray(v, dtype=np.int32)
    arcs = build_arcs(n_nodes, u, v, fwd, bwd)
    return ModeGraph(
        mode,
        metric,
        n_nodes,
        np.asarray(edge_ids, np.int64),
        u,
        v,
        np.asarray(length_m, np.float64),
        fwd,
        bwd,
        arcs,
    )


def dead_ends(graph: ModeGraph) -> npt.NDArray[np.bool_]:
    """Nodes with exactly one usable incident edge."""
    usable = np.isfinite(graph.fwd) | np.isfinite(graph.bwd)
    n = graph.n_nodes
    degree = np.bincount(graph.u[usable], minlength=n) + np.bincount(graph.v[usable], minlength=n)
    return degree == 1


def graph_digest(graph: ModeGraph) -> str:
    """A digest of a graph's topology and costs: equal digests, equal travel times."""
    h = hashlib.blake2b(digest_size=10)
    for arr in (graph.edge_ids, graph.u, graph.v, graph.length_m, graph.fwd, graph.bwd):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()
