"""Renderers: XLSX read back with openpyxl, HTML parsed, CSV re-read, formula injection."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from html.parser import HTMLParser

import openpyxl
import pytest

from reports import public, render_csv, render_html, render_text, render_xlsx
from reports.format import display, money, neutralise
from reports.period import Period

MARCH = Period.parse("2025-03")


@pytest.fixture(scope="module")
def report(small) -> public.PublicReport:
    return public.compute(small, MARCH)


def test_money_and_neutralise() -> None:
    assert money(D("1234567.5")) == "1,234,567.50"
    assert money(D("0.125")) == "0.125"  # never rounded away
    assert display(D("0.25"), "percent") == "25.00%"
    for bad in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=x"):
        assert neutralise(bad) == "'" + bad
    assert neutralise("保洁 =1") == "保洁 =1"


def test_text_has_thousands_separators_and_both_languages(report) -> None:
    text = render_text.render(report)
    assert "1,490.00" in text and "期末余额 Closing" in text
    assert "赵六" not in text and "钱七" not in text


def test_xlsx_read_back(report, tmp_path) -> None:
    path = tmp_path / "public.xlsx"
    render_xlsx.write(report, path)
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == len(report.tables())
    ws = wb[wb.sheetnames[0]]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref.startswith("A2:")
    headers = [c.value for c in ws[2]]
    assert headers[0] == "基金 Fund" and "期末余额 Closing" in headers
    closing_col = headers.index("期末余额 Closing") + 1
    cell = ws.cell(row=3, column=closing_col)
    assert cell.value == 1490 and cell.number_format == "#,##0.00"
    assert ws.column_dimensions["A"].width >= 8
    # payments sheet: numbers are numbers, the total re-adds, the memo is not a formula
    payments = wb[next(n for n in wb.sheetnames if n.startswith("payments"))]
    rows = list(payments.iter_rows(min_row=3, values_only=True))
    amounts = [r[3] for r in rows[:-1]]
    assert amounts == [200, 10, 750] and rows[-1][3] == sum(amounts)
    memo = payments.cell(row=3, column=3)
    assert memo.value == "'=1+2 保洁" and memo.data_type == "s"
    date_cell = payments.cell(row=3, column=1)
    assert date_cell.number_format == "yyyy-mm-dd"
    rate_sheet = wb[next(n for n in wb.sheetnames if n.startswith("collection"))]
    rate_col = [c.value for c in rate_sheet[2]].index("收缴率 Collection rate") + 1
    assert rate_sheet.cell(row=3, column=rate_col).number_format == "0.00%"
    assert rate_sheet.cell(row=3, column=rate_col).value == 0.25


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.tags: list[str] = []
        self._in_td = False

    def handle_starttag(self, tag, attrs) -> None:  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        self._in_td = tag == "td"
        if tag == "td":
            self.cells.append("")

    def handle_endtag(self, tag) -> None:  # type: ignore[no-untyped-def]
        if tag == "td":
            self._in_td = False

    def handle_data(self, data) -> None:  # type: ignore[no-untyped-def]
        if self._in_td:
            self.cells[-1] += data


def test_html_is_escaped_and_self_contained(report) -> None:
    page = render_html.render(report)
    assert "<b>洁净</b>" not in page and "&lt;b&gt;洁净&lt;/b&gt;公司" in page
    parser = _Cells()
    parser.feed(page)
    assert "<b>洁净</b>公司" in parser.cells  # the payee, as text
    assert "b" not in parser.tags and "script" not in parser.tags
    assert "1,490.00" in parser.cells
    assert "<link" not in page and "http" not in page.split("<body>")[0]
    assert "@media print" in page
    assert "赵六" not in page


def test_csv_re_read(report) -> None:
    text = render_csv.render(report)
    rows = list(csv.reader(io.StringIO(text)))
    start = rows.index(next(r for r in rows if r and r[0] == "# funds"))
    header, first = rows[start + 1], rows[start + 2]
    assert header[0] == "基金 Fund"
    record = dict(zip(header, first, strict=True))
    assert D(record["期末余额 Closing"]) == D("1490.00")
    payments = rows.index(next(r for r in rows if r and r[0] == "# payments"))
    assert rows[payments + 2][2] == "'=1+2 保洁"
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_csv_file_has_bom_for_excel(report, tmp_path) -> None:
    path = tmp_path / "p.csv"
    render_csv.write(report, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_policy_masks_text_longest_name_first(small) -> None:
    from reports.publication import Policy

    policy = Policy.build(small.entries, small.community)
    policy.private_names = policy.private_names | {"赵六六"}
    policy._lengths = tuple(sorted({len(n) for n in policy.private_names}, reverse=True))
    assert policy.text("赵六六和赵六, 钱七") == "赵*和赵*, 钱*"
    assert policy.text("no names here") == "no names here"
    assert policy.party("分众传媒有限公司") == "分众传媒有限公司"


def test_audit_workbook_summary_and_one_sheet_per_check(small, tmp_path) -> None:
    from reports import audit

    report = audit.compute(small, MARCH)
    path = tmp_path / "audit.xlsx"
    render_xlsx.write(report, path)
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == len(report.checks) + 1 + len(report.papers)
    summary = wb[wb.sheetnames[0]]
    assert summary.freeze_panes == "A3" and summary.auto_filter.ref
    rows = list(summary.iter_rows(min_row=3, values_only=True))
    column = [c.value for c in summary[2]].index("例外数 Exceptions")
    exceptions = [r[column] for r in rows[:-1]]
    assert all(isinstance(n, int) for n in exceptions) and rows[-1][column] == sum(exceptions)
    failing = next(c for c in report.checks if not c.passed)
    sheet = wb[wb.sheetnames[report.checks.index(failing) + 1]]
    assert sheet.title.startswith(failing.id + " ")
    result_col = [c.value for c in sheet[2]].index("结果 Result") + 1
    bad_row = next(
        r
        for r in range(3, sheet.max_row + 1)
        if sheet.cell(row=r, column=result_col).value == "例外 exception"
    )
    assert sheet.cell(row=bad_row, column=1).fill.fgColor.rgb.endswith("FDE2DC")


def test_html_marks_flagged_rows(small) -> None:
    from reports import budget

    page = render_html.render(public.compute(small, MARCH))
    assert page.count('<tr class="flag">') >= 2  # two units below 30%, the contract shortfall
    assert render_html.render(budget.compute(small, MARCH)).count('<tr class="flag">') >= 1


def test_xlsx_totals_as_sum_formulas(report, tmp_path) -> None:
    path = tmp_path / "f.xlsx"
    render_xlsx.write(report, path, formulas=True)
    wb = openpyxl.load_workbook(path)
    payments = wb[next(n for n in wb.sheetnames if n.startswith("payments"))]
    last = payments.max_row
    assert payments.cell(row=last, column=4).value == f"=SUM(D3:D{last - 1})"
    assert payments.cell(row=last, column=1).value == "合计 Total"
