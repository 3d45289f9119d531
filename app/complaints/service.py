"""Complaints: logged at the counter with stored SLA deadlines, moved through their
steps, escalated, closed with the guest's satisfaction, reported on."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, selectinload

from app.complaints.rules import (
    ANSWERED,
    CATEGORIES,
    CHANNELS,
    CLOSED,
    INVESTIGATING,
    MEETS,
    NEW,
    OPEN_STATUSES,
    REOPENED,
    RESPONDED,
    SEVERITIES,
    TRANSITIONS,
    BreachAlert,
    ComplaintInput,
    ComplaintView,
    DeadlineView,
    EventView,
    SlaReport,
    WarningAlert,
    ref_of,
)
from app.core import store
from app.core.calendar import ANSWER, STAGES, SlaPolicy
from app.core.context import AppContext
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.permissions import require
from app.core.phones import normalize_phone
from app.core.text import text_field
from db.models import Complaint, ComplaintDeadline, ComplaintEvent, Member, Survey
from db.repositories import updated_rows


def log_complaint(ctx: AppContext, data: ComplaintInput) -> ComplaintView:
    if data.channel not in CHANNELS:
        raise ValidationError("complaint.channel", field="channel")
    if data.category not in CATEGORIES:
        raise ValidationError("complaint.category", field="category")
    if data.severity is not None and data.severity not in SEVERITIES:
        raise ValidationError("complaint.severity", field="severity")
    description = text_field(data.description, "description", required=True)
    guest_name = " ".join(text_field(data.guest_name, "guest_name", max_len=64).split())
    guest_phone = normalize_phone(data.guest_phone) if data.guest_phone.strip() else ""
    taken_by = ctx.actor  # whoever is signed in took it
    now = ctx.clock.now()
    with ctx.uow(write=True) as uow:
        s = uow.session
        policy = store.policy(s)
        if data.member_id is not None:
            member = s.get(Member, data.member_id)
            if member is None:
                raise NotFound("member.not_found", member_id=data.member_id)
        elif not guest_name and not guest_phone:
            raise ValidationError("complaint.guest_required", field="guest_name")
        severity = data.severity or (
            "urgent" if policy.is_urgent_category(data.category) else "normal"
        )
        c = Complaint(
            member_id=data.member_id,
            guest_name=guest_name,
            guest_phone=guest_phone,
            channel=data.channel,
            category=data.category,
            severity=severity,
            description=description,
            status=NEW,
            taken_by=taken_by,
            assignee=taken_by,
            created_at=now,
            updated_at=now,
        )
        s.add(c)
        s.flush()
        for stage, due in policy.deadlines(severity, now):
            c.deadlines.append(
                ComplaintDeadline(stage=stage, due_at=due, warn_at=policy.warn_at(stage, due, now))
            )
        c.events.append(ComplaintEvent(at=now, actor=taken_by, action="logged", note=description))
        if severity == "urgent":
            _escalate(s, c, now, "", "urgent", policy)
        uow.commit()
        return _view(s, c, with_events=True)


def _load(s: Session, complaint_id: int) -> Complaint:
    c = s.get(Complaint, complaint_id)
    if c is None:
        raise NotFound("complaint.not_found", complaint_id=complaint_id)
    return c


def _stamp(s: Session, c: Complaint, now: datetime) -> datetime:
    """The time for a new step: never before the complaint's last step, so a clock set
    back cannot make an answer come before its question."""
    last = max((e.at for e in c.events), default=c.created_at)
    return max(now, last)


def _escalate(
    s: Session, c: Complaint, at: datetime, actor: str, reason: str, policy: SlaPolicy
) -> None:
    c.escalated_at = at
    c.updated_at = at
    c.assignee = policy.manager
    c.events.append(ComplaintEvent(at=at, actor=actor, action="escalated", note=reason))


def _move(
    ctx: AppContext, complaint_id: int, to: str, note: str, **changes: object
) -> ComplaintView:
    actor = ctx.actor
    note = text_field(note, "note")
    with ctx.uow(write=True) as uow:
        s = uow.session
        c = _load(s, complaint_id)
        if to not in TRANSITIONS.get(c.status, ()):
            raise Conflict("complaint.bad_transition", status=c.status, to=to, ref=ref_of(c.id))
        at = _stamp(s, c, ctx.clock.now())
        for d in c.deadlines:
            if d.met_at is None and d.stage in MEETS.get(to, ()):
                d.met_at = at
        if to == REOPENED:
            # A reopened complaint is owed a new final answer on the same terms.
            policy = store.policy(s)
            due = policy.answer_due(at)
            c.deadlines.append(
                ComplaintDeadline(stage=ANSWER, due_at=due, warn_at=policy.warn_at(ANSWER, due, at))
            )
            c.closed_at = None
        if to == CLOSED:
            c.closed_at = at
        for key, value in changes.items():
            setattr(c, key, value)
        c.status = to
        c.updated_at = at
        if to == CLOSED and c.satisfaction is not None:
            # The guest's score at closing counts in the monthly satisfaction rate too.
            s.add(
                Survey(
                    member_id=c.member_id,
                    complaint_id=c.id,
                    score=c.satisfaction,
                    comment="",
                    at=at,
                )
            )
        c.events.append(ComplaintEvent(at=at, actor=actor, action=to, note=note))
        uow.commit()
        return _view(s, c, with_events=True)


def respond(ctx: AppContext, complaint_id: int, note: str) -> ComplaintView:
    """First response to the guest (for an urgent case: the on-the-spot solution)."""
    return _move(ctx, complaint_id, RESPONDED, note)


def start_investigation(ctx: AppContext, complaint_id: int, note: str = "") -> ComplaintView:
    return _move(ctx, complaint_id, INVESTIGATING, note)


def answer(ctx: AppContext, complaint_id: int, note: str, root_cause: str = "") -> ComplaintView:
    """The final answer to the guest: the investigation is done."""
    if not note.strip():
        raise ValidationError("field.required", field="note")
    changes = {"root_cause": text_field(root_cause, "root_cause")} if root_cause.strip() else {}
    return _move(ctx, complaint_id, ANSWERED, note, **changes)


def close(
    ctx: AppContext,
    complaint_id: int,
    root_cause: str,
    remedy: str,
    satisfaction: int,
    note: str = "",
) -> ComplaintView:
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError("complaint.satisfaction", field="satisfaction")
    return _move(
        ctx,
        complaint_id,
        CLOSED,
        note,
        root_cause=text_field(root_cause, "root_cause", required=True),
        remedy=text_field(remedy, "remedy", required=True),
        satisfaction=satisfaction,
    )


def reopen(ctx: AppContext, complaint_id: int, reason: str) -> ComplaintView:
    if not reason.strip():
        raise ValidationError("field.required", field="note")
    return _move(ctx, complaint_id, REOPENED, reason, satisfaction=None)


def escalate(ctx: AppContext, complaint_id: int, reason: str) -> ComplaintView:
    actor = ctx.actor
    reason = text_field(reason, "note")
    with ctx.uow(write=True) as uow:
        s = uow.session
        c = _load(s, complaint_id)
        if c.status == CLOSED:
            raise Conflict("complaint.closed", ref=ref_of(c.id))
        _escalate(s, c, _stamp(s, c, ctx.clock.now()), actor, reason or "manual", store.policy(s))
        uow.commit()
        return _view(s, c, with_events=True)


def add_note(ctx: AppContext, complaint_id: int, note: str) -> ComplaintView:
    note = text_field(note, "note", required=True)
    with ctx.uow(write=True) as uow:
        s = uow.session
        c = _load(s, complaint_id)
        c.events.append(
            ComplaintEvent(
                at=_stamp(s, c, ctx.clock.now()),
                actor=ctx.actor,
                action="note",
                note=note,
            )
        )
        uow.commit()
        return _view(s, c, with_events=True)


def check_breaches(ctx: AppContext) -> list[BreachAlert]:
    """Marks every deadline that has just passed unmet. Each breach is returned exactly
    once, across restarts and across counters sharing the database."""
    now = ctx.clock.now()
    alerts: list[BreachAlert] = []
    with ctx.uow() as uow:
        s = uow.session
        due = _open_deadlines(s, ComplaintDeadline.due_at <= now)
        if not due:
            return []
        policy = store.policy(s)
        for d in due:
            if not _claim(s, d, ComplaintDeadline.breached_at, now):
                continue  # another counter got there first
            c = d.complaint
            escalated_to = None
            if c.escalated_at is None and c.status != CLOSED:
                _escalate(s, c, now, "", f"breach:{d.stage}", policy)
                escalated_to = policy.manager
            c.events.append(ComplaintEvent(at=now, actor="", action="breached", note=d.stage))
            alerts.append(
                BreachAlert(c.id, ref_of(c.id), guest_of(s, c), d.stage, d.due_at, escalated_to)
            )
        uow.commit()
    return alerts


def check_warnings(ctx: AppContext) -> list[WarningAlert]:
    """Claims every deadline whose warning time has come, still unmet and not yet missed.
    Each warning is returned exactly once, across restarts and across counters; one that
    was not given before its deadline passed (the counter was off) is not given late:
    the breach says it."""
    now = ctx.clock.now()
    alerts: list[WarningAlert] = []
    with ctx.uow() as uow:
        s = uow.session
        near = _open_deadlines(
            s,
            ComplaintDeadline.warned_at.is_(None),
            ComplaintDeadline.warn_at <= now,
            ComplaintDeadline.due_at > now,
        )
        for d in near:
            if not _claim(s, d, ComplaintDeadline.warned_at, now):
                continue  # another counter warned already
            c = d.complaint
            c.events.append(ComplaintEvent(at=now, actor="", action="warned", note=d.stage))
            alerts.append(WarningAlert(c.id, ref_of(c.id), guest_of(s, c), d.stage, d.due_at))
        if alerts:
            uow.commit()
    return alerts


def _open_deadlines(s: Session, *conditions: Any) -> list[ComplaintDeadline]:
    """Deadlines neither met nor missed that match `conditions`, soonest first."""
    return list(
        s.scalars(
            select(ComplaintDeadline)
            .where(
                ComplaintDeadline.met_at.is_(None),
                ComplaintDeadline.breached_at.is_(None),
                *conditions,
            )
            .order_by(ComplaintDeadline.due_at)
        )
    )


def _claim(s: Session, d: ComplaintDeadline, column: Any, now: datetime) -> bool:
    """Sets `column` (breached_at, warned_at) of the deadline if nobody has: exactly one
    counter (or one run) gets True for it."""
    return bool(
        updated_rows(
            s,
            update(ComplaintDeadline)
            .where(ComplaintDeadline.id == d.id, column.is_(None))
            .values({column: now}),
        )
    )


def _views_where(s: Session, *conditions: Any) -> list[ComplaintView]:
    """Complaints matching the conditions, with deadlines and guest names, in few queries."""
    rows = list(
        s.scalars(
            select(Complaint)
            .options(selectinload(Complaint.deadlines))
            .where(*conditions)
            .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        )
    )
    names = member_names(s, {c.member_id for c in rows if c.member_id})
    return [_view(s, c, names=names) for c in rows]


def open_complaints(ctx: AppContext) -> list[ComplaintView]:
    """Every open complaint, what is due first at the top."""
    with ctx.uow() as uow:
        views = _views_where(uow.session, Complaint.status.in_(OPEN_STATUSES))
    far = datetime.max.replace(tzinfo=views[0].created_at.tzinfo) if views else None
    views.sort(key=lambda v: (v.next_deadline.due_at if v.next_deadline else far, v.id))
    return views


def open_fingerprint(ctx: AppContext) -> tuple[int, datetime | None, int | None]:
    """A cheap summary of the open complaints that changes whenever any of them (or
    their number) changes, so a screen reloads only when there is something new."""
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(
                func.count(Complaint.id), func.max(Complaint.updated_at), func.max(Complaint.id)
            ).where(Complaint.status.in_(OPEN_STATUSES))
        ).one()
        count, updated, last_id = row
        return int(count), updated, last_id


def complaints_by_ids(ctx: AppContext, ids: list[int]) -> list[ComplaintView]:
    with ctx.uow() as uow:
        return _views_where(uow.session, Complaint.id.in_(ids))


def get_complaint(ctx: AppContext, complaint_id: int) -> ComplaintView:
    with ctx.uow() as uow:
        return _view(uow.session, _load(uow.session, complaint_id), with_events=True)


def member_complaints(ctx: AppContext, member_id: int) -> list[ComplaintView]:
    """A member's complaints, newest first."""
    with ctx.uow() as uow:
        return _views_where(uow.session, Complaint.member_id == member_id)


