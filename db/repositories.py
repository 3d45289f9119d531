"""Repositories: the queries services need, wrapped so services never write SQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Update,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from db.models import Member, MemberSearchKey, MemberTag, Visit
from db.types import UTCDateTime

# Greater than every other character in UTF-8 byte order (SQLite's BINARY
# collation, and PostgreSQL's "C" collation): key < prefix + KEY_END is a prefix scan.
KEY_END = "\U0010ffff"


def updated_rows(session: Session, statement: Update) -> int:
    """Runs a conditional UPDATE and says how many rows it changed: the way two counters
    agree on who got there first (a coupon redeemed, a breach alerted)."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int) -> Member | None:
        return self.session.get(Member, member_id)

    def by_phone(self, phone: str) -> Member | None:
        return self.session.scalar(select(Member).where(Member.phone == phone))

    def by_card(self, card_no: str) -> Member | None:
        """Card numbers are stored upper-case; a scanner may send either case."""
        return self.session.scalar(select(Member).where(Member.card_no == card_no.upper()))

    def by_member_no(self, member_no: str) -> Member | None:
        return self.session.scalar(select(Member).where(Member.member_no == member_no.upper()))

    def max_id(self) -> int:
        return int(self.session.scalar(select(func.max(Member.id))) or 0)

    def keys_with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """(key, member_id) pairs whose key starts with prefix, in key order."""
        rows = self.session.execute(
            select(MemberSearchKey.key, MemberSearchKey.member_id)
            .where(MemberSearchKey.key >= prefix, MemberSearchKey.key < prefix + KEY_END)
            .order_by(MemberSearchKey.key, MemberSearchKey.member_id)
            .limit(limit)
        )
        return [(k, m) for k, m in rows]

    def by_ids(self, ids: Iterable[int]) -> list[Member]:
        id_list = list(ids)
        if not id_list:
            return []
        return list(self.session.scalars(select(Member).where(Member.id.in_(id_list))))

    def naive_scan(self, text: str, limit: int) -> list[int]:
        """The obvious LIKE '%q%' search, kept only as the benchmark's baseline."""
        pattern = f"%{text}%"
        return list(
            self.session.scalars(
                select(Member.id)
                .where(
                    or_(
                        Member.phone.like(pattern),
                        Member.name.like(pattern),
                        Member.name_pinyin.like(pattern),
                        Member.card_no.like(pattern),
                        Member.member_no.like(pattern),
                    )
                )
                .limit(limit)
            )
        )

    def replace_keys(self, member_id: int, keys: set[str]) -> None:
        self.session.execute(delete(MemberSearchKey).where(MemberSearchKey.member_id == member_id))
        if keys:
            self.session.execute(
                insert(MemberSearchKey), [{"key": k, "member_id": member_id} for k in keys]
            )

    def set_tags(self, member: Member, tags: Sequence[str]) -> None:
        member.tags = [MemberTag(tag=t) for t in tags]

    def add_visit_totals(self, member_id: int, amount_cents: int, visited_at: datetime) -> None:
        when = literal(visited_at, UTCDateTime())
        self.session.execute(
            update(Member)
            .where(Member.id == member_id)
            .values(
                visit_count=Member.visit_count + 1,
                lifetime_spend_cents=Member.lifetime_spend_cents + amount_cents,
                last_visit_at=case(
                    (or_(Member.last_visit_at.is_(None), Member.last_visit_at < when), when),
                    else_=Member.last_visit_at,
                ),
            )
        )

    def visits(self, member_id: int, limit: int, offset: int = 0) -> list[Visit]:
        return list(
            self.session.scalars(
                select(Visit)
                .where(Visit.member_id == member_id)
                .order_by(Visit.visited_at.desc(), Visit.id.desc())
                .limit(limit)
                .offset(offset)
            )
        )
