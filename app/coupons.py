"""Coupons: campaigns issue them, the counter redeems each exactly once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit, codes, store
from app.context import AppContext
from app.errors import Conflict, Forbidden, FrontdeskError, NotFound, ValidationError
from app.members import text_field
from app.money import MAX_AMOUNT_CENTS, check_amount, format_cents
from app.settings import settings_in
from app.staff import require
from db.models import (
    Campaign,
    Complaint,
    ComplaintEvent,
    Coupon,
    CouponVoid,
    Member,
    Redemption,
    Setting,
)
from db.repositories import MemberRepository, updated_rows

SECRET_KEY = "coupon_secret"
KINDS = ("amount", "percent", "item")
CAMPAIGN_KINDS = ("birthday", "winback", "compensation", "festival", "member_day", "adhoc")


class CouponError(FrontdeskError):
    """A code that cannot be redeemed; the code says why (each has its own message)."""


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon gives and when it may be used."""

    kind: str  # amount (cents off), percent (percent off), item (a free item/service)
    value: int = 0
    item: str = ""
    min_spend_cents: int = 0
    valid_days: int = 30

    def validated(self) -> CouponTerms:
        if self.kind not in KINDS:
            raise ValidationError("coupon.kind", field="kind")
        if self.kind == "amount":
            check_amount(self.value, "value")
            if self.value <= 0:
                raise ValidationError("coupon.value", field="value")
        elif self.kind == "percent" and not 1 <= self.value <= 90:
            raise ValidationError("coupon.percent", field="value")
        item = text_field(self.item, "item", required=self.kind == "item", max_len=64)
        check_amount(self.min_spend_cents, "min_spend")
        if not 1 <= self.valid_days <= 3660:
            raise ValidationError("coupon.valid_days", field="valid_days")
        return CouponTerms(
            self.kind,
            self.value if self.kind != "item" else 0,
            item,
            self.min_spend_cents,
            self.valid_days,
        )


@dataclass(frozen=True)
class CouponView:
    id: int
    code: str
    kind: str
    value: int
    item: str
    min_spend_cents: int
    valid_from: date
    valid_to: date
    member_id: int | None
    member_name: str
    campaign_id: int | None
    campaign_name: str
    issued_at: datetime
    used_at: datetime | None
    voided_at: datetime | None
    issued_by: str = ""

    @property
    def display_code(self) -> str:
        return codes.display(self.code)

    def state(self, today: date) -> str:
        """issued, used, voided, expired or not_yet."""
        if self.voided_at is not None:
            return "voided"
        if self.used_at is not None:
            return "used"
        if today > self.valid_to:
            return "expired"
        if today < self.valid_from:
            return "not_yet"
        return "valid"


@dataclass(frozen=True)
class RedemptionView:
    coupon: CouponView
    bill_cents: int
    discount_cents: int
    at: datetime


@dataclass(frozen=True)
class CampaignView:
    id: int
    kind: str
    name: str
    terms: CouponTerms
    max_coupons: int | None
    issued: int
    redeemed: int


# --- secret and store ---------------------------------------------------------------------


