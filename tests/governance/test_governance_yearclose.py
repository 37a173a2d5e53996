"""close-year carries what TF601–TF607 need into the new year, and the year's surplus."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from ledger.entries import SURPLUS_CARRY_TYPE
from ledger.errors import TrustError
from ledger.loader import load
from trustfund.ops.yearclose import close

MAIN = """\
option "title" "换届小区"
option "operating_currency" "CNY"
plugin "trustfund.xinyi"
include "2025.beancount"
include "2026-01.beancount"
"""

Y2025 = """\
2025-01-01 commodity CNY
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Expenses:Service:Elevator CNY
2025-01-01 open Expenses:Service:Greenery CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 custom "tf-owner" "O-1" "张三"
2025-01-01 custom "tf-owner" "O-2" "李四"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 100.00 "O-2"
2025-01-01 custom "tf-procedure" "five-two"
2025-01-02 * "业主" "物业费"
  Assets:Bank:Trust   10000.00 CNY
  Income:Fees:Property
2025-10-01 custom "tf-stage" "R-1" "propose"
2025-10-05 custom "tf-stage" "R-1" "discuss"
2025-10-10 custom "tf-stage" "R-1" "review"
2025-10-20 custom "tf-resolution" "R-1" "hire-contractor" "电梯维保 2026" ""
2025-10-25 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-10-25 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-11-01 custom "tf-close" "R-1"
2025-11-02 custom "tf-stage" "R-1" "publish-decision"
2025-11-20 custom "tf-resolution" "R-B" "budget" "2026年度预算" ""
2025-11-25 custom "tf-vote" "R-B" "1-1-101" "yes"
2025-11-25 custom "tf-vote" "R-B" "1-1-102" "yes"
2025-12-01 custom "tf-close" "R-B"
2025-12-02 custom "tf-stage" "R-B" "publish-decision"
2025-12-05 custom "tf-budget" "2026" "R-B"
2025-12-10 custom "tf-approval" "AP-1" "committee" "甲" 9000.00 CNY
2025-12-10 custom "tf-approval" "AP-1" "manager" "乙" 9000.00 CNY
2025-12-11 custom "tf-notice" "N-1" "AP-1" 2025-12-21
2025-12-15 custom "tf-objection" "OB-1" "N-1" "1-1-102"
2025-12-20 * "电梯公司" "维保 12月"
  approval: "AP-1"
  resolution: "R-1"
  Expenses:Service:Elevator  1500.00 CNY
  Assets:Bank:Trust
2026-01-01 custom "budget" Expenses:Service:Greenery "monthly" 300.00 CNY
"""  # 2025: surplus 10000 − 1500 = 8500; the December payment breaks TF604 and TF605

Y2026 = """\
2026-01-08 custom "tf-objection-outcome" "OB-1" "dismissed"
2026-01-10 * "电梯公司" "维保 1月"
  approval: "AP-1"
  resolution: "R-1"
  Expenses:Service:Elevator  1500.00 CNY
  Assets:Bank:Trust
2026-01-20 custom "tf-resolution" "R-D" "surplus" "2025年度结余处置" ""
2026-01-22 custom "tf-vote" "R-D" "1-1-101" "yes"
2026-01-22 custom "tf-vote" "R-D" "1-1-102" "yes"
2026-01-25 custom "tf-close" "R-D"
2026-01-26 custom "tf-disposition" "2025" "carry-forward" 8000.00 CNY "R-D"
2026-01-26 custom "tf-disposition" "2025" "reserve" 600.00 CNY "R-D"
"""  # dispositions 8600 > 8500: TF607 (judged from the year's transactions, then the carry)


def results(errors: list[object]) -> Counter[tuple[str, date]]:
    found: Counter[tuple[str, date]] = Counter()
    for error in errors:
        assert isinstance(error, TrustError), error
        entry = error.entry
        found[(error.code, entry.date if entry is not None else date.min)] += 1
    return found


def test_new_year_alone_gives_the_same_governance_results(tmp_path: Path) -> None:
    (tmp_path / "main.beancount").write_text(MAIN, encoding="utf-8")
    (tmp_path / "2025.beancount").write_text(Y2025, encoding="utf-8")
    (tmp_path / "2026-01.beancount").write_text(Y2026, encoding="utf-8")
    before = results(load(tmp_path / "main.beancount", cache=False).errors)
    assert before == Counter(
        {
            ("TF604", date(2025, 12, 20)): 1,
            ("TF605", date(2025, 12, 20)): 1,
            ("TF607", date(2026, 1, 26)): 1,
        }
    ), before
    plan = close(
        tmp_path / "main.beancount", 2025, today=date(2026, 2, 1), echo=lambda *a, **k: None
    )
    new = load(tmp_path / plan.new_main, cache=False)
    after = results(new.errors)
    # the 2026 payment still has its full trail and its objection answered; the disposition is
    # judged against the carried surplus
    assert after == Counter({("TF607", date(2026, 1, 26)): 1}), after
    (error,) = new.errors
    assert isinstance(error, TrustError) and error.amount == Decimal("100.00")
    opening = (tmp_path / "2026" / "2026-opening.beancount").read_text(encoding="utf-8")
    assert f'custom "{SURPLUS_CARRY_TYPE}" "2025" "common" 8500.00 CNY' in opening
    assert 'custom "tf-budget" "2026" "R-B"' in opening
    assert 'custom "tf-procedure" "five-two"' in opening
    assert opening.count('"tf-stage" "R-1"') == 4
    assert 'custom "tf-objection" "OB-1" "N-1"' in opening
    gov = new.community.governance
    assert gov.adoption("2026") is not None and "R-B" in new.community.resolutions
