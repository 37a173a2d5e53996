"""Every corporate bank layout (INDEX.md §4, written by tests/data/bank/make_layouts.py): the
five movements read right, and the extraction loads with its balances holding. The expected
entries themselves are compared by test_importers_core_golden.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from importers.bank import BankStatementImporter
from importers.base import ImportContext
from importers.rules import load_rules
from importers.testing import extract
from ledger.printer import format_entries

DATA = Path(__file__).resolve().parent.parent / "data"
RULES = load_rules(DATA / "import-rules.toml")
LAYOUT_FILES = sorted(  # make_layouts.py's files (make_cases.py writes the CIB_personal_* ones)
    p
    for p in (DATA / "bank").iterdir()
    if p.suffix in (".xlsx", ".csv") and not p.name.startswith("CIB_personal")
)


@pytest.mark.parametrize("path", LAYOUT_FILES, ids=lambda p: p.name)
def test_layout_reads_the_five_movements(path: Path) -> None:
    statement = BankStatementImporter(ImportContext(rules=RULES)).read(str(path))
    assert statement.errors == []
    assert [row.amount for row in statement.rows] == [
        Decimal(x) for x in ("1580.00", "2000.00", "-12500.00", "320.00", "320.00")
    ]
    assert statement.closing_balance == Decimal("91720.00")
    assert statement.opening_balance == Decimal("100000.00")
    assert statement.rows[0].memo.startswith("3-1-1001")


@pytest.mark.parametrize("path", LAYOUT_FILES, ids=lambda p: p.name)
def test_layout_output_loads_with_passing_balances(path: Path) -> None:
    text = format_entries(extract(path).entries)
    opens = "\n".join(
        f"2025-01-01 open {a}"
        for a in (
            "Assets:Bank:Trust",
            "Assets:Bank:Other",
            "Assets:Receivable:Fees",
            "Income:Public:Advertising",
            "Expenses:Service:Cleaning",
            "Income:Suspense",
            "Expenses:Suspense",
            "Equity:Opening",
        )
    )
    opening = '2025-12-31 * "opening"\n  Assets:Bank:Trust  100000.00 CNY\n  Assets:Bank:Other  100000.00 CNY\n  Equity:Opening\n'
    entries, errors, _ = loader.load_string(opens + "\n" + opening + "\n" + text)
    assert errors == [], [e.message for e in errors]
    balances = [e for e in entries if isinstance(e, data.Balance)]
    assert [str(b.amount) for b in balances] == ["100000.00 CNY", "91720.00 CNY"]
