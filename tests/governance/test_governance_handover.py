"""`trustfund handover`: the pack's figures tie to the ledger (beanquery), what is open is
listed, the manager's exit settles to the day; XLSX and PDF (or HTML) as a person reads them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from beanquery.query import run_query
from click.testing import CliRunner

from cli import main
from ledger.loader import Ledger, load, load_string
from reports import handover
from reports.common import fen

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi" / "main.beancount"


def query_value(ledger: Ledger, query: str) -> D:
    _, rows = run_query(ledger.entries, ledger.options, query)
    value = rows[0][0] if rows else None
    return value if value is not None else D(0)


def assert_ties(ledger: Ledger, report: handover.HandoverReport) -> int:
    """Every SELECT reproduces its figure; every formula (rate × R1 − posted) too."""
    checked = 0
    for figure in report.figures:
        if figure.query.startswith("SELECT"):
            assert query_value(ledger, figure.query) == figure.value, figure
        else:
            match = re.match(r"^公式 formula: ([\d.]+) × (R\d+) − posted ([-\d.]+)$", figure.query)
            if match:
                base = report.figure(match.group(2)).value
                expected = fen(D(match.group(1)) * base) - D(match.group(3))
                assert figure.value == expected, figure
            else:  # a month not accrued: rate × its base − posted
                match = re.match(
                    r"^公式 formula: ([\d.]+) × 实收 ([-\d.]+) \(month \S+\) − posted ([-\d.]+)$",
                    figure.query,
                )
                assert match, figure
                expected = fen(D(match.group(1)) * D(match.group(2))) - D(match.group(3))
                assert figure.value == expected, figure
        checked += 1
    return checked


@pytest.fixture(scope="module")
def demo() -> Ledger:
    return load(DEMO, cache=False)


@pytest.mark.parametrize(
    ("day", "kind"), [(date(2025, 12, 31), "committee"), (date(2025, 12, 15), "manager")]
)
def test_every_figure_of_the_demo_pack_ties_to_beanquery(
    demo: Ledger, day: date, kind: str
) -> None:
    report = handover.compute(demo, day, kind)
    assert assert_ties(demo, report) >= 15
    refs = {f.ref for f in report.figures}
    cited = [r.ref for r in report.balances + report.deposits + report.prepaid if r.ref]
    cited += [r.ref for r in report.contracts] + [r.ref for r in report.funds]
    assert set(cited) <= refs
    # the funds' net assets are the sum of their accounts
    total = sum((b.balance for b in report.balances), D(0))
    assert sum((f.net_assets for f in report.funds), D(0)) == total


def held_day(ledger: Ledger) -> date:
    """A December day on which the manager holds collections not yet remitted."""
    _, rows = run_query(
        ledger.entries,
        ledger.options,
        "SELECT date, sum(number) WHERE account = 'Assets:Clearing:Manager' AND date >= 2025-12-01 "
        "GROUP BY date ORDER BY date",
    )
    _, opening = run_query(
        ledger.entries,
        ledger.options,
        "SELECT sum(number) WHERE account = 'Assets:Clearing:Manager' AND date < 2025-12-01",
    )
    held = opening[0][0] or D(0)
    for day, amount in rows:
        held += amount
        if held > 0 and day.day >= 10:
            return day
    raise AssertionError("the manager never holds collections in December")


def test_manager_exit_settles_to_the_day(demo: Ledger) -> None:
    day = held_day(demo)
    report = handover.compute(demo, day, "manager")
    rows = {r.item.split()[0]: r for r in report.settlement}
    remit = report.figure(rows["代收未缴"].ref).value
    assert remit == sum((c.amount for c in report.clearing), D(0)) > 0
    due = [r for r in report.settlement if "酬金" in r.item]
    owed = sum((r.amount for r in due), D(0))
    net = rows["净额"]
    assert net.amount == abs(owed - remit)
    assert ("owners pay the manager" in net.direction) == (owed >= remit)
    # December's remuneration is accrued on the 31st: on the 15th it is due to the day only
    assert any(f"to {day}" in r.item for r in due)


SMALL = """\
option "title" "换届小区"
option "operating_currency" "CNY"
plugin "trustfund.xinyi"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Clearing:Manager CNY
2025-01-01 open Liabilities:Prepaid:Fees CNY
2025-01-01 open Liabilities:Deposits CNY
2025-01-01 open Liabilities:Payable:Manager CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Public:Leasing CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Manager:Remuneration CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 custom "tf-owner" "O-1" "张三"
2025-01-01 custom "tf-owner" "O-2" "李四"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 100.00 "O-2"
2025-01-01 custom "tf-remuneration" 0.10 "fees"
2025-01-01 custom "tf-remit-days" 7
2025-01-01 custom "tf-procedure" "five-two"
2025-01-01 custom "tf-contract" "C-1" Expenses:Service:Cleaning "洁美保洁服务有限公司" 1000.00 CNY "monthly" 2025-12-31
2025-01-01 * "期初" "common fund"
  Assets:Bank:Trust  20000.00 CNY
  Equity:Owners:Common
