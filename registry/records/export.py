"""The labour-supply export (Excel) of the caller's area: masked by default, unmasked only for allowed roles."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import Connection

from geo.core.errors import InvalidInput, PermissionDenied
from registry.accounts.roles import Account
from registry.intake.specs.residents import INCOME_LABELS, STATUS_LABELS
from registry.personal import PersonalDataCipher, mask_id, mask_name, mask_phone
from registry.records import queries as q
from registry.records.residents import require_unmasked
from registry.spreadsheet import safe_row, safe_value

MAX_EXPORT_ROWS = 200_000
HEADERS = (
    "姓名",
    "身份证号",
    "手机号",
    "性别",
    "出生年份",
    "村/社区代码",
    "村/社区",
    "就业状态",
    "学历",
    "职业代码",
    "务工城市",
    "有意返乡",
    "月收入",
    "审核状态",
    "更新时间",
)
STATUS_NAMES = {code: label for label, code in STATUS_LABELS.items()}
INCOME_NAMES = {code: label for label, code in INCOME_LABELS.items()}
RECORD_STATUS_NAMES = {
    "draft": "草稿",
    "submitted": "待乡镇审核",
    "township_approved": "待县审核",
    "approved": "已审核",
    "returned": "已退回",
}


def check_export(account: Account, *, unmasked: bool) -> None:
    """PermissionDenied unless the account may export residents, and see them unmasked if it asks."""
    if unmasked:  # first: a refused unmasked request is audited
        require_unmasked(account)
    if account.role in ("enterprise_hr", "job_seeker"):
        raise PermissionDenied(f"居民数据只能由县、乡镇、村工作人员导出；您的角色是 {account.role}")


def _row(r: Any, account: Account, cipher: PersonalDataCipher, unmasked: bool) -> list[Any]:
    id_number = cipher.decrypt(bytes(r.id_cipher))
    phone = cipher.decrypt(bytes(r.phone_cipher)) if r.phone_cipher is not None else None
    return [
        r.name if unmasked or account.sees_names else mask_name(r.name),
        id_number if unmasked else mask_id(id_number),
        (phone if unmasked else mask_phone(phone)) if phone else "",
        "男" if r.sex == "M" else "女",
        r.birth_date.year,
        r.village_code,
        r.village_name,
        STATUS_NAMES.get(r.status, r.status),
        r.education,
        r.occupation_code or "",
        r.work_city or "",
        "是" if r.wish_to_return else "否",
        INCOME_NAMES.get(r.income_band, r.income_band),
        RECORD_STATUS_NAMES.get(r.record_status, r.record_status),
        r.updated_at.strftime("%Y-%m-%d %H:%M"),
    ]


def residents_workbook(
    conn: Connection,
    account: Account,
    *,
    cipher: PersonalDataCipher,
    village: str | None = None,
    unmasked: bool = False,
) -> tuple[bytes, int]:
    """The residents the scoped transaction can see (optionally one village) as .xlsx, and their count."""
    check_export(account, unmasked=unmasked)
    total = int(conn.execute(q.COUNT_RESIDENTS_FOR_EXPORT, {"village": village}).scalar_one())
    if total > MAX_EXPORT_ROWS:
        raise InvalidInput(
            f"导出 {total} 行，超过单次上限 {MAX_EXPORT_ROWS} 行：请按村/社区导出（village=村代码）",
            field="village",
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(ws, value=safe_value(title))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in conn.execute(q.RESIDENTS_FOR_EXPORT, {"village": village}):
        ws.append(safe_row(_row(r, account, cipher, unmasked)))
    note = wb.create_sheet("说明")
    note.append(safe_row(["霍邱县人力资源供给库 · 居民导出"]))
    masking = "身份证号、手机号未脱敏，请按规定保管" if unmasked else "身份证号、手机号已脱敏"
    note.append(safe_row([f"共 {total} 人；{masking}"]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), total