def report(ctx: AppContext, start: datetime, end: datetime) -> SlaReport:
    """SLA figures for complaints logged in [start, end), plus what is open or late now
    (managers and the owner)."""
    require(ctx, "sla.report")
    now = ctx.clock.now()
    result = SlaReport(start=start, end=end)
    with ctx.uow() as uow:
        s = uow.session
        logged = list(
            s.scalars(
                select(Complaint)
                .options(selectinload(Complaint.deadlines), selectinload(Complaint.events))
                .where(and_(Complaint.created_at >= start, Complaint.created_at < end))
            )
        )
        result.logged = len(logged)
        result.by_category = dict(Counter(c.category for c in logged))
        result.by_channel = dict(Counter(c.channel for c in logged))
        for stage in STAGES:
            decided = [
                d
                for c in logged
                for d in c.deadlines
                if d.stage == stage and (d.met_at is not None or d.due_at <= now)
            ]
            on_time = [d for d in decided if d.met_at is not None and d.met_at <= d.due_at]
            result.on_time_rate[stage] = len(on_time) / len(decided) if decided else None
            warned = [d for c in logged for d in c.deadlines if d.stage == stage and d.warned_at]
            result.warned[stage] = len(warned)
            result.warned_then_met[stage] = sum(
                1 for d in warned if d.met_at is not None and d.met_at <= d.due_at
            )
        response_minutes = []
        for c in logged:
            first = next((e.at for e in c.events if e.action == RESPONDED), None)
            if first is not None:
                response_minutes.append((first - c.created_at).total_seconds() / 60)
        if response_minutes:
            result.median_response_minutes = statistics.median(response_minutes)
        scores = [c.satisfaction for c in logged if c.satisfaction is not None]
        if scores:
            result.average_satisfaction = sum(scores) / len(scores)
        open_rows = list(
            s.scalars(
                select(Complaint)
                .options(selectinload(Complaint.deadlines))
                .where(Complaint.status.in_(OPEN_STATUSES))
            )
        )
        result.open_now = len(open_rows)
        result.breached_now = sum(
            1 for c in open_rows if any(d.met_at is None and d.due_at <= now for d in c.deadlines)
        )
    return result


