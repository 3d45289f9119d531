"""The dashboard's stored-value figures over two periods of tests/unit/reporting/card_store.py,
each worked out by hand there: to the cent, the liability at each period's end, the ledger
lines behind each figure, two queries, and never a buyer's ID number in what is shown or
exported."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import event

from app import prepaid as pp
from app import reporting as dash
from app.core import store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.reporting import report
from tests.unit.reporting.card_store import ID_NUMBER, MASKED, card_store

OCTOBER = dash.Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def ids(ctx: AppContext, clock: FakeClock) -> dict[str, int]:
    return card_store(ctx, clock)


def november(ctx: AppContext) -> dash.Period:
    """This month as the dashboard opens on it: 1 Nov to the store's today (2 Nov at both
    clock times, though UTC says 1 Nov at 01:30)."""
    period = dash.Period.preset("this_month", store.today(ctx))
    assert period == dash.Period(date(2026, 11, 1), date(2026, 11, 2))
    return period


def test_october_to_the_cent(ctx: AppContext, ids: dict[str, int]) -> None:
    board = dash.compute(ctx, OCTOBER)
    assert board.cards == pp.PrepaidFigures(
        recharged_cents=180_000,
        bonus_given_cents=23_000,
        spent_principal_cents=32_500,  # the voided ¥100.01 nets out in the same month
        spent_bonus_cents=6_500,
        refunded_cents=0,
        forfeited_bonus_cents=0,
        liability_cents=164_000,  # 甲 81000 (after 23:50 on the 31st), 乙 50000, 丙 33000
        liability_principal_cents=147_500,
        cards=3,
    )
    assert board.card_spend_cents == 39_000
    assert board.card_bonus_rate == pytest.approx(23_000 / 180_000)


def test_november_to_the_cent(ctx: AppContext, ids: dict[str, int]) -> None:
    board = dash.compute(ctx, november(ctx))
    assert board.cards == pp.PrepaidFigures(
        # 乙's October ¥500 voided in November counts against November's recharges.
        recharged_cents=-50_000 + 20_000 + 100_000,
        bonus_given_cents=20_000,
        spent_principal_cents=3_030 + 634,  # 丙 at 00:30 on 1 Nov (still 31 Oct in UTC)
        spent_bonus_cents=303 + 63,
        refunded_cents=67_500,
        forfeited_bonus_cents=13_500,
        liability_cents=120_000 + 20_000 + 26_336 + 2_634,
        liability_principal_cents=146_336,
        cards=2,  # 甲's card was refunded and closed
    )
    # What is owed now, from the cards themselves, is the liability at the period's end.
    principal, bonus = pp.liability(ctx)
    assert (principal + bonus, principal) == (168_970, 146_336)


def test_liability_at_each_end_follows_the_ledger(ctx: AppContext, ids: dict[str, int]) -> None:
    """Owed at the end of each day = owed at the end of the day before + the day's money
    in - spent - refunded - bonus written off; adjustments aside, nothing else moves it."""
    days = [dash.Period(date(2026, 9, 30), date(2026, 9, 30))]
    days += [dash.Period(date(2026, 10, d), date(2026, 10, d)) for d in range(1, 32)]
    days += [dash.Period(date(2026, 11, d), date(2026, 11, d)) for d in (1, 2)]
    owed = 0
    for day in days:
        c = dash.compute(ctx, day).cards
        # The principal the refund wrote off is what was paid back here (pro rata).
        owed += c.recharged_cents + c.bonus_given_cents
        owed -= c.spent_principal_cents + c.spent_bonus_cents
        owed -= c.refunded_cents + c.forfeited_bonus_cents
        assert c.liability_cents == owed, day
    assert owed == 168_970
    ends = {
        date(2026, 10, 4): (0, 0),
        date(2026, 10, 10): (75_000 + 15_000 + 50_000, 1 + 1),
        date(2026, 10, 31): (164_000, 3),
        date(2026, 11, 1): (20_000 + 26_970 + 2_697, 2),
    }
    for end, (liability, cards) in ends.items():
        c = dash.compute(ctx, dash.Period(date(2026, 1, 1), end)).cards
        assert (c.liability_cents, c.cards) == (liability, cards), end


def test_two_queries(ctx: AppContext, ids: dict[str, int]) -> None:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        with ctx.uow() as uow:
            lo, hi = OCTOBER.bounds(store.zone_in(uow.session))
            seen.clear()
            pp.figures_in(uow.session, lo, hi)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)
    assert len(seen) == 2, seen


def _sum(drill: dash.Drill, column: str) -> int:
    i = drill.columns.index(column)
    return sum(int(r[i]) for r in drill.rows)


def _column(drill: dash.Drill, column: str) -> list[Any]:
    i = drill.columns.index(column)
    return [r[i] for r in drill.rows]


def test_october_drill_downs_match_the_figures(ctx: AppContext, ids: dict[str, int]) -> None:
    board = dash.compute(ctx, OCTOBER)
    c = board.cards
    recharges = dash.drill(ctx, "prepaid_recharge", OCTOBER)
    assert _column(recharges, "name") == ["丙", "乙", "甲"]  # newest first
    # 乙's was voided in November: it still counts in October, marked.
    assert _column(recharges, "entry") == ["recharge", "recharge.voided", "recharge"]
    assert _sum(recharges, "paid_in") == c.recharged_cents
    assert _sum(recharges, "bonus_change") == c.bonus_given_cents
    assert recharges.member_ids == [ids["C"], ids["B"], ids["A"]]
    bonus = dash.drill(ctx, "prepaid_recharge", OCTOBER, "bonus")
    assert _column(bonus, "name") == ["丙", "甲"]
    assert _sum(bonus, "bonus_change") == c.bonus_given_cents
    spends = dash.drill(ctx, "prepaid_spend", OCTOBER)
    assert _column(spends, "entry") == ["spend", "void", "spend.voided", "spend"]
    assert -_sum(spends, "principal_change") == c.spent_principal_cents
    assert -_sum(spends, "bonus_change") == c.spent_bonus_cents
    first = spends.rows[0]  # 甲 at 23:50 on 31 Oct
    assert first[1:3] == (_member_no(ctx, ids["A"]), "甲")
    assert _column(spends, "principal_after")[0] == 67_500
    assert _column(spends, "bonus_after")[0] == 13_500
    assert _column(spends, "staff")[0] == ctx.actor
    assert dash.drill(ctx, "prepaid_refund", OCTOBER).rows == []
    cards = dash.drill(ctx, "prepaid_cards", OCTOBER)
    assert [(r[1], r[2], r[3], r[4]) for r in cards.rows] == [
        ("甲", 67_500, 13_500, 81_000),
        ("乙", 50_000, 0, 50_000),
        ("丙", 30_000, 3_000, 33_000),
    ]
    assert _sum(cards, "balance") == c.liability_cents
    assert _sum(cards, "principal") == c.liability_principal_cents
    assert len(cards.rows) == c.cards
    assert cards.member_ids == [ids["A"], ids["B"], ids["C"]]


def test_november_drill_downs_match_the_figures(ctx: AppContext, ids: dict[str, int]) -> None:
    period = november(ctx)
    c = dash.compute(ctx, period).cards
    recharges = dash.drill(ctx, "prepaid_recharge", period)
    assert _column(recharges, "entry") == ["recharge", "recharge", "void"]
    assert _column(recharges, "paid_in") == [100_000, 20_000, -50_000]
    assert _sum(recharges, "paid_in") == c.recharged_cents
    assert _sum(recharges, "bonus_change") == c.bonus_given_cents
    spends = dash.drill(ctx, "prepaid_spend", period)
    assert _column(spends, "name") == ["丙", "丙"]
    assert -_sum(spends, "principal_change") == c.spent_principal_cents
    assert -_sum(spends, "bonus_change") == c.spent_bonus_cents
    refunds = dash.drill(ctx, "prepaid_refund", period)
    assert refunds.columns[4:7] == ("paid_back", "principal_change", "bonus_change")
    assert [r[1:9] for r in refunds.rows] == [
        (_member_no(ctx, ids["A"]), "甲", "refund", 67_500, -67_500, -13_500, 0, 0)
    ]
    assert _sum(refunds, "paid_back") == c.refunded_cents
    assert -_sum(refunds, "bonus_change") == c.forfeited_bonus_cents
    assert _column(refunds, "note") == ["搬家"]
    cards = dash.drill(ctx, "prepaid_cards", period)
    assert [(r[1], r[4]) for r in cards.rows] == [("乙", 140_000), ("丙", 28_970)]
    assert _sum(cards, "balance") == c.liability_cents and len(cards.rows) == c.cards


def _member_no(ctx: AppContext, member_id: int) -> str:
    from app.members import get_profile

    return get_profile(ctx, member_id).member_no


def test_no_id_number_in_a_drill_nor_an_export(
    ctx: AppContext, ids: dict[str, int], tmp_path: Path
) -> None:
    period = dash.Period(date(2026, 10, 1), store.today(ctx))
    seen: list[str] = []
    for kind in ("prepaid_recharge", "prepaid_spend", "prepaid_refund", "prepaid_cards"):
        drill = dash.drill(ctx, kind, period)
        assert drill.rows
        rows = [[str(v) for v in r] for r in drill.rows]
        table = report.write_table(tmp_path / f"{kind}.csv", list(drill.columns), rows)
        seen.append(table.read_text(encoding="utf-8-sig"))
    board = dash.compute(ctx, period)
    seen.append(report.write_csv(board, tmp_path / "r.csv").read_text(encoding="utf-8-sig"))
    pdf = report.write_pdf(ctx, board, tmp_path / "r.pdf")
    seen.append("".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert pp.entries(ctx, ids["B"])[0].buyer_id_masked == MASKED  # it is in the ledger
    for text in seen:
        assert ID_NUMBER not in text and MASKED not in text and "002X" not in text


def test_report_has_the_card_figures(ctx: AppContext, ids: dict[str, int], tmp_path: Path) -> None:
    board = dash.compute(ctx, OCTOBER)
    rows = list(
        csv.reader(
            report.write_csv(board, tmp_path / "r.csv", lang="zh_CN")
            .read_text(encoding="utf-8-sig")
            .splitlines()
        )
    )
    at = rows.index(["储值卡"])
    assert rows[at + 1] == ["项目", "金额"]
    block = dict(tuple(r) for r in rows[at + 2 : at + 12])
    assert block == {
        "储值充值（实收）（元）": "1800.00",
        "赠送（元）": "230.00",
        "储值消费（元）": "390.00",
        "储值消费：本金（元）": "325.00",
        "储值消费：赠送（元）": "65.00",
        "退卡退款（元）": "0.00",
        "退卡作废赠送（元）": "0.00",
        "储值余额（负债，期末）（元）": "1640.00",
        "储值余额：本金（元）": "1475.00",
        "有余额的卡（张）": "3",
    }
    text = "".join(
        p.extract_text() for p in PdfReader(report.write_pdf(ctx, board, tmp_path / "r.pdf")).pages
    )
    for words in ("储值卡", "储值充值（实收）", "¥1,800.00", "储值余额（负债，期末）", "¥1,640.00"):
        assert words in text
    english = report.card_rows(board, "en")
    assert ("Owed on cards at the end (liability)", "¥1,640.00") in english
    assert ("Cards holding a balance", "3") in english
