"""Drill-downs: the rows behind one number of the dashboard (at most DRILL_LIMIT, newest
first), as plain values the screen and the CSV export show alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from app.complaints import guest_of, ref_of
from app.core import store
from app.core.codes import display
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.core.permissions import require
from app.loyalty import lapse_at, usual_interval
from app.reporting.dashboard import SATISFIED_SCORE, Period, add_month
from app.reporting.daybook import prior_visits
from db.models import (
    Complaint,
    ComplaintDeadline,
    Coupon,
    Member,
    MemberStats,
    PrepaidAccount,
    PrepaidEntry,
    Survey,
    Visit,
)

DRILL_LIMIT = 500


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
    "prepaid_recharge",
    "prepaid_spend",
    "prepaid_refund",
    "prepaid_cards",
)


def drill(ctx: AppContext, kind: str, period: Period, key: str | None = None) -> Drill:
    """The rows behind one number of the dashboard (at most DRILL_LIMIT, newest first)."""
    if kind not in DRILLS:
        raise ValidationError("drill.unknown", field="kind", value=kind)
    require(ctx, "dashboard.view")
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
    # The card ledger: changes signed as entered (a spend takes, a void gives back), what
    # crossed the counter, the balances after. Never the buyer's ID number.
    "prepaid_recharge": (
        "at", "member_no", "name", "entry", "paid_in", "bonus_change",
        "principal_after", "bonus_after", "staff", "note",
    ),
    "prepaid_spend": (
        "at", "member_no", "name", "entry", "principal_change", "bonus_change",
        "principal_after", "bonus_after", "staff", "note",
    ),
    "prepaid_refund": (
        "at", "member_no", "name", "entry", "paid_back", "principal_change", "bonus_change",
        "principal_after", "bonus_after", "staff", "note",
    ),
    "prepaid_cards": ("member_no", "name", "principal", "bonus", "balance", "last_at"),
}  # fmt: skip


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
        nxt = add_month(date(y, m, 1))
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
            lapse = lapse_at(last, first, n)
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
        stmt = select(Complaint).where(Complaint.created_at >= lo, Complaint.created_at < hi)
        if key is not None:
            stmt = stmt.where(getattr(Complaint, field_name) == key)
        found = list(s.scalars(stmt.order_by(Complaint.created_at.desc()).limit(DRILL_LIMIT + 1)))
        names = {mid: name for mid, (_no, name) in _names(s, {c.member_id for c in found}).items()}
        rows = [
            (c.created_at, ref_of(c.id), guest_of(s, c, names), c.category, c.channel, c.status)
            for c in found
        ]
        return rows, [c.member_id for c in found]

    return run


def _stage(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
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
            guest_of(s, c, names),
            dl.stage,
            dl.due_at,
            dl.met_at,
            dl.met_at is not None and dl.met_at <= dl.due_at,
        )
        for c, dl in found
    ]
    return rows, [c.member_id for c, _ in found]


def _campaign(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
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


def _ledger(kind: str) -> Callable[..., Rows]:
    """The entries behind a figure of app.prepaid.figures_in, counted as it counts them:
    the entries of the kind made in the period and the voids of such entries made in it
    (a void counts against the kind it undoes, in the period it was made). Recharges with
    key "bonus": only those that gave (or voids that took back) a bonus."""

    def run(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
        e, undone, voider = PrepaidEntry, aliased(PrepaidEntry), aliased(PrepaidEntry)
        stmt = (
            select(
                e.at,
                e.member_id,
                e.kind,
                e.principal_cents,
                e.bonus_cents,
                e.cash_cents,
                e.principal_after,
                e.bonus_after,
                e.staff,
                e.reason,
                voider.id,
            )
            .outerjoin(undone, undone.id == e.voids_id)
            .outerjoin(voider, voider.voids_id == e.id)
            .where(e.at >= lo, e.at < hi)
            .where(func.coalesce(undone.kind, e.kind) == kind)
        )
        if key == "bonus":
            stmt = stmt.where(e.bonus_cents != 0)
        found = list(s.execute(stmt.order_by(e.at.desc(), e.id.desc()).limit(DRILL_LIMIT + 1)))
        names = _names(s, {r[1] for r in found})
        rows: list[tuple[Any, ...]] = []
        for at, mid, entry, p, b, cash, p_after, b_after, staff, reason, voided_by in found:
            code = entry + (".voided" if voided_by is not None else "")
            amounts = {
                "recharge": (cash, b),
                "spend": (p, b),
                "refund": (cash, p, b),
            }[kind]
            rows.append(
                (at, *names.get(mid, ("", "")), code, *amounts, p_after, b_after, staff, reason)
            )
        return rows, [r[1] for r in found]

    return run


def _card_balances_at(s: Session, end: datetime) -> dict[int, tuple[int, int]]:
    """(principal, bonus) of every card holding a balance at instant `end`, by member: the
    cards as they stand now, a card with entries since `end` taken back to before the
    first of them (as app.prepaid.figures_in counts the liability)."""
    a, e = PrepaidAccount, PrepaidEntry
    member = e.member_id + 0  # SQLite would otherwise walk the whole (member_id, id) index
    first = (
        select(member.label("m"), func.min(e.id).label("id"))
        .where(e.at >= end)
        .group_by(member)
        .subquery()
    )
    balances = {
        int(m): (int(p), int(b))
        for m, p, b in s.execute(
            select(a.member_id, a.principal_cents, a.bonus_cents).where(
                a.principal_cents + a.bonus_cents > 0
            )
        )
    }
    for m, p, b in s.execute(
        select(e.member_id, e.principal_after - e.principal_cents, e.bonus_after - e.bonus_cents)
        .select_from(first)
        .join(e, e.id == first.c.id)
    ):
        balances[int(m)] = (int(p), int(b))
    return {m: pb for m, pb in balances.items() if pb[0] + pb[1] > 0}


def _cards(s: Session, lo: datetime, hi: datetime, key: str | None, now: datetime) -> Rows:
    """The cards holding a balance at the end of the period, the largest first, each with
    the day of its last entry before then."""
    balances = _card_balances_at(s, hi)
    top = sorted(balances.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
    top = top[: DRILL_LIMIT + 1]
    ids = [m for m, _ in top]
    names = _names(s, set(ids))
    last = (
        dict(
            s.execute(
                select(PrepaidEntry.member_id, func.max(PrepaidEntry.at))
                .where(PrepaidEntry.member_id.in_(ids), PrepaidEntry.at < hi)
                .group_by(PrepaidEntry.member_id)
            ).all()
        )
        if ids
        else {}
    )
    rows = [(*names.get(m, ("", "")), p, b, p + b, last.get(m)) for m, (p, b) in top]
    return rows, list(ids)


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
    "prepaid_recharge": _ledger("recharge"),
    "prepaid_spend": _ledger("spend"),
    "prepaid_refund": _ledger("refund"),
    "prepaid_cards": _cards,
}
