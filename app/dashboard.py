"""The manager's dashboard: the store's targets beside what actually happened in a period.

Visit figures come from the ``daily_totals`` day book (kept in each visit's transaction),
so a year at a million members reads about 1,500 rows; complaints, surveys and coupons
are read from their own indexed tables. Each number has a drill-down: the rows behind it.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app import store
from app.context import AppContext
from app.errors import ValidationError
from db.models import (
    Campaign,
    Complaint,
    ComplaintDeadline,
    Coupon,
    DailyTotal,
    Member,
    MemberStats,
    Setting,
    Survey,
    Visit,
)
from db.repositories import DashboardRepository

TARGETS_KEY = "dashboard_targets"
STALE_KEY = "daily_totals_stale"
SATISFIED_SCORE = 4  # 4 or 5 of 5 counts as satisfied
DRILL_LIMIT = 500
STAGES = ("response", "solution", "investigation", "answer")


# --- the period and the targets -----------------------------------------------------------------


# One colour per tier (best first), the same on the dashboard and in the PDF report.
TIER_COLOURS = ["#6a1b9a", "#1565c0", "#00897b", "#9e9e9e", "#8d6e63", "#f9a825"]


@dataclass(frozen=True)
class Period:
    """Store-local days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("period.order", field="end")
        if (self.end - self.start).days > 366 * 5:
            raise ValidationError("period.too_long", field="end", years=5)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants: midnight of the first day to midnight after the last."""
        lo = datetime.combine(self.start, datetime.min.time(), tzinfo=tz)
        hi = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        return lo.astimezone(UTC), hi.astimezone(UTC)

    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def previous(self) -> Period:
        """The period of the same length just before this one (for "vs. before")."""
        days = self.end - self.start + timedelta(days=1)
        return Period(self.start - days, self.start - timedelta(days=1))

    @classmethod
    def preset(cls, name: str, today: date) -> Period:
        """this_month, last_month, this_quarter, this_year, last_12_months, last_30_days."""
        first = today.replace(day=1)
        if name == "this_month":
            return cls(first, today)
        if name == "last_month":
            end = first - timedelta(days=1)
            return cls(end.replace(day=1), end)
        if name == "this_quarter":
            return cls(first.replace(month=(today.month - 1) // 3 * 3 + 1), today)
        if name == "this_year":
            return cls(date(today.year, 1, 1), today)
        if name == "last_30_days":
            return cls(today - timedelta(days=29), today)
        if name == "last_12_months":
            # This month so far and the eleven before it.
            return cls(_add_month(date(today.year - 1, today.month, 1)), today)
        raise ValidationError("period.unknown", field="period", value=name)


PRESETS = (
    "this_month",
    "last_month",
    "this_quarter",
    "this_year",
    "last_30_days",
    "last_12_months",
)


def _add_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Targets:
    """The store's own goals, in percent."""

    satisfaction_pct: int = 90
    on_time_pct: int = 95
    retention_pct: int = 60
    redemption_pct: int = 30

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
                raise ValidationError("target.range", field=name, min=0, max=100)

    @classmethod
    def from_json(cls, text: str) -> Targets:
        data = json.loads(text)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def get_targets(ctx: AppContext) -> Targets:
    with ctx.uow() as uow:
        row = uow.session.get(Setting, TARGETS_KEY)
        text = row.value if row else None
    return Targets.from_json(text) if text else Targets()


def set_targets(ctx: AppContext, targets: Targets) -> Targets:
    from app import audit, staff

    staff.require(ctx, "settings.edit")
    with ctx.uow() as uow:
        row = uow.session.get(Setting, TARGETS_KEY) or Setting(key=TARGETS_KEY)
        row.value = json.dumps(asdict(targets), sort_keys=True)
        uow.session.add(row)
        audit.record(uow.session, ctx, "settings", "targets", row.value)
        uow.commit()
    return targets


# --- the day book ------------------------------------------------------------------------------


