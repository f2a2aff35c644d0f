"""Platform metadata: key/value facts such as which demo county is built.

Revision ID: 0002_platform_meta
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0002_platform_meta"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create platform_meta."""
    op.execute(
        """
        CREATE TABLE platform_meta (
            key        text PRIMARY KEY,
            value      jsonb NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    """Drop platform_meta."""
    op.execute("DROP TABLE IF EXISTS platform_meta")
