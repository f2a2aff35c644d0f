"""Loading the road network from PostGIS into per-mode in-memory graphs (reloaded when it changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import shapely
from sqlalchemy import Connection

from geo.network import MODES, Metric, ModeGraph, build_mode_graph
from geo.queries import NETWORK_EDGES, NETWORK_VERSION
from geo.reach_area import EdgeCoords
from geo.snap import EdgeIndex


@dataclass
class RoadNetwork:
    """Every mode's graph in both metrics, the edge geometries (metric CRS) and snapping indexes."""

    version: int
    srid: int
    node_ids: npt.NDArray[np.int64]
    edge_geoms: npt.NDArray[np.object_]
    graphs: dict[tuple[str, str], ModeGraph]
    usable: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    indexes: dict[str, EdgeIndex] = field(default_factory=dict)

    def graph(self, mode: str, metric: Metric) -> ModeGraph:
        """The graph of a mode in metres ('length') or seconds ('time')."""
        return self.graphs[(mode, metric)]

    @cached_property
    def edge_coords(self) -> EdgeCoords:
        """Edge vertices in one flat array, for drawing reach areas."""
        return EdgeCoords.build(self.edge_geoms)

    def index(self, mode: str) -> EdgeIndex:
        """Snapping index over the main-component edges usable by a mode (built on first use)."""
        found = self.indexes.get(mode)
        if found is None:
            found = self.indexes[mode] = EdgeIndex(
                self.edge_geoms, self.graphs[(mode, "length")].length_m, self.usable[mode]
            )
        return found


def network_version(conn: Connection) -> int | None:
    """The version of the imported road network, None if none is imported."""
    return conn.execute(NETWORK_VERSION).scalar_one_or_none()


def load_network(conn: Connection, *, srid: int) -> RoadNetwork | None:
    """Read road_edges and build the in-memory network; None when no road network is imported."""
    version = network_version(conn)
    if version is None:
        return None
    rows = conn.execute(NETWORK_EDGES, {"srid": srid}).all()
    if not rows:
        return None
    cols = list(zip(*rows, strict=True))
    edge_ids = np.asarray(cols[0], dtype=np.int64)
    src = np.asarray(cols[1], dtype=np.int64)
    dst = np.asarray(cols[2], dtype=np.int64)
    node_ids, inverse = np.unique(np.concatenate([src, dst]), return_inverse=True)
    u = inverse[: len(src)].astype(np.int32)
    v = inverse[len(src) :].astype(np.int32)
    length = np.asarray(cols[3], dtype=np.float64)
    main = np.asarray(cols[10], dtype=bool)
    geoms = np.asarray(shapely.from_wkb([bytes(w) for w in cols[11]]), dtype=object)
    graphs: dict[tuple[str, str], ModeGraph] = {}
    usable: dict[str, npt.NDArray[np.bool_]] = {}
    n = len(node_ids)
    for i, mode in enumerate(MODES):
        f_time = np.asarray(cols[4 + 2 * i], dtype=np.float64)
        b_time = np.asarray(cols[5 + 2 * i], dtype=np.float64)
        f_len = np.where(f_time >= 0, length, -1.0)
        b_len = np.where(b_time >= 0, length, -1.0)
        graphs[(mode, "time")] = build_mode_graph(mode, "time", n, edge_ids, u, v, length, f_time, b_time)
        graphs[(mode, "length")] = build_mode_graph(mode, "length", n, edge_ids, u, v, length, f_len, b_len)
        usable[mode] = main & ((f_time >= 0) | (b_time >= 0))
    return RoadNetwork(int(version), srid, node_ids, geoms, graphs, usable)
