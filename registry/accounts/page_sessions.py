"""Page sessions: the CSRF token bound to a session, and idle expiry of sessions carried in a cookie.

The staff pages hold their session token only in an HttpOnly cookie, so script cannot read it; a request the
cookie authenticates must also prove it comes from our own page by sending the CSRF token, which the server
derives from the session (HMAC-SHA256 of the token's hash under a key derived from HONGYAN_SECRET_KEY) and
never stores.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine

from geo.core.errors import PermissionDenied
from geo.core.scope import set_lookup
from registry.accounts import queries as q
from registry.accounts.auth import AuthenticationFailed, token_hash

TOUCH_STEP_SECONDS = 10  # last_used_at is written at most this often per session


class CsrfRefused(PermissionDenied):
    """A state-changing request authenticated by the session cookie came without the session's CSRF token."""


class SessionIdle(AuthenticationFailed):
    """A page session was not used for longer than the idle limit."""


@lru_cache(maxsize=4)
def _csrf_key(secret_key: str) -> bytes:
    """A key for CSRF tokens only, derived from the master secret (never the personal-data keys)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hongyan/csrf", info=b"csrf-token").derive(
        secret_key.encode("utf-8")
    )


def csrf_token(secret_key: str, session_token: str) -> str:
    """The CSRF token of a session: hex HMAC-SHA256 of the session token's hash."""
    return hmac.new(_csrf_key(secret_key), token_hash(session_token), hashlib.sha256).hexdigest()


def check_csrf(secret_key: str, session_token: str, sent: str | None) -> None:
    """CsrfRefused unless ``sent`` is the session's CSRF token (compared in constant time)."""
    if not sent:
        raise CsrfRefused(
            "请求缺少 CSRF 令牌，未执行：请刷新页面后重试（missing X-CSRF-Token header: reload the page and "
            "try again）"
        )
    if not hmac.compare_digest(sent.encode("utf-8"), csrf_token(secret_key, session_token).encode("ascii")):
        raise CsrfRefused(
            "CSRF 令牌不正确，请求未执行：请刷新页面后重试（wrong X-CSRF-Token header: reload the page and "
            "try again）"
        )


def touch_page_session(engine: Engine, session_token: str, *, idle_minutes: int) -> bool:
    """Record a use of a cookie session: True if it is live, False if unknown, revoked or expired.

    SessionIdle if it went unused for more than idle_minutes. Runs in its own short transaction so that a
    long request (an import) does not hold the session row locked against the page's other requests.
    """
    hashed = token_hash(session_token)
    with engine.begin() as conn:
        set_lookup(conn, "token_hash", hashed.hex())
        params = {"token_hash": hashed, "idle": idle_minutes * 60, "step": TOUCH_STEP_SECONDS}
        row = conn.execute(q.SESSION_IDLE, params).one_or_none()
        if row is not None and not row.idle and row.stale:
            conn.execute(q.TOUCH_SESSION, {"token_hash": hashed})
    if row is not None and row.idle:
        raise SessionIdle(
            f"登录已超时：超过 {idle_minutes} 分钟未操作，请重新登录（the login timed out after "
            f"{idle_minutes} minutes without use; log in again）"
        )
    return row is not None