2025-03-01 custom "tf-approval" "AP-1" "committee" "甲" 3000.00 CNY
2025-03-01 custom "tf-approval" "AP-1" "manager" "乙" 3000.00 CNY
2025-03-02 custom "tf-approval" "AP-2" "committee" "甲" 800.00 CNY
2025-03-03 custom "tf-notice" "N-1" "AP-1" 2025-03-20
2025-03-05 custom "tf-objection" "OB-1" "N-1" "1-1-102"
2025-03-01 custom "tf-stage" "R-1" "propose"
2025-03-04 custom "tf-resolution" "R-1" "hire-contractor" "外墙清洗" ""
2025-03-05 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-03-02 * "业主" "物业费 1-1-101"
  Assets:Bank:Trust  500.00 CNY
  Income:Fees:Property
2025-03-03 * "业主" "预交 1-1-102"
  Assets:Bank:Trust  1200.00 CNY
  Liabilities:Prepaid:Fees
    unit: "1-1-102"
2025-03-04 * "便利店" "押金"
  Assets:Bank:Trust  3000.00 CNY
  Liabilities:Deposits
2025-03-08 * "业主" "物业费 微信 1-1-102"
  Assets:Clearing:Manager  300.00 CNY
  Income:Fees:Property
2025-03-09 * "洁美保洁服务有限公司" "保洁"
  approval: "AP-1"
  contract: "C-1"
  Expenses:Service:Cleaning  1000.00 CNY
  Assets:Bank:Trust
2025-02-28 * "物业公司" "酬金 2月"
  period: "2025-02"
  Expenses:Manager:Remuneration  0.00 CNY
  Liabilities:Payable:Manager
