"""The special audit on a small ledger with known faults; the rules' errors are reused."""

from __future__ import annotations

import functools
from decimal import Decimal as D

from beancount import loader as bc_loader

from ledger.loader import load_string
from reports import audit
from reports.period import Period

# Faults: a gift paid on a one-role approval (TF302), without invoice and without a budget line;
# a lease deposit booked as income; the leasing contract short by 100; remuneration posted 90
# instead of 10% x 1000 (TF201); the maintenance account's month-end balance off by 6.00.
LEDGER = """option "operating_currency" "CNY"
plugin "trustfund.xinyi"

2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Liabilities:Payable:Manager CNY
2025-01-01 open Liabilities:Deposits CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Public:Leasing CNY
2025-01-01 open Income:Public:Other CNY
2025-01-01 open Income:Maintenance:Interest CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Gifts CNY
2025-01-01 open Expenses:Manager:Remuneration CNY
2025-01-01 open Expenses:Maintenance:Elevator CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 open Equity:Owners:Maintenance CNY

2025-01-01 custom "tf-owner" "O-1" "赵六"
2025-01-01 custom "tf-owner" "O-2" "钱七"
2025-01-01 custom "tf-owner" "O-3" "孙八"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 50.00 "O-2"
2025-01-01 custom "tf-unit" "1-1-103" 50.00 "O-3"
2025-01-01 custom "tf-remuneration" 0.10 "fees"
2025-01-01 custom "tf-threshold" 1000.00 CNY 10
2025-01-01 custom "tf-contract" "C-1" Income:Public:Leasing "便利店有限公司" 500.00 CNY "monthly" 2025-12-31
2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 300.00 CNY

2025-02-28 * "期初" "opening"
  Assets:Bank:Trust  5000.00 CNY
  Equity:Owners:Common  -5000.00 CNY
2025-02-28 * "期初" "opening maintenance"
  Assets:Bank:Maintenance  3000.00 CNY
  Equity:Owners:Maintenance  -1500.00 CNY
    unit: "1-1-101"
  Equity:Owners:Maintenance  -750.00 CNY
    unit: "1-1-102"
  Equity:Owners:Maintenance  -750.00 CNY
    unit: "1-1-103"

2025-03-01 * "fees"
  Assets:Bank:Trust  1000.00 CNY
  Income:Fees:Property  -1000.00 CNY

2025-03-02 * "便利店有限公司" "租金 2025-03"
  contract: "C-1"
  Assets:Bank:Trust  400.00 CNY
  Income:Public:Leasing  -400.00 CNY

2025-03-02 * "便利店有限公司" "押金"
  Assets:Bank:Trust  1000.00 CNY
  Income:Public:Other  -1000.00 CNY

2025-03-03 custom "tf-approval" "AP-1" "committee" "李四" 300.00 CNY
2025-03-04 custom "tf-approval" "AP-1" "manager" "王五" 300.00 CNY
2025-03-05 * "洁净公司" "保洁"
  approval: "AP-1"
  invoice: "INV-1"
  Assets:Bank:Trust  -200.00 CNY
  Expenses:Service:Cleaning  200.00 CNY

2025-03-03 custom "tf-approval" "AP-2" "committee" "李四" 80.00 CNY
2025-03-06 * "礼品店" "慰问品"
  approval: "AP-2"
  Assets:Bank:Trust  -80.00 CNY
  Expenses:Gifts  80.00 CNY

2025-03-01 custom "tf-resolution" "R-1" "use-maintenance-fund" "1号楼电梯" "1"
2025-03-02 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-03-02 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-03-02 custom "tf-vote" "R-1" "1-1-103" "no"
2025-03-03 custom "tf-close" "R-1"
2025-03-04 custom "tf-approval" "AP-3" "committee" "李四" 1500.00 CNY
2025-03-04 custom "tf-approval" "AP-3" "manager" "王五" 1500.00 CNY
2025-03-05 custom "tf-notice" "N-1" "AP-3"
2025-03-20 * "电梯公司" "1号楼电梯维修"
  approval: "AP-3"
  resolution: "R-1"
  contract: "HT-1"
  price-audit: "SJ-1"
  invoice: "INV-3"
  Assets:Bank:Maintenance  -1500.00 CNY
  Expenses:Maintenance:Elevator  1500.00 CNY

2025-03-31 * "银行" "利息"
  Assets:Bank:Maintenance  6.00 CNY
  Income:Maintenance:Interest  -6.00 CNY

2025-03-31 * "信义物业" "2025-03 酬金"
  period: "2025-03"
  Expenses:Manager:Remuneration  90.00 CNY
  Liabilities:Payable:Manager  -90.00 CNY

2025-04-01 balance Assets:Bank:Trust  7120.00 CNY
2025-04-01 balance Assets:Bank:Maintenance  1500.00 CNY
"""

