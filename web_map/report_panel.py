"""The township report's HTML panels: the legend and the figures table (all text escaped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from matching.analytics.township import ReportData
from web_map.offline import Inline

MEASURE_LABELS = {"balance": "岗位余缺 Balance", "access_index": "岗位可达性 2SFCA access"}
COLUMNS: list[tuple[str, str]] = [
    ("residents", "常住人口 Residents"),
    ("seekers", "可就业 Seekers"),
    ("positions", "区内岗位 Positions"),
    ("positions_in_reach", "圈内人均岗位 Positions within reach"),
    ("access_index", "2SFCA"),
    ("balance", "岗位余缺 Balance"),
]
STYLE = """
<style>
.leaflet-container { background: #ffffff; }
.hy-panel { position: absolute; z-index: 1000; background: rgba(255,255,255,0.95); border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,0.4); font: 13px/1.4 system-ui, "Noto Sans CJK SC", sans-serif; }
.hy-figures { position: fixed; top: 0; right: 0; bottom: 0; width: 42%; overflow: auto; padding: 8px 10px;
  border-radius: 0; box-sizing: border-box; }
.hy-figures h1 { font-size: 16px; margin: 0 0 4px; }
.hy-figures table { border-collapse: collapse; font-size: 12px; }
.hy-figures th, .hy-figures td { padding: 2px 6px; border-bottom: 1px solid #ddd; text-align: right; }
.hy-figures th:first-child, .hy-figures td:first-child { text-align: left; white-space: nowrap; }
.hy-figures tr.hy-total td { font-weight: 600; }
.hy-missing { color: #a50f15; font-weight: 600; }
.hy-legend { bottom: 24px; left: 10px; padding: 6px 8px; }
.hy-legend ul { list-style: none; margin: 4px 0 0; padding: 0; }
.hy-swatch { display: inline-block; width: 14px; height: 14px; margin-right: 6px; vertical-align: middle;
  border: 1px solid #4d4d4d; }
</style>
"""


# characters a JavaScript template literal gives meaning to, as HTML character references
_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def tooltip_text(value: object) -> str:
    """``value`` as HTML text that is also inert in JavaScript: folium puts a tooltip's text as HTML into a
    template literal (and GeoJSON properties into HTML), so the text is HTML-escaped and the backtick, dollar
    sign and backslash become character references; the browser shows them as the characters they were."""
    return escape(str(value)).translate(_TEMPLATE_LITERAL)


def title(data: ReportData) -> str:
    """The report's title: the township's name and code (not escaped)."""
    return f"{data.township['name']} 就业报告 Township report · {data.township['code']}"


def _number(value: Any) -> str:
    """An integer as is, a float with two decimals, a missing value as a dash."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):,.2f}"


def legend_panel(legend: Sequence[tuple[float, float, str]], *, measure: str, analysed: bool) -> Inline:
    """The choropleth legend: one swatch per quantile class, or a note that there is nothing to colour by."""
    items = [
        f'<li data-colour="{colour}"><span class="hy-swatch" style="background:{colour}"></span>'
        f"{lower:,.2f} – {upper:,.2f}</li>"
        for lower, upper, colour in legend
    ]
    if not items:
        note = "尚无分析 no analysis yet" if not analysed else "无数据 no figures"
        items = [f'<li><span class="hy-swatch" style="background:#d9d9d9"></span>{note}</li>']
    return Inline(
        f'{STYLE}<div class="hy-panel hy-legend" id="hy-legend"><strong>{escape(MEASURE_LABELS[measure])}</strong>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def _row(name: str, code: str, figures: Mapping[str, Any] | None, *, total: bool = False) -> str:
    """One table row of an area's figures."""
    cells = "".join(f"<td>{_number(figures[k]) if figures else '—'}</td>" for k, _ in COLUMNS)
    cls = ' class="hy-total"' if total else ""
    return f'<tr data-code="{escape(code)}"{cls}><td>{escape(name)}</td>{cells}</tr>'


def _run_line(data: ReportData) -> str:
    """Which analysis the figures come from, or how to make one."""
    if data.run is None:
        command = "hongyan analyze circles"
        if data.mode != "walk" or data.radius_m != 3000.0:
            command += f" --mode {data.mode} --radius {data.radius_m:g}"
        return (
            f'<p class="hy-missing" id="hy-no-analysis">尚无就业圈分析 no analysis yet: run '
            f"`{escape(command)}`</p>"
        )
    run = data.run
    when = run["computed_at"].strftime("%Y-%m-%d %H:%M")
    return (
        f"<p>就业圈 Job circles: {escape(str(run['mode']))} {float(run['limit_value']):g} m "
        f"· 计算于 computed {escape(when)} (run {int(run['run_id'])})</p>"
    )


def figures_panel(data: ReportData) -> Inline:
    """The title, the analysis run, the sites summary and the per-village figures table."""
    positions = sum(int(s["positions"]) for s in data.sites)
    head = "".join(f"<th>{escape(label)}</th>" for _, label in COLUMNS)
    rows = [
        _row(data.township["name"], data.township["code"], data.stats.get(data.township["code"]), total=True)
    ]
    rows += [_row(v["name"], v["code"], data.stats.get(v["code"])) for v in data.villages]
    heat = f" · {len(data.heat)} 个热力六边形 heat hexagons" if data.heat else ""
    return Inline(
        f'<div class="hy-panel hy-figures" id="hy-figures"><h1>{escape(title(data))}</h1>{_run_line(data)}'
        f"<p>{len(data.sites)} 个在招场所 sites with open positions · 在招 {positions:,} 人 positions"
        f" · {len(data.water)} 处水域 water areas{heat}</p>"
        f"<table><thead><tr><th>区域 Area</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
