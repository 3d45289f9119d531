"""Small builders shared by tests."""

from __future__ import annotations

from app import members
from app.context import AppContext
from app.members import MemberInput, MemberProfile

_PHONE = iter(range(13800000000, 13900000000, 7))


def make_member(
    ctx: AppContext, name: str = "张三", phone: str | None = None, **fields: object
) -> MemberProfile:
    return members.create_member(
        ctx,
        MemberInput(name=name, phone=phone or str(next(_PHONE)), **fields),  # type: ignore[arg-type]
    )


def race_redeem(
    data_dir: str, codes: list[str], barrier: object, results: object, name: str
) -> None:
    """A counter process: for each code, wait for the other counter, then redeem."""
    from app.clock import FakeClock
    from app.context import AppContext
    from app.coupons import CouponError, redeem

    ctx = AppContext.open(data_dir, FakeClock())
    try:
        for code in codes:
            barrier.wait()  # type: ignore[attr-defined]
            try:
                redeem(ctx, code, 30000, name)
                outcome = "ok"
            except CouponError as exc:
                outcome = exc.code
            results.put((code, name, outcome))  # type: ignore[attr-defined]
    finally:
        ctx.close()


def race_points(
    data_dir: str, member_id: int, points: int, barrier: object, results: object
) -> None:
    """A counter process that spends points at the same instant as another."""
    from app.clock import FakeClock
    from app.context import AppContext
    from app.errors import Conflict
    from app.loyalty import redeem_points

    ctx = AppContext.open(data_dir, FakeClock())
    try:
        barrier.wait()  # type: ignore[attr-defined]
        try:
            redeem_points(ctx, member_id, points)
            results.put("ok")  # type: ignore[attr-defined]
        except Conflict as exc:
            results.put(exc.code)  # type: ignore[attr-defined]
    finally:
        ctx.close()
