"""Real-name accounts, sessions, login events, audit log; area scoping by PostgreSQL row-level security.

The web application connects as ``hongyan_web`` (LOGIN, member of the NOLOGIN group ``hongyan_app``): neither
superuser nor BYPASSRLS, so every row it reads or writes in residents, enterprises, enterprise_sites, vacancies
and accounts must pass the policies below. A transaction states its caller with transaction-local settings
(geo.core.scope.scoped): ``hongyan.scope`` = area-code prefix ('341522' county, 9 digits township, 12 digits village),
``hongyan.enterprise_id`` (enterprise HR), ``hongyan.resident_id`` (job seeker), ``hongyan.account_id``.
Unset or empty settings match no row. The superuser (migrations, demo builder, analytics) bypasses RLS.

Revision ID: 0006_accounts_rls
Revises: 0005_circle_stats_bulk
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0006_accounts_rls"
down_revision = "0005_circle_stats_bulk"
branch_labels = None
depends_on = None


def _setting(name: str) -> str:
    """A caller setting, NULL when unset or empty (so it can never widen a policy)."""
    return f"nullif(current_setting('hongyan.{name}', true), '')"


IN_SCOPE = f"(area_code LIKE {_setting('scope')} || '%')"
NO_ENTERPRISE = f"({_setting('enterprise_id')} IS NULL)"
NO_RESIDENT = f"({_setting('resident_id')} IS NULL)"
OWN_ENTERPRISE = f"({NO_ENTERPRISE} OR enterprise_id = {_setting('enterprise_id')}::bigint)"
OWN_RESIDENT = f"({NO_RESIDENT} OR resident_id = {_setting('resident_id')}::bigint)"
SELF = f"(account_id = {_setting('account_id')}::bigint)"
LOGIN_MATCH = f"(username = {_setting('login')} OR phone_hash = decode({_setting('login_hash')}, 'hex'))"
VISIBLE_ACTOR = "EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = {table}.account_id)"

RLS_TABLES = (
    "residents",
    "enterprises",
    "enterprise_sites",
    "vacancies",
    "accounts",
    "sessions",
    "login_events",
    "audit_log",
)

POLICIES = {
    "residents": [("residents_scope", "ALL", f"{IN_SCOPE} AND {NO_ENTERPRISE} AND {OWN_RESIDENT}")],
    "enterprises": [("enterprises_scope", "ALL", f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}")],
    "enterprise_sites": [
        ("enterprise_sites_scope", "ALL", f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}")
    ],
    "vacancies": [
        ("vacancies_scope", "ALL", f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}"),
        ("vacancies_public_board", "SELECT", "status = 'open'"),
    ],
    "accounts": [
        ("accounts_scope", "ALL", f"{IN_SCOPE} AND {NO_ENTERPRISE} AND {NO_RESIDENT}"),
        ("accounts_self_read", "SELECT", f"{SELF} OR {LOGIN_MATCH}"),
        ("accounts_self_update", "UPDATE", f"{SELF} OR {LOGIN_MATCH}"),
    ],
    "sessions": [
        (
            "sessions_own",
            "ALL",
            f"token_hash = decode({_setting('token_hash')}, 'hex') OR {SELF}",
        )
    ],
}

TABLES = """
CREATE TABLE accounts (
    account_id    bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9_.-]{2,31}$'),
    name          text NOT NULL CHECK (length(name) > 0),
    phone_hash    bytea NOT NULL UNIQUE,
    phone_cipher  bytea NOT NULL,
    id_hash       bytea NOT NULL UNIQUE,
    id_cipher     bytea NOT NULL,
    role          text NOT NULL CHECK (role IN ('county_admin', 'county_reviewer', 'township_staff',
                                                'village_collector', 'enterprise_hr', 'job_seeker')),
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    -- no foreign keys to enterprises/residents: the demo builder truncates those with CASCADE
    enterprise_id bigint CHECK ((role = 'enterprise_hr') = (enterprise_id IS NOT NULL)),
    resident_id   bigint CHECK ((role = 'job_seeker') = (resident_id IS NOT NULL)),
    password_hash text NOT NULL,
    failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  timestamptz,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);
CREATE INDEX accounts_area_idx ON accounts (area_code);

CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    source_addr text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

CREATE TABLE login_events (
    event_id    bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    account_id  bigint REFERENCES accounts (account_id) ON DELETE SET NULL,
    login_hash  bytea NOT NULL,
    success     boolean NOT NULL,
    reason      text NOT NULL DEFAULT '',
    source_addr text NOT NULL DEFAULT ''
);
CREATE INDEX login_events_account_idx ON login_events (account_id, at);

CREATE TABLE audit_log (
    audit_id    bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    account_id  bigint NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    action      text NOT NULL,
    target      text NOT NULL DEFAULT '',
    source_addr text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, at);
"""

ROLES = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hongyan_app') THEN
        CREATE ROLE hongyan_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hongyan_web') THEN
        CREATE ROLE hongyan_web LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
GRANT hongyan_app TO hongyan_web;
GRANT USAGE ON SCHEMA public TO hongyan_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO hongyan_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO hongyan_app;
REVOKE INSERT, UPDATE, DELETE ON alembic_version, spatial_ref_sys FROM hongyan_app;
-- logins and the audit trail are append-only for the application
REVOKE UPDATE, DELETE ON login_events, audit_log FROM hongyan_app;
-- the application may not change an account's role, area, binding or identity: that is `hongyan accounts`
REVOKE UPDATE ON accounts FROM hongyan_app;
GRANT UPDATE (name, password_hash, failed_logins, locked_until, active, last_login_at) ON accounts TO hongyan_app;
"""


def _policies_sql() -> str:
    """ENABLE + FORCE RLS on the scoped tables and create their policies."""
    out = [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY; ALTER TABLE {t} FORCE ROW LEVEL SECURITY;"
        for t in RLS_TABLES
    ]
    for table, policies in POLICIES.items():
        for name, command, expr in policies:
            check = f" WITH CHECK ({expr})" if command in ("ALL", "UPDATE") else ""
            out.append(f"CREATE POLICY {name} ON {table} FOR {command} TO hongyan_app USING ({expr}){check};")
    for table in ("login_events", "audit_log"):
        out.append(
            f"CREATE POLICY {table}_read ON {table} FOR SELECT TO hongyan_app "
            f"USING ({VISIBLE_ACTOR.format(table=table)});"
        )
    out.append(
        "CREATE POLICY login_events_write ON login_events FOR INSERT TO hongyan_app WITH CHECK (true);"
    )
    out.append(f"CREATE POLICY audit_log_write ON audit_log FOR INSERT TO hongyan_app WITH CHECK ({SELF});")
    return "\n".join(out)


def upgrade() -> None:
    """Create the account tables, the application roles, their grants and the row-level policies."""
    op.execute(TABLES)
    op.execute(ROLES)
    op.execute(_policies_sql())


def downgrade() -> None:
    """Drop the policies and account tables; the cluster-wide roles stay (other databases may use them)."""
    for table, policies in POLICIES.items():
        for name, _, _ in policies:
            op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    for table in ("residents", "enterprises", "enterprise_sites", "vacancies"):
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TABLE IF EXISTS audit_log, login_events, sessions, accounts CASCADE")
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM hongyan_app")
    op.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM hongyan_app")
    op.execute("REVOKE ALL ON SCHEMA public FROM hongyan_app")
