"""Turning a policy as written (JSON object, spreadsheet row, API body) into a checked PolicyInput."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from geo.core.errors import InvalidInput
from registry.policies.models import (
    APPLICANTS,
    CATEGORIES,
    EDUCATIONS,
    ENTERPRISE_KINDS,
    STATUS_LABELS,
    Eligibility,
    PolicyInput,
)

TEXT_FIELDS = (
    "title",
    "category",
    "code",
    "issuer",
    "summary",
    "body",
    "amount",
    "contact_unit",
    "contact_phone",
)
DATE_FIELDS = ("issued_on", "valid_from", "valid_until")
ELIGIBILITY_FIELDS = tuple(Eligibility.__dataclass_fields__)
POLICY_FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, "eligibility")
CODE = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
TOWNSHIP = re.compile(r"^341522(?!000)[0-9]{3}000$")
MAX_TITLE = 200


class _Where:
    """Where the value came from, for the messages."""

    def __init__(self, source: str | None, row: int | None) -> None:
        self.source, self.row = source, row

    def error(self, message: str, field: str) -> InvalidInput:
        return InvalidInput(message, source=self.source, row=self.row, field=field)


def _text(data: Mapping[str, Any], key: str, where: _Where) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise where.error(f"{key} 应为文字 must be text, got {type(value).__name__}", key)
    return str(value).strip()


def _date(data: Mapping[str, Any], key: str, where: _Where) -> date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise where.error(f"日期格式应为 YYYY-MM-DD, got {value!r}", key) from None


def _list(value: Any, key: str, where: _Where) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = [v.strip() for v in re.split(r"[、,，;；\s]+", value)]
    elif isinstance(value, list | tuple):
        items = [str(v).strip() for v in value]
    else:
        raise where.error(f"{key} 应为列表 must be a list, got {type(value).__name__}", key)
    return tuple(dict.fromkeys(i for i in items if i))


def _allowed(values: tuple[str, ...], allowed: tuple[str, ...], key: str, what: str, where: _Where) -> None:
    for v in values:
        if v not in allowed:
            raise where.error(f"未知{what} unknown {key} value {v!r}: use one of {', '.join(allowed)}", key)


def _int(value: Any, key: str, where: _Where) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise where.error(f"{key} 应为整数 must be a whole number, got {value!r}", key)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise where.error(f"{key} 应为整数 must be a whole number, got {value!r}", key) from None
    if number != int(number) or not 0 <= number <= 120_000:
        raise where.error(f"{key} 应为非负整数 must be a non-negative whole number, got {value!r}", key)
    return int(number)


def _bool(value: Any, key: str, where: _Where) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "是", "yes", "限返乡"):
        return True
    if text in ("false", "0", "否", "no"):
        return False
    raise where.error(f"{key} 应为 是/否 (true/false), got {value!r}", key)


def eligibility_from(data: Mapping[str, Any], where: _Where) -> Eligibility:
    """The structured eligibility of a policy; InvalidInput names the field."""
    unknown = sorted(set(data) - set(ELIGIBILITY_FIELDS))
    if unknown:
        raise where.error(
            f"未知的资格条件 unknown eligibility field {unknown[0]!r}: use {', '.join(ELIGIBILITY_FIELDS)}",
            unknown[0],
        )
    applicants = _list(data.get("applicants"), "applicants", where) or ("person",)
    _allowed(applicants, APPLICANTS, "applicants", "申请对象", where)
    statuses = _list(data.get("statuses"), "statuses", where)
    _allowed(statuses, tuple(STATUS_LABELS), "statuses", "就业状态", where)
    educations = _list(data.get("educations"), "educations", where)
    _allowed(educations, EDUCATIONS, "educations", "学历", where)
    kinds = _list(data.get("enterprise_kinds"), "enterprise_kinds", where)
    _allowed(kinds, ENTERPRISE_KINDS, "enterprise_kinds", "企业类型", where)
    townships = _list(data.get("townships"), "townships", where)
    for town in townships:
        if not TOWNSHIP.match(town):
            raise where.error(
                f"乡镇代码应为霍邱县的12位乡镇代码 a township is a 12-digit Huoqiu township code "
                f"(341522xxx000), got {town!r}",
                "townships",
            )
    min_age, max_age = (
        _int(data.get("min_age"), "min_age", where),
        _int(data.get("max_age"), "max_age", where),
    )
    for key, age in (("min_age", min_age), ("max_age", max_age)):
        if age is not None and age > 120:
            raise where.error(f"年龄应在0至120之间 {key} must be between 0 and 120, got {age}", key)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise where.error(
            f"年龄范围颠倒 age range is inverted: min_age {min_age} is greater than max_age {max_age}",
            "min_age",
        )
    return Eligibility(
        applicants=applicants,
        min_age=min_age,
        max_age=max_age,
        statuses=statuses,
        returnee=_bool(data.get("returnee"), "returnee", where),
        educations=educations,
        enterprise_kinds=kinds,
        max_employees=_int(data.get("max_employees"), "max_employees", where),
        townships=townships,
    )


def policy_from(data: Mapping[str, Any], *, source: str | None = None, row: int | None = None) -> PolicyInput:
    """A checked policy from a mapping of its fields (eligibility nested); InvalidInput says what and where."""
    where = _Where(source, row)
    unknown = sorted(set(data) - set(POLICY_FIELDS))
    if unknown:
        raise where.error(
            f"未知字段 unknown policy field {unknown[0]!r}: use {', '.join(POLICY_FIELDS)}", unknown[0]
        )
    title = _text(data, "title", where)
    if not title:
        raise where.error("政策标题不能为空 a policy needs a title", "title")
    if len(title) > MAX_TITLE:
        raise where.error(f"政策标题过长 a title has at most {MAX_TITLE} characters", "title")
    category = _text(data, "category", where)
    if category not in CATEGORIES:
        raise where.error(
            f"未知政策类别 unknown category {category!r}: use one of {', '.join(CATEGORIES)}", "category"
        )
    code = _text(data, "code", where) or None
    if code is not None and not CODE.match(code):
        raise where.error(
            f"政策编号 a policy code has 2-40 letters, digits, '_', '.' or '-', got {code!r}", "code"
        )
    eligibility = data.get("eligibility") or {}
    if not isinstance(eligibility, Mapping):
        raise where.error("eligibility 应为对象 must be an object of conditions", "eligibility")
    valid_from, valid_until = _date(data, "valid_from", where), _date(data, "valid_until", where)
    if valid_from and valid_until and valid_from > valid_until:
        raise where.error(
            f"有效期颠倒 validity is inverted: valid_from {valid_from} is after valid_until {valid_until}",
            "valid_from",
        )
    return PolicyInput(
        title=title,
        category=category,
        code=code,
        issuer=_text(data, "issuer", where),
        issued_on=_date(data, "issued_on", where),
        summary=_text(data, "summary", where),
        body=_text(data, "body", where),
        amount=_text(data, "amount", where),
        contact_unit=_text(data, "contact_unit", where),
        contact_phone=_text(data, "contact_phone", where),
        valid_from=valid_from,
        valid_until=valid_until,
        eligibility=eligibility_from(eligibility, where),
    )


def policy_mapping(policy: PolicyInput) -> dict[str, Any]:
    """A policy as the mapping policy_from reads (dates as ISO text), e.g. to apply a PATCH on top."""
    out = {k: getattr(policy, k) for k in POLICY_FIELDS if k != "eligibility"}
    for key in DATE_FIELDS:
        out[key] = out[key].isoformat() if out[key] else None
    out["eligibility"] = {
        k: list(v) if isinstance(v, tuple) else v for k, v in asdict(policy.eligibility).items()
    }
    return out
