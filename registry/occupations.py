"""The 2022 national occupation classification (职业分类大典2022年版): reading the shipped CSV and loading it."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.queries import UPSERT_OCCUPATION

OCCUPATIONS_CSV = Path(__file__).with_name("data") / "occupations_2022.csv"
COLUMNS = ("code", "name", "level", "parent_code", "note")
LEVELS = ("major", "medium", "minor", "detail")  # parents before children
CODE_PATTERNS = {
    "major": re.compile(r"^[1-8]$"),
    "medium": re.compile(r"^[1-8]-\d{2}$"),
    "minor": re.compile(r"^[1-8]-\d{2}-\d{2}$"),
    "detail": re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$"),
}
CODE_EXAMPLES = {"major": "6", "medium": "6-18", "minor": "6-18-02", "detail": "6-18-02-04"}


@dataclass(frozen=True)
class OccupationRow:
    """One row of the classification: a group or a detail occupation."""

    code: str
    name: str
    level: str
    parent_code: str | None
    note: str


def read_occupations(path: Path = OCCUPATIONS_CSV) -> list[OccupationRow]:
    """The classification rows of a CSV (code,name,level,parent_code,note), checked, parents first."""
    source = str(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(
                f"occupation file lacks the column(s) {', '.join(missing)}; the header must be "
                f"{','.join(COLUMNS)}",
                source=source,
            )
        rows = [_parse_row(raw, source=source, row=i) for i, raw in enumerate(reader, start=2)]
    _check_tree(rows, source=source)
    return sorted(rows, key=lambda r: LEVELS.index(r.level))


def _parse_row(raw: dict[str, str | None], *, source: str, row: int) -> OccupationRow:
    """One CSV row as an OccupationRow, or InvalidInput naming the field."""
    code = (raw.get("code") or "").strip()
    name = (raw.get("name") or "").strip()
    level = (raw.get("level") or "").strip()
    parent = (raw.get("parent_code") or "").strip() or None
    if level not in LEVELS:
        raise InvalidInput(
            f"level {level!r} is not one of {', '.join(LEVELS)}", source=source, row=row, field="level"
        )
    if not CODE_PATTERNS[level].match(code):
        raise InvalidInput(
            f"code {code!r} is not a {level} code (like {CODE_EXAMPLES[level]})",
            source=source,
            row=row,
            field="code",
        )
    if not name:
        raise InvalidInput(f"occupation {code} has no name", source=source, row=row, field="name")
    expected_parent = None if level == "major" else code.rsplit("-", 1)[0]
    if parent != expected_parent:
        raise InvalidInput(
            f"occupation {code} must have parent_code {expected_parent or '(empty)'}, not {parent or '(empty)'}",
            source=source,
            row=row,
            field="parent_code",
        )
    return OccupationRow(code, name, level, parent, (raw.get("note") or "").strip())


def _check_tree(rows: list[OccupationRow], *, source: str) -> None:
    """Every code appears once and every parent exists in the same file."""
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=2):
        if r.code in seen:
            raise InvalidInput(
                f"occupation code {r.code} appears twice (rows {seen[r.code]} and {i})",
                source=source,
                row=i,
                field="code",
            )
        seen[r.code] = i
    for i, r in enumerate(rows, start=2):
        if r.parent_code is not None and r.parent_code not in seen:
            raise InvalidInput(
                f"occupation {r.code} names parent {r.parent_code}, which is not in the file: add that group",
                source=source,
                row=i,
                field="parent_code",
            )


def load_occupations(conn: Connection, *, path: Path = OCCUPATIONS_CSV) -> int:
    """Insert or update every classification row (idempotent); returns the number of rows."""
    rows = read_occupations(path)
    conn.execute(
        UPSERT_OCCUPATION,
        [{"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code} for r in rows],
    )
    return len(rows)


def detail_occupations(path: Path = OCCUPATIONS_CSV) -> dict[str, str]:
    """Code → name of the detail occupations in the shipped classification."""
    return {r.code: r.name for r in read_occupations(path) if r.level == "detail"}
