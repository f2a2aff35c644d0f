"""Password login with lockout, expiring bearer tokens, logout; every login attempt is recorded.

Runs on the application engine (role hongyan_web, bound by RLS): lookups are made visible to the transaction
only through the exact login name, keyed phone hash, token hash or account id (geo.scope.set_lookup).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine

from geo.errors import PermissionDenied
from geo.scope import scoped, set_lookup
from registry.accounts import queries as q
from registry.accounts.roles import Account
from registry.personal import PersonalDataCipher

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
SESSION_SECONDS = 8 * 3600
_WRONG = "wrong username/phone or password"


class AuthenticationFailed(PermissionDenied):
    """No valid credentials: wrong password, locked account, or a missing, expired or revoked token."""


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures lock an account, for how long, and how long a token lives."""

    max_failures: int = MAX_FAILURES
    lock_seconds: int = LOCK_SECONDS
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
    """Check username-or-phone and password; record the attempt; a token, or AuthenticationFailed."""
    hasher = hasher or PasswordHasher()
    login = login.strip()
    login_hash = cipher.keyed_hash(login)
    failure: str | None = None
    with engine.begin() as conn:
        set_lookup(conn, "login", login)
        set_lookup(conn, "login_hash", login_hash.hex())
        row = conn.execute(q.ACCOUNT_FOR_LOGIN, {"login": login, "login_hash": login_hash}).one_or_none()
        event = {"account_id": None if row is None else row.account_id, "login_hash": login_hash}
        event["source"] = source
        if row is None:
            _verify(hasher, _DUMMY_HASH, password)
            failure, reason = _WRONG, "unknown login"
        elif not row.active:
            failure, reason = "this account is disabled: ask the county administrator", "disabled"
        elif row.locked:
            failure = (
                f"this account is locked after {policy.max_failures} wrong passwords until "
                f"{row.locked_until:%Y-%m-%d %H:%M %Z}; try again later or ask the county administrator"
            )
            reason = "locked"
        elif not _verify(hasher, row.password_hash, password):
            locked = conn.execute(
                q.RECORD_FAILURE,
                {
                    "id": row.account_id,
                    "max_failures": policy.max_failures,
                    "lock_seconds": policy.lock_seconds,
                },
            ).scalar_one()
            failure, reason = _WRONG, "wrong password, account locked" if locked else "wrong password"
        else:
            new_hash = hasher.hash(password) if hasher.check_needs_rehash(row.password_hash) else None
            conn.execute(q.RECORD_SUCCESS, {"id": row.account_id, "new_hash": new_hash})
            reason = "ok"
        conn.execute(q.INSERT_LOGIN_EVENT, event | {"success": failure is None, "reason": reason})
        if failure is not None:
            issued = None
        else:
            assert row is not None
            issued = _issue(conn, _account(row), source=source, seconds=policy.session_seconds)
    if issued is None:
        raise AuthenticationFailed(failure or _WRONG)
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
