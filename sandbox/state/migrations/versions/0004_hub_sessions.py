"""hub sessions: short-lived gateway tokens bound to a notebook server and its grant

Revision ID: 0004_hub_sessions
Revises: 0002_privacy_ledger (re-chain to 0003 once the export airlock's migration lands)
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_hub_sessions"
down_revision: str | None = "0003_exports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hub_sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.String(36), nullable=False, unique=True),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("server_name", sa.String(64), nullable=False),
        sa.Column("grant_jti", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_hub_sessions_server", "hub_sessions", ["user_name", "server_name"])


def downgrade() -> None:
    op.drop_index("ix_hub_sessions_server", table_name="hub_sessions")
    op.drop_table("hub_sessions")
