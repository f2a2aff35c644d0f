"""Cells as the service writes them to a workbook: text is never read as a formula and holds no control character.

Every export, report, template and error workbook goes through ``safe_value``/``safe_row``/``put``, so a name
such as ``=HYPERLINK(…)`` typed by one account is shown as text to every other account who opens the file
(OWASP "CSV injection": a leading ``'`` before ``= + - @``, tab or carriage return), and a stored control
character cannot make openpyxl refuse the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from geo.core.text import strip_control

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """The text without control characters, with a leading ' if a spreadsheet could read it as a formula."""
    clean = strip_control(text)
    return "'" + clean if clean.startswith(FORMULA_STARTS) else clean


def read_back(text: str) -> str:
    """Text as it was before safe_text guarded it: a re-imported export or error workbook loses the added '."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def safe_value(value: Any) -> Any:
    """Text made safe (safe_text); numbers, dates, booleans and None as they are."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``Worksheet.append`` with every value made safe."""
    return [safe_value(v) for v in values]


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell made safe; text is stored as a string cell (data type 's'), never as a formula."""
    cell = ws.cell(row=row, column=column, value=safe_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    assert isinstance(cell, Cell)
    return cell
