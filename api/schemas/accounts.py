"""Accounts and sessions: logging in (token or page cookie), who am I, new accounts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import one_of
from api.types import Id
from registry.accounts.roles import ROLES, Role


class LoginBody(BaseModel):
    """Username or mobile number, and password."""

    login: str = Field(min_length=1, max_length=64, description="用户名或手机号 username or phone")
    password: str = Field(min_length=1, max_length=256)


class AccountBody(BaseModel):
    """A new real-name account."""

    username: str
    name: str = Field(description="真实姓名 real name")
    phone: str = Field(description="手机号 mobile number")
    id_number: str = Field(description="身份证号 ID number")
    role: str = one_of(ROLES, "角色 role")
    area: str | None = Field(default=None, description="12-digit area code (staff roles)")
    enterprise_id: Id | None = None
    resident_id: Id | None = None
    password: str


class AccountOut(BaseModel):
    """An account as the API shows it (no phone, no ID number)."""

    account_id: int
    username: str
    name: str
    role: Role
    area_code: str | None
    enterprise_id: int | None
    resident_id: int | None


class TokenOut(BaseModel):
    """A bearer token for programs, and its account."""

    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: str = Field(description="ISO 8601 时间 when the token stops working")
    account: AccountOut


class LoggedOut(BaseModel):
    status: Literal["logged out"] = "logged out"


class PageSession(BaseModel):
    """The page's session: its account and the CSRF token its writes send (both null when not logged in)."""

    account: AccountOut | None
    csrf_token: str | None
    idle_minutes: int = Field(description="闲置多少分钟后退出 minutes of idleness before the session ends")


class PageLogin(PageSession):
    account: AccountOut
    csrf_token: str
    expires_at: str
