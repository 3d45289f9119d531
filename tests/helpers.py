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
