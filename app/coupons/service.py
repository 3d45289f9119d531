"""Coupons: campaigns issue them, the counter redeems each exactly once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core import audit, codes, requests, store
from app.core.context import AppContext
from app.core.errors import Conflict, Forbidden, NotFound, ValidationError
from app.core.money import MAX_AMOUNT_CENTS, check_amount, format_cents
from app.core.permissions import require
from app.core.settings import settings_in
from app.core.text import text_field
from app.coupons.rules import (
    CAMPAIGN_KINDS,
    CampaignView,
    CouponError,
    CouponTerms,
    CouponView,
    IssuedCampaign,
    RedemptionView,
    discount_for,
    terms_text,
    usable,
)
from db.models import (
    Campaign,
    Complaint,
    ComplaintEvent,
    Coupon,
    CouponVoid,
    Member,
    Redemption,
)
from db.repositories import MemberRepository, updated_rows


def ensure_secret(ctx: AppContext) -> None:
    with ctx.uow() as uow:
        store.coupon_secret(uow.session)
        uow.commit()


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
    with ctx.uow(write=True) as uow:
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
        audit.record(uow.session, ctx, "campaign.create", f"{c.id} {name}", terms_text(terms))
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


def issue_campaign(ctx: AppContext, campaign_id: int, member_ids: list[int]) -> IssuedCampaign:
    """One coupon per chosen member, within the campaign's limits; members who already
    hold their share, and deactivated members, are skipped and counted. All or nothing;
    one audit entry for the batch."""
    wanted_ids = list(dict.fromkeys(member_ids))
    with ctx.uow(write=True) as uow:
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
    with ctx.uow(write=True) as uow:
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
                    note=f"{view.display_code} {terms_text(terms)}",
                )
            )
        audit.record(s, ctx, "coupon.issue", coupon.code, terms_text(terms))
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
    audit.record(s, ctx, "coupon.issue", coupon.code, terms_text(terms))
    return _view(s, coupon)


def _terms(c: Campaign) -> CouponTerms:
    return CouponTerms(c.coupon_kind, c.value, c.item, c.min_spend_cents, c.valid_days)


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
    secret = store.coupon_secret(s)
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


def look_up(ctx: AppContext, text: str) -> CouponView:
    """What a scanned or typed code is. Raises CouponError with the reason it is not
    usable as a code at all (mistyped, forged, unknown)."""
    with ctx.uow() as uow:
        s = uow.session
        secret = store.coupon_secret(s)
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
            codes.verify(text, store.coupon_secret(uow.session))
            uow.commit()
        return True
    except codes.CodeProblem:
        return False


def redeem(
    ctx: AppContext, text: str, bill_cents: int, request_id: str | None = None
) -> RedemptionView:
    """Uses a coupon on a bill, exactly once: even two counters scanning the same code at
    the same instant get one success and one 'already used'. `request_id` (made once per
    attempt): a repeat after a lost answer returns the redemption already saved."""
    check_amount(bill_cents, "bill")
    if bill_cents > MAX_AMOUNT_CENTS:
        raise ValidationError("amount.too_large", field="bill")
    request_id = requests.check(request_id)
    if request_id is not None:
        with ctx.uow() as uow:
            saved = saved_redemption(uow.session, request_id)
        if saved is not None:
            return saved
    view = look_up(ctx, text)
    today = store.today(ctx)
    usable(view, today, bill_cents)
    # The write lock before reading (SQLite), a conditional UPDATE (every backend): the
    # check and the update are one step for every counter on this database.
    try:
        with ctx.uow(write=True) as uow:
            redemption = redeem_in(uow.session, ctx, view, bill_cents, request_id)
            uow.commit()
            return redemption
    except IntegrityError:
        saved = requests.saved_by_twin(ctx, request_id, lambda s: saved_redemption(s, request_id))
        if saved is None:
            raise
        return saved


def redeem_in(
    s: Session, ctx: AppContext, view: CouponView, bill_cents: int, request_id: str | None
) -> RedemptionView:
    """Claims the coupon `view` (looked up and checked usable by the caller) for this bill
    in the caller's write transaction; "already used" when another counter was first."""
    now = ctx.clock.now()
    if not _claim(s, view.id, used_at=now):
        fresh = _view(s, _get(s, view.id))
        usable(fresh, store.today(ctx), bill_cents)  # raises used / voided
        raise CouponError("coupon.used", code=view.display_code)
    discount = discount_for(view, bill_cents)
    redemption = Redemption(
        coupon_id=view.id,
        at=now,
        bill_cents=bill_cents,
        discount_cents=discount,
        staff=ctx.actor,
    )
    s.add(redemption)
    s.flush()
    requests.remember(s, request_id, "redemption", redemption.id, now)
    return RedemptionView(_view(s, _get(s, view.id)), bill_cents, discount, now)


def saved_redemption(s: Session, request_id: str | None) -> RedemptionView | None:
    """What this request redeemed already, if anything."""
    found = requests.done_before(s, request_id, "redemption")
    r = s.get(Redemption, found) if found is not None else None
    if r is None:
        return None
    return RedemptionView(_view(s, _get(s, r.coupon_id)), r.bill_cents, r.discount_cents, r.at)


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
    with ctx.uow(write=True) as uow:
        s = uow.session
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
