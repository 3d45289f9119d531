"""The store's SLA policy: how long each complaint stage may take, on the store's calendar."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.errors import ValidationError

# Stages, in the order a complaint passes them.
RESPONSE, SOLUTION, INVESTIGATION, ANSWER = "response", "solution", "investigation", "answer"
STAGES = (RESPONSE, SOLUTION, INVESTIGATION, ANSWER)


@dataclass(frozen=True)
class SlaPolicy:
    """Defaults are the store's promise: 15 min first response (5 min solution when urgent),
    investigation within 24 h, a final answer by the end of the 3rd working day."""

    response_minutes: int = 15
    urgent_solution_minutes: int = 5
    investigation_hours: int = 24
    answer_working_days: int = 3
    urgent_categories: tuple[str, ...] = ("booking", "facilities")
    # Days the store is closed (Monday is 0). None by default: a bath house's busiest
    # days are the weekend, so a "working day" is every day it is open.
    rest_weekdays: tuple[int, ...] = ()
    holidays: tuple[date, ...] = ()
    # Weekend days worked to make up for a holiday (调休): working days after all.
    makeup_workdays: tuple[date, ...] = ()
    # Opening hours in minutes from midnight; closing may be after midnight (26:00 = 02:00
    # the next morning). A final answer is due by closing time of its last working day.
    open_minute: int = 10 * 60
    close_minute: int = 24 * 60
    timezone: str = "Asia/Shanghai"
    manager: str = ""  # who escalations go to; "" = the manager on duty (named by the UI)
    due_soon_minutes: int = 5
    # A warning before each stage's deadline (tray, sound, status bar; once per deadline).
    # First response / urgent solution and investigation: minutes before (0 = none). The
    # final answer: minutes before, or 0 = the morning of its last day (opening time);
    # none when warn_answer is off. Never before halfway through the stage (see warn_at).
    warn_response_minutes: int = 5
    warn_investigation_minutes: int = 120
    warn_answer_minutes: int = 0
    warn_answer: bool = True

    def __post_init__(self) -> None:
        checks = [
            ("response_minutes", 1, 24 * 60),
            ("urgent_solution_minutes", 1, 24 * 60),
            ("investigation_hours", 1, 24 * 30),
            ("answer_working_days", 1, 60),
            ("due_soon_minutes", 0, 24 * 60),
            ("warn_response_minutes", 0, 24 * 60),
            ("warn_investigation_minutes", 0, 24 * 60 * 7),
            ("warn_answer_minutes", 0, 24 * 60 * 7),
        ]
        for name, low, high in checks:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValidationError("sla.out_of_range", field=name, min=low, max=high)
        if not isinstance(self.warn_answer, bool):
            raise ValidationError("sla.out_of_range", field="warn_answer", min=0, max=1)
        if not set(self.rest_weekdays) <= set(range(7)) or len(set(self.rest_weekdays)) >= 7:
            raise ValidationError("sla.rest_days", field="rest_weekdays")
        for value in (self.open_minute, self.close_minute):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationError("sla.hours", field="hours")
        if not (
            0 <= self.open_minute < 24 * 60
            and self.open_minute + 60 <= self.close_minute <= self.open_minute + 24 * 60
            and self.close_minute <= 36 * 60
        ):
            raise ValidationError("sla.hours", field="hours")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError("sla.timezone", field="timezone", value=self.timezone) from None
        if len(self.manager) > 64:
            raise ValidationError("text.too_long", field="manager", max=64)
        both = sorted(set(self.holidays) & set(self.makeup_workdays))
        if both:
            # Both a day off and a make-up working day: say which, rather than silently
            # letting the make-up day win.
            raise ValidationError(
                "sla.holiday_and_workday", field="makeup_workdays", day=both[0].isoformat()
            )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() not in self.rest_weekdays and day not in self.holidays

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (day itself does not count)."""
        count = 0
        while count < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return day

    def is_urgent_category(self, category: str) -> bool:
        return category in self.urgent_categories

    def deadlines(self, severity: str, logged_at: datetime) -> list[tuple[str, datetime]]:
        """The promised times for a complaint logged at `logged_at` (aware, any zone)."""
        first = (
            (SOLUTION, logged_at + timedelta(minutes=self.urgent_solution_minutes))
            if severity == "urgent"
            else (RESPONSE, logged_at + timedelta(minutes=self.response_minutes))
        )
        return [
            first,
            (INVESTIGATION, logged_at + timedelta(hours=self.investigation_hours)),
            (ANSWER, self.answer_due(logged_at)),
        ]

    def check_warnings_fit(self) -> None:
        """A manager's new policy: each warning must come before its deadline, so a first
        response warning shorter than the first response's time, an investigation one
        shorter than the investigation's (refused otherwise, nothing saved). Checked when
        saved, not when read: a store saved before this check still opens."""
        if self.warn_response_minutes and self.warn_response_minutes >= self.response_minutes:
            raise ValidationError(
                "sla.warn_too_long", field="warn_response_minutes", limit=self.response_minutes
            )
        hours = self.investigation_hours * 60
        if self.warn_investigation_minutes and self.warn_investigation_minutes >= hours:
            raise ValidationError(
                "sla.warn_too_long", field="warn_investigation_minutes", limit=hours
            )

    def warn_at(self, stage: str, due_at: datetime, logged_at: datetime) -> datetime | None:
        """When the counter is warned that the `stage` deadline `due_at` is near (stored
        beside the deadline when it is stamped), or None for no warning. A warning given in
        minutes comes halfway through the stage at the earliest: the first response's
        warning (5 minutes) on an urgent case's 5-minute solution comes after 2½ minutes,
        not as it is logged."""
        if stage == ANSWER:
            if not self.warn_answer:
                return None
            if self.warn_answer_minutes:
                at = due_at - timedelta(minutes=self.warn_answer_minutes)
                at = max(at, logged_at + (due_at - logged_at) / 2)
            else:
                # The store day the answer is due on (it may end after midnight), at opening.
                local_end = due_at.astimezone(self.tz) + timedelta(seconds=1)
                last_day = (local_end - timedelta(minutes=self.close_minute)).date()
                morning = datetime.combine(last_day, time(0), tzinfo=self.tz)
                at = (morning + timedelta(minutes=self.open_minute)).astimezone(UTC)
        else:
            minutes = (
                self.warn_investigation_minutes
                if stage == INVESTIGATION
                else self.warn_response_minutes
            )
            if not minutes:
                return None
            at = max(due_at - timedelta(minutes=minutes), logged_at + (due_at - logged_at) / 2)
        return min(max(at, logged_at), due_at)

    def answer_due(self, from_instant: datetime) -> datetime:
        """End of the n-th working day after the local day of `from_instant`, in UTC."""
        local_day = from_instant.astimezone(self.tz).date()
        last = self.add_working_days(local_day, self.answer_working_days)
        midnight = datetime.combine(last, time(0), tzinfo=self.tz)
        end = midnight + timedelta(minutes=self.close_minute, seconds=-1)
        return end.astimezone(UTC)

    # --- storage ---------------------------------------------------------------------

    def to_json(self) -> str:
        data = asdict(self)
        data["holidays"] = [d.isoformat() for d in self.holidays]
        data["makeup_workdays"] = [d.isoformat() for d in self.makeup_workdays]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SlaPolicy:
        data = json.loads(text)
        known = {f for f in cls.__dataclass_fields__}
        data = {k: v for k, v in data.items() if k in known}
        for key in ("holidays", "makeup_workdays"):
            data[key] = tuple(date.fromisoformat(d) for d in data.get(key, ()))
        for key in ("urgent_categories", "rest_weekdays"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)

    def with_changes(self, **changes: object) -> SlaPolicy:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Countdown:
    """What a deadline looks like at a given instant."""

    stage: str
    due_at: datetime
    seconds_left: int  # negative once breached
    state: str = field(default="ok")  # ok, soon, breached


def countdown(stage: str, due_at: datetime, now: datetime, soon_minutes: int) -> Countdown:
    left = int((due_at - now).total_seconds())
    if left < 0:
        state = "breached"
    elif left <= soon_minutes * 60:
        state = "soon"
    else:
        state = "ok"
    return Countdown(stage, due_at, left, state)


def format_seconds(seconds: int) -> str:
    """12:34, 5h 07m, 2d 03h: short enough for a table cell, exact where it matters."""
    s = abs(seconds)
    if s < 3600:
        text = f"{s // 60:02d}:{s % 60:02d}"
    elif s < 86400:
        text = f"{s // 3600}h {s % 3600 // 60:02d}m"
    else:
        text = f"{s // 86400}d {s % 86400 // 3600:02d}h"
    return ("-" if seconds < 0 else "") + text
