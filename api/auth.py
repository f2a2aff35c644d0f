"""Authentication and scoped connections for FastAPI: bearer token → account → transaction under its scope.

The scoped transaction runs on the app engine (role hongyan_web: no superuser, no BYPASSRLS), never on the
migration/analytics engine, so PostgreSQL's row-level policies decide which rows a request can touch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SettingsDep
from geo.errors import PermissionDenied
from geo.scope import assert_unprivileged
from registry.accounts.audit import audit_refused
from registry.accounts.auth import AuthenticationFailed, authenticate
from registry.accounts.roles import ACCOUNT_ADMIN_ROLES, Account, UnmaskRefused
from registry.personal import PersonalDataCipher

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False, description="the token from POST /api/v1/auth/login")


def get_app_engine(request: Request) -> Engine:
    """The RLS-bound engine; on first use it checks that its role cannot bypass row-level security."""
    engine: Engine = request.app.state.app_engine
    if not getattr(request.app.state, "app_role_checked", False):
        assert_unprivileged(engine)
        request.app.state.app_role_checked = True
    return engine


def get_cipher(settings: SettingsDep) -> PersonalDataCipher:
    """The cipher for personal data, keyed by HONGYAN_SECRET_KEY."""
    return PersonalDataCipher(settings.secret_key)


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (empty when unknown)."""
    return request.client.host if request.client else ""


def bearer_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The bearer token of the request; AuthenticationFailed when there is none."""
    if credentials is None or not credentials.credentials:
        raise AuthenticationFailed(
            "not logged in: send Authorization: Bearer <token> from /api/v1/auth/login"
        )
    return credentials.credentials


def app_transaction(engine: Annotated[Engine, Depends(get_app_engine)]) -> Iterator[Connection]:
    """One transaction of the request on the app engine, committed when the request succeeds."""
    with engine.begin() as conn:
        yield conn


def current_account(
    conn: Annotated[Connection, Depends(app_transaction)], token: Annotated[str, Depends(bearer_token)]
) -> Account:
    """The logged-in account; its scope is set on the request's transaction."""
    return authenticate(conn, token)


def scoped_connection(
    conn: Annotated[Connection, Depends(app_transaction)],
    account: Annotated[Account, Depends(current_account)],
) -> Connection:
    """The request's transaction, already scoped to the current account (see current_account)."""
    assert account.account_id > 0
    return conn


def admin_account(account: Annotated[Account, Depends(current_account)]) -> Account:
    """The current account if it may manage accounts; PermissionDenied otherwise."""
    if account.role not in ACCOUNT_ADMIN_ROLES:
        raise PermissionDenied(f"only a county administrator may do this; you are {account.role}")
    return account


AppEngine = Annotated[Engine, Depends(get_app_engine)]
Cipher = Annotated[PersonalDataCipher, Depends(get_cipher)]
BearerToken = Annotated[str, Depends(bearer_token)]
CurrentAccount = Annotated[Account, Depends(current_account)]
AdminAccount = Annotated[Account, Depends(admin_account)]
ScopedConnection = Annotated[Connection, Depends(scoped_connection)]


def install_auth_handlers(app: FastAPI) -> None:
    """Answer AuthenticationFailed with 401 and a Bearer challenge; audit and answer a refused unmasked
    request with 403 (other errors: api.errors)."""

    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AuthenticationFailed)
        return JSONResponse(
            status_code=401,
            content={"detail": exc.message, "error": type(exc).__name__},
            headers={"WWW-Authenticate": "Bearer"},
        )

    app.add_exception_handler(AuthenticationFailed, handle)

    def refused(request: Request, exc: Exception) -> JSONResponse:
        # the request's transaction is rolled back: the entry is written in one of its own
        assert isinstance(exc, UnmaskRefused)
        query = unquote(request.url.query)
        asked = f"{request.method} {request.url.path}" + (f"?{query}" if query else "")
        try:
            audit_refused(
                request.app.state.app_engine,
                exc.account,
                "unmasked.refused",
                target=asked,
                source=client_address(request),
            )
        except SQLAlchemyError:
            log.exception("could not audit the refused request of account %s", exc.account.account_id)
        return JSONResponse(status_code=403, content={"detail": exc.message, "error": type(exc).__name__})

    app.add_exception_handler(UnmaskRefused, refused)
