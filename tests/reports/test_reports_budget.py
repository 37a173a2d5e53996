"""Budget against actual: hledger's edge cases (zero budget, no budget, roll-up, partial period)."""

import functools
from datetime import date
from decimal import Decimal as D

from ledger.loader import load_string
from reports import budget
from reports.period import Period

LEDGER = """
option "operating_currency" "CNY"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Public:Parking CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Service:Security CNY
2025-01-01 open Expenses:Service:Security:Night CNY
2025-01-01 open Expenses:Committee:Office CNY
2025-01-01 open Expenses:Admin:BankFees CNY
2025-01-01 open Expenses:Gifts CNY

2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 1000.00 CNY
2025-01-01 custom "budget" Expenses:Service:Security "monthly" 3100.00 CNY
2025-01-01 custom "budget" Expenses:Committee:Office "monthly" 0.00 CNY
2025-03-16 custom "budget" Expenses:Admin:BankFees "monthly" 31.00 CNY
2025-01-01 custom "budget" Income:Fees:Property "monthly" 5000.00 CNY

2025-01-10 * "fees"
  Assets:Bank:Trust  5000.00 CNY
  Income:Fees:Property  -5000.00 CNY
2025-01-20 * "cleaning"
  Assets:Bank:Trust  -900.00 CNY
  Expenses:Service:Cleaning  900.00 CNY
2025-03-05 * "fees"
  Assets:Bank:Trust  4000.00 CNY
  Income:Fees:Property  -4000.00 CNY
2025-03-06 * "parking"
  Assets:Bank:Trust  300.00 CNY
  Income:Public:Parking  -300.00 CNY
2025-03-10 * "cleaning"
  Assets:Bank:Trust  -1200.00 CNY
  Expenses:Service:Cleaning  1200.00 CNY
2025-03-11 * "security day"
  Assets:Bank:Trust  -2000.00 CNY
  Expenses:Service:Security  2000.00 CNY
2025-03-12 * "security night"
  Assets:Bank:Trust  -500.00 CNY
  Expenses:Service:Security:Night  500.00 CNY
2025-03-13 * "office"
  Assets:Bank:Trust  -50.00 CNY
  Expenses:Committee:Office  50.00 CNY
2025-03-14 * "gift"
  Assets:Bank:Trust  -80.00 CNY
  Expenses:Gifts  80.00 CNY
2025-03-31 * "bank fees"
  Assets:Bank:Trust  -10.00 CNY
  Expenses:Admin:BankFees  10.00 CNY
"""


@functools.cache
def compute(period: str = "2025-03") -> budget.BudgetReport:
    ledger = load_string(LEDGER)
    assert ledger.errors == []
    return budget.compute(ledger, Period.parse(period))


def test_budgeted_row_and_year_to_date() -> None:
    row = compute().row("Expenses:Service:Cleaning")
    assert (row.budget, row.actual, row.variance) == (D("1000.00"), D("1200.00"), D("200.00"))
    assert row.executed == D("1.2") and row.over
    # Jan-Mar: 3 x 1000 budget, 900 + 1200 spent
    assert (row.budget_ytd, row.actual_ytd, row.variance_ytd) == (
        D("3000.00"),
        D("2100.00"),
        D("-900.00"),
    )
    assert row.executed_ytd == D("0.7")


def test_subaccount_rolls_up_to_budgeted_parent() -> None:
    report = compute()
    row = report.row("Expenses:Service:Security")
    assert row.actual == D("2500.00") and row.budget == D("3100.00") and not row.over
    assert report.find("Expenses:Service:Security:Night") is None


def test_zero_budget_is_a_budget_and_is_overspent() -> None:
    row = compute().row("Expenses:Committee:Office")
    assert row.budget == D("0.00") and row.actual == D("50.00")
    assert row.executed is None  # no percentage of a zero budget
    assert row.over and row.budgeted


def test_no_budget_is_unbudgeted_and_flagged() -> None:
    report = compute()
    row = report.row("<unbudgeted>:Expenses:Gifts")
    assert row.budget is None and row.actual == D("80.00")
    assert row.status == budget.UNBUDGETED_STATUS and not row.budgeted
    assert report.expenses[-1].account.startswith("<unbudgeted>")
    assert row in report.over_budget


def test_partial_period_budget_is_prorated_by_day() -> None:
    row = compute().row("Expenses:Admin:BankFees")
    # 31.00 a month from 16 March: 16 of March's 31 days
    assert row.budget == D("16.00")
    assert row.actual == D("10.00") and not row.over


def test_budget_with_no_actual_keeps_an_empty_cell() -> None:
    row = compute("2025-02").row("Expenses:Service:Security")
    assert row.actual is None and row.budget == D(
        "3100.00"
    )  # Fava: a month's budget per day of that month
    assert row.variance == D("-3100.00")


