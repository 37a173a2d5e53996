"""Fixtures of the reports tests: a small community worked out by hand, and the demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.loader import Ledger, load, load_string

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi" / "main.beancount"

# Three units: 1-1-101 (100 m², 赵六), 1-1-102 and 2-1-101 (50 m² each, both 钱七).
# Figures for March 2025 are worked out in the tests.
SMALL = """
option "operating_currency" "CNY"
option "title" "测试小区"

2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Assets:Bank:Maintenance CNY
2024-01-01 open Assets:Receivable:Fees CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 open Income:Public:Advertising CNY
2024-01-01 open Income:Maintenance:Interest CNY
2024-01-01 open Expenses:Service:Cleaning CNY
2024-01-01 open Expenses:Refunds CNY
2024-01-01 open Expenses:Maintenance:Elevator CNY
2024-01-01 open Equity:Owners:Common CNY
2024-01-01 open Equity:Owners:Maintenance CNY

2024-01-01 custom "tf-owner" "O-1" "赵六"
2024-01-01 custom "tf-owner" "O-2" "钱七"
2024-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2024-01-01 custom "tf-unit" "1-1-102" 50.00 "O-2"
2024-01-01 custom "tf-unit" "2-1-101" 50.00 "O-2"
2024-01-01 custom "tf-threshold" 500.00 CNY 10
2025-01-01 custom "tf-contract" "C-1" Income:Public:Advertising "分众传媒有限公司" 300.00 CNY "monthly" 2025-12-31

2024-12-31 * "期初" "common fund brought forward"
  Assets:Bank:Trust  1000.00 CNY
  Equity:Owners:Common  -1000.00 CNY

2024-12-31 * "期初" "maintenance fund brought forward, per unit"
  Assets:Bank:Maintenance  1200.00 CNY
  Equity:Owners:Maintenance  -600.00 CNY
    unit: "1-1-101"
  Equity:Owners:Maintenance  -300.00 CNY
    unit: "1-1-102"
  Equity:Owners:Maintenance  -300.00 CNY
    unit: "2-1-101"

2025-01-01 * "物业费" "2025-01"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-101"
  Assets:Receivable:Fees  50.00 CNY
    unit: "1-1-102"
  Income:Fees:Property  -150.00 CNY

2025-02-01 * "物业费" "2025-02"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-101"
  Assets:Receivable:Fees  50.00 CNY
    unit: "1-1-102"
  Income:Fees:Property  -150.00 CNY

2025-03-01 * "物业费" "2025-03"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-101"
  Assets:Receivable:Fees  50.00 CNY
    unit: "1-1-102"
  Assets:Receivable:Fees  50.00 CNY
    unit: "2-1-101"
  Income:Fees:Property  -200.00 CNY

2025-03-05 * "分众传媒有限公司" "广告费 2025-03 (part)"
  contract: "C-1"
  Assets:Bank:Trust  200.00 CNY
  Income:Public:Advertising  -200.00 CNY

2025-03-10 * "钱七" "物业费 1-1-102"
  Assets:Bank:Trust  150.00 CNY
  Assets:Receivable:Fees  -150.00 CNY
    unit: "1-1-102"

2025-03-12 * "赵六" "物业费 1-1-101"
  Assets:Bank:Trust  50.00 CNY
  Assets:Receivable:Fees  -50.00 CNY
    unit: "1-1-101"

2025-03-03 custom "tf-approval" "AP-1" "committee" "李四" 200.00 CNY
2025-03-04 custom "tf-approval" "AP-1" "manager" "王五" 200.00 CNY

2025-03-15 * "<b>洁净</b>公司" "=1+2 保洁"
  approval: "AP-1"
  invoice: "INV-1"
  Assets:Bank:Trust  -200.00 CNY
  Expenses:Service:Cleaning  200.00 CNY

2025-03-18 * "孙八" "退 钱七 多缴"
  Assets:Bank:Trust  -10.00 CNY
  Expenses:Refunds  10.00 CNY

2025-03-20 * "电梯公司" "电梯维修 赵六报修"
  scope: "1"
  Assets:Bank:Maintenance  -750.00 CNY
  Expenses:Maintenance:Elevator  750.00 CNY

2025-03-31 * "银行" "维修资金利息"
  Assets:Bank:Maintenance  12.00 CNY
  Income:Maintenance:Interest  -12.00 CNY

2025-04-01 balance Assets:Bank:Trust  1190.00 CNY
2025-04-05 custom "tf-seal" "2025-03" "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
"""


@pytest.fixture(scope="session")
def small_text() -> str:
    return SMALL


@pytest.fixture(scope="module")
def small() -> Ledger:
    ledger = load_string(SMALL)
    assert ledger.errors == []
    return ledger


@pytest.fixture(scope="session")
def demo() -> Ledger:
    assert DEMO.exists(), "examples/xinyi is missing"
    ledger = load(DEMO, cache=False)
    assert ledger.errors == [], ledger.errors[:3]
    return ledger
