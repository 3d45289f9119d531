"""A stored-value card receipt as PDF (ReportLab): the coupon layouts (A4, A6, 58 mm and
80 mm receipts), the bundled CJK font, the store's name and logo. Loads ReportLab: the
screen imports it when it prints, not at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app import members
from app.core import settings, store
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.core.money import format_cents
from app.coupons.pdf import FONT, SPECS, register_font
from app.prepaid.rules import EntryView
from app.prepaid.service import entry as entry_of
from app.prepaid.service import list_plans

TEXT = {
    "zh_CN": {
        "title": "储值卡凭证",
        "recharge": "充值",
        "spend": "消费",
        "refund": "退款",
        "void": "冲正",
        "adjust": "调整",
        "member": "会员",
        "time": "时间",
        "kind": "类型",
        "paid": "实付金额",
        "bonus": "赠送金额",
        "from_card": "卡内扣款",
        "refunded": "退还金额",
        "change": "变动",
        "method": "支付方式",
        "balance": "余额",
        "split": "本金 {principal} + 赠送 {bonus}",
        "staff": "经办人",
        "entry": "单号",
        "keep": "请妥善保管本凭证",
        "cash": "现金",
        "wechat": "微信",
        "alipay": "支付宝",
        "card": "银行卡",
    },
    "zh_TW": {
        "title": "儲值卡憑證",
        "recharge": "儲值",
        "spend": "消費",
        "refund": "退款",
        "void": "沖正",
        "adjust": "調整",
        "member": "會員",
        "time": "時間",
        "kind": "類型",
        "paid": "實付金額",
        "bonus": "贈送金額",
        "from_card": "卡內扣款",
        "refunded": "退還金額",
        "change": "變動",
        "method": "付款方式",
        "balance": "餘額",
        "split": "本金 {principal} + 贈送 {bonus}",
        "staff": "經辦人",
        "entry": "單號",
        "keep": "請妥善保管本憑證",
        "cash": "現金",
        "wechat": "微信",
        "alipay": "支付寶",
        "card": "銀行卡",
    },
    "en": {
        "title": "Stored-value card receipt",
        "recharge": "Recharge",
        "spend": "Payment",
        "refund": "Refund",
        "void": "Void",
        "adjust": "Adjustment",
        "member": "Member",
        "time": "Time",
        "kind": "Kind",
        "paid": "Amount paid",
        "bonus": "Bonus",
        "from_card": "From the card",
        "refunded": "Paid back",
        "change": "Change",
        "method": "Paid by",
        "balance": "Balance",
        "split": "paid {principal} + bonus {bonus}",
        "staff": "Staff",
        "entry": "Entry no.",
        "keep": "Please keep this receipt",
        "cash": "Cash",
        "wechat": "WeChat",
        "alipay": "Alipay",
        "card": "Bank card",
    },
}


@dataclass(frozen=True)
class Receipt:
    """What a receipt says, gathered (render needs no database)."""

    store: str
    member_name: str
    member_no: str
    entry: EntryView
    plan_name: str = ""


def lines(r: Receipt, zone: tzinfo, lang: str = "zh_CN") -> list[tuple[str, str]]:
    """(label, value) lines under the title, in the store's language."""
    t = TEXT.get(lang, TEXT["zh_CN"])
    e = r.entry
    at = e.at if e.at.tzinfo is not None else e.at.replace(tzinfo=UTC)
    kind = t.get(e.kind, e.kind)
    if r.plan_name:
        kind = f"{kind} · {r.plan_name}"
    out = [
        (t["member"], f"{r.member_name} ({r.member_no})"),
        (t["time"], at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
        (t["kind"], kind),
    ]
    if e.kind == "recharge":
        out.append((t["paid"], format_cents(e.cash_cents)))
        out.append((t["bonus"], format_cents(e.bonus_cents)))
    elif e.kind == "spend":
        out.append((t["from_card"], format_cents(-e.amount_cents)))
    elif e.kind == "refund":
        out.append((t["refunded"], format_cents(e.cash_cents)))
    else:
        out.append((t["change"], _signed(e.amount_cents)))
    if e.method and e.kind in ("recharge", "refund", "void") and e.cash_cents:
        out.append((t["method"], t.get(e.method, e.method)))
    out.append((t["balance"], format_cents(e.principal_after + e.bonus_after)))
    split = t["split"].format(
        principal=format_cents(e.principal_after), bonus=format_cents(e.bonus_after)
    )
    out.append(("", split))
    out.append((t["staff"], e.staff))
    out.append((t["entry"], f"{e.id:06d}"))
    return out


def _signed(cents: int) -> str:
    return ("+" if cents > 0 else "−" if cents < 0 else "") + format_cents(abs(cents))


def _wrap(text: str, size: float, width: float) -> list[str]:
    """The text in lines no wider than width: broken at a space when the line has one (an
    amount stays whole), else between characters (Chinese has no spaces to break at)."""
    out: list[str] = []
    line = ""
    for ch in text:
        if line and stringWidth(line + ch, FONT, size) > width:
            head, space, tail = line.rpartition(" ")
            if space and head.strip():
                out.append(head)
                line = tail + ch
            else:
                out.append(line)
                line = ch.lstrip()
        else:
            line += ch
    return [*out, line] if line or not out else out


def render(
    r: Receipt,
    layout: str,
    path: Path | str,
    zone: tzinfo,
    lang: str = "zh_CN",
    logo: Path | str | None = None,
) -> Path:
    """Writes the receipt to one PDF at path (whole or not at all)."""
    if layout not in SPECS:
        raise ValidationError("pdf.layout", field="layout")
    register_font()
    spec = SPECS[layout]
    t = TEXT.get(lang, TEXT["zh_CN"])
    receipt_paper = spec.page is None
    width = spec.width if layout != "a4" else 110 * mm
    pad = 3 * mm if receipt_paper else 8 * mm
    inner = width - 2 * pad
    size = 8.5 if layout == "receipt58" else 10.0
    title_size = 12.0 if layout == "receipt58" else 15.0
    step = size + 4
    shown = lines(r, zone, lang)
    label_width = min(max(stringWidth(label + "：", FONT, size) for label, _ in shown), inner / 2)
    body = [(label, _wrap(value, size, inner - label_width)) for label, value in shown]
    picture = ImageReader(str(logo)) if logo is not None else None
    head = 10 * mm if picture is not None else 6 * mm
    height_needed = (
        pad + head + title_size + 8 + sum(len(v) for _, v in body) * step + 8 + step + pad
    )
    page = spec.page or (spec.width, height_needed)
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    canvas = Canvas(str(tmp), pagesize=page, pageCompression=1)
    canvas.setTitle(f"{r.store} {t['title']} {r.entry.id:06d}")
    x = (page[0] - width) / 2
    top = page[1] - pad
    name_x = x + pad
    if picture is not None:
        lw, lh = picture.getSize()
        logo_h = 8 * mm
        logo_w = min(logo_h * lw / lh, inner / 3)
        canvas.drawImage(picture, x + pad, top - logo_h, logo_w, logo_h, mask="auto")
        name_x += logo_w + 2 * mm
    room = x + width - pad - name_x
    store_size = 11.0
    while store_size > 7 and stringWidth(r.store, FONT, store_size) > room:
        store_size -= 0.5
    canvas.setFont(FONT, store_size)
    canvas.drawString(name_x, top - head + 4, _wrap(r.store, store_size, room)[0])
    cursor = top - head - title_size
    canvas.setFont(FONT, title_size)
    canvas.drawCentredString(x + width / 2, cursor, t["title"])
    cursor -= 8
    canvas.setLineWidth(0.5)
    canvas.line(x + pad, cursor, x + width - pad, cursor)
    canvas.setFont(FONT, size)
    for label, values in body:
        for i, value in enumerate(values):
            cursor -= step
            if i == 0 and label:
                canvas.drawString(x + pad, cursor, label + "：")
            canvas.drawString(x + pad + label_width, cursor, value)
    cursor -= 8
    canvas.line(x + pad, cursor, x + width - pad, cursor)
    cursor -= step
    canvas.drawCentredString(x + width / 2, cursor, t["keep"])
    canvas.save()
    os.replace(tmp, target)
    return target


def write(ctx: AppContext, entry_id: int, layout: str | None = None) -> Path:
    """The receipt of one ledger entry, in the data folder's receipts/ (the store's
    language, name, logo and time zone; the coupon layout unless another is given)."""
    e = entry_of(ctx, entry_id)
    member = members.get_profile(ctx, e.member_id)
    plan_name = ""
    if e.plan_id is not None:
        plan_name = next((p.name for p in list_plans(ctx) if p.id == e.plan_id), "")
    chosen = settings.load(ctx)
    folder = settings.output_dir(ctx, "receipts")
    return render(
        Receipt(store.name(ctx), member.name, member.member_no, e, plan_name),
        layout or chosen.coupon_layout,
        folder / f"card-{e.id:06d}.pdf",
        store.zone(ctx),
        chosen.language,
        settings.logo_path(ctx),
    )
