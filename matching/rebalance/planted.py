"""A planted truth for the rebalancing plan: welders (6-18) in two townships, welder positions in the zone.

For tests and demonstrations on a *copy* of a demo database: the demo generator itself is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from geo.core.errors import NotFound
from matching.rebalance.queries import (
    BIGGEST_VILLAGE,
    PLANT_ENTERPRISE,
    PLANT_RESIDENTS,
    PLANT_SITE,
    PLANT_VACANCY,
    ZONE_SEAT,
)

WELDER = "6-18-02-04"  # 焊工, medium group 6-18 机械制造基础加工人员


@dataclass(frozen=True)
class PlantedWelders:
    """What was planted: the townships (and villages) of the welders, the zone site and its positions."""

    townships: tuple[str, ...]
    villages: tuple[str, ...]
    welders_each: int
    zone: str
    site_id: int
    positions: int


def plant_welders(
    conn: Connection, *, townships: tuple[str, str], zone: str, welders_each: int, positions: int
) -> PlantedWelders:
    """Add available welders at the biggest village of each township and one zone site seeking welders."""
    villages = []
    for township in townships:
        row = conn.execute(BIGGEST_VILLAGE, {"township": township}).first()
        if row is None:
            raise NotFound(f"township {township} has no village with a seat to plant welders in")
        code, lon, lat = row
        conn.execute(
            PLANT_RESIDENTS,
            {
                "tag": f"planted-{code}",
                "village": code,
                "occupation": WELDER,
                "lon": lon,
                "lat": lat,
                "n": welders_each,
            },
        )
        villages.append(str(code))
    seat = conn.execute(ZONE_SEAT, {"zone": zone}).first()
    if seat is None:
        raise NotFound(f"area {zone} has no seat to place the welding plant at")
    name = "经开区焊接装备厂（模拟）"
    enterprise_id = conn.execute(PLANT_ENTERPRISE, {"name": name, "zone": zone}).scalar_one()
    site_id = conn.execute(
        PLANT_SITE,
        {"enterprise_id": enterprise_id, "name": name, "zone": zone, "lon": seat[0], "lat": seat[1]},
    ).scalar_one()
    conn.execute(
        PLANT_VACANCY,
        {
            "enterprise_id": enterprise_id,
            "site_id": site_id,
            "occupation": WELDER,
            "positions": positions,
            "zone": zone,
        },
    )
    return PlantedWelders(tuple(townships), tuple(villages), welders_each, zone, int(site_id), positions)
