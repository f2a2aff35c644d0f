"""Heat hexagons (H3 cells: available people, open positions) and partial GiST indexes for road tiles.

Revision ID: 0004_heat_hexagons
Revises: 0003_circle_stats
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0004_heat_hexagons"
down_revision = "0003_circle_stats"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE heat_hexagons (
    h3         text PRIMARY KEY,
    resolution integer NOT NULL CHECK (resolution BETWEEN 0 AND 15),
    seekers    integer NOT NULL CHECK (seekers >= 0),
    positions  integer NOT NULL CHECK (positions >= 0),
    geom       geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX heat_hexagons_geom_idx ON heat_hexagons USING gist (geom);
CREATE INDEX heat_hexagons_resolution_idx ON heat_hexagons (resolution);

-- Road tiles below z13 draw only the main classes: partial GiST indexes let them skip the minor edges.
-- The predicates match the statements "roads:major" and "roads:tertiary" in tiles/sql.py word for word.
CREATE INDEX road_edges_major_geom_idx ON road_edges USING gist (geom)
    WHERE highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link',
                      'primary', 'primary_link', 'secondary', 'secondary_link');
CREATE INDEX road_edges_tertiary_geom_idx ON road_edges USING gist (geom)
    WHERE highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link',
                      'primary', 'primary_link', 'secondary', 'secondary_link',
                      'tertiary', 'tertiary_link');
"""


def upgrade() -> None:
    """Create the heat hexagon table."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Drop the heat hexagon table and the partial road indexes."""
    op.execute(
        "DROP TABLE IF EXISTS heat_hexagons; "
        "DROP INDEX IF EXISTS road_edges_major_geom_idx, road_edges_tertiary_geom_idx"
    )
