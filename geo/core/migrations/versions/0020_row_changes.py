"""Which rows of the job tables changed, so each server worker's in-memory vacancy board updates only those.

The circle endpoint answers from open positions held in memory (matching/circle/vacancy_board.py). Every statement
that writes vacancies, enterprises or enterprise_sites records the ids it touched in ``row_changes``, with its
transaction id (statement-level triggers over the transition tables, so a bulk load costs one INSERT … SELECT).
A statement touching more than 2,000 rows, a TRUNCATE, and any write to occupations record one row with a NULL
id: "reload everything". A worker that read the board under snapshot S asks for the rows of transactions S did
not see (``txid >= pg_snapshot_xmin(S) AND NOT pg_visible_in_snapshot(txid, S)``), as with ``data_changes``
(0017): no counter row, so writers never wait for each other. Rows older than a day are pruned now and then;
boards older than a few hours reload whole. No personal data: the application may read it. Vacancies get an
index by enterprise (an enterprise's change re-reads its positions).

Revision ID: 0020_row_changes
Revises: 0019_circle_resident_partitions
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0020_row_changes"
down_revision = "0019_circle_resident_partitions"
branch_labels = None
depends_on = None

KEYED = {"vacancies": "vacancy_id", "enterprises": "enterprise_id", "enterprise_sites": "site_id"}

UPGRADE = """
CREATE TABLE row_changes (
    txid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    table_name text NOT NULL,
    row_id     bigint,
    at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX row_changes_txid_idx ON row_changes (txid);
CREATE INDEX row_changes_at_idx ON row_changes (at);
CREATE INDEX vacancies_enterprise_idx ON vacancies (enterprise_id);

CREATE FUNCTION record_row_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    me xid8 := pg_current_xact_id();
    touched bigint := 0;
BEGIN
    IF TG_NARGS > 0 AND TG_OP <> 'TRUNCATE' THEN
        EXECUTE 'SELECT count(*) FROM changed_rows' INTO touched;
        IF touched = 0 THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_NARGS = 0 OR TG_OP = 'TRUNCATE' OR touched > 2000 THEN
        INSERT INTO public.row_changes (txid, table_name, row_id) VALUES (me, TG_TABLE_NAME, NULL);
    ELSE
        EXECUTE format('INSERT INTO public.row_changes (txid, table_name, row_id) '
                       'SELECT DISTINCT $1, $2, %I FROM changed_rows', TG_ARGV[0])
            USING me, TG_TABLE_NAME;
    END IF;
    IF (me::text::bigint % 1000) = 0 THEN
        DELETE FROM public.row_changes WHERE at < clock_timestamp() - interval '1 day';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION record_row_changes() FROM PUBLIC;
GRANT SELECT ON row_changes TO hongyan_app;

CREATE TRIGGER occupations_row_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON occupations
    FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes();
"""

# transition tables allow one event per trigger
KEYED_TRIGGERS = """
CREATE TRIGGER {t}_rows_inserted AFTER INSERT ON {t} REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes('{key}');
CREATE TRIGGER {t}_rows_updated AFTER UPDATE ON {t} REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes('{key}');
CREATE TRIGGER {t}_rows_deleted AFTER DELETE ON {t} REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes('{key}');
CREATE TRIGGER {t}_rows_truncated AFTER TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes('{key}');
"""


def upgrade() -> None:
    """Create the row change log, its trigger function and the triggers."""
    op.execute(UPGRADE)
    for table, key in KEYED.items():
        op.execute(KEYED_TRIGGERS.format(t=table, key=key))


def downgrade() -> None:
    """Drop the triggers, the function and the log."""
    for table in KEYED:
        for event in ("inserted", "updated", "deleted", "truncated"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_rows_{event} ON {table}")
    op.execute("DROP TRIGGER IF EXISTS occupations_row_changes ON occupations")
    op.execute("DROP FUNCTION IF EXISTS record_row_changes()")
    op.execute("DROP TABLE IF EXISTS row_changes")
    op.execute("DROP INDEX IF EXISTS vacancies_enterprise_idx")
