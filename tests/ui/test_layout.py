"""Every page and dialog, in each language, on the most common counter screen (1366×768):
no text cut off. The pictures are kept in shots/layout/<language>/ to look at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from app import complaints as cp
from app import coupons as cs
from app import loyalty, staff
from app import reporting as dashboard
from app.admin.demo import seed_activity, seed_demo
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.coupons import CouponTerms
from tests.helpers import make_member
from tests.ui.clipping import Clipped, clipped
from tests.ui.helpers import open_window
from ui.admin.page import PasswordDialog, StaffDialog
from ui.care.dialogs import (
    FollowUpDialog,
    IssueToSelectionDialog,
    OutcomeDialog,
    PointsDialog,
    SurveyDialog,
)
from ui.care.tiers import TierDialog
from ui.complaints.dialogs import ComplaintDialog, StepDialog
from ui.complaints.policy import SlaPolicyDialog, SlaReportDialog
from ui.coupons.dialogs import CampaignDialog, CouponDialog, IssueCampaignDialog, VoidDialog
from ui.login import LoginDialog, SetupOwnerDialog
from ui.members.dialogs import MemberDialog, VisitDialog
from ui.settings import SettingsDialog
from ui.style import install_translations

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1366, 738)  # 1366×768 less a task bar


@pytest.fixture
def language(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[str]:
    lang = str(request.param)
    install_translations(qapp, lang)
    yield lang
    install_translations(qapp, "en")


def busy_store(ctx: AppContext, clock: FakeClock) -> int:
    """A store with some of everything (demo members, their history, complaints, one of
    them overdue, campaigns, a call due); returns a member with a bit of everything."""
    system = ctx.as_system()
    seed_demo(system, 300)
    seed_activity(system, days=60)
    loyalty.refresh(system)
    dashboard.ensure_totals(system)  # the figures, not "counting past visits…"
    member = make_member(ctx, "欧阳娜娜", "13812345678", allergies="精油过敏", notes="喜欢安静")
    loyalty.adjust_points(ctx, member.id, 800, "开业")
    cp.log_complaint(
        ctx, cp.ComplaintInput("counter", "service", "等了很久没人理", member_id=member.id)
    )
    clock.advance(hours=30)  # overdue: the long "overdue" countdown
    cp.check_breaches(system)
    cs.issue_coupon(ctx, CouponTerms("item", item="足疗 60 分钟一次"), member.id)
    loyalty.schedule_follow_up(
        ctx, member.id, clock.now(), "王丽", "回访：毛巾异味投诉的处理结果是否满意"
    )
    return member.id


@pytest.mark.clock("morning")
@pytest.mark.parametrize("language", ["zh_CN", "zh_TW", "en"], indirect=True)
def test_every_page_and_dialog_reads_whole(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, language: str
) -> None:
    member_id = busy_store(ctx, clock)
    out = ROOT / "shots" / "layout" / language
    out.mkdir(parents=True, exist_ok=True)
    win = open_window(qtbot, ctx)
    win.resize(*SCREEN)
    found: list[Clipped] = []

    def look(widget: QWidget, name: str) -> None:
        for _ in range(3):
            QApplication.processEvents()
        widget.grab().save(str(out / f"{name}.png"))
        found.extend(clipped(widget))

    def dialog(make: Callable[[], QDialog], name: str) -> QDialog:
        d = make()
        d.show()
        look(d, name)
        d.close()
        return d

    # --- pages --------------------------------------------------------------------------
    desk = win.member_desk
    desk.search_box.setText("王")
    desk.run_search()
    look(win, "member_search")
    desk.open_member(member_id)
    for i in range(desk.profile.tabs.count()):
        desk.profile.tabs.setCurrentIndex(i)
        look(win, f"member_profile_{i}")
    win.show_page(win.pages.indexOf(win.complaints))
    win.complaints.reload()
    win.complaints.view.selectRow(0)
    win.on_tick()
    look(win, "complaints")
    win.show_page(win.pages.indexOf(win.coupons))
    win.coupons.show_code("XXXX-XXXX-XXXX")
    look(win, "coupons")
    win.show_page(win.pages.indexOf(win.care))
    win.care.reload()
    for i in range(win.care.tabs.count()):
        win.care.tabs.setCurrentIndex(i)
        look(win, f"care_{i}")
    win.show_page(win.admin_index)
    for i in range(win.admin.tabs.count()):
        win.admin.tabs.setCurrentIndex(i)
        look(win, f"admin_{i}")
    win.show_page(win.dashboard_index)
    win.dashboard.preset.setCurrentIndex(win.dashboard.preset.findData("last_12_months"))
    win.dashboard.reload()
    look(win, "dashboard")
    win.dashboard.open_drill("satisfaction", None)
    drills = [d for d in win.dashboard.findChildren(QDialog) if d.isVisible()]
    if drills:
        look(drills[-1], "dashboard_drill")
        drills[-1].close()

    # --- dialogs ------------------------------------------------------------------------
    profile = desk.profile.profile
    assert profile is not None
    dialog(lambda: MemberDialog(ctx, win), "member_new")
    dialog(lambda: MemberDialog(ctx, win, profile), "member_edit")
    dialog(lambda: VisitDialog(ctx, profile, win), "visit")
    dialog(lambda: PointsDialog(ctx, member_id, False, win), "points_use")
    dialog(lambda: PointsDialog(ctx, member_id, True, win), "points_adjust")
    dialog(lambda: SurveyDialog(ctx, member_id, win), "survey")
    dialog(lambda: ComplaintDialog(ctx, win), "complaint_walk_in")
    walk_in = ComplaintDialog(ctx, win)
    walk_in.show()
    walk_in.on_save()  # the error line shown
    look(walk_in, "complaint_walk_in_error")
    walk_in.close()
    dialog(lambda: ComplaintDialog(ctx, win, profile), "complaint_member")
    case = cp.open_complaints(ctx)[0]
    for step in ("respond", "investigate", "answer", "close", "reopen", "escalate", "note"):
        dialog(lambda s=step: StepDialog(ctx, case, s, win), f"step_{step}")
    dialog(lambda: SlaPolicyDialog(ctx, win), "sla_policy")
    sla = SlaPolicyDialog(ctx, win)
    sla.show()
    sla.holidays.setText("abc")
    sla.on_save()  # the error line shown: the help text above it still reads whole
    look(sla, "sla_policy_error")
    sla.close()
    dialog(lambda: SlaReportDialog(ctx, win), "sla_report")
    dialog(lambda: CouponDialog(ctx, win), "coupon_new")
    dialog(lambda: CouponDialog(ctx, win, complaint_id=case.id), "coupon_compensation")
    dialog(lambda: CampaignDialog(ctx, win), "campaign_new")
    campaign = cs.list_campaigns(ctx)[0]
    dialog(lambda: IssueCampaignDialog(ctx, campaign, win), "campaign_issue")
    void = VoidDialog(ctx, "XXXX-XXXX-XXXX", win)
    void.show()
    void.on_save()  # the error line shown
    look(void, "void_error")
    void.close()
    dialog(lambda: FollowUpDialog(ctx, [member_id], win, "邀请回店"), "follow_up")
    due = loyalty.due_follow_ups(ctx)[0]
    dialog(lambda: OutcomeDialog(ctx, due, win), "follow_up_outcome")
    dialog(lambda: IssueToSelectionDialog(ctx, [member_id], "winback", win), "issue_selection")
    dialog(lambda: TierDialog(ctx, win), "tiers")
    dialog(lambda: StaffDialog(ctx, win), "staff_new")
    dialog(lambda: PasswordDialog(ctx, staff.list_staff(ctx)[0], win), "password")
    settings = SettingsDialog(ctx, win)
    settings.show()
    for i in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(i)
        look(settings, f"settings_{i}")
    settings.close()
    dialog(lambda: LoginDialog(ctx), "login")
    dialog(lambda: LoginDialog(ctx, win, locked=True), "login_locked")
    owner = SetupOwnerDialog(ctx)
    owner.show()
    owner.password.setText("a")
    owner.on_save()  # the passwords differ: the error line shown
    look(owner, "setup_owner_error")
    owner.close()
    clock.advance(timedelta(seconds=1))

    assert not found, f"{len(found)} texts cut off ({language}):\n" + "\n".join(
        str(c) for c in found
    )
