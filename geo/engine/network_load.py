"""Loading the road network from PostGIS into per-mode in-memory graphs (reloaded when it changes).

The arrays read from road_edges are cached on disk per network (geo/engine/network_cache.py), so a process that
loads a network it has seen before skips the database read and the reprojection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from sqlalchemy import Connection

from geo.core.queries import NETWORK_EDGES, NETWORK_VERSION
from geo.engine.network import MODES, Metric, ModeGraph, build_mode_graph
from geo.engine.network_cache import Arrays, network_key, read_cached, write_cached
from geo.engine.reach_area import EdgeCoords
from geo.engine.snap import EdgeIndex


@dataclass
class RoadNetwork:
    """Every mode's graph in both metrics, the edge coordinates (metric CRS) and snapping indexes."""

    version: int
    srid: int
    node_ids: npt.NDArray[np.int64]
    edge_coords: EdgeCoords
    graphs: dict[tuple[str, str], ModeGraph]
    usable: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    indexes: dict[str, EdgeIndex] = field(default_factory=dict)

    def graph(self, mode: str, metric: Metric) -> ModeGraph:
        """The graph of a mode in metres ('length') or seconds ('time')."""
        return self.graphs[(mode, metric)]

    @cached_property
    def edge_geoms(self) -> npt.NDArray[np.object_]:
        """Edge LineStrings (metric CRS), built from the coordinates on first use (routes, far snaps)."""
        c = self.edge_coords
        owner = np.repeat(np.arange(len(c.ptr) - 1), np.diff(c.ptr))
        return np.asarray(shapely.linestrings(c.xy, indices=owner), dtype=object)

    def index(self, mode: str) -> EdgeIndex:
        """Snapping index over the main-component edges usable by a mode (built on first use)."""
        found = self.indexes.get(mode)
        if found is None:
            c = self.edge_coords
            found = self.indexes[mode] = EdgeIndex(
                c.ptr,
                c.xy,
                self.graphs[(mode, "length")].length_m,
                self.usable[mode],
                lambda: self.edge_geoms,
            )
        return found


def network_version(conn: Connection) -> int | None:
    """The version of the imported road network, None if none is imported."""
    return conn.execute(NETWORK_VERSION).scalar_one_or_none()


def read_edges(conn: Connection, *, srid: int) -> Arrays | None:
    """road_edges as arrays (geometries flattened into per-edge vertex runs); None when it is empty."""
    rows = conn.execute(NETWORK_EDGES, {"srid": srid}).all()
    if not rows:
        return None
    cols = list(zip(*rows, strict=True))
    geoms = shapely.from_wkb([bytes(w) for w in cols[11]])
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=len(rows)), out=ptr[1:])
    return {
        "edge_ids": np.asarray(cols[0], dtype=np.int64),
        "src": np.asarray(cols[1], dtype=np.int64),
        "dst": np.asarray(cols[2], dtype=np.int64),
        "length": np.asarray(cols[3], dtype=np.float64),
        "costs": np.asarray(cols[4:10], dtype=np.float64),  # (forward, backward) per mode, in MODES order
        "main": np.asarray(cols[10], dtype=bool),
        "ptr": ptr,
        "xy": np.ascontiguousarray(xy, dtype=np.float64),
    }


def load_network(conn: Connection, *, srid: int, cache_dir: Path | None = None) -> RoadNetwork | None:
    """Build the in-memory network (from the disk cache when it holds this network); None without roads."""
    version = network_version(conn)
    if version is None:
        return None
    key = network_key(conn, srid=srid) if cache_dir is not None else None
    arrays = read_cached(cache_dir, key) if cache_dir is not None and key is not None else None
    if arrays is None:
        arrays = read_edges(conn, srid=srid)
        if arrays is None:
            return None
        if cache_dir is not None and key is not None:
            write_cached(cache_dir, key, arrays)
    return build_network(int(version), srid, arrays)


def build_network(version: int, srid: int, a: Arrays) -> RoadNetwork:
    """Per-mode graphs in both metrics from the edge arrays."""
    src, dst = a["src"], a["dst"]
    node_ids, inverse = np.unique(np.concatenate([src, dst]), return_inverse=True)
    u = inverse[: len(src)].astype(np.int32)
    v = inverse[len(src) :].astype(np.int32)
    length = np.asarray(a["length"], np.float64)
    costs = np.asarray(a["costs"], np.float64)
    main = np.asarray(a["main"], bool)
    edge_ids = np.asarray(a["edge_ids"], np.int64)
    graphs: dict[tuple[str, str], ModeGraph] = {}
    usable: dict[str, npt.NDArray[np.bool_]] = {}
    n = len(node_ids)
    for i, mode in enumerate(MODES):
        f_time, b_time = costs[2 * i], costs[2 * i + 1]
        f_len = np.where(f_time >= 0, length, -1.0)
        b_len = np.where(b_time >= 0, length, -1.0)
        graphs[(mode, "time")] = build_mode_graph(mode, "time", n, edge_ids, u, v, length, f_time, b_time)
        graphs[(mode, "length")] = build_mode_graph(mode, "length", n, edge_ids, u, v, length, f_len, b_len)
        usable[mode] = main & ((f_time >= 0) | (b_time >= 0))
    coords = EdgeCoords.from_flat(a["ptr"].astype(np.int64), a["xy"].astype(np.float64))
    return RoadNetwork(version, srid, node_ids, coords, graphs, usable)
