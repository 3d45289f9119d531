"""Repositories: the queries services need, wrapped so services never write SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Dialect,
    Engine,
    Integer,
    Row,
    Select,
    String,
    Update,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.engine import fetch_direct, hold_table, warm_direct
from db.models import (
    Base,
    DailyTotal,
    Member,
    MemberSearchKey,
    MemberStats,
    MemberTag,
    PointsEntry,
    PrepaidAccount,
    Tier,
    Visit,
)
from db.types import UTCDateTime

# Greater than every other character in UTF-8 byte order (SQLite's BINARY
# collation, and PostgreSQL's "C" collation): key < prefix + KEY_END is a prefix scan.
KEY_END = "\U0010ffff"
# The birthday expression indexes of migration 0007, written the same way here so that the
# planner uses them.
BIRTHDAY_MD_SQLITE = "substr(members.birthday, 6, 5)"
BIRTHDAY_MD_PG = "(extract(month from members.birthday) * 100 + extract(day from members.birthday))"


def updated_rows(session: Session, statement: Update) -> int:
    """Runs a conditional UPDATE and says how many rows it changed: the way two counters
    agree on who got there first (a coupon redeemed, a breach alerted)."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)


# What one search result shows (app.members.member_row_of reads them in this order).
RESULT_COLUMNS = (
    Member.id,
    Member.member_no,
    Member.card_no,
    Member.name,
    Member.phone,
    Member.gender,
    Member.birthday,
    Member.visit_count,
    Member.lifetime_spend_cents,
    Member.last_visit_at,
    Member.active,
)
_RESULTS = select(*RESULT_COLUMNS).where(Member.id.in_(bindparam("ids", expanding=True)))


# How a prefix was made from what was typed, which sets where its finds rank: the name
# as everyday read (an exact key tier 0, a longer one 1), as rarely read or written in the
# other script (2, 3), as heard by fuzzy pinyin (4, exact or not).
PLAIN, RARE, FUZZY = 0, 1, 2


def _search_page(grades: tuple[int, ...]) -> Select[*tuple[Any, ...]]:
    """One prefix range scan per grade (PLAIN, RARE or FUZZY, in that order) bound to
    :lo<i>, :hi<i> and :n, each an index range of at most :n keys; each member once, at
    their best; ranked by tier (0 exact key, 1 prefix of a PLAIN scan; 2, 3 of a RARE one;
    4 FUZZY), then active members, those seen recently, often, then the scan and key that
    found them; at most :n rows of RESULT_COLUMNS.

    A found key is ranked by one string: its tier, its scan (a letter), the key itself, so
    a member's best is min() of a GROUP BY, and the tiers after the :n-th candidate's
    (:last = :n - 1 skipped) are cut before the members are read: no window function, no
    more sorting than one GROUP BY and the page's ORDER BY (half the time of ranking with
    row_number() and rank() on SQLite). On PostgreSQL the string takes the key's "C"
    collation, so min() and the order are byte order there too."""
    parts = []
    for i, grade in enumerate(grades):
        lo = bindparam(f"lo{i}", type_=String)
        tier: Any = (
            literal_column("'4'", String)
            if grade == FUZZY
            else case(
                (MemberSearchKey.key == lo, literal_column(f"'{2 * grade}'", String)),
                else_=literal_column(f"'{2 * grade + 1}'", String),
            )
        )
        rank = tier + literal_column(f"'{chr(ord('a') + i)}'", String) + MemberSearchKey.key
        part = (
            select(rank.label("rank"), MemberSearchKey.member_id.label("member_id"))
            .where(MemberSearchKey.key >= lo, MemberSearchKey.key < bindparam(f"hi{i}"))
            .order_by(MemberSearchKey.key, MemberSearchKey.member_id)
            .limit(bindparam("n", type_=Integer))
            .subquery(f"k{i}")
        )
        parts.append(select(part))
    keys = union_all(*parts).subquery("k")
    best = (
        select(keys.c.member_id, func.min(keys.c.rank).label("rank"))
        .group_by(keys.c.member_id)
        .cte("best")
    )
    one = literal_column("1", Integer)
    best_tier = func.substr(best.c.rank, one, one)
    # The tier of the :n-th best candidate: those after it cannot reach the page.
    last_tier = (
        select(func.substr(best.c.rank, one, one))
        .order_by(best.c.rank)
        .limit(1)
        .offset(bindparam("last", type_=Integer))
        .scalar_subquery()
    )
    return (
        select(*RESULT_COLUMNS)
        .join_from(best, Member, Member.id == best.c.member_id)
        .where(best_tier <= func.coalesce(last_tier, literal_column("'9'", String)))
        .order_by(
            best_tier,
            Member.active.desc(),
            Member.last_visit_at.desc().nulls_last(),
            Member.visit_count.desc(),
            best.c.rank,
            Member.id,
        )
        .limit(bindparam("n", type_=Integer))
    )