def store_secret(session: Session) -> bytes:
    """The per-store key that signs coupon codes, created the first time it is needed."""
    row = session.get(Setting, SECRET_KEY)
    if row is None:
        row = Setting(key=SECRET_KEY, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def ensure_secret(ctx: AppContext) -> None:
    with ctx.uow() as uow:
        store_secret(uow.session)
        uow.commit()


# --- campaigns ------------------------------------------------------------------------------


def create_campaign(
    ctx: AppContext,
    kind: str,
    name: str,
    terms: CouponTerms,
    max_coupons: int | None = None,
    per_member: int = 1,
) -> CampaignView:
    """A manager's decision: what the coupons give, for whom, how many (audited)."""
    require(ctx, "campaign.create")
    if kind not in CAMPAIGN_KINDS:
        raise ValidationError("campaign.kind", field="kind")
    name = text_field(name, "name", required=True, max_len=64)
    terms = terms.validated()
    if max_coupons is not None and not 1 <= max_coupons <= 10_000_000:
        raise ValidationError("campaign.max", field="max_coupons")
    if not 1 <= per_member <= 100:
        raise ValidationError("campaign.per_member", field="per_member")
    with ctx.uow() as uow:
        c = Campaign(
            kind=kind,
            name=name,
            coupon_kind=terms.kind,
            value=terms.value,
            item=terms.item,
            min_spend_cents=terms.min_spend_cents,
            valid_days=terms.valid_days,
            max_coupons=max_coupons,
            per_member=per_member,
            created_at=ctx.clock.now(),
            created_by=ctx.actor,
        )
        uow.session.add(c)
        uow.session.flush()
        audit.record(uow.session, ctx, "campaign.create", f"{c.id} {name}", _terms_text(terms))
        uow.commit()
        return _campaign_view(uow.session, c)


def list_campaigns(ctx: AppContext) -> list[CampaignView]:
    with ctx.uow() as uow:
        s = uow.session
        return [
            _campaign_view(s, c)
            for c in s.scalars(select(Campaign).order_by(Campaign.created_at.desc()))
        ]


def birthday_members(ctx: AppContext, start: date, end: date) -> list[int]:
    """Active members whose birthday (month and day) falls in [start, end], across a
    new year too. A 29 February birthday counts on 28 February in other years."""
    if end < start or (end - start).days > 366:
        raise ValidationError("campaign.window", field="window")
    days: set[tuple[int, int]] = set()
    day = start
    while day <= end:
        days.add((day.month, day.day))
        if day.month == 2 and day.day == 28 and not _leap(day.year):
            days.add((2, 29))
        day += timedelta(days=1)
    with ctx.uow() as uow:
        return MemberRepository(uow.session).with_birthday_on(days)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def lapsed_members(ctx: AppContext, days: int) -> list[int]:
    """Active members with no visit in the last `days` days (members who joined that
    long ago and never came count too)."""
    if not 1 <= days <= 3650:
        raise ValidationError("campaign.days", field="days")
    cutoff = ctx.clock.now() - timedelta(days=days)
    with ctx.uow() as uow:
        return list(
            uow.session.scalars(
                select(Member.id)
                .where(
                    Member.active.is_(True),
                    or_(
                        Member.last_visit_at < cutoff,
                        and_(Member.last_visit_at.is_(None), Member.created_at < cutoff),
                    ),
                )
                .order_by(Member.id)
            )
        )


@dataclass(frozen=True)
class IssuedCampaign:
    """What issuing a campaign did, with the reasons the others got nothing."""

    coupons: list[CouponView]
    already_held: int  # members who hold their share of this campaign already
    inactive: int  # deactivated (or unknown) members

    @property
    def skipped(self) -> int:
        return self.already_held + self.inactive


def issue_campaign(ctx: AppContext, campaign_id: int, member_ids: list[int]) -> IssuedCampaign:
    """One coupon per chosen member, within the campaign's limits; members who already
    hold their share, and deactivated members, are skipped and counted. All or nothing;
    one audit entry for the batch."""
    wanted_ids = list(dict.fromkeys(member_ids))
    with ctx.uow() as uow:
        s = uow.session
        campaign = s.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound("campaign.not_found", campaign_id=campaign_id)
        _check_limit(s, ctx, _terms(campaign))
        held = dict(
            s.execute(
                select(Coupon.member_id, func.count())
                .where(Coupon.campaign_id == campaign_id)
                .group_by(Coupon.member_id)
            ).all()
        )
        issued_total = sum(held.values())
        chosen = [m for m in wanted_ids if held.get(m, 0) < campaign.per_member]
        existing = set(
            s.scalars(select(Member.id).where(Member.id.in_(chosen), Member.active.is_(True)))
        )
        wanted = [m for m in chosen if m in existing]
        if campaign.max_coupons is not None and issued_total + len(wanted) > campaign.max_coupons:
            raise Conflict(
                "campaign.limit",
                max=campaign.max_coupons,
                left=max(campaign.max_coupons - issued_total, 0),
            )
        terms = _terms(campaign)
        coupons = [_new_coupon(s, ctx, terms, member_id=m, campaign_id=campaign.id) for m in wanted]
        held_already = len(wanted_ids) - len(chosen)
        result = IssuedCampaign(
            [_view(s, c) for c in coupons], held_already, len(chosen) - len(wanted)
        )
        if coupons:
            audit.record(
                s,
                ctx,
                "campaign.issue",
                f"{campaign.id} {campaign.name}",
                f"{len(coupons)} issued, {result.skipped} skipped",
            )
            uow.commit()
        return result


def issue_coupon(
    ctx: AppContext,
    terms: CouponTerms,
    member_id: int | None = None,
    complaint_id: int | None = None,
) -> CouponView:
    """A single coupon at the counter: for a member, or to the bearer; issued by whoever
    is signed in, within the owner's limit unless they are a manager (audited)."""
    terms = terms.validated()
    with ctx.uow() as uow:
        s = uow.session
        if member_id is not None and s.get(Member, member_id) is None:
            raise NotFound("member.not_found", member_id=member_id)
        complaint = s.get(Complaint, complaint_id) if complaint_id is not None else None
        if complaint_id is not None and complaint is None:
            raise NotFound("complaint.not_found", complaint_id=complaint_id)
        _check_limit(s, ctx, terms)
        coupon = _new_coupon(s, ctx, terms, member_id=member_id, complaint_id=complaint_id)
        view = _view(s, coupon)
        if complaint is not None:
            # The complaint's timeline says how the guest was compensated.
            complaint.updated_at = ctx.clock.now()
            s.add(
                ComplaintEvent(
                    complaint_id=complaint.id,
                    at=ctx.clock.now(),
                    actor=ctx.actor,
                    action="coupon",
                    note=f"{view.display_code} {_terms_text(terms)}",
                )
            )
        audit.record(s, ctx, "coupon.issue", coupon.code, _terms_text(terms))
        uow.commit()
        return view


def issue_compensation(ctx: AppContext, complaint_id: int, terms: CouponTerms) -> CouponView:
    """Makes good after a complaint: the coupon goes to the complaining member (or the
    walk-in guest as bearer) and is linked to the complaint."""
    with ctx.uow() as uow:
        complaint = uow.session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound("complaint.not_found", complaint_id=complaint_id)
        member_id = complaint.member_id
    return issue_coupon(ctx, terms, member_id, complaint_id)


def issue_in(s: Session, ctx: AppContext, terms: CouponTerms, member_id: int) -> CouponView:
    """A coupon for a member inside the caller's transaction (points exchanged for a
    coupon: the points and the coupon are one step), audited."""
    coupon = _new_coupon(s, ctx, terms.validated(), member_id=member_id)
    audit.record(s, ctx, "coupon.issue", coupon.code, _terms_text(terms))
    return _view(s, coupon)


def _terms(c: Campaign) -> CouponTerms:
    return CouponTerms(c.coupon_kind, c.value, c.item, c.min_spend_cents, c.valid_days)


def _terms_text(t: CouponTerms) -> str:
    """What a coupon gives, for the audit trail and the complaint's timeline."""
    offer = {"amount": format_cents(t.value), "percent": f"{t.value}%", "item": t.item}[t.kind]
    minimum = f" ≥{format_cents(t.min_spend_cents)}" if t.min_spend_cents else ""
    return f"{t.kind} {offer}{minimum} {t.valid_days}d"


def _check_limit(s: Session, ctx: AppContext, terms: CouponTerms) -> None:
    """Above the owner's limit a coupon is a manager's decision."""
    if ctx.staff is None or ctx.staff.may("coupon.issue_large"):
        return
    limits = settings_in(s)
    if terms.kind == "amount" and terms.value > limits.coupon_limit_cents:
        raise Forbidden(
            "coupon.over_limit", limit=format_cents(limits.coupon_limit_cents), field="value"
        )
    if terms.kind == "percent" and terms.value > limits.coupon_limit_percent:
        raise Forbidden("coupon.over_limit", limit=f"{limits.coupon_limit_percent}%", field="value")


def _new_coupon(
    s: Session,
    ctx: AppContext,
    terms: CouponTerms,
    *,
    member_id: int | None,
    campaign_id: int | None = None,
    complaint_id: int | None = None,
) -> Coupon:
    secret = store_secret(s)
    now = ctx.clock.now()
    today = store.today(ctx)
    for _attempt in range(10):
        coupon = Coupon(
            code=codes.new_code(secret),
            campaign_id=campaign_id,
            member_id=member_id,
            complaint_id=complaint_id,
            kind=terms.kind,
            value=terms.value,
            item=terms.item,
            min_spend_cents=terms.min_spend_cents,
            valid_from=today,
            valid_to=today + timedelta(days=terms.valid_days - 1),
            issued_at=now,
            issued_by=ctx.actor,
        )
        try:
            with s.begin_nested():
                s.add(coupon)
        except IntegrityError:
            continue  # the random part collided with an earlier code: draw again
        return coupon
    raise Conflict("coupon.code_space")


# --- redemption -----------------------------------------------------------------------------


def look_up(ctx: AppContext, text: str) -> CouponView:
    """What a scanned or typed code is. Raises CouponError with the reason it is not
    usable as a code at all (mistyped, forged, unknown)."""
    with ctx.uow() as uow:
        s = uow.session
        secret = store_secret(s)
        try:
            code = codes.verify(text, secret)
        except codes.CodeProblem as problem:
            raise CouponError(f"coupon.{problem.reason}", value=(text or "").strip()[:20]) from None
        coupon = s.scalar(select(Coupon).where(Coupon.code == code))
        if coupon is None:
            raise CouponError("coupon.unknown", value=codes.display(code))
        view = _view(s, coupon)
        uow.commit()  # the secret, if this was the first use
        return view


def usable(view: CouponView, today: date, bill_cents: int | None = None) -> None:
    """Raises CouponError when the coupon cannot be used today (for this bill)."""
    state = view.state(today)
    if state == "used":
        raise CouponError("coupon.used", code=view.display_code, at=view.used_at)
    if state == "voided":
        raise CouponError("coupon.voided", code=view.display_code)
    if state == "expired":
        raise CouponError("coupon.expired", code=view.display_code, date=view.valid_to.isoformat())
    if state == "not_yet":
        raise CouponError(
            "coupon.not_yet", code=view.display_code, date=view.valid_from.isoformat()
        )
    if bill_cents is not None and bill_cents < view.min_spend_cents:
        raise CouponError("coupon.min_spend", min_cents=view.min_spend_cents, bill_cents=bill_cents)


def code_problem(ctx: AppContext, text: str) -> CouponError | None:
    """For text shaped like a coupon code: why it is not a usable one of ours (a typo, a
    forgery, unknown), or None when it is a valid code or not code-shaped at all (then it
    is a phone, card or name)."""
    if not codes.looks_like_code(text):
        return None
    try:
        look_up(ctx, text)
    except CouponError as exc:
        return exc
    return None


def is_coupon_code(ctx: AppContext, text: str) -> bool:
    """True when text is a well-formed code signed by this store (a scan in any box)."""
    try:
        with ctx.uow() as uow:
            codes.verify(text, store_secret(uow.session))
            uow.commit()
        return True
    except codes.CodeProblem:
        return False


def discount_for(view: CouponView, bill_cents: int) -> int:
    if view.kind == "amount":
        return min(view.value, bill_cents)
    if view.kind == "percent":
        return (bill_cents * view.value + 50) // 100
    return 0


def redeem(ctx: AppContext, text: str, bill_cents: int) -> RedemptionView:
    """Uses a coupon on a bill, exactly once: even two counters scanning the same code at
    the same instant get one success and one 'already used'."""
    check_amount(bill_cents, "bill")
    if bill_cents > MAX_AMOUNT_CENTS:
        raise ValidationError("amount.too_large", field="bill")
    view = look_up(ctx, text)
    today = store.today(ctx)
    usable(view, today, bill_cents)
    now = ctx.clock.now()
    # IMMEDIATE: take the write lock before reading, so the check and the update are
    # one step for every counter on this database.
    with ctx.uow() as uow:
        s = uow.session
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        claimed = _claim(s, view.id, used_at=now)
        if not claimed:
            fresh = _view(s, _get(s, view.id))
            usable(fresh, today, bill_cents)  # raises used / voided
            raise CouponError("coupon.used", code=view.display_code)
        discount = discount_for(view, bill_cents)
        s.add(
            Redemption(
                coupon_id=view.id,
                at=now,
                bill_cents=bill_cents,
                discount_cents=discount,
                staff=ctx.actor,
            )
        )
        uow.commit()
        return RedemptionView(_view(s, _get(s, view.id)), bill_cents, discount, now)


def _claim(s: Session, coupon_id: int, **values: datetime) -> bool:
    """Marks an unused, unvoided coupon used or voided; False if someone was first."""
    still_open = (Coupon.id == coupon_id, Coupon.used_at.is_(None), Coupon.voided_at.is_(None))
    return updated_rows(s, update(Coupon).where(*still_open).values(**values)) == 1


def void(ctx: AppContext, text: str, reason: str) -> CouponView:
    """A manager withdraws a coupon (lost, issued by mistake). Used ones cannot be voided."""
    require(ctx, "coupon.void")
    reason = text_field(reason, "note", required=True)
    view = look_up(ctx, text)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        s = uow.session
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        claimed = _claim(s, view.id, voided_at=now)
        if not claimed:
            fresh = _view(s, _get(s, view.id))
            raise CouponError(
                "coupon.used" if fresh.used_at else "coupon.voided", code=view.display_code
            )
        audit.record(s, ctx, "coupon.void", view.code, reason)
        s.add(CouponVoid(coupon_id=view.id, at=now, by=ctx.actor, reason=reason))
        uow.commit()
        return _view(s, _get(s, view.id))


# --- queries ---------------------------------------------------------------------------------


def member_coupons(ctx: AppContext, member_id: int) -> list[CouponView]:
    with ctx.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(Coupon)
            .where(Coupon.member_id == member_id)
            .order_by(Coupon.issued_at.desc(), Coupon.id.desc())
        )
        return [_view(s, c) for c in rows]


