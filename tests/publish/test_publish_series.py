"""reports.series: many periods in one pass give exactly what each period's report gives."""

from __future__ import annotations

import dataclasses

from reports import common, public, series, unit
from reports.period import Period


def _fresh(ledger, period):  # type: ignore[no-untyped-def]
    common._MEMO.clear()
    return public.compute(ledger, period).to_dict()


def test_primed_reports_equal_fresh_ones(demo_ledger) -> None:  # type: ignore[no-untyped-def]
    periods = [
        Period.parse(p) for p in ("2025-01", "2025-02", "2025-07", "2025-12", "2025", "2025Q3")
    ]
    expected = {p.label: _fresh(demo_ledger, p) for p in periods}
    common._MEMO.clear()
    series.prime(
        demo_ledger.entries,
        demo_ledger.community,
        [(p.start, p.end) for p in periods] + [(p.start, p.start) for p in periods],
    )
    for p in periods:
        assert public.compute(demo_ledger, p).to_dict() == expected[p.label], p.label


def test_statements_of_many_units_equal_one_by_one(demo_ledger) -> None:  # type: ignore[no-untyped-def]
    rooms = sorted(demo_ledger.community.units)[:6]
    period = Period.parse("2025")
    common._MEMO.clear()
    many = unit.statements(demo_ledger, period, rooms)
    for room in rooms:
        common._MEMO.clear()
        one = unit.compute(demo_ledger, period, room)
        assert dataclasses.asdict(many[room]) == dataclasses.asdict(one), room
