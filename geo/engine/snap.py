"""Snapping locations to the nearest usable edge, measured in the metric CRS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from geo.engine.network import F8, I4, I8
from geo.engine.snap_grid import SegmentGrid, line_lengths


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
    """Nearest usable edge of points, in metres: a numba grid of segments, an STRtree for points far off it."""

    def __init__(
        self,
        ptr: I8,
        xy: F8,
        length_m: F8,
        usable: npt.NDArray[np.bool_],
        geoms: Callable[[], npt.NDArray[np.object_]],
    ) -> None:
        self.length_m = length_m
        self.usable_idx = np.flatnonzero(usable).astype(np.int32)
        self.grid = SegmentGrid.build(ptr, xy, usable)
        self.geom_len = line_lengths(self.grid.ptr, self.grid.xy)
        self._geoms = geoms
        self._tree: shapely.STRtree | None = None

    @property
    def tree(self) -> shapely.STRtree:
        """STRtree over the usable edges (built on first use: only points far from every road need it)."""
        if self._tree is None:
            self._tree = shapely.STRtree(self._geoms()[self.usable_idx])
        return self._tree

    def snap(self, x: F8, y: F8, *, max_snap_m: float, measure_far: bool = True) -> Snapped:
        """Nearest usable edge of each point (x, y in the metric CRS); farther than max_snap_m is off network.

        With measure_far=False the distance of points far off the network (beyond what the grid scans, always
        more than max_snap_m) is left at inf instead of being measured by the STRtree.
        """
        x = np.ascontiguousarray(np.atleast_1d(np.asarray(x, dtype=np.float64)))
        y = np.ascontiguousarray(np.atleast_1d(np.asarray(y, dtype=np.float64)))
        n = len(x)
        if n == 0 or len(self.usable_idx) == 0:
            return Snapped(np.full(n, -1, np.int32), np.zeros(n), np.full(n, np.inf))
        edge, gap, along, found = self.grid.nearest(x, y, max_dist=max_snap_m)
        rest = np.flatnonzero(~found)
        if len(rest) and measure_far:
            self._snap_with_tree(x[rest], y[rest], rest, edge, gap, along)
        ok = (edge >= 0) & (gap <= max_snap_m)
        edge[~ok] = -1
        e = edge[ok]
        glen = self.geom_len[e]
        frac = np.divide(along[ok], glen, out=np.zeros(len(e)), where=glen > 0)
        offset = np.zeros(n)
        offset[ok] = np.clip(frac, 0.0, 1.0) * self.length_m[e]
        return Snapped(edge, offset, gap)

    def _snap_with_tree(self, x: F8, y: F8, where: I8, edge: I4, gap: F8, along: F8) -> None:
        """Points the grid did not settle (far from every road, or not finite): nearest edge by STRtree."""
        pts: npt.NDArray[np.object_] = np.asarray(shapely.points(x, y), dtype=object)
        (pi, ti), dist = self.tree.query_nearest(pts, all_matches=False, return_distance=True)
        e = self.usable_idx[ti]
        edge[where[pi]] = e
        gap[where[pi]] = dist
        along[where[pi]] = shapely.line_locate_point(self._geoms()[e], pts[pi])
