"""Page sessions expire when idle: each session records when it was last used.

The staff pages authenticate with an HttpOnly cookie (api/auth.py). A cookie session that has not been used
for ``HONGYAN_SESSION_IDLE_MINUTES`` is refused; every use moves ``last_used_at`` forward. Existing sessions
count as used at migration time. The application role already holds UPDATE on ``sessions`` (0006), and the
``sessions_own`` policy still decides which row a transaction may touch.

Revision ID: 0022_session_idle
Revises: 0021_login_throttle
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0022_session_idle"
down_revision = "0021_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add sessions.last_used_at (now for existing rows)."""
    op.execute("ALTER TABLE sessions ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now()")


def downgrade() -> None:
    """Drop sessions.last_used_at."""
    op.execute("ALTER TABLE sessions DROP COLUMN IF EXISTS last_used_at")
