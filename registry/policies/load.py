"""Loading policies from a JSON file or an Excel sheet (one policy a row), upserted by their code.

A workbook is read and checked by the spreadsheet import's policies spec (registry.intake.specs.policies), so the
import page, the API and this loader share one set of rules (policy_from) and one column layout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.intake.context import bare_context
from registry.intake.read import read_table
from registry.intake.specs.policies import SPEC
from registry.intake.validate import check_rows
from registry.policies.models import PolicyInput
from registry.policies.store import upsert_policy
from registry.policies.validate import policy_from

SEED_FILE = "huoqiu_policies.json"
MAX_FILE_MB = 50


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
    """The policies of a workbook, checked as the spreadsheet import checks them (template or English keys)."""
    table = read_table(path.read_bytes(), source=str(path), max_mb=MAX_FILE_MB, sheet=SPEC.sheet)
    checked = check_rows(SPEC, table, bare_context())
    if checked.errors:
        first = checked.errors[0]
        raise InvalidInput(first.message, source=str(path), row=first.row, field=first.field)
    return [r.values["policy"] for r in checked.valid]


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
        raise InvalidInput(
            f"只支持 .json 或 .xlsx policies come as .json or .xlsx, not {suffix or 'no suffix'}",
            source=str(path),
        )
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
