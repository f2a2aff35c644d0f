"""Page sessions: log in into an HttpOnly cookie, read the account and its CSRF token back, log out.

Programs keep using POST /api/v1/auth/login and a bearer token; the pages never see a session token.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from api.auth import (
    SESSION_COOKIE,
    AppEngine,
    BearerToken,
    Cipher,
    OptionalToken,
    ScopedConnection,
    clear_session_cookie,
    client_address,
)
from api.deps import SettingsDep
from api.errors import raises
from api.routes.accounts import account_json
from api.schemas.accounts import LoggedOut, LoginBody, PageLogin, PageSession
from geo.core.errors import TooManyAttempts
from geo.core.settings import Settings
from registry.accounts.auth import AuthenticationFailed, authenticate, log_in, log_out
from registry.accounts.page_sessions import csrf_token
from registry.accounts.roles import Account

router = APIRouter(prefix="/api/v1/auth", tags=["accounts"])
log = logging.getLogger(__name__)

NO_STORE = {"Cache-Control": "no-store"}


def _session_json(account: Account, token: str, settings: Settings) -> PageSession:
    return PageSession(
        account=account_json(account),
        csrf_token=csrf_token(settings.secret_key, token),
        idle_minutes=settings.session_idle_minutes,
    )


@router.post(
    "/session",
    operation_id="page_login",
    response_model=PageLogin,
    responses=raises(AuthenticationFailed, TooManyAttempts),
)
def page_login(
    body: LoginBody,
    request: Request,
    response: Response,
    engine: AppEngine,
    cipher: Cipher,
    settings: SettingsDep,
) -> PageLogin:
    """页面登录 Log in for the pages: the session goes into an HttpOnly cookie; the answer holds the CSRF token."""
    issued = log_in(engine, body.login, body.password, cipher=cipher, source=client_address(request))
    lifetime = int((issued.expires_at - datetime.now(UTC)).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=max(lifetime, 0),
        path="/",
        secure=settings.cookie_secure or request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    response.headers.update(NO_STORE)
    log.info("page login ok: account %s from %s", issued.account.account_id, client_address(request))
    session = _session_json(issued.account, issued.token, settings)
    return PageLogin.model_validate(session.model_dump() | {"expires_at": issued.expires_at.isoformat()})


@router.get("/session", operation_id="page_session", response_model=PageSession)
def page_session(
    token: OptionalToken, engine: AppEngine, response: Response, settings: SettingsDep
) -> PageSession:
    """当前页面会话 The logged-in account and the CSRF token its writes must send (a reloaded page continues).

    Not logged in (no cookie, or one logged out, expired or idle): account and csrf_token are null, with 200,
    so that a page opened before login does not count as a failed request.
    """
    response.headers.update(NO_STORE)
    if token is not None:
        try:
            with engine.begin() as conn:
                return _session_json(authenticate(conn, token), token, settings)
        except AuthenticationFailed:
            pass
    return PageSession(account=None, csrf_token=None, idle_minutes=settings.session_idle_minutes)


@router.delete("/session", operation_id="page_logout", response_model=LoggedOut)
def page_logout(conn: ScopedConnection, token: BearerToken, response: Response) -> LoggedOut:
    """页面退出 Log out of the page session: the session is revoked and the cookie cleared."""
    log_out(conn, token)
    clear_session_cookie(response)
    return LoggedOut()
