"""Enterprises: what the public sees (approved at least once, with the approved name) and contact fields.

An enterprise is public once the county has approved it (``first_approved_at``); while a later edit waits for
review it keeps showing the name and industry last approved (``approved_name``, ``approved_industry``).
``public_enterprises`` is that public face, read by the job map, the tiles, search and reports. Rows loaded
as ``approved`` (the demo, rows from before 0007) are public with their current values. The contact person's
name and mobile number (``contact_phone_cipher``: encrypted, never stored in clear) may be changed by the
enterprise's HR without review. ``enterprises`` keeps its row-level security (0006); the view is
``security_invoker`` so it never shows the application role more than the table's policies allow;
``enterprise_is_public(id)`` answers only that yes/no to the application role.

Revision ID: 0014_records2
Revises: 0010_programme
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0014_records2"
down_revision = "0010_programme"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE enterprises
    ADD COLUMN first_approved_at    timestamptz,
    ADD COLUMN approved_name        text,
    ADD COLUMN approved_industry    text,
    ADD COLUMN contact_name         text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone_cipher bytea;
UPDATE enterprises SET first_approved_at = created_at, approved_name = name, approved_industry = industry
WHERE record_status = 'approved';

CREATE VIEW public_enterprises WITH (security_invoker = true) AS
SELECT enterprise_id, credit_code,
       CASE WHEN record_status = 'approved' THEN name ELSE approved_name END AS name,
       CASE WHEN record_status = 'approved' THEN industry ELSE approved_industry END AS industry,
       kind, employees, area_code, first_approved_at
FROM enterprises
WHERE record_status = 'approved' OR first_approved_at IS NOT NULL;

-- whether an enterprise is public is public: a township reviewing a vacancy at a site in its area may not see
-- the enterprise's row (registered elsewhere), yet must not open vacancies of an enterprise nobody approved
CREATE FUNCTION enterprise_is_public(id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM public_enterprises WHERE enterprise_id = id)
$$;
REVOKE ALL ON FUNCTION enterprise_is_public(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enterprise_is_public(bigint) TO hongyan_app;
"""


def upgrade() -> None:
    """Add the approval and contact columns, backfill approved rows, create the public view."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Drop the view and the columns."""
    op.execute("DROP FUNCTION IF EXISTS enterprise_is_public(bigint)")
    op.execute("DROP VIEW IF EXISTS public_enterprises")
    op.execute(
        "ALTER TABLE enterprises DROP COLUMN first_approved_at, DROP COLUMN approved_name, "
        "DROP COLUMN approved_industry, DROP COLUMN contact_name, DROP COLUMN contact_phone_cipher"
    )
