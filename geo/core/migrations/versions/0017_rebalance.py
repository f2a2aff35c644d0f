"""A change log of the labour tables, so in-process caches of their aggregates know when they are stale.

Every statement that writes residents, vacancies, enterprise_sites or admin_areas records its transaction id once in
``data_changes`` (statement-level triggers, so a COPY of a million rows costs one row). A reader that cached
an aggregate under snapshot S asks whether any transaction S did not see has since committed a change:
``txid >= pg_snapshot_xmin(S) AND NOT pg_visible_in_snapshot(txid, S)`` on the primary key. Unlike a counter
row this takes no lock, so concurrent writers never wait for each other. Rows older than a day are pruned by
the trigger now and then (readers discard cache entries older than a few hours). No rows about people or
areas: no row-level security; the application may read it, and writes only through the trigger (SECURITY
DEFINER).

Revision ID: 0017_rebalance
Revises: 0016_programme2
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0017_rebalance"
down_revision = "0016_programme2"
branch_labels = None
depends_on = None

TABLES = ("residents", "vacancies", "enterprise_sites", "admin_areas")

UPGRADE = """
CREATE TABLE data_changes (
    table_name text NOT NULL,
    txid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (txid, table_name)
);
CREATE INDEX data_changes_at_idx ON data_changes (at);

CREATE FUNCTION record_data_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    me xid8 := pg_current_xact_id();
BEGIN
    INSERT INTO public.data_changes (table_name, txid) VALUES (TG_TABLE_NAME, me) ON CONFLICT DO NOTHING;
    IF (me::text::bigint % 1000) = 0 THEN
        DELETE FROM public.data_changes WHERE at < clock_timestamp() - interval '1 day';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION record_data_change() FROM PUBLIC;
GRANT SELECT ON data_changes TO hongyan_app;
"""

TRIGGER = """
CREATE TRIGGER {t}_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION record_data_change();
"""


def upgrade() -> None:
    """Create the change log, its trigger function and the triggers on the labour tables."""
    op.execute(UPGRADE)
    for table in TABLES:
        op.execute(TRIGGER.format(t=table))


def downgrade() -> None:
    """Drop the triggers, the function and the log."""
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_data_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS record_data_change()")
    op.execute("DROP TABLE IF EXISTS data_changes")
