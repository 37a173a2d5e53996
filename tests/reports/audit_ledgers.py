"""Ledgers the audit tests share: a clean month every check passes, and ways to break it."""

from __future__ import annotations

import functools

from ledger.loader import Ledger, load_string
from ledger.seal import entry_digest, month_digest, month_entries

# One month (March 2025) of a three-unit community that every audit check passes with
# evidence: bills by the fee standard, collections, remuneration, public income under
# contract, two service payments under contract with two-person approvals and invoices, a
# voted maintenance project within its budget with acceptance and a retention held, interest
# split by 积数, month-end balance assertions; the path of decisions (五议两公开 under a
# procedure, a notice's objection window with an objection dismissed, the year's budget
# adopted by a decided resolution, last year's surplus disposed of); :func:`clean` adds the
# month's seal.
CLEAN = """option "operating_currency" "CNY"
plugin "trustfund.xinyi"

2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Assets:Clearing:Manager CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Liabilities:Prepaid:Fees CNY
2025-01-01 open Liabilities:Deposits CNY
2025-01-01 open Liabilities:Payable:Manager CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Public:Advertising CNY
2025-01-01 open Income:Public:Leasing CNY
2025-01-01 open Income:Interest CNY
2025-01-01 open Income:Maintenance:Deposits CNY
2025-01-01 open Income:Maintenance:Interest CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Service:Greenery CNY
2025-01-01 open Expenses:Gifts CNY
2025-01-01 open Expenses:Suspense CNY
2025-01-01 open Expenses:Admin:BankFees CNY
2025-01-01 open Expenses:Manager:Remuneration CNY
2025-01-01 open Expenses:Maintenance:Elevator CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 open Equity:Owners:Maintenance CNY

2025-01-01 custom "tf-owner" "O-1" "赵六"
2025-01-01 custom "tf-owner" "O-2" "钱七"
2025-01-01 custom "tf-owner" "O-3" "孙八"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 50.00 "O-2"
2025-01-01 custom "tf-unit" "2-1-101" 80.00 "O-3"
2025-01-01 custom "tf-remuneration" 0.10 "fees"
2025-01-01 custom "tf-threshold" 1000.00 CNY 10
2025-01-01 custom "tf-remit-days" 7
2025-01-01 custom "tf-auto-debit" Expenses:Admin:BankFees
2025-01-01 custom "tf-member" "李四" "committee"
2025-01-01 custom "tf-member" "王五" "manager"
2025-01-01 custom "tf-party" "洁净保洁有限公司" "organisation"
2025-01-01 custom "tf-contract" "C-CLN" Expenses:Service:Cleaning "洁净保洁有限公司" 300.00 CNY "monthly" 2025-12-31
2025-01-01 custom "tf-contract" "C-GRN" Expenses:Service:Greenery "绿源园林有限公司" 200.00 CNY "monthly" 2025-12-31
2025-01-01 custom "tf-contract" "C-ADV" Income:Public:Advertising "分众传媒有限公司" 500.00 CNY "monthly" 2025-12-31
2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 300.00 CNY
2025-01-01 custom "budget" Expenses:Service:Greenery "monthly" 200.00 CNY
2025-03-01 custom "tf-fee" "property" 2.00 CNY "m2-month"
2025-01-01 custom "tf-procedure" "five-two" 90
2024-12-20 custom "tf-resolution" "R-0" "budget" "2025年度预算" ""
2024-12-20 custom "tf-stage" "R-0" "resolve"
2024-12-20 custom "tf-budget" "2025" "R-0"
2025-01-01 custom "trustfund-carry-surplus" "2024" "common" 800.00 CNY

2025-02-28 * "期初" "opening"
  Assets:Bank:Trust  5000.00 CNY
  Equity:Owners:Common  -5000.00 CNY

2025-03-01 * "物业费" "2025-03 bills"
  Assets:Receivable:Fees  200.00 CNY
    unit: "1-1-101"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-102"
  Assets:Receivable:Fees  160.00 CNY
    unit: "2-1-101"
  Income:Fees:Property  -460.00 CNY

2025-03-02 * "维修资金" "维修资金缴存 2025"
  Assets:Bank:Maintenance  2300.00 CNY
  Income:Maintenance:Deposits  -1000.00 CNY
    unit: "1-1-101"
  Income:Maintenance:Deposits  -500.00 CNY
    unit: "1-1-102"
  Income:Maintenance:Deposits  -800.00 CNY
    unit: "2-1-101"

2025-03-05 * "赵六" "物业费 1-1-101"
  Assets:Bank:Trust  200.00 CNY
  Assets:Receivable:Fees  -200.00 CNY
    unit: "1-1-101"

2025-03-06 * "钱七" "物业费 1-1-102"
  Assets:Bank:Trust  100.00 CNY
  Assets:Receivable:Fees  -100.00 CNY
    unit: "1-1-102"

2025-03-07 * "孙八" "物业费 2-1-101"
  Assets:Bank:Trust  160.00 CNY
  Assets:Receivable:Fees  -160.00 CNY
    unit: "2-1-101"

2025-03-10 * "分众传媒有限公司" "广告费 2025-03"
  contract: "C-ADV"
  Assets:Bank:Trust  500.00 CNY
  Income:Public:Advertising  -500.00 CNY

2025-03-12 custom "tf-approval" "AP-1" "committee" "李四" 300.00 CNY
2025-03-13 custom "tf-approval" "AP-1" "manager" "王五" 300.00 CNY
2025-03-12 custom "tf-notice" "N-1" "AP-1" 2025-03-14
2025-03-13 custom "tf-objection" "OB-1" "N-1" "1-1-102"
2025-03-14 custom "tf-objection-outcome" "OB-1" "dismissed"
2025-03-15 * "洁净保洁有限公司" "保洁 2025-03"
  approval: "AP-1"
  contract: "C-CLN"
  invoice: "INV-1"
  Assets:Bank:Trust  -300.00 CNY
  Expenses:Service:Cleaning  300.00 CNY

2025-03-12 custom "tf-approval" "AP-2" "committee" "李四" 200.00 CNY
2025-03-13 custom "tf-approval" "AP-2" "manager" "王五" 200.00 CNY
2025-03-16 * "绿源园林有限公司" "绿化 2025-03"
  approval: "AP-2"
  contract: "C-GRN"
  invoice: "INV-2"
  Assets:Bank:Trust  -200.00 CNY
  Expenses:Service:Greenery  200.00 CNY

2025-03-01 custom "tf-resolution" "R-1" "use-maintenance-fund" "1号楼电梯" "1"
  budget: "1000.00 CNY"
2025-03-02 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-03-02 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-03-05 custom "tf-close" "R-1"
2025-03-01 custom "tf-stage" "R-1" "propose"
2025-03-02 custom "tf-stage" "R-1" "discuss"
2025-03-03 custom "tf-stage" "R-1" "review"
2025-03-06 custom "tf-stage" "R-1" "publish-decision"
2025-03-06 custom "tf-contract" "C-M1" Expenses:Maintenance:Elevator "电梯工程有限公司" 1000.00 CNY "once" 2025-12-31
2025-03-18 custom "tf-approval" "AP-3" "committee" "李四" 950.00 CNY
2025-03-18 custom "tf-approval" "AP-3" "manager" "王五" 950.00 CNY
2025-03-20 * "电梯工程有限公司" "1号楼电梯维修"
  approval: "AP-3"
  resolution: "R-1"
  contract: "C-M1"
  price-audit: "SJ-1"
  invoice: "INV-3"
  acceptance: "验收单 YS-1"
  Assets:Bank:Maintenance  -950.00 CNY
  Expenses:Maintenance:Elevator  950.00 CNY

2025-03-21 * "银行" "维修资金利息"
  Assets:Bank:Maintenance  3.00 CNY
  Income:Maintenance:Interest  -3.00 CNY

2025-03-25 custom "tf-resolution" "R-2" "surplus" "2024年结余处置" ""
2025-03-25 custom "tf-stage" "R-2" "resolve"
2025-03-26 custom "tf-disposition" "2024" "reserve" 500.00 CNY "R-2"

2025-03-31 * "银行" "手续费"
  Assets:Bank:Trust  -2.00 CNY
  Expenses:Admin:BankFees  2.00 CNY

2025-03-31 * "信义物业" "2025-03 酬金"
  period: "2025-03"
  Expenses:Manager:Remuneration  46.00 CNY
  Liabilities:Payable:Manager  -46.00 CNY

2025-04-01 balance Assets:Bank:Trust  5458.00 CNY
2025-04-01 balance Assets:Bank:Maintenance  1353.00 CNY
"""


def change(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur) replaced by ``new``."""
    assert old in text, old
    return text.replace(old, new, 1)


def sealed(text: str, month: str = "2025-03") -> str:
    """``text`` with a ``tf-seal`` of ``month`` that holds (computed from its entries)."""
    ledger = load_string(text)
    digests = [entry_digest(e) for e in month_entries(ledger.entries, month)]
    digest = month_digest(month, None, digests)
    return text + f'\n2025-04-05 custom "tf-seal" "{month}" "{digest}"\n'


@functools.cache
def clean_text() -> str:
    return sealed(CLEAN)


def load(text: str) -> Ledger:
    return load_string(text)
