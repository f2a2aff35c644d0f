"""Review workflow and change history of the registry: residents, enterprises and vacancies.

Residents and enterprises get ``record_status`` (draft → submitted → township_approved → approved, or returned
with a reason); rows that exist before this migration are ``approved`` so the demo stays visible. Vacancies keep
their ``status`` (draft → submitted → open, or returned): only ``open`` ones are public, as before.
``record_changes`` holds every field change (old → new, with the date it took effect); ID numbers and phones
are recorded as changed (``sensitive``) without their values. ``review_events`` holds every submit, approve and
return. Both are append-only for the application and scoped by area like the records they describe.

Revision ID: 0007_review_history
Revises: 0006_accounts_rls
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0007_review_history"
down_revision = "0006_accounts_rls"
branch_labels = None
depends_on = None

RECORD_STATUSES = "('draft', 'submitted', 'township_approved', 'approved', 'returned')"
HISTORY_TABLES = "('residents', 'enterprises', 'vacancies')"

COLUMNS = f"""
ALTER TABLE residents
    ADD COLUMN record_status     text NOT NULL DEFAULT 'approved' CHECK (record_status IN {RECORD_STATUSES}),
    ADD COLUMN household_address text NOT NULL DEFAULT '',
    ADD COLUMN skills            text[] NOT NULL DEFAULT '{{}}',
    ADD COLUMN training_wishes   text[] NOT NULL DEFAULT '{{}}',
    ADD COLUMN return_date       date,
    ADD COLUMN employer          text NOT NULL DEFAULT '',
    ADD COLUMN work_place        text NOT NULL DEFAULT '',
    ADD COLUMN location_source   text NOT NULL DEFAULT 'village_centroid'
                                 CHECK (location_source IN ('gps', 'village_centroid')),
    ADD COLUMN created_by        bigint;
-- partial: the queues look for the few records under review, never for the approved mass
CREATE INDEX residents_record_status_idx ON residents (record_status) WHERE record_status <> 'approved';

ALTER TABLE enterprises
    ADD COLUMN record_status text NOT NULL DEFAULT 'approved' CHECK (record_status IN {RECORD_STATUSES}),
    ADD COLUMN created_by    bigint;

ALTER TABLE vacancies DROP CONSTRAINT vacancies_status_check;
ALTER TABLE vacancies ADD CONSTRAINT vacancies_status_check
    CHECK (status IN ('draft', 'submitted', 'returned', 'open', 'closed'));
ALTER TABLE vacancies ADD COLUMN created_by bigint;
"""

TABLES = f"""
CREATE TABLE record_changes (
    change_id      bigserial PRIMARY KEY,
    table_name     text NOT NULL CHECK (table_name IN {HISTORY_TABLES}),
    record_id      bigint NOT NULL,
    area_code      varchar(12) NOT NULL REFERENCES admin_areas (code),
    enterprise_id  bigint,
    field          text NOT NULL,
    old_value      text,
    new_value      text,
    sensitive      boolean NOT NULL DEFAULT false,
    effective_date date NOT NULL DEFAULT current_date,
    changed_by     bigint REFERENCES accounts (account_id) ON DELETE SET NULL,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    -- an ID number or phone is recorded as changed, never with its values
    CHECK (NOT sensitive OR (old_value IS NULL AND new_value IS NULL))
);
CREATE INDEX record_changes_record_idx ON record_changes (table_name, record_id, field, effective_date);
CREATE INDEX record_changes_area_idx ON record_changes (area_code);
CREATE INDEX record_changes_field_date_idx ON record_changes (table_name, field, effective_date);

CREATE TABLE review_events (
    event_id      bigserial PRIMARY KEY,
    table_name    text NOT NULL CHECK (table_name IN {HISTORY_TABLES}),
    record_id     bigint NOT NULL,
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    enterprise_id bigint,
    action        text NOT NULL CHECK (action IN ('submit', 'approve', 'return')),
    level         text NOT NULL CHECK (level IN ('village', 'township', 'county', 'enterprise')),
    from_status   text NOT NULL,
    to_status     text NOT NULL,
    reason        text NOT NULL DEFAULT '',
    account_id    bigint REFERENCES accounts (account_id) ON DELETE SET NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    CHECK (action <> 'return' OR length(btrim(reason)) > 0)
);
CREATE INDEX review_events_record_idx ON review_events (table_name, record_id, at);
CREATE INDEX review_events_area_idx ON review_events (area_code);
"""


def _setting(name: str) -> str:
    """A caller setting, NULL when unset or empty (so it can never widen a policy)."""
    return f"nullif(current_setting('hongyan.{name}', true), '')"


IN_SCOPE = f"(area_code LIKE {_setting('scope')} || '%')"
NO_RESIDENT = f"({_setting('resident_id')} IS NULL)"
OWN_ENTERPRISE = (
    f"({_setting('enterprise_id')} IS NULL OR enterprise_id = {_setting('enterprise_id')}::bigint)"
)
VISIBLE = f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}"
ACTOR = {"record_changes": "changed_by", "review_events": "account_id"}


def _rls_sql() -> str:
    """Grants (append-only) and row-level policies of the two history tables."""
    out = []
    for table, actor in ACTOR.items():
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY; ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
            f"GRANT SELECT, INSERT ON {table} TO hongyan_app;",
            f"GRANT USAGE, SELECT ON SEQUENCE {table}_{'change' if table == 'record_changes' else 'event'}"
            "_id_seq TO hongyan_app;",
            f"CREATE POLICY {table}_read ON {table} FOR SELECT TO hongyan_app USING ({VISIBLE});",
            f"CREATE POLICY {table}_write ON {table} FOR INSERT TO hongyan_app WITH CHECK ({VISIBLE} AND "
            f"{actor} = {_setting('account_id')}::bigint);",
        ]
    return "\n".join(out)


def upgrade() -> None:
    """Add the review columns, the history tables, their grants and policies."""
    op.execute(COLUMNS)
    op.execute(TABLES)
    op.execute(_rls_sql())


def downgrade() -> None:
    """Drop the history tables and review columns; returned vacancies become drafts again."""
    op.execute("DROP TABLE IF EXISTS review_events, record_changes CASCADE")
    op.execute("UPDATE vacancies SET status = 'draft' WHERE status = 'returned'")
    op.execute("ALTER TABLE vacancies DROP CONSTRAINT vacancies_status_check")
    op.execute(
        "ALTER TABLE vacancies ADD CONSTRAINT vacancies_status_check "
        "CHECK (status IN ('draft', 'submitted', 'open', 'closed'))"
    )
    op.execute("ALTER TABLE vacancies DROP COLUMN created_by")
    op.execute("ALTER TABLE enterprises DROP COLUMN record_status, DROP COLUMN created_by")
    op.execute(
        "ALTER TABLE residents DROP COLUMN record_status, DROP COLUMN household_address, DROP COLUMN skills, "
        "DROP COLUMN training_wishes, DROP COLUMN return_date, DROP COLUMN employer, DROP COLUMN work_place, "
        "DROP COLUMN location_source, DROP COLUMN created_by"
    )
