"""The tier ladder (names, thresholds, benefits) and each member's tier."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.core.permissions import require
from app.core.text import text_field
from app.loyalty.rules import TierView
from db.models import MemberStats, Tier, TierChange


def list_tiers(ctx: AppContext) -> list[TierView]:
    with ctx.uow() as uow:
        return tiers_in(uow.session)


def tiers_in(s: Session) -> list[TierView]:
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
    with ctx.uow(write=True) as uow:
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
        return tiers_in(s)


def stats_of(s: Session, member_id: int) -> MemberStats | None:
    return s.get(MemberStats, member_id)


def tier_code(s: Session, member_id: int) -> str:
    """The member's tier code (the lowest tier until their first review or upgrade)."""
    row = stats_of(s, member_id)
    return row.tier if row else tiers_in(s)[-1].code


def tier_of(ctx: AppContext, member_id: int) -> str:
    with ctx.uow() as uow:
        return tier_code(uow.session, member_id)


def current_tier(s: Session, member_id: int) -> TierView:
    """The member's tier as it stands (the lowest until their first review or upgrade)."""
    tiers = tiers_in(s)
    row = stats_of(s, member_id)
    by_code = {t.code: t for t in tiers}
    return by_code.get(row.tier if row else "", tiers[-1])


def raise_tier_in(s: Session, member_id: int, code: str, reason: str, now: datetime) -> bool:
    """Moves the member up to tier `code` (a recharge offer's upgrade) unless they already
    hold it or a higher one, in the caller's transaction. True when it moved them."""
    tiers = tiers_in(s)
    by_code = {t.code: t for t in tiers}
    target = by_code.get(code)
    if target is None:
        return False
    current = current_tier(s, member_id)
    if target.rank <= current.rank:
        return False
    stats = stats_of(s, member_id)
    if stats is None:
        stats = MemberStats(
            member_id=member_id, tier=code, spend_12m_cents=0, visits_12m=0, segment=""
        )
        s.add(stats)
    stats.tier = code
    s.add(
        TierChange(member_id=member_id, at=now, from_tier=current.code, to_tier=code, reason=reason)
    )
    return True
