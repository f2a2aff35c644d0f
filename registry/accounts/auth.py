"""Password login with throttling, expiring bearer tokens, logout; every login attempt is recorded.

Runs on the application engine (role hongyan_web, bound by RLS): lookups are made visible to the transaction
only through the exact login name, keyed phone hash, token hash or account id (geo.core.scope.set_lookup).

No failure ever locks an account (a stranger could lock anyone out): failed attempts slow down their source
address, and the pair (login as typed, source address), with growing delays (registry.throttle). The pair is
keyed by the keyed hash of the login as typed, the same for an existing and an unknown login. Unknown login,
wrong password, disabled account and an administrator's lock get the same answer after the same work (one
argon2 verification each), so the answer tells nobody which logins exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine

from geo.core.errors import PermissionDenied
from geo.core.scope import scoped, set_lookup
from registry.accounts import queries as q
from registry.accounts.roles import Account
from registry.personal import PersonalDataCipher
from registry.throttle import Backoff, longest_wait, too_many

SESSION_SECONDS = 8 * 3600
WRONG = "用户名/手机号或密码错误（wrong username/phone or password）"


class AuthenticationFailed(PermissionDenied):
    """No valid credentials: wrong login or password, or a missing, expired or revoked token."""


@dataclass(frozen=True)
class LoginPolicy:
    """How failed logins slow down a (login, address) pair and an address, and how long a token lives."""

    # after 5 failures in 15 minutes: wait 15 s, then 30 s, 1 min … at most 15 minutes
    per_login: Backoff = field(default_factory=lambda: Backoff(5, 15, 15 * 60, 15 * 60))
    # an address may be a township office behind one gateway: more failures are free
    per_source: Backoff = field(default_factory=lambda: Backoff(20, 15, 15 * 60, 15 * 60))
    session_seconds: int = SESSION_SECONDS


@dataclass(frozen=True)
class IssuedToken:
    """A bearer token (shown once, stored only as its SHA-256) and when it expires."""

    token: str
    expires_at: datetime
    account: Account


def token_hash(token: str) -> bytes:
    """SHA-256 of a token: a random 256-bit token needs no key, and the database never holds the token."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def _account(row: Any) -> Account:
    return Account(
        row.account_id, row.username, row.name, row.role, row.area_code, row.enterprise_id, row.resident_id
    )


_DUMMY_HASH = PasswordHasher().hash(secrets.token_hex(16))  # equalises timing for unknown logins


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _throttle_wait(conn: Connection, login_hash: bytes, source: str, policy: LoginPolicy) -> int:
    """Seconds the attempt must wait (0: check the password), after taking the pair's lock."""
    conn.execute(q.LOCK_LOGIN_KEY, {"key": f"login:{login_hash.hex()}:{source}"})
    counts = conn.execute(
        q.LOGIN_FAILURES,
        {
            "login_hash": login_hash,
            "source": source,
            "pair_window": policy.per_login.window_seconds,
            "source_window": policy.per_source.window_seconds,
        },
    ).one()
    return longest_wait(
        policy.per_login.wait(counts.pair_failures, counts.pair_idle),
        policy.per_source.wait(counts.source_failures, counts.source_idle),
    )


def password_wait(
    conn: Connection,
    login: str,
    *,
    cipher: PersonalDataCipher,
    source: str,
    policy: LoginPolicy = LoginPolicy(),
) -> int:
    """Seconds a password check for ``login`` from ``source`` must wait (0: go ahead): the login throttle's count,
    for checks of a password outside the login (changing one's own)."""
    return _throttle_wait(conn, cipher.keyed_hash(login.strip()), source, policy)


def record_password_failure(
    conn: Connection, account: Account, *, cipher: PersonalDataCipher, source: str, reason: str
) -> None:
    """Count a wrong password given outside the login against the (login, address) pair, as a failed login."""
    conn.execute(
        q.INSERT_LOGIN_EVENT,
        {
            "account_id": account.account_id,
            "login_hash": cipher.keyed_hash(account.username),
            "source": source,
            "success": False,
            "reason": reason,
        },
    )


