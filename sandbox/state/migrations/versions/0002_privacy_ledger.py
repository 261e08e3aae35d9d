"""privacy ledger: per grant × dataset ε/δ budgets, append-only charges, and the answer cache

Revision ID: 0002_privacy_ledger
Revises: 0001_grants
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_privacy_ledger"
down_revision: str | None = "0001_grants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ε in units of 1e-9 and δ in units of 1e-18, as integers: sums are exact.
    op.create_table(
        "privacy_budgets",
        sa.Column("grant_jti", sa.String(64), primary_key=True),
        sa.Column("dataset", sa.String(128), primary_key=True),
        sa.Column("epsilon_allocated", sa.BigInteger(), nullable=False),
        sa.Column("epsilon_spent", sa.BigInteger(), nullable=False),
        sa.Column("delta_allocated", sa.BigInteger(), nullable=False),
        sa.Column("delta_spent", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "epsilon_spent >= 0 AND epsilon_spent <= epsilon_allocated", name="ck_privacy_budgets_epsilon"
        ),
        sa.CheckConstraint("delta_spent >= 0 AND delta_spent <= delta_allocated", name="ck_privacy_budgets_delta"),
    )
    op.create_table(
        "privacy_charges",
        sa.Column("charge_id", sa.String(36), primary_key=True),
        sa.Column("dataset", sa.String(128), primary_key=True),
        sa.Column("grant_jti", sa.String(64), nullable=False),
        sa.Column("epsilon", sa.BigInteger(), nullable=False),
        sa.Column("delta", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("charged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
    )
    op.create_index("ix_privacy_charges_grant", "privacy_charges", ["grant_jti", "dataset"])
    op.create_table(
        "privacy_answers",
        sa.Column("grant_jti", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(128), primary_key=True),
        sa.Column("charge_id", sa.String(36), nullable=False),
        sa.Column("mechanism", sa.JSON(), nullable=False),
        sa.Column("costs", sa.JSON(), nullable=False),
        sa.Column("answer", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("privacy_answers")
    op.drop_index("ix_privacy_charges_grant", table_name="privacy_charges")
    op.drop_table("privacy_charges")
    op.drop_table("privacy_budgets")
