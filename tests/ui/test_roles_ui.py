"""What a role may not do is not on its screen (the services refuse it anyway: see
tests/unit/test_roles.py, which walks the README's table)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app import staff
from app.core.context import AppContext
from tests.helpers import make_member
from ui.main_window import MainWindow
from ui.settings import SettingsDialog

ROLES = ("receptionist", "manager", "owner")
Shown = Callable[[MainWindow], bool]

ON_SCREEN: dict[str, Shown] = {
    "coupon.void": lambda w: not w.coupons.buttons["voidCouponButton"].isHidden(),
    "campaign.create": lambda w: not w.coupons.buttons["newCampaignButton"].isHidden(),
    "points.adjust": lambda w: not w.member_desk.profile.adjust_button.isHidden(),
    "member.deactivate": lambda w: not w.member_desk.profile.active_button.isHidden(),
    "tiers.edit": lambda w: not w.care.tiers_button.isHidden(),
    "tiers.review": lambda w: not w.care.review_button.isHidden(),
    "reports.view": lambda w: w.care.tabs.isTabVisible(w.care.overview_index),
    "sla.report": lambda w: not w.complaints.report_button.isHidden(),
    "sla.policy": lambda w: not w.complaints.policy_button.isHidden(),
    "dashboard.view": lambda w: not w.nav.item(w.dashboard_index).isHidden(),
    "settings.edit": lambda w: not w.settings_button.isHidden(),
    "staff.manage": lambda w: not w.nav.item(w.admin_index).isHidden(),
    "phone.full": lambda w: "*" not in w.member_desk.profile.values["phone"].text(),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_what_it_may_do(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, role: str
) -> None:
    member = make_member(ctx, "张三", "13800138000")
    window.member_desk.open_member(member.id)
    for permission, shown in ON_SCREEN.items():
        assert shown(window) == (permission in staff.PERMISSIONS[role]), (role, permission)


@pytest.mark.parametrize("role", ROLES)
def test_settings_only_the_owner_changes_the_owners_parts(
    qtbot: QtBot, ctx: AppContext, role: str
) -> None:
    if role == "receptionist":
        return  # no settings at all (the button is hidden; the service refuses)
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    owner = role == "owner"
    assert dialog.keep.isEnabled() == owner
    assert dialog.backup_folder.isEnabled() == owner
    assert dialog.limit_amount.isEnabled() == dialog.limit_percent.isEnabled() == owner
