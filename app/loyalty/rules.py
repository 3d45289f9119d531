"""Loyalty rules: the tier ladder's values, which tier a year of spending earns, when a
member counts as lapsing (used by the review and by the dashboard's day book alike)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.members import MemberRow

Progress = Callable[[str, int, int], None]


YEAR = timedelta(days=365)


POINTS_VALID = timedelta(days=365)


DEFAULT_LAPSE_DAYS = 60


MIN_LAPSE = timedelta(days=14)


DEFAULT_LAPSE = timedelta(days=DEFAULT_LAPSE_DAYS)


REFRESH_EVERY = timedelta(days=30)


@dataclass(frozen=True)
class TierView:
    code: str
    name: str
    rank: int
    min_spend_cents: int
    min_visits: int
    discount_percent: int
    points_per_100: int  # points per ¥100


@dataclass(frozen=True)
class PointsLine:
    at: datetime
    kind: str
    points: int
    reason: str
    staff: str
    expires_at: datetime | None


@dataclass(frozen=True)
class TierChangeView:
    at: datetime
    from_tier: str
    to_tier: str
    reason: str


@dataclass(frozen=True)
class FollowUpView:
    id: int
    member: MemberRow
    complaint_id: int | None
    due_at: datetime
    assignee: str
    purpose: str
    outcome: str
    done_at: datetime | None
    created_by: str = ""
    done_by: str = ""


@dataclass(frozen=True)
class RefreshResult:
    members: int
    upgraded: int
    downgraded: int
    seconds: float


def qualifying_tier(tiers: list[TierView], spend_cents: int, visits: int) -> TierView:
    """The best tier whose spend and visit thresholds are both met (tiers best first)."""
    for t in tiers:
        if spend_cents >= t.min_spend_cents and visits >= t.min_visits:
            return t
    return tiers[-1]


def money(cents: int) -> str:
    return f"¥{cents / 100:,.0f}"


def usual_interval(last: datetime | None, first: datetime | None, visits: int) -> timedelta | None:
    """The member's usual time between visits; None until there are 3 visits."""
    if last is None or first is None or visits < 3:
        return None
    return (last - first) / (visits - 1)


def lapse_grace(last: datetime, first: datetime, visits: int) -> timedelta:
    """How long after their last visit a member still counts as coming back on time:
    1.5x their usual interval (at least MIN_LAPSE), or DEFAULT_LAPSE_DAYS until there are 3
    visits. The one lapse rule: the review, the care lists and the day book's rebuild (which
    calls it with naive UTC values, millions of times) all use it."""
    if visits < 3:
        return DEFAULT_LAPSE
    return max((last - first) / (visits - 1) * 1.5, MIN_LAPSE)


def lapse_at(last: datetime | None, first: datetime | None, visits: int) -> datetime | None:
    """When the member counts as lapsing: their last visit + their grace (lapse_grace)."""
    if last is None:
        return None
    if first is None:
        return last + DEFAULT_LAPSE
    return last + lapse_grace(last, first, visits)


CARE_LISTS = ("lapsing", "birthdays", "complaints")


CARE_PAGE = 200


@dataclass(frozen=True)
class CarePage:
    """One page of a care list, and how many members the whole list holds: a list a user
    acts on in bulk never looks complete when it is not."""

    rows: list[MemberRow]
    total: int