# Per database kind (SQLite, PostgreSQL) and plan shape, made at the first search of it.
_SEARCH_SQL: dict[
    tuple[str, tuple[int, ...]], tuple[str, tuple[str, ...], bool, dict[str, Any]]
] = {}
_PROCESSORS: dict[str, tuple[tuple[int, Callable[[Any], Any]], ...]] = {}


def _search_sql(
    dialect: Dialect, grades: tuple[int, ...]
) -> tuple[str, tuple[str, ...], bool, dict[str, Any]]:
    """_search_page's statement compiled once for a database kind: its SQL text, its
    parameters' names in the order the driver takes them, whether they go by position
    (SQLite's ?) or by name (psycopg's %(name)s), and the values it binds itself."""
    key = (dialect.name, grades)
    made = _SEARCH_SQL.get(key)
    if made is None:
        compiled = _search_page(grades).compile(dialect=dialect)
        positional = bool(compiled.positional)
        names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
        own = {k: b.value for k, b in compiled.binds.items() if b.value is not None}
        made = _SEARCH_SQL[key] = (str(compiled), names, positional, own)
    return made


def _result_processors(dialect: Dialect) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    """What SQLAlchemy would make of those of RESULT_COLUMNS the driver returns otherwise
    (a SQLite date string a date, a UTC instant an aware datetime, 0/1 a bool): (column
    index, processor) pairs, the columns taken as they come left out."""
    made = _PROCESSORS.get(dialect.name)
    if made is None:
        processors = (
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in RESULT_COLUMNS
        )
        made = _PROCESSORS[dialect.name] = tuple(
            (i, p) for i, p in enumerate(processors) if p is not None
        )
    return made


def search_page(
    engine: Engine, prefixes: Sequence[tuple[str, int]], limit: int
) -> list[tuple[Any, ...]]:
    """The members found by these key prefixes (each with its grade: PLAIN, RARE or FUZZY,
    in that order), best first, at most `limit`: RESULT_COLUMNS of each, typed as through
    SQLAlchemy.

    One statement, so one round trip to a server; each prefix an index range of at most
    `limit` keys, and the ranking (exact, prefix; the rare ones' exact, prefix; fuzzy;
    active; seen recently, often) done
    by the database, so only the page comes back. Compiled once per shape and run by the
    driver on the connection the engine keeps for it: a keystroke builds no SQL, goes
    through no ORM, execution layer or pool, and on a server is one round trip (see
    fetch_direct)."""
    if not prefixes or limit < 1:
        return []
    grades = tuple(grade for _, grade in prefixes)
    if list(grades) != sorted(grades) or not set(grades) <= {PLAIN, RARE, FUZZY}:
        raise ValueError("the prefixes' grades are PLAIN, RARE, FUZZY in that order")
    dialect = engine.dialect
    sql, names, positional, own = _search_sql(dialect, grades)
    values = dict(own)
    values["n"], values["last"] = limit, limit - 1
    for i, (prefix, _) in enumerate(prefixes):
        values[f"lo{i}"] = prefix
        values[f"hi{i}"] = prefix + KEY_END
    params: Any = tuple(values[name] for name in names) if positional else values
    found = fetch_direct(engine, sql, params)
    processors = _result_processors(dialect)
    if not processors:
        return [tuple(row) for row in found]
    page = []
    for row in found:
        typed = list(row)
        for i, process in processors:
            typed[i] = process(typed[i])
        page.append(tuple(typed))
    return page


# Every page a lookup can read, walked without reading a row: SQLite's count(*) over a
# table's own B-tree (NOT INDEXED: not the smallest index, which count(*) would take).
_WARM_SQLITE = tuple(
    f'SELECT count(*) FROM "{name}" NOT INDEXED'
    for name in (MemberSearchKey.__tablename__, Member.__tablename__)
)


