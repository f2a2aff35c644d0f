"""Huoqiu County's official township and village names and codes, shipped as package data."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from geo.core.errors import InvalidInput

COUNTY_CODE = "341522000000"
COUNTY_NAME = "霍邱县"
TOWNSHIPS_FILE = "huoqiu_townships.csv"
VILLAGES_FILE = "huoqiu_villages.csv"

# Longest first: "棠梨村村民委员会" must lose "村村民委员会", not only "村民委员会".
_VILLAGE_SUFFIXES = ("村民委员会虚拟生活区", "村村民委员会", "村民委员会", "村委会", "社区")


@dataclass(frozen=True)
class TownshipRef:
    """One township-level unit: town 镇, township 乡, the development zone or the fisheries unit."""

    code: str  # 12 digits
    name: str
    kind: str  # "town" | "township" | "park" | "special"

    @property
    def code9(self) -> str:
        """The 9-digit statistical code."""
        return self.code[:9]

    @property
    def short_name(self) -> str:
        """The name without its 镇/乡 suffix (e.g. 长集 for 长集镇), used in road and street names."""
        if self.kind in ("town", "township") and len(self.name) > 2:
            return self.name[:-1]
        return self.name


@dataclass(frozen=True)
class VillageRef:
    """One village 村 or community 社区 with its township's 12-digit code."""

    code: str  # 12 digits
    name: str
    kind: str  # "village" | "community"
    parent_code: str

    @property
    def short_name(self) -> str:
        """The name without the committee suffix (e.g. 大同 for 大同村委会)."""
        return village_short_name(self.name)


def township_kind(name: str) -> str:
    """The kind of a township-level unit from its name."""
    if name.endswith("开发区"):
        return "park"
    if name.endswith("镇"):
        return "town"
    if name.endswith("乡"):
        return "township"
    return "special"


def village_kind(name: str) -> str:
    """The kind of a village-level unit from its name suffix: 社区 → community, otherwise village."""
    return "community" if name.endswith("社区") else "village"


def village_short_name(name: str) -> str:
    """A village name without its committee suffix."""
    for suffix in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _rows(text: str, columns: tuple[str, ...], *, source: str) -> list[dict[str, str]]:
    """The rows of one reference CSV text, checked for the expected columns."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            f"reference file lacks column(s) {', '.join(missing)}; restore it from the repository",
            source=source,
            row=1,
        )
    return list(reader)


def _digits(value: str | None, length: int, *, source: str, row: int, field: str) -> str:
    """A code checked to be exactly `length` digits."""
    if value is None or len(value) != length or not value.isdigit():
        raise InvalidInput(
            f"code {value!r} is not {length} digits; restore the file from the repository",
            source=source,
            row=row,
            field=field,
        )
    return value


def _name(value: str | None, *, source: str, row: int) -> str:
    """A non-empty name."""
    if not value or not value.strip():
        raise InvalidInput(
            "name is empty; restore the file from the repository", source=source, row=row, field="name"
        )
    return value.strip()


def parse_townships(text: str, *, source: str = TOWNSHIPS_FILE) -> tuple[TownshipRef, ...]:
    """Township-level units from CSV text with columns code9, name, county_code, in code order."""
    out = []
    for i, row in enumerate(_rows(text, ("code9", "name", "county_code"), source=source), start=2):
        code9 = _digits(row["code9"], 9, source=source, row=i, field="code9")
        name = _name(row["name"], source=source, row=i)
        out.append(TownshipRef(code=code9 + "000", name=name, kind=township_kind(name)))
    return tuple(sorted(out, key=lambda t: t.code))


def parse_villages(
    text: str, known: tuple[TownshipRef, ...], *, source: str = VILLAGES_FILE
) -> tuple[VillageRef, ...]:
    """Villages from CSV text with columns code12, name, township_code9, in code order."""
    known9 = {t.code9 for t in known}
    out = []
    for i, row in enumerate(_rows(text, ("code12", "name", "township_code9"), source=source), start=2):
        code = _digits(row["code12"], 12, source=source, row=i, field="code12")
        parent9 = _digits(row["township_code9"], 9, source=source, row=i, field="township_code9")
        if parent9 not in known9 or not code.startswith(parent9):
            raise InvalidInput(
                f"village {code} does not belong to a known township {parent9}; restore the file from the repository",
                source=source,
                row=i,
                field="township_code9",
            )
        name = _name(row["name"], source=source, row=i)
        out.append(VillageRef(code=code, name=name, kind=village_kind(name), parent_code=parent9 + "000"))
    return tuple(sorted(out, key=lambda v: v.code))


def _package_text(filename: str) -> str:
    """The text of a CSV file shipped in boundaries/data."""
    return resources.files("boundaries").joinpath("data", filename).read_text(encoding="utf-8")


@cache
def townships() -> tuple[TownshipRef, ...]:
    """All 32 township-level units in code order."""
    return parse_townships(_package_text(TOWNSHIPS_FILE))


@cache
def villages() -> tuple[VillageRef, ...]:
    """All 413 villages and communities in code order."""
    return parse_villages(_package_text(VILLAGES_FILE), townships())


@cache
def villages_of(township_code: str) -> tuple[VillageRef, ...]:
    """The villages of one township (12-digit code), in code order."""
    return tuple(v for v in villages() if v.parent_code == township_code)
