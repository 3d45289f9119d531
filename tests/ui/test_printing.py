"""Printing our PDFs through Qt: every page at its real size, or the viewer as fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from app import coupons as cs
from app.core.context import AppContext
from app.coupons import CouponTerms
from app.coupons import pdf as coupon_pdf
from ui import printing


@pytest.fixture
def receipts(ctx: AppContext, tmp_path: Path) -> Path:
    coupons = [cs.issue_coupon(ctx, CouponTerms("amount", 1000)) for _ in range(3)]
    path = tmp_path / "coupons.pdf"
    assert coupon_pdf.render(coupons, "receipt58", path, store="悦泉")
    return path


def test_print_every_page_at_its_size(qapp: object, receipts: Path, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    assert printing.print_pdf(str(receipts), output_file=str(out)) == 3
    pages = PdfReader(out).pages
    assert len(pages) == 3
    width_mm = float(pages[0].mediabox.width) / 72 * 25.4
    height_mm = float(pages[0].mediabox.height) / 72 * 25.4
    assert abs(width_mm - 58) < 1 and abs(height_mm - 96 * mm / mm) < 1


def test_unreadable_file_prints_nothing(qapp: object, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf", encoding="utf-8")
    assert printing.print_pdf(str(bad), output_file=str(tmp_path / "out.pdf")) == 0


def test_no_printer_chosen_opens_the_viewer(
    qapp: object, receipts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        printing.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    printing.deliver(str(receipts), "")
    printing.deliver(str(receipts), "A printer that is not connected")
    assert opened == [str(receipts), str(receipts)]
