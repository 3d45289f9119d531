"""stored-value cards: recharge plans, accounts, the ledger

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recharge_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("pay_cents", sa.BigInteger(), nullable=False),
        sa.Column("bonus_cents", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("upgrade_tier", sa.String(8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.CheckConstraint("pay_cents > 0", name="ck_recharge_plans_pay_positive"),
        sa.CheckConstraint("bonus_cents >= 0", name="ck_recharge_plans_bonus_nonnegative"),
    )
    op.create_table(
        "prepaid_accounts",
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), primary_key=True),
        sa.Column("principal_cents", sa.BigInteger(), nullable=False),
        sa.Column("bonus_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("period_start_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("principal_cents >= 0", name="ck_prepaid_principal_nonnegative"),
        sa.CheckConstraint("bonus_cents >= 0", name="ck_prepaid_bonus_nonnegative"),
    )
    op.create_table(
        "prepaid_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("principal_cents", sa.BigInteger(), nullable=False),
        sa.Column("bonus_cents", sa.BigInteger(), nullable=False),
        sa.Column("principal_after", sa.BigInteger(), nullable=False),
        sa.Column("bonus_after", sa.BigInteger(), nullable=False),
        sa.Column("cash_cents", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(12), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("recharge_plans.id"), nullable=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visits.id"), nullable=True),
        sa.Column(
            "voids_id",
            sa.Integer(),
            sa.ForeignKey("prepaid_entries.id"),
            nullable=True,
            unique=True,
        ),
        sa.Column("reason", sa.String(160), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(40), nullable=True, unique=True),
        sa.Column("buyer_name", sa.String(60), nullable=False),
        sa.Column("buyer_id_masked", sa.String(24), nullable=False),
        sa.Column("buyer_id_sealed", sa.Text(), nullable=False),
    )
    op.create_index("ix_prepaid_member", "prepaid_entries", ["member_id", "id"])
    op.create_index("ix_prepaid_at", "prepaid_entries", ["at", "kind"])


def downgrade() -> None:
    op.drop_index("ix_prepaid_at", "prepaid_entries")
    op.drop_index("ix_prepaid_member", "prepaid_entries")
    op.drop_table("prepaid_entries")
    op.drop_table("prepaid_accounts")
    op.drop_table("recharge_plans")
