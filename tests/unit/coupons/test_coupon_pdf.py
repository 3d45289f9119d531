"""Coupon PDFs parsed back: page sizes, Chinese text, and codes a scanner can read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm

from app import coupons as cs
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.coupons import CouponTerms
from app.coupons import pdf as coupon_pdf
from tests.helpers import make_member, refused

SIZES = {"a4": A4, "a6": A6, "receipt58": (58 * mm, 96 * mm), "receipt80": (80 * mm, 104 * mm)}


@pytest.fixture
def batch(ctx: AppContext) -> list[cs.CouponView]:
    member = make_member(ctx, "张三丰")
    camp = cs.create_campaign(
        ctx, "birthday", "生日快乐", CouponTerms("amount", 5000, min_spend_cents=20000)
    )
    out = cs.issue_campaign(ctx, camp.id, [member.id]).coupons
    out.append(cs.issue_coupon(ctx, CouponTerms("percent", 15)))
    out.append(cs.issue_coupon(ctx, CouponTerms("item", item="足疗一次"), member.id))
    return out


def _decode_pngs(pdf: Path, tmp: Path) -> set[str]:
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp / "page")], check=True)
    found: set[str] = set()
    for png in sorted(tmp.glob("page*.png")):
        for result in zxingcpp.read_barcodes(Image.open(png)):
            found.add(f"{result.format.name}:{result.text}")
    return found


@pytest.mark.parametrize("layout", coupon_pdf.LAYOUTS)
def test_layout_parses_back(batch: list[cs.CouponView], tmp_path: Path, layout: str) -> None:
    pdf = tmp_path / f"{layout}.pdf"
    assert coupon_pdf.render(batch, layout, pdf, store="悦泉汤泉会馆")
    reader = PdfReader(pdf)
    per_page = 8 if layout == "a4" else 1
    assert len(reader.pages) == -(-len(batch) // per_page)
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(SIZES[layout], abs=0.5)
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in (
        "悦泉汤泉会馆",
        "¥50 代金券",
        "满 ¥200.00 可用",
        "8.5 折券",
        "免费：足疗一次",
        "会员：张三丰",
        "不记名",
        batch[0].display_code,
    ):
        assert expected in text, expected
    if shutil.which("pdftoppm"):
        found = _decode_pngs(pdf, tmp_path)
        for c in batch:
            assert f"QRCode:{c.code}" in found
            assert f"Code128:{c.code}" in found


def test_cancel_leaves_no_file(batch: list[cs.CouponView], tmp_path: Path) -> None:
    pdf = tmp_path / "cancelled.pdf"
    calls: list[int] = []
    done = coupon_pdf.render(
        batch * 20,
        "a4",
        pdf,
        cancelled=lambda: len(calls) > 0,
        progress=lambda d, t: calls.append(d),
    )
    assert not done
    assert not pdf.exists() and not list(tmp_path.glob("*.part"))


def test_nothing_or_unknown_layout(batch: list[cs.CouponView], tmp_path: Path) -> None:
    with refused("pdf.nothing", ValidationError):
        coupon_pdf.render([], "a4", tmp_path / "x.pdf")
    with refused("pdf.layout", ValidationError):
        coupon_pdf.render(batch, "letter", tmp_path / "x.pdf")


def test_store_logo_on_every_coupon(batch: list[cs.CouponView], tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (21, 101, 192)).save(logo)
    target = tmp_path / "with-logo.pdf"
    assert coupon_pdf.render(batch, "receipt80", target, store="悦泉汤泉", logo=logo)
    pages = PdfReader(target).pages
    assert len(pages) == len(batch)
    for page in pages:
        images = page.images
        assert len(images) == 1 and images[0].image.size == (300, 100)
    if shutil.which("pdftoppm"):  # the QR code and the barcode still scan beside it
        found = _decode_pngs(target, tmp_path)
        assert {f"QRCode:{c.code}" for c in batch} <= found


def test_a_long_store_name_is_shortened_visibly_not_cut(
    batch: list[cs.CouponView], tmp_path: Path
) -> None:
    """On 58 mm paper with a logo, a long name ends in "…" inside the paper, at a readable
    size, instead of running off the edge."""
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (21, 101, 192)).save(logo)
    name = "悦泉汤泉养生会馆（人民路旗舰店）二楼贵宾接待处"
    target = tmp_path / "long-name.pdf"
    assert coupon_pdf.render(batch[:1], "receipt58", target, store=name, logo=logo)
    text = PdfReader(target).pages[0].extract_text()
    first = text.splitlines()[0]
    assert first.endswith("…") and name.startswith(first[:-1]) and len(first) > 6
    short = tmp_path / "short-name.pdf"
    assert coupon_pdf.render(batch[:1], "receipt58", short, store="悦泉", logo=logo)
    assert PdfReader(short).pages[0].extract_text().splitlines()[0] == "悦泉"


def test_traditional_chinese_coupons(batch: list[cs.CouponView], tmp_path: Path) -> None:
    target = tmp_path / "tw.pdf"
    assert coupon_pdf.render(batch, "a6", target, store="悅泉湯泉", lang="zh_TW")
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "¥50 抵用券" in text and "滿 ¥200.00 可用" in text
    assert "8.5 折券" in text  # 15% off reads 8.5 折 in Chinese, as in zh_CN
    assert "免費：足療一次" not in text and "免費：足疗一次" in text  # names stay as typed
    assert "不記名，憑券使用" in text
