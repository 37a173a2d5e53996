"""The budget report in parts (operating, remuneration, maintenance projects), income budgets,
adoption and changes of a year's budget (reports.budget)."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal as D

from ledger.loader import load_string
from reports import budget
from reports.period import Period

LEDGER = """\
option "operating_currency" "CNY"
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Assets:Bank:Maintenance CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 open Income:Public:Parking CNY
2024-01-01 open Income:Maintenance:Deposits CNY
2024-01-01 open Expenses:Service:Greenery CNY
2024-01-01 open Expenses:Manager:Remuneration CNY
2024-01-01 open Expenses:Maintenance:Elevator CNY
2024-01-01 open Expenses:Maintenance:Roof CNY
2024-01-01 open Equity:Owners:Common CNY
2024-01-01 custom "tf-unit" "1-1-101" 100 "O-1"
2024-01-01 custom "tf-unit" "1-1-102" 100 "O-2"
2024-12-01 custom "tf-resolution" "R-B" "budget" "2025年度预算" ""
2024-12-05 custom "tf-vote" "R-B" "1-1-101" "yes"
2024-12-05 custom "tf-vote" "R-B" "1-1-102" "yes"
2024-12-10 custom "tf-close" "R-B"
2024-12-20 custom "tf-budget" "2025" "R-B"
2025-01-01 custom "budget" Expenses:Service:Greenery "monthly" 1000.00 CNY
2025-01-01 custom "budget" Income:Fees:Property "monthly" -5000.00 CNY
2025-01-01 custom "budget" Income:Public:Parking "yearly" 1200.00 CNY
2025-06-01 custom "tf-resolution" "R-S" "budget" "绿化追加" ""
2025-06-05 custom "tf-vote" "R-S" "1-1-101" "yes"
2025-06-05 custom "tf-vote" "R-S" "1-1-102" "yes"
2025-06-20 custom "tf-close" "R-S"
2025-07-01 custom "budget" Expenses:Service:Greenery "monthly" 1500.00 CNY
  resolution: "R-S"
2025-03-01 custom "tf-resolution" "R-E" "use-maintenance-fund" "电梯更换" ""
  budget: "9000.00 CNY"
2025-03-01 custom "tf-emergency" "E-1" "roof-leak" "街道办确认"

2025-03-10 * "业主" "物业费"
  Assets:Bank:Trust  4000.00 CNY
  Income:Fees:Property
2025-03-12 * "园林公司" "绿化"
  Assets:Bank:Trust  -1100.00 CNY
  Expenses:Service:Greenery
2025-03-31 * "物业公司" "酬金"
  period: "2025-03"
  Assets:Bank:Trust  -400.00 CNY
  Expenses:Manager:Remuneration
2025-03-15 * "电梯公司" "电梯更换 首付"
  resolution: "R-E"
  Assets:Bank:Maintenance  -6000.00 CNY
  Expenses:Maintenance:Elevator
2025-02-15 * "电梯公司" "电梯更换 定金"
  resolution: "R-E"
  Assets:Bank:Maintenance  -4000.00 CNY
  Expenses:Maintenance:Elevator
2025-03-20 * "防水公司" "屋面抢修"
  emergency: "E-1"
  Assets:Bank:Maintenance  -700.00 CNY
  Expenses:Maintenance:Roof
2025-03-21 * "防水公司" "屋面补漏"
  Assets:Bank:Maintenance  -50.00 CNY
  Expenses:Maintenance:Roof
"""


@functools.cache
def report(period: str = "2025-03") -> budget.BudgetReport:
    ledger = load_string(LEDGER)
    return budget.compute(ledger, Period.parse(period))


def test_parts_each_with_their_own_execution() -> None:
    r = report()
    operating = r.part_total("operating")
    assert (operating["budget"], operating["actual"]) == (D("1000.00"), D("1100.00"))
    assert operating["executed"] == D("1.1")  # remuneration and maintenance not in it
    assert r.part_total("remuneration")["actual"] == D("400.00")
    assert r.part_total("maintenance")["actual"] == D("6750.00")
    keys = [t.key for t in r.tables()]
    assert keys == ["income", "expenses", "remuneration", "maintenance", "projects"]
    # every part's actual adds up to the income statement's expenses
    assert sum(r.part_total(p)["actual"] for p in budget.PARTS if not p.endswith("income")) == (
        r.expense_total
    )


def test_income_budget_written_negative_as_fava_shows_it_or_positive() -> None:
    r = report()
    fees = r.row("Income:Fees:Property")
    assert (fees.budget, fees.actual, fees.status) == (D("5000.00"), D("4000.00"), budget.UNDER)
    parking = r.row("Income:Public:Parking")
    assert parking.budget == D("101.92")  # 1200 a year, March's 31 of 365 days
    assert fees.part == parking.part == "common-income"


def test_maintenance_projects_against_their_resolution_budget() -> None:
    rows = {p.project: p for p in report().projects}
    elevator = rows["R-E"]
    assert (elevator.budget, elevator.paid, elevator.paid_to_date) == (
        D("9000.00"),
        D("6000.00"),
        D("10000.00"),
    )
    assert elevator.remaining == D("-1000.00") and elevator.status == budget.OVER
    assert rows["E-1"].kind == "emergency" and rows["E-1"].budget is None
    assert rows[""].status == budget.NO_RESOLUTION and rows[""].paid == D("50.00")
    february = {p.project: p for p in report("2025-02").projects}
    assert february["R-E"].paid_to_date == D("4000.00") and "E-1" not in february


def test_year_budget_adopted_final_and_changes() -> None:
    ledger = load_string(LEDGER)
    year = budget.year_budget(ledger.entries, 2025, "CNY")
    assert year.adopted["Expenses:Service:Greenery"] == D("12000.00")
    assert year.final["Expenses:Service:Greenery"] == D("15000.00")  # +500 for 6 months
    (change,) = year.changes
    assert (change.account, change.date, change.resolutions, change.delta) == (
        "Expenses:Service:Greenery",
        date(2025, 7, 1),
        ("R-S",),
        D("3000.00"),
    )
    assert year.final["Income:Fees:Property"] == D("60000.00")


def test_report_notes_the_adoption_and_the_change() -> None:
    notes = "\n".join(report("2025").notes)
    assert "R-B" in notes and "2024-12-20" in notes
    assert "Expenses:Service:Greenery +3000.00 for 2025 (R-S)" in notes
