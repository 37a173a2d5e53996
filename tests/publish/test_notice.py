"""`trustfund notice`: the 公示 for the notice board, read back from the PDF it writes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from publish_ledgers import copy_demo

from cli import main

pypdf = pytest.importorskip("pypdf")


def _fonts(reader) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """(base font name, embedded) of every font the pages use."""
    out = []
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            holder = descendants[0].get_object() if descendants else font
            descriptor = holder.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append((str(font["/BaseFont"]), embedded))
    return out


@pytest.fixture(scope="module")
def sealed_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ledger = copy_demo(tmp_path_factory.mktemp("notice") / "xinyi")
    result = CliRunner().invoke(main, ["seal", "2025-03", str(ledger), "--include-earlier"])
    assert result.exit_code == 0, result.output
    return ledger


def test_pdf_of_a_month_on_one_or_two_pages_with_chinese_fonts_embedded(
    sealed_demo: Path, tmp_path: Path
) -> None:
    from trustfund.ops.notice import weasyprint_available

    if not weasyprint_available():
        pytest.fail("WeasyPrint and pango are installed by .ci/run: the PDF must be tested")
    out = tmp_path / "公示-2025-03.pdf"
    result = CliRunner().invoke(
        main,
        [
            "notice",
            "2025-03",
            str(sealed_demo),
            "-o",
            str(out),
            "--from",
            "2025-04-05",
            "--days",
            "10",
            "--payments-over",
            "10000",
            "--site-url",
            "https://xinyi.example.org/",
        ],
    )
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(str(out))
    assert 1 <= len(reader.pages) <= 2
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    text = "".join(page.extract_text() for page in reader.pages)
    flat = text.replace("\n", "")
    for expected in (
        "2025年3月",
        "公示期：2025-04-05 至 2025-04-14",
        "基金收支",
        "共同基金",
        "收支分类",
        "10,000.00 元以上的支出",
        "安泰保安服务有限公司",
        "业主委员会（盖章）",
        "物业服务人（盖章）",
        "书面向业主委员会提出",
        "https://xinyi.example.org/",
    ):
        assert expected in flat, expected
    from ledger.loader import load
    from reports import public
    from reports.format import money
    from reports.period import Period

    report = public.compute(load(sealed_demo), Period.parse("2025-03"))
    for fund in report.funds:
        assert money(fund.closing) in flat and money(fund.income) in flat, fund
    seal = next(s for s in load(sealed_demo).community.seals if s.period == "2025-03")
    digest = seal.digest.split(":", 1)[-1]
    assert digest[:32] in flat.replace(" ", "")
    fonts = _fonts(reader)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert any(re.search(r"WenQuanYi|Noto|SourceHan|CJK", name) for name, _ in fonts), fonts


def test_a_quarter_and_the_html_fallback(
    sealed_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustfund.ops import notice

    out = tmp_path / "q1.pdf"
    result = CliRunner().invoke(main, ["notice", "2025Q1", str(sealed_demo), "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) <= 2
    flat = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "2025年第1季度" in flat and "2025-01" in flat and "2025-03" in flat
    assert "no QR code" in result.output

    monkeypatch.setattr(notice, "weasyprint_available", lambda: False)
    refused = CliRunner().invoke(
        main, ["notice", "2025-03", str(sealed_demo), "-o", str(tmp_path / "x.pdf")]
    )
    assert refused.exit_code != 0 and "WeasyPrint" in refused.output
    monkeypatch.chdir(tmp_path)
    fallback = CliRunner().invoke(main, ["notice", "2025-03", str(sealed_demo)])
    assert fallback.exit_code == 0, fallback.output
    html = (tmp_path / "公示-2025-03.html").read_text(encoding="utf-8")
    assert "@page { size: A4" in html and "公示期" in html and "业主委员会（盖章）" in html
    bad = CliRunner().invoke(main, ["notice", "2025-13", str(sealed_demo)])
    assert bad.exit_code != 0 and "no month 13" in bad.output
