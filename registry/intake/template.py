"""Templates per database: Chinese headers, a 说明 sheet, drop-downs (enums, the caller's villages), frozen header."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from registry.intake.context import Area
from registry.intake.spec import TableSpec
from registry.spreadsheet import put, safe_row

ROWS = 10_000  # rows the drop-downs and text formats cover
REQUIRED_FILL = PatternFill("solid", start_color="FCE4D6", end_color="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
LIST_SHEETS = {"villages": "村社区列表", "occupations": "职业列表"}


def build_template(spec: TableSpec, *, villages: list[Area], occupations: dict[str, str]) -> bytes:
    """The template workbook of a spec as .xlsx bytes; drop-downs list the given villages and occupations."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.sheet
    lists = {
        "villages": [f"{a.code} {a.name}" for a in villages],
        "occupations": [f"{code} {name}" for code, name in occupations.items() if code.count("-") == 3],
    }
    for col, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(col)
        cell = put(ws, 1, col, f.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if f.required else OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[letter].width = f.width
        if f.as_text:
            ws.column_dimensions[letter].number_format = "@"
        cells = f"{letter}2:{letter}{ROWS + 1}"
        if f.choices:
            _drop_down(ws, f'"{",".join(f.choices)}"', cells, f.label)
        elif f.lookup and lists[f.lookup]:
            sheet = LIST_SHEETS[f.lookup]
            if sheet not in wb.sheetnames:
                _list_sheet(wb, sheet, lists[f.lookup])
            _drop_down(ws, f"='{sheet}'!$A$2:$A${len(lists[f.lookup]) + 1}", cells, f.label)
    ws.freeze_panes = "A2"
    _instructions(wb, spec)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _drop_down(ws: Worksheet, formula: str, cells: str, label: str) -> None:
    """A list validation over the cells that refuses other values with a Chinese message."""
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    dv.errorTitle, dv.error = "无效值", f"「{label}」请从下拉列表中选择"
    ws.add_data_validation(dv)
    dv.add(cells)


def _list_sheet(wb: Workbook, title: str, values: list[str]) -> None:
    """A hidden sheet holding a drop-down's values in column A."""
    ws = wb.create_sheet(title)
    ws.append(safe_row([title]))
    for v in values:
        ws.append(safe_row([v]))
    ws.column_dimensions["A"].width = 40
    ws.sheet_state = "hidden"


def _instructions(wb: Workbook, spec: TableSpec) -> None:
    """The 说明 sheet: what to fill in, then one line per column."""
    ws = wb.create_sheet("说明", 1)
    ws.append(safe_row([f"{spec.title} 导入模板"]))
    ws["A1"].font = Font(bold=True, size=14)
    for line in spec.instructions:
        ws.append(safe_row([line]))
    ws.append([])
    ws.append(safe_row(["列名", "英文键", "必填", "说明", "可选值", "示例"]))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for f in spec.fields:
        ws.append(
            safe_row([f.label, f.key, "是" if f.required else "否", f.note, "、".join(f.choices), f.example])
        )
    for letter, width in zip("ABCDEF", (16, 16, 6, 60, 40, 24), strict=True):
        ws.column_dimensions[letter].width = width
