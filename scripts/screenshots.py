"""Saves screenshots of the main windows (offscreen) into shots/ for a human to look at."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import shutil
import subprocess

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app import complaints as cp
from app import coupons as cs
from app.admin.demo import seed_demo
from app.bootstrap import open_store
from app.core import settings as st
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.coupons import pdf as coupon_pdf
from ui.complaints.dialogs import ComplaintDialog
from ui.complaints.policy import SlaReportDialog
from ui.coupons.dialogs import CouponDialog
from ui.main_window import MainWindow
from ui.members.dialogs import MemberDialog, VisitDialog
from ui.style import apply_style, install_translations, register_fonts


def _complaints(ctx: AppContext, clock: FakeClock) -> None:
    add = cp.log_complaint
    add(
        ctx,
        cp.ComplaintInput("counter", "hygiene", "毛巾有异味，要求更换", member_id=12),
    )
    clock.advance(minutes=4)
    c = add(
        ctx,
        cp.ComplaintInput(
            "phone",
            "booking",
            "包间被重复预订，客人已到店",
            guest_name="赵先生",
            guest_phone="13912345678",
        ),
    )
    clock.advance(minutes=9)
    add(
        ctx,
        cp.ComplaintInput("online", "service", "技师迟到 20 分钟", member_id=40),
    )
    d = add(
        ctx,
        cp.ComplaintInput("review", "price", "点评网站差评：价格不透明", guest_name="网友 小鱼"),
    )
    cp.respond(ctx, d.id, "已在点评网站回复并私信致歉")
    cp.start_investigation(ctx, d.id, "核对当天账单")
    clock.advance(minutes=3)
    cp.check_breaches(ctx)
    del c


def _coupons(app: QApplication, ctx: AppContext, win: MainWindow, out: Path, lang: str) -> None:
    st.set_store_name(ctx, "悦泉汤泉会馆")
    birthday = cs.create_campaign(
        ctx, "birthday", "十一月生日礼", cs.CouponTerms("amount", 5000, min_spend_cents=20000)
    )
    winback = cs.create_campaign(ctx, "winback", "想你了 · 回店礼", cs.CouponTerms("percent", 15))
    issued = cs.issue_campaign(ctx, birthday.id, list(range(1, 40))).coupons
    cs.issue_campaign(ctx, winback.id, list(range(40, 60)))
    for c in issued[:9]:
        cs.redeem(ctx, c.code, 30000)
    item = cs.issue_coupon(ctx, cs.CouponTerms("item", item="足疗 60 分钟一次"), 12)
    page = win.coupons
    page.reload()
    win.show_page(win.pages.indexOf(page))
    page.show_code(issued[12].display_code)
    page.bill_box.setText("268")
    app.processEvents()
    win.grab().save(str(out / f"coupons_{lang}.png"))
    page.campaign_view.selectRow(0)
    dialog = page.open_issue_dialog()
    if dialog is not None:
        app.processEvents()
        dialog.grab().save(str(out / f"coupon_issue_{lang}.png"))
        dialog.close()
    single = CouponDialog(ctx, win, member_id=12)
    single.terms.value.setText("50")
    single.terms.min_spend.setText("200")
    single.show()
    app.processEvents()
    single.grab().save(str(out / f"coupon_dialog_{lang}.png"))
    single.close()
    if lang == "zh_CN":
        batch = [issued[0], cs.look_up(ctx, item.code), *cs.campaign_coupons(ctx, winback.id)[:6]]
        for layout in coupon_pdf.LAYOUTS:
            pdf = out / f"coupon_{layout}.pdf"
            coupon_pdf.render(batch, layout, pdf, store="悦泉汤泉会馆")
            if shutil.which("pdftoppm"):
                subprocess.run(
                    [
                        "pdftoppm",
                        "-r",
                        "110",
                        "-png",
                        "-singlefile",
                        str(pdf),
                        str(out / f"coupon_{layout}"),
                    ],
                    check=True,
                )


def _care(
    app: QApplication, ctx: AppContext, clock: FakeClock, win: MainWindow, out: Path, lang: str
) -> None:
    from datetime import timedelta as td

    from app import loyalty

    loyalty.refresh(ctx)
    loyalty.schedule_follow_up(
        ctx, 12, clock.now() + td(hours=2), "王丽", "回访毛巾异味投诉的处理结果"
    )
    for score in (5, 5, 4, 3, 5):
        loyalty.record_survey(ctx, score)
    win.show_page(win.pages.indexOf(win.care))
    win.care.reload()
    win.care.lapsing.view.selectRow(0)
    app.processEvents()
    win.grab().save(str(out / f"care_{lang}.png"))
    win.care.tabs.setCurrentIndex(4)
    app.processEvents()
    win.grab().save(str(out / f"care_segments_{lang}.png"))
    win.member_desk.open_member(12)
    win.show_page(0)
    win.member_desk.stack.setCurrentWidget(win.member_desk.profile)
    win.member_desk.profile.tabs.setCurrentIndex(3)
    app.processEvents()
    win.grab().save(str(out / f"member_loyalty_{lang}.png"))


def _dashboard(app: QApplication, ctx: AppContext, win: MainWindow, out: Path, lang: str) -> None:
    from app import reporting as dash
    from app.admin.demo import seed_activity
    from app.core.settings import set_store_name
    from ui.dashboard.drill import DrillDialog
    from ui.settings import SettingsDialog

    set_store_name(ctx, "悦泉汤泉会馆")
    seed_activity(ctx)
    dash.ensure_totals(ctx)
    page = win.dashboard
    win.resize(1440, 900)
    win.show_page(win.dashboard_index)
    page.preset.setCurrentIndex(page.preset.findData("last_12_months"))
    page.reload()
    app.processEvents()
    win.grab().save(str(out / f"dashboard_{lang}.png"))
    page.open_drill("retention", "late")
    app.processEvents()
    drill = page.findChildren(DrillDialog)[-1]
    drill.grab().save(str(out / f"dashboard_drill_{lang}.png"))
    drill.close()
    settings = SettingsDialog(ctx, win)
    settings.show()
    for i in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(i)
        app.processEvents()
        settings.grab().save(str(out / f"settings_{i}_{lang}.png"))
    settings.close()
    pdf = out / f"report_{lang}.pdf"
    page.export(str(pdf), "pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", str(pdf), str(out / f"report_{lang}")], check=True
        )


def main() -> None:
    lang = sys.argv[1] if len(sys.argv) > 1 else "zh_CN"
    out = Path("shots")
    out.mkdir(exist_ok=True)
    app = QApplication([])
    register_fonts(app)
    apply_style(app)
    install_translations(app, lang)
    clock = FakeClock()
    ctx = open_store(tempfile.mkdtemp(), clock, system=True)
    seed_demo(ctx, 3000)
    _complaints(ctx, clock)
    win = MainWindow(ctx)
    win.resize(1280, 800)
    win.show()
    desk = win.member_desk
    QTest.keyClicks(desk.search_box, "zh")
    desk.run_search()
    app.processEvents()
    win.grab().save(str(out / f"member_search_{lang}.png"))
    desk.open_member(12)
    desk.profile.tabs.setCurrentIndex(1)
    app.processEvents()
    win.grab().save(str(out / f"member_profile_{lang}.png"))
    dialog = MemberDialog(ctx, win)
    dialog.phone.setText("12345")
    dialog.name.setText("王小明")
    dialog.on_save()
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(out / f"member_dialog_{lang}.png"))
    assert desk.profile.profile is not None
    visit = VisitDialog(ctx, desk.profile.profile, win)
    visit.show()
    app.processEvents()
    visit.grab().save(str(out / f"visit_dialog_{lang}.png"))
    visit.close()
    win.show_page(1)
    clock.advance(timedelta(seconds=1))
    win.on_tick()
    win.complaints.view.selectRow(0)
    app.processEvents()
    win.grab().save(str(out / f"complaints_{lang}.png"))
    log = ComplaintDialog(ctx, win)
    log.guest_name.setText("孙女士")
    log.category.setCurrentIndex(log.category.findData("facilities"))
    log.description.setPlainText("蒸汽房温控失灵，温度过高")
    log.show()
    app.processEvents()
    log.grab().save(str(out / f"complaint_dialog_{lang}.png"))
    step = win.complaints.open_step("respond")
    if step is not None:
        step.show()
        app.processEvents()
        step.grab().save(str(out / f"complaint_step_{lang}.png"))
    policy = win.complaints.open_policy()
    policy.show()
    app.processEvents()
    policy.grab().save(str(out / f"sla_policy_{lang}.png"))
    policy.close()
    cp.set_policy(ctx, cp.get_policy(ctx))
    report = SlaReportDialog(ctx, win)
    report.show()
    app.processEvents()
    report.grab().save(str(out / f"sla_report_{lang}.png"))
    _coupons(app, ctx, win, out, lang)
    _care(app, ctx, clock, win, out, lang)
    _dashboard(app, ctx, win, out, lang)
    print("saved to", out.resolve())


if __name__ == "__main__":
    main()