"""


@pytest.fixture(scope="module")
def small() -> Ledger:
    return load_string(SMALL)


def test_what_is_open_on_the_day(small: Ledger) -> None:
    report = handover.compute(small, date(2025, 3, 10), "committee")
    assert assert_ties(small, report)
    approvals = {a.id: a for a in report.approvals}
    assert approvals["AP-1"].remaining == D("2000.00") and approvals["AP-1"].paid == D("1000.00")
    assert "awaiting the second role" in approvals["AP-2"].note
    (matter,) = report.matters
    assert matter.id == "R-1" and "vote open" in matter.state
    assert "商议" in matter.next and "决议公开" in matter.next
    states = {(o.notice, o.objection): o.state for o in report.objections}
    assert "unresolved" in states[("N-1", "OB-1")]
    assert [(p.holder, p.amount) for p in report.prepaid] == [("1-1-102", D("1200.00"))]
    assert [(d.holder, d.amount) for d in report.deposits] == [("便利店", D("3000.00"))]
    assert [(c.day, c.amount) for c in report.clearing] == [(date(2025, 3, 8), D("300.00"))]
    (contract,) = report.contracts
    assert contract.to_date == D("1000.00")
    codes = sorted(e.code for e in report.errors)
    assert "TF604" in codes and "TF605" in codes  # the payment of the 9th under an open notice
    bank_keys = [i for i in report.items if "Assets:Bank:Trust" in i.item]
    assert bank_keys


def test_after_the_day_nothing_counts(small: Ledger) -> None:
    report = handover.compute(small, date(2025, 3, 3), "committee")
    assert assert_ties(small, report)
    assert not report.deposits and not report.clearing
    assert all(e.code not in ("TF604", "TF605") for e in report.errors)


def test_command_writes_xlsx_and_pdf_that_read_back(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    result = CliRunner().invoke(
        main, ["handover", "--date", "2025-12-15", "--kind", "manager", "-o", str(out), str(DEMO)]
    )
    assert result.exit_code == 0, result.output
    xlsx = out / "handover-manager-2025-12-15.xlsx"
    pdf = out / "handover-manager-2025-12-15.pdf"
    assert xlsx.exists() and pdf.exists()
    workbook = openpyxl.load_workbook(xlsx)
    ties = next(ws for ws in workbook.worksheets if ws.title.startswith("ties"))
    rows = [r for r in ties.iter_rows(min_row=3, values_only=True) if r[0]]
    report = handover.compute(load(DEMO, cache=False), date(2025, 12, 15), "manager")
    assert len(rows) == len(report.figures)
    for (ref, _label, value, query), figure in zip(rows, report.figures, strict=True):
        assert (ref, query) == (figure.ref, figure.query)
        assert D(str(value)) == figure.value
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    remit = next(r for r in report.settlement if r.item.startswith("代收未缴"))
    assert "物业退出结算" in text and f"{remit.amount:,.2f}" in text
    assert "继任物业 successor" in text  # the signature block
    again = CliRunner().invoke(
        main, ["handover", "--date", "2025-12-15", "--kind", "manager", "-o", str(out), str(DEMO)]
    )
    assert again.exit_code == 0  # a second run writes the same pack again


def test_html_instead_of_pdf_and_bad_input(tmp_path: Path) -> None:
    ok = CliRunner().invoke(
        main, ["handover", "--date", "2025-06-30", "--html", "-o", str(tmp_path), str(DEMO)]
    )
    assert ok.exit_code == 0, ok.output
    page = (tmp_path / "handover-committee-2025-06-30.html").read_text(encoding="utf-8")
    assert "@page" in page and "监交人 witness" in page and "A4 landscape" in page
    bad = CliRunner().invoke(main, ["handover", "--date", "30/06/2025", str(DEMO)])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    kind = CliRunner().invoke(
        main, ["handover", "--date", "2025-06-30", "--kind", "chair", str(DEMO)]
    )
    assert kind.exit_code != 0


def test_a_project_paid_in_part_is_open_and_an_annual_budget_is_not() -> None:
    text = SMALL.replace(
        '2025-03-05 custom "tf-vote" "R-1" "1-1-101" "yes"\n',
        '2025-03-05 custom "tf-vote" "R-1" "1-1-101" "yes"\n'
        '2025-03-05 custom "tf-vote" "R-1" "1-1-102" "yes"\n'
        '2025-03-06 custom "tf-close" "R-1"\n'
        '2025-03-07 custom "tf-resolution" "R-Y" "annual-budget" "年度预算" ""\n'
        '  budget: "90000.00 CNY"\n'
        '2025-03-07 custom "tf-vote" "R-Y" "1-1-101" "yes"\n'
        '2025-03-07 custom "tf-vote" "R-Y" "1-1-102" "yes"\n'
        '2025-03-08 custom "tf-close" "R-Y"\n',
    ).replace(
        '2025-03-04 custom "tf-resolution" "R-1" "hire-contractor" "外墙清洗" ""\n',
        '2025-03-04 custom "tf-resolution" "R-1" "hire-contractor" "外墙清洗" ""\n'
        '  budget: "5000.00 CNY"\n',
    )
    text += (
        '2025-03-09 * "清洗公司" "外墙清洗 首期"\n  approval: "AP-1"\n  resolution: "R-1"\n'
        "  Expenses:Service:Cleaning  2000.00 CNY\n  Assets:Bank:Trust\n"
    )
    ledger = load_string(text)
    report = handover.compute(ledger, date(2025, 3, 10), "committee")
    assert assert_ties(ledger, report)
    matters = {m.id: m for m in report.matters}
    assert "budget left" not in matters["R-Y"].next  # listed for its stages only
    assert matters["R-1"].paid == D("2000.00") and "3000.00" in matters["R-1"].next
    assert "决议公开" in matters["R-1"].next  # the decision not yet published
