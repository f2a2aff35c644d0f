"""Topology between areas: overlapping siblings and gaps left inside a loaded parent.

Intersections are computed on the WGS84 geometries as stored (straight edges in longitude/latitude, as PostGIS
sees them), and only their areas in the metric CRS: projecting first would bend shared edges differently for
neighbours whose vertices differ and invent sliver overlaps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from numpy.typing import NDArray

from geo.core.crs import reproject

MIN_OVERLAP_M2 = 1.0
MIN_GAP_M2 = 100.0
GAP_FRACTION = 1e-4  # 0.01 % of the parent


def area_m2(geoms: NDArray[np.object_], metric_srid: int) -> NDArray[np.float64]:
    """Areas in square metres of WGS84 geometries."""
    return np.asarray(shapely.area(reproject(geoms, 4326, metric_srid)), dtype=float)


def gap_tolerance_m2(parent_area_m2: float) -> float:
    """Uncovered area inside a parent that is tolerated: 100 m² or 0.01 % of the parent, whichever is more."""
    return max(MIN_GAP_M2, GAP_FRACTION * parent_area_m2)


def where(geom: shapely.Geometry) -> str:
    """A readable location of a WGS84 geometry: a point inside its largest part."""
    parts = shapely.get_parts(geom)
    largest = parts[int(np.argmax(shapely.area(parts)))] if len(parts) else geom
    point = shapely.point_on_surface(largest)
    return f"{shapely.get_x(point):.5f} E {shapely.get_y(point):.5f} N"


def sibling_overlaps(
    codes: Sequence[str],
    parents: Sequence[str],
    geoms: NDArray[np.object_],
    from_file: NDArray[np.bool_],
    *,
    metric_srid: int,
) -> list[str]:
    """Pairs of areas with the same parent overlapping by more than 1 m² (at least one of them from the file)."""
    if len(geoms) < 2:
        return []
    parent_of = np.asarray(parents, dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = (left < right) & (parent_of[left] == parent_of[right]) & (from_file[left] | from_file[right])
    left, right = left[keep], right[keep]
    overlaps = shapely.intersection(geoms[left], geoms[right])
    areas = area_m2(overlaps, metric_srid)
    return [
        f"areas {codes[i]} and {codes[j]} (both under {parent_of[i]}) overlap by {area:,.0f} m² near {where(geom)}"
        for i, j, geom, area in zip(left, right, overlaps, areas, strict=True)
        if area > MIN_OVERLAP_M2
    ]


def parent_gaps(
    parents: Mapping[str, shapely.Geometry],
    children: Mapping[str, list[shapely.Geometry]],
    *,
    parent_level: str,
    child_level: str,
    metric_srid: int,
) -> list[str]:
    """Parents whose children leave more than the tolerance uncovered (all WGS84)."""
    problems = []
    for code, kids in sorted(children.items()):
        parent = parents.get(code)
        if parent is None or not kids:
            continue
        gap = shapely.difference(parent, shapely.union_all(kids))
        area, whole = area_m2(np.array([gap, parent], dtype=object), metric_srid)
        if area > gap_tolerance_m2(whole):
            problems.append(
                f"{parent_level} {code}: its {child_level}s leave a gap of {area:,.0f} m² "
                f"({100 * area / whole:.2f} % of it) uncovered, e.g. near {where(gap)}"
            )
    return problems