def test_income_rows_and_totals_tie_to_income_statement() -> None:
    report = compute()
    fees = report.row("Income:Fees:Property")
    assert (fees.budget, fees.actual, fees.status) == (D("5000.00"), D("4000.00"), budget.UNDER)
    assert report.row("<unbudgeted>:Income:Public:Parking").actual == D("300.00")
    assert report.income_total == D("4300.00")
    assert report.expense_total == D("3840.00")  # 1200 + 2500 + 50 + 80 + 10
    assert report.expense_total_ytd == D("4740.00")
    tables = {t.key: t for t in report.tables()}
    expenses_table = report.tables()[1]
    assert expenses_table.key == "expenses" and expenses_table.total is not None
    # the common fund's operating spending, the committee's working fund on its own
    assert expenses_table.total["actual"] == report.expense_total - D("50.00")
    assert expenses_table.total["budget"] == D("1000.00") + D("3100.00") + D("16.00")
    committee = tables["committee"].total
    assert committee is not None and (committee["budget"], committee["actual"]) == (0, D("50.00"))
    spending = [t for t in report.tables() if t.key != "income"]
    assert sum(t.total["actual"] for t in spending if t.total) == report.expense_total


def test_bad_budget_directive_is_a_note_not_a_crash() -> None:
    ledger = load_string(
        LEDGER + '2025-03-01 custom "budget" Expenses:Gifts "fortnightly" 1.00 CNY\n'
    )
    report = budget.compute(ledger, Period.parse("2025-03"))
    assert any("Invalid interval" in note for note in report.notes)


def test_spending_outside_the_budget_by_another_path_is_not_flagged() -> None:
    extra = """
2025-01-01 open Expenses:Maintenance:Roof CNY
2025-01-01 open Expenses:Manager:Remuneration CNY
2025-01-01 custom "tf-auto-debit" Expenses:Admin:Charges
2025-01-01 open Expenses:Admin:Charges CNY
2025-03-20 * "roof"
  Assets:Bank:Trust  -700.00 CNY
  Expenses:Maintenance:Roof  700.00 CNY
2025-03-31 * "remuneration"
  period: "2025-03"
  Assets:Bank:Trust  -430.00 CNY
  Expenses:Manager:Remuneration  430.00 CNY
2025-03-31 * "bank charge"
  Assets:Bank:Trust  -3.00 CNY
  Expenses:Admin:Charges  3.00 CNY
"""
    report = budget.compute(load_string(LEDGER + extra), Period.parse("2025-03"))
    statuses = {r.account: r.status for r in report.expenses}
    assert statuses["<unbudgeted>:Expenses:Maintenance:Roof"] == budget.BY_RESOLUTION
    assert statuses["<unbudgeted>:Expenses:Manager:Remuneration"] == budget.BY_CONTRACT
    assert statuses["<unbudgeted>:Expenses:Admin:Charges"] == budget.AUTO_DEBIT
    assert [r.account for r in report.over_budget if not r.budgeted] == [
        "<unbudgeted>:Expenses:Gifts"
    ]
    assert report.expense_total == D("3840.00") + D("1133.00")


FAVA_CASES = """
option "operating_currency" "CNY"
2024-01-01 custom "budget" Expenses:A "monthly" 1000.00 CNY
2024-03-16 custom "budget" Expenses:A "monthly" 1234.56 CNY
2024-01-01 custom "budget" Expenses:A "yearly" 99.99 USD
2024-02-10 custom "budget" Expenses:B "quarterly" 777.77 CNY
2024-02-10 custom "budget" Expenses:C "weekly" 70.00 CNY
2024-02-27 custom "budget" Expenses:D "daily" 3.33 CNY
2024-05-01 custom "budget" Expenses:E "Quarter" 100.00 CNY
2024-01-01 custom "budget" Expenses:F "fortnightly" 100.00 CNY
2024-01-01 custom "budget" Expenses:G "monthly"
"""


def test_budgets_are_read_and_prorated_exactly_as_fava_does() -> None:
    """Our reading of Fava's ``custom "budget"`` gives Fava's own figures, to the last digit,
    over leap years, month ends, quarters, weeks and days, and refuses what Fava refuses."""
    from beancount.core import data
    from fava.core.budgets import calculate_budget as fava_calculate
    from fava.core.budgets import parse_budgets as fava_parse

    ledger = load_string(FAVA_CASES)
    ours, our_errors = budget.parse_budgets(ledger.entries)
    customs = [e for e in ledger.entries if isinstance(e, data.Custom)]
    theirs, their_errors = fava_parse(customs)  # type: ignore[arg-type]
    assert sorted(ours) == sorted(theirs) == [f"Expenses:{x}" for x in "ABCDE"]
    assert [e.message for e in our_errors] == [e.message for e in their_errors]
    assert [e.entry.values[0].value for e in our_errors] == ["Expenses:F", "Expenses:G"]
    ranges = [
        (date(2024, 1, 1), date(2025, 1, 1)),
        (date(2024, 2, 1), date(2024, 3, 1)),
        (date(2024, 3, 10), date(2024, 4, 20)),
        (date(2023, 12, 1), date(2024, 2, 15)),
        (date(2024, 12, 30), date(2025, 3, 2)),
    ]
    for account in sorted(theirs):
        for start, end in ranges:
            assert budget.calculate_budget(ours, account, start, end) == dict(
                fava_calculate(theirs, account, start, end)
            ), (account, start, end)
    assert budget.calculate_budget(ours, "Expenses:X", date(2024, 1, 1), date(2024, 2, 1)) == {}
    # an amount that is not one is an error here (Fava raises AttributeError on it)
    odd = load_string('2024-01-01 custom "budget" Expenses:H "monthly" "lots"\n')
    assert [e.message for e in budget.parse_budgets(odd.entries)[1]] == [
        "Failed to parse budget entry"
    ]
