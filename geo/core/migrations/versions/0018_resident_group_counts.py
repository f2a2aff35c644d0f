"""Residents counted per village and occupation group, kept current by statement triggers, for rebalancing.

The rebalancing plan needs, per village and medium occupation group, the available residents and the sum of
their coordinates (for population-weighted centres). Reading the million residents for each plan took about
0.55 s; ``resident_group_counts`` holds those sums (coordinates in integer 1e-7 degrees, so adding and
subtracting is exact) and statement-level triggers with transition tables apply every INSERT, UPDATE, DELETE
(a COPY of a million rows is one statement) and TRUNCATE of ``residents``. Aggregates by village only: no
personal rows, no row-level security; the application reads it and writes it only through the triggers.

Revision ID: 0018_resident_group_counts
Revises: 0017_rebalance
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0018_resident_group_counts"
down_revision = "0017_rebalance"
branch_labels = None
depends_on = None

GROUP_OF = """
CREATE FUNCTION resident_group_key(status text, wish boolean, occupation text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN (status IN ('seeking', 'farming') OR (status = 'working_away' AND wish))
                     AND occupation IS NOT NULL
                THEN split_part(occupation, '-', 1) || '-' || split_part(occupation, '-', 2)
                ELSE '' END
$$;
"""


def _apply(rows: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') the rows of a transition table."""
    return f"""
        INSERT INTO resident_group_counts AS c (village_code, grp, people, sum_lon_e7, sum_lat_e7)
        SELECT village_code, resident_group_key(status, wish_to_return, occupation_code),
               {sign}count(*), {sign}sum(round(ST_X(geom) * 1e7)::bigint)::bigint,
               {sign}sum(round(ST_Y(geom) * 1e7)::bigint)::bigint
        FROM {rows} GROUP BY 1, 2
        ON CONFLICT (village_code, grp) DO UPDATE
           SET people = c.people + EXCLUDED.people, sum_lon_e7 = c.sum_lon_e7 + EXCLUDED.sum_lon_e7,
               sum_lat_e7 = c.sum_lat_e7 + EXCLUDED.sum_lat_e7;"""  # noqa: S608 (constants only)


UPGRADE = f"""
CREATE TABLE resident_group_counts (
    village_code varchar(12) NOT NULL,
    grp          text NOT NULL,  -- '' for residents not available for work
    people       bigint NOT NULL,
    sum_lon_e7   bigint NOT NULL,
    sum_lat_e7   bigint NOT NULL,
    PRIMARY KEY (village_code, grp)
);
{GROUP_OF}
CREATE FUNCTION resident_counts_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    {_apply("new_rows", "+")}
    RETURN NULL;
END $$;

CREATE FUNCTION resident_counts_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    {_apply("old_rows", "-")}
    DELETE FROM resident_group_counts WHERE people = 0;
    RETURN NULL;
END $$;

CREATE FUNCTION resident_counts_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    {_apply("old_rows", "-")}
    {_apply("new_rows", "+")}
    DELETE FROM resident_group_counts WHERE people = 0;
    RETURN NULL;
END $$;

CREATE FUNCTION resident_counts_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    DELETE FROM resident_group_counts;
    RETURN NULL;
END $$;

CREATE TRIGGER residents_counts_insert AFTER INSERT ON residents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_insert();
CREATE TRIGGER residents_counts_delete AFTER DELETE ON residents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_delete();
CREATE TRIGGER residents_counts_update AFTER UPDATE ON residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_update();
CREATE TRIGGER residents_counts_truncate AFTER TRUNCATE ON residents
    FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_truncate();

INSERT INTO resident_group_counts (village_code, grp, people, sum_lon_e7, sum_lat_e7)
SELECT village_code, resident_group_key(status, wish_to_return, occupation_code), count(*),
       sum(round(ST_X(geom) * 1e7)::bigint)::bigint, sum(round(ST_Y(geom) * 1e7)::bigint)::bigint
FROM residents GROUP BY 1, 2;

GRANT SELECT ON resident_group_counts TO hongyan_app;
"""  # noqa: S608 (constants only)

DOWNGRADE = """
DROP TRIGGER IF EXISTS residents_counts_insert ON residents;
DROP TRIGGER IF EXISTS residents_counts_delete ON residents;
DROP TRIGGER IF EXISTS residents_counts_update ON residents;
DROP TRIGGER IF EXISTS residents_counts_truncate ON residents;
DROP FUNCTION IF EXISTS resident_counts_insert(), resident_counts_delete(), resident_counts_update(),
    resident_counts_truncate();
DROP FUNCTION IF EXISTS resident_group_key(text, boolean, text);
DROP TABLE IF EXISTS resident_group_counts;
"""


def upgrade() -> None:
    """Create the counts, their triggers, and fill them from the residents."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Drop the triggers, functions and the counts."""
    op.execute(DOWNGRADE)
