"""Accounts API: login, logout, who am I, and account creation by the county administrator."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, Field

from api.auth import (
    AdminAccount,
    AppEngine,
    BearerToken,
    Cipher,
    CurrentAccount,
    ScopedConnection,
    clear_session_cookie,
    client_address,
)
from api.types import Id
from registry.accounts.auth import audit, log_in, log_out
from registry.accounts.roles import Account
from registry.accounts.store import NewAccount, create_account

router = APIRouter(prefix="/api/v1", tags=["accounts"])
log = logging.getLogger(__name__)


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
    role: str
    area: str | None = Field(default=None, description="12-digit area code (staff roles)")
    enterprise_id: Id | None = None
    resident_id: Id | None = None
    password: str


def account_json(account: Account) -> dict[str, Any]:
    """An account as the API shows it (no phone, no ID number)."""
    return {
        "account_id": account.account_id,
        "username": account.username,
        "name": account.name,
        "role": account.role,
        "area_code": account.area_code,
        "enterprise_id": account.enterprise_id,
        "resident_id": account.resident_id,
    }


@router.post(
    "/auth/login",
    operation_id="login",
    responses={
        401: {"description": "用户名/手机号或密码错误 (the same answer for every refused login)"},
        429: {"description": "尝试次数过多 too many failed attempts: wait as long as Retry-After says"},
    },
)
def login(body: LoginBody, request: Request, engine: AppEngine, cipher: Cipher) -> dict[str, Any]:
    """登录 Log in with username or phone and password: a bearer token and its expiry."""
    issued = log_in(engine, body.login, body.password, cipher=cipher, source=client_address(request))
    log.info("login ok: account %s from %s", issued.account.account_id, client_address(request))
    return {
        "token": issued.token,
        "token_type": "bearer",
        "expires_at": issued.expires_at.isoformat(),
        "account": account_json(issued.account),
    }


@router.post("/auth/logout", operation_id="logout")
def logout(conn: ScopedConnection, token: BearerToken, response: Response) -> dict[str, str]:
    """退出 Log out: the token stops working (a page's session cookie is cleared too)."""
    log_out(conn, token)
    clear_session_cookie(response)
    return {"status": "logged out"}


@router.get("/auth/me", operation_id="me")
def me(account: CurrentAccount) -> dict[str, Any]:
    """当前账号 The logged-in account."""
    return account_json(account)


@router.post("/accounts", operation_id="create_account", status_code=201)
def new_account(
    body: Annotated[AccountBody, Body()],
    request: Request,
    admin: AdminAccount,
    conn: ScopedConnection,
    cipher: Cipher,
) -> dict[str, Any]:
    """新建账号 Create an account (county administrator only, inside the administrator's area)."""
    new = NewAccount(
        body.username,
        body.name,
        body.phone,
        body.id_number,
        body.role,
        body.area,
        body.enterprise_id,
        body.resident_id,
    )
    account = create_account(conn, new, body.password, cipher=cipher)
    audit(
        conn, admin, "account.create", target=f"account:{account.account_id}", source=client_address(request)
    )
    log.info("account %s (%s) created by account %s", account.account_id, account.role, admin.account_id)
    return account_json(account)
