"""Which OSM ways are roads, who may use them, in which direction, and how fast (the cost table).

Speeds in km/h per highway class and mode; ``None`` means the class is closed to that mode.

=============== ====== ====== =====  =====================================================
highway         walk   e-bike car    why
=============== ====== ====== =====  =====================================================
motorway        —      —      100    expressways: motor vehicles only
motorway_link   —      —      60
trunk           4.5    20     80     national roads (G…): e-bikes ride the shoulder
primary         4.5    20     60
secondary       4.5    20     50
tertiary        4.5    20     40
trunk_link      4.5    18     50     slip roads are slower than their class
primary_link    4.5    18     40
secondary_link  4.5    18     35
tertiary_link   4.5    18     30
unclassified    4.5    18     30     village connector roads
residential     4.5    18     25
living_street   4.5    12     10
service         4.5    15     15
road            4.5    15     20     unknown class: cautious
track           4.5    12     15     farm tracks: slower for e-bikes and cars
path            4.5    10     —
cycleway        4.5    18     —
footway         4.5    8      —      e-bikes are pushed or ridden slowly among walkers
pedestrian      4.5    8      —
bridleway       4.5    8      —
steps           2.5    —      —      climbing is slower than walking on the flat
=============== ====== ====== =====  =====================================================

Access tags refine the table: ``access=no/private`` closes the way unless a mode-specific tag (``foot``,
``vehicle``/``bicycle`` for e-bikes, ``vehicle``/``motor_vehicle``/``motorcar`` for cars) says yes; a
mode-specific ``no``/``private`` closes that mode; a mode-specific yes on a class the table closes opens it at
the fallback speed. One-way streets bind cars only: people walk and push e-bikes both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

MODES: Final = ("walk", "ebike", "car")
NOT_ALLOWED: Final = -1.0  # pgRouting convention: a negative cost means "no edge in this direction"

_W, _E = 4.5, 20.0
SPEEDS_KMH: Final[dict[str, tuple[float | None, float | None, float | None]]] = {
    "motorway": (None, None, 100.0),
    "motorway_link": (None, None, 60.0),
    "trunk": (_W, _E, 80.0),
    "trunk_link": (_W, 18.0, 50.0),
    "primary": (_W, _E, 60.0),
    "primary_link": (_W, 18.0, 40.0),
    "secondary": (_W, _E, 50.0),
    "secondary_link": (_W, 18.0, 35.0),
    "tertiary": (_W, _E, 40.0),
    "tertiary_link": (_W, 18.0, 30.0),
    "unclassified": (_W, 18.0, 30.0),
    "residential": (_W, 18.0, 25.0),
    "living_street": (_W, 12.0, 10.0),
    "service": (_W, 15.0, 15.0),
    "road": (_W, 15.0, 20.0),
    "track": (_W, 12.0, 15.0),
    "path": (_W, 10.0, None),
    "cycleway": (_W, 18.0, None),
    "footway": (_W, 8.0, None),
    "pedestrian": (_W, 8.0, None),
    "bridleway": (_W, 8.0, None),
    "steps": (2.5, None, None),
}
FALLBACK_KMH: Final = (4.5, 8.0, 10.0)  # a mode explicitly allowed on a class the table closes to it

# The tag keys the graph builder reads; readers keep only these.
TAG_KEYS: Final = (
    "highway",
    "name",
    "ref",
    "oneway",
    "junction",
    "area",
    "access",
    "foot",
    "vehicle",
    "bicycle",
    "motor_vehicle",
    "motorcar",
    "construction",
    "proposed",
    "abandoned",
)
_MODE_KEYS: Final = (("foot",), ("vehicle", "bicycle"), ("vehicle", "motor_vehicle", "motorcar"))
_DENY: Final = frozenset({"no", "private"})
_ALLOW: Final = frozenset({"yes", "designated", "permissive", "destination", "customers", "delivery"})
_ONEWAY_FORWARD: Final = frozenset({"yes", "true", "1"})
_ONEWAY_REVERSE: Final = frozenset({"-1", "reverse"})
_ONEWAY_NO: Final = frozenset({"no", "false", "0", "reversible", "alternating"})


@dataclass(frozen=True, slots=True)
class WayRules:
    """How one kept way may be used: class, name, direction and speed per mode (0.0 = closed)."""

    highway: str
    name: str | None
    oneway: int  # 0 both ways, 1 along the node order, -1 against it (cars only)
    walk_kmh: float
    ebike_kmh: float
    car_kmh: float


def _resolve(tags: Mapping[str, str], keys: tuple[str, ...]) -> bool | None:
    """The most specific yes/no among ``keys`` (least specific first); None if none says either."""
    for key in reversed(keys):
        value = tags.get(key)
        if value in _DENY:
            return False
        if value in _ALLOW:
            return True
    return None


def _mode_speed(tags: Mapping[str, str], mode: int, table_kmh: float | None) -> float:
    """The speed of one mode on a way after its access tags, 0.0 if the mode may not use it."""
    specific = _resolve(tags, _MODE_KEYS[mode])
    if specific is True:
        return table_kmh if table_kmh is not None else FALLBACK_KMH[mode]
    if specific is False or _resolve(tags, ("access",)) is False:
        return 0.0
    return table_kmh if table_kmh is not None else 0.0


def oneway_of(tags: Mapping[str, str]) -> int:
    """1 (along the nodes), -1 (against them) or 0, from oneway, junction=roundabout and motorway."""
    value = tags.get("oneway")
    if value in _ONEWAY_FORWARD:
        return 1
    if value in _ONEWAY_REVERSE:
        return -1
    if value in _ONEWAY_NO:
        return 0
    if tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway":
        return 1
    return 0


def is_road(tags: Mapping[str, str]) -> bool:
    """Whether a way is a routable road at all (class listed, not an area, not under construction)."""
    if tags.get("highway") not in SPEEDS_KMH or tags.get("area") == "yes":
        return False
    if tags.get("construction") not in (None, "no", "minor"):
        return False
    return all(tags.get(key) in (None, "no") for key in ("proposed", "abandoned"))


def way_rules(tags: Mapping[str, str]) -> WayRules | None:
    """The rules of a way, or None if it is not a road or no mode may use it."""
    if not is_road(tags):
        return None
    highway = tags["highway"]
    walk, ebike, car = (_mode_speed(tags, m, kmh) for m, kmh in enumerate(SPEEDS_KMH[highway]))
    if walk == ebike == car == 0.0:
        return None
    return WayRules(
        highway=highway,
        name=tags.get("name") or tags.get("ref"),
        oneway=oneway_of(tags),
        walk_kmh=walk,
        ebike_kmh=ebike,
        car_kmh=car,
    )


def travel_costs(
    length_m: npt.NDArray[np.float64], speed_kmh: npt.NDArray[np.float64], *, one_way: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Seconds to traverse each edge forward and backward; -1 where closed (speed 0) or against a one-way."""
    allowed = speed_kmh > 0
    seconds = np.divide(length_m * 3.6, speed_kmh, out=np.full_like(length_m, NOT_ALLOWED), where=allowed)
    reverse = np.where(one_way, NOT_ALLOWED, seconds)
    return seconds, reverse
