"""server mode: request ids (saves repeated after a lost answer), byte-order search keys

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_ids",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_request_ids_at", "request_ids", ["at"])
    if op.get_bind().dialect.name == "postgresql":
        # Search keys are compared in byte order (prefix = range scan), as on SQLite.
        op.execute('ALTER TABLE member_search_keys ALTER COLUMN key TYPE varchar(160) COLLATE "C"')


def downgrade() -> None:
    op.drop_index("ix_request_ids_at", table_name="request_ids")
    op.drop_table("request_ids")
