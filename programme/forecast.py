"""Forecast to the year's end from monthly actuals: seasonal from last year when it has data, else run-rate.

Seasonal: this year's count to date divided by last year's count over the same days (the current month
pro rata) gives a factor; each remaining day of the year is forecast as that factor times last year's count
for it (months pro rata). Run-rate: the count to date divided by the days elapsed, times the days left.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

METHOD_ZH = {
    "seasonal": "季节法：按上年同期进度折算（今年累计 ÷ 上年同期累计 × 上年剩余各月）",
    "run_rate": "线性法：按今年日均进度外推到年底",
    "final": "全年已结束：实际数",
}


@dataclass(frozen=True)
class Forecast:
    """The year-end total, each month's actual-or-forecast value, and the method used."""

    total: float
    monthly: tuple[float, ...]
    method: str

    @property
    def method_zh(self) -> str:
        """The method in Chinese words, for the dashboard and reports."""
        return METHOD_ZH[self.method]


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def forecast_year(actual: Sequence[int], on: date, *, last_year: Sequence[int] | None = None) -> Forecast:
    """Forecast the year of ``on`` from 12 monthly actuals counted up to and including ``on``."""
    if len(actual) != 12 or (last_year is not None and len(last_year) != 12):
        raise ValueError("monthly series have 12 values")
    year = on.year
    if on >= date(year, 12, 31):
        return Forecast(float(sum(actual)), tuple(float(a) for a in actual), "final")
    month, day = on.month, on.day
    frac = day / _month_days(year, month)  # share of the current month that has passed
    to_date = sum(actual[:month])
    done = list(map(float, actual[:month]))
    if last_year is not None:
        last_to_date = sum(last_year[: month - 1]) + last_year[month - 1] * frac
        if last_to_date > 0 and to_date > 0:
            factor = to_date / last_to_date
            done[-1] += last_year[month - 1] * (1 - frac) * factor
            rest = [last_year[m] * factor for m in range(month, 12)]
            monthly = tuple(done + rest)
            return Forecast(sum(monthly), monthly, "seasonal")
    elapsed = (on - date(year, 1, 1)).days + 1
    rate = to_date / elapsed
    done[-1] += rate * (_month_days(year, month) - day)
    rest = [rate * _month_days(year, m) for m in range(month + 1, 13)]
    monthly = tuple(done + rest)
    return Forecast(sum(monthly), monthly, "run_rate")
