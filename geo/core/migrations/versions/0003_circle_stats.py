"""Circle analytics results: per resident, per enterprise site, per village/township.

Revision ID: 0003_circle_stats
Revises: 0002_platform_meta
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003_circle_stats"
down_revision = "0002_platform_meta"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE circle_runs (
    run_id      serial PRIMARY KEY,
    mode        text NOT NULL CHECK (mode IN ('walk', 'ebike', 'car')),
    metric      text NOT NULL CHECK (metric IN ('length', 'time')),
    limit_value double precision NOT NULL CHECK (limit_value > 0),
    decay       text NOT NULL DEFAULT 'none',
    network_version integer NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    seconds     double precision NOT NULL DEFAULT 0,
    UNIQUE (mode, metric, limit_value, decay)
);

CREATE TABLE circle_resident_stats (
    run_id             integer NOT NULL REFERENCES circle_runs (run_id) ON DELETE CASCADE,
    resident_id        bigint NOT NULL REFERENCES residents (resident_id) ON DELETE CASCADE,
    on_network         boolean NOT NULL,
    positions_in_reach integer NOT NULL,
    matching_positions integer NOT NULL,
    access_index       double precision NOT NULL,
    PRIMARY KEY (run_id, resident_id)
);

CREATE TABLE circle_site_stats (
    run_id            integer NOT NULL REFERENCES circle_runs (run_id) ON DELETE CASCADE,
    site_id           bigint NOT NULL REFERENCES enterprise_sites (site_id) ON DELETE CASCADE,
    on_network        boolean NOT NULL,
    positions         integer NOT NULL,
    group_positions   jsonb NOT NULL DEFAULT '{}'::jsonb,
    candidates        integer NOT NULL,
    weighted_demand   double precision NOT NULL,
    supply_ratio      double precision NOT NULL,
    PRIMARY KEY (run_id, site_id)
);

CREATE TABLE circle_area_stats (
    run_id             integer NOT NULL REFERENCES circle_runs (run_id) ON DELETE CASCADE,
    area_code          varchar(12) NOT NULL REFERENCES admin_areas (code) ON DELETE CASCADE,
    level              text NOT NULL,
    residents          integer NOT NULL,
    seekers            integer NOT NULL,
    positions          integer NOT NULL,
    positions_in_reach double precision NOT NULL,
    access_index       double precision NOT NULL,
    balance            double precision NOT NULL,
    PRIMARY KEY (run_id, area_code)
);
"""


def upgrade() -> None:
    """Create the circle analytics tables."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Drop the circle analytics tables."""
    op.execute(
        "DROP TABLE IF EXISTS circle_area_stats, circle_site_stats, circle_resident_stats, circle_runs"
    )
