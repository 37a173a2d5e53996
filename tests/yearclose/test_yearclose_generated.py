"""close-year on a generated two-year community: the new year loads alone, clean, same balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from beancount.core import data

import trustfund.ops.generator as generator
from ledger.loader import load
from trustfund.ops.yearclose import YEAR_CLOSE_TAG, close


def _totals(entries: list[data.Directive], start: date, end: date) -> dict[str, Decimal]:
    """Assets/liabilities: balance before ``end``; income/expenses: flow in [start, end)."""
    totals: dict[str, Decimal] = {}
    for entry in entries:
        if (
            not isinstance(entry, data.Transaction)
            or entry.date >= end
            or YEAR_CLOSE_TAG in entry.tags
        ):
            continue
        for posting in entry.postings:
            flow = posting.account.startswith(("Income:", "Expenses:"))
            if posting.account.startswith("Equity:") or (flow and entry.date < start):
                continue
            if posting.units is not None and posting.units.number is not None:
                totals[posting.account] = (
                    totals.get(posting.account, Decimal(0)) + posting.units.number
                )
    return {k: v for k, v in totals.items() if v}


def test_generated_two_years(tmp_path: Path) -> None:
    main = generator.generate(
        tmp_path / "c", units=60, buildings=3, years=2, start_year=2025, seed=7
    )
    plan = close(main, 2025, today=date(2027, 1, 5), echo=lambda *a, **k: None)
    assert set(plan.surplus) == {"common", "maintenance"}
    full = load(main, cache=False)
    new = load(main.parent / plan.new_main, cache=False)
    assert full.errors == []
    assert new.errors == []  # includes the generator's balance assertions of 2026
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    assert _totals(new.entries, start, end) == _totals(full.entries, start, end)
    assert len(new.community.units) == len(full.community.units) == 60
    # remuneration of 2026 is computed from 2026 collections alone, the same in both
    from trustfund.rules.remuneration import remuneration_schedule

    def months(ledger: object) -> dict[str, tuple[Decimal, Decimal]]:
        rows = remuneration_schedule(ledger.entries, ledger.community)  # type: ignore[attr-defined]
        return {r.month: (r.due, r.posted) for r in rows if r.month >= "2025-12"}

    assert months(new) == months(full)
