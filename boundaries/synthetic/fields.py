"""The countryside between the villages: hamlet lanes, farm tracks across the fields, footpaths, farmyard roads."""

from __future__ import annotations

import numpy as np
import shapely
from shapely import LineString
from shapely.geometry.base import BaseGeometry

from boundaries.synthetic.frame import Frame
from boundaries.synthetic.lines import grid_lines
from boundaries.synthetic.roadset import RoadSet, Tags

LANE_M = 62.0
HAMLET_CORE_M = 140.0
TRACK_SPACING_M = (250.0, 310.0)


def _rural_hamlets(f: Frame, zones: BaseGeometry) -> np.ndarray:
    """Indexes of hamlets outside the built-up zones."""
    xy = f.hamlet_xy
    if zones.is_empty:
        return np.arange(len(xy))
    return np.flatnonzero(~shapely.contains_xy(zones, xy[:, 0], xy[:, 1]))


def hamlet_lanes(f: Frame, rs: RoadSet, rng: np.random.Generator, zones: BaseGeometry) -> None:
    """A small grid of residential lanes in every hamlet (2×2 or 3×3 by its size)."""
    lines: list[LineString] = []
    for h in _rural_hamlets(f, zones):
        n = 3 if f.hamlet_weight[h] > 1.4 else 2
        theta = rng.uniform(0.0, np.pi / 2)
        u = np.array([np.cos(theta), np.sin(theta)])
        v = np.array([-u[1], u[0]])
        shift = rng.uniform(12.0, 22.0, 2) * rng.choice([-1.0, 1.0], 2)  # keep the hamlet point off the lanes
        offsets = (np.arange(n) - (n - 1) / 2) * LANE_M
        half = (n - 1) / 2 * LANE_M + rng.uniform(25.0, 45.0)
        centre = f.hamlet_xy[h]
        for across, along, s in ((u, v, shift[0]), (v, u, shift[1])):
            for off in offsets:
                mid = centre + across * (off + s)
                lines.append(LineString([mid - along * half, mid + along * half]))
    rs.add(lines, {"highway": "residential"})


def tracks(f: Frame, rs: RoadSet, rng: np.random.Generator, zones: BaseGeometry) -> None:
    """Farm tracks: a grid across each village's fields, turned to the lie of the land of its township."""
    cores = np.asarray(shapely.buffer(shapely.points(f.hamlet_xy), HAMLET_CORE_M, quad_segs=4), dtype=object)
    tree = shapely.STRtree(cores)
    built = zones.buffer(40.0) if not zones.is_empty else zones
    township_angle = {t.code: rng.uniform(-25.0, 25.0) for t in f.townships}
    grades = ({"highway": "track", "tracktype": "grade3"}, {"highway": "track", "tracktype": "grade4"})
    for v in f.villages:
        near = cores[tree.query(v.area)]
        blocked = shapely.union_all([f.no_go, built, *near])
        fields = shapely.difference(v.area, blocked)
        if fields.area < 2e5:
            continue
        spacing = rng.uniform(*TRACK_SPACING_M)
        angle = township_angle.get(v.parent_code, 0.0) + rng.normal(0.0, 6.0)
        lines, _, _ = grid_lines(fields, spacing, angle, rng, min_length=0.9 * spacing)
        rs.add(lines, grades[int(rng.random() < 0.3)])


def paths_and_yards(f: Frame, rs: RoadSet, rng: np.random.Generator, zones: BaseGeometry) -> None:
    """Footpaths from some hamlets out into the fields, and service roads to farmyards and fish ponds."""
    paths: list[LineString] = []
    yards: list[LineString] = []
    for h in _rural_hamlets(f, zones):
        roll = rng.random()
        if roll > 0.4:
            continue
        angle = rng.uniform(0.0, 2.0 * np.pi)
        d = np.array([np.cos(angle), np.sin(angle)])
        start = f.hamlet_xy[h] + d * 8.0
        if roll < 0.25:
            paths.append(LineString([start, start + d * rng.uniform(250.0, 650.0)]))
        else:
            yards.append(LineString([start, start + d * rng.uniform(90.0, 220.0)]))
    footpath: Tags = {"highway": "path"}
    rs.add(paths, footpath)
    rs.add(yards, {"highway": "service"})
