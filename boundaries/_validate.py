"""Checking an imported boundary layer: every problem collected, each naming its rows and codes, then raised."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from sqlalchemy import Connection

from boundaries._alignment import gcj02_warning
from boundaries._reference import Reference, load_reference
from boundaries._topology import parent_gaps, sibling_overlaps
from geo.core.crs import in_china, reproject
from geo.core.errors import InvalidInput

POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
FAR_KM = 50.0
# Huoqiu's surroundings, used when no county outline is loaded yet
COUNTY_BOX = (115.5, 31.6, 117.0, 32.9)
IMPORT_TOWNSHIPS = "import townships first (hongyan import boundaries FILE --level township)"


@dataclass
class CheckedAreas:
    """A layer that passed: clean rows (code, name, kind, parent_code, MultiPolygon geometry) and warnings."""

    areas: gpd.GeoDataFrame
    warnings: list[str]
    repaired: int


def validate_areas(
    conn: Connection,
    frame: gpd.GeoDataFrame,
    *,
    level: str,
    fix: bool,
    source: str,
    detect_gcj02: bool,
    county_code: str,
    metric_srid: int,
) -> CheckedAreas:
    """Check a layer read by boundaries.io against itself and the database; InvalidInput listing all problems."""
    layer = _Layer(frame, level=level, county_code=county_code)
    layer.check_codes()
    layer.check_names()
    repaired = layer.check_geometry(fix=fix)
    ref = load_reference(
        conn,
        level=level,
        codes=[c for c in layer.codes if c],
        parents=[p for p in layer.parents if p],
        county_code=county_code,
        bounds=layer.bounds(),
        with_road_nodes=detect_gcj02 and level == "township",
    )
    layer.check_parents_loaded(ref)
    layer.check_location(ref, metric_srid=metric_srid)
    layer.check_topology(ref, metric_srid=metric_srid)
    warnings = [f"repaired invalid polygons with --fix: {', '.join(layer.repaired)}"] if repaired else []
    if detect_gcj02:
        good = layer.usable()
        parents = [layer.parents[i] for i in np.flatnonzero(good)]
        hint = gcj02_warning(layer.geoms[good], parents, ref, level=level, metric_srid=metric_srid)
        warnings += [hint] if hint else []
    if layer.problems:
        lines = "\n".join(f"  - {p}" for p in layer.problems)
        notes = "".join(f"\n  note: {w}" for w in warnings)
        raise InvalidInput(
            f"{len(layer.problems)} problem(s) in the {level} layer, nothing was imported:\n{lines}{notes}\n",
            source=source,
        )
    areas = gpd.GeoDataFrame(
        {"code": layer.codes, "name": layer.names, "kind": layer.kinds, "parent_code": layer.parents},
        geometry=layer.geoms,
        crs=4326,
    )
    return CheckedAreas(areas=areas, warnings=warnings, repaired=repaired)


def _text(value: object) -> str:
    """A cell as stripped text ('' when missing); integral floats lose their '.0'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _pad(code: str) -> str | None:
    """A 6-, 9- or 12-digit code as 12 digits; None if it is not one."""
    if not code.isdigit() or len(code) not in (6, 9, 12) or not code.isascii():
        return None
    return code.ljust(12, "0")


