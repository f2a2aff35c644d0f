"""The error workbook: the uploaded rows where they were, a 错误说明 column, faulty cells highlighted."""

from __future__ import annotations

import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.intake.read import RawTable
from registry.intake.spec import TableSpec
from registry.intake.validate import RowError, normalise_header
from registry.spreadsheet import put

ERROR_COLUMN = "错误说明"
BAD = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
HEADER = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
RED = Font(color="9C0006")


def error_workbook(spec: TableSpec, table: RawTable, errors: list[RowError]) -> bytes:
    """The .xlsx bytes: same header and row numbers as the upload, plus 错误说明; nothing evaluated."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{spec.sheet}-错误"
    labels = {f.label: f for f in spec.fields} | {f.key: f for f in spec.fields}
    column_of: dict[str, int] = {}
    for i, header in enumerate(table.headers, start=1):
        cell = put(ws, 1, i, header)
        cell.font, cell.fill = Font(bold=True), HEADER
        f = labels.get(normalise_header(header))
        if f is not None:
            column_of[f.label] = i
            ws.column_dimensions[get_column_letter(i)].width = f.width
    last = len(table.headers) + 1
    head = put(ws, 1, last, ERROR_COLUMN)
    head.font, head.fill = Font(bold=True, color="9C0006"), HEADER
    ws.column_dimensions[get_column_letter(last)].width = 60
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for e in errors:
        by_row[e.row].append(e)
    for raw in table.rows:
        for i, value in enumerate(raw.values[: len(table.headers)], start=1):
            if value is None:
                continue
            cell = put(ws, raw.number, i, value)  # a formula (or "=…" text) is shown as text, never evaluated
            if isinstance(value, str):
                cell.number_format = "@"
        row_errors = by_row.get(raw.number)
        if row_errors:
            note = "；".join(f"{e.field}：{e.message}" if e.field else e.message for e in row_errors)
            put(ws, raw.number, last, note).font = RED
            for e in row_errors:
                col = column_of.get(e.field or "")
                if col is not None:
                    ws.cell(row=raw.number, column=col).fill = BAD
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
