"""Per-resident circle figures in one partition per run, replaced whole instead of deleted row by row.

A run replaces its million rows each time it is recomputed. Deleting and re-inserting them left a million dead
rows and a bloated index behind per run, and the store grew from ~1 s to ~5 s over a few runs. Now
``circle_resident_stats`` is partitioned by run; a run is written into a fresh unlogged table, indexed, and
swapped in for the old partition in the same transaction (readers see the old run until the commit).

Revision ID: 0019_circle_resident_partitions
Revises: 0018_resident_group_counts
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0019_circle_resident_partitions"
down_revision = "0018_resident_group_counts"
branch_labels = None
depends_on = None

COLUMNS = """
    run_id             integer NOT NULL,
    resident_id        bigint NOT NULL,
    on_network         boolean NOT NULL,
    positions_in_reach integer NOT NULL,
    matching_positions integer NOT NULL,
    access_index       double precision NOT NULL,
    PRIMARY KEY (run_id, resident_id)
"""

UPGRADE = f"""
ALTER TABLE circle_resident_stats RENAME TO circle_resident_stats_old;
ALTER INDEX circle_resident_stats_pkey RENAME TO circle_resident_stats_old_pkey;
CREATE TABLE circle_resident_stats ({COLUMNS}) PARTITION BY LIST (run_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON circle_resident_stats TO hongyan_app;
DO $$
DECLARE r integer;
BEGIN
    FOR r IN SELECT DISTINCT run_id FROM circle_resident_stats_old LOOP
        EXECUTE format('CREATE UNLOGGED TABLE %I PARTITION OF circle_resident_stats FOR VALUES IN (%s)',
                       'circle_resident_stats_r' || r, r);
    END LOOP;
END $$;
INSERT INTO circle_resident_stats SELECT run_id, resident_id, on_network, positions_in_reach,
    matching_positions, access_index FROM circle_resident_stats_old;
DROP TABLE circle_resident_stats_old;
"""  # noqa: S608 (constants only)

DOWNGRADE = f"""
ALTER TABLE circle_resident_stats RENAME TO circle_resident_stats_parts;
ALTER INDEX circle_resident_stats_pkey RENAME TO circle_resident_stats_parts_pkey;
CREATE UNLOGGED TABLE circle_resident_stats ({COLUMNS});
INSERT INTO circle_resident_stats SELECT * FROM circle_resident_stats_parts;
DROP TABLE circle_resident_stats_parts;
GRANT SELECT, INSERT, UPDATE, DELETE ON circle_resident_stats TO hongyan_app;
"""  # noqa: S608 (constants only)


def upgrade() -> None:
    """Partition the per-resident figures by run."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Back to one unlogged table."""
    op.execute(DOWNGRADE)
