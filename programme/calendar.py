"""The "2+N" fair calendar: 周三招工 every Wednesday, 周六招才 every Saturday, plus N special fairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from geo.core.errors import InvalidInput

Kind = Literal["workers", "talents", "special"]
Theme = Literal["", "spring_breeze", "campus", "livestream", "other"]
KINDS: tuple[str, ...] = ("workers", "talents", "special")
THEMES: tuple[str, ...] = ("", "spring_breeze", "campus", "livestream", "other")
WEEKDAY = {"workers": 2, "talents": 5}  # date.weekday(): Wednesday 2, Saturday 5
WEEKDAY_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
KIND_ZH = {"workers": "周三招工", "talents": "周六招才", "special": "专场"}
THEME_ZH = {
    "": "",
    "spring_breeze": "春风行动",
    "campus": "校园招聘",
    "livestream": "直播带岗",
    "other": "专场",
}

# 春节 (Spring Festival, 正月初一): migrants are home from a few days before to about 初十
SPRING_FESTIVAL = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}


@dataclass(frozen=True)
class FairPlan:
    """One fair of the calendar: its day, kind, theme and title (the venue is chosen when scheduling)."""

    fair_date: date
    kind: str
    theme: str
    title: str


def check_kind(kind: str, theme: str = "") -> None:
    """InvalidInput unless kind and theme are known and a theme goes only with a special fair."""
    if kind not in KINDS:
        raise InvalidInput(
            f"招聘会类型未知 unknown fair kind {kind!r}: use one of {', '.join(KINDS)}", field="kind"
        )
    if theme not in THEMES:
        raise InvalidInput(
            f"专场主题未知 unknown theme {theme!r}: use one of {', '.join(t for t in THEMES if t)}",
            field="theme",
        )


def check_weekday(kind: str, day: date) -> None:
    """InvalidInput when a workers' fair is not on a Wednesday or a talents' fair not on a Saturday."""
    want = WEEKDAY.get(kind)
    if want is not None and day.weekday() != want:
        raise InvalidInput(
            f"{KIND_ZH[kind]}须在{WEEKDAY_ZH[want]}，{day.isoformat()} 是{WEEKDAY_ZH[day.weekday()]} "
            f"(a {kind} fair is held on a {('Wednesday', 'Saturday')[want == 5]}, "
            f"{day.isoformat()} is a {day.strftime('%A')})",
            field="fair_date",
        )


def weekly(year: int, weekday: int) -> list[date]:
    """Every date of the year on that weekday (0 Monday … 6 Sunday)."""
    first = date(year, 1, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    out: list[date] = []
    while day.year == year:
        out.append(day)
        day += timedelta(days=7)
    return out


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based; -1 the last) given weekday of a month."""
    days = [d for d in weekly(year, weekday) if d.month == month]
    return days[n - 1] if n > 0 else days[n]


def special_fairs(year: int) -> list[FairPlan]:
    """The N: 春风行动 on 正月初六 and 初九, campus fairs in April and October, a livestream each quarter."""
    out: list[FairPlan] = []
    festival = SPRING_FESTIVAL.get(year)
    if festival is not None:
        for offset, day_zh in ((5, "初六"), (8, "初九")):
            out.append(
                FairPlan(
                    festival + timedelta(days=offset),
                    "special",
                    "spring_breeze",
                    f"春风行动·返乡人员专场招聘会（正月{day_zh}）",
                )
            )
    for month in (4, 10):
        out.append(FairPlan(_nth_weekday(year, month, 3, 3), "special", "campus", f"{month}月校园专场招聘会"))
    for month in (3, 6, 9, 12):
        out.append(FairPlan(_nth_weekday(year, month, 4, -1), "special", "livestream", f"{month}月直播带岗"))
    return out


def generate_calendar(year: int, *, skip: Iterable[date] = (), specials: bool = True) -> list[FairPlan]:
    """The year's fairs in date order: every Wednesday and Saturday but the skipped days, and the specials."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"年份超出范围 the year must be between 2000 and 2100, got {year}", field="year")
    skipped = set(skip)
    for day in skipped:
        if day.year != year:
            raise InvalidInput(
                f"跳过的日期 {day.isoformat()} 不在 {year} 年 (a skipped day must fall in {year})",
                field="skip",
            )
    plans = [FairPlan(d, "workers", "", f"{d.month}月{d.day}日 周三招工") for d in weekly(year, 2)]
    plans += [FairPlan(d, "talents", "", f"{d.month}月{d.day}日 周六招才") for d in weekly(year, 5)]
    plans = [p for p in plans if p.fair_date not in skipped]
    if specials:  # the special fairs are meant for holidays (春风行动 while migrants are home): never skipped
        plans += special_fairs(year)
    return sorted(plans, key=lambda p: (p.fair_date, p.kind))
