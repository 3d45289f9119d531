"""loyalty

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:07:42.066502
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "tiers",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("min_spend_cents", sa.BigInteger(), nullable=False),
        sa.Column("min_visits", sa.Integer(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("points_per_100", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "member_stats",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("spend_12m_cents", sa.BigInteger(), nullable=False),
        sa.Column("visits_12m", sa.Integer(), nullable=False),
        sa.Column("first_visit_at", sa.DateTime(), nullable=True),
        sa.Column("segment", sa.String(length=8), nullable=False),
        sa.Column("lapse_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.PrimaryKeyConstraint("member_id"),
    )
    with op.batch_alter_table("member_stats", schema=None) as batch_op:
        batch_op.create_index("ix_member_stats_lapse", ["lapse_at"], unique=False)

    op.create_table(
        "tier_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("from_tier", sa.String(length=8), nullable=False),
        sa.Column("to_tier", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tier_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tier_changes_member_id"), ["member_id"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_follow_ups_open", ["done_at", "due_at"], unique=False)

    op.create_table(
        "points_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=160), nullable=False),
        sa.Column("staff", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("points_entries", schema=None) as batch_op:
        batch_op.create_index("ix_points_expiring", ["expires_at", "remaining"], unique=False)
        batch_op.create_index("ix_points_member", ["member_id", "id"], unique=False)

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index("ix_surveys_at", ["at"], unique=False)

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("points_balance", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_members_last_visit", ["last_visit_at"], unique=False)
        batch_op.create_check_constraint("ck_members_points_nonnegative", "points_balance >= 0")

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_member_time"))
        batch_op.create_index(
            "ix_visits_member_time_amount",
            ["member_id", "visited_at", "amount_cents"],
            unique=False,
        )

    # Default tiers; a manager edits names and thresholds afterwards.
    tiers = sa.table(
        "tiers",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("rank", sa.Integer),
        sa.column("min_spend_cents", sa.BigInteger),
        sa.column("min_visits", sa.Integer),
        sa.column("discount_percent", sa.Integer),
        sa.column("points_per_100", sa.Integer),
    )
    op.bulk_insert(
        tiers,
        [
            {
                "code": "VIP",
                "name": "VIP",
                "rank": 4,
                "min_spend_cents": 2_000_000,
                "min_visits": 24,
                "discount_percent": 12,
                "points_per_100": 200,
            },
            {
                "code": "A",
                "name": "A",
                "rank": 3,
                "min_spend_cents": 800_000,
                "min_visits": 12,
                "discount_percent": 8,
                "points_per_100": 150,
            },
            {
                "code": "B",
                "name": "B",
                "rank": 2,
                "min_spend_cents": 200_000,
                "min_visits": 4,
                "discount_percent": 5,
                "points_per_100": 120,
            },
            {
                "code": "C",
                "name": "C",
                "rank": 1,
                "min_spend_cents": 0,
                "min_visits": 0,
                "discount_percent": 0,
                "points_per_100": 100,
            },
        ],
    )


def downgrade() -> None:

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_member_time_amount")
        batch_op.create_index(
            batch_op.f("ix_visits_member_time"), ["member_id", "visited_at"], unique=False
        )

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_constraint("ck_members_points_nonnegative", type_="check")
        batch_op.drop_index("ix_members_last_visit")
        batch_op.drop_column("points_balance")

    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_at")

    op.drop_table("surveys")
    with op.batch_alter_table("points_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_points_member")
        batch_op.drop_index("ix_points_expiring")

    op.drop_table("points_entries")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_open")
        batch_op.drop_index(batch_op.f("ix_follow_ups_member_id"))

    op.drop_table("follow_ups")
    with op.batch_alter_table("tier_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_changes_member_id"))

    op.drop_table("tier_changes")
    with op.batch_alter_table("member_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_member_stats_lapse")

    op.drop_table("member_stats")
    op.drop_table("tiers")
