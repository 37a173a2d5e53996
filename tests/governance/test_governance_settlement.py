"""`trustfund report settlement` (决算): lines against the adopted and final budget, funds,
dispositions and refunds by area; every format; a ledger after close-year."""

from __future__ import annotations

import csv
import functools
import io
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from beanquery.query import run_query
from click.testing import CliRunner

from cli import main
from ledger.loader import load, load_string
from reports import settlement
from reports.period import Period
from trustfund.ops.yearclose import close

LEDGER = """\
option "title" "决算小区"
option "operating_currency" "CNY"
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Assets:Bank:Maintenance CNY
2024-01-01 open Liabilities:Prepaid:Fees CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 open Income:Maintenance:Deposits CNY
2024-01-01 open Expenses:Service:Greenery CNY
2024-01-01 open Expenses:Manager:Remuneration CNY
2024-01-01 open Expenses:Maintenance:Roof CNY
2024-01-01 open Expenses:Refunds CNY
2024-01-01 open Equity:Owners:Common CNY
2024-01-01 open Equity:Owners:Maintenance CNY
2024-01-01 custom "tf-owner" "O-1" "赵六"
2024-01-01 custom "tf-owner" "O-2" "钱七"
2024-01-01 custom "tf-owner" "O-3" "孙八"
2024-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2024-01-01 custom "tf-unit" "1-1-102" 70.00 "O-2"
2024-01-01 custom "tf-unit" "1-1-103" 30.00 "O-3"
2024-12-31 * "期初" "common fund brought forward"
  Assets:Bank:Trust   5000.00 CNY
  Equity:Owners:Common
2024-12-31 * "期初" "maintenance fund brought forward"
  Assets:Bank:Maintenance   20000.00 CNY
  Equity:Owners:Maintenance
2024-12-01 custom "tf-resolution" "R-B" "budget" "2025年度预算" ""
2024-12-05 custom "tf-vote" "R-B" "1-1-101" "yes"
2024-12-05 custom "tf-vote" "R-B" "1-1-102" "yes"
2024-12-10 custom "tf-close" "R-B"
2024-12-20 custom "tf-budget" "2025" "R-B"
2025-01-01 custom "budget" Expenses:Service:Greenery "monthly" 500.00 CNY
2025-01-01 custom "budget" Income:Fees:Property "yearly" -12000.00 CNY
2025-06-01 custom "tf-resolution" "R-S" "budget" "绿化追加" ""
2025-06-05 custom "tf-vote" "R-S" "1-1-101" "yes"
2025-06-05 custom "tf-vote" "R-S" "1-1-102" "yes"
2025-06-20 custom "tf-close" "R-S"
2025-07-01 custom "budget" Expenses:Service:Greenery "monthly" 700.00 CNY
  resolution: "R-S"
2025-01-01 custom "tf-approval" "AP-1" "committee" "甲" 99999.00 CNY
2025-01-01 custom "tf-approval" "AP-1" "manager" "乙" 99999.00 CNY
2025-01-01 custom "tf-hazard" "roof-leak"
2025-03-01 custom "tf-emergency" "E-1" "roof-leak" "街道办确认"

2025-02-10 * "业主" "物业费"
  Assets:Bank:Trust  12500.00 CNY
  Income:Fees:Property
2025-02-11 * "业主" "预交"
  Assets:Bank:Trust  300.00 CNY
  Liabilities:Prepaid:Fees
2025-03-01 * "业主" "维修资金"
  Assets:Bank:Maintenance  1000.00 CNY
  Income:Maintenance:Deposits
2025-03-10 * "园林公司" "绿化"
  approval: "AP-1"
  Assets:Bank:Trust  -6500.00 CNY
  Expenses:Service:Greenery
2025-03-31 * "物业公司" "酬金"
  period: "2025-03"
  approval: "AP-1"
  Assets:Bank:Trust  -1000.00 CNY
  Expenses:Manager:Remuneration
2025-04-02 * "防水公司" "屋面抢修"
  emergency: "E-1"
  approval: "AP-1"
  contract: "C-R"
  price-audit: "PA-1"
  Assets:Bank:Maintenance  -3000.00 CNY
  Expenses:Maintenance:Roof
"""  # common: income 12500, spending 7500, surplus 5000; maintenance: 1000 − 3000

DISPOSAL = """
2026-02-01 custom "tf-resolution" "R-D" "surplus" "2025年度结余处置" ""
2026-02-05 custom "tf-vote" "R-D" "1-1-101" "yes"
2026-02-05 custom "tf-vote" "R-D" "1-1-102" "yes"
2026-02-10 custom "tf-close" "R-D"
2026-02-11 custom "tf-disposition" "2025" "reserve" 1000.00 CNY "R-D"
2026-02-11 custom "tf-disposition" "2025" "refund-by-area" 1000.01 CNY "R-D"
2026-02-11 custom "tf-disposition" "2025" "carry-forward" 2500.00 CNY "R-D"
2026-02-15 * "维修资金专户" "结余转入维修资金"
  resolution: "R-D"
  approval: "AP-1"
  Assets:Bank:Trust  -1000.00 CNY
  Assets:Bank:Maintenance  1000.00 CNY
2026-02-16 * "业主" "结余按面积退还 1-1-101"
  resolution: "R-D"
  approval: "AP-1"
  Assets:Bank:Trust  -500.01 CNY
  Expenses:Refunds
"""

YEAR = Period.parse("2025")


@functools.cache
def report() -> settlement.SettlementReport:
    ledger = load_string(LEDGER + DISPOSAL)
    assert ledger.errors == [], ledger.errors
    return settlement.compute(ledger, YEAR)


