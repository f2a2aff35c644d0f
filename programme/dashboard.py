"""The bureau's targets against actuals by month and township, with a forecast to the year's end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from programme import queries as q
from programme.access import COUNTY_ROLES, outside_area, require
from programme.forecast import forecast_year
from registry.accounts.roles import Account

COUNTY = "341522000000"
METRICS = ("new_jobs", "fairs", "intentions")
METRIC_ZH = {"new_jobs": "新增就业（人）", "fairs": "招聘会（场）", "intentions": "达成就业意向（人）"}


@dataclass(frozen=True)
class Targets:
    """A year's targets for an area: new jobs, fairs, hiring intentions."""

    year: int
    new_jobs: int
    fairs: int
    intentions: int
    area_code: str = COUNTY


def set_targets(conn: Connection, account: Account | None, targets: Targets) -> Targets:
    """Store a year's targets (county staff; the CLI passes no account); InvalidInput for a negative one."""
    if account is not None:
        require(account, COUNTY_ROLES, "设定年度目标", "set the year's targets")
    if not 2000 <= targets.year <= 2100:
        raise InvalidInput(
            f"年份超出范围 the year must be between 2000 and 2100, got {targets.year}", field="year"
        )
    for metric in METRICS:
        value = getattr(targets, metric)
        if value < 0:
            raise InvalidInput(
                f"目标不能为负数：{METRIC_ZH[metric]} = {value} (a target cannot be below zero)", field=metric
            )
    params = {
        "year": targets.year,
        "area_code": targets.area_code,
        "new_jobs": targets.new_jobs,
        "fairs": targets.fairs,
        "intentions": targets.intentions,
    }
    with outside_area(f"区域 {targets.area_code} 不在您的辖区 area {targets.area_code} is outside yours"):
        with conn.begin_nested():
            conn.execute(q.UPSERT_TARGETS, params)
    return targets


def get_targets(conn: Connection, year: int, *, area_code: str = COUNTY) -> Targets | None:
    """The targets for the area if set, else the county's, else None."""
    row = conn.execute(q.TARGETS_FOR, {"year": year, "own": area_code, "county": COUNTY}).one_or_none()
    if row is None:
        return None
    return Targets(int(row.year), int(row.new_jobs), int(row.fairs), int(row.intentions), str(row.area_code))


SERIES = (*METRICS, "scheduled", "hires", "reported")


def _monthly(conn: Connection, year: int, on: date) -> dict[str, list[int]]:
    """Monthly series up to ``on``: fairs, intentions, hires at fairs, reported jobs; new jobs = both."""
    out = {m: [0] * 12 for m in SERIES}
    for r in conn.execute(q.MONTHLY, {"year": year, "on": on}).mappings():
        i = int(r["month"]) - 1
        out["fairs"][i], out["scheduled"][i] = int(r["fairs"]), int(r["scheduled"])
        out["intentions"][i], out["hires"][i] = int(r["intentions"]), int(r["new_jobs"])
    for r in conn.execute(q.REPORTED_MONTHLY, {"year": year, "on": on}).mappings():
        out["reported"][int(r["month"]) - 1] = int(r["new_jobs"])
    out["new_jobs"] = [h + r for h, r in zip(out["hires"], out["reported"], strict=True)]
    return out


def _townships(conn: Connection, year: int, on: date) -> list[dict[str, Any]]:
    """Fairs, intentions, hires and reported jobs per township up to ``on``, most new jobs first."""
    towns: dict[str, dict[str, Any]] = {}
    for r in conn.execute(q.BY_TOWNSHIP, {"year": year, "on": on}).mappings():
        towns[r["code"]] = {
            "code": r["code"],
            "name": r["name"],
            "fairs": int(r["fairs"]),
            "intentions": int(r["intentions"]),
            "hires": int(r["new_jobs"]),
            "reported": 0,
        }
    for r in conn.execute(q.REPORTED_BY_TOWNSHIP, {"year": year, "on": on}).mappings():
        town = towns.setdefault(
            r["code"],
            {"code": r["code"], "name": r["name"], "fairs": 0, "intentions": 0, "hires": 0, "reported": 0},
        )
        town["reported"] = int(r["new_jobs"])
    for town in towns.values():
        town["new_jobs"] = town["hires"] + town["reported"]
    return sorted(towns.values(), key=lambda t: (-t["new_jobs"], t["code"]))


