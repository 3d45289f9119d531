"""SQLAlchemy models: the schema of the store's database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Key/value store settings (store name, per-store secrets, schedule stamps)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (CheckConstraint("points_balance >= 0", name="ck_members_points_nonnegative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_no: Mapped[str] = mapped_column(String(16), unique=True)
    card_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    name_pinyin: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    gender: Mapped[str] = mapped_column(String(1), default="")  # "F", "M" or "" (not said)
    birthday: Mapped[date | None] = mapped_column(Date)
    preferences: Mapped[str] = mapped_column(Text, default="")
    allergies: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Denormalised visit totals, changed in the same transaction as each visit.
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    lifetime_spend_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The points ledger is points_entries; this is its running sum, changed in the same
    # transaction as each entry and never below zero.
    points_balance: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    tags: Mapped[list[MemberTag]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberTag.tag"
    )


Index("ix_members_last_visit", Member.last_visit_at)
# Month and day of the birthday ('MM-DD'), for this week's birthdays (SQLite expression index).
BIRTHDAY_MD = text("substr(birthday, 6, 5)")
Index("ix_members_birthday_md", BIRTHDAY_MD)


class MemberStats(Base):
    """A member's loyalty figures: tier, rolling 12 months, RFM segment, lapse date.

    Kept apart from the (wide) member row so the monthly review of a million members
    rewrites a narrow table. No row yet: the lowest tier, no segment."""

    __tablename__ = "member_stats"
    __table_args__ = (Index("ix_member_stats_lapse", "lapse_at"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    tier: Mapped[str] = mapped_column(String(8))
    spend_12m_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    visits_12m: Mapped[int] = mapped_column(Integer, default=0)
    first_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    segment: Mapped[str] = mapped_column(String(8), default="")  # R3F2M1
    # When this member counts as lapsing: last visit + 1.5x their usual interval.
    lapse_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MemberTag(Base):
    __tablename__ = "member_tags"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)

    member: Mapped[Member] = relationship(back_populates="tags")


class MemberSearchKey(Base):
    """One row per way of finding a member, so every lookup is an index range scan.

    A key is a one-letter kind followed by the normalised text: ``p`` phone,
    ``t`` phone reversed (last digits), ``c`` card no., ``m`` member no.,
    ``n`` a suffix of the name (any part), ``y`` full pinyin, ``i`` pinyin initials.
    """

    __tablename__ = "member_search_keys"
    __table_args__ = (
        Index("ix_member_search_keys_member", "member_id"),
        {"sqlite_with_rowid": False},
    )

    # Byte order on every backend (PostgreSQL: the "C" collation), so that a prefix is a
    # range scan: key >= prefix AND key < prefix + U+10FFFF (db.repositories.KEY_END).
    key: Mapped[str] = mapped_column(
        String(160).with_variant(String(160, collation="C"), "postgresql"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        # Covering: a member's history, and 12-month sums, read from the index alone.
        Index("ix_visits_member_time_amount", "member_id", "visited_at", "amount_cents"),
        Index("ix_visits_time", "visited_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[str] = mapped_column(Text, default="")
    staff: Mapped[str] = mapped_column(String(64), default="")  # who served the guest
    recorded_by: Mapped[str] = mapped_column(String(64), default="")  # who typed it in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_status", "status"),
        Index("ix_complaints_member", "member_id"),
        Index("ix_complaints_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    guest_name: Mapped[str] = mapped_column(String(64), default="")
    guest_phone: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8))  # "normal" or "urgent"
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    taken_by: Mapped[str] = mapped_column(String(64), default="")
    assignee: Mapped[str] = mapped_column(String(64), default="")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    root_cause: Mapped[str] = mapped_column(Text, default="")
    remedy: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deadlines: Mapped[list[ComplaintDeadline]] = relationship(
        back_populates="complaint", order_by="ComplaintDeadline.due_at"
    )
    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id"
    )


class ComplaintDeadline(Base):
    """A promised time, stamped when the complaint is logged and never moved afterwards."""

    __tablename__ = "complaint_deadlines"
    __table_args__ = (Index("ix_deadlines_open", "met_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    stage: Mapped[str] = mapped_column(String(16))  # response, solution, investigation, answer
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The warning before the deadline: when it is due (stamped with the deadline; None
    # for none, and for deadlines stamped before warnings existed) and when a counter
    # claimed it (once, across counters and restarts).
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    complaint: Mapped[Complaint] = relationship(back_populates="deadlines")


class ComplaintEvent(Base):
    """Each step of a complaint: who, when, what was said or done. Append-only."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class Campaign(Base):
    """A reason to issue coupons, with the coupon it issues and its limits."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # birthday, winback, compensation, ...
    name: Mapped[str] = mapped_column(String(64))
    coupon_kind: Mapped[str] = mapped_column(String(16))  # amount, percent, item
    value: Mapped[int] = mapped_column(Integer)  # cents off, or percent off; 0 for item
    item: Mapped[str] = mapped_column(String(64), default="")
    min_spend_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    valid_days: Mapped[int] = mapped_column(Integer)
    max_coupons: Mapped[int | None] = mapped_column(Integer)  # None: no overall cap
    per_member: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (
        Index("ix_coupons_member", "member_id"),
        Index("ix_coupons_campaign_member", "campaign_id", "member_id"),
        Index("ix_coupons_campaign_issued", "campaign_id", "issued_at", "used_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))  # None: bearer
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(64), default="")
    min_spend_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(String(64), default="")
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Redemption(Base):
    """A coupon used at the counter; one row per coupon at most (unique)."""

    __tablename__ = "redemptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    bill_cents: Mapped[int] = mapped_column(BigInteger)
    discount_cents: Mapped[int] = mapped_column(BigInteger)
    staff: Mapped[str] = mapped_column(String(64), default="")


class CouponVoid(Base):
    __tablename__ = "coupon_voids"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)


class Tier(Base):
    """A membership level and what it takes (rolling 12 months) and gives."""

    __tablename__ = "tiers"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer)  # higher is better
    min_spend_cents: Mapped[int] = mapped_column(BigInteger)
    min_visits: Mapped[int] = mapped_column(Integer)
    discount_percent: Mapped[int] = mapped_column(Integer)
    points_per_100: Mapped[int] = mapped_column(Integer)  # points per ¥100 spent


class TierChange(Base):
    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_tier: Mapped[str] = mapped_column(String(8))
    to_tier: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(160))


class PointsEntry(Base):
    """The points ledger: every earn, redemption, adjustment and expiry, append-only.
    Earned batches keep what is left of them, spent oldest first, so expiry is exact."""

    __tablename__ = "points_entries"
    __table_args__ = (
        Index("ix_points_member", "member_id", "id"),
        Index("ix_points_expiring", "expires_at", "remaining"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(8))  # earn, redeem, adjust, expire
    points: Mapped[int] = mapped_column(Integer)  # + earned, - spent
    remaining: Mapped[int] = mapped_column(Integer, default=0)  # of an earned batch
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    reason: Mapped[str] = mapped_column(String(160), default="")
    staff: Mapped[str] = mapped_column(String(64), default="")


class FollowUp(Base):
    """A call back to a guest (回访): due date, who, and how it went."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_open", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assignee: Mapped[str] = mapped_column(String(64), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    done_by: Mapped[str] = mapped_column(String(64), default="")


class Survey(Base):
    """A guest's 1-5 satisfaction after a visit or a closed complaint."""

    __tablename__ = "surveys"
    # Covering (time, score): a month's satisfaction rate is read from the index alone.
    __table_args__ = (Index("ix_surveys_at_score", "at", "score"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Staff(Base):
    """A person who logs in at the counter."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # receptionist, manager, owner
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what and when; each row carries the hash of the one before it, so an
    edited or deleted row breaks the chain."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    staff: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class DailyTotal(Base):
    """The dashboard's day book: per store-local day and tier, what the visits brought and
    how many members came back on time. Changed in the same transaction as each visit and
    each new member, so a year's dashboard reads ~1,500 rows instead of millions of visits.
    ``app.dashboard.rebuild_totals`` recomputes it from the visits (after a bulk import)."""

    __tablename__ = "daily_totals"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tier: Mapped[str] = mapped_column(String(8), primary_key=True)  # at the time of the visit
    visits: Mapped[int] = mapped_column(Integer, default=0)
    revenue_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # Visits by members who had been before, and those within the member's usual interval
    # (before they would have counted as lapsing): the retention rate.
    returns: Mapped[int] = mapped_column(Integer, default=0)
    on_time_returns: Mapped[int] = mapped_column(Integer, default=0)
    new_members: Mapped[int] = mapped_column(Integer, default=0)


class RequestId(Base):
    """A save the counter may repeat after losing the server's answer (a visit, a
    redemption, a points spend) carries a request id the counter made; the first save
    stores it here in the same transaction, so a repeat finds it and does nothing twice.
    Kept a week (app.admin.housekeeping)."""

    __tablename__ = "request_ids"
    __table_args__ = (Index("ix_request_ids_at", "at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # visit, redemption, points
    target_id: Mapped[int] = mapped_column(Integer)  # the visit's, redemption's, entry's id
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class RechargePlan(Base):
    """A stored-value offer the manager sets up: pay this, get this bonus on top
    ("充1000送200"), within these dates, perhaps with a tier upgrade."""

    __tablename__ = "recharge_plans"
    __table_args__ = (
        CheckConstraint("pay_cents > 0", name="ck_recharge_plans_pay_positive"),
        CheckConstraint("bonus_cents >= 0", name="ck_recharge_plans_bonus_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    pay_cents: Mapped[int] = mapped_column(BigInteger)
    bonus_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    valid_from: Mapped[date | None] = mapped_column(Date)  # store-local days, inclusive
    valid_to: Mapped[date | None] = mapped_column(Date)
    upgrade_tier: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class PrepaidAccount(Base):
    """A member's stored-value card: what was paid in and not yet spent (principal) and
    the bonus on top, each never below zero (CHECK, and every spend is a conditional
    UPDATE). Changed only together with a ledger entry that states the balances after."""

    __tablename__ = "prepaid_accounts"
    __table_args__ = (
        CheckConstraint("principal_cents >= 0", name="ck_prepaid_principal_nonnegative"),
        CheckConstraint("bonus_cents >= 0", name="ck_prepaid_bonus_nonnegative"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    principal_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    bonus_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open, closed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The entry that opened the current card period (the first recharge after a refund):
    # the refund formula counts what was paid, given and spent from there on.
    period_start_id: Mapped[int] = mapped_column(Integer, default=0)


class PrepaidEntry(Base):
    """The stored-value ledger, append-only: recharge, spend, refund, void, adjust, each
    with what it changed, the balances after it, who and when, the visit it paid and the
    counter's request id (UNIQUE: a retried write is never applied twice). A mistake is
    corrected by a new entry (a void names the entry it undoes, once), never by an edit.
    The buyer's ID number (a named card) is kept encrypted, with its masked form."""

    __tablename__ = "prepaid_entries"
    __table_args__ = (
        Index("ix_prepaid_member", "member_id", "id"),
        Index("ix_prepaid_at", "at", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(8))  # recharge, spend, refund, void, adjust
    principal_cents: Mapped[int] = mapped_column(BigInteger)  # + in, - out
    bonus_cents: Mapped[int] = mapped_column(BigInteger)
    principal_after: Mapped[int] = mapped_column(BigInteger)
    bonus_after: Mapped[int] = mapped_column(BigInteger)
    # Money across the counter: paid in at a recharge, paid back at a refund (0 otherwise).
    cash_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    method: Mapped[str] = mapped_column(String(12), default="")  # cash, wechat, alipay, card
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("recharge_plans.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    voids_id: Mapped[int | None] = mapped_column(ForeignKey("prepaid_entries.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(160), default="")
    staff: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    buyer_name: Mapped[str] = mapped_column(String(60), default="")
    buyer_id_masked: Mapped[str] = mapped_column(String(24), default="")
    buyer_id_sealed: Mapped[str] = mapped_column(Text, default="")
