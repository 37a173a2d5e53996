"""The issue-16 directives parse (ledger.community) with TF001/TF002 for what is wrong."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.loader import load_string

ROOT = Path(__file__).resolve().parents[2]

HEADER = """\
plugin "trustfund.rules.directives"
2024-01-01 open Expenses:Service:Greenery CNY
2024-01-01 custom "tf-unit" "3-1-101" 89.50 "O-0001"
2025-03-03 custom "tf-approval" "AP-2025-040" "committee" "李四" 1200.00 CNY
2025-03-04 custom "tf-approval" "AP-2025-040" "manager" "王五" 1200.00 CNY
2025-02-01 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "3号楼电梯更换" "3"
2024-12-01 custom "tf-resolution" "R-2024-09" "budget" "2025年度预算" ""
2026-02-01 custom "tf-resolution" "R-2026-02" "surplus" "2025年度结余处置" ""
"""
FIRST = len(HEADER.splitlines()) + 1


def design_lines() -> str:
    """The issue-16 example lines of DESIGN.md §3 (they must parse as written)."""
    text = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    names = ("tf-procedure", "tf-stage", "tf-objection", "tf-budget", "tf-disposition")
    lines = []
    for line in text.splitlines():
        body = line.split(";", 1)[0].strip()
        match = re.match(r'^\d{4}-\d\d-\d\d custom "(tf-[a-z-]+)"', body)
        if not match:
            continue
        name = match.group(1)
        if name.startswith(names) or re.search(r'"tf-notice" "[^"]+" "[^"]+" \d{4}-', body):
            lines.append(body)
    return "\n".join(lines) + "\n"


def errors_of(body: str) -> list[tuple[str, int, str]]:
    ledger = load_string(HEADER + body)
    out = []
    for error in ledger.errors:
        out.append((error.code, error.source["lineno"], error.message))
    return sorted(out)


def test_design_examples_parse_cleanly() -> None:
    body = design_lines()
    assert body.count("\n") >= 7, body
    assert errors_of(body) == []
    gov = load_string(HEADER + body).community.governance
    assert gov.procedure.at(date(2025, 6, 1)).days == 90  # type: ignore[union-attr]
    assert [s.stage for s in gov.stages["R-2025-01"]] == ["propose"]
    assert gov.notices["N-2025-004"][0].deadline == date(2025, 3, 11)
    assert gov.objections["OB-2025-01"].notice_id == "N-2025-004"
    assert gov.outcome("OB-2025-01").outcome == "dismissed"  # type: ignore[union-attr]
    assert gov.adoption("2025").resolution_id == "R-2024-09"  # type: ignore[union-attr]
    (disposition,) = gov.dispositions["2025"]
    assert (disposition.kind, disposition.amount) == ("reserve", Decimal("50000.00"))


def test_two_value_notices_stay_valid() -> None:
    body = '2025-03-05 custom "tf-notice" "N-1" "AP-2025-040"\n'
    assert errors_of(body) == []
    notice = load_string(HEADER + body).community.notices["AP-2025-040"][0]
    assert notice.deadline is None


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('2025-03-05 custom "tf-notice" "N-1" "AP-2025-040" 2025-03-04', "before the notice"),
        ('2025-03-05 custom "tf-notice" "N-1" "AP-2025-040" "2025-03-15"', "expected tf-notice"),
        ('2025-03-05 custom "tf-notice" "N-1" "AP-2025-040" 2025-03-15 1', "expected tf-notice"),
        ('2025-03-05 custom "tf-notice" "N-1"', "expected tf-notice"),
        ('2025-01-01 custom "tf-procedure" "5+2"', "not one of five-two, none"),
        ('2025-01-01 custom "tf-procedure" "five-two" 0', "above 0"),
        ('2025-01-01 custom "tf-procedure" "five-two" 7.5', "whole number"),
        ('2025-01-01 custom "tf-stage" "R-2025-01" "approve"', "not one of propose"),
        ('2025-01-01 custom "tf-stage" "R-2025-01"', "expected tf-stage"),
        ('2025-03-06 custom "tf-objection" "OB-1" "N-1" ""', "who objects is empty"),
        ('2025-03-06 custom "tf-objection-outcome" "OB-1" "accepted"', "not one of withdrawn"),
        ('2024-12-20 custom "tf-budget" 2025 "R-2024-09"', "expected tf-budget"),
        ('2024-12-20 custom "tf-budget" "FY2025" "R-2024-09"', "is not YYYY"),
        (
            '2026-03-01 custom "tf-disposition" "2025" "dividend" 1.00 CNY "R-2026-02"',
            "not one of carry-forward",
        ),
        (
            '2026-03-01 custom "tf-disposition" "2025" "reserve" 0.00 CNY "R-2026-02"',
            "must be positive",
        ),
        (
            '2025-12-31 custom "tf-disposition" "2025" "reserve" 1.00 CNY "R-2026-02"',
            "after the year",
        ),
    ],
)
def test_tf001_malformed(line: str, fragment: str) -> None:
    found = errors_of(line + "\n")
    assert [(code, lineno) for code, lineno, _ in found] == [("TF001", FIRST)]
    assert fragment in found[0][2]


def test_an_objection_recorded_twice_is_tf001() -> None:
    body = '2025-03-05 custom "tf-notice" "N-1" "AP-2025-040"\n'
    body += '2025-03-06 custom "tf-objection" "OB-1" "N-1" "3-1-101"\n' * 2
    assert [(c, n) for c, n, _ in errors_of(body)] == [("TF001", FIRST + 2)]


@pytest.mark.parametrize(
    ("line", "ids"),
    [
        ('2025-01-01 custom "tf-stage" "R-9" "propose"', ("resolution:R-9",)),
        (
            '2025-03-06 custom "tf-objection" "OB-1" "N-9" "3-1-101"',
            ("objection:OB-1", "notice:N-9"),
        ),
        ('2025-03-06 custom "tf-objection-outcome" "OB-9" "dismissed"', ("objection:OB-9",)),
        ('2024-12-20 custom "tf-budget" "2025" "R-9"', ("resolution:R-9",)),
        ('2026-03-01 custom "tf-disposition" "2025" "reserve" 1.00 CNY "R-9"', ("resolution:R-9",)),
    ],
)
def test_tf002_unknown_references(line: str, ids: tuple[str, ...]) -> None:
    ledger = load_string(HEADER + line + "\n")
    assert [(e.code, e.ids) for e in ledger.errors] == [("TF002", ids)]


def test_later_outcome_supersedes_and_outcome_on_a_day_is_read_as_of_it() -> None:
    body = '2025-03-05 custom "tf-notice" "N-1" "AP-2025-040" 2025-03-15\n'
    body += '2025-03-06 custom "tf-objection" "OB-1" "N-1" "3-1-101"\n'
    body += '2025-03-08 custom "tf-objection-outcome" "OB-1" "upheld"\n'
    body += '2025-03-20 custom "tf-objection-outcome" "OB-1" "withdrawn"\n'
    gov = load_string(HEADER + body).community.governance
    assert gov.outcome("OB-1", date(2025, 3, 7)) is None
    assert gov.outcome("OB-1", date(2025, 3, 8)).outcome == "upheld"  # type: ignore[union-attr]
    assert gov.outcome("OB-1").outcome == "withdrawn"  # type: ignore[union-attr]