MARCH = Period.parse("2025-03")


@functools.cache
def report() -> audit.AuditReport:
    ledger = load_string(LEDGER)
    return audit.compute(ledger, MARCH)


def by_title(en: str) -> audit.CheckResult:
    return next(c for c in report().checks if c.en.startswith(en))


def failures(check: audit.CheckResult) -> list[audit.Finding]:
    return [f for f in check.findings if not f.ok]


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(LEDGER.splitlines(), start=1) if text in line)


def test_parts_and_numbering() -> None:
    ids = [c.id for c in report().checks]
    assert ids[0] == "M01" and "C01" in ids
    assert all(c.part == "maintenance" for c in report().checks if c.id.startswith("M"))
    assert not report().passed


def test_maintenance_use_passes_with_tally() -> None:
    for title in ("Use cites", "Vote passed", "Vote closed", "Contract and price audit"):
        check = by_title(title)
        assert check.passed and check.items == 1, title
    (vote,) = by_title("Vote passed").findings
    assert "66.67%" in vote.reason and "R-1" in vote.subject  # 2 of 3 units, 150 of 200 m²


def test_allocation_and_interest() -> None:
    allocation = by_title("Cost allocated")
    assert allocation.passed
    assert allocation.findings[0].amount == D("1500.00") and "3 户" in allocation.findings[0].reason
    assert by_title("Interest credited").passed


def test_bank_reconciliation_uses_balance_assertions() -> None:
    maintenance = by_title("Bank reconciliation (maintenance")
    (failure,) = failures(maintenance)
    assert failure.location == f"<string>:{line_of('balance Assets:Bank:Maintenance')}"
    assert "6.00" in failure.reason
    common = next(
        c for c in report().checks if c.part == "common" and c.en == "Bank reconciliation"
    )
    assert common.part == "common" and common.passed and common.items == 1


def test_approval_invoice_budget_exceptions_point_at_the_payment() -> None:
    gift_line = line_of('"礼品店"')
    co_sign = next(
        c for c in report().checks if c.part == "common" and c.en.startswith("Co-signatures")
    )
    (failure,) = failures(co_sign)
    assert failure.reason.startswith("TF302") and failure.location == f"<string>:{gift_line}"
    assert failure.amount == D("80.00")
    invoice = next(c for c in report().checks if c.part == "common" and c.en.startswith("Invoice"))
    assert [f.location for f in failures(invoice)] == [f"<string>:{gift_line}"]
    (off_budget,) = failures(by_title("Every expense"))
    assert "Expenses:Gifts" in off_budget.reason


def test_contract_deposit_and_remuneration() -> None:
    (short,) = failures(by_title("Public income against contracts"))
    assert short.amount == D("100.00") and "C-1" in short.subject
    (deposit,) = failures(by_title("Deposits held"))
    assert deposit.amount == D("1000.00") and deposit.location == f"<string>:{line_of('押金')}"
    (remuneration,) = by_title("Remuneration recomputed").findings
    assert not remuneration.ok and remuneration.reason.startswith("TF201")
    assert remuneration.amount == D("100.00")


def test_summary_totals_re_add() -> None:
    tables = report().tables()
    summary = tables[0]
    assert summary.total is not None
    assert summary.key == "summary" and len(tables) == len(report().checks) + 1
    assert summary.total["exceptions"] == sum(c.exceptions for c in report().checks)
    for table, check in zip(tables[1:], report().checks, strict=True):
        assert table.total is not None
        assert table.total["amount"] == sum((f.amount or 0 for f in check.findings), D(0))


def test_rules_run_when_the_ledger_has_no_plugin_line() -> None:
    entries, _, _ = bc_loader.load_string(LEDGER.replace('plugin "trustfund.xinyi"', ""))
    result = audit.compute(entries, MARCH)
    codes = [f.reason[:5] for c in result.checks for f in c.findings if not f.ok]
    assert "TF302" in codes and "TF201" in codes
    assert any("running the rules" in note for note in result.notes)


def test_contract_deposit_must_be_held_as_a_liability() -> None:
    line = next(x for x in LEDGER.splitlines() if '"tf-contract" "C-1"' in x)
    ledger = load_string(LEDGER.replace(line, line + '\n  deposit: "1000.00 CNY"'))
    check = next(c for c in audit.compute(ledger, MARCH).checks if c.en.startswith("Deposits held"))
    contract = [f for f in check.findings if f.subject.startswith("C-1")]
    assert len(contract) == 1 and not contract[0].ok
    assert (
        contract[0].amount == D("1000.00")
        and "held on Liabilities:Deposits 0" in contract[0].reason
    )
