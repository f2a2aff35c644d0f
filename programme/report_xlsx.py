"""Excel workbooks (openpyxl, Chinese headers): the year's progress report and the 督查通报 of tasks."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from programme.calendar import KIND_ZH, THEME_ZH
from programme.dashboard import METRICS
from programme.report_data import ReportData
from registry.spreadsheet import safe_row

HEADER_FONT = Font(bold=True)
OVERDUE_FILL = PatternFill("solid", fgColor="FDE8E4")
TASK_HEADERS = [
    "序号",
    "任务",
    "主要内容",
    "牵头单位",
    "配合单位",
    "完成时限",
    "时限原文",
    "状态",
    "是否逾期",
    "逾期天数",
    "最新进展",
]


def _sheet(ws: Worksheet, headers: list[str], rows: list[list[Any]]) -> None:
    ws.append(safe_row(headers))
    for cell in ws[1]:
        cell.font = HEADER_FONT
    for row in rows:
        ws.append(safe_row(row))
    ws.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(header) * 2 + 2)


def _tasks(ws: Worksheet, tasks: list[dict[str, Any]]) -> None:
    rows = [
        [
            t["seq"],
            t["title"],
            t["content"],
            t["lead_unit"],
            "、".join(t["partner_units"]),
            t["deadline"],
            t["deadline_text"],
            t["status_zh"],
            "逾期" if t["overdue"] else "",
            t["days_overdue"],
            t["notes"][0]["note"] if t["notes"] else "",
        ]
        for t in tasks
    ]
    _sheet(ws, TASK_HEADERS, rows)
    for r, t in enumerate(tasks, start=2):
        if t["overdue"]:
            for cell in ws[r]:
                cell.fill = OVERDUE_FILL


def _bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def programme_workbook(data: ReportData) -> bytes:
    """Sheets 目标完成, 月度进度, 乡镇进度, 任务清单, 招聘会日程."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "目标完成"
    board = data.board
    rows = []
    for metric in METRICS:
        m = board["metrics"][metric]
        rows.append(
            [
                m["label"],
                m["target"],
                m["actual"],
                m["progress"],
                m["forecast"],
                m["forecast_progress"],
                m["method_zh"],
            ]
        )
    _sheet(ws, ["指标", "年度目标", "累计完成", "完成率", "预计全年", "预计完成率", "预测方法"], rows)
    ws.append([])
    ws.append(safe_row(["年份", data.year, "截至", data.on]))
    monthly = wb.create_sheet("月度进度")
    headers = ["月份"]
    for metric in METRICS:
        label = board["metrics"][metric]["label"]
        headers += [f"{label}实际", f"{label}预测"]
    mrows = []
    for i in range(12):
        row: list[Any] = [f"{i + 1}月"]
        for metric in METRICS:
            row += [board["metrics"][metric]["monthly"][i], board["metrics"][metric]["monthly_forecast"][i]]
        mrows.append(row)
    _sheet(monthly, headers, mrows)
    towns = wb.create_sheet("乡镇进度")
    _sheet(
        towns,
        ["乡镇（园区）", "代码", "招聘会（场）", "就业意向（人）", "新增就业（人）"],
        [[t["name"], t["code"], t["fairs"], t["intentions"], t["new_jobs"]] for t in board["townships"]],
    )
    _tasks(wb.create_sheet("任务清单"), data.tasks)
    fairs = wb.create_sheet("招聘会日程")
    _sheet(
        fairs,
        ["日期", "类型", "主题", "名称", "场地", "状态", "展位", "求职者", "就业意向", "录用"],
        [
            [
                f["fair_date"],
                KIND_ZH[f["kind"]],
                THEME_ZH[f["theme"]],
                f["title"],
                f["venue"],
                f["status"],
                f["booths"],
                f["seekers"],
                f["intentions"],
                f["hires"],
            ]
            for f in data.fairs
        ],
    )
    return _bytes(wb)


def supervision_workbook(tasks: list[dict[str, Any]], *, on: date) -> bytes:
    """督查通报: one sheet of tasks, overdue first and shaded."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "督查通报"
    _tasks(ws, tasks)
    ws.append([])
    ws.append(safe_row(["通报日期", on]))
    return _bytes(wb)
