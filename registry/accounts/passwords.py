"""Changing one's own password: the current one proves it is the person, every other session of theirs ends.

Runs in the caller's scoped transaction (the RLS policies let an account read and update only its own row and
sessions). A wrong current password counts as a failed login of the account's username from that address, so
someone holding a live session cannot guess the password faster than at the login form. Messages are Chinese
first; ``field`` names the form field that is wrong. Nothing is written before the checks pass, except the
failed attempt (which must stay: the caller commits it).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.accounts import queries as q
from registry.accounts.auth import password_wait, record_password_failure, token_hash
from registry.accounts.roles import MIN_PASSWORD, Account
from registry.personal import PersonalDataCipher
from registry.throttle import too_many


def check_new_password(password: str, *, field: str = "new_password") -> str:
    """A new password of at least MIN_PASSWORD characters and 4 different ones, else InvalidInput."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"新密码至少需要 {MIN_PASSWORD} 个字符（a password needs at least {MIN_PASSWORD} characters）",
            field=field,
        )
    if len(set(password)) < 4:
        raise InvalidInput(
            "新密码至少需要 4 个不同的字符（a password needs at least 4 different characters）", field=field
        )
    return password


def change_password(
    conn: Connection,
    account: Account,
    *,
    current: str,
    new: str,
    keep_session: str,
    cipher: PersonalDataCipher,
    source: str,
    hasher: PasswordHasher | None = None,
) -> int:
    """Set the account's new password after checking the current one; revoke its other sessions.

    ``keep_session`` is the token of the session making the change (it stays logged in). Returns how many
    other sessions were ended. TooManyAttempts while the login throttle holds the (username, address) pair.
    """
    hasher = hasher or PasswordHasher()
    wait = password_wait(conn, account.username, cipher=cipher, source=source)
    if wait:
        raise too_many(wait)
    stored = conn.execute(q.PASSWORD_OF, {"id": account.account_id}).scalar_one()
    try:
        hasher.verify(stored, current)
    except (VerificationError, InvalidHashError):
        record_password_failure(conn, account, cipher=cipher, source=source, reason="wrong current password")
        raise InvalidInput(
            "当前密码不正确（the current password is wrong）", field="current_password"
        ) from None
    check_new_password(new)
    if new == current:
        raise InvalidInput(
            "新密码不能与当前密码相同（the new password must differ from the current one）",
            field="new_password",
        )
    conn.execute(q.SET_PASSWORD, {"id": account.account_id, "password_hash": hasher.hash(new)})
    ended = conn.execute(
        q.REVOKE_OTHER_SESSIONS, {"id": account.account_id, "keep": token_hash(keep_session)}
    )
    return int(ended.rowcount or 0)
