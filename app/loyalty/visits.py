"""What a visit earns: points at the member's tier rate and an upgrade as soon as the last
12 months qualify (downgrades wait for the review). Subscribed to VisitRecorded in
app.bootstrap, after the day book."""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.core.events import VisitRecorded
from app.loyalty.rules import POINTS_VALID, YEAR, lapse_at, money, qualifying_tier
from app.loyalty.tiers import stats_of, tiers_in
from db.models import Member, MemberStats, PointsEntry, TierChange, Visit


def on_visit(event: VisitRecorded) -> None:
    """In the visit's own transaction: earn points at the member's tier rate, upgrade at
    once if the last 12 months now qualify (downgrades wait for the review)."""
    s, member, visit, now = event.session, event.member, event.visit, event.now
    tiers = tiers_in(s)
    by_code = {t.code: t for t in tiers}
    stats = stats_of(s, member.id)
    if stats is None:
        stats = MemberStats(
            member_id=member.id, tier=tiers[-1].code, spend_12m_cents=0, visits_12m=0, segment=""
        )
        s.add(stats)
    current = by_code.get(stats.tier) or tiers[-1]
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
                reason=f"upgrade: 12 months {money(int(spend))}, {count} visits",
            )
        )
    # The member row already counts this visit (totals are updated before this hook).
    first = stats.first_visit_at or visit.visited_at
    stats.first_visit_at = min(first, visit.visited_at)
    stats.lapse_at = lapse_at(member.last_visit_at, stats.first_visit_at, member.visit_count)