def count_visit(
    s: Session, member_id: int, visit: Visit, tier: str, lapse_before: datetime | None
) -> None:
    """The visit in the day book: its day (store time), its tier, and whether the member
    came back before they would have counted as lapsing (``lapse_before``, computed from
    their visits before this one; None for a first visit)."""
    day = visit.visited_at.astimezone(store.zone_in(s)).date()
    returning = lapse_before is not None
    on_time = returning and visit.visited_at <= lapse_before  # type: ignore[operator]
    DashboardRepository(s).add(
        day,
        tier,
        visits=1,
        revenue_cents=visit.amount_cents,
        returns=int(returning),
        on_time_returns=int(on_time),
    )


def prior_visits(
    s: Session, member_id: int, visit_id: int, at: datetime
) -> tuple[int, datetime | None, datetime | None]:
    """(count, first, last) of the member's visits before visit `visit_id` made at `at`."""
    n, first, last = s.execute(
        select(func.count(), func.min(Visit.visited_at), func.max(Visit.visited_at)).where(
            Visit.member_id == member_id, Visit.visited_at <= at, Visit.id != visit_id
        )
    ).one()
    return int(n), _aware(first), _aware(last)


def count_new_member(s: Session, created_at: datetime, tier: str) -> None:
    day = created_at.astimezone(store.zone_in(s)).date()
    DashboardRepository(s).add(day, tier, new_members=1)


def rebuild_totals(ctx: AppContext, progress: Callable[[int], None] | None = None) -> int:
    """Recomputes the whole day book from visits and members (after a bulk import or an
    upgrade). Past visits are counted in the member's current tier. Returns visits read.

    One pass over the covering index in (member, time) order; the same rule as a live
    visit (app.loyalty._lapse_at), written out here with naive UTC values because this
    loop runs millions of times."""
    from app.loyalty import DEFAULT_LAPSE_DAYS, MIN_LAPSE, _tiers

    default_grace = timedelta(days=DEFAULT_LAPSE_DAYS)
    parse = datetime.fromisoformat
    with ctx.uow() as uow:
        s = uow.session
        repo = DashboardRepository(s)
        tz = store.zone_in(s)
        base = _tiers(s)[-1].code
        tiers = repo.tiers()
        book: dict[tuple[str, str], list[int]] = {}
        day_of = _hour_to_day(tz)
        read = 0
        current, n, tier = -1, 0, base
        first = last = datetime.min
        for mid, at_text, amount in repo.visits_in_member_order():
            if mid != current:
                current, n, tier = mid, 0, tiers.get(mid, base)
            key = (day_of(at_text), tier)
            entry = book.get(key)
            if entry is None:
                entry = book[key] = [0, 0, 0, 0, 0]
            entry[0] += 1
            entry[1] += amount
            at = parse(at_text)
            if n:
                usual = (last - first) / (n - 1) if n >= 3 else None
                grace = default_grace if usual is None else max(usual * 1.5, MIN_LAPSE)
                entry[2] += 1
                entry[3] += at <= last + grace
            else:
                first = at
            n += 1
            last = at
            read += 1
            if progress and read % 500_000 == 0:
                progress(read)
        for mid, at_text in repo.members_joined():
            key = (day_of(at_text), tiers.get(mid, base))
            book.setdefault(key, [0, 0, 0, 0, 0])[4] += 1
        repo.replace_all([(d, t, *v) for (d, t), v in sorted(book.items())])  # type: ignore[misc]
        s.merge(Setting(key=STALE_KEY, value="0"))
        uow.commit()
    return read


def _hour_to_day(tz: ZoneInfo) -> Callable[[str], str]:
    """Stored UTC text ('2026-11-22 17:05:00.000000') -> the store-local day
    ('2026-11-23'), looked up once per UTC hour (zone offsets change on the hour)."""
    cache: dict[str, str] = {}

    def day_of(text: str) -> str:
        hour = text[:13]
        day = cache.get(hour)
        if day is None:
            at = datetime.fromisoformat(hour + ":00").replace(tzinfo=UTC)
            day = cache[hour] = at.astimezone(tz).date().isoformat()
        return day

    return day_of


def totals_stale(ctx: AppContext) -> bool:
    """True when an upgrade, a bulk import or a new time zone asks for a recount."""
    with ctx.uow() as uow:
        row = uow.session.get(Setting, STALE_KEY)
        return row is not None and row.value == "1"


def ensure_totals(ctx: AppContext) -> bool:
    """Rebuilds the day book when it is stale. Returns whether it did."""
    stale = totals_stale(ctx)
    if stale:
        rebuild_totals(ctx)
    return stale


