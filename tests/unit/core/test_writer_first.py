"""A counter's action that reads, then writes, takes SQLite's write lock at its start.

Begun with a read, it would wait for a background writer (the search keys' rebuild after
an upgrade, the tier review) that took the lock after that read, and then fail at once
when that one committed ("database is locked": its read out of date), whatever the busy
timeout. Each action below is caught at its first write: another connection must then
find the lock taken."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app import members
from app.complaints import ComplaintInput, add_note, escalate, log_complaint
from app.core.context import AppContext
from app.coupons import CouponTerms, issue_coupon
from app.loyalty import schedule_follow_up
from app.members import MemberInput
from db.engine import DB_FILENAME
from tests.helpers import make_member

Action = Callable[[AppContext, int, int], object]
ACTIONS: dict[str, Action] = {
    "new member": lambda ctx, m, c: members.create_member(
        ctx, MemberInput(name="王五", phone="13700001111")
    ),
    "edit member": lambda ctx, m, c: members.update_member(
        ctx, m, MemberInput(name="张三丰", phone="13800138000")
    ),
    "deactivate member": lambda ctx, m, c: members.set_active(ctx, m, False),
    "visit": lambda ctx, m, c: members.record_visit(ctx, m, 12800),
    "complaint": lambda ctx, m, c: log_complaint(
        ctx, ComplaintInput("counter", "service", "水太凉", member_id=m)
    ),
    "escalate": lambda ctx, m, c: escalate(ctx, c, "客人很生气"),
    "complaint note": lambda ctx, m, c: add_note(ctx, c, "已回电"),
    "coupon": lambda ctx, m, c: issue_coupon(ctx, CouponTerms("percent", 10), member_id=m),
    "follow-up call": lambda ctx, m, c: schedule_follow_up(
        ctx, m, ctx.clock.now() + timedelta(days=1), "", "回访"
    ),
}


@pytest.mark.sqlite_only("SQLite's one writer")
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_action_holds_the_write_lock_from_its_start(
    ctx: AppContext, data_dir: Path, action: str
) -> None:
    member = make_member(ctx, "张三", "13800138000").id
    complaint = log_complaint(
        ctx, ComplaintInput("counter", "service", "等太久", member_id=member)
    ).id
    seen: list[str] = []

    def another_writer(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if seen or not statement.startswith(("INSERT", "UPDATE", "DELETE")):
            return
        other = sqlite3.connect(data_dir / DB_FILENAME, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("the lock was free")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()

    event.listen(ctx.engine, "before_cursor_execute", another_writer)
    try:
        ACTIONS[action](ctx, member, complaint)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", another_writer)
    assert seen == ["database is locked"]