class _Layer:
    """The rows of one file and what is known to be wrong with them so far."""

    def __init__(self, frame: gpd.GeoDataFrame, *, level: str, county_code: str) -> None:
        """Take the raw cells of a frame read by boundaries.io; nothing is checked yet."""
        self.level, self.county_code = level, county_code
        self.rows: list[int] = [int(r) for r in frame["row"]]
        self.raw_codes = [_text(v) for v in frame["code"]]
        self.codes: list[str] = [""] * len(frame)
        self.parents: list[str] = [""] * len(frame)
        self.names = [_text(v) for v in frame["name"]]
        self.kinds = [_text(v) for v in frame["kind"]]
        self.raw_parents = [_text(v) for v in frame["parent_code"]]
        self.geoms: NDArray[np.object_] = np.array(frame.geometry.to_numpy(), dtype=object)  # a copy
        self.code_ok = np.zeros(len(frame), dtype=bool)
        self.geom_ok = np.zeros(len(frame), dtype=bool)
        self.placed_ok = np.ones(len(frame), dtype=bool)
        self.problems: list[str] = []
        self.repaired: list[str] = []

    def label(self, i: int) -> str:
        """'row 3 (341522100001)' — or just the row when the code is unusable."""
        code = self.codes[i] or self.raw_codes[i]
        return f"row {self.rows[i]} ({code})" if code else f"row {self.rows[i]}"

    def labels(self, idx: NDArray[np.intp] | list[int], noun: str = "area") -> str:
        """Several rows for one message: 'areas 341522100001, 341522100002 (rows 2, 3)'."""
        codes = ", ".join(self.codes[i] or self.raw_codes[i] or "?" for i in idx)
        rows = ", ".join(str(self.rows[i]) for i in idx)
        plural = "s" if len(idx) > 1 else ""
        return f"{noun}{plural} {codes} (row{plural} {rows})"

    def usable(self) -> NDArray[np.bool_]:
        """Rows whose code, parent and geometry passed, for the checks between areas."""
        return self.code_ok & self.geom_ok & self.placed_ok

    def bounds(self) -> tuple[float, float, float, float] | None:
        """WGS84 extent of the readable geometries."""
        geoms = self.geoms[self.geom_ok]
        if len(geoms) == 0:
            return None
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        return float(xmin), float(ymin), float(xmax), float(ymax)

    def check_codes(self) -> None:
        """Codes: present, 12 digits (9 for townships), in the county, of this level, under their parent, unique."""
        for i, raw in enumerate(self.raw_codes):
            code, problem = self._code(raw)
            if problem:
                self.problems.append(f"row {self.rows[i]}: {problem}")
                continue
            assert code is not None
            self.codes[i] = code
            parent, problem = self._parent(code, self.raw_parents[i])
            if problem:
                self.problems.append(f"{self.label(i)}: {problem}")
                continue
            assert parent is not None
            self.parents[i], self.code_ok[i] = parent, True
        seen: dict[str, list[int]] = defaultdict(list)
        for i, code in enumerate(self.codes):
            if code:
                seen[code].append(i)
        for code, idx in seen.items():
            if len(idx) > 1:
                rows = ", ".join(str(self.rows[i]) for i in idx)
                self.problems.append(
                    f"code {code} appears {len(idx)} times: rows {rows}; codes must be unique"
                )
                self.code_ok[idx] = False

    def _code(self, raw: str) -> tuple[str | None, str | None]:
        """The 12-digit code of a cell, or the problem with it."""
        if not raw:
            return None, "code is empty: every area needs its 12-digit official code"
        digits = (12, 9) if self.level == "township" else (12,)
        if not (raw.isdigit() and raw.isascii() and len(raw) in digits):
            accepted = "a 12-digit (or 9-digit township)" if self.level == "township" else "a 12-digit"
            return None, f"code {raw!r} is not {accepted} official code"
        code = raw.ljust(12, "0")
        county = self.county_code[:6]
        if code[:6] != county:
            return None, f"code {code} is not in this county: its codes start with {county}"
        if code[6:] == "000000":
            return None, f"code {code} is the county itself, not a {self.level}"
        if self.level == "township" and code[9:] != "000":
            return (
                None,
                f"code {code} is a village code (it does not end in 000): import it with --level village",
            )
        if self.level == "village" and code[9:] == "000":
            return None, f"code {code} is a township code (it ends in 000): import it with --level township"
        return code, None

    def _parent(self, code: str, raw: str) -> tuple[str | None, str | None]:
        """The parent code given or derived, or the problem with it."""
        if not raw:
            return (self.county_code if self.level == "township" else code[:9] + "000"), None
        parent = _pad(raw)
        if parent is None:
            return None, f"parent_code {raw!r} is not a 12-digit official code"
        if self.level == "township" and parent != self.county_code:
            return None, f"parent_code {parent} is not the county {self.county_code}, a township's parent"
        if self.level == "village":
            if parent[9:] != "000" or parent[6:9] == "000":
                return None, f"parent_code {parent} is not a township code (12 digits ending in 000)"
            if code[:9] != parent[:9]:
                return None, (
                    f"does not belong to its parent {parent}: a village code starts with its township's "
                    f"9 digits ({parent[:9]})"
                )
        return parent, None

    def check_names(self) -> None:
        """Every area needs a name."""
        for i, name in enumerate(self.names):
            if not name:
                self.problems.append(f"{self.label(i)}: name is empty")

    def check_geometry(self, *, fix: bool) -> int:
        """Polygons only, non-empty, valid (or repaired with ``fix``); returns how many were repaired."""
        types = shapely.get_type_id(self.geoms)
        for i, geom in enumerate(self.geoms):
            if geom is None:
                self.problems.append(f"{self.label(i)}: has no geometry")
            elif types[i] not in POLYGONAL:
                self.problems.append(f"{self.label(i)}: geometry is a {geom.geom_type}, not a polygon")
            elif geom.is_empty:
                self.problems.append(f"{self.label(i)}: geometry is empty")
            else:
                self.geom_ok[i] = self._valid(i, shapely.force_2d(geom), fix=fix)
        return len(self.repaired)

    def _valid(self, i: int, geom: shapely.Geometry, *, fix: bool) -> bool:
        """Store the row's polygon as a MultiPolygon if valid or repairable."""
        if not shapely.is_valid(geom):
            reason = shapely.is_valid_reason(geom)
            if not fix:
                self.problems.append(
                    f"{self.label(i)}: invalid polygon ({reason}); rerun with --fix to repair it with make_valid"
                )
                return False
            parts = shapely.get_parts(shapely.make_valid(geom))
            polygons = [p for p in parts if shapely.get_type_id(p) in POLYGONAL and not p.is_empty]
            if not polygons:
                self.problems.append(
                    f"{self.label(i)}: invalid polygon ({reason}) with no area left once repaired"
                )
                return False
            geom = shapely.union_all(polygons)
            self.repaired.append(self.codes[i] or f"row {self.rows[i]}")
        parts = shapely.get_parts(geom)
        self.geoms[i] = shapely.MultiPolygon(list(parts))
        return True

    def check_parents_loaded(self, ref: Reference) -> None:
        """A village's township must already be in the database."""
        if self.level != "village":
            return
        missing: dict[str, list[int]] = defaultdict(list)
        for i in np.flatnonzero(self.code_ok):
            if self.parents[i] not in ref.parents:
                missing[self.parents[i]].append(int(i))
        for parent, idx in sorted(missing.items()):
            self.problems.append(
                f"{self.labels(idx, 'village')}: township {parent} is not loaded: {IMPORT_TOWNSHIPS}"
            )
            self.code_ok[idx] = False

    def check_location(self, ref: Reference, *, metric_srid: int) -> None:
        """Swapped longitude/latitude, and areas far outside the county."""
        idx = np.flatnonzero(self.geom_ok)
        if len(idx) == 0:
            return
        coords, owner = shapely.get_coordinates(self.geoms[idx], return_index=True)
        box = shapely.bounds(self.geoms[idx])
        centre_x, centre_y = (box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2
        swapped = ~in_china(centre_x, centre_y) & in_china(centre_y, centre_x)
        if swapped.any():
            first = int(np.flatnonzero(swapped)[0])
            self.problems.append(
                f"{self.labels(idx[swapped])}: looks like longitude and latitude are swapped "
                f"(x ≈ {centre_x[first]:.4f}, y ≈ {centre_y[first]:.4f}); swap the coordinates in the source data"
            )
            self.placed_ok[idx[swapped]] = False
        far = self._far(coords, owner, len(idx), ref, metric_srid) & ~swapped
        if far.any():
            if ref.county is not None:
                where = f"more than {FAR_KM:.0f} km from the county outline"
            else:
                xmin, ymin, xmax, ymax = COUNTY_BOX
                where = (
                    f"outside {xmin}–{xmax} E, {ymin}–{ymax} N around the county (no county outline loaded)"
                )
            self.problems.append(
                f"{self.labels(idx[far])}: some points lie {where}; check the coordinates and the CRS "
                "(a projected file needs its .prj or --crs)"
            )
            self.placed_ok[idx[far]] = False

    def _far(
        self, coords: NDArray[np.float64], owner: NDArray[np.intp], n: int, ref: Reference, metric_srid: int
    ) -> NDArray[np.bool_]:
        """Per area: does any vertex lie far outside the county?"""
        if ref.county is None:
            xmin, ymin, xmax, ymax = COUNTY_BOX
            x, y = coords[:, 0], coords[:, 1]
            outside = ~((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
        else:
            county = reproject(ref.county, 4326, metric_srid)
            zone = shapely.buffer(shapely.simplify(county, 100.0), FAR_KM * 1000.0)
            shapely.prepare(zone)
            points = reproject(np.asarray(shapely.points(coords), dtype=object), 4326, metric_srid)
            with np.errstate(invalid="ignore"):
                outside = ~np.asarray(shapely.contains(zone, points), dtype=bool)
        return np.bincount(owner, outside.astype(float), n) > 0

    def check_topology(self, ref: Reference, *, metric_srid: int) -> None:
        """Overlapping siblings and gaps inside loaded parents, among the usable rows and loaded siblings."""
        good = np.flatnonzero(self.usable())
        codes = [self.codes[i] for i in good] + ref.sibling_codes
        parents = [self.parents[i] for i in good] + ref.sibling_parents
        geoms = np.concatenate([self.geoms[good], ref.sibling_geoms])
        from_file = np.arange(len(codes)) < len(good)
        self.problems += sibling_overlaps(codes, parents, geoms, from_file, metric_srid=metric_srid)
        # a parent is checked for gaps only if the file has children of it and none of them was rejected
        spoiled = {self._likely_parent(int(i)) for i in np.flatnonzero(~self.usable())}
        checked = {parents[k] for k in range(len(good))} - spoiled
        children: dict[str, list[shapely.Geometry]] = defaultdict(list)
        for parent, geom in zip(parents, geoms, strict=True):
            if parent in checked:
                children[parent].append(geom)
        self.problems += parent_gaps(
            ref.parents,
            children,
            parent_level="county" if self.level == "township" else "township",
            child_level=self.level,
            metric_srid=metric_srid,
        )

    def _likely_parent(self, i: int) -> str:
        """The parent of a row, guessed from its raw code when the code was rejected."""
        if self.parents[i]:
            return self.parents[i]
        return self.raw_codes[i][:9] + "000" if self.level == "village" else self.county_code
