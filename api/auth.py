"""Authentication and scoped connections for FastAPI: bearer token or page cookie → account → scoped transaction.

The scoped transaction runs on the app engine (role hongyan_web: no superuser, no BYPASSRLS), never on the
migration/analytics engine, so PostgreSQL's row-level policies decide which rows a request can touch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from api.deps import SettingsDep
from geo.core.errors import PermissionDenied
from geo.core.scope import assert_unprivileged
from geo.core.settings import Settings
from registry.accounts.auth import AuthenticationFailed, authenticate
from registry.accounts.page_sessions import SessionIdle, check_csrf, touch_page_session
from registry.accounts.roles import ACCOUNT_ADMIN_ROLES, Account
from registry.personal import PersonalDataCipher

SESSION_COOKIE = "hongyan_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(auto_error=False, description="the token from POST /api/v1/auth/login (programs)")
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="the pages' HttpOnly session from POST /api/v1/auth/session; writes need X-CSRF-Token",
)


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


def _page_cookie(request: Request, settings: Settings, cookie: str) -> bool:
    """Check a write's CSRF token and record the use of the cookie session; True if it is live.

    A browser sends the cookie on its own, so a state-changing request it authenticates must also carry the
    session's CSRF token, which only our own page can know. SessionIdle when it went unused for too long.
    """
    if request.method not in SAFE_METHODS:
        check_csrf(settings.secret_key, cookie, request.headers.get(CSRF_HEADER))
    return touch_page_session(get_app_engine(request), cookie, idle_minutes=settings.session_idle_minutes)


def session_token(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cookie: Annotated[str | None, Depends(session_cookie)],
) -> str | None:
    """The request's session token: the bearer header's, else the page cookie's (None when neither)."""
    if credentials is not None and credentials.credentials:
        return credentials.credentials
    if not cookie:
        return None
    _page_cookie(request, settings, cookie)  # a dead session is refused by authenticate() with its reason
    return cookie


def optional_token(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cookie: Annotated[str | None, Depends(session_cookie)],
) -> str | None:
    """As session_token, for public routes: a dead or idle cookie counts as anonymous, not as a failed login.

    The browser sends the cookie to every page of the site, the public map included.
    """
    if credentials is not None and credentials.credentials:
        return credentials.credentials
    if not cookie:
        return None
    try:
        return cookie if _page_cookie(request, settings, cookie) else None
    except SessionIdle:
        return None


def clear_session_cookie(response: Response) -> None:
    """Tell the browser to drop the session cookie (same name, path and flags as when it was set)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def bearer_token(token: Annotated[str | None, Depends(session_token)]) -> str:
    """The session token of the request (bearer header or page cookie); AuthenticationFailed when none."""
    if token is None:
        raise AuthenticationFailed(
            "未登录：请先登录（not logged in: send Authorization: Bearer <token> from /api/v1/auth/login, "
            "or log in on the page）"
        )
    return token


def app_transaction(engine: Annotated[Engine, Depends(get_app_engine)]) -> Iterator[Connection]:
    """One transaction of the request on the app engine, committed when the request succeeds."""
    with engine.begin() as conn:
        yield conn


# Parameter order matters below: FastAPI resolves dependencies in order, and the token (whose cookie check
# borrows an app connection for a moment) must be resolved before the request's transaction holds one, or
# a full pool could leave every request waiting for a second connection.
def current_account(
    token: Annotated[str, Depends(bearer_token)],
    conn: Annotated[Connection, Depends(app_transaction, scope="function")],
) -> Account:
    """The logged-in account; its scope is set on the request's transaction."""
    return authenticate(conn, token)


def scoped_connection(
    account: Annotated[Account, Depends(current_account)],
    conn: Annotated[Connection, Depends(app_transaction, scope="function")],
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
OptionalToken = Annotated[str | None, Depends(optional_token)]
CurrentAccount = Annotated[Account, Depends(current_account)]
AdminAccount = Annotated[Account, Depends(admin_account)]
ScopedConnection = Annotated[Connection, Depends(scoped_connection)]