def mark_stale(ctx: AppContext) -> None:
    with ctx.uow() as uow:
        mark_stale_in(uow.session)
        uow.commit()


def mark_stale_in(s: Session) -> None:
    """Has the day book recounted (next time the dashboard opens), in the caller's
    transaction: after a bulk import, or a change of the store's time zone."""
    s.merge(Setting(key=STALE_KEY, value="1"))


# --- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRevenue:
    code: str
    name: str
    revenue_cents: int
    visits: int
    share: float  # of the period's revenue, 0..1


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    revenue_cents: int
    visits: int
    new_members: int
    surveys: int
    satisfied: int


@dataclass(frozen=True)
class StageRate:
    stage: str
    decided: int  # deadlines met, or passed unmet
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class CampaignRate:
    campaign_id: int | None  # None: coupons issued one by one
    name: str
    kind: str
    issued: int
    redeemed: int

    @property
    def rate(self) -> float | None:
        return self.redeemed / self.issued if self.issued else None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Dashboard:
    period: Period
    targets: Targets
    revenue_cents: int = 0
    visits: int = 0
    new_members: int = 0
    returns: int = 0
    on_time_returns: int = 0
    surveys: int = 0
    satisfied: int = 0
    complaints: int = 0
    by_tier: list[TierRevenue] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    by_category: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    stages: list[StageRate] = field(default_factory=list)
    campaigns: list[CampaignRate] = field(default_factory=list)
    computed_ms: float = 0.0

    @property
    def satisfaction_rate(self) -> float | None:
        return _ratio(self.satisfied, self.surveys)

    @property
    def retention_rate(self) -> float | None:
        return _ratio(self.on_time_returns, self.returns)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(sum(s.on_time for s in self.stages), sum(s.decided for s in self.stages))

    @property
    def redemption_rate(self) -> float | None:
        return _ratio(
            sum(c.redeemed for c in self.campaigns), sum(c.issued for c in self.campaigns)
        )

    @property
    def average_bill_cents(self) -> int:
        return self.revenue_cents // self.visits if self.visits else 0


def compute(ctx: AppContext, period: Period) -> Dashboard:
    """Every figure of the dashboard for the period (store-local days)."""
    from app import staff
    from app.loyalty import _tiers

    staff.require(ctx, "dashboard.view")
    started = time.perf_counter()
    now = ctx.clock.now()
    board = Dashboard(period=period, targets=get_targets(ctx))
    with ctx.uow() as uow:
        s = uow.session
        tz = store.zone_in(s)
        lo, hi = period.bounds(tz)
        tiers = _tiers(s)
        _visit_figures(s, board, tiers, period)
        _survey_figures(s, board, lo, hi, tz)
        _complaint_figures(s, board, lo, hi, now)
        _campaign_figures(s, board, lo, hi)
    board.computed_ms = (time.perf_counter() - started) * 1000
    return board


def _visit_figures(s: Session, board: Dashboard, tiers: list[Any], period: Period) -> None:
    t = DailyTotal
    in_period = and_(t.day >= period.start, t.day <= period.end)
    per_month: dict[str, list[int]] = {m: [0, 0, 0] for m in period.months()}
    per_tier: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    # Day rows (at most 366 x tiers a year), summed into months here: portable SQL.
    for day, tier, visits, revenue, returns, on_time, new in s.execute(
        select(
            t.day,
            t.tier,
            t.visits,
            t.revenue_cents,
            t.returns,
            t.on_time_returns,
            t.new_members,
        ).where(in_period)
    ):
        m = day.isoformat()[:7]
        visits, revenue, new = int(visits or 0), int(revenue or 0), int(new or 0)
        board.visits += visits
        board.revenue_cents += revenue
        board.returns += int(returns or 0)
        board.on_time_returns += int(on_time or 0)
        board.new_members += new
        row = per_month.setdefault(m, [0, 0, 0])
        row[0] += revenue
        row[1] += visits
        row[2] += new
        per_tier[tier][0] += revenue
        per_tier[tier][1] += visits
    total = board.revenue_cents
    known = [tier.code for tier in tiers]
    names = {tier.code: tier.name for tier in tiers}
    order = known + sorted(set(per_tier) - set(known))
    board.by_tier = [
        TierRevenue(
            code,
            names.get(code, code),
            per_tier[code][0],
            per_tier[code][1],
            per_tier[code][0] / total if total else 0.0,
        )
        for code in order
    ]
    board.months = [MonthRow(m, r, v, n, 0, 0) for m, (r, v, n) in sorted(per_month.items())]


