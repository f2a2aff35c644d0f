"""`hongyan import boundaries` and `hongyan export areas`: administrative boundary files in and out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from api.cli.groups import export_app, import_app
from boundaries.io import import_boundary_file
from boundaries.queries import AREAS_EXPORT
from geo.core.export import driver_for, export_query


class ImportLevel(StrEnum):
    """Levels a boundary file can hold."""

    township = "township"
    village = "village"


class ExportLevel(StrEnum):
    """Levels that can be exported."""

    county = "county"
    township = "township"
    village = "village"


class DatumOption(StrEnum):
    """Coordinate datums a file can be in."""

    wgs84 = "wgs84"
    gcj02 = "gcj02"
    bd09 = "bd09"


@import_app.command("boundaries")
@reports_errors
def import_boundaries(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="GeoJSON, Shapefile (.shp) or GeoPackage (.gpkg)"),
    level: ImportLevel = typer.Option(..., help="乡镇 township or 村 village"),
    datum: DatumOption = typer.Option(
        DatumOption.wgs84, help="坐标偏移 wgs84, gcj02 (AMap/Tencent/phones) or bd09 (Baidu)"
    ),
    crs: str | None = typer.Option(None, help="the file's CRS if it has none, e.g. EPSG:4548"),
    fix: bool = typer.Option(False, "--fix", help="repair invalid polygons with make_valid"),
    layer: str | None = typer.Option(None, help="layer of a multi-layer file (GeoPackage)"),
) -> None:
    """导入行政区划 Import township or village boundaries (validated; one transaction)."""
    settings = get_settings(ctx)
    with connected_engine(settings) as engine:
        report = import_boundary_file(
            engine,
            path,
            level=level.value,
            datum=datum.value,
            crs=crs,
            fix=fix,
            layer=layer,
            county_code=settings.county_code,
            metric_srid=settings.metric_srid,
        )
    for warning in report.warnings:
        console.print(f"[bold yellow]警告 warning:[/] {warning}")
    console.print(
        f"imported {report.stored} {report.level}s from {path.name}: "
        f"{report.inserted} new, {report.updated} updated"
        + (f", {report.repaired} repaired" if report.repaired else "")
        + ("; county outline created from the townships" if report.county_created else "")
        + ("; county outline remade from the townships" if report.county_refreshed else "")
    )


@export_app.command("areas")
@reports_errors
def export_areas(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="output file, .gpkg or .geojson"),
    level: ExportLevel | None = typer.Option(None, help="only this level (default: all)"),
) -> None:
    """导出行政区划 Export areas (code, name, level, kind, parent_code) for QGIS, WGS84."""
    driver_for(out)
    settings = get_settings(ctx)
    with connected_engine(settings) as engine:
        count = export_query(
            engine, AREAS_EXPORT, out, layer="areas", params={"level": level.value if level else None}
        )
    console.print(f"exported {count} areas to {out}")
