"""Travel times between area centres by our road engine: one bounded search per centre, costs to the others.

Each centre is snapped to the mode's main road network (within CENTRE_SNAP_M: a centre is an average of homes
and may lie between roads; the gap is not costed). From a source centre one search bounded by the maximum
commute yields node costs; the costs to the other centres follow exactly along their snapped edges
(CircleSearch.points with the centres as a PointSet). Rows are cached per network version, mode, limit and
centre positions, and computed on two threads (the kernels release the GIL).
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from geo.circle import PointSet
from geo.network_load import RoadNetwork
from matching.circles import CircleService

CENTRE_SNAP_M = 5000.0
F8 = npt.NDArray[np.float64]


@dataclass
class CentreTimes:
    """Travel seconds from centres to all centres (inf: beyond the limit), filled row by row on demand."""

    mode: str
    limit: float
    edge: npt.NDArray[np.int32]
    offset_m: F8
    targets: PointSet
    rows: dict[int, F8] = field(default_factory=dict)

    @property
    def on_network(self) -> npt.NDArray[np.bool_]:
        """Centres that snapped to the network."""
        return self.edge >= 0


def centre_times(
    service: CircleService, net: RoadNetwork, x: F8, y: F8, *, mode: str, limit: float
) -> CentreTimes:
    """The (cached) travel-time table of these centres for a mode and limit in seconds."""
    digest = hashlib.sha1(np.round(np.column_stack([x, y]), 0).tobytes()).hexdigest()
    key = f"rebalance:{mode}:{limit:.0f}:{digest}"

    def build() -> CentreTimes:
        snapped = net.index(mode).snap(x, y, max_snap_m=CENTRE_SNAP_M)
        targets = PointSet.build(snapped, net.graph(mode, "time"))
        return CentreTimes(mode, limit, snapped.edge, snapped.offset_m, targets)

    return service.cached(key, build)


def fill_rows(service: CircleService, net: RoadNetwork, times: CentreTimes, sources: list[int]) -> None:
    """Compute the rows of ``sources`` not yet known (two worker threads)."""
    todo = [i for i in sources if i not in times.rows]
    graph = net.graph(times.mode, "time")
    n = len(times.edge)

    def row(i: int) -> tuple[int, F8]:
        out = np.full(n, np.inf)
        if times.edge[i] >= 0:
            search = service.search(graph)
            reach = search.search(int(times.edge[i]), float(times.offset_m[i]), times.limit)
            idx, cost = search.points(reach, times.targets, times.limit)
            out[idx] = cost
        return i, out

    if len(todo) < 8:
        results = [row(i) for i in todo]
    else:
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            results = list(pool.map(row, todo))
    for i, values in results:
        times.rows[i] = values


def matrix(times: CentreTimes, sources: npt.NDArray[np.int64], sinks: npt.NDArray[np.int64]) -> F8:
    """Seconds from each source to each sink (rows must be filled)."""
    if len(sources) == 0:
        return np.zeros((0, len(sinks)))
    return np.vstack([times.rows[int(i)][sinks] for i in sources])
