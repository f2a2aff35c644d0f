"""Accounts API: login, logout, who am I, and account creation by the county administrator."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

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
from api.errors import raises
from api.schemas.accounts import AccountBody, AccountOut, LoggedOut, LoginBody, TokenOut
from geo.core.errors import Conflict, TooManyAttempts
from registry.accounts.auth import AuthenticationFailed, audit, log_in, log_out
from registry.accounts.roles import Account
from registry.accounts.store import NewAccount, create_account

router = APIRouter(prefix="/api/v1", tags=["accounts"])
log = logging.getLogger(__name__)


def account_json(account: Account) -> AccountOut:
    """An account as the API shows it (no phone, no ID number)."""
    return AccountOut.model_validate(
        {
            "account_id": account.account_id,
            "username": account.username,
            "name": account.name,
            "role": account.role,
            "area_code": account.area_code,
            "enterprise_id": account.enterprise_id,
            "resident_id": account.resident_id,
        }
    )


@router.post(
    "/auth/login",
    operation_id="login",
    response_model=TokenOut,
    responses=raises(AuthenticationFailed, TooManyAttempts),
)
def login(body: LoginBody, request: Request, engine: AppEngine, cipher: Cipher) -> TokenOut:
    """登录 Log in with username or phone and password: a bearer token and its expiry."""
    issued = log_in(engine, body.login, body.password, cipher=cipher, source=client_address(request))
    log.info("login ok: account %s from %s", issued.account.account_id, client_address(request))
    return TokenOut(
        token=issued.token, expires_at=issued.expires_at.isoformat(), account=account_json(issued.account)
    )


@router.post("/auth/logout", operation_id="logout", response_model=LoggedOut)
def logout(conn: ScopedConnection, token: BearerToken, response: Response) -> LoggedOut:
    """退出 Log out: the token stops working (a page's session cookie is cleared too)."""
    log_out(conn, token)
    clear_session_cookie(response)
    return LoggedOut()


@router.get("/auth/me", operation_id="me", response_model=AccountOut)
def me(account: CurrentAccount) -> AccountOut:
    """当前账号 The logged-in account."""
    return account_json(account)


@router.post(
    "/accounts",
    operation_id="create_account",
    status_code=201,
    response_model=AccountOut,
    responses=raises(Conflict),
)
def new_account(
    body: Annotated[AccountBody, Body()],
    request: Request,
    admin: AdminAccount,
    conn: ScopedConnection,
    cipher: Cipher,
) -> AccountOut:
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
