"""Which policies apply to a person or an enterprise, condition by condition, with reasons in Chinese (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from geo.core.scope import scope_prefix
from registry.policies.models import (
    STATUS_LABELS,
    Assessment,
    Condition,
    EnterpriseFacts,
    PersonFacts,
    Policy,
)


def age_on(birth: date, on: date) -> int:
    """Completed years of age on a day (周岁): the birthday itself counts as the new year of age."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _validity(policy: Policy, on: date) -> Condition:
    if policy.valid_from is not None and on < policy.valid_from:
        return Condition("有效期", False, f"政策自{policy.valid_from.isoformat()}起施行，尚未生效")
    if policy.valid_until is not None and on > policy.valid_until:
        return Condition("有效期", False, f"政策已于{policy.valid_until.isoformat()}到期")
    until = f"有效期至{policy.valid_until.isoformat()}" if policy.valid_until else "长期有效"
    return Condition("有效期", True, f"在有效期内（{until}）")


def _applicant(policy: Policy, applicant: str) -> Condition:
    allowed = policy.eligibility.applicants
    if applicant in allowed:
        return Condition("申请对象", True, "面向个人申请" if applicant == "person" else "面向企业申请")
    return Condition(
        "申请对象", False, "本政策仅限企业申请" if applicant == "person" else "本政策仅限个人申请"
    )


def _age(policy: Policy, age: int) -> Condition | None:
    low, high = policy.eligibility.min_age, policy.eligibility.max_age
    if low is None and high is None:
        return None
    if low is not None and age < low:
        return Condition("年龄", False, f"年龄{age}周岁，低于{low}周岁的下限")
    if high is not None and age > high:
        return Condition("年龄", False, f"年龄{age}周岁，超过{high}周岁的上限")
    span = (
        f"{low}至{high}周岁"
        if low is not None and high is not None
        else (f"不低于{low}周岁" if low is not None else f"不超过{high}周岁")
    )
    return Condition("年龄", True, f"年龄{age}周岁，符合{span}")


def _labels(statuses: Iterable[str]) -> str:
    return "、".join(STATUS_LABELS.get(s, s) for s in statuses)


def _status(policy: Policy, status: str) -> Condition | None:
    allowed = policy.eligibility.statuses
    if not allowed:
        return None
    label = STATUS_LABELS.get(status, status)
    if status in allowed:
        return Condition("就业状态", True, f"就业状态为{label}，属于{_labels(allowed)}")
    return Condition("就业状态", False, f"就业状态为{label}，本政策限{_labels(allowed)}")


def _returnee(policy: Policy, returnee: bool) -> Condition | None:
    wanted = policy.eligibility.returnee
    if wanted is None:
        return None
    if wanted and returnee:
        return Condition("返乡创业", True, "已登记为返乡创业人员")
    if wanted:
        return Condition("返乡创业", False, "本政策限返乡创业人员，未在人才库登记为返乡创业人员")
    if returnee:
        return Condition("返乡创业", False, "本政策不适用于已登记的返乡创业人员")
    return Condition("返乡创业", True, "非返乡创业人员，符合要求")


def _education(policy: Policy, education: str) -> Condition | None:
    allowed = policy.eligibility.educations
    if not allowed:
        return None
    shown = education or "未登记"
    if education in allowed:
        return Condition("学历", True, f"学历为{shown}，符合要求")
    return Condition("学历", False, f"学历为{shown}，本政策限{'、'.join(allowed)}")


def _township(policy: Policy, area_code: str, names: Mapping[str, str]) -> Condition | None:
    towns = policy.eligibility.townships
    if not towns:
        return None
    shown = "、".join(names.get(t, t) for t in towns)
    for town in towns:
        if area_code.startswith(scope_prefix(town)):
            return Condition("所在乡镇", True, f"位于{names.get(town, town)}，在政策范围内")
    home = names.get(area_code[:9] + "000", area_code[:9] + "000")
    return Condition("所在乡镇", False, f"位于{home}，本政策仅限{shown}")


def _enterprise_kind(policy: Policy, kind: str) -> Condition | None:
    allowed = policy.eligibility.enterprise_kinds
    if not allowed:
        return None
    shown = kind or "未登记"
    if kind in allowed:
        return Condition("企业类型", True, f"企业类型为{shown}，符合要求")
    return Condition("企业类型", False, f"企业类型为{shown}，本政策限{'、'.join(allowed)}")


def _employees(policy: Policy, employees: int) -> Condition | None:
    limit = policy.eligibility.max_employees
    if limit is None:
        return None
    if employees <= limit:
        return Condition("职工人数", True, f"职工{employees}人，不超过{limit}人")
    return Condition("职工人数", False, f"职工{employees}人，超过{limit}人的上限")


def _assess(policy: Policy, conditions: Iterable[Condition | None]) -> Assessment:
    return Assessment(policy, tuple(c for c in conditions if c is not None))


def assess_person(
    policies: Iterable[Policy], facts: PersonFacts, *, on: date, names: Mapping[str, str] | None = None
) -> list[Assessment]:
    """Every policy checked against a person: eligible ones first, then by fewest unmet conditions."""
    names = names or {}
    out = [
        _assess(
            p,
            (
                _validity(p, on),
                _applicant(p, "person"),
                _age(p, facts.age),
                _status(p, facts.status),
                _returnee(p, facts.returnee),
                _education(p, facts.education),
                _township(p, facts.area_code, names),
            ),
        )
        for p in policies
    ]
    return _ranked(out)


def assess_enterprise(
    policies: Iterable[Policy], facts: EnterpriseFacts, *, on: date, names: Mapping[str, str] | None = None
) -> list[Assessment]:
    """Every policy checked against an enterprise: eligible ones first, then by fewest unmet conditions."""
    names = names or {}
    out = [
        _assess(
            p,
            (
                _validity(p, on),
                _applicant(p, "enterprise"),
                _enterprise_kind(p, facts.kind),
                _employees(p, facts.employees),
                _township(p, facts.area_code, names),
            ),
        )
        for p in policies
    ]
    return _ranked(out)


def _ranked(assessments: list[Assessment]) -> list[Assessment]:
    return sorted(
        assessments, key=lambda a: (not a.eligible, sum(not c.met for c in a.conditions), a.policy.policy_id)
    )
