"""Complaint rules: channels, categories, the statuses and the moves between them, which
deadlines a move meets, and the plain values a complaint is handed out as."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.calendar import ANSWER, INVESTIGATION, RESPONSE, SOLUTION

CHANNELS = ("counter", "phone", "online", "review")


CATEGORIES = ("service", "hygiene", "food", "price", "facilities", "booking", "other")


SEVERITIES = ("normal", "urgent")


NEW, RESPONDED, INVESTIGATING, ANSWERED, CLOSED, REOPENED = (
    "new",
    "responded",
    "investigating",
    "answered",
    "closed",
    "reopened",
)


OPEN_STATUSES = (NEW, RESPONDED, INVESTIGATING, ANSWERED, REOPENED)


# status -> statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    NEW: (RESPONDED,),
    RESPONDED: (INVESTIGATING, ANSWERED),
    INVESTIGATING: (ANSWERED,),
    ANSWERED: (CLOSED, INVESTIGATING),
    CLOSED: (REOPENED,),
    REOPENED: (INVESTIGATING, ANSWERED),
}


# Reaching a status meets these deadlines (if not met already).
MEETS: dict[str, tuple[str, ...]] = {
    RESPONDED: (RESPONSE, SOLUTION),
    ANSWERED: (RESPONSE, SOLUTION, INVESTIGATION, ANSWER),
    CLOSED: (RESPONSE, SOLUTION, INVESTIGATION, ANSWER),
}


@dataclass(frozen=True)
class ComplaintInput:
    channel: str
    category: str
    description: str
    member_id: int | None = None
    guest_name: str = ""
    guest_phone: str = ""
    severity: str | None = None  # None: urgent when the category is (booking, facilities)


@dataclass(frozen=True)
class DeadlineView:
    stage: str
    due_at: datetime
    met_at: datetime | None
    breached_at: datetime | None

    @property
    def on_time(self) -> bool | None:
        return None if self.met_at is None else self.met_at <= self.due_at


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    action: str
    note: str


@dataclass(frozen=True)
class ComplaintView:
    id: int
    ref: str
    member_id: int | None
    guest: str  # the member's name, or the walk-in guest's
    channel: str
    category: str
    severity: str
    description: str
    status: str
    taken_by: str
    assignee: str
    escalated: bool
    created_at: datetime
    closed_at: datetime | None
    root_cause: str
    remedy: str
    satisfaction: int | None
    deadlines: tuple[DeadlineView, ...]
    events: tuple[EventView, ...] = ()

    @property
    def open_deadlines(self) -> list[DeadlineView]:
        return [d for d in self.deadlines if d.met_at is None]

    @property
    def next_deadline(self) -> DeadlineView | None:
        pending = self.open_deadlines
        return min(pending, key=lambda d: d.due_at) if pending else None


@dataclass(frozen=True)
class BreachAlert:
    complaint_id: int
    ref: str
    guest: str
    stage: str
    due_at: datetime
    escalated_to: str | None  # set when this breach escalated the complaint


@dataclass(frozen=True)
class WarningAlert:
    """A deadline near: said once at the counter, before it is missed."""

    complaint_id: int
    ref: str
    guest: str
    stage: str
    due_at: datetime


@dataclass
class SlaReport:
    start: datetime
    end: datetime
    logged: int = 0
    on_time_rate: dict[str, float | None] = field(default_factory=dict)
    median_response_minutes: float | None = None
    open_now: int = 0
    breached_now: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    average_satisfaction: float | None = None
    # Deadlines warned about, per stage, and of those the ones then met in time.
    warned: dict[str, int] = field(default_factory=dict)
    warned_then_met: dict[str, int] = field(default_factory=dict)


def still_to_heed(
    warned: list[WarningAlert], open_cases: list[ComplaintView], now: datetime
) -> list[WarningAlert]:
    """Of the warnings given, those still worth showing, soonest first: each once, its
    deadline not yet passed (a missed one is a breach's to tell) nor met, its case open."""
    pending = {(c.id, d.stage) for c in open_cases for d in c.deadlines if d.met_at is None}
    kept: dict[tuple[int, str], WarningAlert] = {}
    for a in warned:
        if a.due_at > now and (a.complaint_id, a.stage) in pending:
            kept.setdefault((a.complaint_id, a.stage), a)
    return sorted(kept.values(), key=lambda a: (a.due_at, a.ref))


def ref_of(complaint_id: int) -> str:
    return f"TS{complaint_id:06d}"
