"""The period report, read back: PDF text (Chinese, with the bundled font embedded),
a rendered page, and the CSV."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import reporting as dash
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.settings import set_store_name
from app.reporting import report
from tests.helpers import october_store

OCTOBER = dash.Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def board(ctx: AppContext, clock: FakeClock) -> dash.Dashboard:
    october_store(ctx, clock)
    set_store_name(ctx, "悦泉汤泉")
    return dash.compute(ctx, OCTOBER)


def test_pdf_in_chinese(ctx: AppContext, board: dash.Dashboard, tmp_path: Path) -> None:
    path = report.write_pdf(ctx, board, tmp_path / "r.pdf", lang="zh_CN")
    reader = PdfReader(path)
    text = "".join(p.extract_text() for p in reader.pages)
    for words in ("悦泉汤泉", "经营报表", "统计期间：2026-10-01 至 2026-10-31", "满意度"):
        assert words in text
    for figure in ("60%", "33.3%", "85.7%", "42.9%", "¥4,550.00", "未达标", "达标"):
        assert figure in text
    for category in ("服务", "设施/设备", "前台", "电话", "首次响应", "国庆", "会员日"):
        assert category in text
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYiMicroHei" in f for f in fonts)  # embedded subset of the bundled font


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_renders(ctx: AppContext, board: dash.Dashboard, tmp_path: Path) -> None:
    from PIL import Image

    path = report.write_pdf(ctx, board, tmp_path / "r.pdf", lang="zh_TW")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 2
    with Image.open(pages[0]) as first:
        colours = first.convert("RGB").getcolors(1_000_000) or []
    # Charts in colour, not a blank page: blue bars of the revenue chart are there.
    assert any(b > 150 and r < 60 for _n, (r, _g, b) in colours)


def test_csv_sections(board: dash.Dashboard, tmp_path: Path) -> None:
    path = report.write_csv(board, tmp_path / "r.csv", lang="en")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese names right
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    # Each block: its title, a header row, then its rows; no English keys in column A.
    kpi = {r[0]: r[1:] for r in rows if len(r) == 4}
    assert kpi["Complaints handled on time"] == ["33.3%", "95%", "missed"]
    assert kpi["Revenue (¥)"][0] == "4550.00"  # money as plain yuan everywhere
    assert rows[rows.index(["Revenue share by tier"]) + 1] == [
        "Tier",
        "Revenue (¥)",
        "Visits",
        "Share",
    ]
    assert ["B", "100.00", "1", "2.2%"] in rows
    assert rows[rows.index(["Complaints by category"]) + 1] == ["Category", "Complaints"]
    assert ["Service", "2"] in rows
    assert ["Solution", "0", "1", "0%"] in rows
    assert ["国庆", "4", "1", "25%"] in rows
    assert ["Single coupons", "1", "0", "0%"] in rows
    assert not any(r and r[0] in ("kpi", "tier", "stage", "campaign") for r in rows)


def test_csv_never_carries_a_formula(board: dash.Dashboard, tmp_path: Path) -> None:
    board.campaigns.append(dash.CampaignRate(99, '=HYPERLINK("http://x")', "festival", 1, 0))
    text = report.write_csv(board, tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    table = report.write_table(tmp_path / "t.csv", ["Name"], [["@SUM(A1)"], ["张三"]])
    assert table.read_text(encoding="utf-8-sig").splitlines() == ["Name", "'@SUM(A1)", "张三"]