def test_funds_surplus_and_the_identity_of_net_assets() -> None:
    r = report()
    common = r.fund("common")
    assert (common.opening, common.income, common.spending, common.surplus) == (
        D("5000.00"),
        D("12500.00"),
        D("7500.00"),
        D("5000.00"),
    )
    maintenance = r.fund("maintenance")
    assert maintenance.surplus == D("-2000.00") and maintenance.status == settlement.DEFICIT
    for fund in r.funds:
        parts = (fund.opening, fund.equity, fund.transfers)
        assert fund.closing is not None and None not in parts
        assert fund.closing == sum((p for p in parts if p is not None), fund.surplus)
    assert common.closing == D("10000.00")  # bank 10300 less the 300 prepaid it holds for owners
    assert r.surplus == D("5000.00")


def test_surplus_ties_to_beanquery() -> None:
    ledger = load_string(LEDGER)
    _, rows = run_query(
        ledger.entries,
        ledger.options,
        "SELECT sum(number) WHERE year(date) = 2025 AND account ~ '^(Income|Expenses)' "
        "AND NOT account ~ 'Maintenance'",
    )
    assert -rows[0][0] == settlement.compute(ledger, YEAR).surplus


def test_lines_adopted_change_and_final_budget() -> None:
    r = report()
    greenery = r.line("Expenses:Service:Greenery")
    assert (greenery.adopted, greenery.change, greenery.budget, greenery.actual) == (
        D("6000.00"),
        D("1200.00"),
        D("7200.00"),
        D("6500.00"),
    )
    fees = r.line("Income:Fees:Property")
    assert (fees.budget, fees.actual, fees.part) == (D("12000.00"), D("12500.00"), "common-income")
    assert r.line("<unbudgeted>:Expenses:Manager:Remuneration").part == "remuneration"
    (change,) = r.changes
    assert (change.date, change.delta, change.resolution, change.status) == (
        date(2025, 7, 1),
        D("1200.00"),
        "R-S",
        "",
    )
    assert any("R-B" in note for note in r.notes)


def test_dispositions_what_moved_and_the_refund_by_area() -> None:
    r = report()
    kinds = {d.kind: d for d in r.dispositions}
    assert kinds["reserve"].moved == D("1000.00")
    assert kinds["refund-by-area"].moved == D("500.01")
    assert kinds["carry-forward"].moved is None
    assert r.disposed == D("4500.01") and r.undisposed == D("499.99")
    assert not any(d.flagged for d in r.dispositions)
    refunds = {row.unit: row.amount for row in r.refunds}
    assert sum(refunds.values()) == D("1000.01")  # exactly, to the fen
    assert refunds == {"1-1-101": D("500.01"), "1-1-102": D("350.00"), "1-1-103": D("150.00")}


def test_disposition_beyond_the_surplus_is_flagged() -> None:
    text = LEDGER + DISPOSAL.replace("2500.00 CNY", "3500.00 CNY")
    r = settlement.compute(load_string(text), YEAR)
    assert [d.status for d in r.dispositions][-1] == settlement.OVER


@pytest.mark.parametrize("fmt", ["text", "html", "csv", "xlsx"])
def test_every_format_through_the_command(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER + DISPOSAL, encoding="utf-8")
    out = tmp_path / f"settlement.{ {'text': 'txt'}.get(fmt, fmt) }"
    result = CliRunner().invoke(
        main, ["report", "settlement", "-p", "2025", "-o", str(out), str(path)]
    )
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(out)
        assert len(wb.sheetnames) == len(report().tables())
        cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row]
        assert 5000 in cells or D("5000.00") in cells or 5000.0 in cells
        return
    text = out.read_text(encoding="utf-8-sig")
    assert "5,000.00" in text or "5000.00" in text
    if fmt == "csv":
        assert any(
            "2025年度结余处置" in c or "R-D" in c
            for row in csv.reader(io.StringIO(text))
            for c in row
        )
    else:
        assert "年度决算" in text and "结余处置" in text
    for name in ("赵六", "钱七", "孙八"):
        assert name not in text  # owners' names never appear


def test_a_month_is_not_a_settlement_period_and_the_default_is_a_year(tmp_path: Path) -> None:
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER, encoding="utf-8")
    bad = CliRunner().invoke(main, ["report", "settlement", "-p", "2025-03", str(path)])
    assert bad.exit_code != 0 and "whole year" in bad.output
    ok = CliRunner().invoke(main, ["report", "settlement", str(path)])
    assert ok.exit_code == 0 and "2025年度" in ok.output


def test_after_close_year_the_new_ledger_knows_the_surplus(tmp_path: Path) -> None:
    (tmp_path / "main.beancount").write_text(
        LEDGER + '\ninclude "new-year.beancount"\n', encoding="utf-8"
    )
    (tmp_path / "new-year.beancount").write_text(DISPOSAL, encoding="utf-8")
    plan = close(
        tmp_path / "main.beancount", 2025, today=date(2026, 3, 1), echo=lambda *a, **k: None
    )
    archive = settlement.compute(load(tmp_path / "main.beancount", cache=False), YEAR)
    common = archive.fund("common")
    assert common.booked == common.surplus == D("5000.00") and common.status == settlement.SURPLUS
    new = settlement.compute(load(tmp_path / plan.new_main, cache=False), YEAR)
    assert not new.held and new.fund("common").surplus == D("5000.00")
    assert new.undisposed == D("499.99")
    assert any("holds no transaction of 2025" in note for note in new.notes)
