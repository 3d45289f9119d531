"""Counter processes for the server tests (module-level: spawned processes import them).
Each opens the store the way a counter does: through FRONTDESK_DB_URL, inherited."""

from __future__ import annotations

import time
import uuid
from typing import Any

from app import coupons, members
from app.bootstrap import open_store
from app.core.clock import Clock
from app.core.errors import Conflict, Unavailable
from app.loyalty import redeem_points


def redeem_each(data_dir: str, clock: Clock, codes: list[str], barrier: Any, results: Any) -> None:
    """For each code: wait for the other counter, then both scan it at once (on the test's
    clock: the coupons were issued on its date)."""
    ctx = open_store(data_dir, clock, system=True)
    try:
        for code in codes:
            barrier.wait()
            try:
                coupons.redeem(ctx, code, 30000)
                results.put((code, "ok"))
            except coupons.CouponError as exc:
                results.put((code, exc.code))
    finally:
        ctx.close()


def spend_each(data_dir: str, member_id: int, times: int, barrier: Any, results: Any) -> None:
    """Spends one point `times` times, each at the same instant as the other counter."""
    ctx = open_store(data_dir, system=True)
    try:
        for _ in range(times):
            barrier.wait()
            try:
                redeem_points(ctx, member_id, 1)
                results.put("ok")
            except Conflict as exc:
                results.put(exc.code)
    finally:
        ctx.close()


def same_visit_twice(
    data_dir: str, member_id: int, request_id: str, barrier: Any, results: Any
) -> None:
    """Two tries of one form at the same instant (a repeat racing the original)."""
    ctx = open_store(data_dir, system=True)
    try:
        barrier.wait()
        visit = members.record_visit(ctx, member_id, 5000, "双击", request_id=request_id)
        results.put(visit.id)
    finally:
        ctx.close()


def visits_through_outage(data_dir: str, member_id: int, count: int, log_path: str) -> None:
    """A receptionist recording `count` visits while the server goes away and comes back:
    each form keeps its request id and is saved again until the server answers. Every
    request id, once confirmed, is appended to log_path."""
    ctx = open_store(data_dir, system=True)
    try:
        with open(log_path, "a", encoding="utf-8") as log:
            for n in range(count):
                request = uuid.uuid4().hex
                while True:
                    try:
                        members.record_visit(ctx, member_id, 100 + n, "断网", request_id=request)
                        break
                    except Unavailable:
                        time.sleep(0.2)  # "server unreachable": press Save again
                log.write(request + "\n")
                log.flush()
                time.sleep(0.02)
    finally:
        ctx.close()


def create_member(data_dir: str, name: str, phone: str) -> None:
    ctx = open_store(data_dir, system=True)
    try:
        members.create_member(ctx, members.MemberInput(name=name, phone=phone))
    finally:
        ctx.close()