def _survey_figures(s: Session, board: Dashboard, lo: datetime, hi: datetime, tz: ZoneInfo) -> None:
    """Satisfaction per store-local month: one range over the (time, score) index each."""
    satisfied = func.sum(case((Survey.score >= SATISFIED_SCORE, 1), else_=0))
    counts: dict[str, tuple[int, int]] = {}
    for month in board.period.months():
        y, m = int(month[:4]), int(month[5:])
        start = max(lo, datetime(y, m, 1, tzinfo=tz).astimezone(UTC))
        first_next = _add_month(date(y, m, 1))
        end = min(hi, datetime(first_next.year, first_next.month, 1, tzinfo=tz).astimezone(UTC))
        n, good = s.execute(
            select(func.count(), satisfied).where(Survey.at >= start, Survey.at < end)
        ).one()
        counts[month] = (int(n), int(good or 0))
        board.surveys += int(n)
        board.satisfied += int(good or 0)
    board.months = [
        MonthRow(r.month, r.revenue_cents, r.visits, r.new_members, *counts.get(r.month, (0, 0)))
        for r in board.months
    ]


def _complaint_figures(
    s: Session, board: Dashboard, lo: datetime, hi: datetime, now: datetime
) -> None:
    logged = and_(Complaint.created_at >= lo, Complaint.created_at < hi)
    for column, target in (
        (Complaint.category, board.by_category),
        (Complaint.channel, board.by_channel),
    ):
        for key, n in s.execute(select(column, func.count()).where(logged).group_by(column)):
            target[key] = int(n)
    board.complaints = sum(board.by_category.values())
    d = ComplaintDeadline
    decided = or_(d.met_at.is_not(None), d.due_at <= now)
    on_time = and_(d.met_at.is_not(None), d.met_at <= d.due_at)
    rows = {
        stage: (int(n or 0), int(good or 0))
        for stage, n, good in s.execute(
            select(
                d.stage,
                func.sum(case((decided, 1), else_=0)),
                func.sum(case((on_time, 1), else_=0)),
            )
            .join(Complaint, Complaint.id == d.complaint_id)
            .where(logged)
            .group_by(d.stage)
        )
    }
    board.stages = [StageRate(st, *rows.get(st, (0, 0))) for st in STAGES]


def _campaign_figures(s: Session, board: Dashboard, lo: datetime, hi: datetime) -> None:
    """Issued and redeemed per campaign: one range over (campaign, issued, used) each, which
    is several times faster than grouping a year of coupons."""
    c = Coupon
    in_period = and_(c.issued_at >= lo, c.issued_at < hi)
    campaigns: list[tuple[int | None, str, str]] = [(None, "", "single")]
    campaigns += [
        (r[0], r[1], r[2]) for r in s.execute(select(Campaign.id, Campaign.name, Campaign.kind))
    ]
    rates = []
    for cid, name, kind in campaigns:
        which = c.campaign_id.is_(None) if cid is None else c.campaign_id == cid
        issued, used = s.execute(
            select(func.count(), func.count(c.used_at)).where(which, in_period)
        ).one()
        if issued:
            rates.append(CampaignRate(cid, name, kind, int(issued), int(used)))
    board.campaigns = sorted(rates, key=lambda r: (-r.issued, r.name))


# --- drill-down: the rows behind a number -------------------------------------------------------


@dataclass(frozen=True)
class Drill:
    """A table: column keys (translated by the UI) and rows of plain values."""

    kind: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    member_ids: list[int | None]  # per row, to open the member
    truncated: bool


DRILLS = (
    "visits",
    "satisfaction",
    "retention",
    "new_members",
    "tier",
    "category",
    "channel",
    "stage",
    "campaign",
)


