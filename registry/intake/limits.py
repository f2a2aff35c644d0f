"""Looking inside an .xlsx before openpyxl reads a row: sizes, compression, declared range, shared strings, no DTD.

openpyxl's read-only reader walks the range a sheet declares (``<dimension ref="A1:XFD1048576"/>`` is 17 billion
cells from a 10 KB file) and inflates whatever the zip says. Everything here reads only the zip directory and
the first bytes of each XML part (defusedxml, DTDs forbidden), so a hostile file costs milliseconds to refuse.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import range_boundaries

from geo.core.errors import InvalidInput
from geo.core.settings import Settings

MB = 1024 * 1024
HEAD_BYTES = (
    256 * 1024
)  # a worksheet's <dimension> comes before <sheetData>, within its first few hundred bytes
RATIO_FLOOR = MB  # parts smaller than this may compress as well as they like
MAX_PARTS = 10_000
NOT_XLSX = "不是有效的 Excel (.xlsx) 文件：文件已损坏或扩展名不对"
SMALLEST_STRING = 5  # bytes of the shortest shared string, <si/>: a smaller part cannot hold too many
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
TAIL = 64  # longer than any <prefix:si> opening the scan could cut in two


@dataclass(frozen=True)
class WorkbookLimits:
    """What an uploaded workbook may declare or hold (settings HONGYAN_MAX_XLSX_*)."""

    max_cells: int = 10_000_000
    max_shared_strings: int = 5_000_000
    max_uncompressed_mb: int = 512
    max_ratio: int = 100

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkbookLimits:
        """The limits configured by HONGYAN_MAX_XLSX_*."""
        return cls(
            settings.max_xlsx_cells,
            settings.max_xlsx_shared_strings,
            settings.max_xlsx_uncompressed_mb,
            settings.max_xlsx_ratio,
        )


def check_workbook(data: bytes, *, source: str, limits: WorkbookLimits) -> None:
    """InvalidInput (422) naming the fault if the workbook exceeds a limit or holds a DTD; nothing is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(NOT_XLSX, source=source) from None
    with archive:
        infos = archive.infolist()
        _check_sizes(infos, source=source, limits=limits)
        for info in infos:
            if not info.is_dir():
                _check_part(archive, info, source=source, limits=limits)


def _check_sizes(infos: list[zipfile.ZipInfo], *, source: str, limits: WorkbookLimits) -> None:
    """The zip directory's declared sizes (zipfile never inflates a member past its declared size)."""
    if len(infos) > MAX_PARTS:
        raise InvalidInput(
            f"文件含 {len(infos)} 个部件，超过上限 {MAX_PARTS}：不是正常的 Excel 文件", source=source
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_mb * MB:
        raise InvalidInput(
            f"文件解压后 {total / MB:,.0f} MB，超过上限 {limits.max_uncompressed_mb} MB"
            "（HONGYAN_MAX_XLSX_UNCOMPRESSED_MB）：可能是压缩炸弹，或请拆成几个文件分别导入"
            f"（uncompressed size {total / MB:,.0f} MB exceeds {limits.max_uncompressed_mb} MB）",
            source=source,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise InvalidInput(
                f"文件中的 {info.filename} 压缩比 {ratio:,.0f}:1，超过上限 {limits.max_ratio}:1"
                "（HONGYAN_MAX_XLSX_RATIO）：可能是压缩炸弹，拒绝读取"
                f"（compression ratio {ratio:,.0f}:1 exceeds {limits.max_ratio}:1）",
                source=source,
            )


def _check_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, source: str, limits: WorkbookLimits
) -> None:
    """An XML part's prolog (no DTD), and a worksheet's declared range or the shared strings' declared count."""
    with archive.open(info) as part:
        head = part.read(HEAD_BYTES)
    utf16 = head[:2] in (b"\xff\xfe", b"\xfe\xff")
    if not utf16 and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return  # not XML (an image, a printer setting): openpyxl does not parse it as XML
    try:
        for _, element in iterparse(io.BytesIO(head), events=("start",), forbid_dtd=True):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "dimension":
                _check_dimension(element.get("ref", ""), info.filename, source=source, limits=limits)
                return
            if tag == "sst":
                declared = element.get("uniqueCount") or element.get("count") or ""
                count = int(declared) if declared.isdigit() else 0
                if info.file_size > limits.max_shared_strings * SMALLEST_STRING:
                    count = max(count, _count_strings(archive, info))  # the declared count may lie
                _check_shared_strings(count, source, limits)
                return
            if tag not in ("worksheet", "sheetPr", "tabColor", "outlinePr", "pageSetUpPr"):
                return  # the root of another part, or a worksheet past where <dimension> may stand
    except DefusedXmlException:
        raise InvalidInput(
            f"文件中的 {info.filename} 含 DTD 或实体声明（XXE、「十亿笑」一类攻击），Excel 不会生成这样的文件：拒绝读取"
            "（DTD or entity declarations are not allowed in a workbook）",
            source=source,
        ) from None
    except ParseError:
        if len(head) < HEAD_BYTES:
            raise InvalidInput(f"{NOT_XLSX}（{info.filename} 不是有效的 XML）", source=source) from None
        raise InvalidInput(f"{NOT_XLSX}（{info.filename} 的开头过长）", source=source) from None


def _check_dimension(ref: str, part: str, *, source: str, limits: WorkbookLimits) -> None:
    """Refuse a declared range of more cells than the limit, naming it."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.upper())
    except (ValueError, TypeError):
        raise InvalidInput(f"{NOT_XLSX}（{part} 声明的范围「{ref[:40]}」无效）", source=source) from None
    if None in (min_col, min_row, max_col, max_row):
        raise InvalidInput(f"{NOT_XLSX}（{part} 声明的范围「{ref[:40]}」无效）", source=source)
    assert min_col is not None and min_row is not None and max_col is not None and max_row is not None
    rows, cols = max_row - min_row + 1, max_col - min_col + 1
    if rows * cols > limits.max_cells:
        raise InvalidInput(
            f"工作表 {part} 声明的范围 {ref}（{rows:,} 行 × {cols:,} 列 = {rows * cols:,} 个单元格）超过上限 "
            f"{limits.max_cells:,} 个单元格（HONGYAN_MAX_XLSX_CELLS）：请删除空白行列只保留数据区域，或拆成几个文件"
            f"（declared dimension {ref} exceeds {limits.max_cells:,} cells）",
            source=source,
        )


def _count_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The <si> elements of a shared-strings part, counted in a streamed scan (never parsed, never held whole)."""
    count, tail = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(MB):
            data = tail + chunk
            count += len(_SI.findall(data))
            tail = data[-TAIL:]
            count -= len(_SI.findall(tail))  # matches in the tail are counted with the next chunk
    return count + len(_SI.findall(tail))


def _check_shared_strings(count: int, source: str, limits: WorkbookLimits) -> None:
    """Refuse more shared strings than the limit (openpyxl holds them all in memory)."""
    if count > limits.max_shared_strings:
        raise InvalidInput(
            f"文件含 {count:,} 个共享字符串，超过上限 {limits.max_shared_strings:,}"
            "（HONGYAN_MAX_XLSX_SHARED_STRINGS）：请拆成几个文件分别导入"
            f"（{count:,} shared strings exceed {limits.max_shared_strings:,}）",
            source=source,
        )
