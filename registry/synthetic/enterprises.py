"""Synthetic enterprises with valid credit codes and their sites (county seat, zone, township seats, fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from registry.credit_code import CHARSET, credit_check_char, org_check_char
from registry.synthetic.areas import CountyAreas
from registry.synthetic.industries import INDUSTRIES, MINING_TOWNSHIPS
from registry.synthetic.names import trade_names
from registry.synthetic.people import REGION, ewkb_points
from registry.synthetic.places import Projector, containing, scatter_points, uniform_points

MODES = ("seat", "park", "town", "village", "mine")
SCATTER_M = {"seat": 1500.0, "park": 900.0, "town": 500.0, "mine": 2500.0}
COUNTY_PREFIX = "霍邱县"


@dataclass(frozen=True)
class EnterpriseSet:
    """Rows for enterprises and enterprise_sites, plus what vacancies need to refer to them."""

    enterprises: dict[str, list[Any]]
    sites: dict[str, list[Any]]
    industry: np.ndarray  # industry index per enterprise
    first_site: np.ndarray  # index of each enterprise's first site
    site_count: np.ndarray
    site_area: np.ndarray  # area code per site
    employees: np.ndarray


def credit_codes(rng: np.random.Generator, prefixes: list[str]) -> list[str]:
    """Distinct valid credit codes in Huoqiu for the given 2-character registration/type prefixes."""
    letters = np.array(list(CHARSET))
    seen: set[str] = set()
    out: list[str] = []
    for prefix in prefixes:
        while True:
            if rng.random() < 0.7:  # codes issued since 2015 start with MA
                body = "MA" + "".join(letters[rng.integers(0, len(CHARSET), 6)])
            else:
                body = "".join(letters[rng.integers(0, 10, 8)])
            first17 = prefix + REGION + body + org_check_char(body)
            code = first17 + credit_check_char(first17)
            if code not in seen:
                seen.add(code)
                out.append(code)
                break
    return out


def enterprise_names(rng: np.random.Generator, suffixes: list[str], towns: list[str]) -> list[str]:
    """Distinct names like 霍邱县鑫源食品有限公司; clashes get the township's name inserted."""
    names = [COUNTY_PREFIX + t + s for t, s in zip(trade_names(rng, len(suffixes)), suffixes, strict=True)]
    for _ in range(20):
        seen: set[str] = set()
        clashes = []
        for i, name in enumerate(names):
            if name in seen:
                clashes.append(i)
            seen.add(name)
        if not clashes:
            return names
        for i, t in zip(clashes, trade_names(rng, len(clashes)), strict=True):
            names[i] = COUNTY_PREFIX + t + suffixes[i]
    seen = set()
    for i, name in enumerate(names):
        if name in seen:
            names[i] = f"{COUNTY_PREFIX}{towns[i]}{name[len(COUNTY_PREFIX) :]}"
        seen.add(names[i])
    return names