def report_jobs(conn: Connection, account: Account | None, township: str, month: date, new_jobs: int) -> None:
    """Store a township's new jobs from other channels for a month (staff of that township or the county)."""
    if account is not None:
        require(account, COUNTY_ROLES | {"township_staff"}, "上报新增就业", "report new jobs")
    if conn.execute(q.TOWNSHIP_AREA, {"code": township}).scalar_one_or_none() is None:
        raise InvalidInput(f"{township} 不是乡镇（园区）代码 (not a township code)", field="township")
    if new_jobs < 0:
        raise InvalidInput(
            f"新增就业人数不能为负数 new jobs cannot be below zero, got {new_jobs}", field="new_jobs"
        )
    params = {
        "area_code": township,
        "month": month.replace(day=1),
        "new_jobs": new_jobs,
        "reported_by": account.account_id if account else None,
    }
    with outside_area(f"乡镇 {township} 不在您的辖区 township {township} is outside your area"):
        with conn.begin_nested():
            conn.execute(q.UPSERT_JOB_REPORT, params)


def _area_name(conn: Connection, code: str) -> str:
    name = conn.execute(q.AREA_NAME, {"code": code}).scalar_one_or_none()
    return str(name) if name else code


def targets_scope(conn: Connection, area_code: str, targets: Targets | None) -> dict[str, Any]:
    """Whose targets are shown next to whose actuals, with a sentence saying so (county targets are a fallback)."""
    area = _area_name(conn, area_code)
    if targets is None:
        return {
            "area_code": area_code,
            "area_name": area,
            "targets_area_code": None,
            "targets_area_name": None,
            "own_targets": False,
            "note_zh": f"{area}：本年度尚未设定目标",
            "note_en": "no targets set",
        }
    owner = _area_name(conn, targets.area_code)
    own = targets.area_code == area_code
    if own:
        note_zh, note_en = f"目标与完成均为{owner}", f"targets and actuals of {owner}"
    else:
        note_zh = f"{area}未设本级目标：目标为{owner}（全县）的目标，完成数为{area}的"
        note_en = (
            f"{area} has no targets of its own: the targets are {owner}'s (county), the actuals {area}'s"
        )
    return {
        "area_code": area_code,
        "area_name": area,
        "targets_area_code": targets.area_code,
        "targets_area_name": owner,
        "own_targets": own,
        "note_zh": note_zh,
        "note_en": note_en,
    }


def dashboard(conn: Connection, year: int, *, on: date, area_code: str = COUNTY) -> dict[str, Any]:
    """Targets, monthly and township actuals up to ``on``, and each metric's forecast to 31 December."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"年份超出范围 the year must be between 2000 and 2100, got {year}", field="year")
    day = min(on, date(year, 12, 31))
    monthly = _monthly(conn, year, day)  # a year not begun yet: nothing held, its calendar still scheduled
    last = _monthly(conn, year - 1, date(year - 1, 12, 31))
    targets = get_targets(conn, year, area_code=area_code)
    metrics: dict[str, Any] = {}
    for metric in METRICS:
        actual = sum(monthly[metric])
        if metric == "fairs":  # the calendar is known: held so far plus those still scheduled
            total = actual + sum(monthly["scheduled"])
            projected: list[float] = [
                float(a + s) for a, s in zip(monthly["fairs"], monthly["scheduled"], strict=True)
            ]
            method, method_zh = "calendar", "日程法：已举办场次 + 日程中尚未举办的场次"
        else:
            prior = last[metric] if sum(last[metric]) > 0 else None
            fc = forecast_year(monthly[metric], day, last_year=prior) if day >= date(year, 1, 1) else None
            total = round(fc.total) if fc else 0
            projected = [round(v, 1) for v in fc.monthly] if fc else [0.0] * 12
            method, method_zh = (fc.method, fc.method_zh) if fc else ("run_rate", "线性法")
        target = getattr(targets, metric) if targets else None
        metrics[metric] = {
            "label": METRIC_ZH[metric],
            "target": target,
            "actual": actual,
            "forecast": total,
            "progress": round(actual / target, 4) if target else None,
            "forecast_progress": round(total / target, 4) if target else None,
            "monthly": monthly[metric],
            "monthly_forecast": projected,
            "last_year": last[metric],
            "method": method,
            "method_zh": method_zh,
        }
    metrics["new_jobs"] |= {"hires_at_fairs": sum(monthly["hires"]), "reported": sum(monthly["reported"])}
    townships = _townships(conn, year, day)
    return {
        "year": year,
        "on": on.isoformat(),
        "area_code": area_code,
        "targets": None if targets is None else targets.__dict__,
        "metrics": metrics,
        "townships": townships,
        "scope": targets_scope(conn, area_code, targets),
    }
