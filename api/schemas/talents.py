"""Talents (创新创业人才库): the bodies staff send and the masked records they get back."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, Field, model_validator

from api.schemas.common import Body, Deleted, items_of, one_of
from geo.core.errors import InvalidInput
from registry.talents.models import KINDS, NEEDS, STAGES


class ProjectIn(Body):
    """A talent's project as written (the stage and needs are checked with the domain's messages)."""

    what: ClassVar[str] = "project"
    name: str = Field(description="项目名称 the project's name")
    stage: str = one_of(STAGES, "阶段 stage")
    industry: str | None = None
    investment_wan: float | str | None = Field(
        default=None, description="投资额（万元） investment, 10k yuan"
    )
    jobs_created: int | None = Field(default=None, description="带动就业人数 jobs created")
    needs: list[str] | str | None = Field(
        default=None,
        description=f"需求 needs, among {'、'.join(NEEDS)}",
        json_schema_extra=items_of(NEEDS),
    )
    park_code: str | None = Field(default=None, description="园区代码 the park's 12-digit code")
    description: str | None = None


class ProjectPatch(ProjectIn):
    """Some fields of a project; the rest keep their stored values."""

    name: str = ""
    stage: str = one_of(STAGES, "阶段 stage", default="")


class TalentFields(Body):
    """The fields of a talent both a new record and a change may carry."""

    what: ClassVar[str] = "talent"
    kind: str = one_of(KINDS, "类别 kind", default="")
    name: str = Field(default="", description="姓名 name")
    village_code: str = Field(default="", description="村/社区代码 the village's 12-digit code")
    phone: str | None = Field(default=None, description="手机号 mobile number")
    education: str | None = None
    title: str | None = None
    skills: list[str] | str | None = None
    certificates: list[str] | str | None = None
    industry: str | None = None
    returned_on: date | None = Field(default=None, description="返乡日期 the day a returnee came home")
    returned_from: str | None = None


class TalentIn(TalentFields):
    """A new talent and their projects."""

    kind: str = one_of(KINDS, "类别 kind")
    name: str = Field(description="姓名 name")
    id_number: str = Field(description="身份证号 the 18-character ID number (GB 11643)")
    village_code: str = Field(description="村/社区代码 the village's 12-digit code")
    projects: list[ProjectIn] | None = None


class TalentPatch(TalentFields):
    """Some fields of a talent; the ID number never changes."""

    @model_validator(mode="before")
    @classmethod
    def _keeps_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and "id_number" in data:
            raise InvalidInput("身份证号不可修改 the ID number of a talent cannot change", field="id_number")
        return data


class ProjectOut(BaseModel):
    project_id: int
    name: str
    industry: str
    stage: str = one_of(STAGES)
    stage_label: str
    investment_wan: float
    jobs_created: int
    needs: list[str]
    park_code: str | None
    park_name: str | None
    description: str


class TalentOut(BaseModel):
    """One talent as staff see them: ID number and phone masked, the name too unless the role sees names."""

    talent_id: int
    kind: str = one_of(KINDS)
    kind_label: str
    name: str
    sex: str | None
    birth_year: int
    id_number: str
    phone: str | None
    resident_id: int | None
    village_code: str
    village_name: str | None
    area_code: str
    township_name: str | None
    education: str
    title: str
    skills: list[str]
    certificates: list[str]
    industry: str
    returned_on: str | None
    returned_from: str
    projects: list[ProjectOut]


class TalentList(BaseModel):
    talents: list[TalentOut]
    count: int
    total: int
    limit: int
    offset: int


class KindCount(BaseModel):
    kind: str
    label: str
    count: int


class TownshipCount(BaseModel):
    code: str
    name: str | None
    count: int


class IndustryCount(BaseModel):
    industry: str
    projects: int
    jobs_created: int
    investment_wan: float


class NeedCount(BaseModel):
    need: str
    projects: int


class TalentStats(BaseModel):
    talents: int
    projects: int
    jobs_created: int
    investment_wan: float
    by_kind: list[KindCount]
    by_township: list[TownshipCount]
    by_industry: list[IndustryCount]
    by_need: list[NeedCount]
    area_code: str


class TalentDeleted(Deleted):
    talent_id: int


class ProjectDeleted(Deleted):
    project_id: int
