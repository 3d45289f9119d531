"""Journeys: who did what, and who may. The lock hides the counter and cannot be
dismissed; each role sees and may do what the README's table says; every action is the
signed-in person's; a restore is previewed, confirmed and leaves the audit trail whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.bootstrap import open_store
from tests.journeys.driver import App, query, scalar
from tests.journeys.test_desk import unique_last4
from tests.journeys.test_start import PASSWORD, create_owner, sign_in

STAFF_PASSWORD = "desk-pass1"


def add_staff(app: App, user: str, name: str, role_steps: int) -> None:
    """The owner adds an account on the Administration page (F9): role_steps is how many
    times Down is pressed in the role box (0 receptionist, 1 manager)."""
    app.key("F9")
    app.wait_widget("adminPage", lambda w: w["visible"])
    app.click("addStaffButton")
    app.wait_window("staffDialog")
    app.wait_focus("staffUsername")
    app.type(user)
    app.key("Tab")
    app.type(name)
    app.key("Tab")
    app.wait_focus("staffRole")
    for _ in range(role_steps):
        app.key("Down")
    app.key("Tab")
    app.wait_focus("staffPassword")
    app.type(STAFF_PASSWORD)
    app.key("Return")
    app.wait_gone("staffDialog")


def demo_store_with_team(frontdesk: Callable[..., App], store: Path) -> App:
    """A demo store whose owner has added a receptionist (小周) and a manager (李经理)."""
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    add_staff(app, "desk", "小周", 0)
    add_staff(app, "mgr", "李经理", 1)
    assert query(store, "SELECT username, role FROM staff ORDER BY id") == [
        ("boss", "owner"),
        ("desk", "receptionist"),
        ("mgr", "manager"),
    ]
    app.key("F1")
    app.wait_focus("memberSearchBox")
    return app


def lock(app: App) -> None:
    app.key("ctrl+shift+l")
    app.wait_window("loginDialog")
    app.wait_focus("loginUsername")


def test_lock_hides_everything_and_cannot_be_dismissed(
    frontdesk: Callable[..., App], store: Path
) -> None:
    app = demo_store_with_team(frontdesk, store)
    _member_id, name, phone = unique_last4(store)
    app.type(phone)
    app.key("Return")
    app.wait_text("profileName", name)
    assert app.widget("profile_phone")["text"] == phone  # the owner sees the whole number
    visits = scalar(store, "SELECT count(*) FROM visits")

    lock(app)
    shot = app.screenshot("locked")
    assert app.widget("lockCover")["visible"]
    for gone in ("profileName", "profile_phone", "memberSearchBox", "memberProfile"):
        assert app.widget(gone) is None, gone  # nothing of the last screen shows
    app.key("Escape")  # not a way in
    app.key("F5")
    app.wait_window("loginDialog")
    assert app.widget("lockCover")["visible"]
    assert scalar(store, "SELECT count(*) FROM visits") == visits

    # One wrong password counts once (it used to count twice: Enter hit two buttons).
    app.type("desk")
    app.key("Return")
    app.wait_focus("loginPassword")
    app.type("wrong-one")
    app.key("Return")
    app.wait_text("formError", "密码")
    assert scalar(store, "SELECT failed_attempts FROM staff WHERE username = 'desk'") == 1
    app.wait_focus("loginPassword")
    app.type(STAFF_PASSWORD)
    app.key("Return")
    app.wait_gone("loginDialog")
    app.wait_focus("memberSearchBox")  # a fresh counter for 小周: no last member, no search
    assert app.widget("memberSearchBox")["text"] == ""
    assert "小周" in app.widget("staffStatus")["text"]
    app.screenshot("receptionist-signed-in")
    logged = query(
        store,
        "SELECT staff, action FROM audit_log WHERE action IN ('logout', 'login', "
        "'login.failed') ORDER BY id DESC LIMIT 3",
    )
    assert logged == [("desk", "login"), ("system", "login.failed"), ("boss", "logout")]
    assert shot.exists()
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()


def switch_to(app: App, user: str, password: str = STAFF_PASSWORD) -> None:
    """Ctrl+Shift+L, then the next person signs in."""
    lock(app)
    app.type(user)
    app.key("Return")
    app.wait_focus("loginPassword")
    app.type(password)
    app.key("Return")
    app.wait_gone("loginDialog")
    app.wait_focus("memberSearchBox")


def test_each_role_at_the_counter(frontdesk: Callable[..., App], store: Path) -> None:
    app = demo_store_with_team(frontdesk, store)
    member_id, name, phone = unique_last4(store)
    switch_to(app, "desk")

    # The receptionist: no administration, dashboard or settings, even by key.
    for key in ("F9", "F10", "ctrl+comma"):
        app.key(key)
        state = app.state()
        assert state is not None and state["active_window"] == "mainWindow", key
        assert app.widget("memberSearchBox") is not None, key  # still on the member desk
    # A visit and a complaint are hers.
    app.type(phone[-4:])
    app.wait_widget("memberResultsView", lambda w: w["rows"] == 1)
    app.key("Return")
    app.wait_text("profileName", name)
    assert "*" in app.widget("profile_phone")["text"]  # a masked number
    assert app.widget("toggleActiveButton") is None  # deactivating is a manager's
    app.key("F5")
    app.wait_focus("visitAmountEdit")
    app.type("66")
    app.key("Return")
    app.wait_gone("visitDialog")
    visit = query(
        store,
        "SELECT amount_cents, staff, recorded_by FROM visits WHERE member_id = ? "
        "ORDER BY id DESC LIMIT 1",
        member_id,
    )
    assert visit == [(6600, "小周", "小周")]
    # A coupon above the owner's limit is refused with a sentence; within it, issued.
    app.key("F6")
    app.wait_focus("couponCodeBox")
    assert app.widget("newCampaignButton") is None and app.widget("voidCouponButton") is None
    before = scalar(store, "SELECT count(*) FROM coupons")
    app.click("newCouponButton")
    app.wait_focus("couponValue")
    app.type("200")
    app.key("Return")
    error = app.wait_text("formError", "经理")
    assert "¥50.00" in error
    app.screenshot("over-the-limit")
    assert scalar(store, "SELECT count(*) FROM coupons") == before
    app.wait_focus("couponValue")
    app.key("ctrl+a")
    app.type("20")
    app.key("Return")
    app.wait_gone("couponDialog")
    issued = query(store, "SELECT value, issued_by, code FROM coupons ORDER BY id DESC LIMIT 1")
    assert issued[0][:2] == (2000, "小周")
    code = issued[0][2]
    assert query(
        store, "SELECT staff, action FROM audit_log WHERE target = ? ORDER BY id", code
    ) == [("desk", "coupon.issue")]

    # The manager voids it (the void is his, not a typed name) and may see the dashboard.
    switch_to(app, "mgr")
    app.key("F6")
    app.wait_focus("couponCodeBox")
    app.type(code)
    app.key("Return")
    app.click("voidCouponButton")
    app.wait_window("voidCouponDialog")
    app.wait_focus("voidReason")
    app.type("发错了")
    app.key("Return")
    app.wait_gone("voidCouponDialog")
    assert query(
        store,
        "SELECT v.by, v.reason FROM coupon_voids v JOIN coupons c ON c.id = v.coupon_id "
        "WHERE c.code = ?",
        code,
    ) == [("李经理", "发错了")]
    app.key("F10")
    app.wait_widget("dashboardPage", lambda w: w["visible"])
    app.screenshot("manager-dashboard")
    app.key("F9")  # administration is the owner's
    assert app.widget("adminPage") is None

    # The owner sees administration; the audit trail names each person.
    switch_to(app, "boss", PASSWORD)
    app.key("F9")
    app.wait_widget("adminPage", lambda w: w["visible"])
    app.screenshot("owner-administration")
    voids = query(store, "SELECT staff FROM audit_log WHERE action = 'coupon.void'")
    assert voids == [("mgr",)]
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()


def admin_tab(app: App, tab: int) -> None:
    """Administration (F9), then the tab wanted (0 staff, 1 audit, 2 backups)."""
    app.key("F9")
    app.wait_widget("adminPage", lambda w: w["visible"])
    app.click_tab("adminTabs", tab)


def test_restore_is_previewed_confirmed_and_keeps_the_audit_trail(
    frontdesk: Callable[..., App], store: Path
) -> None:
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    member_id, name, phone = unique_last4(store)
    admin_tab(app, 2)
    app.click("backupNowButton")
    app.wait_text("adminMessage", "frontdesk-")
    before = scalar(store, "SELECT count(*) FROM visits")
    balance = scalar(store, "SELECT points_balance FROM members WHERE id = ?", member_id)

    # After the backup: a visit and a points adjustment (audited).
    app.key("F1")
    app.wait_focus("memberSearchBox")
    app.type(phone)
    app.key("Return")
    app.wait_text("profileName", name)
    app.key("F5")
    app.wait_focus("visitAmountEdit")
    app.type("77.70")
    app.key("Return")
    app.wait_gone("visitDialog")
    app.click("adjustPointsButton")
    app.wait_window("pointsAdjustDialog")
    app.wait_focus("pointsAmount")
    app.type("250")
    app.key("Tab")
    app.type("开业补发")
    app.key("Return")
    app.wait_gone("pointsAdjustDialog")
    assert scalar(store, "SELECT count(*) FROM visits") == before + 1

    # Restore: the preview first (No is the default), then Yes.
    admin_tab(app, 2)
    view = app.wait_widget("backupList", lambda w: w["rows"] >= 1)
    app.click_at(view["x"] + 60, view["y"] + 42)  # the first (newest) backup
    app.click("restoreButton")
    app.wait_window("confirmRestore")
    app.screenshot("restore-preview")
    preview = app.texts()
    assert "会员" in preview and ".sqlite3" not in preview
    app.click("confirmRestoreYes")
    app.wait_text("pendingRestore", "下次启动")
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()

    again = frontdesk()
    sign_in(again)
    again.wait_window("restoreReport")
    again.screenshot("restore-report")
    assert "操作日志" in again.texts()
    again.key("Return")
    again.wait_focus("memberSearchBox")
    assert "restore finished" in again.output()
    # The data is the backup's; the audit trail still says what happened after it.
    assert scalar(store, "SELECT count(*) FROM visits") == before
    assert scalar(store, "SELECT points_balance FROM members WHERE id = ?", member_id) == balance
    actions = [r[0] for r in query(store, "SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "backup.restored" or "backup.restored" in actions[-3:]
    carried = actions[actions.index("backup.restored") - 3 : actions.index("backup.restored")]
    assert "points.adjust" in actions and "backup.restore" in carried
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()
    from app.core import audit

    ctx = open_store(store, system=True)
    try:
        assert audit.verify(ctx) is None  # the chain holds, with the carried entries
    finally:
        ctx.close()


def test_compensation_points_coupon_and_a_campaign_for_one_member(
    frontdesk: Callable[..., App], store: Path
) -> None:
    """The data that came out wrong: a compensation coupon goes to the complaining member
    and into the complaint's timeline; points turned into a coupon keep their reason and
    show the code; a campaign issued to one member by typing their number goes to them."""
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    member_id, name, phone = unique_last4(store)
    app.type(phone)
    app.key("Return")
    app.wait_text("profileName", name)
    app.key("ctrl+l")
    app.wait_focus("complaintDescription")
    app.type("毛巾不干净")
    app.key("ctrl+Return")
    app.wait_gone("complaintDialog")
    cid = scalar(store, "SELECT max(id) FROM complaints WHERE member_id = ?", member_id)
    app.wait_text("complaintDetail", f"TS{cid:06d}")
    app.click("step_coupon")
    app.wait_window("couponDialog")
    app.wait_focus("couponValue")
    app.type("30")
    app.key("Return")
    app.wait_gone("couponDialog")
    coupon = query(
        store, "SELECT code, member_id, issued_by FROM coupons WHERE complaint_id = ?", cid
    )
    assert [row[1:] for row in coupon] == [(member_id, "王老板")]
    code = coupon[0][0]
    app.wait_text("couponInfo", f"{code[:4]}-{code[4:8]}-{code[8:]}")
    app.screenshot("compensation-issued")
    assert query(
        store, "SELECT action, actor FROM complaint_events WHERE complaint_id = ? "
        "ORDER BY id DESC LIMIT 1", cid,
    ) == [("coupon", "王老板")]  # fmt: skip
    pdfs = list((store / "coupons").glob("*.pdf"))
    assert len(pdfs) == 1  # saved where the counter keeps them, no file dialog

    # Points for a coupon, with a reason (F8, the digits replace the suggested amount).
    app.key("F1")  # back to the member still open
    app.wait_text("profileName", name)
    balance = scalar(store, "SELECT points_balance FROM members WHERE id = ?", member_id)
    if balance < 100:
        app.click("adjustPointsButton")
        app.wait_focus("pointsAmount")
        app.type("500")
        app.key("Tab")
        app.type("开业")
        app.key("Return")
        app.wait_gone("pointsAdjustDialog")
        balance += 500
    app.key("F8")
    app.wait_focus("pointsAmount")
    app.type("100")
    app.key("Tab")
    app.type("生日兑换")
    app.key("Tab")
    app.key("space")  # as a coupon
    app.key("Return")
    app.wait_gone("pointsRedeemDialog")
    app.wait_widget("couponsPage", lambda w: w["visible"])
    swapped = query(
        store,
        "SELECT code FROM coupons WHERE member_id = ? AND value = 100 ORDER BY id DESC LIMIT 1",
        member_id,
    )[0][0]
    app.wait_text("couponInfo", f"{swapped[:4]}-{swapped[4:8]}-{swapped[8:]}")
    reason = scalar(
        store,
        "SELECT reason FROM points_entries WHERE member_id = ? ORDER BY id DESC LIMIT 1",
        member_id,
    )
    assert reason == f"coupon {swapped[:4]}-{swapped[4:8]}-{swapped[8:]}: 生日兑换"
    assert scalar(store, "SELECT points_balance FROM members WHERE id = ?", member_id) == (
        balance - 100
    )

    # A campaign issued to one member, typed in: it goes to that member only.
    app.key("F6")
    app.wait_focus("couponCodeBox")
    app.click("campaignList")
    app.key("Home")
    campaign = scalar(store, "SELECT id FROM campaigns ORDER BY created_at DESC LIMIT 1")
    held = scalar(
        store, "SELECT count(*) FROM coupons WHERE campaign_id = ? AND member_id = ?",
        campaign, member_id,
    )  # fmt: skip
    app.click("issueCampaignButton")
    app.wait_window("issueCampaignDialog")
    app.click("audienceMembers")
    member_no = scalar(store, "SELECT member_no FROM members WHERE id = ?", member_id)
    app.type(member_no)
    app.wait_widget("audienceList", lambda w: w["checked"], what="the typed list chosen")
    app.wait_text("audiencePreview", "1")
    app.key("Return")
    if held:  # already had theirs: the dialog says so and stays
        app.wait_text("formError", "已领过")
        app.key("Escape")
    else:
        app.wait_gone("issueCampaignDialog")
    got = query(
        store, "SELECT member_id FROM coupons WHERE campaign_id = ? AND member_id = ?",
        campaign, member_id,
    )  # fmt: skip
    assert len(got) == 1
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()
