"""A card receipt as PDF: every layout parses back with its Chinese text, the store's
time zone, the balances after; Traditional Chinese and English; the logo."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from app import prepaid as pp
from app.core import settings as st
from app.core import store
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.coupons import pdf as coupon_pdf
from app.prepaid import receipt
from tests.helpers import make_member, refused

ID_NUMBER = "11010519491231002X"


def _text(pdf: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.fixture
def recharged(ctx: AppContext) -> pp.EntryView:
    member = make_member(ctx, "张三丰")
    st.set_store_name(ctx, "悦泉汤泉会馆")
    offer = pp.save_plan(ctx, pp.PlanInput("充1000送200", 100_000, 20_000))
    data = pp.RechargeInput(
        member.id, "wechat", plan_id=offer.id, buyer_name="张三丰", buyer_id=ID_NUMBER
    )
    return pp.recharge(ctx, data, confirmed=True)


@pytest.mark.parametrize("layout", coupon_pdf.LAYOUTS)
def test_every_layout_parses_back(ctx: AppContext, recharged: pp.EntryView, layout: str) -> None:
    path = receipt.write(ctx, recharged.id, layout)
    assert path.parent.name == "receipts" and path.exists()
    assert not list(path.parent.glob("*.part"))
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    width = float(reader.pages[0].mediabox.width)
    assert width == pytest.approx(coupon_pdf.SPECS[layout].page[0] if layout in ("a4", "a6")
                                  else coupon_pdf.SPECS[layout].width, abs=0.5)  # fmt: skip
    text = _text(path)
    local = recharged.at.astimezone(store.zone(ctx)).strftime("%Y-%m-%d %H:%M")
    for expected in (
        "悦泉汤泉会馆",
        "储值卡凭证",
        "张三丰",
        "充值",
        "充1000送200",
        "¥1,000.00",  # paid
        "¥200.00",  # bonus
        "微信",
        "¥1,200.00",  # the balance after
        local,  # on the store's clock
        f"{recharged.id:06d}",
    ):
        assert expected in text, (layout, expected, text)
    assert ID_NUMBER not in text  # never the buyer's ID number


def test_a_payment_in_traditional_chinese_and_english(
    ctx: AppContext, recharged: pp.EntryView, tmp_path: Path
) -> None:
    spent = pp.spend(ctx, recharged.member_id, 12_000)
    r = receipt.Receipt("悦泉", "张三丰", "100001", spent)
    zone = ZoneInfo("Asia/Taipei")
    tw = _text(receipt.render(r, "receipt58", tmp_path / "tw.pdf", zone, "zh_TW"))
    assert "儲值卡憑證" in tw and "消費" in tw and "¥120.00" in tw
    en = _text(receipt.render(r, "receipt80", tmp_path / "en.pdf", zone, "en"))
    assert "From the card" in en and "¥1,080.00" in en


def test_logo_and_unknown_layout(ctx: AppContext, recharged: pp.EntryView, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (21, 101, 192)).save(logo)
    r = receipt.Receipt("悦泉汤泉会馆", "张三丰", "100001", recharged)
    path = receipt.render(r, "receipt80", tmp_path / "logo.pdf", ZoneInfo("UTC"), logo=logo)
    assert len(PdfReader(path).pages[0].images) == 1
    with refused("pdf.layout", ValidationError):
        receipt.render(r, "letter", tmp_path / "x.pdf", ZoneInfo("UTC"))
