"""Random points inside areas: uniform, around hamlet centres, around seats (vectorised, metric scatter)."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

MAX_ROUNDS = 40


class Projector:
    """Converts lon/lat to and from the metric CRS used for distances in metres."""

    def __init__(self, metric_srid: int) -> None:
        self._forward = Transformer.from_crs(4326, metric_srid, always_xy=True)
        self._inverse = Transformer.from_crs(metric_srid, 4326, always_xy=True)

    def to_metric(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Metric x/y of lon/lat arrays."""
        x, y = self._forward.transform(lon, lat)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def to_wgs84(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lon/lat of metric x/y arrays."""
        lon, lat = self._inverse.transform(x, y)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def uniform_points(rng: np.random.Generator, geoms: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """One lon/lat point uniformly inside ``geoms[owner[i]]`` for each i (rejection sampling in the bbox)."""
    bounds = shapely.bounds(geoms)[owner]
    out = shapely.get_coordinates(shapely.point_on_surface(geoms))[owner]
    todo = np.arange(len(owner))
    for _ in range(MAX_ROUNDS * 4):
        if len(todo) == 0:
            break
        b = bounds[todo]
        lon = b[:, 0] + rng.random(len(todo)) * (b[:, 2] - b[:, 0])
        lat = b[:, 1] + rng.random(len(todo)) * (b[:, 3] - b[:, 1])
        ok = shapely.contains_xy(geoms[owner[todo]], lon, lat)
        out[todo[ok], 0] = lon[ok]
        out[todo[ok], 1] = lat[ok]
        todo = todo[~ok]
    return out  # anything never hit keeps the polygon's point on surface


def scatter_points(
    rng: np.random.Generator,
    projector: Projector,
    geoms: np.ndarray,
    owner: np.ndarray,
    centres: np.ndarray,
    sigma_m: np.ndarray | float,
) -> np.ndarray:
    """Gaussian scatter (σ metres) around lon/lat centres, redrawn until inside ``geoms[owner]``.

    Points still outside after MAX_ROUNDS fall back to their centre, which callers place inside.
    """
    n = len(owner)
    sigma = np.broadcast_to(np.asarray(sigma_m, dtype=float), (n,))
    cx, cy = projector.to_metric(centres[:, 0], centres[:, 1])
    out = centres.astype(float).copy()
    todo = np.arange(n)
    for _ in range(MAX_ROUNDS):
        if len(todo) == 0:
            break
        x = cx[todo] + rng.normal(0.0, 1.0, len(todo)) * sigma[todo]
        y = cy[todo] + rng.normal(0.0, 1.0, len(todo)) * sigma[todo]
        lon, lat = projector.to_wgs84(x, y)
        # Containment is tested in WGS84, the CRS the polygons are stored and checked in.
        ok = shapely.contains_xy(geoms[owner[todo]], lon, lat)
        out[todo[ok], 0] = lon[ok]
        out[todo[ok], 1] = lat[ok]
        todo = todo[~ok]
    return out


def containing(geoms: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Index of the first polygon containing each lon/lat point, -1 where none does."""
    result = np.full(len(points), -1, dtype=np.int64)
    if len(points) == 0 or len(geoms) == 0:
        return result
    tree = shapely.STRtree(geoms)
    hits = tree.query(shapely.points(points), predicate="within")
    order = np.lexsort((hits[1], hits[0]))
    first = np.unique(hits[0][order], return_index=True)
    result[first[0]] = hits[1][order][first[1]]
    return result


def hamlet_homes(
    rng: np.random.Generator,
    projector: Projector,
    geoms: np.ndarray,
    village_of: np.ndarray,
    *,
    sigma_m: float = 150.0,
    people_per_hamlet: int = 250,
) -> np.ndarray:
    """Home points clustered around a few hamlet centres (自然村) inside each person's village polygon."""
    n_villages = len(geoms)
    people = np.bincount(village_of, minlength=n_villages)
    per_village = np.clip(1 + people // people_per_hamlet, 2, 15)
    hamlet_village = np.repeat(np.arange(n_villages), per_village)
    centres = uniform_points(rng, geoms, hamlet_village)
    weight = rng.gamma(2.0, 1.0, len(hamlet_village))
    weight /= np.bincount(hamlet_village, weights=weight, minlength=n_villages)[hamlet_village]
    cumulative = np.cumsum(weight)  # each village's hamlets span (v, v + 1]
    last = np.cumsum(per_village) - 1
    hamlet = np.searchsorted(cumulative, village_of + rng.random(len(village_of)), side="right")
    # Guard against float round-off at village boundaries of the cumulative weights.
    hamlet = np.clip(hamlet, (last - per_village + 1)[village_of], last[village_of])
    return scatter_points(rng, projector, geoms, village_of, centres[hamlet], sigma_m)
