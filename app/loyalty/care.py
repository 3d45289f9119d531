"""Care lists (lapsing members, birthdays this week, members after a complaint) and the
follow-up calls planned from them."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.complaints import OPEN_STATUSES
from app.core import store
from app.core.context import AppContext
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.text import text_field
from app.coupons import birthday_members
from app.loyalty.rules import CARE_PAGE, CarePage, FollowUpView
from app.members import MemberRow, member_row
from db.models import Complaint, FollowUp, Member, MemberStats


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
            or_(Complaint.status.in_(OPEN_STATUSES), Complaint.closed_at >= since),
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
        by_id = {m.id: member_row(m) for m in s.scalars(select(Member).where(Member.id.in_(page)))}
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
    with ctx.uow(write=True) as uow:
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
    with ctx.uow(write=True) as uow:
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
        member_row(member),
        f.complaint_id,
        f.due_at,
        f.assignee,
        f.purpose,
        f.outcome,
        f.done_at,
        f.created_by,
        f.done_by,
    )
