"""A township's figures for its report: the township, its villages, water, sites, heat and circle statistics."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput, NotFound
from geo.core.settings import Settings
from matching.analytics.queries import (
    AREA_BY_CODE,
    CIRCLE_AREA_STATS,
    LATEST_CIRCLE_RUN,
    TOWNSHIP_AREAS,
    TOWNSHIP_HEAT,
    TOWNSHIP_SITES,
    TOWNSHIP_WATER,
)

CODE = re.compile(r"\d{12}")


@dataclass
class ReportData:
    """Everything the report shows, read in one go."""

    township: Mapping[str, Any]
    villages: Sequence[Mapping[str, Any]]
    water: Sequence[Mapping[str, Any]]
    sites: Sequence[Mapping[str, Any]]
    heat: Sequence[Mapping[str, Any]]
    run: Mapping[str, Any] | None
    stats: dict[str, Mapping[str, Any]]
    mode: str = "walk"
    radius_m: float = 3000.0


def check_township_code(conn: Connection, code: str, *, settings: Settings) -> str:
    """The township's name; InvalidInput for a malformed code, NotFound for one that is no township."""
    if not CODE.fullmatch(code):
        raise InvalidInput(
            f"township code {code!r} is malformed: use the 12-digit statistical code, e.g. 341522100000",
            field="code",
        )
    area = conn.execute(AREA_BY_CODE, {"code": code}).mappings().one_or_none()
    if area is None:
        raise NotFound(
            f"no township with code {code} in county {settings.county_code}: "
            "list the townships with `hongyan export areas --level township`"
        )
    if area["level"] != "township":
        raise NotFound(f"code {code} is {area['name']}, a {area['level']}, not a township")
    return str(area["name"])


def load_report_data(
    conn: Connection, code: str, *, settings: Settings, mode: str = "walk", radius_m: float = 3000.0
) -> ReportData:
    """Read the township, its villages, water, sites, heat and the latest circle run's figures."""
    check_township_code(conn, code, settings=settings)
    params = {"code": code}
    areas = [dict(r) for r in conn.execute(TOWNSHIP_AREAS, params).mappings()]
    run_params = {"mode": mode, "metric": "length", "limit_value": radius_m}
    run = conn.execute(LATEST_CIRCLE_RUN, run_params).mappings().one_or_none()
    stats: dict[str, Mapping[str, Any]] = {}
    if run is not None:
        codes = {a["code"] for a in areas}
        for level in ("township", "village"):
            rows = conn.execute(CIRCLE_AREA_STATS, {"run_id": run["run_id"], "level": level}).mappings()
            stats.update({r["code"]: dict(r) for r in rows if r["code"] in codes})
    return ReportData(
        township=areas[0],
        villages=areas[1:],
        water=[dict(r) for r in conn.execute(TOWNSHIP_WATER, params).mappings()],
        sites=[dict(r) for r in conn.execute(TOWNSHIP_SITES, params).mappings()],
        heat=[dict(r) for r in conn.execute(TOWNSHIP_HEAT, params).mappings()],
        run=dict(run) if run is not None else None,
        stats=stats,
        mode=mode,
        radius_m=radius_m,
    )
