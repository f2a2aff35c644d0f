"""An import from start to end in the caller's one transaction: read, check, write (mode-aware), report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.intake.book import error_workbook
from registry.intake.catalog import get_spec
from registry.intake.context import load_context
from registry.intake.deadline import Deadline
from registry.intake.limits import WorkbookLimits
from registry.intake.read import read_table
from registry.intake.template import build_template
from registry.intake.validate import RowError, check_rows
from registry.personal import PersonalDataCipher

Mode = Literal["all_or_nothing", "commit_valid"]
MODES: tuple[str, ...] = get_args(Mode)
MODE_LABELS = {"all_or_nothing": "全部或全不", "commit_valid": "导入有效行"}


@dataclass
class ImportReport:
    """Counts, every error, and the error workbook (the uploaded rows plus a 错误说明 column) if any."""

    database: str
    mode: str
    source: str
    rows: int
    valid: int
    written: int
    errors: list[RowError]
    error_workbook: bytes | None

    @property
    def rejected(self) -> int:
        """Rows not written because of their own errors."""
        return len({e.row for e in self.errors})

    @property
    def summary(self) -> str:
        """One Chinese sentence on what happened."""
        if not self.errors:
            return f"共 {self.rows} 行，全部导入"
        if self.written == 0 and self.mode == "all_or_nothing":
            return f"共 {self.rows} 行，{self.rejected} 行有错误：按「全部或全不」模式未写入任何数据"
        return f"共 {self.rows} 行，导入 {self.written} 行，{self.rejected} 行有错误未导入"


def check_mode(mode: str) -> Mode:
    """The mode if known, else InvalidInput naming both."""
    if mode == "all_or_nothing":
        return "all_or_nothing"
    if mode == "commit_valid":
        return "commit_valid"
    raise InvalidInput(
        f"导入模式 {mode!r} 无效，可选 all_or_nothing（全部或全不）或 commit_valid（导入有效行）",
        field="mode",
    )


def import_file(
    conn: Connection,
    database: str,
    data: bytes,
    *,
    source: str,
    mode: str,
    scope: str,
    cipher: PersonalDataCipher,
    max_upload_mb: int,
    encoding: str = "auto",
    datum: str = "wgs84",
    today: date | None = None,
    limits: WorkbookLimits | None = None,
    timeout_s: float | None = None,
) -> ImportReport:
    """Import one uploaded file into a database for a caller whose area prefix is ``scope``.

    Whole-file faults raise InvalidInput and nothing is written. Row faults are collected; in all_or_nothing
    mode any fault leaves the database untouched, in commit_valid mode the valid rows are written. Writing
    happens under a savepoint of the caller's transaction, so a conflict found only by the database (a person
    registered in an area the caller cannot see) can still undo an all-or-nothing import. Workbooks are held to
    ``limits``; past ``timeout_s`` seconds of reading and checking, ImportTimeout is raised before any write.
    """
    spec = get_spec(database)
    chosen = check_mode(mode)
    deadline = Deadline(timeout_s, source=source) if timeout_s is not None else None
    table = read_table(
        data,
        source=source,
        max_mb=max_upload_mb,
        encoding=encoding,
        sheet=spec.sheet,
        limits=limits,
        deadline=deadline,
    )
    ctx = load_context(conn, scope=scope, cipher=cipher, datum=datum)
    if today is not None:
        ctx.today = today
    spec.prepare(conn, ctx)
    checked = check_rows(spec, table, ctx, deadline=deadline)
    errors = list(checked.errors)
    known = spec.existing(conn, checked.valid, ctx) if checked.valid else {}
    errors += [RowError(row, spec.field(key).label, msg) for row, (key, msg) in known.items()]
    to_write = [r for r in checked.valid if r.row not in known]
    if deadline is not None:
        deadline.check("检查", table.rows[-1].number)
    written = 0
    if to_write and not (errors and chosen == "all_or_nothing"):
        savepoint = conn.begin_nested()
        outcome = spec.write(conn, to_write, ctx)
        errors += [RowError(row, spec.field(key).label, msg) for row, (key, msg) in outcome.refused.items()]
        if outcome.refused and chosen == "all_or_nothing":
            savepoint.rollback()
        else:
            savepoint.commit()
            written = outcome.written
    errors.sort(key=lambda e: e.row)
    book = error_workbook(spec, table, errors) if errors else None
    return ImportReport(spec.name, chosen, source, len(table.rows), len(checked.valid), written, errors, book)


def template_for(conn: Connection, database: str, *, scope: str) -> bytes:
    """The template of a database with the villages of the caller's area in its drop-down."""
    spec = get_spec(database)
    ctx = load_context(conn, scope=scope)
    return build_template(spec, villages=ctx.villages_in_scope(), occupations=ctx.occupations)
