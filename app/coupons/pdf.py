"""Coupons as PDF: an A4 sheet, an A6 card, 58 mm and 80 mm receipts (ReportLab)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.core.codes import display
from app.core.errors import ValidationError
from app.core.money import format_cents
from app.core.paths import resources_dir
from app.coupons.rules import CouponView

FONT = "FrontdeskCJK"
LAYOUTS = ("a4", "a6", "receipt58", "receipt80")
Progress = Callable[[int, int], None]

TEXT = {
    "zh_CN": {
        "amount": "{value} 代金券",
        "percent": "{value} 折券",
        "item": "免费：{item}",
        "min": "满 {min} 可用",
        "no_min": "无门槛",
        "valid": "有效期 {start} 至 {end}",
        "member": "会员：{name}",
        "bearer": "不记名，凭券使用",
        "once": "每券限用一次，不找零",
    },
    "zh_TW": {
        "amount": "{value} 抵用券",
        "percent": "{value} 折券",
        "item": "免費：{item}",
        "min": "滿 {min} 可用",
        "no_min": "無門檻",
        "valid": "有效期 {start} 至 {end}",
        "member": "會員：{name}",
        "bearer": "不記名，憑券使用",
        "once": "每券限用一次，不找零",
    },
    "en": {
        "amount": "{value} off",
        "percent": "{value}% off",
        "item": "Free: {item}",
        "min": "On bills of {min} or more",
        "no_min": "No minimum spend",
        "valid": "Valid {start} to {end}",
        "member": "For {name}",
        "bearer": "Bearer coupon",
        "once": "One use only; no change given",
    },
}


@dataclass(frozen=True)
class Layout:
    page: tuple[float, float] | None  # None: receipt, page height fits the coupon
    width: float  # of one coupon
    height: float
    columns: int = 1
    rows: int = 1
    margin: float = 0.0
    qr: float = 24 * mm
    title_size: float = 20


SPECS = {
    "a4": Layout(A4, 95 * mm, 66 * mm, columns=2, rows=4, margin=10 * mm, qr=26 * mm),
    "a6": Layout(A6, A6[0], A6[1], qr=52 * mm, title_size=28),
    # Receipts: 48 mm / 72 mm printable on 58 / 80 mm paper; short, to save paper.
    "receipt58": Layout(None, 58 * mm, 96 * mm, qr=30 * mm, title_size=16),
    "receipt80": Layout(None, 80 * mm, 104 * mm, qr=36 * mm, title_size=20),
}


def register_font() -> str:
    """Registers the bundled CJK TrueType font once; ReportLab embeds a subset."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(resources_dir() / "fonts" / "wqy-microhei.ttf")))
    return FONT


def headline(c: CouponView, lang: str = "zh_CN") -> str:
    t = TEXT.get(lang, TEXT["zh_CN"])
    if c.kind == "amount":
        return t["amount"].format(value=format_cents(c.value).removesuffix(".00"))
    if c.kind == "percent":
        value = (100 - c.value) / 10 if lang.startswith("zh") else c.value
        return t["percent"].format(value=f"{value:g}")
    return t["item"].format(item=c.item)


def lines(c: CouponView, lang: str = "zh_CN") -> list[str]:
    t = TEXT.get(lang, TEXT["zh_CN"])
    out = [
        t["min"].format(min=format_cents(c.min_spend_cents)) if c.min_spend_cents else t["no_min"],
        t["valid"].format(start=c.valid_from.isoformat(), end=c.valid_to.isoformat()),
        t["member"].format(name=c.member_name) if c.member_id else t["bearer"],
    ]
    if c.campaign_name:
        out.append(c.campaign_name)
    out.append(t["once"])
    return out


