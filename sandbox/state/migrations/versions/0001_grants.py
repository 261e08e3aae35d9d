"""grants: the register of issued authorization and staff tokens

Revision ID: 0001_grants
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_grants"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("enterprise", sa.String(64), nullable=True),
        sa.Column("scenario", sa.String(32), nullable=True),
        sa.Column("datasets", sa.JSON(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=True),
        sa.Column("epsilon", sa.Float(), nullable=True),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(128), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("key_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_grants_subject", "grants", ["subject"])
    op.create_index("ix_grants_enterprise", "grants", ["enterprise"])


def downgrade() -> None:
    op.drop_index("ix_grants_enterprise", table_name="grants")
    op.drop_index("ix_grants_subject", table_name="grants")
    op.drop_table("grants")
