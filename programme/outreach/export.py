"""The targeted list as an Excel workbook for the outreach teams: people, the positions and projects at home."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from registry.spreadsheet import safe_row, safe_value

PEOPLE_SHEET = "外出人员"
POSITIONS_SHEET = "家乡岗位"
PROJECTS_SHEET = "创业项目用工"
PEOPLE_COLUMNS = (
    ("resident_id", "编号"),
    ("name", "姓名"),
    ("sex", "性别"),
    ("birth_year", "出生年"),
    ("village_name", "村（社区）"),
    ("village_code", "村代码"),
    ("occupation_code", "职业代码"),
    ("occupation_name", "职业"),
    ("work_city", "务工城市"),
    ("wish_to_return", "返乡意愿"),
    ("phone", "手机号"),
    ("home_positions", "家乡同职业岗位数"),
    ("last_contacted_at", "最近联系"),
    ("last_outcome", "联系结果"),
    ("follow_up_on", "下次跟进"),
)
POSITION_COLUMNS = (
    ("vacancy_id", "岗位编号"),
    ("title", "岗位"),
    ("occupation_code", "职业代码"),
    ("occupation_name", "职业"),
    ("positions", "人数"),
    ("wage_min", "最低月薪"),
    ("wage_max", "最高月薪"),
    ("area_name", "所在地"),
    ("enterprise_name", "企业"),
)

PROJECT_COLUMNS = (
    ("project_id", "项目编号"),
    ("name", "项目"),
    ("industry", "行业"),
    ("stage_name", "阶段"),
    ("jobs_created", "已带动就业"),
    ("area_name", "所在地"),
    ("talent_name", "负责人"),
    ("talent_kind", "人才类别"),
)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return safe_value(value)


def _sheet(
    wb: Workbook, title: str, columns: tuple[tuple[str, str], ...], rows: list[dict[str, Any]]
) -> None:
    ws = wb.create_sheet(title)
    ws.append(safe_row(label for _, label in columns))
    for row in rows:
        ws.append([_cell(row.get(key)) for key, _ in columns])
    ws.freeze_panes = "A2"
    for i, (_, label) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(label) + 2)


def workbook_bytes(target: dict[str, Any]) -> bytes:
    """An .xlsx of a targeted list (outreach.targets.targeted_list) with a header sheet per table."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "说明"
    info.append(safe_row(["鸿雁回归 定向名单"]))
    info.append(safe_row(["务工城市", target["city"]]))
    info.append(safe_row(["职业", target["trade"] or "全部"]))
    info.append(safe_row(["仅有返乡意愿", "是" if target["wish_to_return"] else "否"]))
    info.append(safe_row(["人数", len(target["people"])]))
    info.append(safe_row(["家乡同职业在招岗位", target["open_positions"]]))
    info.append(safe_row(["返乡创业项目需用工", len(target["projects"])]))
    info.append(safe_row(["个人信息", "已脱敏" if target["masked"] else "未脱敏：仅限工作使用，严禁外传"]))
    _sheet(wb, PEOPLE_SHEET, PEOPLE_COLUMNS, target["people"])
    _sheet(wb, POSITIONS_SHEET, POSITION_COLUMNS, target["positions"])
    _sheet(wb, PROJECTS_SHEET, PROJECT_COLUMNS, target["projects"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
