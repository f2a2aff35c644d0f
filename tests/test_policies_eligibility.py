"""Eligibility as a pure function (edge ages, status, returnee, township, enterprise type and size), and the
SQL prefilter holding the same answer on the demo's residents and enterprises."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from registry.policies.eligibility import age_on, assess_enterprise, assess_person
from registry.policies.models import Eligibility, EnterpriseFacts, PersonFacts, Policy
from registry.policies.store import (
    enterprise_candidates,
    enterprise_facts,
    person_candidates,
    resident_facts,
    township_names,
)

TODAY = date(2026, 6, 1)
PARK, SEAT = "341522400000", "341522100000"
WORKING_AGE = Policy(
    title="职业技能培训补贴",
    category="培训补贴",
    policy_id=1,
    eligibility=Eligibility(min_age=16, max_age=65),
)
RETURNEE_LOAN = Policy(
    title="返乡创业担保贷款",
    category="创业担保贷款",
    policy_id=2,
    eligibility=Eligibility(min_age=18, max_age=60, returnee=True),
)
SEEKERS = Policy(
    title="灵活就业社保补贴", category="社保补贴", policy_id=3, eligibility=Eligibility(statuses=("seeking",))
)
PARK_RENT = Policy(
    title="孵化基地租金补贴",
    category="场地支持",
    policy_id=4,
    eligibility=Eligibility(applicants=("person", "enterprise"), townships=(PARK,)),
)
SMALL_FIRMS = Policy(
    title="以工代训补贴",
    category="以工代训",
    policy_id=5,
    eligibility=Eligibility(
        applicants=("enterprise",), enterprise_kinds=("有限责任公司",), max_employees=300
    ),
)
EXPIRED = Policy(
    title="一次性扩岗补助",
    category="岗位补贴",
    policy_id=6,
    valid_until=date(2025, 12, 31),
    eligibility=Eligibility(applicants=("person", "enterprise")),
)


def person(
    age_birth: date, *, status: str = "seeking", returnee: bool = False, area: str = SEAT
) -> PersonFacts:
    return PersonFacts(age_on(age_birth, TODAY), status, returnee, "初中", area)


def conditions(policy: Policy, facts: PersonFacts) -> dict[str, tuple[bool, str]]:
    [found] = assess_person([policy], facts, on=TODAY, names={PARK: "安徽霍邱经济开发区", SEAT: "城关镇"})
    return {c.name: (c.met, c.reason) for c in found.conditions}


@pytest.mark.parametrize(
    ("born", "age", "met", "reason"),
    [
        (date(2010, 6, 2), 15, False, "年龄15周岁，低于16周岁的下限"),  # 16th birthday tomorrow
        (date(2010, 6, 1), 16, True, "年龄16周岁，符合16至65周岁"),  # 16 today
        (date(1961, 6, 1), 65, True, "年龄65周岁，符合16至65周岁"),  # 65 today, still inside
        (date(1960, 6, 2), 65, True, "年龄65周岁，符合16至65周岁"),  # 66 tomorrow
        (date(1960, 6, 1), 66, False, "年龄66周岁，超过65周岁的上限"),  # 66 today
    ],
)
def test_age_boundaries_16_and_65(born: date, age: int, met: bool, reason: str) -> None:
    assert age_on(born, TODAY) == age
    assert conditions(WORKING_AGE, person(born))["年龄"] == (met, reason)


def test_leap_day_birthday_counts_from_march_first_in_common_years() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_returnee_loan_needs_returnee_and_age() -> None:
    born = date(1990, 1, 1)
    ok = conditions(RETURNEE_LOAN, person(born, returnee=True))
    assert ok["返乡创业"] == (True, "已登记为返乡创业人员") and ok["年龄"][0]
    no = conditions(RETURNEE_LOAN, person(born, returnee=False))
    assert no["返乡创业"] == (False, "本政策限返乡创业人员，未在人才库登记为返乡创业人员")
    old = conditions(RETURNEE_LOAN, person(date(1960, 1, 1), returnee=True))
    assert old["年龄"] == (False, "年龄66周岁，超过60周岁的上限")


def test_status_reason_names_both_statuses() -> None:
    away = conditions(SEEKERS, person(date(1990, 1, 1), status="working_away"))
    assert away["就业状态"] == (False, "就业状态为外出务工，本政策限求职（登记失业）")
    assert conditions(SEEKERS, person(date(1990, 1, 1)))["就业状态"] == (
        True,
        "就业状态为求职（登记失业），属于求职（登记失业）",
    )


def test_township_condition_uses_names() -> None:
    outside = conditions(PARK_RENT, person(date(1990, 1, 1), area="341522100003"))
    assert outside["所在乡镇"] == (False, "位于城关镇，本政策仅限安徽霍邱经济开发区")
    inside = conditions(PARK_RENT, person(date(1990, 1, 1), area="341522400002"))
    assert inside["所在乡镇"] == (True, "位于安徽霍邱经济开发区，在政策范围内")


def test_expired_and_enterprise_only_policies_are_unmet_for_a_person() -> None:
    facts = person(date(1990, 1, 1))
    results = assess_person([SMALL_FIRMS, EXPIRED, WORKING_AGE], facts, on=TODAY)
    assert [(a.policy.policy_id, a.eligible) for a in results] == [(1, True), (5, False), (6, False)]
    assert results[1].conditions[1].reason == "本政策仅限企业申请"
    assert results[2].conditions[0].reason == "政策已于2025-12-31到期"


@pytest.mark.parametrize(
    ("kind", "employees", "eligible", "reasons"),
    [
        ("有限责任公司", 300, True, ["企业类型为有限责任公司，符合要求", "职工300人，不超过300人"]),
        ("有限责任公司", 301, False, ["企业类型为有限责任公司，符合要求", "职工301人，超过300人的上限"]),
        (
            "农民专业合作社",
            8,
            False,
            ["企业类型为农民专业合作社，本政策限有限责任公司", "职工8人，不超过300人"],
        ),
    ],
)
def test_enterprise_by_type_and_size(kind: str, employees: int, eligible: bool, reasons: list[str]) -> None:
    [found] = assess_enterprise([SMALL_FIRMS], EnterpriseFacts(kind, employees, SEAT), on=TODAY)
    assert found.eligible is eligible
    assert [c.reason for c in found.conditions][2:] == reasons


def test_enterprise_township_condition() -> None:
    park_firm = EnterpriseFacts("有限责任公司", 20, "341522400001")
    seat_firm = EnterpriseFacts("有限责任公司", 20, "341522100001")
    assert [a.eligible for a in assess_enterprise([PARK_RENT], park_firm, on=TODAY)] == [True]
    assert [a.eligible for a in assess_enterprise([PARK_RENT], seat_firm, on=TODAY)] == [False]


def test_sql_prefilter_equals_the_pure_function_on_the_demo(small_demo_url: str) -> None:
    engine = create_engine(small_demo_url)
    on = date.today()
    with engine.connect() as conn:
        residents = conn.execute(
            text("SELECT resident_id FROM residents ORDER BY resident_id LIMIT 300")
        ).scalars()
        names = township_names(conn)
        returnees = 0
        for resident_id in residents:
            facts = resident_facts(conn, resident_id, on=on)
            returnees += facts.returnee
            everything = person_candidates(conn, facts, on=on, eligible_only=False)
            pure = {
                a.policy.policy_id for a in assess_person(everything, facts, on=on, names=names) if a.eligible
            }
            assert {p.policy_id for p in person_candidates(conn, facts, on=on, eligible_only=True)} == pure
        enterprises = conn.execute(
            text("SELECT enterprise_id FROM enterprises ORDER BY 1 LIMIT 100")
        ).scalars()
        for enterprise_id in enterprises:
            facts_e = enterprise_facts(conn, enterprise_id)
            everything = enterprise_candidates(conn, facts_e, on=on, eligible_only=False)
            pure = {a.policy.policy_id for a in assess_enterprise(everything, facts_e, on=on) if a.eligible}
            assert {
                p.policy_id for p in enterprise_candidates(conn, facts_e, on=on, eligible_only=True)
            } == pure
    engine.dispose()
