"""The "2+N" calendar and the year-end forecast: pure functions, checked against hand-counted values."""

from __future__ import annotations

from datetime import date

import pytest

from geo.core.errors import InvalidInput
from programme.calendar import check_weekday, generate_calendar, weekly
from programme.forecast import forecast_year
from programme.plan import PLAN_TARGETS, PLAN_TASKS


def test_every_wednesday_and_saturday_of_2026_plus_the_specials() -> None:
    plans = generate_calendar(2026)
    workers = [p.fair_date for p in plans if p.kind == "workers"]
    talents = [p.fair_date for p in plans if p.kind == "talents"]
    assert len(workers) == 52 and workers[0] == date(2026, 1, 7) and workers[-1] == date(2026, 12, 30)
    assert len(talents) == 52 and talents[0] == date(2026, 1, 3) and talents[-1] == date(2026, 12, 26)
    assert all(d.weekday() == 2 for d in workers) and all(d.weekday() == 5 for d in talents)
    specials = {(p.fair_date, p.theme) for p in plans if p.kind == "special"}
    # 春节 2026 is 17 February: 正月初六 = 22 Feb, 初九 = 25 Feb; campus on the 3rd Thursday of April and
    # October; livestreams on the last Friday of each quarter
    assert specials == {
        (date(2026, 2, 22), "spring_breeze"),
        (date(2026, 2, 25), "spring_breeze"),
        (date(2026, 4, 16), "campus"),
        (date(2026, 10, 15), "campus"),
        (date(2026, 3, 27), "livestream"),
        (date(2026, 6, 26), "livestream"),
        (date(2026, 9, 25), "livestream"),
        (date(2026, 12, 25), "livestream"),
    }
    assert [p.fair_date for p in plans] == sorted(p.fair_date for p in plans)
    assert len(plans) == 112


def test_skipped_holidays_drop_regular_fairs_but_not_the_specials() -> None:
    skip = [date(2026, 2, d) for d in range(15, 24)] + [date(2026, 10, d) for d in range(1, 8)]
    plans = generate_calendar(2026, skip=skip)
    days = {p.fair_date for p in plans if p.kind != "special"}
    assert not days & set(skip)
    # Feb 18 (Wed), 21 (Sat); Oct 3 (Sat), 7 (Wed) were skipped
    assert len(plans) == 112 - 4
    assert date(2026, 2, 22) in {p.fair_date for p in plans if p.theme == "spring_breeze"}


def test_a_skipped_day_outside_the_year_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        generate_calendar(2026, skip=[date(2025, 12, 31)])
    assert (
        err.value.message
        == "跳过的日期 2025-12-31 不在 2026 年 (a skipped day must fall in 2026) (field skip)"
    )


def test_weekday_rule() -> None:
    check_weekday("workers", date(2026, 12, 2))
    check_weekday("talents", date(2026, 12, 5))
    check_weekday("special", date(2026, 12, 1))
    with pytest.raises(InvalidInput) as err:
        check_weekday("workers", date(2026, 12, 1))
    assert err.value.message.startswith("周三招工须在星期三，2026-12-01 是星期二")
    assert weekly(2027, 0)[0] == date(2027, 1, 4)


def test_plan_tasks_are_the_eleven_of_the_annex() -> None:
    assert [t.seq for t in PLAN_TASKS] == list(range(1, 12))
    assert PLAN_TARGETS == {"new_jobs": 5100, "fairs": 76, "intentions": 1260}
    assert PLAN_TASKS[10].lead_unit == "县委组织部" and all(
        t.lead_unit == "县人社局" for t in PLAN_TASKS[:10]
    )
    assert PLAN_TASKS[0].deadline(2026) == date(2022, 5, 31)
    assert PLAN_TASKS[2].deadline(2026) == date(2026, 12, 31)


def test_run_rate_forecast_by_hand() -> None:
    # 30 June 2026: 181 days elapsed, 360 counted → 360/181 a day over the 184 days left
    actual = [60, 60, 60, 60, 60, 60, 0, 0, 0, 0, 0, 0]
    fc = forecast_year(actual, date(2026, 6, 30))
    assert fc.method == "run_rate"
    assert fc.total == pytest.approx(360 + 360 / 181 * 184)
    assert fc.monthly[6] == pytest.approx(360 / 181 * 31)
    assert fc.monthly[:6] == (60.0,) * 6


def test_seasonal_forecast_by_hand() -> None:
    # last year: 100 a month except December 400; this year to 30 June twice last year's pace
    last = [100] * 11 + [400]
    actual = [200] * 6 + [0] * 6
    fc = forecast_year(actual, date(2026, 6, 30), last_year=last)
    assert fc.method == "seasonal"
    assert fc.monthly[11] == pytest.approx(800)
    assert fc.total == pytest.approx(1200 + 5 * 200 + 800)


def test_seasonal_forecast_mid_month_prorates_the_current_month() -> None:
    last = [300] * 12
    actual = [150, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    # 10 January: 10/31 of January passed; last year by then 300*10/31; factor 150 / (3000/31) = 1.55
    fc = forecast_year(actual, date(2026, 1, 10), last_year=last)
    factor = 150 / (300 * 10 / 31)
    assert fc.monthly[0] == pytest.approx(150 + 300 * 21 / 31 * factor)
    assert fc.total == pytest.approx(150 + 300 * 21 / 31 * factor + 11 * 300 * factor)


def test_no_last_year_falls_back_to_run_rate_and_a_finished_year_is_final() -> None:
    assert forecast_year([10] * 12, date(2026, 3, 1), last_year=[0] * 12).method == "run_rate"
    final = forecast_year([10] * 12, date(2026, 12, 31))
    assert final.method == "final" and final.total == 120
