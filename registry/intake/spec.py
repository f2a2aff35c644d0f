"""Table specs: one per importable database — Chinese headers, English keys, a parser per field, a writer.

A spec is the only thing a new database needs to become importable (templates, reading, validation, error
workbooks and the API/CLI all work from it): build a TableSpec and list it in registry/intake/catalog.py.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geo.core.errors import PermissionDenied

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from registry.intake.context import Context

Values = dict[str, Any]
IMPORT_ROLES = frozenset({"county_admin", "county_reviewer", "township_staff", "village_collector"})
Parser = Callable[[str, "Context"], Any]


class CellError(Exception):
    """A value that cannot be accepted; the message (Chinese) is shown next to the cell."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Field:
    """One column: English key, Chinese header, parser (raw text → value, CellError when wrong)."""

    key: str
    label: str
    parse: Parser
    required: bool = False
    choices: tuple[str, ...] = ()  # drop-down labels
    lookup: str | None = None  # "villages" or "occupations": drop-down from a list sheet of the template
    as_text: bool = False  # long digit strings (ID numbers, codes): the column is formatted as text
    width: int = 14
    note: str = ""
    example: str = ""

    @property
    def header(self) -> str:
        """The header cell of the template: required columns carry a trailing *."""
        return f"{self.label}*" if self.required else self.label


@dataclass(frozen=True)
class RowIssue:
    """A problem of a row found after its cells parsed: the field's key (None for the whole row), message."""

    key: str | None
    message: str


@dataclass(frozen=True)
class ValidRow:
    """A row whose every cell parsed and passed the row checks."""

    row: int
    values: Values


@dataclass(frozen=True)
class WriteOutcome:
    """What the writer stored: rows written, and rows the database refused (row → (key, message))."""

    written: int
    refused: dict[int, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class TableSpec:
    """An importable database: its columns, row checks, duplicate key, database look-ups and writer."""

    name: str
    title: str
    sheet: str
    fields: tuple[Field, ...]
    check_row: Callable[[Values, Context], list[RowIssue]]
    write: Callable[[Connection, list[ValidRow], Context], WriteOutcome]
    duplicate_key: Callable[[Values], Hashable | None] = lambda _: None
    duplicate_field: str = ""
    duplicate_what: str = ""
    existing: Callable[[Connection, list[ValidRow], Context], dict[int, tuple[str, str]]] = (
        lambda _conn, _rows, _ctx: {}
    )
    prepare: Callable[[Connection, Context], None] = lambda _conn, _ctx: None
    instructions: tuple[str, ...] = ()
    roles: frozenset[str] = IMPORT_ROLES  # who may download the template and import
    who: str = "只有县、乡镇工作人员和村级采集员可以导入或下载模板"  # the refusal, before "；您的角色是 …"

    def field(self, key: str) -> Field:
        """The field with this English key."""
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


def check_importer(spec: TableSpec, role: str) -> None:
    """PermissionDenied unless an account of this role may import into (and get the template of) the spec."""
    if role not in spec.roles:
        raise PermissionDenied(f"{spec.who}；您的角色是 {role}")
