"""The demo community shows the path of its decisions and the end of its year (issue 16)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.community import STAGES
from ledger.loader import Ledger, load
from reports import budget, settlement
from reports.period import Period

DEMO = Path(__file__).resolve().parents[2] / "examples" / "xinyi" / "main.beancount"


@pytest.fixture(scope="module")
def demo() -> Ledger:
    ledger = load(DEMO, cache=False)
    assert ledger.errors == []  # zero rule errors, the new rules included
    return ledger


def test_the_elevator_project_has_its_full_trail_in_order(demo: Ledger) -> None:
    community = demo.community
    gov = community.governance
    rid = "R-2025-01"
    assert community.resolutions[rid].matter == "use-maintenance-fund"
    assert gov.procedure_for(community.resolutions[rid]) is not None
    first = gov.stage_dates(rid, community.closes[rid])
    assert list(first) != [] and set(first) == set(STAGES)  # all seven, decision = the close
    days = [first[s] for s in STAGES]
    assert days == sorted(days)
    pays = [p for p in _payments(demo) if rid in p.resolutions]  # on acceptance, retention
    pay = pays[0]
    assert first["publish-decision"] <= pay.date <= first["evaluate"]
    (notice,) = [n for ns in gov.notices.values() for n in ns if n.approval_id in pay.approvals]
    assert notice.deadline is not None and notice.deadline < pay.date
    (objection,) = gov.by_notice[notice.id]
    assert objection.date <= notice.deadline
    outcome = gov.outcome(objection.id, pay.date)
    assert outcome is not None and outcome.outcome == "dismissed"


def test_the_budget_adopted_by_resolution_with_one_supplement(demo: Ledger) -> None:
    adoption = demo.community.governance.adoption("2025")
    assert adoption is not None and adoption.resolution_id == "R-2025-00"
    year = budget.year_budget(demo.entries, 2025, "CNY")
    (change,) = year.changes
    assert change.resolutions == ("R-2025-03",) and change.delta > 0
    assert year.final["Income:Fees:Property"] > 0  # an income budget
    report = budget.compute(demo, Period.parse("2025"))
    operating = report.part_total("operating")
    assert Decimal("0.9") < operating["executed"] < Decimal("1.1")  # not the 260 % of issue 16


def test_the_2025_settlement_disposes_of_its_surplus(demo: Ledger) -> None:
    report = settlement.compute(demo, Period.parse("2025"))
    assert report.surplus > 0 and report.undisposed == 0
    assert {d.kind for d in report.dispositions} == {"reserve", "refund-by-area", "carry-forward"}
    assert not any(d.flagged for d in report.dispositions)
    refund = next(d for d in report.dispositions if d.kind == "refund-by-area")
    assert sum((r.amount for r in report.refunds), Decimal(0)) == refund.amount
    assert len(report.refunds) == len(demo.community.register_at(date(2026, 1, 19)))


def _payments(ledger: Ledger) -> list:
    from ledger.index import index_of

    return index_of(ledger.entries, ledger.community).payments
