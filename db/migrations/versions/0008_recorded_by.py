"""who recorded visits and follow-up calls

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every action is the signed-in person's: a visit's server (staff) may be someone
    # else, so who typed it in is kept beside it; follow-up calls say who planned and
    # who made them. Older rows keep an empty name (not known).
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("recorded_by", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("follow_ups") as batch:
        batch.add_column(sa.Column("created_by", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("done_by", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("follow_ups") as batch:
        batch.drop_column("done_by")
        batch.drop_column("created_by")
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("recorded_by")
