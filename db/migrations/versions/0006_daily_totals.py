"""daily totals for the dashboard

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_totals",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("on_time_returns", sa.Integer(), nullable=False),
        sa.Column("new_members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "tier"),
    )
    op.create_index(
        "ix_coupons_campaign_issued", "coupons", ["campaign_id", "issued_at", "used_at"]
    )
    op.drop_index("ix_surveys_at", table_name="surveys")
    op.create_index("ix_surveys_at_score", "surveys", ["at", "score"])
    # Existing stores: the day book is filled from their visits by the app at its next start
    # (app.dashboard.ensure_totals), with the store's time zone, which lives in settings.
    op.execute(
        "INSERT INTO settings (key, value) SELECT 'daily_totals_stale', '1' "
        "WHERE EXISTS (SELECT 1 FROM members)"
    )


def downgrade() -> None:
    op.drop_index("ix_surveys_at_score", table_name="surveys")
    op.create_index("ix_surveys_at", "surveys", ["at"])
    op.drop_index("ix_coupons_campaign_issued", table_name="coupons")
    op.drop_table("daily_totals")
