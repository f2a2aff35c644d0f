"""Live updates of the stored circle analytics: when a site's open positions change, only its circle is redone.

For each stored run on the current network, the site's circle (residents who can reach it) is searched once;
the change in its positions and in its 2SFCA ratio is added to exactly the residents inside that circle and to
their villages and townships. The result equals a full re-run (tested).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine

from geo.engine.network import Metric
from matching.analytics.compute import gaussian_weight
from matching.analytics.queries import (
    ADD_AREA_DELTAS,
    ADD_RESIDENT_DELTAS,
    DELETE_SITE_STATS,
    RUNS_FOR_VERSION,
    SITE_POSITIONS,
    SITE_STATS,
    UPSERT_SITE_STATS,
)
from matching.circle.residents import Residents, residents_for
from matching.circle.service import CircleService


@dataclass(frozen=True)
class LiveUpdate:
    """What one live update touched and how long it took."""

    runs: int
    residents_touched: int
    seconds: float


def site_changed(engine: Engine, service: CircleService, site_id: int) -> LiveUpdate:
    """Bring every stored run up to date after the open positions of one site changed (or it was removed)."""
    started = time.perf_counter()
    touched = 0
    with engine.begin() as conn:
        net = service.network(conn)
        runs = conn.execute(RUNS_FOR_VERSION, {"version": net.version}).all()
        rows = conn.execute(SITE_POSITIONS, {"srid": net.srid, "site_id": site_id}).all()
        for run in runs:
            touched += update_site_in_run(
                conn,
                service,
                run.run_id,
                run.mode,
                run.metric,
                float(run.limit_value),
                run.decay,
                site_id,
                rows,
            )
    return LiveUpdate(len(runs), touched, time.perf_counter() - started)


def update_site_in_run(
    conn: Connection,
    service: CircleService,
    run_id: int,
    mode: str,
    metric: Metric,
    limit: float,
    decay: str,
    site_id: int,
    rows: Sequence[Any],
) -> int:
    net = service.network(conn)
    people = residents_for(service, conn, mode)
    new_groups: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.positions:
            new_groups[r.occupation_group] += int(r.positions)
    p_new = sum(new_groups.values())
    old = conn.execute(SITE_STATS, {"run_id": run_id, "site_id": site_id}).one_or_none()
    p_old = int(old.positions) if old else 0
    old_groups: dict[str, int] = dict(old.group_positions) if old else {}
    ratio_old = float(old.supply_ratio) if old else 0.0

    idx = np.empty(0, np.int32)
    cost = np.empty(0)
    on_network = False
    if rows:
        snap = net.index(mode).snap(
            np.array([rows[0].x]), np.array([rows[0].y]), max_snap_m=service.settings.max_snap_m
        )
        on_network = bool(snap.edge[0] >= 0)
        if on_network:
            search = service.search(service.reversed_graph(net, mode, metric))
            reach = search.search(int(snap.edge[0]), float(snap.offset_m[0]), limit)
            idx, cost = search.points(reach, people.located.targets, limit)
    w = gaussian_weight(cost, limit) if decay == "gaussian" else np.ones(len(idx))
    avail = people.available[idx]
    weighted = float((w * avail).sum())
    ratio_new = p_new / weighted if (p_new > 0 and weighted > 0) else 0.0

    d_pos = p_new - p_old
    groups = people.group[idx]
    d_match = np.array([new_groups.get(g, 0) - old_groups.get(g, 0) for g in groups], dtype=np.int64)
    d_access = w * (ratio_new - ratio_old)
    changed = (d_pos != 0) | (d_match != 0) | (d_access != 0)
    ids = people.located.ids[idx[changed]]
    if len(ids):
        conn.execute(
            ADD_RESIDENT_DELTAS,
            {
                "run_id": run_id,
                "ids": ids.tolist(),
                "dp": [d_pos] * len(ids),
                "dm": d_match[changed].tolist(),
                "da": d_access[changed].tolist(),
            },
        )
    _update_areas(conn, run_id, people, idx, avail, d_pos, d_access, rows, p_new - p_old)
    if rows:
        conn.execute(
            UPSERT_SITE_STATS,
            {
                "run_id": run_id,
                "site_id": site_id,
                "on_network": on_network,
                "positions": p_new,
                "group_positions": json.dumps(dict(new_groups), ensure_ascii=False),
                "candidates": int(avail.sum()),
                "weighted_demand": weighted,
                "supply_ratio": ratio_new,
            },
        )
    else:
        conn.execute(DELETE_SITE_STATS, {"run_id": run_id, "site_id": site_id})
    return len(ids)


def _update_areas(
    conn: Connection,
    run_id: int,
    people: Residents,
    idx: npt.NDArray[np.int32],
    avail: npt.NDArray[np.bool_],
    d_pos: int,
    d_access: npt.NDArray[np.float64],
    rows: Sequence[Any],
    d_located: int,
) -> None:
    """Add the change to the villages and townships of the residents in the circle and of the site itself."""
    reach: dict[str, float] = defaultdict(float)
    claim: dict[str, float] = defaultdict(float)
    located: dict[str, int] = defaultdict(int)
    sel = idx[avail]
    for level_codes in (people.village[sel], people.township[sel]):
        for code, da in zip(level_codes.tolist(), d_access[avail].tolist(), strict=True):
            reach[code] += d_pos
            claim[code] += da
    if rows and d_located:
        located[rows[0].area_code] += d_located
        if rows[0].township_code != rows[0].area_code:
            located[rows[0].township_code] += d_located
    codes = sorted(set(reach) | set(located))
    if codes:
        conn.execute(
            ADD_AREA_DELTAS,
            {
                "run_id": run_id,
                "codes": codes,
                "dpos": [located.get(c, 0) for c in codes],
                "dreach": [reach.get(c, 0.0) for c in codes],
                "dclaim": [claim.get(c, 0.0) for c in codes],
            },
        )
