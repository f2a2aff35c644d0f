"""Loading policies from a JSON file or an Excel sheet (one policy a row), upserted by their code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Connection

from geo.errors import InvalidInput
from registry.policies.models import PolicyInput
from registry.policies.store import upsert_policy
from registry.policies.validate import ELIGIBILITY_FIELDS, policy_from

SEED_FILE = "huoqiu_policies.json"


@dataclass(frozen=True)
class LoadReport:
    """How many policies a load created and replaced."""

    created: int
    updated: int


def seed_path() -> Path:
    """The shipped demo policies (霍邱县-style employment policies written for the demo)."""
    return Path(str(files("registry.policies") / "data" / SEED_FILE))


def _json_policies(path: Path) -> list[PolicyInput]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"不是有效的JSON not valid JSON: {exc.msg} at line {exc.lineno}", source=str(path)
        ) from None
    items = data.get("policies") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InvalidInput(
            'JSON 应为政策列表 expected a list of policies or {"policies": [...]}', source=str(path)
        )
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InvalidInput("每条政策应为对象 each policy must be an object", source=str(path), row=n)
        out.append(policy_from(item, source=str(path), row=n))
    return out


def _xlsx_policies(path: Path) -> list[PolicyInput]:
    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    if "title" not in header:
        raise InvalidInput(
            "第一行应为字段名 the first row must name the columns (title, category, …)",
            source=str(path),
            row=1,
        )
    out = []
    for n, values in enumerate(rows, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        record: dict[str, Any] = {h: v for h, v in zip(header, values, strict=False) if h}
        eligibility = {k: record.pop(k) for k in list(record) if k in ELIGIBILITY_FIELDS}
        out.append(policy_from(record | {"eligibility": eligibility}, source=str(path), row=n))
    return out


def read_policies(path: Path) -> list[PolicyInput]:
    """The checked policies of a .json or .xlsx file; InvalidInput names the file, row and field."""
    if not path.exists():
        raise InvalidInput(f"文件不存在 no such file: {path}", source=str(path))
    suffix = path.suffix.lower()
    if suffix == ".json":
        policies = _json_policies(path)
    elif suffix == ".xlsx":
        policies = _xlsx_policies(path)
    else:
        raise InvalidInput(f"只支持 .json 或 .xlsx policies come as .json or .xlsx, not {suffix or 'no suffix'}",
                           source=str(path))  # fmt: skip
    codes = [p.code for p in policies if p.code]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise InvalidInput(
            f"政策编号重复 policy code {duplicate!r} appears twice", source=str(path), field="code"
        )
    return policies


def load_policies(conn: Connection, path: Path) -> LoadReport:
    """Upsert a file's policies in the caller's transaction (all or nothing)."""
    created = updated = 0
    for policy in read_policies(path):
        _, new = upsert_policy(conn, policy)
        created += new
        updated += not new
    return LoadReport(created, updated)