def warm_search_page(engine: Engine) -> int:
    """search_page made ready for its first keystrokes, once after the store opens (on a
    background thread): on SQLite every page of the search keys and of the members is
    read once through the lookup's own connection (see db.engine.warm_direct), which
    also brings them from the disk. Returns the members, or -1 on a server, where there
    is nothing to do: its cache is its own, kept warm by every counter's lookups."""
    if engine.dialect.name != "sqlite":
        return -1
    _keys, (members,) = warm_direct(engine, _WARM_SQLITE)
    return int(members)


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

    def phones_and_cards(self) -> tuple[set[str], set[str]]:
        """Every phone and card number in use (demo data added to a store avoids them)."""
        phones, cards = set(), set()
        for phone, card in self.session.execute(select(Member.phone, Member.card_no)):
            phones.add(phone)
            if card:
                cards.add(card)
        return phones, cards

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Member)) or 0)

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

    def result_rows(self, ids: Iterable[int]) -> list[Row[*tuple[Any, ...]]]:
        """RESULT_COLUMNS of these members, as plain rows (the benchmark's baseline)."""
        id_list = list(ids)
        if not id_list:
            return []
        return list(self.session.connection().execute(_RESULTS, {"ids": id_list}).all())

    def points_now(self, member_id: int, balance: int, now: datetime) -> int:
        """The member's points balance as of `now`: less the batches past their year that
        the daily expiry has not taken yet (no longer theirs); never below zero."""
        due = self.session.scalar(
            select(func.coalesce(func.sum(PointsEntry.remaining), 0)).where(
                PointsEntry.member_id == member_id,
                PointsEntry.remaining > 0,
                PointsEntry.expires_at <= now,
            )
        )
        return max(0, balance - int(due or 0))

    def tier_of(self, member_id: int) -> str:
        """The member's tier code: their stats row's, or the lowest tier until their first
        review or upgrade."""
        tier = self.session.scalar(
            select(MemberStats.tier).where(MemberStats.member_id == member_id)
        )
        if tier is not None:
            return str(tier)
        lowest = self.session.scalar(select(Tier.code).order_by(Tier.rank).limit(1))
        return str(lowest or "C")

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

    def key_sources_after(
        self, after_id: int, limit: int
    ) -> list[tuple[int, str, str | None, str, str]]:
        """(id, member no., card, name, phone) of the next `limit` members after
        `after_id`, locked on a server until the caller's transaction ends (an edit
        meanwhile waits, so its keys are not overwritten with older ones)."""
        rows = self.session.execute(
            select(Member.id, Member.member_no, Member.card_no, Member.name, Member.phone)
            .where(Member.id > after_id)
            .order_by(Member.id)
            .limit(limit)
            .with_for_update()
        )
        return [(i, no, card, name, phone) for i, no, card, name, phone in rows]

    def replace_keys_of(self, keys_by_member: dict[int, set[str]]) -> None:
        """Every listed member's keys replaced, in two statements."""
        if not keys_by_member:
            return
        self.session.execute(
            delete(MemberSearchKey).where(MemberSearchKey.member_id.in_(list(keys_by_member)))
        )
        rows = [{"key": k, "member_id": m} for m, keys in keys_by_member.items() for k in keys]
        if rows:
            self.session.execute(insert(MemberSearchKey), rows)

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

    def with_birthday_on(self, month_days: Iterable[tuple[int, int]]) -> list[int]:
        """Active members whose birthday falls on one of the (month, day) pairs: an index
        lookup on the expression index of migration 0007 ('MM-DD' on SQLite, month * 100 +
        day on PostgreSQL)."""
        wanted = sorted(set(month_days))
        if self.session.get_bind().dialect.name == "sqlite":
            md: Any = literal_column(BIRTHDAY_MD_SQLITE)
            values: list[Any] = [f"{m:02d}-{d:02d}" for m, d in wanted]
        else:
            md = literal_column(BIRTHDAY_MD_PG)
            values = [m * 100 + d for m, d in wanted]
        return list(
            self.session.scalars(
                select(Member.id).where(md.in_(values), Member.active.is_(True)).order_by(Member.id)
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


def _aware(d: datetime | None) -> datetime | None:
    return None if d is None else d.replace(tzinfo=UTC)


class LoyaltyRepository:
    """The bulk reads and writes of the loyalty review, a million members at a time:
    SQLite gets raw rows and pre-formatted timestamps; other databases take the
    portable SQLAlchemy path."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    # Timestamps in and out of this class are naive UTC: at a million rows, attaching
    # and converting time zones costs seconds the review does not need to spend.
    @staticmethod
    def when(value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return datetime.fromisoformat(value)

    def _time(self, column: Any) -> Any:
        # SQLite keeps timestamps as text: parsing them here is ~5x faster than the
        # general type machinery, which matters at a million rows.
        return type_coerce(column, String) if self.sqlite else column

    def visit_stats(
        self, since: datetime
    ) -> list[tuple[int, int, int, datetime | None, datetime | None, int]]:
        """(member id, spend since, visits since, first visit, last visit, all visits) for
        every member who ever came, from the covering index on visits."""
        recent = Visit.visited_at >= since  # since: aware; rows come back naive UTC
        stmt = (
            select(
                Visit.member_id,
                func.sum(case((recent, Visit.amount_cents), else_=0)),
                func.sum(case((recent, 1), else_=0)),
                self._time(func.min(Visit.visited_at)),
                self._time(func.max(Visit.visited_at)),
                func.count(),
            )
            .group_by(Visit.member_id)
            .order_by(Visit.member_id)
        )
        when = self.when
        return [
            (mid, int(spend or 0), int(n or 0), when(first), when(last), int(total))
            for mid, spend, n, first, last, total in self.session.execute(stmt)
        ]

    def current(self, *where: Any) -> dict[int, tuple[str, int, int, str, str | None]]:
        """member id -> (tier, spend, visits, segment, lapse_at as stored) of the last review
        (or of a visit since), for every member or those `where` picks."""
        stmt = select(
            MemberStats.member_id,
            MemberStats.tier,
            MemberStats.spend_12m_cents,
            MemberStats.visits_12m,
            MemberStats.segment,
            self._time(MemberStats.lapse_at),
        ).where(*where)
        return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in self.session.execute(stmt)}

    def hold_stats(self) -> None:
        """Every other writer kept off member_stats until the caller's transaction ends:
        what the figures hold now is then what gets overwritten (db.engine.hold_table)."""
        hold_table(self.session, MemberStats.__tablename__)

    def stored(self, member_ids: Sequence[int]) -> dict[int, tuple[str, int, int, str, str | None]]:
        """current() for these members only (a few), or for all of them when they are many
        (one pass over the table beats a hundred thousand lookups)."""
        if len(member_ids) > 20_000:
            return self.current()
        found: dict[int, tuple[str, int, int, str, str | None]] = {}
        for start in range(0, len(member_ids), 500):
            chunk = member_ids[start : start + 500]
            found.update(self.current(MemberStats.member_id.in_(chunk)))
        return found

    def upsert(self, rows: list[tuple[Any, ...]]) -> None:
        """rows: (member id, tier, spend, visits, first, segment, lapse); inserted, or
        updated in place where the member already has a row, in the caller's transaction."""
        if not rows:
            return
        fields = ("tier", "spend_12m_cents", "visits_12m", "first_visit_at", "segment", "lapse_at")
        if self.sqlite:

            def stamp(d: datetime | None) -> str | None:
                # The form SQLAlchemy stores (microseconds always present); isoformat is
                # several times faster than strftime over a million rows.
                return None if d is None else d.isoformat(" ", "microseconds")

            assignments = ", ".join(f"{f} = excluded.{f}" for f in fields)
            conn = self.session.connection()
            # A big rewrite is faster with the lapse index built once afterwards (a
            # sort) than kept up to date row by row (random inserts): 11 s -> ~6 s.
            rebuild = len(rows) > 50_000
            if rebuild:
                conn.exec_driver_sql("DROP INDEX IF EXISTS ix_member_stats_lapse")
            self.session.connection().exec_driver_sql(
                f"INSERT INTO member_stats (member_id, {', '.join(fields)}) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT (member_id) DO UPDATE SET {assignments}",
                [(r[0], r[1], r[2], r[3], stamp(r[4]), r[5], stamp(r[6])) for r in rows],
            )
            if rebuild:
                conn.exec_driver_sql(
                    "CREATE INDEX ix_member_stats_lapse ON member_stats (lapse_at)"
                )
            return
        keys = ("member_id", *fields)
        rows = [(*r[:4], _aware(r[4]), r[5], _aware(r[6])) for r in rows]
        stmt = pg_insert(MemberStats)
        stmt = stmt.on_conflict_do_update(
            index_elements=[MemberStats.member_id],
            set_={f: getattr(stmt.excluded, f) for f in fields},
        )
        self.session.execute(stmt, [dict(zip(keys, r, strict=True)) for r in rows])

    def add_tier_changes(self, changes: list[dict[str, Any]]) -> None:
        if changes:
            # Core executemany: a review may record a few hundred thousand changes.
            self.session.connection().execute(insert(Base.metadata.tables["tier_changes"]), changes)


class DashboardRepository:
    """The dashboard's day book (daily_totals): added to in each visit's transaction,
    rebuilt in one pass after a bulk import or an upgrade."""

    COUNTS = ("visits", "revenue_cents", "returns", "on_time_returns", "new_members")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def add(self, day: date, tier: str, **values: int) -> None:
        """Adds to one day-and-tier row (created at zero when missing)."""
        row: dict[str, Any] = {"day": day, "tier": tier, **dict.fromkeys(self.COUNTS, 0)}
        row.update(values)
        upsert = sqlite_insert if self.sqlite else pg_insert
        stmt = upsert(DailyTotal).values(**row)
        columns = DailyTotal.__table__.c
        stmt = stmt.on_conflict_do_update(
            index_elements=["day", "tier"],
            set_={k: columns[k] + stmt.excluded[k] for k in values},
        )
        self.session.execute(stmt)

    def hold(self) -> None:
        """Every visit and new member kept out of the day book until the caller's
        transaction ends (they wait; reads go on: db.engine.hold_table)."""
        hold_table(self.session, DailyTotal.__tablename__)

    def book(self) -> dict[tuple[str, str], tuple[int, ...]]:
        """The day book as it stands: (day ISO, tier) -> its COUNTS."""
        columns = [getattr(DailyTotal, c) for c in self.COUNTS]
        rows = self.session.execute(select(DailyTotal.day, DailyTotal.tier, *columns))
        return {(r[0].isoformat(), r[1]): tuple(int(v) for v in r[2:]) for r in rows}

    def tiers(self) -> dict[int, str]:
        return {
            mid: tier
            for mid, tier in self.session.execute(select(MemberStats.member_id, MemberStats.tier))
        }

    def visits_in_member_order(self) -> Iterable[tuple[int, str, int]]:
        """(member id, visited_at as stored UTC text, amount) in (member, time) order, from
        the covering index; streamed."""
        if self.sqlite:  # the plain driver: several seconds faster over millions of rows
            return cast(
                Iterable[tuple[int, str, int]],
                self.session.connection().exec_driver_sql(
                    "SELECT member_id, visited_at, amount_cents FROM visits "
                    "ORDER BY member_id, visited_at"
                ),
            )
        return self._visits_any()

    def _visits_any(self) -> Iterable[tuple[int, str, int]]:
        stmt = (
            select(
                Visit.member_id,
                Visit.visited_at,
                Visit.amount_cents,
            )
            .order_by(Visit.member_id, Visit.visited_at)
            .execution_options(yield_per=50_000)
        )
        for mid, at, amount in self.session.execute(stmt):
            yield mid, _naive_text(at), amount

    def members_joined(self) -> Iterable[tuple[int, str]]:
        stmt = select(
            Member.id, type_coerce(Member.created_at, String) if self.sqlite else Member.created_at
        ).execution_options(yield_per=50_000)
        for mid, at in self.session.execute(stmt):
            yield mid, at if isinstance(at, str) else _naive_text(cast(datetime, at))

    def replace_all(self, rows: list[tuple[str, str, int, int, int, int, int]]) -> None:
        """rows: (day ISO, tier, visits, revenue, returns, on-time returns, new members)."""
        self.session.execute(delete(DailyTotal))
        if rows:
            keys = ("day", "tier", *self.COUNTS)
            self.session.execute(
                insert(DailyTotal),
                [dict(zip(keys, (date.fromisoformat(r[0]), *r[1:]), strict=True)) for r in rows],
            )


def _naive_text(at: datetime) -> str:
    """An instant as SQLAlchemy stores it in SQLite: naive UTC, microseconds always."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(" ", "microseconds")


def ensure_prepaid_account(session: Session, member_id: int, now: datetime) -> None:
    """The member's stored-value card row, made empty if missing, without failing when
    another counter makes it at the same instant (INSERT ... ON CONFLICT DO NOTHING, in
    each backend's own dialect)."""
    values = {
        "member_id": member_id,
        "principal_cents": 0,
        "bonus_cents": 0,
        "status": "open",
        "opened_at": now,
        "period_start_id": 0,
    }
    if session.get_bind().dialect.name == "postgresql":
        statement: Any = pg_insert(PrepaidAccount).values(values).on_conflict_do_nothing()
    else:
        statement = sqlite_insert(PrepaidAccount).values(values).on_conflict_do_nothing()
    session.execute(statement)
