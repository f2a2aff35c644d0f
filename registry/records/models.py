"""What a collector, township or enterprise states about a record (request bodies); checked in validate.py."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ResidentStatus = Literal[
    "employed_local", "working_away", "farming", "seeking", "student", "not_in_labour_force"
]
Datum = Literal["wgs84", "gcj02"]
AREA_CODE = r"^[0-9]{12}$"
INT4_MAX = 2**31 - 1  # integer columns: employees, wages
INT8_MAX = 2**63 - 1  # bigint ids


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class ResidentFields(_Body):
    """Fields of a resident record that may be changed (all optional: a PATCH sends only what changed)."""

    name: str | None = Field(None, min_length=1, max_length=40, description="姓名")
    id_number: str | None = Field(None, description="身份证号 (18 characters, GB 11643 check digit)")
    phone: str | None = Field(None, description="手机号")
    village_code: str | None = Field(None, pattern=AREA_CODE, description="村/社区代码")
    status: ResidentStatus | None = Field(None, description="就业状态 employment status")
    education: str | None = Field(None, max_length=40)
    occupation_code: str | None = Field(None, description="职业代码 (2022 classification), e.g. 6-18-01-01")
    work_city: str | None = Field(None, max_length=40, description="务工城市 where they work")
    wish_to_return: bool | None = Field(None, description="有返乡意愿")
    income_band: str | None = Field(None, max_length=40)
    household_address: str | None = Field(None, max_length=200, description="户籍地址")
    skills: list[str] | None = Field(None, max_length=20, description="技能")
    training_wishes: list[str] | None = Field(None, max_length=20, description="培训意愿")
    return_date: date | None = Field(None, description="返乡时间 when they returned / plan to return")
    employer: str | None = Field(None, max_length=100, description="工作单位")
    work_place: str | None = Field(None, max_length=200, description="工作地点")
    lon: float | None = Field(None, ge=-180, le=180, description="住址经度 home longitude (GPS)")
    lat: float | None = Field(None, ge=-90, le=90, description="住址纬度 home latitude (GPS)")
    datum: Datum = Field("wgs84", description="坐标系: wgs84, or gcj02 from AMap/WeChat phones")
    effective_date: date | None = Field(
        None, description="变动生效日期 when the change happened (default today)"
    )


class ResidentCreate(ResidentFields):
    """A new resident record: name, ID number, village and status are required."""

    name: str = Field(min_length=1, max_length=40, description="姓名")
    id_number: str = Field(description="身份证号")
    village_code: str = Field(pattern=AREA_CODE, description="村/社区代码")
    status: ResidentStatus = Field(description="就业状态 employment status")


class EnterpriseFields(_Body):
    """Fields of an enterprise record that may be changed."""

    name: str | None = Field(None, min_length=1, max_length=100)
    credit_code: str | None = Field(None, description="统一社会信用代码 (18 characters)")
    industry: str | None = Field(None, max_length=60)
    kind: str | None = Field(None, max_length=60)
    employees: int | None = Field(None, ge=0, le=INT4_MAX)
    contact_name: str | None = Field(None, max_length=40, description="联系人 contact person")
    contact_phone: str | None = Field(None, description="联系电话 contact mobile number (stored encrypted)")
    effective_date: date | None = None


class EnterpriseCreate(EnterpriseFields):
    """A new enterprise with its first site (a point inside the area)."""

    name: str = Field(min_length=1, max_length=100)
    area_code: str = Field(pattern=AREA_CODE, description="所在乡镇或村代码")
    lon: float = Field(ge=-180, le=180, description="经营场所经度")
    lat: float = Field(ge=-90, le=90, description="经营场所纬度")
    datum: Datum = "wgs84"


class VacancyFields(_Body):
    """Fields of a vacancy that may be changed."""

    title: str | None = Field(None, min_length=1, max_length=100)
    occupation_code: str | None = None
    positions: int | None = Field(None, gt=0, le=10000)
    wage_min: int | None = Field(None, ge=0, le=INT4_MAX)
    wage_max: int | None = Field(None, ge=0, le=INT4_MAX)
    full_time: bool | None = None
    valid_until: date | None = None
    effective_date: date | None = None


class VacancyCreate(VacancyFields):
    """A new vacancy at one of the enterprise's own sites."""

    site_id: int = Field(ge=1, le=INT8_MAX)
    title: str = Field(min_length=1, max_length=100)
    occupation_code: str
    positions: int = Field(gt=0, le=10000)
    full_time: bool = True


class VacancyClose(_Body):
    """Why a vacancy is closed (filled, withdrawn …), kept in its history."""

    reason: str = Field("", max_length=500, description="关闭原因 e.g. 已招满 filled")
    effective_date: date | None = None


class ReviewDecision(_Body):
    """A reviewer's decision: approve, or return with a reason."""

    decision: Literal["approve", "return"]
    reason: str = Field("", max_length=500, description="退回原因 (required to return)")
