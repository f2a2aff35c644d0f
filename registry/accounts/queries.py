"""SQL of the accounts package, parameters bound. Under the app role every statement passes the RLS policies."""

from __future__ import annotations

from sqlalchemy import text

AREA_LEVEL = text("SELECT level FROM admin_areas WHERE code = :code")
ENTERPRISE_AREA = text("SELECT area_code FROM enterprises WHERE enterprise_id = :id")
RESIDENT_IDENTITY = text("SELECT area_code, id_hash FROM residents WHERE resident_id = :id")
ACCOUNT_TAKEN = text(
    """
    SELECT username = :username AS same_username, phone_hash = :phone_hash AS same_phone,
           id_hash = :id_hash AS same_id
    FROM accounts
    WHERE username = :username OR phone_hash = :phone_hash OR id_hash = :id_hash
    """
)
INSERT_ACCOUNT = text(
    """
    INSERT INTO accounts (username, name, phone_hash, phone_cipher, id_hash, id_cipher, role, area_code,
                          enterprise_id, resident_id, password_hash)
    VALUES (:username, :name, :phone_hash, :phone_cipher, :id_hash, :id_cipher, :role, :area_code,
            :enterprise_id, :resident_id, :password_hash)
    RETURNING account_id
    """
)

ACCOUNT_FOR_LOGIN = text(
    """
    SELECT account_id, username, name, role, area_code, enterprise_id, resident_id, active, password_hash,
           coalesce(locked_until > now(), false) AS locked
    FROM accounts WHERE username = :login OR phone_hash = :login_hash
    """
)
# one attempt at a time per (login as typed, source): parallel guesses cannot slip past the count
LOCK_LOGIN_KEY = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
LOGIN_FAILURES = text(
    """
    SELECT pair_failures, pair_idle, source_failures, source_idle
    FROM login_failures(:login_hash, :source, :pair_window, :source_window)
    """
)
ACCOUNT_BY_ID = text(
    """
    SELECT account_id, username, name, role, area_code, enterprise_id, resident_id, active
    FROM accounts WHERE account_id = :id
    """
)

RECORD_SUCCESS = text(
    """
    UPDATE accounts SET failed_logins = 0, locked_until = NULL, last_login_at = now(),
                        password_hash = coalesce(:new_hash, password_hash)
    WHERE account_id = :id
    """
)
INSERT_LOGIN_EVENT = text(
    """
    INSERT INTO login_events (account_id, login_hash, success, reason, source_addr)
    VALUES (:account_id, :login_hash, :success, :reason, :source)
    """
)
INSERT_SESSION = text(
    """
    INSERT INTO sessions (token_hash, account_id, expires_at, source_addr)
    VALUES (:token_hash, :account_id, now() + make_interval(secs => :seconds), :source)
    RETURNING expires_at
    """
)
SESSION_BY_TOKEN = text(
    """
    SELECT account_id, expires_at, expires_at <= now() AS expired, revoked_at IS NOT NULL AS revoked
    FROM sessions WHERE token_hash = :token_hash
    """
)
REVOKE_SESSION = text("UPDATE sessions SET revoked_at = now() WHERE token_hash = :token_hash")
# page (cookie) sessions: idle when unused for :idle seconds; a use moves last_used_at (at most every :step s,
# so a page's burst of requests writes the row once)
SESSION_IDLE = text(
    """
    SELECT last_used_at < now() - make_interval(secs => :idle) AS idle,
           last_used_at < now() - make_interval(secs => :step) AS stale
    FROM sessions WHERE token_hash = :token_hash AND revoked_at IS NULL AND expires_at > now()
    """
)
TOUCH_SESSION = text("UPDATE sessions SET last_used_at = now() WHERE token_hash = :token_hash")
INSERT_AUDIT = text(
    "INSERT INTO audit_log (account_id, action, target, source_addr) VALUES (:account_id, :action, :target, :source)"
)
# an operator at the command line has no account: who it was is the OS user, in source_addr
INSERT_OPERATOR_AUDIT = text(
    "INSERT INTO audit_log (account_id, action, target, source_addr) VALUES (NULL, :action, :target, :source)"
)

LIST_RESIDENTS = text(
    """
    SELECT resident_id, name, sex, birth_date, village_code, area_code, status, education,
           id_cipher, phone_cipher
    FROM residents
    WHERE (CAST(:village AS text) IS NULL OR village_code = :village)
    ORDER BY resident_id LIMIT :limit OFFSET :offset
    """
)

# changing one's own password (accounts_self_read / accounts_self_update, sessions_own decide the rows)
PASSWORD_OF = text("SELECT password_hash FROM accounts WHERE account_id = :id")
SET_PASSWORD = text("UPDATE accounts SET password_hash = :password_hash WHERE account_id = :id")
REVOKE_OTHER_SESSIONS = text(
    """
    UPDATE sessions SET revoked_at = now()
    WHERE account_id = :id AND token_hash <> :keep AND revoked_at IS NULL AND expires_at > now()
    """
)
