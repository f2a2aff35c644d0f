"""The township report: one self-contained folium HTML map of a township, its villages and their figures."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import folium
import numpy as np
from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from geo.core.settings import Settings
from matching.analytics.township import ReportData, load_report_data
from web_map.csp import seal
from web_map.offline import Inline, OfflineMap
from web_map.report_panel import figures_panel, legend_panel, title, tooltip_text

MEASURES: tuple[str, ...] = ("balance", "access_index")
MODES: tuple[str, ...] = ("walk", "ebike", "car")
# ColorBrewer, as in the planner view: RdYlBu for the balance (short of jobs red), YlGnBu for access.
PALETTES: dict[str, list[str]] = {
    "balance": ["#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6"],
    "access_index": ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
}
NO_DATA = "#d9d9d9"
FILL_OPACITY = 0.85


def quantile_classes(values: Sequence[float]) -> list[float]:
    """Upper bounds of five quantile classes (linear quantiles; tied bounds collapse into one class)."""
    bounds: list[float] = []
    for v in np.quantile(np.asarray(values, dtype=float), [0.2, 0.4, 0.6, 0.8, 1.0]).tolist():
        if not bounds or v > bounds[-1]:
            bounds.append(float(v))
    return bounds


def class_colours(bounds: Sequence[float], measure: str) -> list[str]:
    """The palette colour of each class, spread over the palette's ends and middle when classes are few."""
    n = len(bounds)
    palette = PALETTES[measure]
    return [palette[2 if n == 1 else round(i * 4 / (n - 1))] for i in range(n)]


def colour_of(value: float, bounds: Sequence[float], colours: Sequence[str]) -> str:
    """The colour of the class ``value`` falls in."""
    for bound, colour in zip(bounds, colours, strict=True):
        if value <= bound:
            return colour
    return colours[-1]


def _feature(row: Mapping[str, Any], **props: Any) -> dict[str, Any]:
    """A GeoJSON feature from a row's geojson text and the given properties."""
    return {"type": "Feature", "geometry": json.loads(row["geojson"]), "properties": props}


def _choropleth(data: ReportData, measure: str) -> tuple[dict[str, Any], list[tuple[float, float, str]]]:
    """The villages (or the township alone when it has none) coloured by ``measure``, and the legend classes."""
    areas = data.villages or [data.township]
    values = [float(data.stats[a["code"]][measure]) for a in areas if a["code"] in data.stats]
    bounds = quantile_classes(values) if values else []
    colours = class_colours(bounds, measure) if bounds else []
    features = []
    for area in areas:
        figures = data.stats.get(area["code"])
        value = float(figures[measure]) if figures is not None else None
        fill = colour_of(value, bounds, colours) if value is not None else NO_DATA
        shown = "—" if value is None else f"{value:.2f}"
        features.append(
            _feature(
                area, code=tooltip_text(area["code"]), name=tooltip_text(area["name"]), value=shown, fill=fill
            )
        )
    legend = []
    lower = min(values) if values else 0.0
    for bound, colour in zip(bounds, colours, strict=True):
        legend.append((lower, bound, colour))
        lower = bound
    return {"type": "FeatureCollection", "features": features}, legend


def _add_layers(fmap: folium.Map, data: ReportData, measure: str) -> list[tuple[float, float, str]]:
    """Draw the choropleth, heat, water, township outline and sites; returns the legend classes."""
    areas, legend = _choropleth(data, measure)
    folium.GeoJson(
        areas,
        name="村（社区）Villages",
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": FILL_OPACITY,
            "color": "#4d4d4d",
            "weight": 0.8,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "code", "value"], aliases=["名称", "代码", measure]),
    ).add_to(fmap)
    if data.heat:
        hexes = [
            _feature(h, seekers=h["seekers"], positions=h["positions"], balance=h["positions"] - h["seekers"])
            for h in data.heat
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": hexes},
            name="供需热力 Heat (H3)",
            show=False,
            style_function=lambda f: {
                "fillColor": "#2c7bb6" if f["properties"]["balance"] > 0 else "#d7191c",
                "fillOpacity": 0.45,
                "color": "#ffffff",
                "weight": 0.5,
            },
            tooltip=folium.GeoJsonTooltip(fields=["seekers", "positions"], aliases=["可就业", "岗位"]),
        ).add_to(fmap)
    if data.water:
        water = [_feature(w, name=tooltip_text(w["name"]), kind=tooltip_text(w["kind"])) for w in data.water]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": water},
            name="水域 Water",
            style_function=lambda _f: {
                "fillColor": "#9ecae1",
                "fillOpacity": 1.0,
                "color": "#6baed6",
                "weight": 1,
            },
            tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=["水域"]),
        ).add_to(fmap)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [_feature(data.township, name=data.township["name"])]},
        name="乡镇界 Township",
        style_function=lambda _f: {"fill": False, "color": "#1b1b1b", "weight": 2.5},
        interactive=False,
    ).add_to(fmap)
    sites = folium.FeatureGroup(name="在招企业 Sites with open positions")
    for site in data.sites:
        folium.CircleMarker(
            [site["lat"], site["lon"]],
            radius=4 + float(np.sqrt(site["positions"])),
            color="#6c3483",
            weight=1.5,
            fill=True,
            fill_color="#af7ac5",
            fill_opacity=0.9,
            tooltip=tooltip_text(f"{site['enterprise']} · 在招 {site['positions']} 人"),
        ).add_to(sites)
    sites.add_to(fmap)
    folium.LayerControl(collapsed=False, position="bottomright").add_to(fmap)
    return legend


def township_report(
    conn: Connection,
    code: str,
    *,
    settings: Settings,
    measure: str = "balance",
    mode: str = "walk",
    radius_m: float = 3000.0,
) -> str:
    """A self-contained HTML report (folium map, legend, figures table) of one township; no internet needed.

    Names reach its tooltips only as escaped text, and its <meta> Content-Security-Policy lets only its own
    inline scripts run (web_map.csp.seal).
    """
    if measure not in MEASURES:
        raise InvalidInput(f"unknown measure {measure!r}: use balance or access_index", field="measure")
    if mode not in MODES:
        raise InvalidInput(f"unknown mode {mode!r}: use one of {', '.join(MODES)}", field="mode")
    data = load_report_data(conn, code, settings=settings, mode=mode, radius_m=radius_m)
    t = data.township
    # the map takes the left 58 % of the page; the figures panel the rest
    fmap = OfflineMap(
        width="58%", location=[(t["south"] + t["north"]) / 2, (t["west"] + t["east"]) / 2], zoom_start=12
    )
    fmap.fit_bounds([[t["south"], t["west"]], [t["north"], t["east"]]], padding=(20, 20))
    legend = _add_layers(fmap, data, measure)
    root = fmap.get_root()
    root.header.add_child(Inline(f"<title>{escape(title(data))}</title>"), name="title")  # type: ignore[attr-defined]
    root.html.add_child(legend_panel(legend, measure=measure, analysed=data.run is not None))  # type: ignore[attr-defined]
    root.html.add_child(figures_panel(data))  # type: ignore[attr-defined]
    return seal(str(root.render()))