def _check(hasher: PasswordHasher, row: Any, password: str) -> str:
    """The reason recorded for the attempt ('ok' or why not), after exactly one argon2 verification."""
    verified = _verify(hasher, _DUMMY_HASH if row is None else row.password_hash, password)
    if row is None:
        return "unknown login"
    if not row.active:
        return "disabled"
    if row.locked:
        return "locked"
    return "ok" if verified else "wrong password"


def log_in(
    engine: Engine,
    login: str,
    password: str,
    *,
    cipher: PersonalDataCipher,
    source: str,
    policy: LoginPolicy = LoginPolicy(),
    hasher: PasswordHasher | None = None,
) -> IssuedToken:
    """Check username-or-phone and password; record the attempt; a token, TooManyAttempts or AuthenticationFailed."""
    hasher = hasher or PasswordHasher()
    login = login.strip()
    login_hash = cipher.keyed_hash(login)
    issued: IssuedToken | None = None
    with engine.begin() as conn:
        wait = _throttle_wait(conn, login_hash, source, policy)
        set_lookup(conn, "login", login)
        set_lookup(conn, "login_hash", login_hash.hex())
        row = conn.execute(q.ACCOUNT_FOR_LOGIN, {"login": login, "login_hash": login_hash}).one_or_none()
        reason = "throttled" if wait else _check(hasher, row, password)
        ok = row if reason == "ok" else None
        if ok is not None:
            new_hash = hasher.hash(password) if hasher.check_needs_rehash(ok.password_hash) else None
            conn.execute(q.RECORD_SUCCESS, {"id": ok.account_id, "new_hash": new_hash})
        conn.execute(
            q.INSERT_LOGIN_EVENT,
            {
                "account_id": None if row is None else row.account_id,
                "login_hash": login_hash,
                "source": source,
                "success": ok is not None,
                "reason": reason,
            },
        )
        if ok is not None:
            issued = _issue(conn, _account(ok), source=source, seconds=policy.session_seconds)
    if wait:
        raise too_many(wait)
    if issued is None:
        raise AuthenticationFailed(WRONG)
    return issued


def _issue(conn: Connection, account: Account, *, source: str, seconds: int) -> IssuedToken:
    """Create a session for the account in the current transaction."""
    token = secrets.token_urlsafe(32)
    set_lookup(conn, "account_id", str(account.account_id))
    expires = conn.execute(
        q.INSERT_SESSION,
        {
            "token_hash": token_hash(token),
            "account_id": account.account_id,
            "seconds": seconds,
            "source": source,
        },
    ).scalar_one()
    return IssuedToken(token, expires, account)


def authenticate(conn: Connection, token: str) -> Account:
    """The account of a live token, with the transaction scoped to it; AuthenticationFailed otherwise."""
    hashed = token_hash(token)
    set_lookup(conn, "token_hash", hashed.hex())
    session = conn.execute(q.SESSION_BY_TOKEN, {"token_hash": hashed}).one_or_none()
    if session is None or session.revoked:
        raise AuthenticationFailed("not logged in: the token is unknown or was logged out; log in again")
    if session.expired:
        raise AuthenticationFailed(
            f"the login expired at {session.expires_at:%Y-%m-%d %H:%M %Z}; log in again"
        )
    set_lookup(conn, "account_id", str(session.account_id))
    row = conn.execute(q.ACCOUNT_BY_ID, {"id": session.account_id}).one_or_none()
    if row is None or not row.active:
        raise AuthenticationFailed("this account is disabled: ask the county administrator")
    account = _account(row)
    scoped(conn, account.scope)
    return account


def log_out(conn: Connection, token: str) -> None:
    """Revoke the token's session (the caller was authenticated in this transaction)."""
    conn.execute(q.REVOKE_SESSION, {"token_hash": token_hash(token)})


def audit(conn: Connection, account: Account, action: str, *, target: str = "", source: str = "") -> None:
    """Append an entry to the audit log as the account (the policy refuses entries for anyone else)."""
    conn.execute(
        q.INSERT_AUDIT,
        {"account_id": account.account_id, "action": action, "target": target, "source": source},
    )
