"""Complaints and SLA deadlines with a fake clock on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app import complaints as cp
from app.bootstrap import open_store
from app.complaints import ComplaintInput
from app.core import store
from app.core.calendar import SlaPolicy, countdown, format_seconds
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import Conflict, NotFound, ValidationError
from tests.helpers import make_member, refused, sign_in_as

CST = timedelta(hours=8)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def log(ctx: AppContext, category: str = "service", **kw: object) -> cp.ComplaintView:
    fields: dict[str, object] = {
        "channel": "counter",
        "category": category,
        "description": "水温太低",
        "guest_name": "王先生",
    }
    fields.update(kw)
    return cp.log_complaint(ctx, ComplaintInput(**fields))  # type: ignore[arg-type]


def due(view: cp.ComplaintView) -> dict[str, datetime]:
    return {d.stage: d.due_at for d in view.deadlines}


class TestDeadlines:
    def test_normal_complaint_on_a_monday(self, ctx: AppContext, clock: FakeClock) -> None:
        # Monday 2026-11-02 10:00 in Beijing.
        c = log(ctx)
        assert c.ref == "TS000001"
        assert c.severity == "normal"
        assert not c.escalated
        assert due(c) == {
            "response": clock.now() + timedelta(minutes=15),
            "investigation": clock.now() + timedelta(hours=24),
            # Tue, Wed, Thu: end of Thursday 2026-11-05, Beijing time.
            "answer": utc(2026, 11, 5, 23, 59, 59) - CST,
        }

    def test_every_day_is_a_working_day_by_default(self, ctx: AppContext, clock: FakeClock) -> None:
        # A bath house is open at the weekend (its busiest days): Sat, Sun, Mon.
        clock.set(utc(2026, 11, 6, 2))  # Friday 10:00
        assert due(log(ctx))["answer"] == utc(2026, 11, 9, 23, 59, 59) - CST

    def test_answer_skips_weekend_and_holiday(self, ctx: AppContext, clock: FakeClock) -> None:
        cp.set_policy(ctx, SlaPolicy(rest_weekdays=(5, 6), holidays=(date(2026, 11, 9),)))
        clock.set(utc(2026, 11, 6, 2))  # Friday 10:00
        c = log(ctx)
        # Sat, Sun rest; Mon 9th a holiday: Tue 10th, Wed 11th, Thu 12th.
        assert due(c)["answer"] == utc(2026, 11, 12, 23, 59, 59) - CST

    def test_makeup_workday_counts(self, ctx: AppContext, clock: FakeClock) -> None:
        cp.set_policy(
            ctx,
            SlaPolicy(
                rest_weekdays=(5, 6),
                holidays=(date(2026, 11, 9),),
                makeup_workdays=(date(2026, 11, 7),),
            ),
        )
        clock.set(utc(2026, 11, 6, 2))
        assert due(log(ctx))["answer"] == utc(2026, 11, 11, 23, 59, 59) - CST

    def test_logged_late_at_night_counts_local_day(self, ctx: AppContext, clock: FakeClock) -> None:
        clock.set(utc(2026, 11, 2, 17))  # Tuesday 01:00 in Beijing, still Monday in UTC
        assert due(log(ctx))["answer"] == utc(2026, 11, 6, 23, 59, 59) - CST  # Wed, Thu, Fri

    def test_urgent_booking_conflict(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx, "booking", description="包间被重复预订")
        assert c.severity == "urgent"
        assert due(c)["solution"] == clock.now() + timedelta(minutes=5)
        assert "response" not in due(c)
        assert c.escalated and c.assignee == ""  # "": the manager on duty

    def test_urgency_can_be_set_by_hand(self, ctx: AppContext) -> None:
        assert log(ctx, "facilities", severity="normal").severity == "normal"
        assert log(ctx, "hygiene", severity="urgent").severity == "urgent"

    def test_policy_change_does_not_move_promised_deadlines(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        before = log(ctx)
        cp.set_policy(ctx, SlaPolicy(response_minutes=30))
        after = log(ctx)
        assert due(cp.get_complaint(ctx, before.id)) == due(before)
        assert due(after)["response"] == clock.now() + timedelta(minutes=30)

    @pytest.mark.parametrize(
        ("changes", "code"),
        [
            ({"response_minutes": 0}, "sla.out_of_range"),
            ({"answer_working_days": 100}, "sla.out_of_range"),
            ({"rest_weekdays": tuple(range(7))}, "sla.rest_days"),
            ({"timezone": "Mars/Olympus"}, "sla.timezone"),
            ({"manager": "经" * 65}, "text.too_long"),
            (  # a day off and a make-up working day at once: which is it?
                {"holidays": (date(2026, 10, 1),), "makeup_workdays": (date(2026, 10, 1),)},
                "sla.holiday_and_workday",
            ),
        ],
    )
    def test_bad_policy_refused(self, changes: dict[str, object], code: str) -> None:
        with refused(code, ValidationError):
            SlaPolicy().with_changes(**changes)

    def test_policy_round_trips(self) -> None:
        p = SlaPolicy(holidays=(date(2027, 1, 1),), rest_weekdays=(6,))
        assert SlaPolicy.from_json(p.to_json()) == p


class TestBreaches:
    def test_breach_fires_exactly_once(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        clock.advance(minutes=14, seconds=59)
        assert cp.check_breaches(ctx) == []
        clock.advance(seconds=2)
        alerts = cp.check_breaches(ctx)
        assert [(a.ref, a.stage) for a in alerts] == [(c.ref, "response")]
        assert alerts[0].escalated_to == ""  # escalated, to the manager on duty
        assert cp.check_breaches(ctx) == []
        clock.advance(hours=1)
        assert cp.check_breaches(ctx) == []
        view = cp.get_complaint(ctx, c.id)
        assert view.escalated
        assert [e.action for e in view.events] == ["logged", "escalated", "breached"]

    def test_met_deadline_never_breaches(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        clock.advance(minutes=10)
        cp.respond(ctx, c.id, "已致歉，马上调水温")
        clock.advance(minutes=30)
        assert cp.check_breaches(ctx) == []
        response = next(d for d in cp.get_complaint(ctx, c.id).deadlines if d.stage == "response")
        assert response.on_time is True

    def test_restart_keeps_deadlines_and_breach_state(
        self, ctx: AppContext, data_dir: Path, clock: FakeClock
    ) -> None:
        c = log(ctx)
        clock.advance(minutes=20)
        assert len(cp.check_breaches(ctx)) == 1
        ctx.close()
        # The app restarts a day later: the old breach is not alerted again, the
        # investigation deadline that passed while it was closed is, once.
        clock.advance(hours=25)
        again = open_store(data_dir, clock, system=True)
        try:
            assert due(cp.get_complaint(again, c.id)) == due(c)
            assert [a.stage for a in cp.check_breaches(again)] == ["investigation"]
            assert cp.check_breaches(again) == []
        finally:
            again.close()

    def test_two_counters_alert_once(
        self, ctx: AppContext, data_dir: Path, clock: FakeClock
    ) -> None:
        log(ctx)
        other = open_store(data_dir, clock, system=True)
        try:
            clock.advance(minutes=16)
            first, second = cp.check_breaches(ctx), cp.check_breaches(other)
            assert len(first) + len(second) == 1
        finally:
            other.close()

    def test_clock_set_back_keeps_order_and_state(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        logged_at = clock.now()
        clock.advance(minutes=20)
        assert len(cp.check_breaches(ctx)) == 1
        clock.advance(hours=-3)  # someone sets the PC clock back
        assert cp.check_breaches(ctx) == []
        view = cp.respond(ctx, c.id, "已处理")
        responded = next(e for e in view.events if e.action == "responded")
        assert responded.at >= logged_at + timedelta(minutes=20)  # never before earlier steps
        assert due(view) == due(c)  # stored promises unchanged
        response = next(d for d in view.deadlines if d.stage == "response")
        assert response.breached_at is not None and response.on_time is False

    def test_clock_jump_forward_then_back(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        clock.advance(days=10)
        assert sorted(a.stage for a in cp.check_breaches(ctx)) == [
            "answer",
            "investigation",
            "response",
        ]
        clock.advance(days=-10)
        assert cp.check_breaches(ctx) == []
        assert all(d.breached_at is not None for d in cp.get_complaint(ctx, c.id).deadlines)


class TestWorkflow:
    def test_full_life(self, ctx: AppContext, clock: FakeClock) -> None:
        member = make_member(ctx, "张三")
        c = log(ctx, member_id=member.id, guest_name="")
        assert c.guest == "张三"
        clock.advance(minutes=5)
        cp.respond(ctx, c.id, "已致歉")
        clock.advance(hours=2)
        cp.start_investigation(ctx, c.id)
        clock.advance(hours=3)
        cp.answer(ctx, c.id, "锅炉温控故障，已维修", root_cause="温控器老化")
        clock.advance(hours=1)
        closed = cp.close(ctx, c.id, "温控器老化", "赠送搓澡券一张", 4)
        assert closed.status == "closed"
        assert closed.satisfaction == 4
        from app.loyalty import satisfaction_by_month

        assert satisfaction_by_month(ctx) == [("2026-11", 1, 1.0)]  # counted as a survey
        assert all(d.on_time for d in closed.deadlines)
        assert [e.action for e in closed.events] == [
            "logged",
            "responded",
            "investigating",
            "answered",
            "closed",
        ]
        assert [v.id for v in cp.member_complaints(ctx, member.id)] == [c.id]
        assert cp.open_complaints(ctx) == []
        clock.advance(days=1)
        reopened = cp.reopen(ctx, c.id, "客人说水温还是低")
        assert reopened.status == "reopened" and reopened.satisfaction is None
        assert len([d for d in reopened.deadlines if d.stage == "answer"]) == 2
        assert [v.id for v in cp.open_complaints(ctx)] == [c.id]

    @pytest.mark.parametrize(
        ("steps", "bad"),
        [
            ([], lambda ctx, i: cp.close(ctx, i, "x", "y", 5)),
            ([], lambda ctx, i: cp.start_investigation(ctx, i)),
            (["respond"], lambda ctx, i: cp.respond(ctx, i, "again")),
            (["respond"], lambda ctx, i: cp.reopen(ctx, i, "why")),
        ],
    )
    def test_invalid_transitions_rejected(self, ctx: AppContext, steps: list[str], bad) -> None:
        c = log(ctx)
        for step in steps:
            getattr(cp, step)(ctx, c.id, "note")
        before = cp.get_complaint(ctx, c.id)
        with pytest.raises(Conflict) as err:
            bad(ctx, c.id)
        assert err.value.code == "complaint.bad_transition"
        assert cp.get_complaint(ctx, c.id) == before

    @pytest.mark.parametrize("score", [0, 6, -1])
    def test_satisfaction_must_be_1_to_5(self, ctx: AppContext, score: int) -> None:
        c = log(ctx)
        cp.respond(ctx, c.id, "n")
        cp.answer(ctx, c.id, "answer")
        with refused("complaint.satisfaction", ValidationError):
            cp.close(ctx, c.id, "cause", "remedy", score)
        assert cp.get_complaint(ctx, c.id).status == "answered"

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"channel": "fax"}, "complaint.channel"),
            ({"category": "weather"}, "complaint.category"),
            ({"severity": "meh"}, "complaint.severity"),
            ({"description": "  "}, "field.required"),
            ({"guest_name": "", "guest_phone": ""}, "complaint.guest_required"),
            ({"guest_phone": "123"}, "phone.invalid"),
        ],
    )
    def test_bad_input(self, ctx: AppContext, fields: dict[str, object], code: str) -> None:
        with pytest.raises(ValidationError) as err:
            log(ctx, **fields)
        assert err.value.code == code
        assert cp.open_complaints(ctx) == []

    def test_unknown_member_or_complaint(self, ctx: AppContext) -> None:
        with refused("member.not_found", NotFound):
            log(ctx, member_id=99)
        with refused("complaint.not_found", NotFound):
            cp.respond(ctx, 99, "b")

    def test_escalate_by_hand_goes_to_the_manager(self, ctx: AppContext, clock: FakeClock) -> None:
        sign_in_as(ctx, "receptionist")  # 小周 at the counter
        c = log(ctx)
        clock.advance(minutes=3)
        up = cp.escalate(ctx, c.id, "客人要求见经理")
        assert up.escalated and up.assignee == cp.get_policy(ctx).manager == ""
        assert (up.status, due(up)) == (c.status, due(c))  # the stage and deadlines stay
        last = up.events[-1]
        assert (last.action, last.actor, last.note, last.at) == (
            "escalated",
            "小周",
            "客人要求见经理",
            clock.now(),
        )
        assert cp.escalate(ctx, c.id, "").events[-1].note == "manual"
        cp.respond(ctx, c.id, "已道歉")
        cp.answer(ctx, c.id, "已修好", root_cause="锅炉")
        cp.close(ctx, c.id, "锅炉", "赠券", 4)
        before = cp.get_complaint(ctx, c.id)
        with refused("complaint.closed", Conflict, ref=c.ref):
            cp.escalate(ctx, c.id, "再次升级")
        assert cp.get_complaint(ctx, c.id) == before

    def test_a_note_keeps_the_stage(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        clock.advance(minutes=1)
        noted = cp.add_note(ctx, c.id, " 客人稍后再来电 ")
        assert (noted.status, due(noted), noted.escalated) == (c.status, due(c), False)
        assert [(e.action, e.note) for e in noted.events][-1] == ("note", "客人稍后再来电")
        assert all(d.met_at is None for d in noted.deadlines)  # a note answers nothing
        with refused("field.required", ValidationError, field="note"):
            cp.add_note(ctx, c.id, "   ")
        with refused("complaint.not_found", NotFound):
            cp.add_note(ctx, 999, "找不到")
        assert cp.get_complaint(ctx, c.id) == noted

    def test_open_list_sorted_by_what_is_due_first(self, ctx: AppContext, clock: FakeClock) -> None:
        a = log(ctx)
        clock.advance(minutes=5)
        b = log(ctx, "booking")  # due in 5 minutes, before a's 10
        assert [v.id for v in cp.open_complaints(ctx)] == [b.id, a.id]


def test_report(ctx: AppContext, clock: FakeClock) -> None:
    start = clock.now()
    a = log(ctx, channel="phone")
    clock.advance(minutes=4)
    cp.respond(ctx, a.id, "ok")  # on time
    b = log(ctx, "hygiene")
    clock.advance(minutes=20)
    cp.respond(ctx, b.id, "late")  # 20 min: late
    cp.answer(ctx, b.id, "done")
    cp.close(ctx, b.id, "cause", "remedy", 3)
    log(ctx, "booking", channel="online")  # urgent, still open
    clock.advance(minutes=10)
    r = cp.report(ctx, start, clock.now())
    assert r.logged == 3
    assert r.on_time_rate["response"] == 0.5
    assert r.on_time_rate["solution"] == 0.0  # the urgent one is 10 min past its 5
    assert r.median_response_minutes == 12.0  # 4 and 20
    assert r.open_now == 2 and r.breached_now == 1
    assert r.by_category == {"service": 1, "hygiene": 1, "booking": 1}
    assert r.by_channel == {"phone": 1, "counter": 1, "online": 1}
    assert r.average_satisfaction == 3


def test_countdown_states() -> None:
    now = utc(2026, 1, 1)
    assert countdown("response", now + timedelta(minutes=10), now, 5).state == "ok"
    assert countdown("response", now + timedelta(minutes=5), now, 5).state == "soon"
    assert countdown("response", now - timedelta(seconds=1), now, 5).state == "breached"
    assert format_seconds(754) == "12:34"
    assert format_seconds(-65) == "-01:05"
    assert format_seconds(5 * 3600 + 7 * 60) == "5h 07m"
    assert format_seconds(2 * 86400 + 3 * 3600) == "2d 03h"


class TestWarnings:
    """A warning before each deadline: once, before it is missed, across counters and
    restarts; counted in the SLA report."""

    def test_warning_then_met(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        clock.advance(minutes=9, seconds=59)
        assert cp.check_warnings(ctx) == []
        clock.advance(seconds=1)  # 5 minutes before the 15-minute first response
        (alert,) = cp.check_warnings(ctx)
        assert (alert.ref, alert.guest, alert.stage) == (c.ref, "王先生", "response")
        assert alert.due_at == due(c)["response"]
        assert cp.check_warnings(ctx) == []  # once
        clock.advance(minutes=3)
        cp.respond(ctx, c.id, "已致歉，马上调水温")
        clock.advance(minutes=10)
        assert cp.check_breaches(ctx) == [] and cp.check_warnings(ctx) == []
        view = cp.get_complaint(ctx, c.id)
        assert [e.action for e in view.events] == ["logged", "warned", "responded"]
        report = cp.report(ctx, clock.now() - timedelta(days=1), clock.now())
        assert report.warned["response"] == 1 and report.warned_then_met["response"] == 1

    def test_warning_then_breach(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        clock.advance(minutes=10)
        assert [a.stage for a in cp.check_warnings(ctx)] == ["response"]
        clock.advance(minutes=5, seconds=1)
        assert cp.check_warnings(ctx) == []  # past due: the breach says it, not a warning
        assert [a.stage for a in cp.check_breaches(ctx)] == ["response"]
        view = cp.get_complaint(ctx, c.id)
        assert [e.action for e in view.events] == ["logged", "warned", "escalated", "breached"]
        report = cp.report(ctx, clock.now() - timedelta(days=1), clock.now())
        assert report.warned["response"] == 1 and report.warned_then_met["response"] == 0

    def test_each_stage_warns_at_its_own_time(self, ctx: AppContext, clock: FakeClock) -> None:
        c = log(ctx)
        logged = clock.now()
        clock.advance(hours=21, minutes=59)
        cp.respond(ctx, c.id, "已致歉")
        assert [a.stage for a in cp.check_warnings(ctx)] == []  # response met: none
        clock.advance(minutes=1)  # 2 hours before the 24-hour investigation
        assert [a.stage for a in cp.check_warnings(ctx)] == ["investigation"]
        # The final answer: the morning (opening time, 10:00) of its last working day,
        # Thursday 5 November (logged on Monday the 2nd, store time, at either clock).
        answer_due = due(c)["answer"]
        assert (answer_due + CST).date() == date(2026, 11, 5)
        morning = utc(2026, 11, 5, 2, 0)  # 10:00 in Beijing
        clock.advance(seconds=int((morning - clock.now()).total_seconds()) - 1)
        assert cp.check_warnings(ctx) == []
        clock.advance(seconds=1)
        assert [a.stage for a in cp.check_warnings(ctx)] == ["answer"]
        assert logged < morning < answer_due

    def test_answer_warning_after_midnight_closing_is_the_last_days_morning(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        cp.set_policy(ctx, cp.get_policy(ctx).with_changes(close_minute=26 * 60))
        c = log(ctx)
        answer_due = due(c)["answer"]
        assert answer_due + CST == datetime(2026, 11, 6, 1, 59, 59, tzinfo=UTC)  # Fri 01:59
        policy = cp.get_policy(ctx)
        assert policy.warn_at("answer", answer_due, clock.now()) == utc(2026, 11, 5, 2, 0)
        minutes = policy.with_changes(warn_answer_minutes=90)
        assert minutes.warn_at("answer", answer_due, clock.now()) == answer_due - timedelta(
            minutes=90
        )

    def test_the_final_answers_warning_can_be_switched_off(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        """Its 0 means "the morning of the last day", so it has a switch of its own; a
        policy saved before the switch existed keeps warning."""
        old = cp.get_policy(ctx).to_json().replace(', "warn_answer": true', "")
        assert 'warn_answer"' not in old and SlaPolicy.from_json(old).warn_answer
        cp.set_policy(ctx, cp.get_policy(ctx).with_changes(warn_answer=False))
        c = log(ctx)
        answer = next(d for d in c.deadlines if d.stage == "answer")
        assert cp.get_policy(ctx).warn_at("answer", answer.due_at, clock.now()) is None
        clock.set(answer.due_at - timedelta(minutes=1))  # warned by now, were it on
        assert "answer" not in [a.stage for a in cp.check_warnings(ctx)]
        with refused("sla.out_of_range", ValidationError):
            cp.get_policy(ctx).with_changes(warn_answer="no")

    def test_policy_switches_a_warning_off_or_brings_it_forward(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        cp.set_policy(ctx, cp.get_policy(ctx).with_changes(warn_response_minutes=0))
        log(ctx)
        clock.advance(minutes=14)
        assert cp.check_warnings(ctx) == []  # no warning for the first response
        # A warning that would come before the stage began is refused, nothing saved.
        with refused("sla.warn_too_long", ValidationError):
            cp.set_policy(ctx, cp.get_policy(ctx).with_changes(warn_response_minutes=15))
        with refused("sla.warn_too_long", ValidationError):
            cp.set_policy(ctx, cp.get_policy(ctx).with_changes(warn_investigation_minutes=1440))
        assert cp.get_policy(ctx).warn_response_minutes == 0
        with refused("sla.out_of_range", ValidationError):
            cp.get_policy(ctx).with_changes(warn_investigation_minutes=-5)
        # 14 minutes before a 15-minute response: halfway through it at the earliest.
        cp.set_policy(ctx, cp.get_policy(ctx).with_changes(warn_response_minutes=14))
        log(ctx)
        clock.advance(minutes=7, seconds=29)
        assert cp.check_warnings(ctx) == []
        clock.advance(seconds=1)
        assert [a.stage for a in cp.check_warnings(ctx)] == ["response"]

    def test_an_urgent_case_is_warned_halfway_not_as_it_is_logged(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        """The first response's warning (5 minutes) on an urgent case's 5-minute solution:
        it used to come the moment the case was logged, on every urgent case."""
        c = log(ctx, "booking")
        assert c.severity == "urgent"
        assert cp.check_warnings(ctx) == []
        clock.advance(minutes=2, seconds=29)
        assert cp.check_warnings(ctx) == []
        clock.advance(seconds=1)
        assert [a.stage for a in cp.check_warnings(ctx)] == ["solution"]

    def test_a_policy_saved_before_the_check_still_opens(self, ctx: AppContext) -> None:
        """The check is made on saving: a store whose policy an earlier version saved with a
        warning longer than its stage still reads it (and warns halfway)."""
        policy = cp.get_policy(ctx).with_changes(warn_response_minutes=60)
        with ctx.uow(write=True) as uow:
            store.set_policy_in(uow.session, policy)
            uow.commit()
        assert cp.get_policy(ctx).warn_response_minutes == 60

    def test_two_counters_warn_once_and_a_restart_does_not_repeat(
        self, ctx: AppContext, data_dir: Path, clock: FakeClock
    ) -> None:
        log(ctx)
        other = open_store(data_dir, clock, system=True)
        try:
            clock.advance(minutes=11)
            first, second = cp.check_warnings(ctx), cp.check_warnings(other)
            assert len(first) + len(second) == 1
        finally:
            other.close()
        ctx.close()
        again = open_store(data_dir, clock, system=True)
        try:
            assert cp.check_warnings(again) == []
        finally:
            again.close()

    def test_a_warning_missed_while_closed_is_not_given_late(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        log(ctx)
        clock.advance(minutes=30)  # the counter was off through warning and deadline
        assert cp.check_warnings(ctx) == []
        assert [a.stage for a in cp.check_breaches(ctx)] == ["response"]