def drill(ctx: AppContext, kind: str, period: Period, key: str | None = None) -> Drill:
    """The rows behind one number of the dashboard (at most DRILL_LIMIT, newest first)."""
    if kind not in DRILLS:
        raise ValidationError("drill.unknown", field="kind", value=kind)
    from app import staff

    staff.require(ctx, "dashboard.view")
    with ctx.uow() as uow:
        s = uow.session
        lo, hi = period.bounds(store.zone_in(s))
        rows, ids = _DRILLERS[kind](s, lo, hi, key, ctx.clock.now())
        columns = _COLUMNS[kind]
    truncated = len(rows) > DRILL_LIMIT
    return Drill(kind, columns, rows[:DRILL_LIMIT], ids[:DRILL_LIMIT], truncated)


Rows = tuple[list[tuple[Any, ...]], list[int | None]]

_COLUMNS: dict[str, tuple[str, ...]] = {
    "visits": ("at", "member_no", "name", "tier", "amount", "items"),
    "satisfaction": ("at", "member_no", "name", "score", "comment"),
    "retention": ("at", "member_no", "name", "gap_days", "usual_days", "on_time"),
    "new_members": ("created_at", "member_no", "name", "visits", "spend"),
    "tier": ("member_no", "name", "tier", "spend_12m", "visits_12m"),
    "category": ("created_at", "ref", "guest", "category", "channel", "status"),
    "channel": ("created_at", "ref", "guest", "category", "channel", "status"),
    "stage": ("created_at", "ref", "guest", "stage", "due_at", "met_at", "on_time"),
    "campaign": ("issued_at", "code", "member_no", "name", "used_at"),
}


def _names(s: Session, ids: set[int | None]) -> dict[int, tuple[str, str]]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {
        mid: (no, name)
        for mid, no, name in s.execute(
            select(Member.id, Member.member_no, Member.name).where(Member.id.in_(wanted))
        )
    }


