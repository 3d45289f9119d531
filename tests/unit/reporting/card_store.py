"""A store selling stored-value cards over two periods, every figure worked out by hand
(used by tests/unit/reporting/test_prepaid_figures.py and the dashboard's UI test).

Times in Beijing (UTC+8); the split rule is pro rata (principal share rounded half up).
October 2026:
  5 Oct 12:00   甲 recharges the offer 充1000送200          甲 100000 / 20000
  8 Oct 12:00   乙 recharges ¥500 (no bonus)               乙  50000 / 0
 10 Oct 12:00   甲 pays ¥300: 25000 + 5000                甲  75000 / 15000
 12 Oct 12:00   乙 pays ¥100.01: 10001 + 0                 乙  39999 / 0
 12 Oct 12:05   ... voided                                乙  50000 / 0
 20 Oct 12:00   丙 recharges ¥300 + ¥30 bonus              丙  30000 / 3000
 31 Oct 23:50   甲 pays ¥90: 7500 + 1500 (15:50 UTC)       甲  67500 / 13500
  -> recharged 180000, bonus 23000, spent 32500 + 6500, refunded 0;
     owed at the end 164000 (principal 147500) on 3 cards.
November 2026, to the clock's now (2 Nov, 10:00 or 01:30):
  1 Nov 00:30   丙 pays ¥33.33: 3030 + 303 (31 Oct 16:30 UTC)  丙  26970 / 2697
  1 Nov 10:00   乙's October recharge voided              乙      0 / 0
  1 Nov 11:00   乙 recharges ¥200                          乙  20000 / 0
  1 Nov 12:00   甲 refunds: paid 100000, bonus 20000, spent 39000 -> consumed 32500,
                paid back 67500; 13500 bonus written off  甲      0 / 0 (closed)
  now           丙 pays ¥6.97: 634 + 63                    丙  26336 / 2634
  now           乙 recharges the offer (a named card)      乙 120000 / 20000
  -> recharged -50000 + 20000 + 100000 = 70000, bonus 20000, spent 3664 + 366,
     refunded 67500 (13500 bonus written off); owed 168970 (principal 146336) on 2 cards.
"""

from __future__ import annotations

from app import prepaid as pp
from app.core.clock import FakeClock
from app.core.context import AppContext
from tests.helpers import cst, make_member

ID_NUMBER = "11010519491231002X"
MASKED = "110***********002X"


def card_store(ctx: AppContext, clock: FakeClock) -> dict[str, int]:
    """Returns the members' ids (甲 A, 乙 B, 丙 C); the clock is left where it was."""
    now = clock.now()

    def at(*when: int) -> None:
        clock.set(cst(*when))

    def recharge(member_id: int, **more: object) -> pp.EntryView:
        data = pp.RechargeInput(member_id, "cash", **more)  # type: ignore[arg-type]
        return pp.recharge(ctx, data, confirmed=True)

    at(2026, 9, 1, 12)
    ids = {k: make_member(ctx, name).id for k, name in (("A", "甲"), ("B", "乙"), ("C", "丙"))}
    offer = pp.save_plan(ctx, pp.PlanInput("充1000送200", 100_000, 20_000))

    at(2026, 10, 5, 12)
    recharge(ids["A"], plan_id=offer.id)
    at(2026, 10, 8, 12)
    october_b = recharge(ids["B"], pay_cents=50_000)
    at(2026, 10, 10, 12)
    pp.spend(ctx, ids["A"], 30_000)
    at(2026, 10, 12, 12)
    wrong = pp.spend(ctx, ids["B"], 10_001)
    at(2026, 10, 12, 12, 5)
    pp.void(ctx, wrong.id, "按错了")
    at(2026, 10, 20, 12)
    recharge(ids["C"], pay_cents=30_000, bonus_cents=3_000)
    at(2026, 10, 31, 23, 50)
    pp.spend(ctx, ids["A"], 9_000)

    at(2026, 11, 1, 0, 30)
    pp.spend(ctx, ids["C"], 3_333)
    at(2026, 11, 1, 10)
    pp.void(ctx, october_b.id, "重复充值")
    at(2026, 11, 1, 11)
    recharge(ids["B"], pay_cents=20_000)
    at(2026, 11, 1, 12)
    pp.refund(ctx, ids["A"], "搬家")

    clock.set(now)
    pp.spend(ctx, ids["C"], 697)
    recharge(ids["B"], plan_id=offer.id, buyer_name="乙", buyer_id=ID_NUMBER)
    return ids
