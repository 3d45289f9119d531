"""The README's table of who may do what, walked role by role against the services: every
row's permission is the one the code checks, each role is allowed or refused as the
table says, and every permission the code knows has a row (no secret rights)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app import complaints, coupons, loyalty, members, prepaid, staff
from app import reporting as dashboard
from app.admin import backup
from app.admin.counter import choose_database
from app.core import audit, settings
from app.core.connection import CounterConfig
from app.core.context import AppContext
from app.core.errors import Forbidden
from app.coupons import CouponTerms
from app.members import csvio
from tests.helpers import make_member, sign_in_as

# Who may do what does not depend on the time of day.
pytestmark = pytest.mark.clock("morning")
README = Path(__file__).resolve().parents[2] / "README.md"
ROLES = ("receptionist", "manager", "owner")


@dataclass(frozen=True)
class Row:
    action: str
    permission: str  # "" for what everyone signed in may do
    allowed: dict[str, bool]


def table() -> list[Row]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- roles:start -->")[1].split("<!-- roles:end -->")[0]
    rows = []
    for line in block.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        action, permission, *marks = cells
        permission = "" if permission.startswith("(") else permission
        rows.append(
            Row(action, permission, dict(zip(ROLES, (m == "✓" for m in marks), strict=True)))
        )
    return rows


@dataclass
class Store:
    member_id: int
    coupon_code: str
    complaint_id: int
    backup_file: Path
    folder: Path
    prepaid_entry_id: int


# One action per permission, as the counter app would call it.
ACTIONS: dict[str, Callable[[AppContext, Store], Any]] = {
    "coupon.issue_large": lambda c, s: coupons.issue_coupon(c, CouponTerms("amount", 20000)),
    "campaign.create": lambda c, s: coupons.create_campaign(
        c, "festival", "国庆", CouponTerms("amount", 1000)
    ),
    "coupon.void": lambda c, s: coupons.void(c, s.coupon_code, "发错了"),
    "points.adjust": lambda c, s: loyalty.adjust_points(c, s.member_id, 10, "补偿"),
    "phone.full": lambda c, s: members.reveal_phone(c, s.member_id),
    "member.deactivate": lambda c, s: members.set_active(c, s.member_id, True),
    "members.export": lambda c, s: csvio.export_members(c, s.folder / "out.csv"),
    "members.import": lambda c, s: csvio.import_members(c, s.folder / "in.csv"),
    "tiers.edit": lambda c, s: loyalty.set_tiers(c, loyalty.list_tiers(c)),
    "tiers.review": lambda c, s: loyalty.refresh(c),
    "reports.view": lambda c, s: loyalty.segment_counts(c),
    "sla.report": lambda c, s: complaints.report(
        c, c.clock.now().replace(year=2025), c.clock.now()
    ),
    "sla.policy": lambda c, s: complaints.set_policy(c, complaints.get_policy(c)),
    "dashboard.view": lambda c, s: dashboard.compute(
        c, dashboard.Period.preset("this_month", c.clock.now().date())
    ),
    "settings.edit": lambda c, s: settings.set_store_name(c, "悦泉"),
    "backup.settings": lambda c, s: settings.save(c, settings.load(c).with_changes(backup_keep=9)),
    "database.choose": lambda c, s: choose_database(c, CounterConfig(counter_name="前台")),
    "coupon.limits": lambda c, s: settings.save(
        c, settings.load(c).with_changes(coupon_limit_cents=9900)
    ),
    "staff.manage": lambda c, s: staff.list_staff(c),
    "audit.view": lambda c, s: audit.entries(c),
    "backup.restore": lambda c, s: backup.schedule_restore(c, s.backup_file),
    "prepaid.refund": lambda c, s: prepaid.refund(c, s.member_id, "退卡"),
    "prepaid.void": lambda c, s: prepaid.void(c, s.prepaid_entry_id, "录错"),
    "prepaid.adjust": lambda c, s: prepaid.adjust(c, s.member_id, 0, 100, "补偿"),
    "prepaid.plans": lambda c, s: prepaid.save_plan(
        c, prepaid.PlanInput("充1000送200", 100000, 20000)
    ),
    "prepaid.bonus": lambda c, s: prepaid.recharge(
        c, prepaid.RechargeInput(s.member_id, "cash", pay_cents=10000, bonus_cents=1000), True
    ),
    "prepaid.id_view": lambda c, s: prepaid.reveal_buyer_id(c, s.prepaid_entry_id),
    "prepaid.settings": lambda c, s: settings.save(
        c, settings.load(c).with_changes(prepaid_split="principal_first")
    ),
}
# What everyone signed in does at the counter (the "(signed in)" rows).
EVERYDAY: list[Callable[[AppContext, Store], Any]] = [
    lambda c, s: members.search(c, "张"),
    lambda c, s: members.record_visit(c, s.member_id, 12800, "搓澡"),
    lambda c, s: loyalty.redeem_points(c, s.member_id, 1),
    lambda c, s: complaints.respond(c, s.complaint_id, "已道歉"),
    lambda c, s: coupons.issue_coupon(c, CouponTerms("amount", 2000), s.member_id),
    lambda c, s: coupons.redeem(
        c, coupons.issue_coupon(c, CouponTerms("amount", 1000)).code, 20000
    ),
    lambda c, s: loyalty.record_survey(c, 5, "好", member_id=s.member_id),
    lambda c, s: prepaid.recharge(
        c, prepaid.RechargeInput(s.member_id, "wechat", pay_cents=5000), True
    ),
    lambda c, s: prepaid.checkout(c, s.member_id, 3000, "足疗", from_card_cents=3000),
]


def test_the_table_names_every_permission_the_code_checks() -> None:
    in_table = {r.permission for r in table() if r.permission}
    in_code = set().union(*staff.PERMISSIONS.values())
    assert in_table == in_code == set(ACTIONS)
    for row in table():
        for role in ROLES:
            expected = row.allowed[role]
            if row.permission:
                assert (row.permission in staff.PERMISSIONS[role]) == expected, (row, role)
            else:
                assert expected, row  # everyday work is everyone's


@pytest.fixture
def prepared(ctx: AppContext, tmp_path: Path) -> Store:
    """A store with something of everything, made by the store itself."""
    member = make_member(ctx, "张三", "13800138000")
    loyalty.adjust_points(ctx, member.id, 500, "开业")
    coupon = coupons.issue_coupon(ctx, CouponTerms("amount", 1000))
    complaint = complaints.log_complaint(
        ctx, complaints.ComplaintInput("counter", "service", "等太久", member_id=member.id)
    )
    card = prepaid.recharge(
        ctx,
        prepaid.RechargeInput(
            member.id, "cash", pay_cents=10000, buyer_name="张三", buyer_id="11010519491231002X"
        ),
        confirmed=True,
    )
    info = backup.backup_now(ctx, tmp_path / "backups")
    (tmp_path / "in.csv").write_text("name,phone\n李四,13900139000\n", encoding="utf-8")
    return Store(member.id, coupon.code, complaint.id, info.path, tmp_path, card.id)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", [r for r in table() if r.permission], ids=lambda r: r.permission)
def test_each_role_is_allowed_or_refused_as_the_table_says(
    ctx: AppContext, prepared: Store, role: str, row: Row
) -> None:
    sign_in_as(ctx, role)
    action = ACTIONS[row.permission]
    if row.allowed[role]:
        action(ctx, prepared)  # no Forbidden (nor any other refusal)
    else:
        with pytest.raises(Forbidden) as refused:
            action(ctx, prepared)
        assert refused.value.code in ("permission.denied", "coupon.over_limit")
        if refused.value.code == "permission.denied":
            # refused for this permission (or a wider one the role lacks too: the
            # receptionist is stopped at the settings before the owner's part of them)
            refused_for = refused.value.params["action"]
            assert refused_for == row.permission or (
                refused_for not in staff.PERMISSIONS[role]
                and row.permission.startswith(("backup.", "coupon.limits", "prepaid.settings"))
            )


@pytest.mark.parametrize("role", ROLES)
def test_everyone_signed_in_does_the_everyday_work(
    ctx: AppContext, prepared: Store, role: str
) -> None:
    sign_in_as(ctx, role)
    for action in EVERYDAY:
        action(ctx, prepared)


def test_nobody_signed_in_may_do_nothing(ctx: AppContext, prepared: Store) -> None:
    """The counter with nobody signed in (the lock screen): every action is refused, the
    everyday ones too, before anything is read or written."""
    counter = AppContext(ctx.engine, ctx.session_factory, ctx.clock, ctx.data_dir)
    for name, action in [*ACTIONS.items(), *(("everyday", a) for a in EVERYDAY)]:
        with pytest.raises(Forbidden) as refused:
            action(counter, prepared)
        assert refused.value.code == "auth.signed_out", name


def test_a_refused_action_changed_nothing(ctx: AppContext, prepared: Store) -> None:
    sign_in_as(ctx, "receptionist")
    before = audit_count(ctx)
    for permission in ("coupon.void", "points.adjust", "campaign.create", "coupon.issue_large"):
        with pytest.raises(Forbidden):
            ACTIONS[permission](ctx, prepared)
    assert coupons.look_up(ctx, prepared.coupon_code).voided_at is None
    assert loyalty.balance(ctx, prepared.member_id) == 500
    assert coupons.list_campaigns(ctx) == []
    assert audit_count(ctx) == before


def audit_count(ctx: AppContext) -> int:
    system = ctx.as_system()
    return len(audit.entries(system, limit=100_000))


def test_only_signing_in_runs_with_nobody_signed_in() -> None:
    """Where the code lets a unit of work run with nobody signed in: only what the sign-in
    box itself needs (reads of the store's name, language and zone; the staff table;
    the sign-in's own audit entries). Any new one must be added here, deliberately."""
    root = Path(__file__).resolve().parents[2] / "app"
    found = set()
    for path in root.rglob("*.py"):
        for match in re.finditer(r"def (\w+)\(|uow\(anyone=True[,)]", path.read_text()):
            if match.group(1):
                current = match.group(1)
            else:
                found.add(f"{path.stem}.{current}")
    assert found == {
        "accounts.has_staff",
        "accounts.create_staff",
        "accounts.login",
        "audit.log",
        "settings.load",
        "store.name",
        "store.zone",
    }
