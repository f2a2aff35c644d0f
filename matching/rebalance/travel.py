"""Travel times between area centres by our road engine: one bounded search per centre, costs to the others.

Each centre is snapped to the mode's main road network (within CENTRE_SNAP_M: a centre is an average of homes
and may lie between roads; the gap is not costed). From a source centre one search bounded by the maximum
commute yields node costs; the costs to the other centres follow exactly along their snapped edges (the
compiled many-to-many kernel of matching.rebalance.travel_matrix, sources in parallel, the same numbers as
CircleSearch.points). Rows are kept in memory per network, mode, limit and centre positions, and on disk under
``data_dir/cache/rebalance`` keyed by a digest of the network's graph itself, so a new process starts warm and
a re-imported network (different graph) never reuses old rows.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from geo.engine.circle import PointSet
from geo.engine.network import graph_digest
from geo.engine.network_load import RoadNetwork
from geo.engine.trees import Trees
from matching.circle.service import CircleService
from matching.rebalance.travel_matrix import travel_rows

log = logging.getLogger(__name__)
KEEP_FILES = 32
KEEP_TABLES = 8
_recent_lock = threading.Lock()

CENTRE_SNAP_M = 5000.0
F8 = npt.NDArray[np.float64]


@dataclass
class CentreTimes:
    """Travel seconds between centres (inf: beyond the limit), filled on demand by rows or by columns.

    ``rows[i]`` holds the seconds from centre i to every centre (searches from i), ``cols[j]`` those from every
    centre to centre j (searches from j on the reversed graph: the same times up to rounding in the last bits).
    """

    mode: str
    limit: float
    edge: npt.NDArray[np.int32]
    offset_m: F8
    targets: PointSet
    path: Path | None = None
    rows: dict[int, F8] = field(default_factory=dict)
    cols: dict[int, F8] = field(default_factory=dict)

    @property
    def on_network(self) -> npt.NDArray[np.bool_]:
        """Centres that snapped to the network."""
        return self.edge >= 0


def centre_times(
    service: CircleService, net: RoadNetwork, x: F8, y: F8, *, mode: str, limit: float
) -> CentreTimes:
    """The (cached) travel-time table of these centres for a mode and limit in seconds."""
    digest = hashlib.sha1(np.column_stack([x, y]).astype(np.float64).tobytes()).hexdigest()
    graph = net.graph(mode, "time")
    network = service.cached(f"graph-digest:{mode}", lambda: graph_digest(graph))  # computed at load
    key = f"rebalance:{mode}:{limit:.0f}:{digest}"

    def build() -> CentreTimes:
        snapped = net.index(mode).snap(x, y, max_snap_m=CENTRE_SNAP_M)
        targets = PointSet.build(snapped, graph)
        path = (
            service.settings.data_dir
            / "cache"
            / "rebalance"
            / f"{mode}-{limit:.0f}-{network}-{digest[:20]}.npz"
        )
        times = CentreTimes(mode, limit, snapped.edge, snapped.offset_m, targets, path)
        _read(path, times)
        return times

    found = service.cached(key, build)
    _forget_old_tables(service, key)
    return found


def _forget_old_tables(service: CircleService, key: str) -> None:
    """Keep the KEEP_TABLES most recently used tables in memory (centres move whenever residents do)."""
    recent: list[str] = service.cached("rebalance-recent-tables", list)
    with _recent_lock:
        if key in recent:
            recent.remove(key)
        recent.append(key)
        stale = recent[:-KEEP_TABLES]
        del recent[:-KEEP_TABLES]
    for old in stale:
        service.replace_cached(old, None)


def fill_rows(service: CircleService, net: RoadNetwork, times: CentreTimes, sources: list[int]) -> None:
    """Compute the rows of ``sources`` not yet known (in parallel) and add them to the disk cache."""
    todo = np.asarray([i for i in sources if i not in times.rows], dtype=np.int64)
    if len(todo) == 0:
        return
    graph = net.graph(times.mode, "time")
    trees = service.cached(f"trees:{times.mode}", lambda: Trees.of(graph))  # computed at load
    values = travel_rows(graph, times.edge[todo], times.offset_m[todo], times.targets, times.limit, trees)
    times.rows.update(zip(todo.tolist(), values, strict=True))
    _write(times)


def fill_cols(service: CircleService, net: RoadNetwork, times: CentreTimes, sinks: list[int]) -> None:
    """Compute the columns of ``sinks`` not yet known (searches on the reversed graph)."""
    todo = np.asarray([j for j in sinks if j not in times.cols], dtype=np.int64)
    if len(todo) == 0:
        return
    graph = service.reversed_graph(net, times.mode, "time")
    targets = PointSet.build(times.targets.snapped, graph)
    # flipping directions keeps every edge usable as it was: the reversed graph has the same dead-end trees
    trees = service.cached(f"trees:{times.mode}", lambda: Trees.of(graph))
    values = travel_rows(graph, times.edge[todo], times.offset_m[todo], targets, times.limit, trees)
    times.cols.update(zip(todo.tolist(), values, strict=True))
    _write(times)


def fill_pairs(
    service: CircleService, net: RoadNetwork, times: CentreTimes, sources: list[int], sinks: list[int]
) -> None:
    """Make ``matrix(times, sources, sinks)`` answerable with the fewest new searches, from either side."""
    if all(i in times.rows for i in sources) or all(j in times.cols for j in sinks):
        return
    missing_rows = sum(i not in times.rows for i in sources)
    missing_cols = sum(j not in times.cols for j in sinks)
    if missing_rows <= missing_cols:
        fill_rows(service, net, times, sources)
    else:
        fill_cols(service, net, times, sinks)


def matrix(times: CentreTimes, sources: npt.NDArray[np.int64], sinks: npt.NDArray[np.int64]) -> F8:
    """Seconds from each source to each sink, from rows when all sources have one, else from columns."""
    if len(sources) == 0:
        return np.zeros((0, len(sinks)))
    if len(sinks) == 0 or all(int(i) in times.rows for i in sources):
        return np.vstack([times.rows[int(i)][sinks] for i in sources])
    return np.column_stack([times.cols[int(j)][sources] for j in sinks])


def _read(path: Path, times: CentreTimes) -> None:
    """Rows and columns stored by an earlier process (none when absent, unreadable or of another shape)."""
    n = len(times.edge)
    try:
        with np.load(path) as data:
            parts = {name: (data[f"{name}_index"], data[f"{name}_values"]) for name in ("rows", "cols")}
    except (OSError, KeyError, ValueError):
        return
    for name, (index, values) in parts.items():
        if values.ndim == 2 and values.shape[1] == n and len(index) == len(values):
            getattr(times, name).update({int(i): values[k].copy() for k, i in enumerate(index)})


def _write(times: CentreTimes) -> None:
    """Store rows and columns atomically; keep the newest KEEP_FILES tables. A failure only loses the cache."""
    path = times.path
    if path is None:
        return
    n = len(times.edge)
    arrays: dict[str, npt.NDArray[np.generic]] = {}
    for name in ("rows", "cols"):
        part: dict[int, F8] = dict(getattr(times, name))
        index = np.asarray(sorted(part), dtype=np.int64)
        arrays[f"{name}_index"] = index
        arrays[f"{name}_values"] = (
            np.vstack([part[int(i)] for i in index]) if len(index) else np.empty((0, n))
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}-{threading.get_ident()}.tmp")
        with tmp.open("wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
        tables = sorted(path.parent.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in tables[KEEP_FILES:]:
            stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not store the travel-time cache %s: %s", path, exc)
