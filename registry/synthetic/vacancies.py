"""Synthetic open vacancies: trades matching each enterprise's industry, skewed sizes, plausible wages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from registry.synthetic.arrays import rank_within_groups
from registry.synthetic.enterprises import EnterpriseSet
from registry.synthetic.industries import DEFAULT_WAGE, INDUSTRIES, WAGE_CEILING, WAGE_FLOOR, WAGES

PART_TIME_SHARE = 0.08
SEASONAL_INDUSTRIES = frozenset({"水产养殖", "种植", "畜牧养殖"})
SEASONAL_PART_TIME_SHARE = 0.3
VARIANTS = (("", 1.0), ("（熟练）", 1.15), ("（学徒）", 0.8))  # title suffix, wage factor


def _round100(values: np.ndarray) -> np.ndarray:
    """Values rounded to whole hundreds of yuan."""
    return (np.rint(values / 100.0) * 100).astype(np.int64)


def make_vacancies(
    rng: np.random.Generator,
    firms: EnterpriseSet,
    target: int,
    *,
    today: date,
    titles: dict[str, str],
) -> dict[str, list[Any]]:
    """About ``target`` open vacancies spread over the enterprises (bigger firms post more)."""
    rate = np.array([ind.vacancy_rate for ind in INDUSTRIES])[firms.industry]
    lam = rate * (1.0 + np.log10(firms.employees + 1.0))
    lam *= target / lam.sum()
    per_firm = rng.poisson(lam)
    firm = np.repeat(np.arange(len(per_firm)), per_firm)
    site = firms.first_site[firm] + (rng.random(len(firm)) * firms.site_count[firm]).astype(np.int64)
    code = np.empty(len(firm), dtype=object)
    for k, ind in enumerate(INDUSTRIES):
        mine = firms.industry[firm] == k
        codes = np.array([c for c, _ in ind.trades], dtype=object)
        w = np.array([w for _, w in ind.trades])
        code[mine] = codes[rng.choice(len(codes), size=int(mine.sum()), p=w / w.sum())]
    # Several postings for one trade at one site differ by level (plain, 熟练, 学徒); further draws are dropped.
    trade_index = np.unique(code, return_inverse=True)[1]
    variant = rank_within_groups(site * (trade_index.max(initial=0) + 1) + trade_index)
    keep = variant < len(VARIANTS)
    firm, site, code, variant = firm[keep], site[keep], code[keep], variant[keep]
    n = len(firm)
    scale = np.array([ind.positions_scale for ind in INDUSTRIES])[firms.industry[firm]]
    positions = np.clip(np.rint(rng.geometric(0.45, n) * scale * rng.lognormal(0.0, 0.4, n)), 1, 30)
    low = np.array([WAGES.get(c, DEFAULT_WAGE)[0] for c in code.tolist()], dtype=float)
    high = np.array([WAGES.get(c, DEFAULT_WAGE)[1] for c in code.tolist()], dtype=float)
    factor = np.array([f for _, f in VARIANTS])[variant]
    wage_min = np.clip(
        _round100((low + rng.random(n) * (high - low)) * factor), WAGE_FLOOR, WAGE_CEILING - 500
    )
    wage_max = np.clip(_round100(wage_min * (1.15 + rng.random(n) * 0.45)), wage_min + 300, WAGE_CEILING)
    seasonal = np.isin(
        np.array([INDUSTRIES[k].label for k in firms.industry[firm].tolist()]), list(SEASONAL_INDUSTRIES)
    )
    full_time = rng.random(n) >= np.where(seasonal, SEASONAL_PART_TIME_SHARE, PART_TIME_SHARE)
    valid_until = np.datetime64(today + timedelta(days=14)) + rng.integers(0, 167, n)
    return {
        "vacancy_id": list(range(1, n + 1)),
        "enterprise_id": (firm + 1).tolist(),
        "site_id": (site + 1).tolist(),
        "title": [titles[c] + VARIANTS[v][0] for c, v in zip(code.tolist(), variant.tolist(), strict=True)],
        "occupation_code": code.tolist(),
        "positions": positions.astype(np.int64).tolist(),
        "wage_min": wage_min.tolist(),
        "wage_max": wage_max.tolist(),
        "full_time": full_time.tolist(),
        "status": ["open"] * n,
        "valid_until": np.datetime_as_string(valid_until).tolist(),
        "area_code": firms.site_area[site].tolist(),
    }
