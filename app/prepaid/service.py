"""Stored-value cards at the counter: recharge, pay from the balance, refund, void,
adjust; the offers; the figures.

Every write is one transaction that changes the card's two balances with a conditional
UPDATE (never below zero, even with two counters spending at once) and appends one
ledger entry stating the balances after it, in the audit chain. Each write takes the
counter's request id: a repeat after a lost answer finds the entry already saved (the
ledger's request_id is UNIQUE) and hands it back instead of applying it twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import case, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from app import coupons
from app import members as mb
from app.core import audit, requests, store
from app.core import settings as st
from app.core.context import AppContext
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.money import MAX_AMOUNT_CENTS, check_amount, format_cents
from app.core.permissions import require
from app.core.text import text_field
from app.loyalty import list_tiers, raise_tier_in
from app.prepaid import idseal
from app.prepaid.rules import (
    METHODS,
    CardView,
    Checkout,
    EntryView,
    PlanInput,
    PlanView,
    Refund,
    Warning,
    id_number_valid,
    mask_id_number,
    refund_due,
    split_spend,
)
from db.models import Member, PrepaidAccount, PrepaidEntry, RechargePlan, Visit
from db.repositories import ensure_prepaid_account, updated_rows

T = TypeVar("T")

MAX_RECHARGE_CENTS = 100_000_00  # ¥100,000 in one recharge: beyond any card


# --- offers -------------------------------------------------------------------------------


def list_plans(ctx: AppContext) -> list[PlanView]:
    """Every offer, the newest first (those switched off too)."""
    with ctx.uow() as uow:
        rows = uow.session.scalars(select(RechargePlan).order_by(RechargePlan.id.desc()))
        return [_plan_view(p) for p in rows]


def offered_plans(ctx: AppContext) -> list[PlanView]:
    """The offers a receptionist can sell today (store-local day), cheapest first."""
    today = store.today(ctx)
    return sorted(
        (p for p in list_plans(ctx) if p.offered_on(today)), key=lambda p: (p.pay_cents, p.id)
    )


def save_plan(ctx: AppContext, data: PlanInput, plan_id: int | None = None) -> PlanView:
    """A new offer, or changes to one (a manager's). Past recharges keep what they got."""
    require(ctx, "prepaid.plans")
    name = text_field(data.name, "name", required=True, max_len=60)
    check_amount(data.pay_cents, "pay")
    check_amount(data.bonus_cents, "bonus")
    if not 0 < data.pay_cents <= MAX_RECHARGE_CENTS:
        raise ValidationError("prepaid.amount", field="pay", max_cents=MAX_RECHARGE_CENTS)
    if data.bonus_cents > data.pay_cents:
        raise ValidationError("prepaid.bonus_too_large", field="bonus")
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise ValidationError("period.order", field="valid_to")
    tier = data.upgrade_tier or None
    if tier is not None and tier not in {t.code for t in list_tiers(ctx)}:
        raise ValidationError("prepaid.tier", field="upgrade_tier", value=tier)
    with ctx.uow(write=True) as uow:
        s = uow.session
        if plan_id is None:
            plan = RechargePlan(created_at=ctx.clock.now(), created_by=ctx.actor)
            s.add(plan)
        else:
            found = s.get(RechargePlan, plan_id)
            if found is None:
                raise NotFound("prepaid.plan_not_found")
            plan = found
        plan.name, plan.pay_cents, plan.bonus_cents = name, data.pay_cents, data.bonus_cents
        plan.valid_from, plan.valid_to = data.valid_from, data.valid_to
        plan.upgrade_tier, plan.active = tier, bool(data.active)
        s.flush()
        audit.record(
            s,
            ctx,
            "prepaid.plan",
            str(plan.id),
            f"{name}: pay {format_cents(data.pay_cents)} bonus {format_cents(data.bonus_cents)}"
            f"{' tier ' + tier if tier else ''}{'' if data.active else ' (off)'}",
        )
        view = _plan_view(plan)
        uow.commit()
        return view


# --- the card -----------------------------------------------------------------------------


def card(ctx: AppContext, member_id: int) -> CardView:
    with ctx.uow() as uow:
        return card_in(uow.session, member_id)


def card_in(s: Session, member_id: int) -> CardView:
    account = s.get(PrepaidAccount, member_id)
    if account is None:
        if s.get(Member, member_id) is None:
            raise NotFound("member.not_found", member_id=member_id)
        return CardView(member_id, 0, 0, "none")
    return CardView(member_id, account.principal_cents, account.bonus_cents, account.status)


def entries(ctx: AppContext, member_id: int, limit: int = 200) -> list[EntryView]:
    """The member's ledger, the newest first."""
    with ctx.uow() as uow:
        s = uow.session
        rows = list(
            s.scalars(
                select(PrepaidEntry)
                .where(PrepaidEntry.member_id == member_id)
                .order_by(PrepaidEntry.id.desc())
                .limit(limit)
            )
        )
        return _entry_views(s, rows)


def entry(ctx: AppContext, entry_id: int) -> EntryView:
    with ctx.uow() as uow:
        return _entry_view_in(uow.session, _entry(uow.session, entry_id))


# --- recharge -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RechargeInput:
    """A recharge as the counter sends it: an offer, or a free amount (a bonus on a free
    amount is a manager's), how it was paid, and the buyer (a named card)."""

    member_id: int
    method: str
    plan_id: int | None = None
    pay_cents: int = 0  # a free amount (without an offer)
    bonus_cents: int = 0
    buyer_name: str = ""
    buyer_id: str = ""


def recharge_warnings(ctx: AppContext, data: RechargeInput) -> list[Warning]:
    """What this recharge goes past of the store's MOFCOM settings (the named-card limit,
    the buyer's ID); the receptionist confirms them. Bad input raises as recharge would."""
    pay, bonus, _plan = _recharge_amounts(ctx, data)
    _buyer(data)
    return _warnings(ctx, data, pay, bonus)


def _warnings(ctx: AppContext, data: RechargeInput, pay: int, bonus: int) -> list[Warning]:
    settings = st.load(ctx)
    found: list[Warning] = []
    after = sum(_balances_after(card(ctx, data.member_id), pay, bonus))
    limit = settings.prepaid_card_limit_cents
    if limit and after > limit:
        found.append(Warning("prepaid.over_limit", {"limit_cents": limit, "after_cents": after}))
    if settings.prepaid_ask_buyer_id and not data.buyer_id.strip():
        found.append(Warning("prepaid.no_buyer_id", {}))
    return found


def _balances_after(current: CardView, pay: int, bonus: int) -> tuple[int, int]:
    """(principal, bonus) on the card after a recharge: a closed card starts a new period
    from zero."""
    if current.status == "closed":
        return pay, bonus
    return current.principal_cents + pay, current.bonus_cents + bonus


def recharge(
    ctx: AppContext,
    data: RechargeInput,
    confirmed: bool = False,
    request_id: str | None = None,
) -> EntryView:
    """Money in: the principal paid and the offer's bonus go on the card (opening it, or
    a new period after a refund), the offer's tier upgrade applies. Refused with the first
    warning unless `confirmed`."""
    request_id = requests.check(request_id)
    pay, bonus, plan = _recharge_amounts(ctx, data)
    buyer_name, buyer_id = _buyer(data)
    warnings = _warnings(ctx, data, pay, bonus)
    if warnings and not confirmed:
        raise Conflict(warnings[0].code, **warnings[0].params)
    sealed = idseal.seal(_folder(ctx), buyer_id) if buyer_id else ""

    def write(s: Session, now: datetime) -> PrepaidEntry:
        # Locked: a refund closing the card at another counter first is seen (closed: a
        # new period), not read as open and then closed under this recharge.
        if s.get(Member, data.member_id) is None:
            raise NotFound("member.not_found", member_id=data.member_id)
        # The first recharge makes the card; two counters making it at once both go on.
        ensure_prepaid_account(s, data.member_id, now)
        account = s.get(PrepaidAccount, data.member_id, with_for_update=True)
        assert account is not None
        new_period = account.status == "closed" or account.period_start_id == 0
        p_after, b_after = _move(s, data.member_id, pay, bonus, open_only=False)
        e = _add(
            s,
            ctx,
            data.member_id,
            "recharge",
            pay,
            bonus,
            p_after,
            b_after,
            now,
            request_id,
            cash_cents=pay,
            method=data.method,
            plan_id=plan.id if plan else None,
            reason=plan.name if plan else "",
            buyer_name=buyer_name,
            buyer_id_masked=mask_id_number(buyer_id) if buyer_id else "",
            buyer_id_sealed=sealed,
        )
        if new_period:
            s.execute(
                update(PrepaidAccount)
                .where(PrepaidAccount.member_id == data.member_id)
                .values(status="open", closed_at=None, opened_at=now, period_start_id=e.id)
            )
        if plan is not None and plan.upgrade_tier:
            raise_tier_in(s, data.member_id, plan.upgrade_tier, f"recharge: {plan.name}", now)
        return e

    return _write(ctx, request_id, write)


def _recharge_amounts(ctx: AppContext, data: RechargeInput) -> tuple[int, int, PlanView | None]:
    if data.method not in METHODS:
        raise ValidationError("prepaid.method", field="method")
    if data.plan_id is not None:
        plan = next((p for p in list_plans(ctx) if p.id == data.plan_id), None)
        if plan is None:
            raise NotFound("prepaid.plan_not_found")
        if not plan.offered_on(store.today(ctx)):
            raise Conflict("prepaid.plan_not_offered", name=plan.name)
        return plan.pay_cents, plan.bonus_cents, plan
    check_amount(data.pay_cents, "pay")
    check_amount(data.bonus_cents, "bonus")
    if not 0 < data.pay_cents <= MAX_RECHARGE_CENTS:
        raise ValidationError("prepaid.amount", field="pay", max_cents=MAX_RECHARGE_CENTS)
    if data.bonus_cents:
        require(ctx, "prepaid.bonus")
        if data.bonus_cents > data.pay_cents:
            raise ValidationError("prepaid.bonus_too_large", field="bonus")
    return data.pay_cents, data.bonus_cents, None


def _buyer(data: RechargeInput) -> tuple[str, str]:
    name = text_field(data.buyer_name, "buyer_name", max_len=60)
    number = "".join(data.buyer_id.split()).upper()
    if number and not id_number_valid(number):
        raise ValidationError("prepaid.id_number", field="buyer_id")
    if number and not name:
        raise ValidationError("prepaid.buyer_name", field="buyer_name")
    return name, number


# --- spending -----------------------------------------------------------------------------


def spend(
    ctx: AppContext,
    member_id: int,
    amount_cents: int,
    reason: str = "",
    request_id: str | None = None,
) -> EntryView:
    """Pays `amount_cents` from the card (a sale without a visit form). "Not enough
    balance" when the card does not cover it; never below zero."""
    request_id = requests.check(request_id)
    _check_spend(amount_cents)
    reason = text_field(reason, "reason", max_len=160)
    rule = st.load(ctx).prepaid_split
    return _write(
        ctx,
        request_id,
        lambda s, now: spend_in(s, ctx, member_id, amount_cents, rule, now, request_id, reason),
    )


def spend_in(
    s: Session,
    ctx: AppContext,
    member_id: int,
    amount_cents: int,
    rule: str,
    now: datetime,
    request_id: str | None,
    reason: str = "",
    visit_id: int | None = None,
) -> PrepaidEntry:
    """The spend in the caller's write transaction: split by `rule` between principal
    and bonus as the card stands (its row locked on a server), then a conditional UPDATE."""
    row = s.execute(
        select(PrepaidAccount.principal_cents, PrepaidAccount.bonus_cents, PrepaidAccount.status)
        .where(PrepaidAccount.member_id == member_id)
        .with_for_update()
    ).one_or_none()
    if row is None or row.status != "open":
        raise Conflict("prepaid.no_card")
    have = int(row.principal_cents) + int(row.bonus_cents)
    if amount_cents > have:
        raise Conflict("prepaid.not_enough", need_cents=amount_cents, have_cents=have)
    p, b = split_spend(amount_cents, int(row.principal_cents), int(row.bonus_cents), rule)
    p_after, b_after = _move(s, member_id, -p, -b, open_only=True)
    return _add(
        s, ctx, member_id, "spend", -p, -b, p_after, b_after, now, request_id,
        reason=reason, visit_id=visit_id,
    )  # fmt: skip


def _check_spend(amount_cents: int) -> None:
    check_amount(amount_cents)
    if amount_cents == 0:
        raise ValidationError("prepaid.zero", field="amount")


def checkout(
    ctx: AppContext,
    member_id: int,
    bill_cents: int,
    items: str = "",
    staff: str = "",
    coupon_code: str | None = None,
    from_card_cents: int = 0,
    request_id: str | None = None,
) -> Checkout:
    """A visit paid at the counter (F5): a coupon first (if scanned), then part or all of
    what is left from the card, the rest by other means; the visit records what the guest
    paid after the coupon (points and tier from it, as for any visit). One transaction:
    all of it is saved, or nothing."""
    check_amount(bill_cents, "amount")
    check_amount(from_card_cents, "from_card")
    items = text_field(items, "items", max_len=500)
    staff = text_field(staff, "staff", max_len=64)
    request_id = requests.check(request_id)
    code = (coupon_code or "").strip() or None
    if request_id is not None:
        with ctx.uow() as uow:
            saved = _saved_checkout(uow.session, request_id)
        if saved is not None:
            return saved
    view, discount = _coupon_on(ctx, code, bill_cents)
    due = bill_cents - discount
    if from_card_cents > due:
        raise ValidationError("prepaid.more_than_due", field="from_card", due_cents=due)
    rule = st.load(ctx).prepaid_split
    try:
        with ctx.uow(write=True) as uow:
            s = uow.session
            now = ctx.clock.now()
            redeemed = (
                coupons.redeem_in(s, ctx, view, bill_cents, _sub(request_id, "c"))
                if view is not None
                else None
            )
            visit = mb.record_visit_in(s, ctx, member_id, due, items, staff, now)
            requests.remember(s, request_id, "visit", visit.id, now)
            paid: PrepaidEntry | None = None
            if from_card_cents:
                paid = spend_in(
                    s, ctx, member_id, from_card_cents, rule, now, request_id, visit_id=visit.id
                )
            result = _checkout_of(s, visit.id, bill_cents, redeemed, paid)
            uow.commit()
            return result
    except IntegrityError:
        saved = requests.saved_by_twin(ctx, request_id, lambda s: _saved_checkout(s, request_id))
        if saved is None:
            raise
        return saved


def _coupon_on(
    ctx: AppContext, code: str | None, bill_cents: int
) -> tuple[coupons.CouponView | None, int]:
    """The coupon a code names and its discount on this bill (none: 0); one that cannot be
    used today or on this bill raises."""
    if not code:
        return None, 0
    view = coupons.look_up(ctx, code)
    coupons.usable(view, store.today(ctx), bill_cents)
    return view, coupons.discount_for(view, bill_cents)


def _sub(request_id: str | None, part: str) -> str | None:
    return f"{request_id}-{part}" if request_id is not None else None


def _checkout_of(
    s: Session,
    visit_id: int,
    bill_cents: int,
    redeemed: coupons.RedemptionView | None,
    paid: PrepaidEntry | None,
) -> Checkout:
    discount = redeemed.discount_cents if redeemed is not None else 0
    from_p = -paid.principal_cents if paid is not None else 0
    from_b = -paid.bonus_cents if paid is not None else 0
    if paid is not None:
        p_after, b_after = paid.principal_after, paid.bonus_after
    else:
        member_id = s.scalar(select(Visit.member_id).where(Visit.id == visit_id))
        account = s.get(PrepaidAccount, member_id)
        p_after = account.principal_cents if account else 0
        b_after = account.bonus_cents if account else 0
    return Checkout(
        visit_id=visit_id,
        bill_cents=bill_cents,
        discount_cents=discount,
        from_card_cents=from_p + from_b,
        from_principal_cents=from_p,
        from_bonus_cents=from_b,
        to_pay_cents=bill_cents - discount - from_p - from_b,
        principal_after=p_after,
        bonus_after=b_after,
        coupon_code=redeemed.coupon.display_code if redeemed is not None else None,
    )


def _saved_checkout(s: Session, request_id: str | None) -> Checkout | None:
    visit = mb.saved_visit(s, request_id)
    if visit is None:
        return None
    redeemed = coupons.saved_redemption(s, _sub(request_id, "c"))
    paid = s.scalar(select(PrepaidEntry).where(PrepaidEntry.request_id == request_id))
    bill = redeemed.bill_cents if redeemed is not None else visit.amount_cents
    return _checkout_of(s, visit.id, bill, redeemed, paid)


# --- refund, void, adjust (a manager's) -------------------------------------------------------


def refund_preview(ctx: AppContext, member_id: int) -> Refund:
    """What a refund would pay back now, and how it is counted (shown before confirming)."""
    with ctx.uow() as uow:
        return _refund_in(uow.session, member_id)


def refund(
    ctx: AppContext, member_id: int, reason: str, request_id: str | None = None
) -> EntryView:
    """Pays back the unspent principal (refund_preview) and closes the card: both
    balances go to zero; the bonus is not paid out."""
    require(ctx, "prepaid.refund")
    reason = text_field(reason, "reason", required=True, max_len=160)
    request_id = requests.check(request_id)

    def write(s: Session, now: datetime) -> PrepaidEntry:
        account = s.get(PrepaidAccount, member_id, with_for_update=True)
        if account is None or account.status != "open":
            raise Conflict("prepaid.no_card")
        due = _refund_in(s, member_id)
        p, b = account.principal_cents, account.bonus_cents
        _move(s, member_id, -p, -b, open_only=True)
        s.execute(
            update(PrepaidAccount)
            .where(PrepaidAccount.member_id == member_id)
            .values(status="closed", closed_at=now)
        )
        return _add(
            s, ctx, member_id, "refund", -p, -b, 0, 0, now, request_id,
            cash_cents=due.refund, reason=reason,
        )  # fmt: skip

    return _write(ctx, request_id, write)


def _refund_in(s: Session, member_id: int) -> Refund:
    account = s.get(PrepaidAccount, member_id)
    if account is None or account.status != "open":
        raise Conflict("prepaid.no_card")
    rows = list(
        s.scalars(
            select(PrepaidEntry).where(
                PrepaidEntry.member_id == member_id, PrepaidEntry.id >= account.period_start_id
            )
        )
    )
    voided = {e.voids_id for e in rows if e.voids_id is not None}
    paid = bonus = spent = 0
    for e in rows:
        if e.id in voided or e.kind == "void":
            continue
        if e.kind == "recharge":
            paid += e.principal_cents
            bonus += e.bonus_cents
        elif e.kind == "spend":
            spent -= e.principal_cents + e.bonus_cents
    return refund_due(paid, bonus, spent)


def void(ctx: AppContext, entry_id: int, reason: str, request_id: str | None = None) -> EntryView:
    """Undoes a recharge or a spend entered by mistake (a manager's, with a reason), by a
    new entry; each entry once. A recharge whose money was spent already cannot be."""
    require(ctx, "prepaid.void")
    reason = text_field(reason, "reason", required=True, max_len=160)
    request_id = requests.check(request_id)

    def write(s: Session, now: datetime) -> PrepaidEntry:
        target = _entry(s, entry_id)
        if target.kind not in ("recharge", "spend"):
            raise Conflict("prepaid.not_voidable")
        # The card locked before looking for an earlier void: a void of the same entry at
        # another counter is then seen, not found by the UNIQUE voids_id at the insert.
        account = s.get(PrepaidAccount, target.member_id, with_for_update=True)
        if s.scalar(select(PrepaidEntry.id).where(PrepaidEntry.voids_id == entry_id)):
            raise Conflict("prepaid.voided_already")
        if account is None or account.status != "open" or target.id < account.period_start_id:
            raise Conflict("prepaid.not_voidable")
        dp, db = -target.principal_cents, -target.bonus_cents
        p_after, b_after = _move(s, target.member_id, dp, db, open_only=True)
        return _add(
            s, ctx, target.member_id, "void", dp, db, p_after, b_after, now, request_id,
            cash_cents=-target.cash_cents, method=target.method, voids_id=target.id,
            reason=reason,
        )  # fmt: skip

    return _write(ctx, request_id, write)


def adjust(
    ctx: AppContext,
    member_id: int,
    principal_cents: int,
    bonus_cents: int,
    reason: str,
    request_id: str | None = None,
) -> EntryView:
    """A manager's correction of either balance, with a reason; never below zero."""
    require(ctx, "prepaid.adjust")
    reason = text_field(reason, "reason", required=True, max_len=160)
    request_id = requests.check(request_id)
    for value, field in ((principal_cents, "principal"), (bonus_cents, "bonus")):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError("amount.invalid", field=field, value=str(value)[:40])
        if abs(value) > MAX_AMOUNT_CENTS:
            raise ValidationError("amount.too_large", field=field)
    if principal_cents == 0 and bonus_cents == 0:
        raise ValidationError("prepaid.zero", field="principal")

    def write(s: Session, now: datetime) -> PrepaidEntry:
        account = s.get(PrepaidAccount, member_id, with_for_update=True)
        if account is None or account.status != "open":
            raise Conflict("prepaid.no_card")
        p_after, b_after = _move(s, member_id, principal_cents, bonus_cents, open_only=True)
        return _add(
            s, ctx, member_id, "adjust", principal_cents, bonus_cents, p_after, b_after, now,
            request_id, reason=reason,
        )  # fmt: skip

    return _write(ctx, request_id, write)


def reveal_buyer_id(ctx: AppContext, entry_id: int) -> str:
    """The buyer's whole ID number, for a manager; every look is in the audit trail."""
    require(ctx, "prepaid.id_view")
    with ctx.uow() as uow:
        e = _entry(uow.session, entry_id)
        sealed = e.buyer_id_sealed
    if not sealed:
        raise NotFound("prepaid.no_buyer_id_saved")
    number = idseal.unseal(_folder(ctx), sealed)
    audit.log(ctx, "prepaid.id_view", f"entry {entry_id}")
    return number


# --- figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrepaidFigures:
    """Stored-value money over a period of store-local days (voids net out)."""

    recharged_cents: int  # principal paid in
    bonus_given_cents: int
    spent_principal_cents: int
    spent_bonus_cents: int
    refunded_cents: int  # paid back
    forfeited_bonus_cents: int  # bonus written off by refunds
    liability_cents: int  # principal + bonus on every card at the end of the period
    liability_principal_cents: int
    cards: int  # cards holding a balance at the end of the period


def figures_in(s: Session, start: datetime, end: datetime) -> PrepaidFigures:
    """For instants start <= at < end (the caller turns store days into instants). Two
    queries: the period's entries (a range of the (at, kind) index), and the balances at
    `end` (the cards now, taken back over the entries since `end`)."""
    e, undone = PrepaidEntry, aliased(PrepaidEntry)
    # A void counts against the kind it undoes, in the period it was made.
    kind = func.coalesce(undone.kind, e.kind)
    sums: dict[str, tuple[int, int, int]] = {
        str(k): (int(p), int(b), int(cash))
        for k, p, b, cash in s.execute(
            select(
                kind,
                func.coalesce(func.sum(e.principal_cents), 0),
                func.coalesce(func.sum(e.bonus_cents), 0),
                func.coalesce(func.sum(e.cash_cents), 0),
            )
            .outerjoin(undone, undone.id == e.voids_id)
            .where(e.at >= start, e.at < end)
            .group_by(kind)
        )
    }
    recharge = sums.get("recharge", (0, 0, 0))
    spent = sums.get("spend", (0, 0, 0))
    refunded = sums.get("refund", (0, 0, 0))
    p_left, b_left, cards = _balances_at(s, end)
    return PrepaidFigures(
        recharged_cents=recharge[2],
        bonus_given_cents=recharge[1],
        spent_principal_cents=-spent[0],
        spent_bonus_cents=-spent[1],
        refunded_cents=refunded[2],
        forfeited_bonus_cents=-refunded[1],
        liability_cents=p_left + b_left,
        liability_principal_cents=p_left,
        cards=cards,
    )


def _balances_at(s: Session, end: datetime) -> tuple[int, int, int]:
    """Principal and bonus on every card, and the cards holding any, at instant `end`:
    the cards as they stand now, each card with entries since `end` taken back to before
    the first of them (its balances after, less what it changed). Reads only the entries
    since `end` (none for a period that ends today), not the whole ledger before it."""
    a, e = PrepaidAccount, PrepaidEntry

    def holding(p: Any, b: Any) -> Any:
        return case((p + b > 0, 1), else_=0)

    now = select(
        func.coalesce(func.sum(a.principal_cents), 0).label("p"),
        func.coalesce(func.sum(a.bonus_cents), 0).label("b"),
        func.coalesce(func.sum(holding(a.principal_cents, a.bonus_cents)), 0).label("n"),
    ).subquery()
    # "+ 0": SQLite would otherwise walk the whole (member_id, id) index to group.
    member = e.member_id + 0
    first = (
        select(member.label("m"), func.min(e.id).label("id"))
        .where(e.at >= end)
        .group_by(member)
        .subquery()
    )
    p_then, b_then = e.principal_after - e.principal_cents, e.bonus_after - e.bonus_cents
    since = (
        select(
            func.coalesce(func.sum(p_then - a.principal_cents), 0).label("p"),
            func.coalesce(func.sum(b_then - a.bonus_cents), 0).label("b"),
            func.coalesce(
                func.sum(holding(p_then, b_then) - holding(a.principal_cents, a.bonus_cents)), 0
            ).label("n"),
        )
        .select_from(first)
        .join(e, e.id == first.c.id)
        .join(a, a.member_id == first.c.m)
        .subquery()
    )
    p, b, n = s.execute(
        select(now.c.p + since.c.p, now.c.b + since.c.b, now.c.n + since.c.n)
        .select_from(now)
        .join(since, true())
    ).one()
    return int(p), int(b), int(n)


def liability(ctx: AppContext) -> tuple[int, int]:
    """(principal, bonus) on every card now, from the cards themselves."""
    with ctx.uow() as uow:
        p, b = uow.session.execute(
            select(
                func.coalesce(func.sum(PrepaidAccount.principal_cents), 0),
                func.coalesce(func.sum(PrepaidAccount.bonus_cents), 0),
            )
        ).one()
        return int(p), int(b)


def entries_between(
    ctx: AppContext, start: datetime, end: datetime, kind: str | None = None, limit: int = 500
) -> list[EntryView]:
    """The ledger lines behind the figures (the dashboard's drill-down), newest first."""
    with ctx.uow() as uow:
        s = uow.session
        q = select(PrepaidEntry).where(PrepaidEntry.at >= start, PrepaidEntry.at < end)
        if kind is not None:
            q = q.where(PrepaidEntry.kind == kind)
        rows = list(s.scalars(q.order_by(PrepaidEntry.id.desc()).limit(limit)))
        return _entry_views(s, rows)


# --- the one way a balance changes ---------------------------------------------------------


def _move(s: Session, member_id: int, dp: int, db: int, open_only: bool) -> tuple[int, int]:
    """Adds dp and db to the card's balances with one conditional UPDATE that refuses to
    take either below zero (two counters at once: one of them is refused). Returns the
    balances after."""
    conditions = [
        PrepaidAccount.member_id == member_id,
        PrepaidAccount.principal_cents + dp >= 0,
        PrepaidAccount.bonus_cents + db >= 0,
    ]
    if open_only:
        conditions.append(PrepaidAccount.status == "open")
    changed = updated_rows(
        s,
        update(PrepaidAccount)
        .where(*conditions)
        .values(
            principal_cents=PrepaidAccount.principal_cents + dp,
            bonus_cents=PrepaidAccount.bonus_cents + db,
        ),
    )
    row = s.execute(
        select(PrepaidAccount.principal_cents, PrepaidAccount.bonus_cents).where(
            PrepaidAccount.member_id == member_id
        )
    ).one_or_none()
    if row is None:
        raise Conflict("prepaid.no_card")
    if changed != 1:
        have = int(row[0]) + int(row[1])
        raise Conflict("prepaid.not_enough", need_cents=-(dp + db), have_cents=have)
    return int(row[0]), int(row[1])


def _add(
    s: Session,
    ctx: AppContext,
    member_id: int,
    kind: str,
    dp: int,
    db: int,
    p_after: int,
    b_after: int,
    now: datetime,
    request_id: str | None,
    **more: object,
) -> PrepaidEntry:
    e = PrepaidEntry(
        member_id=member_id,
        at=now,
        kind=kind,
        principal_cents=dp,
        bonus_cents=db,
        principal_after=p_after,
        bonus_after=b_after,
        staff=ctx.actor,
        request_id=request_id,
        **more,
    )
    s.add(e)
    s.flush()
    cash = int(more.get("cash_cents", 0) or 0)  # type: ignore[call-overload]
    audit.record(
        s,
        ctx,
        f"prepaid.{kind}",
        f"member {member_id}",
        f"entry {e.id}: principal {dp:+d} bonus {db:+d} cash {cash:+d} "
        f"after {p_after}/{b_after}" + (f" ({e.reason})" if e.reason else ""),
    )
    return e


def _write(
    ctx: AppContext, request_id: str | None, write: Callable[[Session, datetime], PrepaidEntry]
) -> EntryView:
    """One write transaction around `write`; a request already saved (now, or by a twin
    at the same instant) is handed back instead."""
    try:
        with ctx.uow(write=True) as uow:
            s = uow.session
            saved = _by_request(s, request_id)
            if saved is not None:
                return saved
            e = write(s, ctx.clock.now())
            view = _entry_view_in(s, e)
            uow.commit()
            return view
    except (IntegrityError, Conflict):
        # A twin of this request that the card's lock made it wait for (on a server) has
        # saved it meanwhile: its entry is the answer, not "not enough" or "no card".
        saved = requests.saved_by_twin(ctx, request_id, lambda s: _by_request(s, request_id))
        if saved is None:
            raise
        return saved


def _by_request(s: Session, request_id: str | None) -> EntryView | None:
    if request_id is None:
        return None
    e = s.scalar(select(PrepaidEntry).where(PrepaidEntry.request_id == request_id))
    return _entry_view_in(s, e) if e is not None else None


def _entry(s: Session, entry_id: int) -> PrepaidEntry:
    e = s.get(PrepaidEntry, entry_id)
    if e is None:
        raise NotFound("prepaid.entry_not_found")
    return e


def _entry_views(s: Session, rows: list[PrepaidEntry]) -> list[EntryView]:
    ids = [e.id for e in rows]
    voided = (
        set(s.scalars(select(PrepaidEntry.voids_id).where(PrepaidEntry.voids_id.in_(ids))))
        if ids
        else set()
    )
    return [_view(e, e.id in voided) for e in rows]


def _entry_view_in(s: Session, e: PrepaidEntry) -> EntryView:
    voided = s.scalar(select(PrepaidEntry.id).where(PrepaidEntry.voids_id == e.id)) is not None
    return _view(e, voided)


def _view(e: PrepaidEntry, voided: bool) -> EntryView:
    return EntryView(
        id=e.id,
        member_id=e.member_id,
        at=e.at,
        kind=e.kind,
        principal_cents=e.principal_cents,
        bonus_cents=e.bonus_cents,
        principal_after=e.principal_after,
        bonus_after=e.bonus_after,
        cash_cents=e.cash_cents,
        method=e.method,
        plan_id=e.plan_id,
        visit_id=e.visit_id,
        voids_id=e.voids_id,
        voided=voided,
        reason=e.reason,
        staff=e.staff,
        buyer_name=e.buyer_name,
        buyer_id_masked=e.buyer_id_masked,
    )


def _plan_view(p: RechargePlan) -> PlanView:
    return PlanView(
        p.id, p.name, p.pay_cents, p.bonus_cents, p.valid_from, p.valid_to, p.upgrade_tier, p.active
    )


def _folder(ctx: AppContext) -> Path:
    if ctx.data_dir is None:
        raise Conflict("prepaid.no_data_folder")
    return Path(ctx.data_dir)


# --- quotes for the counter's forms (read only) -----------------------------------------------


@dataclass(frozen=True)
class CheckoutQuote:
    """What a checkout would take, shown live while the visit form is filled in."""

    bill_cents: int
    discount_cents: int  # the coupon's, if one was given and is usable on this bill
    due_cents: int  # after the coupon
    card_status: str  # none, open, closed
    balance_cents: int

    @property
    def suggested_from_card_cents(self) -> int:
        """As much of what is due as the card covers (an open card only)."""
        return min(self.due_cents, self.balance_cents) if self.card_status == "open" else 0


def checkout_quote(
    ctx: AppContext, member_id: int, bill_cents: int, coupon_code: str | None = None
) -> CheckoutQuote:
    """The discount, what is due and the card's balance for a bill, as checkout would
    count them; a coupon that cannot be used raises as checkout would. Saves nothing."""
    check_amount(bill_cents, "amount")
    _view, discount = _coupon_on(ctx, (coupon_code or "").strip() or None, bill_cents)
    current = card(ctx, member_id)
    return CheckoutQuote(
        bill_cents, discount, bill_cents - discount, current.status, current.balance_cents
    )


def recharge_after(ctx: AppContext, data: RechargeInput) -> tuple[int, int]:
    """(principal, bonus) the card would hold after this recharge (a closed card starts a
    new period from zero). Bad amounts raise as recharge would; the buyer is not checked."""
    pay, bonus, _plan = _recharge_amounts(ctx, data)
    return _balances_after(card(ctx, data.member_id), pay, bonus)
