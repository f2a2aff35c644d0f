"""Per-resident circle figures are derived data rewritten in bulk: no per-row foreign-key checks, unlogged.

A million foreign-key checks made the COPY of one run take ~9 s; the run's own DELETE already clears old rows,
and live updates delete a leaving resident's row themselves. Unlogged: after a crash the table is empty and
`hongyan analyze circles` rebuilds it.

Revision ID: 0005_circle_stats_bulk
Revises: 0004_heat_hexagons
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0005_circle_stats_bulk"
down_revision = "0004_heat_hexagons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the foreign keys of circle_resident_stats and make it unlogged."""
    op.execute(
        "ALTER TABLE circle_resident_stats DROP CONSTRAINT IF EXISTS circle_resident_stats_resident_id_fkey"
    )
    op.execute(
        "ALTER TABLE circle_resident_stats DROP CONSTRAINT IF EXISTS circle_resident_stats_run_id_fkey"
    )
    op.execute("ALTER TABLE circle_resident_stats SET UNLOGGED")


def downgrade() -> None:
    """Restore the logged table with its foreign keys."""
    op.execute("ALTER TABLE circle_resident_stats SET LOGGED")
    op.execute(
        "ALTER TABLE circle_resident_stats ADD CONSTRAINT circle_resident_stats_run_id_fkey"
        " FOREIGN KEY (run_id) REFERENCES circle_runs (run_id) ON DELETE CASCADE"
    )
    op.execute(
        "ALTER TABLE circle_resident_stats ADD CONSTRAINT circle_resident_stats_resident_id_fkey"
        " FOREIGN KEY (resident_id) REFERENCES residents (resident_id) ON DELETE CASCADE"
    )
