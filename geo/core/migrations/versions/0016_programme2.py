"""Park tenants and support requests may name a talent (创新创业人才库) instead of a bare resident.

0011 was built before the talents library (0008 on a parallel branch) existed, so a "talent" tenant or
applicant was a ``resident_id``. Both tables gain ``talent_id`` (→ talents, cascading like the other parties)
and the rule "exactly one of enterprise, resident" becomes "exactly one of enterprise, talent, resident":
rows that name a resident keep working. No new table, so the row-level policies of 0011 (by ``area_code``)
cover the new column unchanged; the app role's column privileges come with its table grants.

Revision ID: 0016_programme2
Revises: 0009_matching
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0016_programme2"
down_revision = "0009_matching"
branch_labels = None
depends_on = None

TABLES = ("park_tenants", "support_requests")

UPGRADE = """
ALTER TABLE {t} ADD COLUMN talent_id bigint REFERENCES talents (talent_id) ON DELETE CASCADE;
DO $$
DECLARE name text;
BEGIN
    -- 0011's rule was unnamed; PostgreSQL numbered it by creation order, so find it by what it says
    FOR name IN SELECT conname FROM pg_constraint
                WHERE conrelid = '{t}'::regclass AND contype = 'c'
                  AND pg_get_constraintdef(oid) LIKE '%(enterprise_id IS NULL) <> (resident_id IS NULL)%'
    LOOP
        EXECUTE format('ALTER TABLE {t} DROP CONSTRAINT %I', name);
    END LOOP;
END $$;
ALTER TABLE {t} ADD CONSTRAINT {t}_one_party CHECK (num_nonnulls(enterprise_id, talent_id, resident_id) = 1);
CREATE INDEX {t}_talent_idx ON {t} (talent_id) WHERE talent_id IS NOT NULL;
"""

# A talent row that came from a resident falls back to that resident; one without a resident cannot be
# represented before this revision and is removed.
DOWNGRADE = """
UPDATE {t} x SET resident_id = tl.resident_id, talent_id = NULL
FROM talents tl
WHERE x.talent_id = tl.talent_id AND tl.resident_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM residents r WHERE r.resident_id = tl.resident_id);
DELETE FROM {t} WHERE talent_id IS NOT NULL;
ALTER TABLE {t} DROP CONSTRAINT {t}_one_party;
DROP INDEX IF EXISTS {t}_talent_idx;
ALTER TABLE {t} DROP COLUMN talent_id;
ALTER TABLE {t} ADD CONSTRAINT {t}_one_of_two CHECK ((enterprise_id IS NULL) <> (resident_id IS NULL));
"""


def upgrade() -> None:
    """Add talent_id to park tenants and support requests; exactly one party per row."""
    for table in TABLES:
        op.execute(UPGRADE.format(t=table))


def downgrade() -> None:
    """Drop talent_id (talents that were residents fall back to the resident; others are removed)."""
    for table in TABLES:
        op.execute(DOWNGRADE.format(t=table))