def _qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code as one filled path: far faster than a widget per module."""
    # A fixed mask: scoring all eight (the default) is most of the time spent on a code,
    # and any mask scans equally well.
    qr = segno.make(text, error="m", micro=False, mask=2)
    matrix = list(qr.matrix)
    n = len(matrix) + 8  # quiet zone of 4 modules each side
    cell = size / n
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        run_start = None
        for col, bit in enumerate([*list(row), 0]):
            if bit and run_start is None:
                run_start = col
            elif not bit and run_start is not None:
                path.rect(
                    x + (run_start + 4) * cell,
                    y + size - (r + 5) * cell,
                    (col - run_start) * cell,
                    cell,
                )
                run_start = None
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(canvas: Canvas, text: str, size: float, width: float) -> float:
    """The largest font size up to `size` at which text fits in width."""
    while size > 6 and canvas.stringWidth(text, FONT, size) > width:
        size -= 0.5
    return size


def _ellipsize(canvas: Canvas, text: str, size: float, width: float) -> str:
    """The text, shortened with "…" if it does not fit: never cut off by the paper's edge."""
    if canvas.stringWidth(text, FONT, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _coupon(
    canvas: Canvas,
    c: CouponView,
    x: float,
    y: float,
    spec: Layout,
    store: str,
    lang: str,
    logo: ImageReader | None = None,
) -> None:
    w, h = spec.width, spec.height
    pad = 4 * mm if spec.page is not None else 3 * mm
    inner = w - 2 * pad
    if spec.page == A4:
        canvas.saveState()
        canvas.setDash(3, 3)
        canvas.setStrokeGray(0.6)
        canvas.rect(x, y, w, h)
        canvas.restoreState()
    top = y + h - pad
    name_x = x + pad
    head = 14.0  # the store name's line
    readable = 8.0  # the smallest size the store's name is printed at
    if logo is not None:
        # The store's logo left of the store name: 8 mm high, or 6 mm (and at most a
        # quarter of the width) when the name would not otherwise fit.
        lw, lh = logo.getSize()
        height = 8 * mm
        if canvas.stringWidth(store, FONT, readable) > inner * 2 / 3 - 2 * mm:
            height = 6 * mm
        width = min(height * lw / lh, inner / 4 if height < 8 * mm else inner / 3)
        canvas.drawImage(logo, x + pad, top - height + 1, width, height, mask="auto")
        name_x += width + 2 * mm
        head = height + 3
    room = inner - (name_x - x - pad)
    size = max(_fit(canvas, store, 11, room), readable)
    canvas.setFont(FONT, size)
    canvas.drawString(name_x, top - head + 4, _ellipsize(canvas, store, size, room))
    title = headline(c, lang)
    size = _fit(
        canvas, title, spec.title_size, inner if spec.page != A4 else inner - spec.qr - 3 * mm
    )
    canvas.setFont(FONT, size)
    cursor = top - head - size
    canvas.drawString(x + pad, cursor, title)
    body = lines(c, lang)
    side_qr = spec.page == A4
    text_width = inner - spec.qr - 2 * mm if side_qr else inner
    cursor -= 6
    for line in body:
        fsize = _fit(canvas, line, 9, text_width)
        canvas.setFont(FONT, fsize)
        cursor -= fsize + 3
        canvas.drawString(x + pad, cursor, line)
    code_text = display(c.code)
    if side_qr:
        _qr(canvas, c.code, x + w - pad - spec.qr, y + h - pad - spec.qr - 8, spec.qr)
        qr_bottom = cursor
    else:
        qr_top = cursor - 4
        _qr(canvas, c.code, x + (w - spec.qr) / 2, qr_top - spec.qr, spec.qr)
        qr_bottom = qr_top - spec.qr
    # Narrowest bar at most 0.5 mm, and the whole code inside the printable width.
    modules = Code128(c.code, barWidth=1, quiet=False).width
    printable = inner if spec.page else w - 10 * mm
    bar_width = min(0.5 * mm, printable / modules)
    bar_height = 9 * mm if spec.page else 8 * mm
    barcode = Code128(c.code, barHeight=bar_height, barWidth=bar_width, quiet=False)
    bar_y = y + pad + 12 if side_qr else qr_bottom - bar_height - 6
    barcode.drawOn(canvas, x + (w - barcode.width) / 2, bar_y)
    canvas.setFont("Courier-Bold", 10)
    canvas.drawCentredString(x + w / 2, bar_y - 11, code_text)


def render(
    coupons: Sequence[CouponView],
    layout: str,
    path: Path | str,
    store: str = "",
    lang: str = "zh_CN",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    logo: Path | str | None = None,
) -> bool:
    """Writes the coupons to one PDF. Returns False (and leaves no file) if cancelled.
    `logo`: the store's logo (PNG), printed beside the store name on every coupon."""
    if layout not in SPECS:
        raise ValidationError("pdf.layout", field="layout")
    if not coupons:
        raise ValidationError("pdf.nothing", field=None)
    register_font()
    spec = SPECS[layout]
    picture = ImageReader(str(logo)) if logo is not None else None
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    page = spec.page or (spec.width, spec.height)
    canvas = Canvas(str(tmp), pagesize=page, pageCompression=1)
    canvas.setTitle(f"{store} coupons")
    per_page = spec.columns * spec.rows
    total = len(coupons)
    for i, c in enumerate(coupons):
        if cancelled is not None and cancelled():
            tmp.unlink(missing_ok=True)
            return False
        slot = i % per_page
        if i and slot == 0:
            canvas.showPage()
        if spec.page == A4:
            col, row = slot % spec.columns, slot // spec.columns
            gap_x = (page[0] - 2 * spec.margin - spec.columns * spec.width) / max(
                spec.columns - 1, 1
            )
            gap_y = (page[1] - 2 * spec.margin - spec.rows * spec.height) / max(spec.rows - 1, 1)
            x = spec.margin + col * (spec.width + gap_x)
            y = page[1] - spec.margin - (row + 1) * spec.height - row * gap_y
        else:
            x, y = 0.0, 0.0
        _coupon(canvas, c, x, y, spec, store, lang, picture)
        if progress is not None and (i % 25 == 0 or i == total - 1):
            progress(i + 1, total)
    canvas.save()
    os.replace(tmp, target)
    return True
