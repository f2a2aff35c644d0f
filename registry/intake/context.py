"""What validation needs from the database, loaded once per import: areas, county outline, occupations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import shapely
from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput
from geo.core.scope import Scope
from registry.intake import queries as q
from registry.personal import PersonalDataCipher

DATUM_LABELS = {"WGS84": "wgs84", "GCJ-02": "gcj02", "BD-09": "bd09"}


@dataclass(frozen=True)
class Area:
    """An administrative area: code, name, level, parent, and a point inside it (seat)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    lon: float
    lat: float


@dataclass
class Context:
    """The importing caller's scope and the reference data every row is checked against."""

    scope: str  # area-code prefix: 6, 9 or 12 digits
    areas: dict[str, Area]
    county_name: str
    county: shapely.Geometry
    occupations: dict[str, str]
    cipher: PersonalDataCipher | None = None  # None: reference data only (templates)
    datum: str = "wgs84"
    today: date = field(default_factory=date.today)
    extra: dict[str, Any] = field(default_factory=dict)  # a spec's own look-ups (see TableSpec.prepare)

    def personal_cipher(self) -> PersonalDataCipher:
        """The cipher for ID numbers and phones (an import always has one)."""
        assert self.cipher is not None, "an import needs the personal-data cipher"
        return self.cipher

    def villages_in_scope(self) -> list[Area]:
        """The villages the caller may import into, by code."""
        return [a for a in self.areas.values() if a.level == "village" and a.code.startswith(self.scope)]

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a WGS84 point lies in the county."""
        return bool(shapely.contains_xy(self.county, lon, lat))


def load_context(
    conn: Connection, *, scope: str, cipher: PersonalDataCipher | None = None, datum: str = "wgs84"
) -> Context:
    """Load the reference data for an import by a caller whose area-code prefix is ``scope``."""
    if datum not in DATUM_LABELS.values():
        raise InvalidInput(f"坐标系 {datum!r} 无效，可选 wgs84、gcj02、bd09", field="datum")
    areas = {
        r.code: Area(r.code, r.name, r.level, r.parent_code, float(r.lon), float(r.lat))
        for r in conn.execute(q.AREAS)
    }
    Scope(scope)  # a well-formed prefix, else InvalidInput
    county = conn.execute(q.COUNTY).one_or_none()
    if county is None:
        raise Conflict("库中还没有县界：先导入行政区划（hongyan import boundaries）")
    outline = shapely.from_wkb(bytes(county.wkb))
    shapely.prepare(outline)
    occupations = {r.code: r.name for r in conn.execute(q.OCCUPATIONS)}
    return Context(scope, areas, county.name, outline, occupations, cipher=cipher, datum=datum)


def bare_context(scope: str = "341522") -> Context:
    """A context without reference data (no areas, no outline): for checks that need none (policies files)."""
    return Context(Scope(scope).prefix, {}, "", shapely.Point(), {})
