"""warnings before a complaint deadline

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # When each deadline's warning is due (stamped with the deadline, as the deadline
    # itself is) and when a counter claimed it. Deadlines stamped before this version
    # have no warning time: they are not warned (they never were), only breached.
    with op.batch_alter_table("complaint_deadlines") as batch:
        batch.add_column(sa.Column("warn_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("warned_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaint_deadlines") as batch:
        batch.drop_column("warned_at")
        batch.drop_column("warn_at")
