"""The manager's dashboard: the store's targets beside what actually happened in a period.

Visit figures come from the day book (app.reporting.daybook), so a year at a million
members reads about 1,500 rows; complaints, surveys and coupons are read from their own
indexed tables, the stored-value money from the cards' ledger (app.prepaid.figures_in:
two queries). Each number has a drill-down (app.reporting.drills): the rows behind it."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app import prepaid
from app.core import audit, keys, store
from app.core.calendar import STAGES
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.core.permissions import require
from app.loyalty import tiers_in
from db.models import (
    Campaign,
    Complaint,
    ComplaintDeadline,
    Coupon,
    DailyTotal,
    Setting,
    Survey,
)

SATISFIED_SCORE = 4  # 4 or 5 of 5 counts as satisfied


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
            return cls(add_month(date(today.year - 1, today.month, 1)), today)
        raise ValidationError("period.unknown", field="period", value=name)


PRESETS = (
    "this_month",
    "last_month",
    "this_quarter",
    "this_year",
    "last_30_days",
    "last_12_months",
)


def add_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def target_met(rate: float | None, target_pct: int) -> bool | None:
    """Whether a rate (0..1) reaches a target in percent; None when there is no rate yet
    (nothing to measure). The one rule for the dashboard's green, the report and the CSV."""
    return None if rate is None else rate * 100 >= target_pct


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
        row = uow.session.get(Setting, keys.DASHBOARD_TARGETS)
        text = row.value if row else None
    return Targets.from_json(text) if text else Targets()


def set_targets(ctx: AppContext, targets: Targets) -> Targets:
    require(ctx, "settings.edit")
    with ctx.uow(write=True) as uow:
        row = uow.session.get(Setting, keys.DASHBOARD_TARGETS) or Setting(
            key=keys.DASHBOARD_TARGETS
        )
        row.value = json.dumps(asdict(targets), sort_keys=True)
        uow.session.add(row)
        audit.record(uow.session, ctx, "settings", "targets", row.value)
        uow.commit()
    return targets


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


NO_CARDS = prepaid.PrepaidFigures(0, 0, 0, 0, 0, 0, 0, 0, 0)


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
    # Stored-value cards: the money of the period, and what the store owes at its end.
    cards: prepaid.PrepaidFigures = NO_CARDS
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

    @property
    def card_spend_cents(self) -> int:
        """Paid from the cards in the period, principal and bonus together."""
        return self.cards.spent_principal_cents + self.cards.spent_bonus_cents

    @property
    def card_bonus_rate(self) -> float | None:
        """Bonus given for each yuan paid in (0..1); None when nothing was paid in."""
        return _ratio(self.cards.bonus_given_cents, self.cards.recharged_cents)


def compute(ctx: AppContext, period: Period) -> Dashboard:
    """Every figure of the dashboard for the period (store-local days)."""
    require(ctx, "dashboard.view")
    started = time.perf_counter()
    now = ctx.clock.now()
    board = Dashboard(period=period, targets=get_targets(ctx))
    with ctx.uow() as uow:
        s = uow.session
        tz = store.zone_in(s)
        lo, hi = period.bounds(tz)
        tiers = tiers_in(s)
        _visit_figures(s, board, tiers, period)
        _survey_figures(s, board, lo, hi, tz)
        _complaint_figures(s, board, lo, hi, now)
        _campaign_figures(s, board, lo, hi)
        board.cards = prepaid.figures_in(s, lo, hi)
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
        first_next = add_month(date(y, m, 1))
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