def member_names(s: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = s.execute(select(Member.id, Member.name).where(Member.id.in_(wanted)))
    return {member_id: name for member_id, name in rows}


def guest_of(s: Session, c: Complaint, names: dict[int, str] | None = None) -> str:
    if c.member_id is not None:
        if names is not None and c.member_id in names:
            return names[c.member_id]
        member = s.get(Member, c.member_id)
        return member.name if member else ""
    return c.guest_name or c.guest_phone


def _view(
    s: Session, c: Complaint, with_events: bool = False, names: dict[int, str] | None = None
) -> ComplaintView:
    return ComplaintView(
        id=c.id,
        ref=ref_of(c.id),
        member_id=c.member_id,
        guest=guest_of(s, c, names),
        channel=c.channel,
        category=c.category,
        severity=c.severity,
        description=c.description,
        status=c.status,
        taken_by=c.taken_by,
        assignee=c.assignee,
        escalated=c.escalated_at is not None,
        created_at=c.created_at,
        closed_at=c.closed_at,
        root_cause=c.root_cause,
        remedy=c.remedy,
        satisfaction=c.satisfaction,
        deadlines=tuple(
            DeadlineView(d.stage, d.due_at, d.met_at, d.breached_at)
            for d in sorted(c.deadlines, key=lambda d: (d.due_at, d.id))
        ),
        events=tuple(EventView(e.at, e.actor, e.action, e.note) for e in c.events)
        if with_events
        else (),
    )
