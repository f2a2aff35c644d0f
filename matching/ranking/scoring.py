"""Person ↔ position scores (0..100) with their explanation; pure functions, no database.

Factors and their most points: occupation fit 40 (same code 40, same minor group 28, a related trade from the
bureau's table 8 + 12·weight, else 0), wage against expectation 20, road distance or travel time 25 (linear
from the full amount at the door to 0 at the limit), training 10 (in the vacancy's trade 10, in its minor group
6), returnee bonus 5 (working away, wishing to return, position in the home township). Hard filters are only
what the vacancy states and the law allows: its age range and its required certificates. Sex, ethnicity and
other protected traits are not part of a Profile, so they cannot influence a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

OCCUPATION_POINTS = {"same_code": 40.0, "same_minor": 28.0}
RELATED_BASE, RELATED_SPAN = 8.0, 12.0
WAGE_POINTS = 20.0
DISTANCE_POINTS = 25.0
TRAINING_POINTS = {"same_code": 10.0, "same_minor": 6.0}
RETURNEE_POINTS = 5.0
MODE_NAMES = {"walk": "步行", "ebike": "电动车", "car": "驾车"}


@dataclass(frozen=True)
class Profile:
    """What a score may use about a person (never sex or other protected traits)."""

    age: int | None
    occupation_code: str | None
    occupation_name: str | None = None
    expected_wage: int | None = None
    certificates: frozenset[str] = frozenset()
    training_codes: frozenset[str] = frozenset()
    returnee: bool = False  # working away and wishing to return
    home_township: str | None = None  # 9-digit prefix


@dataclass(frozen=True)
class Position:
    """What a score may use about a vacancy and the trip to it."""

    vacancy_id: int
    occupation_code: str
    occupation_name: str | None
    wage_min: int | None
    wage_max: int | None
    area_code: str
    cost: float  # metres or seconds
    min_age: int | None = None
    max_age: int | None = None
    required_certificates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reach:
    """How the trip is measured: mode, metric ('length' or 'time') and the limit in metres or seconds."""

    mode: str
    metric: str
    limit: float


@dataclass(frozen=True)
class Factor:
    """One line of an explanation."""

    factor: str
    value: str
    weight: float
    points: float
    text: str

    def as_json(self) -> dict[str, object]:
        """The factor as a JSON object."""
        return {
            "factor": self.factor,
            "value": self.value,
            "weight": self.weight,
            "points": self.points,
            "text": self.text,
        }


@dataclass(frozen=True)
class Scored:
    """A score and its explanation (points sum to the score)."""

    score: float
    factors: tuple[Factor, ...] = field(default_factory=tuple)


def minor_group(code: str | None) -> str | None:
    """The minor group (first three parts) of an occupation code: 6-18-02-04 → 6-18-02."""
    if not code or code.count("-") < 2:
        return None
    return "-".join(code.split("-")[:3])


def pair(a: str, b: str) -> tuple[str, str]:
    """An unordered trade pair as stored in related_trades (smaller code first)."""
    return (a, b) if a < b else (b, a)


def hard_filter(profile: Profile, pos: Position) -> str | None:
    """Why the person cannot take the position by its stated lawful requirements, or None."""
    if pos.min_age is not None and (profile.age is None or profile.age < pos.min_age):
        return f"年龄要求 {pos.min_age} 岁以上"
    if pos.max_age is not None and (profile.age is None or profile.age > pos.max_age):
        return f"年龄要求 {pos.max_age} 岁以下"
    missing = sorted(pos.required_certificates - profile.certificates)
    if missing:
        return "需要证书：" + "、".join(missing)
    return None


def _fmt(points: float) -> str:
    return f"+{points:g}" if points >= 0 else f"{points:g}"


def occupation_factor(profile: Profile, pos: Position, related: Mapping[tuple[str, str], float]) -> Factor:
    """Same code, same minor group, a related trade (by the bureau's table) or none."""
    name = pos.occupation_name or pos.occupation_code
    mine = profile.occupation_code
    if not mine:
        return Factor("occupation", "unknown", 0.0, 0.0, "未填写工种 +0")
    if mine == pos.occupation_code:
        pts = OCCUPATION_POINTS["same_code"]
        return Factor("occupation", "same_code", 1.0, pts, f"同一工种（{name}）{_fmt(pts)}")
    if minor_group(mine) is not None and minor_group(mine) == minor_group(pos.occupation_code):
        pts = OCCUPATION_POINTS["same_minor"]
        return Factor("occupation", "same_minor", 0.7, pts, f"同一小类工种（{name}）{_fmt(pts)}")
    w = related.get(pair(mine, pos.occupation_code))
    if w is not None:
        pts = round(RELATED_BASE + RELATED_SPAN * w, 1)
        return Factor("occupation", "related", w, pts, f"相关工种（{name}，关联度 {w:g}）{_fmt(pts)}")
    return Factor("occupation", "unrelated", 0.0, 0.0, f"工种不同（{name}）+0")


def wage_factor(profile: Profile, pos: Position) -> Factor:
    """The offered wage against the person's expectation."""
    top = pos.wage_max if pos.wage_max is not None else pos.wage_min
    expected = profile.expected_wage
    if top is None:
        pts = WAGE_POINTS / 2
        return Factor("wage", "not_stated", 0.5, pts, f"工资面议 {_fmt(pts)}")
    if not expected:
        pts = WAGE_POINTS / 2
        return Factor("wage", "no_expectation", 0.5, pts, f"未填写期望工资 {_fmt(pts)}")
    low = pos.wage_min if pos.wage_min is not None else top
    if low >= expected:
        share = 1.0
        text = f"起薪 {low} 元不低于期望 {expected} 元"
    elif top >= expected:
        share = 0.7
        text = f"最高 {top} 元达到期望 {expected} 元"
    else:
        share = round(0.6 * max(0.0, 1.0 - 2.0 * (expected - top) / expected), 3)
        text = f"最高 {top} 元低于期望 {expected} 元"
    pts = round(WAGE_POINTS * share, 1)
    return Factor("wage", str(top), share, pts, f"{text} {_fmt(pts)}")


def distance_factor(pos: Position, reach: Reach) -> Factor:
    """Closer is better: the full points at the door, none at the limit of the circle."""
    share = max(0.0, min(1.0, 1.0 - pos.cost / reach.limit)) if reach.limit > 0 else 0.0
    pts = round(DISTANCE_POINTS * share, 1)
    how = MODE_NAMES.get(reach.mode, reach.mode)
    if reach.metric == "length":
        trip = f"{how} {pos.cost / 1000:.1f} 公里" if pos.cost >= 1000 else f"{how} {pos.cost:.0f} 米"
        value = f"{pos.cost:.0f}m"
    else:
        trip = f"{how} {pos.cost / 60:.0f} 分钟"
        value = f"{pos.cost / 60:.1f}min"
    return Factor("distance", value, round(share, 3), pts, f"路程：{trip} {_fmt(pts)}")


def training_factor(profile: Profile, pos: Position) -> Factor:
    """Completed vocational training in the vacancy's trade (or its minor group)."""
    if pos.occupation_code in profile.training_codes:
        pts = TRAINING_POINTS["same_code"]
        return Factor("training", "same_code", 1.0, pts, f"受过本工种技能培训 {_fmt(pts)}")
    group = minor_group(pos.occupation_code)
    if group is not None and any(minor_group(c) == group for c in profile.training_codes):
        pts = TRAINING_POINTS["same_minor"]
        return Factor("training", "same_minor", 0.6, pts, f"受过同类工种技能培训 {_fmt(pts)}")
    return Factor("training", "none", 0.0, 0.0, "无相关技能培训 +0")


def returnee_factor(profile: Profile, pos: Position) -> Factor | None:
    """Home positions first for people working away who wish to return (None for everyone else)."""
    if not profile.returnee:
        return None
    home = profile.home_township is not None and pos.area_code.startswith(profile.home_township)
    pts = RETURNEE_POINTS if home else 0.0
    text = "返乡优先：家乡乡镇岗位" if home else "返乡人员：岗位不在家乡乡镇"
    return Factor(
        "returnee", "home" if home else "elsewhere", 1.0 if home else 0.0, pts, f"{text} {_fmt(pts)}"
    )


def score(profile: Profile, pos: Position, reach: Reach, related: Mapping[tuple[str, str], float]) -> Scored:
    """The score of one position for one person, with one factor per line."""
    factors = [
        occupation_factor(profile, pos, related),
        wage_factor(profile, pos),
        distance_factor(pos, reach),
        training_factor(profile, pos),
    ]
    bonus = returnee_factor(profile, pos)
    if bonus is not None:
        factors.append(bonus)
    total = round(min(100.0, sum(f.points for f in factors)), 1)
    return Scored(total, tuple(factors))
