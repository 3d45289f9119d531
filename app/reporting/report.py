"""The period report: the dashboard on paper (ReportLab PDF with charts) and as CSV.

Words come from TEXT by language, like the coupons' (app/ does not use Qt's translator)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.core import settings
from app.core.context import AppContext
from app.core.money import format_cents, format_rate
from app.core.store import name as store_name_of
from app.core.store import zone as store_zone
from app.coupons.pdf import register_font
from app.members.csvio import neutralise_cell
from app.reporting.dashboard import TIER_COLOURS, Dashboard, target_met

GOOD, BAD = colors.HexColor("#2e7d32"), colors.HexColor("#c62828")

TEXT: dict[str, dict[str, str]] = {
    "zh_CN": {
        "title": "经营报表",
        "period": "统计期间：{start} 至 {end}",
        "made": "生成时间：{at}",
        "kpi": "指标",
        "actual": "实际",
        "target": "目标",
        "met": "达标",
        "missed": "未达标",
        "satisfaction": "满意度（4-5 分占比）",
        "on_time": "投诉时效达成率",
        "retention": "回头客按期回访率",
        "redemption": "优惠券核销率",
        "revenue": "营业额",
        "visits": "到店次数",
        "average": "客单价",
        "new_members": "新会员",
        "complaints": "投诉数",
        "surveys": "满意度调查",
        "months": "月度营业额（元）",
        "tiers": "各等级营业额占比",
        "stages": "各环节时效达成率（%）",
        "categories": "投诉类别",
        "channels": "投诉渠道",
        "campaigns": "活动核销",
        "campaign": "活动",
        "issued": "发放",
        "redeemed": "核销",
        "rate": "核销率",
        "single": "单张发放",
        "tier": "等级",
        "share": "占比",
        "month": "月份",
        "none": "本期无数据",
        "page": "第 {n} 页",
        "cards": "储值卡",
        "item": "项目",
        "amount": "金额",
        "recharged": "储值充值（实收）",
        "bonus_given": "赠送",
        "card_spend": "储值消费",
        "card_spend_principal": "储值消费：本金",
        "card_spend_bonus": "储值消费：赠送",
        "refunded": "退卡退款",
        "forfeited": "退卡作废赠送",
        "liability": "储值余额（负债，期末）",
        "liability_principal": "储值余额：本金",
        "cards_held": "有余额的卡（张）",
    },
    "zh_TW": {
        "title": "經營報表",
        "period": "統計期間：{start} 至 {end}",
        "made": "產生時間：{at}",
        "kpi": "指標",
        "actual": "實際",
        "target": "目標",
        "met": "達標",
        "missed": "未達標",
        "satisfaction": "滿意度（4-5 分佔比）",
        "on_time": "投訴時效達成率",
        "retention": "回頭客按期回訪率",
        "redemption": "優惠券核銷率",
        "revenue": "營業額",
        "visits": "到店次數",
        "average": "客單價",
        "new_members": "新會員",
        "complaints": "投訴數",
        "surveys": "滿意度調查",
        "months": "月度營業額（元）",
        "tiers": "各等級營業額佔比",
        "stages": "各環節時效達成率（%）",
        "categories": "投訴類別",
        "channels": "投訴管道",
        "campaigns": "活動核銷",
        "campaign": "活動",
        "issued": "發放",
        "redeemed": "核銷",
        "rate": "核銷率",
        "single": "單張發放",
        "tier": "等級",
        "share": "佔比",
        "month": "月份",
        "none": "本期無資料",
        "page": "第 {n} 頁",
        "cards": "儲值卡",
        "item": "項目",
        "amount": "金額",
        "recharged": "儲值充值（實收）",
        "bonus_given": "贈送",
        "card_spend": "儲值消費",
        "card_spend_principal": "儲值消費：本金",
        "card_spend_bonus": "儲值消費：贈送",
        "refunded": "退卡退款",
        "forfeited": "退卡作廢贈送",
        "liability": "儲值餘額（負債，期末）",
        "liability_principal": "儲值餘額：本金",
        "cards_held": "有餘額的卡（張）",
    },
    "en": {
        "title": "Store report",
        "period": "Period: {start} to {end}",
        "made": "Made: {at}",
        "kpi": "Figure",
        "actual": "Actual",
        "target": "Target",
        "met": "met",
        "missed": "missed",
        "satisfaction": "Satisfaction (scores 4-5)",
        "on_time": "Complaints handled on time",
        "retention": "Guests back within their usual interval",
        "redemption": "Coupon redemption",
        "revenue": "Revenue",
        "visits": "Visits",
        "average": "Average bill",
        "new_members": "New members",
        "complaints": "Complaints",
        "surveys": "Surveys",
        "months": "Revenue by month (¥)",
        "tiers": "Revenue share by tier",
        "stages": "On time by stage (%)",
        "categories": "Complaints by category",
        "channels": "Complaints by channel",
        "campaigns": "Redemption by campaign",
        "campaign": "Campaign",
        "issued": "Issued",
        "redeemed": "Redeemed",
        "rate": "Rate",
        "single": "Single coupons",
        "tier": "Tier",
        "share": "Share",
        "month": "Month",
        "none": "No data in this period",
        "page": "Page {n}",
        "cards": "Stored-value cards",
        "item": "Item",
        "amount": "Amount",
        "recharged": "Recharged (paid in)",
        "bonus_given": "Bonus given",
        "card_spend": "Spent from cards",
        "card_spend_principal": "Spent: principal",
        "card_spend_bonus": "Spent: bonus",
        "refunded": "Refunded (paid back)",
        "forfeited": "Bonus written off at refunds",
        "liability": "Owed on cards at the end (liability)",
        "liability_principal": "Owed: principal",
        "cards_held": "Cards holding a balance",
    },
}

# Codes shown in the report (categories, channels, stages), by language.
CODES: dict[str, dict[str, str]] = {
    "zh_CN": {
        "service": "服务",
        "hygiene": "卫生",
        "food": "餐饮/商品",
        "price": "价格",
        "facilities": "设施/设备",
        "booking": "预约",
        "other": "其他",
        "counter": "前台",
        "phone": "电话",
        "online": "线上/微信",
        "review": "点评网站",
        "response": "首次响应",
        "solution": "现场解决",
        "investigation": "调查",
        "answer": "最终答复",
    },
    "zh_TW": {
        "service": "服務",
        "hygiene": "衛生",
        "food": "餐飲/商品",
        "price": "價格",
        "facilities": "設施/設備",
        "booking": "預約",
        "other": "其他",
        "counter": "櫃檯",
        "phone": "電話",
        "online": "線上/LINE",
        "review": "評論網站",
        "response": "首次回應",
        "solution": "現場解決",
        "investigation": "調查",
        "answer": "最終答覆",
    },
    "en": {
        "service": "Service",
        "hygiene": "Hygiene",
        "food": "Food / product",
        "price": "Price",
        "facilities": "Facilities",
        "booking": "Booking",
        "other": "Other",
        "counter": "Counter",
        "phone": "Phone",
        "online": "Online",
        "review": "Review site",
        "response": "First response",
        "solution": "Solution",
        "investigation": "Investigation",
        "answer": "Final answer",
    },
}


def kpi_rows(board: Dashboard, lang: str = "zh_CN") -> list[tuple[str, str, str, str]]:
    """(figure, actual, target, met/missed) — the table at the top of the report."""
    t = TEXT.get(lang, TEXT["zh_CN"])
    tg = board.targets

    def rate(key: str, value: float | None, target: int) -> tuple[str, str, str, str]:
        met = target_met(value, target)
        verdict = "" if met is None else t["met"] if met else t["missed"]
        return (t[key], format_rate(value), f"{target}%", verdict)

    return [
        rate("satisfaction", board.satisfaction_rate, tg.satisfaction_pct),
        rate("on_time", board.on_time_rate, tg.on_time_pct),
        rate("retention", board.retention_rate, tg.retention_pct),
        rate("redemption", board.redemption_rate, tg.redemption_pct),
        (t["revenue"], format_cents(board.revenue_cents), "", ""),
        (t["visits"], f"{board.visits:,}", "", ""),
        (t["average"], format_cents(board.average_bill_cents), "", ""),
        (t["new_members"], f"{board.new_members:,}", "", ""),
        (t["complaints"], f"{board.complaints:,}", "", ""),
        (t["surveys"], f"{board.surveys:,}", "", ""),
    ]


def card_figures(board: Dashboard) -> list[tuple[str, int, bool]]:
    """(text key, value, money?) of the stored-value block, in the order shown."""
    c = board.cards
    return [
        ("recharged", c.recharged_cents, True),
        ("bonus_given", c.bonus_given_cents, True),
        ("card_spend", board.card_spend_cents, True),
        ("card_spend_principal", c.spent_principal_cents, True),
        ("card_spend_bonus", c.spent_bonus_cents, True),
        ("refunded", c.refunded_cents, True),
        ("forfeited", c.forfeited_bonus_cents, True),
        ("liability", c.liability_cents, True),
        ("liability_principal", c.liability_principal_cents, True),
        ("cards_held", c.cards, False),
    ]


def card_rows(board: Dashboard, lang: str = "zh_CN") -> list[tuple[str, str]]:
    """(item, amount) — the stored-value table of the report."""
    t = TEXT.get(lang, TEXT["zh_CN"])
    return [
        (t[key], format_cents(value) if money else f"{value:,}")
        for key, value, money in card_figures(board)
    ]


# --- CSV ---------------------------------------------------------------------------------------


# Words the CSV needs beyond the PDF's.
CSV_TEXT = {
    "zh_CN": {
        "stage": "环节",
        "on_time_n": "按时",
        "decided": "已到期",
        "count": "件数",
        "category": "类别",
        "channel": "渠道",
        "yuan": "（元）",
    },
    "zh_TW": {
        "stage": "環節",
        "on_time_n": "按時",
        "decided": "已到期",
        "count": "件數",
        "category": "類別",
        "channel": "管道",
        "yuan": "（元）",
    },
    "en": {
        "stage": "Stage",
        "on_time_n": "On time",
        "decided": "Due",
        "count": "Complaints",
        "category": "Category",
        "channel": "Channel",
        "yuan": " (¥)",
    },
}


def _yuan(cents: int) -> str:
    """Money as a plain number of yuan (1234.50): one form everywhere, summable in Excel."""
    return f"{cents / 100:.2f}"


def write_csv(board: Dashboard, path: Path | str, lang: str = "zh_CN") -> Path:
    """One file for Excel (UTF-8 with BOM): each block under its own title, with a header
    row, in the report's language; money as plain yuan, counts as numbers, rates as
    percentages. Written to a temporary name, then moved into place."""
    t = {**TEXT.get(lang, TEXT["zh_CN"]), **CSV_TEXT.get(lang, CSV_TEXT["zh_CN"])}
    codes = CODES.get(lang, CODES["zh_CN"])
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    p = board.period
    tg = board.targets

    def verdict(value: float | None, goal: int) -> str:
        met = target_met(value, goal)
        return "" if met is None else t["met"] if met else t["missed"]

    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = _SafeWriter(f)

        def block(title: str, header: list[str], rows: list[list[Any]]) -> None:
            w.writerow([title])
            w.writerow(header)
            for row in rows:
                w.writerow(row)
            w.writerow([])

        w.writerow([t["title"], t["period"].format(start=p.start, end=p.end)])
        w.writerow([])
        rates = [
            ("satisfaction", board.satisfaction_rate, tg.satisfaction_pct),
            ("on_time", board.on_time_rate, tg.on_time_pct),
            ("retention", board.retention_rate, tg.retention_pct),
            ("redemption", board.redemption_rate, tg.redemption_pct),
        ]
        block(
            t["kpi"],
            [t["kpi"], t["actual"], t["target"], ""],
            [[t[k], format_rate(v), f"{goal}%", verdict(v, goal)] for k, v, goal in rates]
            + [
                [t["revenue"] + t["yuan"], _yuan(board.revenue_cents), "", ""],
                [t["visits"], board.visits, "", ""],
                [t["average"] + t["yuan"], _yuan(board.average_bill_cents), "", ""],
                [t["new_members"], board.new_members, "", ""],
                [t["complaints"], board.complaints, "", ""],
                [t["surveys"], board.surveys, "", ""],
            ],
        )
        block(
            t["cards"],
            [t["item"], t["amount"]],
            [
                [t[key] + (t["yuan"] if money else ""), _yuan(value) if money else value]
                for key, value, money in card_figures(board)
            ],
        )
        block(
            t["months"],
            [t["month"], t["revenue"] + t["yuan"], t["visits"], t["new_members"], t["surveys"]],
            [
                [m.month, _yuan(m.revenue_cents), m.visits, m.new_members, m.surveys]
                for m in board.months
            ],
        )
        block(
            t["tiers"],
            [t["tier"], t["revenue"] + t["yuan"], t["visits"], t["share"]],
            [
                [tier.name, _yuan(tier.revenue_cents), tier.visits, format_rate(tier.share)]
                for tier in board.by_tier
            ],
        )
        for title, column, counts in (
            (t["categories"], t["category"], board.by_category),
            (t["channels"], t["channel"], board.by_channel),
        ):
            block(
                title,
                [column, t["count"]],
                [[codes.get(k, k), n] for k, n in sorted(counts.items(), key=lambda kv: -kv[1])],
            )
        block(
            t["stages"],
            [t["stage"], t["on_time_n"], t["decided"], t["on_time"]],
            [
                [codes.get(s.stage, s.stage), s.on_time, s.decided, format_rate(s.rate)]
                for s in board.stages
            ],
        )
        block(
            t["campaigns"],
            [t["campaign"], t["issued"], t["redeemed"], t["rate"]],
            [
                [c.name or t["single"], c.issued, c.redeemed, format_rate(c.rate)]
                for c in board.campaigns
            ],
        )
    os.replace(tmp, target)
    return target


class _SafeWriter:
    """csv.writer whose text cells cannot start a spreadsheet formula (a campaign named
    "=HYPERLINK(…)" stays text in Excel)."""

    def __init__(self, f: Any) -> None:
        self._w = csv.writer(f)

    def writerow(self, row: list[Any]) -> None:
        self._w.writerow([neutralise_cell(c) if isinstance(c, str) else c for c in row])


def write_table(path: Path | str, headers: list[str], rows: list[list[str]]) -> Path:
    """Any list the dashboard shows (a drill-down), as CSV for Excel: UTF-8 with BOM,
    formulas neutralised, written whole or not at all."""
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = _SafeWriter(f)
        w.writerow(headers)
        for row in rows:
            w.writerow(row)
    os.replace(tmp, target)
    return target


# --- PDF ---------------------------------------------------------------------------------------


def _bar_chart(
    title: str,
    labels: list[str],
    values: list[float],
    colour: str,
    font: str,
    percent: bool = False,
) -> Drawing:
    width, height = 170 * mm, 62 * mm
    d = Drawing(width, height)
    d.add(String(0, height - 10, title, fontName=font, fontSize=10))
    if not values:
        return d
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 12 * mm
    chart.width, chart.height = width - 20 * mm, height - 28 * mm
    chart.data = [values]
    chart.bars[0].fillColor = colors.HexColor(colour)
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    top = max(values) if values else 0
    chart.valueAxis.valueMax = 100 if percent else max(top * 1.15, 1)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7 if len(labels) <= 12 else 6
    chart.barLabelFormat = "%.0f%%" if percent else "%.0f"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 6
    d.add(chart)
    return d


def _pie(
    title: str, labels: list[str], values: list[float], font: str, fills: list[str]
) -> Drawing:
    width, height = 170 * mm, 62 * mm
    d = Drawing(width, height)
    d.add(String(0, height - 10, title, fontName=font, fontSize=10))
    if not any(values):
        return d
    pie = Pie()
    pie.x, pie.y = 50 * mm, 4 * mm
    pie.width = pie.height = 46 * mm
    pie.data = values
    pie.labels = labels
    pie.sideLabels = True
    pie.slices.fontName = font
    pie.slices.fontSize = 8
    pie.slices.strokeColor = colors.white
    for i in range(len(values)):
        pie.slices[i].fillColor = colors.HexColor(fills[i])
    d.add(pie)
    return d


def _campaign_chart(board: Dashboard, t: dict[str, str], font: str) -> Drawing:
    rows = board.campaigns[:10]
    width, height = 170 * mm, max(30 * mm, (14 + 7 * len(rows)) * mm)
    d = Drawing(width, height)
    d.add(String(0, height - 10, t["campaigns"], fontName=font, fontSize=10))
    if not rows:
        return d
    chart = HorizontalBarChart()
    chart.x, chart.y = 55 * mm, 8 * mm
    chart.width, chart.height = width - 70 * mm, height - 22 * mm
    chart.data = [[round((c.rate or 0) * 100, 1) for c in reversed(rows)]]
    chart.bars[0].fillColor = colors.HexColor("#6a1b9a")
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [
        f"{c.name or t['single']} ({c.redeemed}/{c.issued})" for c in reversed(rows)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.barLabelFormat = "%.0f%%"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 8
    d.add(chart)
    return d


def write_pdf(
    ctx: AppContext,
    board: Dashboard,
    path: Path | str,
    lang: str = "zh_CN",
    store: str | None = None,
) -> Path:
    """A4 report: store name and logo, the period, the KPI table (targets beside actuals,
    met or missed), then the charts. Written to a temporary name, then moved into place."""
    font = register_font()
    t = TEXT.get(lang, TEXT["zh_CN"])
    codes = CODES.get(lang, CODES["zh_CN"])
    store = store if store is not None else store_name_of(ctx)
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=24)
    p = board.period
    made = ctx.clock.now().astimezone(store_zone(ctx)).strftime("%Y-%m-%d %H:%M")
    story: list[object] = []
    logo = settings.logo_path(ctx)
    heading = [Paragraph(_esc(store or ""), title_style), Paragraph(t["title"], body)]
    if logo is not None:
        img = Image(str(logo))
        scale = min(18 * mm / img.imageHeight, 40 * mm / img.imageWidth)
        img.drawHeight, img.drawWidth = img.imageHeight * scale, img.imageWidth * scale
        story.append(Table([[img, heading]], colWidths=[45 * mm, 125 * mm]))
    else:
        story.extend(heading)
    story.append(Paragraph(t["period"].format(start=p.start, end=p.end), body))
    story.append(Paragraph(t["made"].format(at=made), body))
    story.append(Spacer(1, 4 * mm))

    rows = [[t["kpi"], t["actual"], t["target"], ""], *[list(r) for r in kpi_rows(board, lang)]]
    table = Table(rows, colWidths=[80 * mm, 35 * mm, 25 * mm, 30 * mm])
    grid = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b0bec5")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ]
    style = list(grid)
    for i, row in enumerate(rows[1:], start=1):
        if row[3]:
            style.append(("TEXTCOLOR", (3, i), (3, i), GOOD if row[3] == t["met"] else BAD))
    table.setStyle(TableStyle(style))
    story.append(table)
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(t["cards"], body))
    cards = Table(
        [[t["item"], t["amount"]], *[list(r) for r in card_rows(board, lang)]],
        colWidths=[80 * mm, 35 * mm],
        hAlign="LEFT",
    )
    cards.setStyle(TableStyle(grid))
    story.append(cards)
    story.append(Spacer(1, 5 * mm))

    story.append(
        _bar_chart(
            t["months"],
            [m.month[2:] for m in board.months],
            [m.revenue_cents / 100 for m in board.months],
            "#1565c0",
            font,
        )
    )
    # Each tier keeps its own colour (its place among all tiers, as on the dashboard),
    # whichever tiers had revenue in the period.
    shown = [(n, x) for n, x in enumerate(board.by_tier) if x.revenue_cents > 0]
    story.append(
        _pie(
            t["tiers"],
            [f"{x.name} {format_rate(x.share)}" for _, x in shown],
            [x.revenue_cents / 100 for _, x in shown],
            font,
            [TIER_COLOURS[n % len(TIER_COLOURS)] for n, _ in shown],
        )
    )
    decided = [s for s in board.stages if s.decided]
    story.append(
        _bar_chart(
            t["stages"],
            [codes.get(s.stage, s.stage) for s in decided],
            [round((s.rate or 0) * 100, 1) for s in decided],
            "#00897b",
            font,
            percent=True,
        )
    )
    for key, counts in (("categories", board.by_category), ("channels", board.by_channel)):
        keys = sorted(counts, key=lambda k, c=counts: -c[k])  # type: ignore[misc]
        story.append(
            _bar_chart(
                t[key],
                [codes.get(k, k) for k in keys],
                [float(counts[k]) for k in keys],
                "#ef6c00",
                font,
            )
        )
    story.append(_campaign_chart(board, t, font))

    def footer(canvas: object, doc: object) -> None:
        canvas.setFont(font, 8)  # type: ignore[attr-defined]
        canvas.drawRightString(  # type: ignore[attr-defined]
            A4[0] - 20 * mm,
            10 * mm,
            t["page"].format(n=doc.page),  # type: ignore[attr-defined]
        )

    doc = SimpleDocTemplate(
        str(tmp),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{store} {t['title']} {p.start}–{p.end}",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    os.replace(tmp, target)
    return target


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