def _site_points(
    rng: np.random.Generator, areas: CountyAreas, projector: Projector, modes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat of each site and the township it was placed around (index; -1 for village sites)."""
    towns = areas.townships
    parks = areas.park_townships
    rural = np.flatnonzero(towns.kinds != "park")
    if len(rural) == 0:
        rural = np.arange(len(towns))
    mines = np.array([i for c in MINING_TOWNSHIPS if (i := towns.index_of(c)) is not None], dtype=np.int64)
    n = len(modes)
    township = np.full(n, -1, dtype=np.int64)
    township[modes == "seat"] = areas.seat_township
    park_sites = modes == "park"
    township[park_sites] = (
        parks[rng.integers(0, len(parks), park_sites.sum())] if len(parks) else areas.seat_township
    )
    for mode, pool in (("town", rural), ("mine", mines if len(mines) else rural)):
        chosen = modes == mode
        township[chosen] = pool[rng.integers(0, len(pool), chosen.sum())]
    points = np.zeros((n, 2))
    around = township >= 0
    sigma = np.array([SCATTER_M.get(m, 0.0) for m in modes])
    points[around] = scatter_points(
        rng, projector, towns.geoms, township[around], towns.seats[township[around]], sigma[around]
    )
    in_fields = ~around
    fields = rng.integers(0, len(areas.villages), in_fields.sum())
    points[in_fields] = uniform_points(rng, areas.villages.geoms, fields)
    township[in_fields] = areas.village_township[fields]
    return points, township


def _site_areas(areas: CountyAreas, points: np.ndarray, township: np.ndarray) -> np.ndarray:
    """The village containing each site, else the township containing it, else the township it was put in."""
    village = containing(areas.villages.geoms, points)
    town = containing(areas.townships.geoms, points)
    fallback = np.where(township >= 0, township, 0)
    return np.where(
        village >= 0,
        areas.villages.codes[np.maximum(village, 0)],
        np.where(town >= 0, areas.townships.codes[np.maximum(town, 0)], areas.townships.codes[fallback]),
    )


def make_enterprises(
    rng: np.random.Generator, areas: CountyAreas, n: int, *, projector: Projector
) -> EnterpriseSet:
    """n enterprises across INDUSTRIES with one or more sites each."""
    weights = np.array([ind.weight for ind in INDUSTRIES])
    industry = rng.choice(len(INDUSTRIES), size=n, p=weights / weights.sum())
    median = np.array([ind.employees[0] for ind in INDUSTRIES])[industry]
    spread = np.array([ind.employees[1] for ind in INDUSTRIES])[industry]
    employees = np.clip(np.rint(median * np.exp(rng.normal(0, 1, n) * spread)), 1, 5000).astype(np.int64)
    chain = np.array([ind.chain for ind in INDUSTRIES])[industry]
    site_count = 1 + (rng.random(n) < chain) + (rng.random(n) < chain / 4)
    site_enterprise = np.repeat(np.arange(n), site_count)
    first_site = np.cumsum(site_count) - site_count
    modes = np.empty(len(site_enterprise), dtype=object)
    for k, ind in enumerate(INDUSTRIES):
        mine = industry[site_enterprise] == k
        names = [m for m, _ in ind.places]
        p = np.array([w for _, w in ind.places])
        modes[mine] = np.array(names, dtype=object)[
            rng.choice(len(names), size=int(mine.sum()), p=p / p.sum())
        ]
    points, township = _site_points(rng, areas, projector, modes)
    site_area = _site_areas(areas, points, township)
    town_names = dict(zip(areas.townships.codes, areas.townships.names, strict=True))
    site_town = [town_names.get(code[:9] + "000", "") for code in site_area.tolist()]
    suffixes = [
        INDUSTRIES[k].suffixes[rng.integers(0, len(INDUSTRIES[k].suffixes))] for k in industry.tolist()
    ]
    names = enterprise_names(rng, suffixes, [site_town[i] for i in first_site.tolist()])
    codes = credit_codes(rng, [INDUSTRIES[k].org[0] for k in industry.tolist()])
    site_names = [
        names[e] if i == first_site[e] else f"{names[e]}{site_town[i]}分部"
        for i, e in enumerate(site_enterprise.tolist())
    ]
    enterprise_ids = np.arange(1, n + 1)
    return EnterpriseSet(
        enterprises={
            "enterprise_id": enterprise_ids.tolist(),
            "credit_code": codes,
            "name": names,
            "industry": [INDUSTRIES[k].label for k in industry.tolist()],
            "kind": [INDUSTRIES[k].org[1] for k in industry.tolist()],
            "employees": employees.tolist(),
            "area_code": site_area[first_site].tolist(),
        },
        sites={
            "site_id": list(range(1, len(site_enterprise) + 1)),
            "enterprise_id": (site_enterprise + 1).tolist(),
            "name": site_names,
            "area_code": site_area.tolist(),
            "geom": ewkb_points(points),
        },
        industry=industry,
        first_site=first_site,
        site_count=site_count,
        site_area=site_area,
        employees=employees,
    )
