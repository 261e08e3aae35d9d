"""credits: metered audit entries, job lines, per-source credit lines, frozen statements, self-reports

Revision ID: 0006_credits
Revises: 0003_exports, 0004_hub_sessions (re-chain to the single highest revision once they are linear)
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_credits"
down_revision: str | None = "0004_hub_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_meter_cursor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "credit_meter_records",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("enterprise", sa.String(64), nullable=True),
        sa.Column("grant_jti", sa.String(64), nullable=True),
        sa.Column("export_id", sa.String(128), nullable=True),
        sa.Column("result_id", sa.String(128), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_credit_meter_kind_ts", "credit_meter_records", ["kind", "ts"])
    op.create_index("ix_credit_meter_result", "credit_meter_records", ["result_id"])
    op.create_index("ix_credit_meter_export", "credit_meter_records", ["export_id"])
    op.create_table(
        "credit_jobs",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("enterprise", sa.String(64), nullable=False),
        sa.Column("export_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("fingerprint_sql", sa.String(64), nullable=False),
        sa.Column("fingerprint_result", sa.String(64), nullable=False),
        sa.Column("line", sa.JSON(), nullable=False),
    )
    op.create_index("ix_credit_jobs_enterprise_ts", "credit_jobs", ["enterprise", "ts"])
    op.create_index("ix_credit_jobs_period", "credit_jobs", ["period"])
    op.create_table(
        "credit_lines",
        sa.Column("job_seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("dataset", sa.String(128), primary_key=True),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("enterprise", sa.String(64), nullable=False),
        sa.Column("credit_micro", sa.BigInteger(), nullable=False),
        sa.Column("self_use", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_credit_lines_department", "credit_lines", ["department", "period"])
    op.create_table(
        "credit_statements",
        sa.Column("department", sa.String(64), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(80), nullable=False),
        sa.Column("prev_hash", sa.String(80), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("department", "number", name="uq_credit_statements_number"),
    )
    op.create_table(
        "security_reports",
        sa.Column("enterprise", sa.String(64), primary_key=True),
        sa.Column("half", sa.String(7), primary_key=True),
        sa.Column("submitted_by", sa.String(128), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hash", sa.String(80), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("security_reports")
    op.drop_table("credit_statements")
    op.drop_index("ix_credit_lines_department", table_name="credit_lines")
    op.drop_table("credit_lines")
    op.drop_index("ix_credit_jobs_period", table_name="credit_jobs")
    op.drop_index("ix_credit_jobs_enterprise_ts", table_name="credit_jobs")
    op.drop_table("credit_jobs")
    op.drop_index("ix_credit_meter_export", table_name="credit_meter_records")
    op.drop_index("ix_credit_meter_result", table_name="credit_meter_records")
    op.drop_index("ix_credit_meter_kind_ts", table_name="credit_meter_records")
    op.drop_table("credit_meter_records")
    op.drop_table("credit_meter_cursor")
