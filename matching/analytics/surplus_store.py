"""Dated surplus/shortage snapshots (circle_snapshots): written by `hongyan analyze circles --snapshot`, read by the API."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine

from geo.core.db import copy_table
from geo.core.errors import InvalidInput, NotFound
from matching.analytics.compute import load_inputs
from matching.analytics.queries import (
    AREA_NAME,
    CLEAR_SNAPSHOT,
    SNAPSHOT_AREAS,
    SNAPSHOT_DATES,
    SNAPSHOT_GROUPS,
    SNAPSHOT_TREND,
)
from matching.analytics.surplus import ALL, area_rows, figures, site_reach, snapshot_groups
from matching.circle.service import CircleService

COLUMNS = (
    "snapshot_date",
    "mode",
    "metric",
    "limit_value",
    "area_code",
    "level",
    "group",
    "seekers",
    "positions",
    "balance",
    "access_2sfca",
    "access_e2sfca",
    "spatial_availability",
)


@dataclass(frozen=True)
class SnapshotSummary:
    """What `--snapshot` prints: the date, how many rows and groups, positions and what was unallocated."""

    day: date
    rows: int
    groups: int
    positions: int
    unallocated: float
    seconds: float


def take_snapshot(
    engine: Engine, service: CircleService, *, mode: str, metric: str, limit: float, day: date
) -> SnapshotSummary:
    """Compute every group's figures and replace the snapshot of that date and circle."""
    started = time.perf_counter()
    with engine.connect() as conn:
        net = service.network(conn)
        inputs = load_inputs(conn, srid=net.srid)
    reach = site_reach(service, net, inputs, mode=mode, metric=metric, limit=limit)
    frames = []
    unallocated = 0.0
    groups = snapshot_groups(inputs)
    for group in groups:
        fig = figures(inputs, reach, group, limit=limit)
        if group == ALL:
            unallocated = fig.unallocated
        frames.append(area_rows(inputs, fig, group))
    table = pd.concat(frames, ignore_index=True)
    params = {"day": day, "mode": mode, "metric": metric, "limit_value": limit}
    with engine.begin() as conn:
        conn.execute(CLEAR_SNAPSHOT, params)
        n = len(table)
        copy_table(
            conn,
            "circle_snapshots",
            COLUMNS,
            zip(
                [day] * n,
                [mode] * n,
                [metric] * n,
                [limit] * n,
                table["area_code"].tolist(),
                table["level"].tolist(),
                table["group"].tolist(),
                table["seekers"].astype(int).tolist(),
                table["positions"].astype(int).tolist(),
                table["balance"].astype(float).tolist(),
                table["access_2sfca"].astype(float).tolist(),
                table["access_e2sfca"].astype(float).tolist(),
                table["spatial_availability"].astype(float).tolist(),
                strict=True,
            ),
        )
    return SnapshotSummary(
        day,
        len(table),
        len(groups),
        int(inputs.site_positions.sum()),
        round(unallocated, 6),
        round(time.perf_counter() - started, 2),
    )


def _circle(mode: str, radius_m: float) -> dict[str, Any]:
    return {"mode": mode, "metric": "length", "limit_value": radius_m}


def choices(conn: Connection, *, mode: str, radius_m: float) -> dict[str, Any]:
    """The snapshot dates of a circle and the groups of the latest one (both empty when there are none)."""
    circle = _circle(mode, radius_m)
    dates = [r[0] for r in conn.execute(SNAPSHOT_DATES, circle)]
    groups = (
        [dict(r._mapping) for r in conn.execute(SNAPSHOT_GROUPS, {**circle, "day": dates[-1]})]
        if dates
        else []
    )
    return {"mode": mode, "radius_m": radius_m, "dates": dates, "groups": groups}


def surplus(
    conn: Connection, *, level: str, group: str, day: date | None, mode: str, radius_m: float
) -> dict[str, Any]:
    """One date's figures per area of a level for a group (the latest date by default), with the choices."""
    circle = _circle(mode, radius_m)
    dates = [r[0] for r in conn.execute(SNAPSHOT_DATES, circle)]
    if not dates:
        raise NotFound(
            f"no surplus snapshots for mode {mode} within {radius_m:g} m yet: run "
            f"`hongyan analyze circles --mode {mode} --radius {radius_m:g} --snapshot` first"
        )
    chosen = day or dates[-1]
    if chosen not in dates:
        raise NotFound(
            f"no snapshot on {chosen.isoformat()}; snapshots exist for {', '.join(d.isoformat() for d in dates)}"
        )
    groups = [dict(r._mapping) for r in conn.execute(SNAPSHOT_GROUPS, {**circle, "day": chosen})]
    if group not in {g["group"] for g in groups}:
        raise InvalidInput(
            f"no figures for group {group!r} on {chosen.isoformat()}: use 'all', a major group like '6' "
            "or a medium group like '6-18' that has seekers or positions",
            field="group",
        )
    rows = conn.execute(SNAPSHOT_AREAS, {**circle, "day": chosen, "level": level, "group": group})
    return {
        "level": level,
        "group": group,
        "date": chosen,
        "mode": mode,
        "radius_m": radius_m,
        "dates": dates,
        "groups": groups,
        "areas": [dict(r._mapping) for r in rows],
    }


def trend(conn: Connection, *, area: str, group: str, mode: str, radius_m: float) -> dict[str, Any]:
    """An area's figures for a group on every snapshot date, oldest first."""
    named = conn.execute(AREA_NAME, {"code": area}).one_or_none()
    if named is None:
        raise NotFound(f"area {area} does not exist")
    params = {**_circle(mode, radius_m), "area": area, "group": group}
    points = [dict(r._mapping) for r in conn.execute(SNAPSHOT_TREND, params)]
    if not points:
        raise NotFound(
            f"no snapshots of {named.name} ({area}) for group {group!r}: run "
            "`hongyan analyze circles --snapshot` on the days you want to compare"
        )
    return {"area": area, "name": named.name, "level": named.level, "group": group, "points": points}
