"""Spotting GCJ-02 coordinates declared as WGS84: does undoing the offset fit the loaded reference better?"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod

from boundaries._reference import Reference
from boundaries._topology import area_m2, gap_tolerance_m2
from geo.core.crs import reproject, transform_geometry, wgs84_to_gcj02

MARKEDLY = 0.5  # the shifted file must misfit at most half as much as the file as given
NODE_CAP_M = 2000.0  # a road node farther outside than this counts as this far
MIN_NODE_MISFIT_M = 500.0
GEOD = Geod(ellps="WGS84")


def gcj02_warning(
    geoms: NDArray[np.object_],
    parents: Sequence[str],
    ref: Reference,
    *,
    level: str,
    metric_srid: int,
) -> str | None:
    """A warning when the file (WGS84 as declared) fits the reference markedly better once read as GCJ-02."""
    if len(geoms) == 0:
        return None
    shifted = transform_geometry(geoms, "gcj02", "wgs84")
    covered = sorted({p for p in parents if p in ref.parents})
    if covered:
        reference = "the loaded townships" if level == "village" else "the loaded county outline"
        before, tolerance, moved = _polygon_misfit(geoms, parents, covered, ref, metric_srid)
        after, _, _ = _polygon_misfit(shifted, parents, covered, ref, metric_srid)
        measure, unit, sits = "area of mismatch", "m²", f"the file sits ≈ {moved:,.0f} m off {reference}; "
    elif len(ref.road_nodes):
        reference = "the road network"
        before, after = _node_misfit(geoms, ref, metric_srid), _node_misfit(shifted, ref, metric_srid)
        tolerance, measure, unit, sits = (
            MIN_NODE_MISFIT_M,
            "summed distance of road nodes left outside",
            "m",
            "",
        )
    else:
        return None
    if before <= tolerance or after > MARKEDLY * before:
        return None
    offset = _gcj_offset_m(geoms)
    return (
        f"the {level} outlines look like GCJ-02 (AMap/Tencent) coordinates declared as WGS84: {sits}"
        f"undoing the WGS84→GCJ-02 offset (≈ {offset:,.0f} m here) fits {reference} "
        f"{100 * (1 - after / before):.0f} % better ({measure} {before:,.0f} → {after:,.0f} {unit}); "
        "if the data came from AMap, Tencent or a phone, rerun with --datum gcj02"
    )


def _polygon_misfit(
    geoms: NDArray[np.object_],
    parents: Sequence[str],
    covered: Sequence[str],
    ref: Reference,
    metric_srid: int,
) -> tuple[float, float, float]:
    """Summed symmetric difference (m²) between loaded parents and their children, the summed tolerance,
    and how far (m) the children's centroid sits from the parents'."""
    parent_of = np.asarray(parents, dtype=object)
    sibling_parent_of = np.asarray(ref.sibling_parents, dtype=object)
    outlines = np.array([ref.parents[code] for code in covered], dtype=object)
    unions = np.array(
        [
            shapely.union_all(
                np.concatenate([geoms[parent_of == code], ref.sibling_geoms[sibling_parent_of == code]])
            )
            for code in covered
        ],
        dtype=object,
    )
    misfit = float(area_m2(shapely.symmetric_difference(outlines, unions), metric_srid).sum())
    tolerance = sum(gap_tolerance_m2(a) for a in area_m2(outlines, metric_srid))
    centres = reproject(
        np.array(
            [shapely.centroid(shapely.union_all(unions)), shapely.centroid(shapely.union_all(outlines))]
        ),
        4326,
        metric_srid,
    )
    return misfit, tolerance, float(shapely.distance(centres[0], centres[1]))


def _node_misfit(geoms: NDArray[np.object_], ref: Reference, metric_srid: int) -> float:
    """Summed distance (m, each capped) of the road nodes around the file that fall outside its areas."""
    union = reproject(shapely.union_all(geoms), 4326, metric_srid)
    nodes = reproject(ref.road_nodes, 4326, metric_srid)
    shapely.prepare(union)
    outside = nodes[~np.asarray(shapely.contains(union, nodes), dtype=bool)]
    return float(np.minimum(shapely.distance(union, outside), NODE_CAP_M).sum())


def _gcj_offset_m(geoms: NDArray[np.object_]) -> float:
    """Length (m) of the WGS84→GCJ-02 offset at the centre of the file."""
    centre = shapely.centroid(shapely.union_all(geoms))
    lon, lat = wgs84_to_gcj02(centre.x, centre.y)
    _, _, dist = GEOD.inv(centre.x, centre.y, lon, lat)
    return float(dist)
