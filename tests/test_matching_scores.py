"""Scores of person ↔ position matching: deterministic, monotone, explained, lawful filters only."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from matching.ranking.scoring import Position, Profile, Reach, hard_filter, score

RELATED = {("6-18-02-04", "6-29-03-04"): 0.6}
WALK = Reach("walk", "length", 3000.0)
WELDER = Profile(age=35, occupation_code="6-18-02-04", occupation_name="焊工", expected_wage=5000)


def job(code: str = "6-18-02-04", *, cost: float = 1000.0, **kw: object) -> Position:
    base = Position(
        vacancy_id=1,
        occupation_code=code,
        occupation_name="焊工",
        wage_min=5000,
        wage_max=6500,
        area_code="341522100001",
        cost=cost,
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def test_points_sum_to_score_and_text_names_the_trade() -> None:
    s = score(WELDER, job(), WALK, RELATED)
    assert s.score == round(sum(f.points for f in s.factors), 1)
    texts = [f.text for f in s.factors]
    assert "同一工种（焊工）+40" in texts
    assert [f.factor for f in s.factors] == ["occupation", "wage", "distance", "training"]
    # 40 occupation + 20 wage (starting wage meets 5000) + 25·(1 − 1000/3000) distance + 0 training
    assert s.score == 40 + 20 + round(25 * (2 / 3), 1)


def test_same_code_beats_minor_group_beats_related_beats_unrelated() -> None:
    scores = [
        score(WELDER, job(code, occupation_name=name), WALK, RELATED).score
        for code, name in (
            ("6-18-02-04", "焊工"),
            ("6-18-02-99", "其他热加工"),
            ("6-29-03-04", "管工"),
            ("4-09-08-01", "保洁员"),
        )
    ]
    assert scores[0] > scores[1] > scores[2] > scores[3]


@given(
    d1=st.floats(0, 5000, allow_nan=False),
    d2=st.floats(0, 5000, allow_nan=False),
    wage=st.none() | st.integers(0, 20000),
)
def test_closer_is_never_lower(d1: float, d2: float, wage: int | None) -> None:
    near, far = sorted((d1, d2))
    profile = dataclasses.replace(WELDER, expected_wage=wage)
    assert (
        score(profile, job(cost=near), WALK, RELATED).score
        >= score(profile, job(cost=far), WALK, RELATED).score
    )


def test_same_inputs_same_score() -> None:
    a = score(WELDER, job(cost=1234.5), WALK, RELATED)
    b = score(WELDER, job(cost=1234.5), WALK, dict(RELATED))
    assert a == b


def test_returnee_home_positions_first() -> None:
    returnee = dataclasses.replace(WELDER, returnee=True, home_township="341522100")
    home = score(returnee, job(area_code="341522100007"), WALK, RELATED)
    away = score(returnee, job(area_code="341522200007"), WALK, RELATED)
    assert home.score - away.score == 5
    assert any(f.text == "返乡优先：家乡乡镇岗位 +5" for f in home.factors)
    assert score(WELDER, job(area_code="341522100007"), WALK, RELATED).score == away.score


def test_hard_filters_are_the_vacancys_age_range_and_certificates() -> None:
    assert hard_filter(WELDER, job(min_age=18, max_age=45)) is None
    assert hard_filter(WELDER, job(max_age=30)) == "年龄要求 30 岁以下"
    assert hard_filter(WELDER, job(min_age=40)) == "年龄要求 40 岁以上"
    assert hard_filter(WELDER, job(required_certificates=frozenset({"焊工证"}))) == "需要证书：焊工证"
    certified = dataclasses.replace(WELDER, certificates=frozenset({"焊工证", "电工证"}))
    assert hard_filter(certified, job(required_certificates=frozenset({"焊工证"}))) is None


def test_profile_has_no_protected_traits() -> None:
    names = {f.name for f in dataclasses.fields(Profile)}
    assert not names & {"sex", "gender", "ethnicity", "nation", "religion", "marital_status"}


def test_wage_below_expectation_scores_less() -> None:
    rich = dataclasses.replace(WELDER, expected_wage=9000)
    low = score(rich, job(), WALK, RELATED)
    fair = score(WELDER, job(), WALK, RELATED)
    assert low.score < fair.score
    assert any(f.factor == "wage" and "低于期望 9000 元" in f.text for f in low.factors)


def test_training_in_the_trade_adds_points() -> None:
    trained = dataclasses.replace(WELDER, training_codes=frozenset({"6-18-02-04"}))
    assert score(trained, job(), WALK, RELATED).score - score(WELDER, job(), WALK, RELATED).score == 10


def test_travel_time_explained_in_minutes() -> None:
    s = score(WELDER, job(cost=600.0), Reach("car", "time", 1800.0), RELATED)
    assert "路程：驾车 10 分钟 +16.7" in [f.text for f in s.factors]
