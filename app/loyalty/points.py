"""The points ledger: earned in batches that expire after a year, spent oldest first,
never below zero even with two counters at once, corrected only by a manager."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core import audit, requests
from app.core.context import AppContext
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.permissions import require
from app.core.text import text_field
from app.coupons import CouponTerms, CouponView, issue_in
from app.loyalty.rules import POINTS_VALID, PointsLine
from db.models import Member, PointsEntry
from db.repositories import MemberRepository, updated_rows


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
    """The member's points as of now: those past their year are not theirs any more,
    whether or not the daily expiry has taken them yet."""
    with ctx.uow() as uow:
        m = uow.session.get(Member, member_id)
        if m is None:
            raise NotFound("member.not_found", member_id=member_id)
        repo = MemberRepository(uow.session)
        return repo.points_now(member_id, m.points_balance, ctx.clock.now())


def expire_due_in(s: Session, member_id: int, now: datetime) -> int:
    """Takes the member's batches past their year off their balance, each once, in the
    caller's transaction; returns the points taken. The member's row is locked first, as
    a spend locks it, so a redeem at a counter and the daily expiry go one after the
    other (SELECT ... FOR UPDATE on a server; SQLite's writer already is alone). Never
    below zero: a balance an earlier version let be spent from expired points loses
    what is left of it."""
    have = s.scalar(select(Member.points_balance).where(Member.id == member_id).with_for_update())
    if have is None:
        raise NotFound("member.not_found", member_id=member_id)
    due = list(
        s.scalars(
            select(PointsEntry)
            .where(
                PointsEntry.member_id == member_id,
                PointsEntry.remaining > 0,
                PointsEntry.expires_at <= now,
            )
            .order_by(PointsEntry.id)
        )
    )
    if not due:
        return 0
    taken = min(sum(batch.remaining for batch in due), int(have))
    for batch in due:
        batch.remaining = 0
    s.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(points_balance=Member.points_balance - taken)
    )
    earned = ", ".join(sorted({batch.at.date().isoformat() for batch in due}))
    s.add(
        PointsEntry(
            member_id=member_id,
            at=now,
            kind="expire",
            points=-taken,
            remaining=0,
            reason=f"earned {earned}"[:160],
        )
    )
    return taken


def spend(
    s: Session, member_id: int, points: int, kind: str, reason: str, staff: str, now: datetime
) -> int:
    """Takes points off the balance (never below zero, even with two counters at once)
    and off the oldest unexpired batches; those past their year are expired first (they
    are no longer the member's). Returns the new balance."""
    expire_due_in(s, member_id, now)
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


def redeem_points(
    ctx: AppContext,
    member_id: int,
    points: int,
    reason: str = "",
    request_id: str | None = None,
) -> int:
    """Spends points at the counter (100 points = ¥1 off), by whoever is signed in.
    Returns the new balance. `request_id` (made once per form): a repeat after a lost
    answer spends nothing more and returns the balance."""
    if not isinstance(points, int) or points <= 0 or points > 10_000_000:
        raise ValidationError("points.invalid", field="points")
    reason = text_field(reason, "reason", max_len=160)
    request_id = requests.check(request_id)
    try:
        with ctx.uow(write=True) as uow:
            s = uow.session
            if requests.done_before(s, request_id, "points") is not None:
                return _balance_in(s, member_id)
            now = ctx.clock.now()
            new = spend(s, member_id, points, "redeem", reason, ctx.actor, now)
            entry_id = s.scalar(
                select(func.max(PointsEntry.id)).where(PointsEntry.member_id == member_id)
            )
            requests.remember(s, request_id, "points", int(entry_id or 0), now)
            uow.commit()
            return new
    except IntegrityError:
        balance_after = requests.saved_by_twin(
            ctx,
            request_id,
            lambda s: (
                _balance_in(s, member_id)
                if requests.done_before(s, request_id, "points") is not None
                else None
            ),
        )
        if balance_after is None:
            raise
        return balance_after


def _balance_in(s: Session, member_id: int) -> int:
    return int(s.scalar(select(Member.points_balance).where(Member.id == member_id)) or 0)


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
    with ctx.uow(write=True) as uow:
        s = uow.session
        coupon = issue_in(s, ctx, terms, member_id)
        note = f"coupon {coupon.display_code}" + (f": {reason}" if reason else "")
        spend(s, member_id, points, "redeem", note, ctx.actor, ctx.clock.now())
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
    with ctx.uow(write=True) as uow:
        s = uow.session
        if s.get(Member, member_id) is None:
            raise NotFound("member.not_found", member_id=member_id)
        if delta < 0:
            new = spend(s, member_id, -delta, "adjust", reason, staff, now)
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
    """Points earned more than a year ago and not spent expire, each batch once (the
    daily chores, and after the review). Returns how many points expired."""
    now = ctx.clock.now()
    with ctx.uow(write=True) as uow:
        s = uow.session
        # The expiring index's range (nothing, most days); DISTINCT would have the
        # planner walk every member's ledger instead (0.07 s at each start at 1M members).
        members = set(
            s.scalars(
                select(PointsEntry.member_id).where(
                    PointsEntry.remaining > 0, PointsEntry.expires_at <= now
                )
            )
        )
        total = sum(expire_due_in(s, member_id, now) for member_id in sorted(members))
        uow.commit()
    return total
