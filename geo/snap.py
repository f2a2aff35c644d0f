"""Snapping locations to the nearest usable edge, measured in the metric CRS."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from geo.network import F8, I4


@dataclass(frozen=True)
class Snapped:
    """Where points meet the network: edge index (-1 = off network), metres from the edge's start, gap."""

    edge: I4
    offset_m: F8
    distance_m: F8

    @property
    def on_network(self) -> npt.NDArray[np.bool_]:
        """True where the point snapped within the maximum snap distance."""
        return self.edge >= 0

    def __len__(self) -> int:
        return len(self.edge)


class EdgeIndex:
    """An STRtree over the edges a mode may use; answers nearest-edge queries in metres."""

    def __init__(self, geoms: npt.NDArray[np.object_], length_m: F8, usable: npt.NDArray[np.bool_]) -> None:
        self.geoms = geoms
        self.length_m = length_m
        self.usable_idx = np.flatnonzero(usable).astype(np.int32)
        self.tree = shapely.STRtree(geoms[self.usable_idx])
        self.geom_len = shapely.length(geoms)

    def snap(self, x: F8, y: F8, *, max_snap_m: float) -> Snapped:
        """Nearest usable edge of each point (x, y in the metric CRS); farther than max_snap_m is off network."""
        x = np.atleast_1d(np.asarray(x, dtype=np.float64))
        y = np.atleast_1d(np.asarray(y, dtype=np.float64))
        pts: npt.NDArray[np.object_] = np.asarray(shapely.points(x, y), dtype=object)
        n = len(pts)
        edge = np.full(n, -1, dtype=np.int32)
        offset = np.zeros(n, dtype=np.float64)
        gap = np.full(n, np.inf, dtype=np.float64)
        if n == 0 or len(self.usable_idx) == 0:
            return Snapped(edge, offset, gap)
        (pi, ti), dist = self.tree.query_nearest(pts, all_matches=False, return_distance=True)
        e = self.usable_idx[ti]
        gap[pi] = dist
        ok = dist <= max_snap_m
        pi_ok, e_ok = pi[ok], e[ok]
        edge[pi_ok] = e_ok
        along = shapely.line_locate_point(self.geoms[e_ok], pts[pi_ok])
        glen = self.geom_len[e_ok]
        frac = np.divide(along, glen, out=np.zeros_like(along), where=glen > 0)
        offset[pi_ok] = np.clip(frac, 0.0, 1.0) * self.length_m[e_ok]
        return Snapped(edge, offset, gap)
