"""Reading uploads: .xlsx (formulas detected, not evaluated) and .csv (UTF-8, UTF-8 with BOM, GBK/GB18030).

Every whole-file fault — too large, empty, not a spreadsheet, wrong encoding, a workbook over its limits
(registry.intake.limits), too slow to read (registry.intake.deadline) — is an InvalidInput raised before any row
is checked; a formula is a fault of its cell and reported with the row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from openpyxl import load_workbook

from geo.core.errors import InvalidInput
from geo.core.text import strip_control
from registry.intake.deadline import Deadline
from registry.intake.limits import NOT_XLSX, WorkbookLimits, check_workbook

ENCODINGS = ("auto", "utf-8", "gbk")
MB = 1024 * 1024


class UploadTooLarge(InvalidInput):
    """A file over the upload limit (HTTP 413)."""


@dataclass
class RawRow:
    """One data row as read: its row number as the user sees it (header = 1), values, formula columns."""

    number: int
    values: list[Any]
    formulas: set[int] = field(default_factory=set)


@dataclass
class RawTable:
    """A sheet as read: the header cells and the non-empty data rows."""

    source: str
    headers: list[str]
    rows: list[RawRow]


def check_size(size: int, *, max_mb: int, source: str) -> None:
    """UploadTooLarge when ``size`` bytes exceed the limit, stating it."""
    if size > max_mb * MB:
        raise UploadTooLarge(
            f"文件 {size / MB:.1f} MB，超过上传上限 {max_mb} MB（HONGYAN_MAX_UPLOAD_MB）：请拆成几个文件分别导入",
            source=source,
        )


def read_table(
    data: bytes,
    *,
    source: str,
    max_mb: int,
    encoding: str = "auto",
    sheet: str = "",
    limits: WorkbookLimits | None = None,
    deadline: Deadline | None = None,
) -> RawTable:
    """The header and rows of an uploaded .xlsx or .csv (by its name's suffix), within the limits and deadline."""
    check_size(len(data), max_mb=max_mb, source=source)
    if not data.strip():
        raise InvalidInput("文件是空的：请在模板中填写数据后再导入", source=source)
    suffix = PurePath(source).suffix.lower()
    if suffix == ".xlsx":
        table = _read_xlsx(
            data, source=source, sheet=sheet, limits=limits or WorkbookLimits(), deadline=deadline
        )
    elif suffix == ".csv":
        table = _read_csv(
            decode_csv(data, encoding=encoding, source=source), source=source, deadline=deadline
        )
    elif suffix == ".xls":
        raise InvalidInput(
            "不支持 .xls（Excel 97-2003）格式：请在 Excel 中另存为 .xlsx 后导入", source=source
        )
    else:
        raise InvalidInput(f"不支持的文件类型「{suffix or '无扩展名'}」：请上传 .xlsx 或 .csv", source=source)
    if not table.headers:
        raise InvalidInput("文件是空的：第 1 行没有表头", source=source)
    if not table.rows:
        raise InvalidInput("文件只有表头，没有数据行", source=source)
    return table


def _read_xlsx(
    data: bytes, *, source: str, sheet: str, limits: WorkbookLimits, deadline: Deadline | None
) -> RawTable:
    """Read the named sheet (else the first) in read-only mode, keeping formulas as formulas.

    The workbook is inspected first (check_workbook); the cell count is checked again while reading, for a
    sheet that declares no range or a false one.
    """
    check_workbook(data, source=source, limits=limits)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInput(NOT_XLSX, source=source) from None
    try:
        return _read_sheet(
            wb[sheet] if sheet in wb.sheetnames else wb.worksheets[0], source, limits, deadline
        )
    except (DefusedXmlException, ParseError):
        raise InvalidInput(NOT_XLSX, source=source) from None
    finally:
        wb.close()


def _read_sheet(ws: Any, source: str, limits: WorkbookLimits, deadline: Deadline | None) -> RawTable:
    """The header and non-empty rows of a read-only sheet."""
    headers: list[str] = []
    rows: list[RawRow] = []
    seen = 0
    for number, cells in enumerate(ws.iter_rows(), start=1):
        if deadline is not None:
            deadline.check("读取", number)
        seen += max(len(cells), 1)  # an empty row still costs a step: rows missing between two are yielded
        if seen > limits.max_cells:
            raise InvalidInput(
                f"读到第 {number} 行时已超过 {limits.max_cells:,} 个单元格的上限（HONGYAN_MAX_XLSX_CELLS）："
                "请删除空白行列只保留数据区域，或拆成几个文件",
                source=source,
            )
        values = [c.value for c in cells]
        if number == 1:
            headers = _header(values)
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        formulas = {i for i, c in enumerate(cells) if getattr(c, "data_type", None) == "f"}
        rows.append(RawRow(number, values, formulas))
    return RawTable(source, headers, rows)


def _header(values: list[Any]) -> list[str]:
    """Header cells as text, trailing blanks dropped."""
    out = ["" if v is None else strip_control(str(v)).strip() for v in values]
    while out and not out[-1]:
        out.pop()
    return out


def decode_csv(data: bytes, *, encoding: str, source: str) -> str:
    """CSV bytes as text: a BOM means UTF-8; ``auto`` tries UTF-8 then GB18030; a declared one is enforced."""
    if encoding not in ENCODINGS:
        raise InvalidInput(f"编码 {encoding!r} 无效，可选：{'、'.join(ENCODINGS)}", field="encoding")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", source=source)
    if encoding == "gbk":
        return _decode(data, "gb18030", source=source)
    if encoding == "utf-8":
        return _decode(data, "utf-8", source=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(data, "gb18030", source=source)


def _decode(data: bytes, codec: str, *, source: str) -> str:
    """Decode, or name the first line that is not in the codec (and guess what it is)."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if codec == "utf-8" and _is_gbk(data):
            raise InvalidInput(
                f"第 {line} 行不是有效的 UTF-8 文本，文件看起来是 GBK 编码：请选择编码 GBK 重新导入，"
                "或在 Excel 中另存为「CSV UTF-8」",
                source=source,
            ) from None
        name = "UTF-8" if codec == "utf-8" else "GBK/GB18030"
        raise InvalidInput(f"第 {line} 行不是有效的 {name} 文本：请检查文件编码", source=source) from None


def _is_gbk(data: bytes) -> bool:
    """Whether the bytes decode as GB18030 with CJK text in them."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _read_csv(text: str, *, source: str, deadline: Deadline | None) -> RawTable:
    """Rows of CSV text; row numbers count records (header = 1), as a spreadsheet shows them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    headers: list[str] = []
    rows: list[RawRow] = []
    try:
        for number, values in enumerate(reader, start=1):
            if deadline is not None:
                deadline.check("读取", number)
            if number == 1:
                headers = _header(list(values))
                continue
            if all(not v.strip() for v in values):
                continue
            formulas = {i for i, v in enumerate(values) if v.lstrip().startswith("=")}
            rows.append(RawRow(number, [v if v.strip() else None for v in values], formulas))
    except csv.Error as exc:
        raise InvalidInput(f"CSV 格式错误（第 {reader.line_num} 行）：{exc}", source=source) from None
    return RawTable(source, headers, rows)
