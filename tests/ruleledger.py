"""One helper for rule test ledgers: a small inline ledger in, the trust-rule errors out.

    from ruleledger import load_rules

    result = load_rules('''
        2025-03-05 * "电梯公司" "三月电梯保养"
          approval: "AP-1"
          Expenses:Service:Elevator  1200.00 CNY
          Assets:Bank:Trust
    ''')
    result.codes()                 # ["TF002"]
    result.lines("TF002")          # [line numbers in the full text]
    result.line_of("三月电梯保养")   # the line holding the text (exactly one)
    result["TF002"][0].ids         # the TrustError itself

The body is dedented and appended to :data:`HEADER` (``plugin "trustfund.xinyi"``, the chart of
accounts of DESIGN.md §3, three units with their owners, a threshold of 100,000 with 10 days'
notice, bank charges as auto-debit, and opening balances), unless ``header=False``. Beancount's
own errors fail the test at once: a rule test must not pass because its ledger did not parse.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ledger.errors import TrustError, error_code
from ledger.loader import format_error, load_string

ACCOUNTS = (
    "Assets:Bank:Trust",
    "Assets:Bank:Maintenance",
    "Assets:Clearing:Manager",
    "Assets:Receivable:Fees",
    "Liabilities:Prepaid:Fees",
    "Liabilities:Deposits",
    "Liabilities:Payable:Manager",
    "Income:Fees:Property",
    "Income:Fees:Parking",
    "Income:Public:Parking",
    "Income:Public:Advertising",
    "Income:Public:Leasing",
    "Income:Interest",
    "Expenses:Service:Cleaning",
    "Expenses:Service:Security",
    "Expenses:Service:Greenery",
    "Expenses:Service:Elevator",
    "Expenses:Fees:Waivers",
    "Expenses:Manager:Remuneration",
    "Expenses:Maintenance:Elevator",
    "Expenses:Maintenance:Roof",
    "Expenses:Admin:BankFees",
    "Equity:Owners:Common",
    "Equity:Owners:Maintenance",
)

HEADER = (
    'option "operating_currency" "CNY"\n'
    + "".join(f"2024-01-01 open {account} CNY\n" for account in ACCOUNTS)
    + textwrap.dedent("""\
    2024-01-01 custom "tf-owner" "O-1" "张三"
    2024-01-01 custom "tf-owner" "O-2" "李五"
    2024-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
    2024-01-01 custom "tf-unit" "1-1-102" 80.50 "O-2"
    2024-01-01 custom "tf-unit" "2-1-101" 120.00 "O-2"
    2024-01-01 custom "tf-threshold" 100000.00 CNY 10
    2024-01-01 custom "tf-auto-debit" Expenses:Admin:BankFees
    2024-12-01 * "期初余额" "共同基金"
      Assets:Bank:Trust   2000000.00 CNY
      Equity:Owners:Common
    2024-12-01 * "期初余额" "维修资金"
      Assets:Bank:Maintenance   2000000.00 CNY
      Equity:Owners:Maintenance
    """)
)


@dataclass
class RuleResult:
    """The full ledger text and the trust-rule errors it gave, by code."""

    text: str
    errors: list[TrustError]
    by_code: dict[str, list[TrustError]] = field(default_factory=dict)

    def __getitem__(self, code: str) -> list[TrustError]:
        return self.by_code.get(code, [])

    def codes(self) -> list[str]:
        """Every error's code, in the order reported."""
        return [e.code for e in self.errors]

    def lines(self, code: str) -> list[int]:
        """The line numbers (in :attr:`text`) of the errors of one code, sorted."""
        return sorted(int((e.source or {}).get("lineno", 0)) for e in self[code])

    def line_of(self, needle: str) -> int:
        """The line of :attr:`text` holding ``needle`` (it must hold it exactly once)."""
        hits = [n for n, line in enumerate(self.text.splitlines(), 1) if needle in line]
        assert len(hits) == 1, (needle, hits)
        return hits[0]

    def at(self) -> list[tuple[str, int]]:
        """(code, line) of every error, sorted."""
        return sorted((e.code, int((e.source or {}).get("lineno", 0))) for e in self.errors)

    def messages(self) -> list[str]:
        return [format_error(e) for e in self.errors]


def load_rules(body: str, *, header: bool = True, plugin: str = "trustfund.xinyi") -> RuleResult:
    """Load ``body`` (dedented; after :data:`HEADER` unless ``header=False``) with ``plugin``."""
    text = textwrap.dedent(body).lstrip("\n")
    if header:
        text = f'plugin "{plugin}"\n' + HEADER + text
    ledger = load_string(text)
    errors: list[TrustError] = []
    by_code: dict[str, list[TrustError]] = defaultdict(list)
    for error in ledger.errors:
        code = error_code(error)
        assert code, f"not a trust-rule error: {format_error(error)}"
        assert isinstance(error, TrustError)
        errors.append(error)
        by_code[code].append(error)
    return RuleResult(text, errors, dict(by_code))


def sources(errors: list[Any]) -> list[int]:
    """Line numbers of errors."""
    return sorted(int((getattr(e, "source", None) or {}).get("lineno", 0)) for e in errors)