def campaign_coupons(ctx: AppContext, campaign_id: int) -> list[CouponView]:
    with ctx.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(Coupon).where(Coupon.campaign_id == campaign_id).order_by(Coupon.id)
        )
        return [_view(s, c) for c in rows]


def _get(s: Session, coupon_id: int) -> Coupon:
    c = s.get(Coupon, coupon_id)
    if c is None:
        raise NotFound("coupon.not_found", coupon_id=coupon_id)
    s.refresh(c)
    return c


def _view(s: Session, c: Coupon) -> CouponView:
    member = s.get(Member, c.member_id) if c.member_id else None
    campaign = s.get(Campaign, c.campaign_id) if c.campaign_id else None
    return CouponView(
        id=c.id,
        code=c.code,
        kind=c.kind,
        value=c.value,
        item=c.item,
        min_spend_cents=c.min_spend_cents,
        valid_from=c.valid_from,
        valid_to=c.valid_to,
        member_id=c.member_id,
        member_name=member.name if member else "",
        campaign_id=c.campaign_id,
        campaign_name=campaign.name if campaign else "",
        issued_at=c.issued_at,
        used_at=c.used_at,
        voided_at=c.voided_at,
        issued_by=c.issued_by,
    )


def _campaign_view(s: Session, c: Campaign) -> CampaignView:
    issued = (
        s.scalar(select(func.count()).select_from(Coupon).where(Coupon.campaign_id == c.id)) or 0
    )
    redeemed = (
        s.scalar(
            select(func.count())
            .select_from(Coupon)
            .where(Coupon.campaign_id == c.id, Coupon.used_at.is_not(None))
        )
        or 0
    )
    return CampaignView(c.id, c.kind, c.name, _terms(c), c.max_coupons, int(issued), int(redeemed))
