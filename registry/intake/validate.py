"""Checking a read table against a spec: header first (whole file), then every row, then duplicates."""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass

from geo.core.errors import InvalidInput
from registry.intake.context import Context
from registry.intake.deadline import Deadline
from registry.intake.fields import cell_text
from registry.intake.read import RawTable
from registry.intake.spec import CellError, Field, TableSpec, ValidRow, Values

FORMULA = "单元格含公式，请粘贴为数值"
REQUIRED = "必填，不能为空"
_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class RowError:
    """A rejected row: its number, the column's Chinese label (None: the whole row), the message."""

    row: int
    field: str | None
    message: str

    @property
    def text(self) -> str:
        """第 12 行「身份证号」：… as shown to the user."""
        where = f"「{self.field}」" if self.field else ""
        return f"第 {self.row} 行{where}：{self.message}"


@dataclass
class Checked:
    """The outcome of checking: rows that may be written, and every error (sorted by row)."""

    valid: list[ValidRow]
    errors: list[RowError]


def template_hint(spec: TableSpec) -> str:
    """Where to get the template of a spec."""
    return (
        f"请使用模板（hongyan registry template {spec.name} 或 /api/v1/registry/templates/{spec.name}.xlsx）"
    )


def normalise_header(header: str) -> str:
    """A header cell without blanks and without the trailing * of required columns."""
    return _BLANKS.sub("", header).rstrip("*＊")


def map_header(spec: TableSpec, headers: list[str], *, source: str) -> list[Field | None]:
    """The field of each column (None for an empty header); InvalidInput naming missing/unknown columns."""
    by_name = {f.label: f for f in spec.fields} | {f.key: f for f in spec.fields}
    mapped: list[Field | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for header in headers:
        name = normalise_header(header)
        if not name:
            mapped.append(None)
            continue
        f = by_name.get(name)
        if f is None:
            unknown.append(header)
        elif f.key in seen:
            raise InvalidInput(f"列「{f.label}」出现了两次：{template_hint(spec)}", source=source)
        else:
            seen.add(f.key)
        mapped.append(f)
    missing = [f.label for f in spec.fields if f.required and f.key not in seen]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("缺少必填列" + "、".join(f"「{m}」" for m in missing))
        if unknown:
            parts.append("未知列" + "、".join(f"「{u}」" for u in unknown))
        raise InvalidInput(
            f"表头与模板不符：{'；'.join(parts)}。列名不可改动，{template_hint(spec)}", source=source
        )
    return mapped


def check_rows(
    spec: TableSpec, table: RawTable, ctx: Context, *, deadline: Deadline | None = None
) -> Checked:
    """Parse and check every row (within the deadline), then flag duplicates within the file (both rows named)."""
    columns = map_header(spec, table.headers, source=table.source)
    valid: list[ValidRow] = []
    errors: list[RowError] = []
    for raw in table.rows:
        if deadline is not None:
            deadline.check("检查", raw.number)
        values: Values = {f.key: None for f in spec.fields}
        row_errors: list[RowError] = []
        for i, f in enumerate(columns):
            if f is None:
                continue
            value = raw.values[i] if i < len(raw.values) else None
            if i in raw.formulas:
                row_errors.append(RowError(raw.number, f.label, FORMULA))
                continue
            try:
                text = "" if value is None else cell_text(value, as_text=f.as_text)
                if not text:
                    if f.required:
                        raise CellError(REQUIRED)
                    continue
                values[f.key] = f.parse(text, ctx)
            except CellError as exc:
                row_errors.append(RowError(raw.number, f.label, exc.message))
        if not row_errors:
            for issue in spec.check_row(values, ctx):
                label = spec.field(issue.key).label if issue.key else None
                row_errors.append(RowError(raw.number, label, issue.message))
        if row_errors:
            errors.extend(row_errors)
        else:
            valid.append(ValidRow(raw.number, values))
    valid, duplicates = _duplicates(spec, valid)
    return Checked(valid, sorted(errors + duplicates, key=lambda e: e.row))


def _duplicates(spec: TableSpec, rows: list[ValidRow]) -> tuple[list[ValidRow], list[RowError]]:
    """Keep the first row of each duplicate key; later ones become errors naming the first."""
    first: dict[Hashable, int] = {}
    kept: list[ValidRow] = []
    errors: list[RowError] = []
    for r in rows:
        key = spec.duplicate_key(r.values)
        if key is None:
            kept.append(r)
        elif key in first:
            errors.append(
                RowError(
                    r.row,
                    spec.field(spec.duplicate_field).label,
                    f"与第 {first[key]} 行重复（{spec.duplicate_what}），第 {r.row} 行未导入",
                )
            )
        else:
            first[key] = r.row
            kept.append(r)
    return kept, errors
