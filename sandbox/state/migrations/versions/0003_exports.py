"""export airlock: requests, their frozen files per turn, and reviews

Revision ID: 0003_exports
Revises: 0002_privacy_ledger
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_exports"
down_revision: str | None = "0002_privacy_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_requests",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("enterprise", sa.String(64), nullable=False),
        sa.Column("grant_jti", sa.String(64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("turn", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("required_reviews", sa.BigInteger(), nullable=False),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("checks_run", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bundle_sha256", sa.String(64), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_export_requests_enterprise", "export_requests", ["enterprise", "state"])
    op.create_table(
        "export_files",
        sa.Column("request_id", sa.String(40), primary_key=True),
        sa.Column("turn", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
    )
    op.create_table(
        "export_reviews",
        sa.Column("request_id", sa.String(40), primary_key=True),
        sa.Column("turn", sa.BigInteger(), primary_key=True),
        sa.Column("reviewer", sa.String(64), primary_key=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("file_comments", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("export_reviews")
    op.drop_table("export_files")
    op.drop_index("ix_export_requests_enterprise", table_name="export_requests")
    op.drop_table("export_requests")
