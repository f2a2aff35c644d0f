"""The reference for exactness: plain Dijkstra on the graph with every edge split at the points."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import numpy as np

from geo.engine.network import ModeGraph


def split_graph_costs(
    graph: ModeGraph,
    start: tuple[int, float],
    targets: list[tuple[int, float]],
) -> list[float]:
    """Cost from the start (edge, offset) to each target (edge, offset); inf when unreachable."""
    g = nx.DiGraph()
    marks: dict[int, list[tuple[float, object]]] = defaultdict(list)
    marks[start[0]].append((start[1], "start"))
    for i, (e, off) in enumerate(targets):
        marks[e].append((off, ("t", i)))
    for e in range(graph.n_edges):
        u, v, seg = int(graph.u[e]), int(graph.v[e]), float(graph.length_m[e])
        stops: list[tuple[float, object]] = [(0.0, ("n", u))]
        stops += sorted(marks.get(e, []), key=lambda s: s[0])
        stops.append((seg, ("n", v)))
        for (o1, a), (o2, b) in zip(stops, stops[1:], strict=False):
            frac = (o2 - o1) / seg if seg > 0 else 0.0
            usable = np.isfinite(graph.fwd[e]) or np.isfinite(graph.bwd[e])
            both_nodes = isinstance(a, tuple) and a[0] == "n" and isinstance(b, tuple) and b[0] == "n"
            same_place = o1 == o2 and not both_nodes and usable
            for x, y, full in ((a, b, graph.fwd[e]), (b, a, graph.bwd[e])):
                if np.isfinite(full) or same_place:
                    # a location exactly at another stop (start, target or node) is the same place
                    w = full * frac if np.isfinite(full) else 0.0
                    if not g.has_edge(x, y) or g[x][y]["w"] > w:
                        g.add_edge(x, y, w=w)
    g.add_node("start")
    dist = nx.single_source_dijkstra_path_length(g, "start", weight="w")
    return [float(dist.get(("t", i), np.inf)) for i in range(len(targets))]
