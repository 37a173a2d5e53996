"""Bad or thin data never makes a report raise: every violation example, an empty ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.loader import load, load_string
from reports.period import Period
from trustfund.ops.reporting import FORMATS, build, renderer

VIOLATIONS = sorted(
    (Path(__file__).resolve().parents[2] / "examples" / "violations").glob("TF*.beancount")
)


def _render_all(ledger, period: Period, tmp_path: Path) -> int:
    written = 0
    for kind in ("public", "budget", "audit"):
        report = build(kind, ledger, period)
        shared = report.to_dict()  # what the Fava pages use
        assert shared["kind"] == kind and json.dumps(shared, default=str, ensure_ascii=False)
        for fmt, extension in FORMATS.items():
            path = tmp_path / f"{kind}.{extension}"
            renderer(fmt).write(report, path)
            written += path.stat().st_size > 0
    rooms = sorted(ledger.community.units)
    if rooms:
        build("unit", ledger, period, rooms[0])
    return written


@pytest.mark.parametrize("path", VIOLATIONS, ids=lambda p: p.stem)
def test_every_violation_example_reports(path: Path, tmp_path: Path) -> None:
    ledger = load(path, cache=False)
    last = ledger.community.last_date
    assert last is not None
    period = Period.parse(str(last.year))
    assert _render_all(ledger, period, tmp_path) == 12
    audit = build("audit", ledger, period)
    code = path.stem
    reasons = [f.reason for c in audit.checks for f in c.findings]  # type: ignore[attr-defined]
    assert any(r.startswith(code) for r in reasons), code  # the rule's error is in the audit


def test_empty_and_odd_ledgers(tmp_path: Path) -> None:
    for text in (
        "",
        'option "operating_currency" "USD"\n2025-01-01 open Assets:Bank:Trust\n'
        '2025-01-01 open Expenses:Misc\n2025-02-01 * "x"\n  Assets:Bank:Trust  -5 USD\n  Expenses:Misc  5 USD\n',
    ):
        ledger = load_string(text)
        assert _render_all(ledger, Period.parse("2025"), tmp_path) == 12
