"""Printable, self-contained HTML reports: the year's progress (with SVG charts) and the 督查通报 of tasks."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from programme.calendar import KIND_ZH, THEME_ZH
from programme.dashboard import METRICS
from programme.plan import PLAN_DOCUMENT
from programme.report_data import ReportData

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px;color:#8c2f1b;margin:0 0 4px}h2{font-size:17px;border-bottom:2px solid #8c2f1b;padding-bottom:3px}
.meta{color:#555;font-size:13px}table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 16px}
th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f3e9e6}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr.overdue td{background:#fde8e4}
.flag{color:#b3261e;font-weight:bold}.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #ccc;border-radius:6px;padding:8px 12px;min-width:200px}.card b{font-size:22px}
svg{max-width:100%;height:auto}.method{font-size:12px;color:#555}
@media print{body{margin:10mm}h2{break-after:avoid}table,svg,.card{break-inside:avoid}a{color:inherit}
@page{size:A4;margin:12mm}}
"""
MONTHS = [f"{m}月" for m in range(1, 13)]


def _n(value: Any) -> str:
    return "—" if value is None else f"{value:,.0f}" if isinstance(value, int | float) else escape(str(value))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def bar_chart(actual: list[int], forecast: list[float], *, title: str) -> str:
    """An SVG bar chart of 12 months: actual bars, forecast bars lighter behind them."""
    w, h, left, bottom = 600, 200, 40, 24
    top = max([*actual, *forecast, 1])
    step = (w - left) / 12
    parts = [f'<svg viewBox="0 0 {w} {h + bottom}" role="img" aria-label="{escape(title)}">']
    for i in range(12):
        x = left + i * step + 4
        for value, colour in ((forecast[i], "#e8c4b8"), (actual[i], "#8c2f1b")):
            bh = (h - 10) * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{h - bh:.1f}" width="{step - 8:.1f}" height="{bh:.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{x + (step - 8) / 2:.1f}" y="{h + 16}" font-size="11" text-anchor="middle">{MONTHS[i]}</text>'
        )
        if actual[i]:
            parts.append(
                f'<text x="{x + (step - 8) / 2:.1f}" y="{h - (h - 10) * actual[i] / top - 3:.1f}" '
                f'font-size="10" text-anchor="middle">{actual[i]}</text>'
            )
    parts.append(f'<line x1="{left}" y1="{h}" x2="{w}" y2="{h}" stroke="#333"/>')
    parts.append(f'<text x="0" y="12" font-size="11">{top:,.0f}</text></svg>')
    return "".join(parts)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{escape(title)}</title><style>{CSS}</style></head>'
        f"<body>{body}</body></html>"
    )


def _tasks_table(tasks: list[dict[str, Any]]) -> str:
    rows = []
    for t in tasks:
        flag = f'<span class="flag">逾期 {t["days_overdue"]} 天</span>' if t["overdue"] else ""
        note = escape(t["notes"][0]["note"]) if t["notes"] else ""
        rows.append(
            f'<tr class="{"overdue" if t["overdue"] else ""}"><td class="n">{t["seq"]}</td>'
            f"<td><b>{escape(t['title'])}</b><br>{escape(t['content'])}</td><td>{escape(t['lead_unit'])}</td>"
            f"<td>{escape('、'.join(t['partner_units']))}</td><td>{t['deadline'].isoformat()}"
            f"<br><small>{escape(t['deadline_text'])}</small></td><td>{escape(t['status_zh'])} {flag}</td>"
            f"<td>{note}</td></tr>"
        )
    head = "<tr><th>序号</th><th>主要内容</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th><th>状态</th><th>最新进展</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def programme_report(data: ReportData) -> str:
    """The year's report: targets vs actuals and forecast, monthly charts, townships, tasks, fair calendar."""
    board = data.board
    cards, charts = [], []
    for metric in METRICS:
        m = board["metrics"][metric]
        cards.append(
            f'<div class="card" data-metric="{metric}">{escape(m["label"])}<br><b>{_n(m["actual"])}</b> / 目标 '
            f"{_n(m['target'])}<br>完成 {_pct(m['progress'])} · 预计全年 {_n(m['forecast'])} "
            f"（{_pct(m['forecast_progress'])}）</div>"
        )
        charts.append(
            f"<h3>{escape(m['label'])} 月度实际与预测</h3>"
            f"{bar_chart(m['monthly'], m['monthly_forecast'], title=m['label'])}"
            f'<p class="method">预测方法 method：{escape(m["method_zh"])}</p>'
        )
    towns = "".join(
        f"<tr><td>{escape(t['name'])}</td><td>{t['code']}</td><td class='n'>{t['fairs']}</td>"
        f"<td class='n'>{t['intentions']}</td><td class='n'>{t['new_jobs']}</td></tr>"
        for t in board["townships"]
    )
    fairs = "".join(
        f"<tr><td>{f['fair_date'].isoformat()}</td><td>{escape(KIND_ZH[f['kind']])} {escape(THEME_ZH[f['theme']])}</td>"
        f"<td>{escape(f['title'])}</td><td>{escape(f['venue'])}</td><td class='n'>{f['booths']}</td>"
        f"<td class='n'>{f['seekers']}</td><td class='n'>{f['intentions']}</td><td class='n'>{f['hires']}</td></tr>"
        for f in data.fairs
    )
    body = (
        f"<h1>霍邱县“鸿雁回归”就业创业工程 {data.year} 年度进展报告</h1>"
        f'<p class="meta">截至 {data.on.isoformat()} · 依据 {escape(PLAN_DOCUMENT)}</p>'
        f'<p class="meta scope">{escape(board["scope"]["note_zh"])}</p>'
        f'<h2>一、年度目标完成情况</h2><div class="cards">{"".join(cards)}</div>{"".join(charts)}'
        "<h2>二、分乡镇（园区）完成情况</h2><table><tr><th>乡镇（园区）</th><th>代码</th><th>招聘会（场）</th>"
        f"<th>就业意向（人）</th><th>新增就业（人）</th></tr>{towns}</table>"
        f"<h2>三、任务清单（逾期在前）</h2>{_tasks_table(data.tasks)}"
        "<h2>四、招聘会日程（“2+N”）</h2><table><tr><th>日期</th><th>类型</th><th>名称</th><th>场地</th>"
        f"<th>展位</th><th>求职者</th><th>意向</th><th>录用</th></tr>{fairs}</table>"
    )
    return _page(f"鸿雁回归 {data.year} 年度进展报告", body)


def supervision_report(tasks: list[dict[str, Any]], *, on: date) -> str:
    """督查通报 for the leading group: every task with its status, the overdue ones first and flagged."""
    overdue = [t for t in tasks if t["overdue"]]
    summary = (
        f"共 {len(tasks)} 项任务，已完成 {sum(t['status'] == 'done' for t in tasks)} 项，"
        f"逾期未完成 <span class='flag'>{len(overdue)}</span> 项。"
    )
    names = "；".join(
        f"{t['seq']}. {escape(t['title'])}（{escape(t['lead_unit'])}，逾期 {t['days_overdue']} 天）"
        for t in overdue
    )
    body = (
        "<h1>党建引领“鸿雁回归”就业创业工作督查通报</h1>"
        f'<p class="meta">领导小组办公室（县人社局） · 通报日期 {on.isoformat()}</p>'
        f"<p id='summary'>{summary}</p>"
        + (f"<p>逾期任务：{names}。请牵头单位限期整改。</p>" if overdue else "")
        + f"<h2>任务推进情况</h2>{_tasks_table(tasks)}"
    )
    return _page(f"督查通报 {on.isoformat()}", body)
