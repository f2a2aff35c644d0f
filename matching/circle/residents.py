"""Every resident snapped for one mode, cached in the circle service until the road network changes.

The circle's candidate search and the live analytics updates read the same snapped residents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from matching.circle.queries import ALL_RESIDENTS
from matching.circle.service import CircleService, Located


@dataclass(frozen=True)
class Residents:
    """Every resident snapped for one mode, with what the analytics need of them."""

    located: Located
    available: npt.NDArray[np.bool_]
    group: npt.NDArray[np.object_]
    village: npt.NDArray[np.object_]
    township: npt.NDArray[np.object_]


def residents_for(service: CircleService, conn: Connection, mode: str) -> Residents:
    """All residents snapped for a mode, cached until the road network changes."""
    net = service.network(conn)

    def build() -> Residents:
        rows = conn.execute(ALL_RESIDENTS, {"srid": net.srid, "resident_id": None}).all()
        cols: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in range(7)]
        ids = np.asarray(cols[0], dtype=np.int64)
        xs, ys = np.asarray(cols[1], float), np.asarray(cols[2], float)
        located = service.snap_points(net, mode, ids, xs, ys, measure_far=False)  # gaps are never reported
        return Residents(
            located,
            np.asarray(cols[3], dtype=bool),
            np.asarray(cols[4], dtype=object),
            np.asarray(cols[5], dtype=object),
            np.asarray(cols[6], dtype=object),
        )

    return service.cached(residents_key(mode), build)


def residents_key(mode: str) -> str:
    """Cache key of the snapped residents of a mode."""
    return f"residents-all:{mode}"
