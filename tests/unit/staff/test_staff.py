"""Staff logins, roles enforced in the services, and the tamper-evident audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app import complaints, coupons, loyalty, members
from app import staff as st
from app.core import audit
from app.core.calendar import SlaPolicy
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import FrontdeskError, ValidationError
from app.coupons import CouponTerms
from app.members import csvio
from tests.helpers import make_member, refused


@pytest.fixture
def team(ctx: AppContext) -> AppContext:
    st.create_staff(ctx, "boss", "老板", "owner", "owner-pass")
    st.login(ctx, "boss", "owner-pass")
    st.create_staff(ctx, "mgr", "陈经理", "manager", "manager-pass")
    st.create_staff(ctx, "desk", "小李", "receptionist", "desk-pass")
    st.logout(ctx)
    return ctx


def test_first_account_is_the_owner_and_passwords_are_hashed(ctx: AppContext) -> None:
    with refused("staff.first_owner", ValidationError):
        st.create_staff(ctx, "desk", "小李", "receptionist", "desk-pass")
    st.create_staff(ctx, "boss", "老板", "owner", "owner-pass")
    with ctx.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM staff")).scalar()
    assert stored.startswith("$argon2") and "owner-pass" not in stored


def test_lockout_after_five_wrong_passwords(team: AppContext, clock: FakeClock) -> None:
    for _ in range(st.MAX_FAILURES):
        with pytest.raises(FrontdeskError) as err:
            st.login(team, "desk", "wrong")
        assert err.value.code == "login.failed"
    with pytest.raises(FrontdeskError) as err:
        st.login(team, "desk", "desk-pass")  # right password, but locked
    assert err.value.code == "login.locked"
    clock.advance(st.LOCKOUT + timedelta(seconds=1))
    assert st.login(team, "desk", "desk-pass").role == "receptionist"


RESTRICTED: list[tuple[str, Callable[[AppContext, int, str], object]]] = [
    ("coupon.void", lambda ctx, mid, code: coupons.void(ctx, code, "test")),
    ("points.adjust", lambda ctx, mid, code: loyalty.adjust_points(ctx, mid, 10, "x")),
    ("sla.policy", lambda ctx, mid, code: complaints.set_policy(ctx, SlaPolicy())),
    ("tiers.edit", lambda ctx, mid, code: loyalty.set_tiers(ctx, loyalty.list_tiers(ctx))),
    ("members.export", lambda ctx, mid, code: csvio.export_members(ctx, Path("/tmp/x.csv"))),
    ("member.deactivate", lambda ctx, mid, code: members.set_active(ctx, mid, False)),
    ("phone.full", lambda ctx, mid, code: members.reveal_phone(ctx, mid)),
    ("staff.manage", lambda ctx, mid, code: st.create_staff(ctx, "x1", "X", "manager", "pass12")),
]


@pytest.mark.parametrize(("permission", "action"), RESTRICTED, ids=[p for p, _ in RESTRICTED])
def test_receptionist_is_refused_in_the_service(
    team: AppContext, permission: str, action: Callable[..., object]
) -> None:
    member = make_member(team, "张三", "13800138000")
    coupon = coupons.issue_coupon(team, CouponTerms("amount", 1000))
    st.login(team, "desk", "desk-pass")
    with pytest.raises(st.Forbidden) as err:
        action(team, member.id, coupon.code)
    assert err.value.params["action"] == permission
    # Nothing happened.
    assert coupons.look_up(team, coupon.code).voided_at is None
    assert loyalty.balance(team, member.id) == 0
    st.logout(team)
    assert members.get_profile(team, member.id).active


def test_manager_may_and_it_is_audited(team: AppContext) -> None:
    member = make_member(team, "张三", "13800138000")
    coupon = coupons.issue_coupon(team, CouponTerms("amount", 1000))
    st.login(team, "mgr", "manager-pass")
    coupons.void(team, coupon.code, "发错了")
    loyalty.adjust_points(team, member.id, 50, "补偿")
    assert members.reveal_phone(team, member.id) == "13800138000"
    with refused("permission.denied", st.Forbidden, action="audit.view"):
        audit.entries(team)  # the audit trail is the owner's to read
    st.login(team, "boss", "owner-pass")
    actions = [e.action for e in audit.entries(team, staff="mgr")]
    assert actions[:4] == ["phone.view", "points.adjust", "coupon.void", "login"]


def test_receptionist_sees_masked_phone_and_can_still_edit(team: AppContext) -> None:
    member = make_member(team, "张三", "13800138000")
    st.login(team, "desk", "desk-pass")
    profile = members.get_profile(team, member.id)
    assert profile.phone == "138****8000"
    edited = members.update_member(
        team, member.id, members.MemberInput(name="张三丰", phone=profile.phone)
    )  # the masked number, sent back unchanged
    st.logout(team)
    assert members.get_profile(team, member.id).phone == "13800138000"
    assert edited.name == "张三丰"


def test_audit_chain_detects_an_edited_row(team: AppContext) -> None:
    assert audit.verify(team) is None
    with team.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET staff = 'nobody' WHERE action = 'login'"))
    broken = audit.verify(team)
    assert broken is not None
    with team.engine.begin() as conn:
        first_login = conn.execute(
            text("SELECT min(id) FROM audit_log WHERE action = 'login'")
        ).scalar()
    assert broken == first_login


def test_audit_chain_detects_a_deleted_row(team: AppContext) -> None:
    with team.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    assert audit.verify(team) == 3
