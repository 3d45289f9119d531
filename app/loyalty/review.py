"""The tier review (tiers down as well as up, lapse dates, RFM segments), monthly or by a
manager's hand, and the figures it leaves behind."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from sqlalchemy import func, select

from app.core import keys
from app.core.context import AppContext
from app.core.permissions import require
from app.loyalty.rules import (
    REFRESH_EVERY,
    YEAR,
    Progress,
    RefreshResult,
    TierChangeView,
    lapse_at,
    money,
    qualifying_tier,
)
from app.loyalty.tiers import tiers_in
from db.engine import one_moment
from db.models import Member, MemberStats, Setting, TierChange, Visit
from db.repositories import LoyaltyRepository

log = logging.getLogger(__name__)


def refresh_due(ctx: AppContext) -> bool:
    with ctx.uow() as uow:
        row = uow.session.get(Setting, keys.LOYALTY_LAST_REVIEW)
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
    the narrow member_stats table is then rewritten in one short transaction, leaving out
    the members a counter changed meanwhile. A manager's action, or the store's own
    monthly run."""
    require(ctx, "tiers.review")
    started = perf_counter()
    now = ctx.clock.now()
    say = progress or (lambda stage, done, total: None)
    say("visits", 0, 1)
    with ctx.uow() as uow:
        one_moment(uow.session)  # the visits and the stored figures at the same moment
        repo = LoyaltyRepository(uow.session)
        tiers = tiers_in(uow.session)
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
    total = len(stats)
    for n, (mid, spend, count, first, last, visits) in enumerate(stats):
        old = before.get(mid)
        tier = old[0] if old else base
        best = qualifying_tier(tiers, spend, count)
        if best.code != tier:
            direction = "upgrade" if best.rank > by_rank.get(tier, 0) else "downgrade"
            changes.append(
                {
                    "member_id": mid,
                    "at": now,
                    "from_tier": tier,
                    "to_tier": best.code,
                    "reason": f"{direction} (review): 12 months {money(spend)}, {count} visits",
                }
            )
        days = (naive_now - last).days if last is not None else None
        r = 3 if days is not None and days <= 30 else 2 if days is not None and days <= 90 else 1
        f = 3 if count >= 12 else 2 if count >= 4 else 1
        m = 3 if spend >= cut_high and spend > 0 else 2 if spend >= cut_low and spend > 0 else 1
        segment, lapse = f"R{r}F{f}M{m}", lapse_at(last, first, visits)
        stored = (old[0], old[1], old[2], old[3], LoyaltyRepository.when(old[4])) if old else None
        if stored != (best.code, spend, count, segment, lapse):
            rows.append((mid, best.code, spend, count, first, segment, lapse))
        if n % 100_000 == 0:
            say("members", n, total)
    # The writer from its first statement: with nothing changed the first is a read, and a
    # write committed meanwhile (another counter, the search keys' rebuild at the same
    # start) would fail this one at once ("database is locked") instead of waiting.
    with ctx.uow(write=True) as uow:
        repo = LoyaltyRepository(uow.session)
        repo.hold_stats()
        # A member whose figures changed since the read (a visit or a recharge's upgrade
        # at a counter meanwhile) is left as that made them: the review's figures, read
        # before it, would take back an upgrade just given. The next review looks again.
        now_stored = repo.stored([r[0] for r in rows])
        moved = {r[0] for r in rows if now_stored.get(r[0]) != before.get(r[0])}
        if moved:
            log.info("tier review: %d members changed meanwhile, left as they are", len(moved))
            rows = [r for r in rows if r[0] not in moved]
            changes = [c for c in changes if c["member_id"] not in moved]
        repo.upsert(rows)  # only what changed since the last review
        repo.add_tier_changes(changes)
        setting = uow.session.get(Setting, keys.LOYALTY_LAST_REVIEW) or Setting(
            key=keys.LOYALTY_LAST_REVIEW
        )
        setting.value = now.isoformat()
        uow.session.add(setting)
        uow.commit()
    say("members", total, total)
    up = sum(1 for c in changes if by_rank[c["to_tier"]] > by_rank.get(c["from_tier"], 0))
    result = RefreshResult(total, up, len(changes) - up, perf_counter() - started)
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
        order = [t.code for t in tiers_in(s)]
    # Members not reviewed yet count in the lowest tier.
    rows[order[-1]] = rows.get(order[-1], 0) + rows.pop(None, 0)
    total = sum(rows.values()) or 1
    return [(code, rows.get(code, 0), rows.get(code, 0) / total) for code in order]
