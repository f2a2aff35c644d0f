"""Throttled logins and ticket status checks instead of account locks; operator entries in the audit log.

Logins: no failure counter on the account any more (a stranger could lock anyone out with it). The login
throttle counts failed attempts in ``login_events`` per source address and per (keyed hash of the login as
typed, source address); the hash is made the same way whether or not the account exists. The application
role cannot read events of unknown logins (RLS on login_events), so the counts come from ``login_failures``,
a SECURITY DEFINER function that returns numbers only. Attempts refused by the throttle are recorded with the
reason 'throttled' and are not counted (the delay grows with guesses, not with impatience).

Ticket status: every anonymous status check is recorded in ``ticket_checks`` (keyed hash of the ticket number
as typed, source address, outcome); ``ticket_check_failures`` counts the wrong ones per number and per source.
The application may insert checks but not read them (ticket numbers are half of the key to a ticket).

Audit log: ``account_id`` may be NULL for entries written by an operator at the command line (who: the OS
user, in ``source_addr``); the application's policy still only admits entries for its own account.

Revision ID: 0021_login_throttle
Revises: 0020_row_changes
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0021_login_throttle"
down_revision = "0020_row_changes"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE INDEX login_events_source_idx ON login_events (source_addr, at) WHERE NOT success;
CREATE INDEX login_events_login_source_idx ON login_events (login_hash, source_addr, at);

CREATE FUNCTION login_failures(p_login_hash bytea, p_source text,
                               p_pair_window_seconds integer, p_source_window_seconds integer)
RETURNS TABLE (pair_failures integer, pair_idle double precision,
               source_failures integer, source_idle double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH since AS (
        SELECT greatest(now() - make_interval(secs => p_pair_window_seconds),
                        (SELECT max(at) FROM login_events
                         WHERE login_hash = p_login_hash AND source_addr = p_source AND success)) AS t
    ), pair AS (
        SELECT count(*) AS n, max(at) AS last FROM login_events, since
        WHERE login_hash = p_login_hash AND source_addr = p_source AND NOT success
          AND reason <> 'throttled' AND at > since.t
    ), src AS (
        SELECT count(*) AS n, max(at) AS last FROM login_events
        WHERE source_addr = p_source AND NOT success AND reason <> 'throttled'
          AND at > now() - make_interval(secs => p_source_window_seconds)
    )
    SELECT pair.n::integer, extract(epoch FROM now() - pair.last)::double precision,
           src.n::integer, extract(epoch FROM now() - src.last)::double precision
    FROM pair, src
$$;
REVOKE ALL ON FUNCTION login_failures(bytea, text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION login_failures(bytea, text, integer, integer) TO hongyan_app;

CREATE TABLE ticket_checks (
    check_id    bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    ticket_hash bytea NOT NULL,
    source_addr text NOT NULL DEFAULT '',
    outcome     text NOT NULL CHECK (outcome IN ('ok', 'wrong', 'throttled'))
);
CREATE INDEX ticket_checks_ticket_idx ON ticket_checks (ticket_hash, at);
CREATE INDEX ticket_checks_source_idx ON ticket_checks (source_addr, at) WHERE outcome = 'wrong';
REVOKE ALL ON ticket_checks FROM hongyan_app;
GRANT INSERT ON ticket_checks TO hongyan_app;
GRANT USAGE ON SEQUENCE ticket_checks_check_id_seq TO hongyan_app;

CREATE FUNCTION ticket_check_failures(p_ticket_hash bytea, p_source text,
                                      p_ticket_window_seconds integer, p_source_window_seconds integer)
RETURNS TABLE (ticket_failures integer, ticket_idle double precision,
               source_failures integer, source_idle double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH since AS (
        SELECT greatest(now() - make_interval(secs => p_ticket_window_seconds),
                        (SELECT max(at) FROM ticket_checks
                         WHERE ticket_hash = p_ticket_hash AND outcome = 'ok')) AS t
    ), tk AS (
        SELECT count(*) AS n, max(at) AS last FROM ticket_checks, since
        WHERE ticket_hash = p_ticket_hash AND outcome = 'wrong' AND at > since.t
    ), src AS (
        SELECT count(*) AS n, max(at) AS last FROM ticket_checks
        WHERE source_addr = p_source AND outcome = 'wrong'
          AND at > now() - make_interval(secs => p_source_window_seconds)
    )
    SELECT tk.n::integer, extract(epoch FROM now() - tk.last)::double precision,
           src.n::integer, extract(epoch FROM now() - src.last)::double precision
    FROM tk, src
$$;
REVOKE ALL ON FUNCTION ticket_check_failures(bytea, text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ticket_check_failures(bytea, text, integer, integer) TO hongyan_app;

ALTER TABLE audit_log ALTER COLUMN account_id DROP NOT NULL;
"""

DOWNGRADE = """
DELETE FROM audit_log WHERE account_id IS NULL;
ALTER TABLE audit_log ALTER COLUMN account_id SET NOT NULL;
DROP FUNCTION IF EXISTS ticket_check_failures(bytea, text, integer, integer);
DROP TABLE IF EXISTS ticket_checks;
DROP FUNCTION IF EXISTS login_failures(bytea, text, integer, integer);
DROP INDEX IF EXISTS login_events_login_source_idx;
DROP INDEX IF EXISTS login_events_source_idx;
"""


def upgrade() -> None:
    """Create the throttle indexes, functions and table; let operator entries into the audit log."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Drop them again (operator entries of the audit log are deleted: they have no account)."""
    op.execute(DOWNGRADE)