def _visits(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    """The visits behind the revenue, newest first; key "YYYY-MM": one month of them."""
    if key:
        tz = store.zone_in(s)
        y, m = int(key[:4]), int(key[5:7])
        nxt = _add_month(date(y, m, 1))
        lo = max(lo, datetime(y, m, 1, tzinfo=tz).astimezone(UTC))
        hi = min(hi, datetime(nxt.year, nxt.month, 1, tzinfo=tz).astimezone(UTC))
    found = list(
        s.execute(
            select(Visit.visited_at, Visit.member_id, Visit.amount_cents, Visit.items)
            .where(Visit.visited_at >= lo, Visit.visited_at < hi)
            .order_by(Visit.visited_at.desc())
            .limit(DRILL_LIMIT + 1)
        )
    )
    names = _names(s, {v[1] for v in found})
    tiers = dict(
        s.execute(
            select(MemberStats.member_id, MemberStats.tier).where(
                MemberStats.member_id.in_({v[1] for v in found})
            )
        ).all()
    )
    rows = [
        (at, *names.get(mid, ("", "")), tiers.get(mid, ""), amount, items)
        for at, mid, amount, items in found
    ]
    return rows, [v[1] for v in found]


def _surveys(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    stmt = select(Survey).where(Survey.at >= lo, Survey.at < hi)
    if key == "unsatisfied":
        stmt = stmt.where(Survey.score < SATISFIED_SCORE)
    found = list(s.scalars(stmt.order_by(Survey.at.desc()).limit(DRILL_LIMIT + 1)))
    names = _names(s, {v.member_id for v in found})
    rows = [(v.at, *names.get(v.member_id or 0, ("", "")), v.score, v.comment) for v in found]
    return rows, [v.member_id for v in found]


def _retention(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    """Return visits in the period, newest first, each with the gap since the member's
    visit before and their usual interval; key "late": only those that came too late."""
    from app.loyalty import _lapse_at, usual_interval

    rows: list[tuple[Any, ...]] = []
    ids: list[int | None] = []
    batch, offset = 1000, 0
    while len(rows) <= DRILL_LIMIT:
        visits = list(
            s.execute(
                select(Visit.id, Visit.member_id, Visit.visited_at)
                .where(Visit.visited_at >= lo, Visit.visited_at < hi)
                .order_by(Visit.visited_at.desc(), Visit.id.desc())
                .offset(offset)
                .limit(batch)
            )
        )
        if not visits:
            break
        offset += batch
        names = _names(s, {v[1] for v in visits})
        for vid, mid, at in visits:
            n, first, last = prior_visits(s, mid, vid, at)
            if not n:
                continue  # a first visit is not a return
            lapse = _lapse_at(last, first, n)
            assert lapse is not None and last is not None
            on_time = at <= lapse
            if key == "late" and on_time:
                continue
            usual = usual_interval(last, first, n)  # None: too few visits to have one
            days = None if usual is None else round(usual / timedelta(days=1))
            rows.append((at, *names.get(mid, ("", "")), (at - last).days, days, on_time))
            ids.append(mid)
            if len(rows) > DRILL_LIMIT:
                break
    return rows, ids


def _aware(value: Any) -> Any:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _new_members(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    found = list(
        s.execute(
            select(
                Member.created_at,
                Member.member_no,
                Member.name,
                Member.visit_count,
                Member.lifetime_spend_cents,
                Member.id,
            )
            .where(Member.created_at >= lo, Member.created_at < hi)
            .order_by(Member.created_at.desc())
            .limit(DRILL_LIMIT + 1)
        )
    )
    return [tuple(r[:5]) for r in found], [r[5] for r in found]


def _tier(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    st = MemberStats
    found = list(
        s.execute(
            select(
                Member.member_no, Member.name, st.tier, st.spend_12m_cents, st.visits_12m, Member.id
            )
            .join(Member, Member.id == st.member_id)
            .where(st.tier == (key or ""))
            .order_by(st.spend_12m_cents.desc())
            .limit(DRILL_LIMIT + 1)
        )
    )
    return [tuple(r[:5]) for r in found], [r[5] for r in found]


def _complaints(field_name: str) -> Callable[..., Rows]:
    def run(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
        from app.complaints import _guest, ref_of

        stmt = select(Complaint).where(Complaint.created_at >= lo, Complaint.created_at < hi)
        if key is not None:
            stmt = stmt.where(getattr(Complaint, field_name) == key)
        found = list(s.scalars(stmt.order_by(Complaint.created_at.desc()).limit(DRILL_LIMIT + 1)))
        names = {mid: name for mid, (_no, name) in _names(s, {c.member_id for c in found}).items()}
        rows = [
            (c.created_at, ref_of(c.id), _guest(s, c, names), c.category, c.channel, c.status)
            for c in found
        ]
        return rows, [c.member_id for c in found]

    return run


def _stage(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    from app.complaints import _guest, ref_of

    d = ComplaintDeadline
    stmt = (
        select(Complaint, d)
        .join(d, d.complaint_id == Complaint.id)
        .where(Complaint.created_at >= lo, Complaint.created_at < hi)
        .where(or_(d.met_at.is_not(None), d.due_at <= now))
    )
    if key:
        stmt = stmt.where(d.stage == key)
    found = list(s.execute(stmt.order_by(Complaint.created_at.desc()).limit(DRILL_LIMIT + 1)))
    names = {mid: name for mid, (_no, name) in _names(s, {c.member_id for c, _ in found}).items()}
    rows = [
        (
            c.created_at,
            ref_of(c.id),
            _guest(s, c, names),
            dl.stage,
            dl.due_at,
            dl.met_at,
            dl.met_at is not None and dl.met_at <= dl.due_at,
        )
        for c, dl in found
    ]
    return rows, [c.member_id for c, _ in found]


def _campaign(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    from app.codes import display

    stmt = select(Coupon).where(Coupon.issued_at >= lo, Coupon.issued_at < hi)
    stmt = stmt.where(
        Coupon.campaign_id.is_(None) if key in (None, "") else Coupon.campaign_id == int(key)
    )
    found = list(s.scalars(stmt.order_by(Coupon.issued_at.desc()).limit(DRILL_LIMIT + 1)))
    names = _names(s, {c.member_id for c in found})
    rows = [
        (c.issued_at, display(c.code), *names.get(c.member_id or 0, ("", "")), c.used_at)
        for c in found
    ]
    return rows, [c.member_id for c in found]


_DRILLERS: dict[str, Callable[..., Rows]] = {
    "visits": _visits,
    "satisfaction": _surveys,
    "retention": _retention,
    "new_members": _new_members,
    "tier": _tier,
    "category": _complaints("category"),
    "channel": _complaints("channel"),
    "stage": _stage,
    "campaign": _campaign,
}
