"""Positions inside a person's circle and candidates inside an enterprise's circle, from the database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sqlalchemy import Connection

from geo.errors import NotFound
from geo.network import Metric
from geo.network_load import RoadNetwork
from matching.circles import CircleQuery, CircleService, Located
from matching.live import residents_for
from matching.queries import (
    ENTERPRISE_EXISTS,
    ENTERPRISE_SITES,
    OPEN_VACANCIES_AT_SITES,
    PUBLIC_ENTERPRISE,
    RESIDENT_PROFILES,
    VISIBLE_RESIDENTS,
)
from registry.personal import mask_name

Listing = Literal["counts_only", "your_area", "masked_pool"]


@dataclass(frozen=True)
class JobFilters:
    """Optional filters on the positions of a circle."""

    occupation: str | None = None
    min_wage: int | None = None
    full_time: bool | None = None


class StaleNetwork(Exception):
    """The network or the sites changed since they were loaded: search again with the current ones."""


def positions_in_circle(
    service: CircleService,
    conn: Connection,
    q: CircleQuery,
    filters: JobFilters,
    *,
    limit: int = 200,
    offset: int = 0,
    with_reach: bool = True,
    net: RoadNetwork | None = None,
    sites: Located | None = None,
    check_current: bool = False,
) -> dict[str, Any]:
    """Open positions reachable from the query point, nearest first (a page of them), with the reach polygon.

    With ``check_current`` the given network and sites are used as they are, and StaleNetwork is raised when
    the vacancy query (the same round trip) reports a newer network version or a newer site.
    """
    net = net or service.network(conn)
    sites = sites or service.sites(conn, net, q.mode)
    hit = service.reach(net, q, sites)
    params = {
        "site_ids": hit.ids.tolist(),
        "costs": hit.cost.tolist(),
        "occupation": filters.occupation,
        "min_wage": filters.min_wage,
        "full_time": filters.full_time,
        "limit": limit,
        "offset": offset,
    }
    found = [dict(r._mapping) for r in conn.execute(OPEN_VACANCIES_AT_SITES, params)]
    version, last_site = found[0]["version"], found[0]["last_site"]
    if check_current and (version != net.version or (last_site is not None and last_site > sites.last_id)):
        raise StaleNetwork
    rows = [row for row in found if row["vacancy_id"] is not None]
    vacancy_count = int(rows[0]["vacancy_count"]) if rows else 0
    position_count = int(rows[0]["position_count"]) if rows else 0
    for row in rows:
        cost = row.pop("cost")
        del row["vacancy_count"], row["position_count"], row["version"], row["last_site"]
        if q.metric == "length":
            row["road_distance_m"] = round(cost, 1)
        else:
            row["travel_minutes"] = round(cost / 60.0, 2)
    return {
        "on_network": hit.on_network,
        "snap_distance_m": round(hit.snap_distance_m, 1),
        "vacancy_count": vacancy_count,
        "position_count": position_count,
        "limit": limit,
        "offset": offset,
        "positions": rows,
        "reach": service.reach_polygon(net, q, hit) if with_reach else None,
    }


def _visible_order(scoped: Connection, ordered: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The candidates (nearest first) whose rows the caller's scoped transaction may read (RLS decides)."""
    if not ordered:
        return []
    ids = [rid for rid, _ in ordered]
    visible = set(scoped.execute(VISIBLE_RESIDENTS, {"ids": ids}).scalars())
    return [(rid, cost) for rid, cost in ordered if rid in visible]


def candidates_for_enterprise(
    service: CircleService,
    conn: Connection,
    enterprise_id: int,
    *,
    mode: str,
    metric: Metric,
    limit: float,
    page_size: int = 200,
    listing: Listing = "counts_only",
    scoped: Connection | None = None,
) -> dict[str, Any]:
    """Residents within reach of any of the enterprise's sites (travelling to it), counted and masked.

    The counts cover the whole circle. ``listing`` says which people are listed: ``counts_only`` none (the
    public map, public enterprises only); ``your_area`` those whose rows the caller's ``scoped`` transaction
    may read (staff: their township or village), with their resident id; ``masked_pool`` everyone in the
    circle without resident id, name masked (the enterprise's own HR, who may read no resident row).
    """
    exists = PUBLIC_ENTERPRISE if listing == "counts_only" else ENTERPRISE_EXISTS
    if conn.execute(exists, {"enterprise_id": enterprise_id}).scalar_one_or_none() is None:
        raise NotFound(f"enterprise {enterprise_id} does not exist")
    net = service.network(conn)
    people = residents_for(service, conn, mode)
    best: dict[int, float] = {}
    sites = conn.execute(ENTERPRISE_SITES, {"enterprise_id": enterprise_id, "srid": net.srid}).all()
    for site in sites:
        q = CircleQuery(0.0, 0.0, float(site.x), float(site.y), mode, metric, limit)
        hit = service.reach(net, q, people.located, towards=True)
        available = people.available[np.searchsorted(people.located.ids, hit.ids)]
        for rid, cost in zip(hit.ids[available].tolist(), hit.cost[available].tolist(), strict=True):
            if cost < best.get(rid, np.inf):
                best[rid] = cost
    ordered = sorted(best.items(), key=lambda kv: (kv[1], kv[0]))
    profiles = {}
    if ordered:
        ids = [rid for rid, _ in ordered]
        profiles = {r.resident_id: r for r in conn.execute(RESIDENT_PROFILES, {"ids": ids})}
    by_status: Counter[str] = Counter()
    by_trade: Counter[str] = Counter()
    by_village: Counter[str] = Counter()
    villages: dict[str, dict[str, Any]] = {}
    for rid, _ in ordered:
        p = profiles[rid]
        by_status[p.status] += 1
        by_trade[p.occupation or "未填写"] += 1
        by_village[p.village_code] += 1
        if p.village_code not in villages:
            villages[p.village_code] = {
                "code": p.village_code, "name": p.village,
                "lon": round(p.village_lon, 6), "lat": round(p.village_lat, 6),
            }  # fmt: skip
    unit = "road_distance_m" if metric == "length" else "travel_minutes"
    if listing == "your_area":
        if scoped is None:
            raise ValueError("listing your_area needs the caller's scoped connection")
        shown = _visible_order(scoped, ordered)[:page_size]
    else:
        shown = ordered[:page_size] if listing == "masked_pool" else []
    listed = [
        ({} if listing == "masked_pool" else {"resident_id": rid})
        | {
            "name": mask_name(profiles[rid].name),
            "sex": profiles[rid].sex,
            "age": profiles[rid].age,
            "status": profiles[rid].status,
            "occupation_code": profiles[rid].occupation_code,
            "occupation": profiles[rid].occupation,
            "village": profiles[rid].village,
            unit: round(cost, 1) if unit == "road_distance_m" else round(cost / 60.0, 2),
        }
        for rid, cost in shown
    ]
    return {
        "enterprise_id": enterprise_id,
        "site_count": len(sites),
        "candidate_count": len(ordered),
        "by_status": dict(by_status.most_common()),
        "by_trade": dict(by_trade.most_common()),
        # where the pool lives, aggregated to villages (never individual homes)
        "by_village": [villages[code] | {"count": n} for code, n in by_village.most_common()],
        "listing": listing,
        "candidates": listed,
    }
