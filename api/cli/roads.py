"""`hongyan import roads` (an OSM file or a place via osmnx) and `hongyan export roads`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from api.cli.common import connected_engine, console, get_settings, reports_errors
from api.cli.groups import export_app, import_app
from geo.core.errors import InvalidInput
from geo.core.export import driver_for
from geo.osm.osm_read import check_osm_path
from geo.osm.road_place import download_place_graph
from geo.osm.road_store import RoadImportReport, export_road_edges, import_osm_file, import_osmnx_graph


def _show(report: RoadImportReport) -> None:
    """Print what the import stored."""
    table = Table(title=f"道路网 Road network v{report.version} from {report.source}", show_header=False)
    table.add_row("节点 nodes", f"{report.node_count:,}")
    table.add_row("路段 edges", f"{report.edge_count:,}")
    table.add_row("总长 total length", f"{report.total_length_m / 1000:,.1f} km")
    table.add_row("主连通 main component", f"{report.main_component_nodes:,} nodes")
    table.add_row("孤岛 islands", f"{report.island_count:,} (kept, flagged)")
    if report.missing_nodes:
        table.add_row("缺失节点 missing nodes", f"{report.missing_nodes:,} (ways cut at the extract's edge)")
    table.add_row("用时 time", f"{report.seconds:.1f} s")
    console.print(table)


@import_app.command("roads")
@reports_errors
def import_roads(
    ctx: typer.Context,
    osm_file: Path | None = typer.Option(
        None, "--osm-file", help="OSM 文件 extract: .osm, .osm.bz2, .osm.gz or .osm.pbf"
    ),
    place: str | None = typer.Option(
        None,
        "--place",
        help='地名 place to download with osmnx, e.g. "霍邱县, 六安市, 安徽省" (needs internet)',
    ),
) -> None:
    """导入道路 Import the road network (replaces the current one in one transaction)."""
    if (osm_file is None) == (place is None):
        raise InvalidInput(
            "give exactly one of --osm-file PATH (an OpenStreetMap extract) or --place NAME "
            "(downloaded with osmnx)"
        )
    if osm_file is not None:
        check_osm_path(osm_file)
    settings = get_settings(ctx)
    with connected_engine(settings) as engine, console.status("道路 roads: starting") as status:
        if osm_file is not None:
            report = import_osm_file(engine, osm_file, progress=status.update)
        else:
            assert place is not None
            status.update(f"downloading the roads of {place} from OpenStreetMap")
            graph = download_place_graph(place, cache_dir=settings.data_dir / "osmnx_cache")
            report = import_osmnx_graph(engine, graph, source=place, progress=status.update)
    _show(report)


@export_app.command("roads")
@reports_errors
def export_roads(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="输出 output file: .gpkg or .geojson (WGS84)"),
) -> None:
    """导出道路 Export the road edges (edge_id, u, v, length_m, highway, oneway, name, costs, geometry)."""
    driver_for(out)
    with connected_engine(get_settings(ctx)) as engine:
        count = export_road_edges(engine, out)
    console.print(f"wrote {count:,} road edges to {out}")
