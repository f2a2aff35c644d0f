"""Live updates when a resident moves, changes status or trade, arrives or leaves.

The sites whose circles held the resident before or hold them now get their demand and 2SFCA ratio
recomputed (and the change passed on to the residents in those circles); the resident's own figures are
recomputed from the new home; the resident's old and new village and township are re-aggregated.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine

from geo.engine.circle import PointSet
from geo.engine.network_load import RoadNetwork
from geo.engine.snap import Snapped
from matching.analytics.compute import gaussian_weight
from matching.analytics.live import LiveUpdate, update_site_in_run
from matching.analytics.queries import (
    DELETE_RESIDENT_STATS,
    REFRESH_AREA_PEOPLE,
    RUNS_FOR_VERSION,
    SITE_POSITIONS,
    SITE_STATS_MANY,
    UPSERT_RESIDENT_STATS,
)
from matching.circle.queries import ALL_RESIDENTS
from matching.circle.residents import Residents, residents_for, residents_key
from matching.circle.service import CircleService, Located


def resident_changed(engine: Engine, service: CircleService, resident_id: int) -> LiveUpdate:
    """Bring every stored run up to date after one resident's record changed (or was deleted)."""
    started = time.perf_counter()
    touched = 0
    with engine.begin() as conn:
        net = service.network(conn)
        runs = conn.execute(RUNS_FOR_VERSION, {"version": net.version}).all()
        row = conn.execute(ALL_RESIDENTS, {"srid": net.srid, "resident_id": resident_id}).one_or_none()
        for mode in sorted({r.mode for r in runs}):
            people = residents_for(service, conn, mode)
            old_k = _position(people, resident_id)
            old_places = _places(people, old_k)
            updated, new_k = _with_resident(service, net, mode, people, old_k, resident_id, row)
            service.replace_cached(residents_key(mode), updated)
            for run in (r for r in runs if r.mode == mode):
                touched += _update_run(conn, service, net, run, people, old_k, updated, new_k, resident_id)
                codes = sorted(old_places | _places(updated, new_k))
                if codes:
                    conn.execute(REFRESH_AREA_PEOPLE, {"run_id": run.run_id, "codes": codes})
    return LiveUpdate(len(runs), touched, time.perf_counter() - started)


def _position(people: Residents, resident_id: int) -> int | None:
    ids = people.located.ids
    k = int(np.searchsorted(ids, resident_id))
    return k if k < len(ids) and ids[k] == resident_id else None


def _places(people: Residents, k: int | None) -> set[str]:
    if k is None:
        return set()
    return {str(people.village[k]), str(people.township[k])}


def _with_resident(
    service: CircleService,
    net: RoadNetwork,
    mode: str,
    people: Residents,
    k: int | None,
    resident_id: int,
    row: Any,
) -> tuple[Residents, int | None]:
    """A copy of the residents with one record replaced, added or removed, and its new position."""
    snapped = people.located.targets.snapped
    ids, edge, offset, gap = people.located.ids, snapped.edge, snapped.offset_m, snapped.distance_m
    avail, group, village, township = people.available, people.group, people.village, people.township
    if k is not None:
        keep = np.arange(len(ids)) != k
        ids, edge, offset, gap = ids[keep], edge[keep], offset[keep], gap[keep]
        avail, group, village, township = avail[keep], group[keep], village[keep], township[keep]
    new_k = None
    if row is not None:
        one = net.index(mode).snap(
            np.array([row.x]), np.array([row.y]), max_snap_m=service.settings.max_snap_m
        )
        new_k = int(np.searchsorted(ids, resident_id))
        ids = np.insert(ids, new_k, resident_id)
        edge = np.insert(edge, new_k, one.edge[0])
        offset = np.insert(offset, new_k, one.offset_m[0])
        gap = np.insert(gap, new_k, one.distance_m[0])
        avail = np.insert(avail, new_k, bool(row.available))
        group = np.insert(group, new_k, row.occupation_group)
        village = np.insert(village, new_k, row.village_code)
        township = np.insert(township, new_k, row.township_code)
    graph = net.graph(mode, "length")
    located = Located(
        ids, PointSet.build(Snapped(edge, offset, gap), graph), int(ids.max()) if len(ids) else 0
    )
    return Residents(located, avail, group, village, township), new_k


def _sites_reached(
    service: CircleService, net: RoadNetwork, run: Any, sites: Located, people: Residents, k: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Sites (indices into ``sites``) reachable from resident k's home, with costs."""
    if k is None:
        return np.empty(0, np.int32), np.empty(0)
    snapped = people.located.targets.snapped
    if snapped.edge[k] < 0:
        return np.empty(0, np.int32), np.empty(0)
    search = service.search(net.graph(run.mode, run.metric))
    limit = float(run.limit_value)
    reach = search.search(int(snapped.edge[k]), float(snapped.offset_m[k]), limit)
    return search.points(reach, sites.targets, limit)


def _update_run(
    conn: Connection,
    service: CircleService,
    net: RoadNetwork,
    run: Any,
    before: Residents,
    old_k: int | None,
    after: Residents,
    new_k: int | None,
    resident_id: int,
) -> int:
    sites = service.sites(conn, net, run.mode)
    old_idx, _ = _sites_reached(service, net, run, sites, before, old_k)
    new_idx, new_cost = _sites_reached(service, net, run, sites, after, new_k)
    touched = 0
    for site_id in sorted(set(sites.ids[old_idx].tolist()) | set(sites.ids[new_idx].tolist())):
        rows = conn.execute(SITE_POSITIONS, {"srid": net.srid, "site_id": site_id}).all()
        touched += update_site_in_run(
            conn, service, run.run_id, run.mode, run.metric, float(run.limit_value), run.decay, site_id, rows
        )
    if new_k is None:
        conn.execute(DELETE_RESIDENT_STATS, {"run_id": run.run_id, "resident_id": resident_id})
        return touched + 1
    site_ids = sites.ids[new_idx]
    stats = {
        r.site_id: r
        for r in conn.execute(SITE_STATS_MANY, {"run_id": run.run_id, "site_ids": site_ids.tolist()})
    }
    limit = float(run.limit_value)
    w = gaussian_weight(new_cost, limit) if run.decay == "gaussian" else np.ones(len(new_cost))
    group = str(after.group[new_k])
    total = matching = 0
    access = 0.0
    for sid, weight in zip(site_ids.tolist(), w.tolist(), strict=True):
        st = stats.get(sid)
        if st is None or st.positions == 0:
            continue
        total += int(st.positions)
        matching += int(dict(st.group_positions).get(group, 0))
        access += weight * float(st.supply_ratio)
    conn.execute(
        UPSERT_RESIDENT_STATS,
        {
            "run_id": run.run_id,
            "resident_id": resident_id,
            "on_network": bool(after.located.targets.snapped.edge[new_k] >= 0),
            "positions_in_reach": total,
            "matching_positions": matching,
            "access_index": access,
        },
    )
    return touched + 1
