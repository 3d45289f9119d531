"""birthday month-day index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 22:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Birthdays by month and day ('MM-DD' of the stored 'YYYY-MM-DD'): this week's
    # birthdays and birthday campaigns become an index lookup instead of a full scan.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX ix_members_birthday_md ON members (substr(birthday, 6, 5))")
    else:
        # PostgreSQL: a date has no substr(), and to_char() is not IMMUTABLE (it cannot be
        # indexed); month * 100 + day can (db.repositories.BIRTHDAY_MD_PG matches it).
        op.execute(
            "CREATE INDEX ix_members_birthday_md ON members "
            "((extract(month from birthday) * 100 + extract(day from birthday)))"
        )


def downgrade() -> None:
    op.drop_index("ix_members_birthday_md", table_name="members")
