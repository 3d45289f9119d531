"""Keeping guests: tiers that move up and down, a points ledger, segments, care lists,
follow-up calls and satisfaction surveys."""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from time import perf_counter
from typing import Any

from sqlalchemy import (
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from app import audit, store
from app.context import AppContext
from app.coupons import CouponTerms, CouponView, birthday_members, issue_in
from app.errors import Conflict, NotFound, ValidationError
from app.members import MemberRow, _row, text_field
from app.staff import require
from db.models import (
    Complaint,
    FollowUp,
    Member,
    MemberStats,
    PointsEntry,
    Setting,
    Survey,
    Tier,
    TierChange,
    Visit,
)
from db.repositories import LoyaltyRepository, updated_rows

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
YEAR = timedelta(days=365)
POINTS_VALID = timedelta(days=365)
DEFAULT_LAPSE_DAYS = 60
MIN_LAPSE = timedelta(days=14)
LAST_REFRESH_KEY = "loyalty_last_refresh"
REFRESH_EVERY = timedelta(days=30)
OPEN_COMPLAINT = ("new", "responded", "investigating", "answered", "reopened")


@dataclass(frozen=True)
class TierView:
    code: str
    name: str
    rank: int
    min_spend_cents: int
    min_visits: int
    discount_percent: int
    points_per_100: int  # points per ¥100


@dataclass(frozen=True)
class PointsLine:
    at: datetime
    kind: str
    points: int
    reason: str
    staff: str
    expires_at: datetime | None


@dataclass(frozen=True)
class TierChangeView:
    at: datetime
    from_tier: str
    to_tier: str
    reason: str


@dataclass(frozen=True)
class FollowUpView:
    id: int
    member: MemberRow
    complaint_id: int | None
    due_at: datetime
    assignee: str
    purpose: str
    outcome: str
    done_at: datetime | None
    created_by: str = ""
    done_by: str = ""


@dataclass(frozen=True)
class RefreshResult:
    members: int
    upgraded: int
    downgraded: int
    seconds: float


# --- tiers -------------------------------------------------------------------------------------


def list_tiers(ctx: AppContext) -> list[TierView]:
    with ctx.uow() as uow:
        return _tiers(uow.session)


def _tiers(s: Session) -> list[TierView]:
    rows = s.scalars(select(Tier).order_by(Tier.rank.desc()))
    return [
        TierView(
            t.code,
            t.name,
            t.rank,
            t.min_spend_cents,
            t.min_visits,
            t.discount_percent,
            t.points_per_100,
        )
        for t in rows
    ]


def set_tiers(ctx: AppContext, tiers: list[TierView]) -> list[TierView]:
    """Replaces names, thresholds and benefits. Higher tiers must ask at least as much as
    lower ones, and the lowest asks nothing, so every member has exactly one tier."""
    require(ctx, "tiers.edit")
    ordered = sorted(tiers, key=lambda t: -t.rank)
    if not ordered or ordered[-1].min_spend_cents or ordered[-1].min_visits:
        raise ValidationError("tier.base", field="tiers")
    for higher, lower in itertools.pairwise(ordered):
        if higher.min_spend_cents < lower.min_spend_cents or higher.min_visits < lower.min_visits:
            raise ValidationError("tier.order", field="tiers", tier=higher.name)
        # A better tier never gives less: no B at 15 % off while A gets 8 %.
        if (
            higher.discount_percent < lower.discount_percent
            or higher.points_per_100 < lower.points_per_100
        ):
            raise ValidationError(
                "tier.benefit_order", field="tiers", tier=higher.name, lower=lower.name
            )
    for t in ordered:
        text_field(t.name, "name", required=True, max_len=32)
        if not 0 <= t.discount_percent <= 50 or not 0 <= t.points_per_100 <= 1000:
            raise ValidationError("tier.benefit", field="tiers", tier=t.name)
    with ctx.uow() as uow:
        s = uow.session
        known = {t.code: t for t in s.scalars(select(Tier))}
        for t in ordered:
            row = known.get(t.code) or Tier(code=t.code)
            row.name, row.rank = t.name.strip(), t.rank
            row.min_spend_cents, row.min_visits = t.min_spend_cents, t.min_visits
            row.discount_percent, row.points_per_100 = t.discount_percent, t.points_per_100
            s.add(row)
        audit.record(
            s,
            ctx,
            "tiers.edit",
            "",
            ", ".join(
                f"{t.code}:{t.name}/{t.min_spend_cents}/{t.min_visits}/{t.discount_percent}"
                f"/{t.points_per_100}"
                for t in ordered
            ),
        )
        uow.commit()
        return _tiers(s)


def qualifying_tier(tiers: list[TierView], spend_cents: int, visits: int) -> TierView:
    """The best tier whose spend and visit thresholds are both met (tiers best first)."""
    for t in tiers:
        if spend_cents >= t.min_spend_cents and visits >= t.min_visits:
            return t
    return tiers[-1]


def _money(cents: int) -> str:
    return f"¥{cents / 100:,.0f}"


# --- visits: points and upgrades ----------------------------------------------------------------


def stats_of(s: Session, member_id: int) -> MemberStats | None:
    return s.get(MemberStats, member_id)


def tier_code(s: Session, member_id: int) -> str:
    """The member's tier code (the lowest tier until their first review or upgrade)."""
    row = stats_of(s, member_id)
    return row.tier if row else _tiers(s)[-1].code


def tier_of(ctx: AppContext, member_id: int) -> str:
    with ctx.uow() as uow:
        return tier_code(uow.session, member_id)


def on_visit(s: Session, member: Member, visit: Visit, now: datetime) -> None:
    """Called in the visit's own transaction: earn points at the member's tier rate,
    upgrade at once if the last 12 months now qualify (downgrades wait for the review)."""
    tiers = _tiers(s)
    by_code = {t.code: t for t in tiers}
    stats = stats_of(s, member.id)
    if stats is None:
        stats = MemberStats(
            member_id=member.id, tier=tiers[-1].code, spend_12m_cents=0, visits_12m=0, segment=""
        )
        s.add(stats)
    current = by_code.get(stats.tier) or tiers[-1]
    from app import dashboard

    n_before, first_before, last_before = dashboard.prior_visits(
        s, member.id, visit.id, visit.visited_at
    )
    lapse_before = _lapse_at(last_before, first_before, n_before) if n_before else None
    dashboard.count_visit(s, member.id, visit, current.code, lapse_before)
    points = visit.amount_cents * current.points_per_100 // 10000
    if points > 0:
        s.add(
            PointsEntry(
                member_id=member.id,
                at=now,
                kind="earn",
                points=points,
                remaining=points,
                expires_at=visit.visited_at + POINTS_VALID,
                visit_id=visit.id,
                reason="",
            )
        )
        s.execute(
            update(Member)
            .where(Member.id == member.id)
            .values(points_balance=Member.points_balance + points)
        )
    spend, count = s.execute(
        select(func.coalesce(func.sum(Visit.amount_cents), 0), func.count(Visit.id)).where(
            Visit.member_id == member.id, Visit.visited_at >= now - YEAR
        )
    ).one()
    stats.spend_12m_cents, stats.visits_12m = int(spend), int(count)
    best = qualifying_tier(tiers, int(spend), int(count))
    if best.rank > current.rank:
        stats.tier = best.code
        s.add(
            TierChange(
                member_id=member.id,
                at=now,
                from_tier=current.code,
                to_tier=best.code,
                reason=f"upgrade: 12 months {_money(int(spend))}, {count} visits",
            )
        )
    # The member row already counts this visit (totals are updated before this hook).
    first = stats.first_visit_at or visit.visited_at
    stats.first_visit_at = min(first, visit.visited_at)
    stats.lapse_at = _lapse_at(member.last_visit_at, stats.first_visit_at, member.visit_count)


def usual_interval(last: datetime | None, first: datetime | None, visits: int) -> timedelta | None:
    """The member's usual time between visits; None until there are 3 visits."""
    if last is None or first is None or visits < 3:
        return None
    return (last - first) / (visits - 1)


def _lapse_at(last: datetime | None, first: datetime | None, visits: int) -> datetime | None:
    """Last visit + 1.5x the member's usual interval (60 days until there are 3 visits)."""
    if last is None:
        return None
    usual = usual_interval(last, first, visits)
    if usual is None:
        return last + timedelta(days=DEFAULT_LAPSE_DAYS)
    return last + max(usual * 1.5, MIN_LAPSE)


# --- points -------------------------------------------------------------------------------------


def points_history(ctx: AppContext, member_id: int, limit: int = 100) -> list[PointsLine]:
    with ctx.uow() as uow:
        rows = uow.session.scalars(
            select(PointsEntry)
            .where(PointsEntry.member_id == member_id)
            .order_by(PointsEntry.id.desc())
            .limit(limit)
        )
        return [PointsLine(e.at, e.kind, e.points, e.reason, e.staff, e.expires_at) for e in rows]


def balance(ctx: AppContext, member_id: int) -> int:
    with ctx.uow() as uow:
        m = uow.session.get(Member, member_id)
        if m is None:
            raise NotFound("member.not_found", member_id=member_id)
        return m.points_balance


def _spend(
    s: Session, member_id: int, points: int, kind: str, reason: str, staff: str, now: datetime
) -> int:
    """Takes points off the balance (never below zero, even with two counters at once)
    and off the oldest unexpired batches. Returns the new balance."""
    taken = updated_rows(
        s,
        update(Member)
        .where(Member.id == member_id, Member.points_balance >= points)
        .values(points_balance=Member.points_balance - points),
    )
    if taken != 1:
        have = s.scalar(select(Member.points_balance).where(Member.id == member_id))
        if have is None:
            raise NotFound("member.not_found", member_id=member_id)
        raise Conflict("points.not_enough", need=points, have=int(have))
    left = points
    batches = s.scalars(
        select(PointsEntry)
        .where(
            PointsEntry.member_id == member_id,
            PointsEntry.remaining > 0,
            or_(PointsEntry.expires_at.is_(None), PointsEntry.expires_at > now),
        )
        .order_by(PointsEntry.expires_at, PointsEntry.id)
    )
    for batch in batches:
        use = min(left, batch.remaining)
        batch.remaining -= use
        left -= use
        if not left:
            break
    s.add(
        PointsEntry(
            member_id=member_id,
            at=now,
            kind=kind,
            points=-points,
            remaining=0,
            reason=reason,
            staff=staff,
        )
    )
    return int(s.scalar(select(Member.points_balance).where(Member.id == member_id)) or 0)


def redeem_points(ctx: AppContext, member_id: int, points: int, reason: str = "") -> int:
    """Spends points at the counter (100 points = ¥1 off), by whoever is signed in.
    Returns the new balance."""
    if not isinstance(points, int) or points <= 0 or points > 10_000_000:
        raise ValidationError("points.invalid", field="points")
    reason = text_field(reason, "reason", max_len=160)
    with ctx.uow() as uow:
        s = uow.session
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        new = _spend(
            s,
            member_id,
            points,
            "redeem",
            reason,
            ctx.actor,
            ctx.clock.now(),
        )
        uow.commit()
        return new


def exchange_for_coupon(
    ctx: AppContext, member_id: int, points: int, reason: str = "", valid_days: int = 90
) -> CouponView:
    """Turns points into an amount-off coupon for the member (100 points = ¥1), in one
    transaction: either the points are spent and the coupon exists, or neither. The
    ledger names the coupon (and the reason given)."""
    if not isinstance(points, int) or not 100 <= points <= 10_000_000 or points % 100:
        raise ValidationError("points.coupon", field="points")
    reason = text_field(reason, "reason", max_len=120)
    terms = CouponTerms("amount", points, valid_days=valid_days).validated()
    with ctx.uow() as uow:
        s = uow.session
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        coupon = issue_in(s, ctx, terms, member_id)
        note = f"coupon {coupon.display_code}" + (f": {reason}" if reason else "")
        _spend(s, member_id, points, "redeem", note, ctx.actor, ctx.clock.now())
        uow.commit()
        return coupon


def adjust_points(ctx: AppContext, member_id: int, delta: int, reason: str) -> int:
    """A manager's correction, always with a reason. Returns the new balance."""
    require(ctx, "points.adjust")
    if isinstance(delta, int) and not isinstance(delta, bool) and delta == 0:
        raise ValidationError("points.zero", field="points")
    if not isinstance(delta, int) or abs(delta) > 10_000_000:
        raise ValidationError("points.invalid", field="points")
    reason = text_field(reason, "reason", required=True, max_len=160)
    staff = ctx.actor
    now = ctx.clock.now()
    with ctx.uow() as uow:
        s = uow.session
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        if s.get(Member, member_id) is None:
            raise NotFound("member.not_found", member_id=member_id)
        if delta < 0:
            new = _spend(s, member_id, -delta, "adjust", reason, staff, now)
        else:
            s.add(
                PointsEntry(
                    member_id=member_id,
                    at=now,
                    kind="adjust",
                    points=delta,
                    remaining=delta,
                    expires_at=now + POINTS_VALID,
                    reason=reason,
                    staff=staff,
                )
            )
            s.execute(
                update(Member)
                .where(Member.id == member_id)
                .values(points_balance=Member.points_balance + delta)
            )
            new = int(s.scalar(select(Member.points_balance).where(Member.id == member_id)) or 0)
        audit.record(s, ctx, "points.adjust", str(member_id), f"{delta:+d} {reason}")
        uow.commit()
        return new


def expire_points(ctx: AppContext) -> int:
    """Points earned more than a year ago and not spent expire, each batch once.
    Returns how many points expired."""
    now = ctx.clock.now()
    total = 0
    with ctx.uow() as uow:
        s = uow.session
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        batches = list(
            s.scalars(
                select(PointsEntry).where(PointsEntry.remaining > 0, PointsEntry.expires_at <= now)
            )
        )
        for batch in batches:
            points = batch.remaining
            batch.remaining = 0
            s.execute(
                update(Member)
                .where(Member.id == batch.member_id)
                .values(points_balance=Member.points_balance - points)
            )
            s.add(
                PointsEntry(
                    member_id=batch.member_id,
                    at=now,
                    kind="expire",
                    points=-points,
                    remaining=0,
                    reason=f"earned {batch.at.date().isoformat()}",
                )
            )
            total += points
        uow.commit()
    return total


# --- the review: tiers down as well as up, and segments ----------------------------------------


def refresh_due(ctx: AppContext) -> bool:
    with ctx.uow() as uow:
        row = uow.session.get(Setting, LAST_REFRESH_KEY)
        last = row.value if row is not None else None
    if last is None:
        return True
    return ctx.clock.now() - datetime.fromisoformat(last) >= REFRESH_EVERY


def check_may_review(ctx: AppContext) -> bool:
    """Whether the signed-in person may run the tier review by hand (before a background
    job starts, so a refusal is a message, not a failed job)."""
    require(ctx, "tiers.review")
    return True


def refresh(ctx: AppContext, progress: Progress | None = None) -> RefreshResult:
    """Recomputes every member's 12-month figures, tier (both ways, each change recorded
    with its reason), lapse date and RFM segment, from one pass over the visits index;
    the narrow member_stats table is then rewritten in one short transaction. A manager's
    action, or the store's own monthly run."""
    require(ctx, "tiers.review")
    started = perf_counter()
    now = ctx.clock.now()
    say = progress or (lambda stage, done, total: None)
    say("visits", 0, 1)
    with ctx.uow() as uow:
        repo = LoyaltyRepository(uow.session)
        tiers = _tiers(uow.session)
        stats = repo.visit_stats(now - YEAR)
        before = repo.current()
    say("visits", 1, 1)
    naive_now = now.astimezone(UTC).replace(tzinfo=None)  # the repository speaks naive UTC
    spends = sorted(row[1] for row in stats if row[1] > 0)
    cut_low = spends[len(spends) // 3] if spends else 0
    cut_high = spends[2 * len(spends) // 3] if spends else 0
    base = tiers[-1].code
    by_rank = {t.code: t.rank for t in tiers}
    rows: list[tuple[Any, ...]] = []
    changes: list[dict[str, Any]] = []
    up = down = 0
    total = len(stats)
    for n, (mid, spend, count, first, last, visits) in enumerate(stats):
        old = before.get(mid)
        tier = old[0] if old else base
        best = qualifying_tier(tiers, spend, count)
        if best.code != tier:
            direction = "upgrade" if best.rank > by_rank.get(tier, 0) else "downgrade"
            up += direction == "upgrade"
            down += direction == "downgrade"
            changes.append(
                {
                    "member_id": mid,
                    "at": now,
                    "from_tier": tier,
                    "to_tier": best.code,
                    "reason": f"{direction} (review): 12 months {_money(spend)}, {count} visits",
                }
            )
        days = (naive_now - last).days if last is not None else None
        r = 3 if days is not None and days <= 30 else 2 if days is not None and days <= 90 else 1
        f = 3 if count >= 12 else 2 if count >= 4 else 1
        m = 3 if spend >= cut_high and spend > 0 else 2 if spend >= cut_low and spend > 0 else 1
        segment, lapse = f"R{r}F{f}M{m}", _lapse_at(last, first, visits)
        stored = (old[0], old[1], old[2], old[3], LoyaltyRepository.when(old[4])) if old else None
        if stored != (best.code, spend, count, segment, lapse):
            rows.append((mid, best.code, spend, count, first, segment, lapse))
        if n % 100_000 == 0:
            say("members", n, total)
    with ctx.uow() as uow:
        repo = LoyaltyRepository(uow.session)
        repo.upsert(rows)  # only what changed since the last review
        repo.add_tier_changes(changes)
        setting = uow.session.get(Setting, LAST_REFRESH_KEY) or Setting(key=LAST_REFRESH_KEY)
        setting.value = now.isoformat()
        uow.session.add(setting)
        uow.commit()
    say("members", total, total)
    result = RefreshResult(total, up, down, perf_counter() - started)
    log.info(
        "tier review done: %d members, %d up, %d down, %.1f s",
        result.members,
        result.upgraded,
        result.downgraded,
        result.seconds,
    )
    return result


def tier_history(ctx: AppContext, member_id: int) -> list[TierChangeView]:
    with ctx.uow() as uow:
        rows = uow.session.scalars(
            select(TierChange)
            .where(TierChange.member_id == member_id)
            .order_by(TierChange.id.desc())
        )
        return [TierChangeView(r.at, r.from_tier, r.to_tier, r.reason) for r in rows]


def segment_counts(ctx: AppContext) -> dict[str, int]:
    """How many active members sit in each RFM cell (R3F3M3 = recent, frequent, big);
    "—" counts those the review has not placed (never visited)."""
    require(ctx, "reports.view")
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(MemberStats.segment, func.count())
            .select_from(Member)
            .outerjoin(MemberStats, MemberStats.member_id == Member.id)
            .where(Member.active.is_(True))
            .group_by(MemberStats.segment)
        )
        return {seg or "—": int(n) for seg, n in rows}


def revenue_by_tier(
    ctx: AppContext, start: datetime, end: datetime
) -> list[tuple[str, int, float]]:
    """Pareto view: revenue in [start, end) by the members' current tier, best first."""
    require(ctx, "reports.view")
    with ctx.uow() as uow:
        s = uow.session
        rows: dict[str | None, int] = {
            tier: int(cents or 0)
            for tier, cents in s.execute(
                select(MemberStats.tier, func.sum(Visit.amount_cents))
                .select_from(Visit)
                .outerjoin(MemberStats, MemberStats.member_id == Visit.member_id)
                .where(Visit.visited_at >= start, Visit.visited_at < end)
                .group_by(MemberStats.tier)
            )
        }
        order = [t.code for t in _tiers(s)]
    # Members not reviewed yet count in the lowest tier.
    rows[order[-1]] = rows.get(order[-1], 0) + rows.pop(None, 0)
    total = sum(rows.values()) or 1
    return [(code, rows.get(code, 0), rows.get(code, 0) / total) for code in order]


# --- care lists --------------------------------------------------------------------------------


CARE_LISTS = ("lapsing", "birthdays", "complaints")
CARE_PAGE = 200


@dataclass(frozen=True)
class CarePage:
    """One page of a care list, and how many members the whole list holds: a list a user
    acts on in bulk never looks complete when it is not."""

    rows: list[MemberRow]
    total: int


def _care_ids(ctx: AppContext, s: Session, kind: str) -> Any:
    """The members of a care list, as a select of ids (in the list's order), or a list."""
    if kind == "lapsing":
        lapsed = select(MemberStats.member_id).where(MemberStats.lapse_at < ctx.clock.now())
        return (
            select(Member.id)
            .where(Member.active.is_(True), Member.id.in_(lapsed))
            .order_by(Member.lifetime_spend_cents.desc(), Member.id)
        )
    if kind == "birthdays":
        start = store.today(ctx)
        ids = birthday_members(ctx, start, start + timedelta(days=6))
        return select(Member.id).where(Member.id.in_(ids)).order_by(Member.id)
    if kind == "complaints":
        since = ctx.clock.now() - timedelta(days=30)
        with_complaint = select(Complaint.member_id).where(
            Complaint.member_id.is_not(None),
            or_(Complaint.status.in_(OPEN_COMPLAINT), Complaint.closed_at >= since),
        )
        return (
            select(Member.id)
            .where(Member.active.is_(True), Member.id.in_(with_complaint))
            .order_by(Member.id)
        )
    raise ValidationError("care.kind", field="kind")


def care_page(ctx: AppContext, kind: str, offset: int = 0, limit: int = CARE_PAGE) -> CarePage:
    """A page of a care list (lapsing members, birthdays this week, members after a
    complaint) and the list's full size."""
    with ctx.uow() as uow:
        s = uow.session
        ids = _care_ids(ctx, s, kind)
        total = int(s.scalar(select(func.count()).select_from(ids.order_by(None).subquery())) or 0)
        page = list(s.scalars(ids.offset(offset).limit(limit)))
        by_id = {m.id: _row(m) for m in s.scalars(select(Member).where(Member.id.in_(page)))}
        return CarePage([by_id[i] for i in page if i in by_id], total)


def care_ids(ctx: AppContext, kind: str) -> list[int]:
    """Every member of a care list ("select all", for coupons or calls to all of them)."""
    with ctx.uow() as uow:
        return list(uow.session.scalars(_care_ids(ctx, uow.session, kind)))


def lapsing(ctx: AppContext, limit: int = CARE_PAGE) -> list[MemberRow]:
    """Members past their usual return time, most valuable first (the first page)."""
    return care_page(ctx, "lapsing", 0, limit).rows


def birthdays_this_week(ctx: AppContext) -> list[MemberRow]:
    """Birthdays from the store's today to six days on."""
    return care_page(ctx, "birthdays", 0, 100_000).rows


def complaint_care(ctx: AppContext) -> list[MemberRow]:
    """Members with an open complaint, or one closed in the last 30 days."""
    return care_page(ctx, "complaints", 0, 100_000).rows


# --- follow-up calls ---------------------------------------------------------------------------


def schedule_follow_up(
    ctx: AppContext,
    member_id: int,
    due_at: datetime,
    assignee: str,
    purpose: str,
    complaint_id: int | None = None,
) -> FollowUpView:
    purpose = text_field(purpose, "purpose", required=True)
    assignee = text_field(assignee, "assignee", max_len=64)
    if due_at.tzinfo is None:
        raise ValidationError("follow_up.time", field="due_at")
    with ctx.uow() as uow:
        s = uow.session
        if s.get(Member, member_id) is None:
            raise NotFound("member.not_found", member_id=member_id)
        f = FollowUp(
            member_id=member_id,
            complaint_id=complaint_id,
            due_at=due_at,
            assignee=assignee or ctx.actor,  # who calls: by default whoever plans it
            purpose=purpose,
            created_at=ctx.clock.now(),
            created_by=ctx.actor,
        )
        s.add(f)
        uow.commit()
        return _follow_up(s, f)


def due_follow_ups(ctx: AppContext) -> list[FollowUpView]:
    """Open follow-up calls due by the end of the store's today, overdue first."""
    tomorrow = store.at(ctx, store.today(ctx) + timedelta(days=1), time(0, 0))
    with ctx.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(FollowUp)
            .where(FollowUp.done_at.is_(None), FollowUp.due_at < tomorrow)
            .order_by(FollowUp.due_at)
        )
        return [_follow_up(s, f) for f in rows]


def complete_follow_up(ctx: AppContext, follow_up_id: int, outcome: str) -> FollowUpView:
    outcome = text_field(outcome, "outcome", required=True)
    with ctx.uow() as uow:
        s = uow.session
        f = s.get(FollowUp, follow_up_id)
        if f is None:
            raise NotFound("follow_up.not_found", follow_up_id=follow_up_id)
        if f.done_at is not None:
            raise Conflict("follow_up.done")
        f.outcome, f.done_at, f.done_by = outcome, ctx.clock.now(), ctx.actor
        uow.commit()
        return _follow_up(s, f)


def _follow_up(s: Session, f: FollowUp) -> FollowUpView:
    member = s.get(Member, f.member_id)
    assert member is not None
    return FollowUpView(
        f.id,
        _row(member),
        f.complaint_id,
        f.due_at,
        f.assignee,
        f.purpose,
        f.outcome,
        f.done_at,
        f.created_by,
        f.done_by,
    )


# --- surveys -----------------------------------------------------------------------------------


def record_survey(
    ctx: AppContext,
    score: int,
    comment: str = "",
    member_id: int | None = None,
    visit_id: int | None = None,
    complaint_id: int | None = None,
) -> int:
    """Stores a 1-5 score; returns its id."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError("survey.score", field="score")
    comment = text_field(comment, "comment", max_len=500)
    with ctx.uow() as uow:
        survey = Survey(
            member_id=member_id,
            visit_id=visit_id,
            complaint_id=complaint_id,
            score=score,
            comment=comment,
            at=ctx.clock.now(),
        )
        uow.session.add(survey)
        uow.commit()
        return survey.id


def satisfaction_by_month(ctx: AppContext, months: int = 12) -> list[tuple[str, int, float]]:
    """(YYYY-MM, surveys, share scoring 4 or 5) for the last `months` months, oldest first."""
    require(ctx, "reports.view")
    now = ctx.clock.now()
    since = now - timedelta(days=31 * months)
    with ctx.uow() as uow:
        rows = uow.session.execute(select(Survey.at, Survey.score).where(Survey.at >= since))
        counts: Counter[str] = Counter()
        happy: Counter[str] = Counter()
        for at, score in rows:
            key = at.strftime("%Y-%m")
            counts[key] += 1
            happy[key] += score >= 4
    return [(k, counts[k], happy[k] / counts[k]) for k in sorted(counts)]
