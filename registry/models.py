"""ORM models of the registry tables (schema owned by the migrations)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.db import Base


class Occupation(Base):
    """An occupation of the 2022 national classification (国家职业分类大典)."""

    __tablename__ = "occupations"
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(Text, ForeignKey("occupations.code"))


class Enterprise(Base):
    """An employer (企业) with its unified social credit code."""

    __tablename__ = "enterprises"
    enterprise_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(Text)
    industry: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(Text, default="")
    employees: Mapped[int] = mapped_column(Integer, default=0)
    area_code: Mapped[str] = mapped_column(String(12), ForeignKey("admin_areas.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record_status: Mapped[str] = mapped_column(Text, default="approved")
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    first_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_name: Mapped[str | None] = mapped_column(Text)
    approved_industry: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(Text, default="")
    contact_phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)


class EnterpriseSite(Base):
    """A place where an enterprise employs people."""

    __tablename__ = "enterprise_sites"
    site_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("enterprises.enterprise_id"))
    name: Mapped[str] = mapped_column(Text, default="")
    area_code: Mapped[str] = mapped_column(String(12), ForeignKey("admin_areas.code"))
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))


class Vacancy(Base):
    """Open positions of one occupation at one site."""

    __tablename__ = "vacancies"
    vacancy_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("enterprises.enterprise_id"))
    site_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("enterprise_sites.site_id"))
    title: Mapped[str] = mapped_column(Text)
    occupation_code: Mapped[str] = mapped_column(Text, ForeignKey("occupations.code"))
    positions: Mapped[int] = mapped_column(Integer)
    wage_min: Mapped[int | None] = mapped_column(Integer)
    wage_max: Mapped[int | None] = mapped_column(Integer)
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(Text, default="open")
    valid_until: Mapped[date | None] = mapped_column(Date)
    area_code: Mapped[str] = mapped_column(String(12), ForeignKey("admin_areas.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    # stated requirements, the only hard filters of matching (migration 0009_matching)
    min_age: Mapped[int | None] = mapped_column(SmallInteger)
    max_age: Mapped[int | None] = mapped_column(SmallInteger)
    required_certificates: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)


class Resident(Base):
    """A person aged 16–65 in the labour-supply database; ID number and phone only encrypted."""

    __tablename__ = "residents"
    resident_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    id_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    name: Mapped[str] = mapped_column(Text)
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    village_code: Mapped[str] = mapped_column(String(12), ForeignKey("admin_areas.code"))
    area_code: Mapped[str] = mapped_column(String(12), ForeignKey("admin_areas.code"))
    education: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(Text)
    occupation_code: Mapped[str | None] = mapped_column(Text, ForeignKey("occupations.code"))
    work_city: Mapped[str | None] = mapped_column(Text)
    wish_to_return: Mapped[bool] = mapped_column(Boolean, default=False)
    income_band: Mapped[str] = mapped_column(Text, default="")
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record_status: Mapped[str] = mapped_column(Text, default="approved")
    household_address: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    training_wishes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    return_date: Mapped[date | None] = mapped_column(Date)
    employer: Mapped[str] = mapped_column(Text, default="")
    work_place: Mapped[str] = mapped_column(Text, default="")
    location_source: Mapped[str] = mapped_column(Text, default="village_centroid")
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    # what matching scores against (migration 0009_matching)
    expected_wage: Mapped[int | None] = mapped_column(Integer)
    certificates: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    training_codes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)


class Policy(Base):
    """An employment or entrepreneurship policy with structured eligibility (registry/policies)."""

    __tablename__ = "policies"
    policy_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text, default="其他")
    summary: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[str] = mapped_column(Text, default="")
    contact_unit: Mapped[str] = mapped_column(Text, default="")
    contact_phone: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    area_code: Mapped[str] = mapped_column(String(12), default="341522000000")
    applicants: Mapped[list[str]] = mapped_column(ARRAY(Text))
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    statuses: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    returnee: Mapped[bool | None] = mapped_column(Boolean)
    educations: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    enterprise_kinds: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    max_employees: Mapped[int | None] = mapped_column(Integer)
    townships: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    search_tsv: Mapped[Any] = mapped_column(TSVECTOR)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
