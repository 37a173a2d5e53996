"""Regression: every bank layout (INDEX.md §4 and the native fixtures) against its expected
``.beancount`` file. Regenerate only on purpose: ``TF_REGENERATE=1 pytest tests/importers_core``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from importers_core_golden import DATA, RULES, compare_golden, extract_text

from importers.bank import BankStatementImporter
from importers.base import ImportContext

LAYOUT_FILES = sorted(p for p in (DATA / "bank").iterdir() if p.suffix in (".xlsx", ".csv"))
FIXTURE_FILES = sorted(p for p in (DATA / "deb-sig").iterdir() if p.suffix in (".xls", ".csv"))


@pytest.mark.parametrize("path", LAYOUT_FILES + FIXTURE_FILES, ids=lambda p: p.name)
def test_layout_matches_expected(path: Path) -> None:
    compare_golden(path)


@pytest.mark.parametrize("path", LAYOUT_FILES, ids=lambda p: p.name)
def test_layout_reads_the_five_movements(path: Path) -> None:
    statement = BankStatementImporter(ImportContext(rules=RULES)).read(str(path))
    assert statement.errors == []
    assert [row.amount for row in statement.rows] == [
        Decimal(x) for x in ("1580.00", "2000.00", "-12500.00", "320.00", "320.00")
    ]
    assert statement.closing_balance == Decimal("91720.00")
    assert statement.rows[0].memo.startswith("3-1-1001")


@pytest.mark.parametrize("path", LAYOUT_FILES, ids=lambda p: p.name)
def test_layout_output_loads_with_a_passing_balance(path: Path) -> None:
    text = extract_text(path)
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
    assert any(e.__class__.__name__ == "Balance" for e in entries)
