"""Positions inside a person's circle and candidates inside an enterprise's circle, from the database."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import numpy as np
from sqlalchemy import Connection

from geo.core.errors import NotFound
from geo.engine.network import Metric
from matching.circle.queries import (
    ENTERPRISE_EXISTS,
    ENTERPRISE_SITES,
    PUBLIC_ENTERPRISE,
    RESIDENT_PROFILES,
    VISIBLE_RESIDENTS,
)
from matching.circle.residents import residents_for
from matching.circle.service import CircleQuery, CircleService
from matching.circle.vacancy_board import JobFilters
from registry.personal import mask_name

__all__ = ["JobFilters", "Listing", "candidates_for_enterprise", "positions_in_circle"]

Listing = Literal["counts_only", "your_area", "masked_pool"]


def positions_in_circle(
    service: CircleService,
    conn: Connection,
    q: CircleQuery,
    filters: JobFilters,
    *,
    limit: int = 200,
    offset: int = 0,
    with_reach: bool = True,
) -> dict[str, Any]:
    """Open positions reachable from the query point, nearest first (a page of them), with the reach polygon.

    One short query when nothing changed: it checks the network version, new sites and the change log of the
    job tables, and the positions come from the worker's vacancy board brought up to date by that check.
    """
    board, fresh = service.vacancies.refresh(conn)  # before the sites: a site written later shows as changed
    net, sites = service.current_at(conn, q.mode, fresh.network_version, fresh.last_site, fresh.changed_sites)
    assert sites is not None, "the query's mode was validated"
    hit = service.reach(net, q, sites)
    page, costs = service.vacancies.page(
        board, hit.ids, hit.cost, filters, today=fresh.today, limit=limit, offset=offset
    )
    for row, cost in zip(page.rows, costs.tolist(), strict=True):
        if q.metric == "length":
            row["road_distance_m"] = round(cost, 1)
        else:
            row["travel_minutes"] = round(cost / 60.0, 2)
    return {
        "on_network": hit.on_network,
        "snap_distance_m": round(hit.snap_distance_m, 1),
        "vacancy_count": page.vacancy_count,
        "position_count": page.position_count,
        "limit": limit,
        "offset": offset,
        "positions": page.rows,
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
                "code": p.village_code,
                "name": p.village,
                "lon": round(p.village_lon, 6),
                "lat": round(p.village_lat, 6),
            }
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
