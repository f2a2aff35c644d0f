"""Cell parsers: raw cell text → value, or CellError with the Chinese message shown next to the cell."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from geo.core.errors import InvalidInput
from geo.core.text import strip_control
from registry.accounts.roles import check_phone
from registry.credit_code import validate_credit_code
from registry.intake.context import DATUM_LABELS, Context
from registry.intake.spec import CellError, Parser
from registry.personal import id_check_digit, normalise_id, validate_id_number
from registry.spreadsheet import read_back

YES = ("是", "否")
_VILLAGE = re.compile(r"^([0-9]{12})(?:\s.*)?$")
NUMBER_FORMATTED_CODE = "单元格是数字格式，长号码的末几位已被 Excel 改掉：请把该列设为文本格式后重新填写"
_OCCUPATION = re.compile(r"^([1-8](?:-[0-9]{2}){0,3})(?:\s.*)?$")


def text_field(max_len: int = 100) -> Parser:
    """Free text up to ``max_len`` characters."""

    def parse(raw: str, _: Context) -> str:
        if len(raw) > max_len:
            raise CellError(f"超过 {max_len} 个字符（{len(raw)} 个）")
        return raw

    return parse


def id_number(raw: str, _: Context) -> str:
    """An 18-character ID number (GB 11643 check digit via registry.personal), normalised."""
    s = normalise_id(raw)
    try:
        validate_id_number(s)
    except InvalidInput:
        raise CellError(_id_fault(s)) from None
    return s


def _id_fault(s: str) -> str:
    """The Chinese message for an ID number validate_id_number refused."""
    if len(s) != 18:
        return f"身份证号应为 18 位，此号码为 {len(s)} 位"
    if not (s[:17].isascii() and s[:17].isdigit()) or not (s[17].isdigit() or s[17] == "X"):
        return "身份证号应为 17 位数字加 1 位数字或 X，此号码含其他字符"
    expected = id_check_digit(s[:17])
    if s[17] != expected:
        return f"身份证号校验位为 {s[17]}，按前 17 位应为 {expected}：号码有误"
    return f"身份证号中的出生日期 {s[6:10]}-{s[10:12]}-{s[12:14]} 不存在或不合理"


def phone(raw: str, _: Context) -> str:
    """A mainland mobile number (registry.accounts.roles.check_phone)."""
    try:
        return check_phone(raw)
    except InvalidInput:
        raise CellError("手机号应为 11 位数字、以 13–19 开头") from None


def village(raw: str, ctx: Context) -> str:
    """A village code (or "code name" from the drop-down) that exists, is a village and is in scope."""
    m = _VILLAGE.match(raw)
    if not m:
        raise CellError(f"村/社区代码应为 12 位数字，填的是「{raw}」")
    code = m.group(1)
    area = ctx.areas.get(code)
    if area is None:
        raise CellError(f"村/社区代码 {code} 不存在")
    if area.level != "village":
        level = {"county": "县", "township": "乡镇"}.get(area.level, area.level)
        raise CellError(f"代码 {code}（{area.name}）是{level}，不是村/社区")
    if not code.startswith(ctx.scope):
        raise CellError(f"村/社区 {code}（{area.name}）不在您的管辖范围（{ctx.scope}）内")
    return code


def occupation(raw: str, ctx: Context) -> str:
    """A code of the occupation classification (or "code name" from the drop-down)."""
    m = _OCCUPATION.match(raw)
    code = m.group(1) if m else raw
    if code not in ctx.occupations:
        raise CellError(f"职业代码 {code} 不在《职业分类大典》中")
    return code


def credit_code(raw: str, _: Context) -> str:
    """A unified social credit code with a correct check character."""
    try:
        return validate_credit_code(raw)
    except InvalidInput:
        s = raw.strip().upper()
        if len(s) != 18:
            raise CellError(f"统一社会信用代码应为 18 位，此代码为 {len(s)} 位") from None
        raise CellError("统一社会信用代码有误：含不使用的字符或校验位不符") from None


def choice(labels: dict[str, str]) -> Parser:
    """One of the Chinese labels (or its code) → the code stored in the database."""
    by_code = {v: v for v in labels.values()}

    def parse(raw: str, _: Context) -> str:
        if raw in labels:
            return labels[raw]
        if raw in by_code:
            return by_code[raw]
        raise CellError(f"「{raw}」不是可选值，可选：{'、'.join(labels)}")

    return parse


def yes_no(raw: str, _: Context) -> bool:
    """是/否 (also Y/N, 1/0, true/false)."""
    low = raw.lower()
    if low in ("是", "y", "yes", "1", "true"):
        return True
    if low in ("否", "n", "no", "0", "false"):
        return False
    raise CellError(f"「{raw}」应填 是 或 否")


def integer(lo: int, hi: int) -> Parser:
    """A whole number between lo and hi."""

    def parse(raw: str, _: Context) -> int:
        try:
            value = float(raw)
        except ValueError:
            raise CellError(f"应为整数，填的是「{raw}」") from None
        if value != int(value):
            raise CellError(f"应为整数，填的是「{raw}」")
        if not lo <= value <= hi:
            raise CellError(f"应在 {lo}–{hi} 之间，填的是 {int(value)}")
        return int(value)

    return parse


def number(raw: str, _: Context) -> float:
    """A decimal number (longitude, latitude)."""
    try:
        return float(raw)
    except ValueError:
        raise CellError(f"应为数字，填的是「{raw}」") from None


def a_date(raw: str, _: Context) -> date:
    """A date as 2026-12-31, 2026/12/31 or 20261231."""
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(f"日期应写成 2026-12-31，填的是「{raw}」")


def datum(raw: str, _: Context) -> str:
    """WGS84 / GCJ-02 / BD-09 (labels or lower-case codes)."""
    up = raw.upper().replace("_", "-")
    for label, code in DATUM_LABELS.items():
        if up in (label, code.upper(), label.replace("-", "")):
            return code
    raise CellError(f"「{raw}」不是可选值，可选：{'、'.join(DATUM_LABELS)}")


def cell_text(value: Any, *, as_text: bool) -> str:
    """A cell's value as text the parsers read (control characters stripped, the ' our exports put before a
    formula-like text dropped); a numeric ID number is refused."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        if as_text and abs(value) >= 1e15:
            raise CellError(NUMBER_FORMATTED_CODE)
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        return str(value)
    return read_back(strip_control(str(value)).strip())
