"""Importing a boundary file (GeoJSON, Shapefile, GeoPackage): read, reproject, convert datum, validate, store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError
from sqlalchemy import Engine

from boundaries._validate import validate_areas
from boundaries.store import upsert_areas
from geo.core.crs import DATUMS, transform_geometry
from geo.core.errors import InvalidInput
from geo.core.settings import DEFAULT_METRIC_SRID

IMPORT_LEVELS = ("township", "village")
COUNTY_CODE = "341522000000"
# Accepted spellings of each attribute (case-insensitive); Shapefiles cut field names to 10 characters.
COLUMNS = {
    "code": ("code",),
    "name": ("name",),
    "parent_code": ("parent_code", "parent_cod", "parent"),
    "kind": ("kind",),
}


@dataclass
class BoundaryImportReport:
    """What an import did: counts, and warnings the user should read."""

    source: str
    level: str
    features: int
    inserted: int
    updated: int
    repaired: int = 0
    county_created: bool = False
    county_refreshed: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Areas written, new or replaced."""
        return self.inserted + self.updated


def import_boundary_file(
    engine: Engine,
    path: Path | str,
    *,
    level: str,
    datum: str = "wgs84",
    crs: str | None = None,
    fix: bool = False,
    layer: str | None = None,
    county_code: str = COUNTY_CODE,
    metric_srid: int = DEFAULT_METRIC_SRID,
) -> BoundaryImportReport:
    """Read, validate and store one level of areas in a single transaction; nothing is written on error."""
    path = Path(path)
    if level not in IMPORT_LEVELS:
        raise InvalidInput(
            f"unknown level {level!r}: use township or village", source=str(path), field="level"
        )
    if datum not in DATUMS:
        raise InvalidInput(f"unknown datum {datum!r}: use one of {', '.join(DATUMS)}", source=str(path))
    frame, warnings = read_boundary_file(path, crs=crs, layer=layer, datum=datum)
    with engine.begin() as conn:
        checked = validate_areas(
            conn,
            frame,
            level=level,
            fix=fix,
            source=str(path),
            detect_gcj02=datum == "wgs84",
            county_code=county_code,
            metric_srid=metric_srid,
        )
        stored = upsert_areas(conn, checked.areas, level=level)
    return BoundaryImportReport(
        source=str(path),
        level=level,
        features=len(frame),
        inserted=stored.inserted,
        updated=stored.updated,
        repaired=checked.repaired,
        county_created=stored.county_created,
        county_refreshed=stored.county_refreshed,
        warnings=warnings + checked.warnings,
    )


def read_boundary_file(
    path: Path, *, crs: str | None = None, layer: str | None = None, datum: str = "wgs84"
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The file's features in WGS84 with columns row, code, name, parent_code, kind (raw), geometry."""
    frame = _read(path, layer=layer)
    warnings: list[str] = []
    if crs is not None:
        declared = _parse_crs(crs, path)
        if frame.crs is not None and not CRS.from_user_input(frame.crs).equals(declared):
            warnings.append(f"{path.name} says its CRS is {frame.crs.to_string()}; using --crs {crs} as told")
        frame = frame.set_crs(declared, allow_override=True)
    elif frame.crs is None:
        raise InvalidInput(
            f"{path.name} has no coordinate reference system (e.g. a Shapefile without its .prj): "
            "give it with --crs, e.g. --crs EPSG:4326 for longitude/latitude or --crs EPSG:4548 for CGCS2000 "
            "Gauss-Kruger CM 117E metres",
            source=str(path),
        )
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    if datum != "wgs84":
        frame = frame.set_geometry(transform_geometry(frame.geometry.to_numpy(), datum, "wgs84"), crs=4326)
    return _attributes(frame, path), warnings


def _read(path: Path, *, layer: str | None) -> gpd.GeoDataFrame:
    """The raw layer; InvalidInput for a missing, unreadable or ambiguous file."""
    if not path.exists():
        raise InvalidInput(f"boundary file {path} does not exist", source=str(path))
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except DataSourceError as exc:
        raise InvalidInput(
            f"cannot read {path.name} as GeoJSON, Shapefile or GeoPackage: {exc}", source=str(path)
        ) from exc
    if layer is None and len(layers) > 1:
        raise InvalidInput(
            f"{path.name} has {len(layers)} layers ({', '.join(layers)}): choose one with --layer",
            source=str(path),
        )
    if layer is not None and layer not in layers:
        raise InvalidInput(
            f"{path.name} has no layer {layer!r}; its layers are {', '.join(layers)}",
            source=str(path),
            field="layer",
        )
    try:
        frame = gpd.read_file(path, layer=layer or layers[0], engine="pyogrio")
    except (DataSourceError, DataLayerError) as exc:
        raise InvalidInput(f"cannot read {path.name}: {exc}", source=str(path)) from exc
    if len(frame) == 0:
        raise InvalidInput(f"{path.name} has no features", source=str(path))
    return frame


def _parse_crs(crs: str, path: Path) -> CRS:
    """The --crs value as a pyproj CRS, or InvalidInput saying how to write it."""
    try:
        return CRS.from_user_input(crs)
    except CRSError as exc:
        raise InvalidInput(
            f"--crs {crs!r} is not a coordinate reference system pyproj knows: write it like EPSG:4548",
            source=str(path),
            field="crs",
        ) from exc


def _attributes(frame: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """The standard columns found by name (any case, Shapefile-truncated), raw values, plus the row number."""
    lower = {str(c).lower(): c for c in frame.columns if c != frame.geometry.name}
    picked: dict[str, object] = {"row": range(1, len(frame) + 1)}
    for target, aliases in COLUMNS.items():
        source = next((lower[a] for a in aliases if a in lower), None)
        if source is None and target in ("code", "name"):
            raise InvalidInput(
                f"{path.name} has no {target!r} attribute (found: {', '.join(lower) or 'none'}); "
                "boundary files need code (12-digit official code) and name, optionally parent_code and kind",
                source=str(path),
                field=target,
            )
        picked[target] = frame[source].to_numpy(dtype=object) if source is not None else [None] * len(frame)
    out = pd.DataFrame(picked)
    return gpd.GeoDataFrame(out, geometry=frame.geometry.to_numpy(), crs=4326)
