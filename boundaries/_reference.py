"""What the database already holds that an imported file is checked against (all WGS84)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from sqlalchemy import Connection

from boundaries.queries import (
    AREA_GEOMETRY,
    AREAS_OF_LEVEL,
    COUNTY_IS_DERIVED,
    ROAD_NODES_IN_BOX,
    SIBLINGS_NOT_IN,
)

PARENT_LEVEL = {"township": "county", "village": "township"}
NODE_MARGIN_DEG = 0.03  # road nodes this far (~3 km) around the file's extent are read
MAX_ROAD_NODES = 5000


def _empty_geoms() -> NDArray[np.object_]:
    """An empty geometry array."""
    return np.empty(0, dtype=object)


@dataclass
class Reference:
    """Loaded areas one level up, loaded siblings not in the file, the county outline, road nodes."""

    county: shapely.Geometry | None = None
    parents: dict[str, shapely.Geometry] = field(default_factory=dict)
    sibling_codes: list[str] = field(default_factory=list)
    sibling_parents: list[str] = field(default_factory=list)
    sibling_geoms: NDArray[np.object_] = field(default_factory=_empty_geoms)
    road_nodes: NDArray[np.object_] = field(default_factory=_empty_geoms)
    county_derived: bool = False


def load_reference(
    conn: Connection,
    *,
    level: str,
    codes: Sequence[str],
    parents: Sequence[str],
    county_code: str,
    bounds: tuple[float, float, float, float] | None,
    with_road_nodes: bool,
) -> Reference:
    """Read what the checks of one import need; ``bounds`` (WGS84) limits the road nodes read."""
    ref = Reference()
    wkb = conn.execute(AREA_GEOMETRY, {"code": county_code}).scalar_one_or_none()
    if wkb is not None:
        ref.county = shapely.from_wkb(bytes(wkb))
    rows = conn.execute(AREAS_OF_LEVEL, {"level": PARENT_LEVEL[level]}).all()
    ref.parents = {code: shapely.from_wkb(bytes(geom)) for code, _, geom in rows}
    if level == "township" and conn.execute(COUNTY_IS_DERIVED, {"code": county_code}).scalar_one_or_none():
        # the county was made from the townships loaded so far: checking new townships against it would only
        # compare them with their old selves and block corrections
        ref.county_derived = True
        ref.parents.pop(county_code, None)
    siblings = conn.execute(
        SIBLINGS_NOT_IN, {"level": level, "parents": sorted(set(parents)), "codes": list(codes)}
    ).all()
    ref.sibling_codes = [r.code for r in siblings]
    ref.sibling_parents = [r.parent_code for r in siblings]
    ref.sibling_geoms = np.array([shapely.from_wkb(bytes(r.geom)) for r in siblings], dtype=object)
    if with_road_nodes and bounds is not None:
        xmin, ymin, xmax, ymax = bounds
        box = {
            "xmin": xmin - NODE_MARGIN_DEG,
            "ymin": ymin - NODE_MARGIN_DEG,
            "xmax": xmax + NODE_MARGIN_DEG,
            "ymax": ymax + NODE_MARGIN_DEG,
        }
        xy = np.array([(x, y) for x, y in conn.execute(ROAD_NODES_IN_BOX, box)], dtype=float).reshape(-1, 2)
        step = max(1, len(xy) // MAX_ROAD_NODES)  # an even sample is plenty to judge alignment
        ref.road_nodes = np.asarray(shapely.points(xy[::step]), dtype=object)
    return ref
