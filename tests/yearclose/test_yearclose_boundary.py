"""close-year: the new year alone gives the same trust-rule results as the full history."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
import pytest
from beancount.core import data

from ledger.errors import error_code
from ledger.loader import load
from trustfund.ops.yearclose import close

TODAY = date(2026, 3, 1)

MAIN = """\
option "title" "边界小区"
option "operating_currency" "CNY"
plugin "trustfund.xinyi"
include "base.beancount"
include "2025/2025.beancount"
include "2026/2026-01.beancount"
"""

BASE = """\
2025-01-01 commodity CNY
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Assets:Clearing:Manager CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Liabilities:Payable:Manager CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Maintenance:Deposits CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Manager:Remuneration CNY
2025-01-01 open Expenses:Maintenance:Elevator CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 open Equity:Owners:Maintenance CNY
2025-01-01 custom "tf-owner" "O-1" "张三"
2025-01-01 custom "tf-owner" "O-2" "李四"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "2-1-101" 100.00 "O-2"
2025-01-01 custom "tf-remuneration" 0.10 "fees"
2025-01-01 custom "tf-remit-days" 7
2025-01-01 custom "tf-threshold" 100000.00 CNY 10
"""

Y2025 = """\
2025-01-02 * "维修资金 首期"
  Assets:Bank:Maintenance  20000.00 CNY
  Income:Maintenance:Deposits  -10000.00 CNY
    unit: "1-1-101"
  Income:Maintenance:Deposits  -10000.00 CNY
    unit: "2-1-101"

2025-11-01 custom "tf-approval" "AP-1" "committee" "甲" 1000.00 CNY
2025-11-01 custom "tf-approval" "AP-1" "manager" "乙" 1000.00 CNY
2025-12-20 custom "tf-approval" "AP-2" "committee" "甲" 1000.00 CNY
2025-12-20 custom "tf-approval" "AP-2" "manager" "乙" 1000.00 CNY

2025-11-05 * "物业费 11月"
  Assets:Bank:Trust  1000.00 CNY
  Assets:Receivable:Fees  -1000.00 CNY
    unit: "1-1-101"

2025-11-01 * "开票"
  Assets:Receivable:Fees  3000.00 CNY
    unit: "1-1-101"
  Assets:Receivable:Fees  1000.00 CNY
    unit: "2-1-101"
  Income:Fees:Property  -4000.00 CNY

2025-11-15 * "保洁"
  approval: "AP-1"
  Expenses:Service:Cleaning  600.00 CNY
  Assets:Bank:Trust

2025-12-05 * "酬金 11月"
  period: "2025-11"
  Expenses:Manager:Remuneration  100.00 CNY
  Liabilities:Payable:Manager

2025-12-10 * "物业费 12月"
  Assets:Bank:Trust  1000.00 CNY
  Assets:Receivable:Fees  -1000.00 CNY
    unit: "1-1-101"

2025-12-28 * "物业代收 微信 (remitted late, in January)"
  Assets:Clearing:Manager  200.00 CNY
  Assets:Receivable:Fees  -200.00 CNY
    unit: "1-1-101"

2025-12-30 * "物业代收 微信 (remitted on time, in January)"
  Assets:Clearing:Manager  300.00 CNY
  Assets:Receivable:Fees  -300.00 CNY
    unit: "2-1-101"

2025-12-01 custom "tf-resolution" "R-1" "use-maintenance-fund" "电梯" ""
2025-12-10 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-12-10 custom "tf-vote" "R-1" "2-1-101" "yes"
2025-12-20 custom "tf-close" "R-1"
2025-12-01 custom "tf-resolution" "R-2" "use-maintenance-fund" "屋面" ""
2025-12-10 custom "tf-vote" "R-2" "1-1-101" "yes"
2025-12-10 custom "tf-vote" "R-2" "2-1-101" "no"
2025-12-20 custom "tf-close" "R-2"
"""

Y2026 = """\
2026-01-05 * "上缴"
  Assets:Bank:Trust  300.00 CNY
  Assets:Clearing:Manager
2026-01-06 * "上缴"
  Assets:Bank:Trust  200.00 CNY
  Assets:Clearing:Manager

2026-01-05 * "酬金 12月"
  period: "2025-12"
  Expenses:Manager:Remuneration  {december} CNY
  Liabilities:Payable:Manager

2026-01-10 * "保洁 (AP-1 already 600 used: 1100 > 1000)"
  approval: "AP-1"
  Expenses:Service:Cleaning  500.00 CNY
  Assets:Bank:Trust

2026-01-12 * "保洁"
  approval: "AP-2"
  Expenses:Service:Cleaning  800.00 CNY
  Assets:Bank:Trust

2026-01-02 custom "tf-approval" "AP-3" "committee" "甲" 5000.00 CNY
2026-01-02 custom "tf-approval" "AP-3" "manager" "乙" 5000.00 CNY
2026-01-15 * "电梯维修 (R-1 passed)"
  approval: "AP-3"
  resolution: "R-1"
  contract: "C-1"
  price-audit: "PA-1"
  Expenses:Maintenance:Elevator  4000.00 CNY
  Assets:Bank:Maintenance

2026-01-16 * "屋面维修 (R-2 failed)"
  approval: "AP-3"
  resolution: "R-2"
  contract: "C-2"
  price-audit: "PA-2"
  Expenses:Maintenance:Elevator  1000.00 CNY
  Assets:Bank:Maintenance
"""


def write_ledger(root: Path, december: str = "150.01", dec_txn: bool = True) -> Path:
    (root / "2025").mkdir(parents=True)
    (root / "2026").mkdir()
    (root / "main.beancount").write_text(MAIN, encoding="utf-8")
    (root / "base.beancount").write_text(BASE, encoding="utf-8")
    (root / "2025" / "2025.beancount").write_text(Y2025, encoding="utf-8")
    y2026 = Y2026.format(december=december)
    if not dec_txn:
        y2026 = y2026.replace(
            '2026-01-05 * "酬金 12月"\n  period: "2025-12"\n',
            '2026-01-05 * "酬金 (other)"\n  period: "2026-01"\n',
        )
    (root / "2026" / "2026-01.beancount").write_text(y2026, encoding="utf-8")
    return root / "main.beancount"


def rule_results(errors: Iterable[object]) -> Counter[tuple[str, date]]:
    found: Counter[tuple[str, date]] = Counter()
    for error in errors:
        code = error_code(error)
        assert code is not None, f"not a trust-rule error: {error}"
        entry = getattr(error, "entry", None)
        day = entry.date if entry is not None else date.min
        found[(code, day)] += 1
    return found


def test_new_year_alone_gives_the_full_history_results(tmp_path: Path) -> None:
    main = write_ledger(tmp_path)
    before = rule_results(load(main, cache=False).errors)
    plan = close(main, 2025, today=TODAY, echo=lambda *a, **k: None)
    full = rule_results(load(main, cache=False).errors)
    new = rule_results(load(tmp_path / plan.new_main, cache=False).errors)
    assert full == before  # the closing entries change no rule result
    expected = {
        ("TF103", date(2025, 12, 28)),  # collected 12-28, due 01-04, remitted 01-06
        ("TF201", date(2026, 1, 5)),  # December: 0.10 × 1500 = 150.00, posted 150.01
        ("TF304", date(2026, 1, 10)),  # AP-1: 600 in 2025 + 500 in 2026 > 1000
        ("TF402", date(2026, 1, 16)),  # R-2 failed its vote (closed in 2025)
    }
    assert set(full) == expected, full
    assert new == full


def test_remuneration_of_the_old_last_month_posted_right_in_january(tmp_path: Path) -> None:
    main = write_ledger(tmp_path, december="150.00")
    plan = close(main, 2025, today=TODAY, echo=lambda *a, **k: None)
    full = rule_results(load(main, cache=False).errors)
    new = rule_results(load(tmp_path / plan.new_main, cache=False).errors)
    assert ("TF201", date(2026, 1, 5)) not in full
    assert new == full


def test_december_never_posted_is_tf202_in_both(tmp_path: Path) -> None:
    main = write_ledger(tmp_path, dec_txn=False, december="0.00")
    plan = close(main, 2025, today=TODAY, echo=lambda *a, **k: None)
    full = rule_results(load(main, cache=False).errors)
    new = rule_results(load(tmp_path / plan.new_main, cache=False).errors)
    assert ("TF202", date(2025, 1, 1)) in full  # at the tf-remuneration line in force
    assert new == full


def test_opening_balances_closing_entries_and_files(tmp_path: Path) -> None:
    main = write_ledger(tmp_path)
    plan = close(main, 2025, today=TODAY, echo=lambda *a, **k: None)
    assert plan.surplus == {"common": Decimal("3300.00"), "maintenance": Decimal("20000.00")}
    assert 'include "2025/2025-close.beancount"' in main.read_text(encoding="utf-8")
    new_main = (tmp_path / "2026.beancount").read_text(encoding="utf-8")
    assert 'include "2026/2026-01.beancount"' in new_main and "2025/2025.beancount" not in new_main
    assert 'plugin "trustfund.xinyi"' in new_main
    ledger = load(tmp_path / "2026.beancount", cache=False)
    assert all(error_code(e) is not None for e in ledger.errors), ledger.errors
    assert min(e.date for e in ledger.entries if isinstance(e, data.Transaction)) >= date(
        2025, 12, 28
    )
    text = (tmp_path / "2026" / "2026-opening.beancount").read_text(encoding="utf-8")
    opening = re.sub(r"(?<=\S) {2,}(?=\S)", "  ", text)  # Beancount's printer aligns amounts
    # receivables per unit, collections held by the manager with their own dates
    assert 'Equity:Owners:Common  -800.00 CNY\n    unit: "1-1-101"' in opening
    assert '2025-12-28 * "期初: 物业代收未上缴 (2025-12-28)"' in opening
    assert '"trustfund-carry-remuneration" "2025-12" 1500.00 150.0000 0' in opening
    # AP-1 carried with what is left; AP-2 in full
    assert '"tf-approval" "AP-1" "committee" "甲" 400.00 CNY' in opening
    assert '"tf-approval" "AP-2" "manager" "乙" 1000.00 CNY' in opening
    # every account's balance at the end of January is the same in both ledgers
    full = load(main, cache=False)
    assert _balances(full.entries, date(2026, 2, 1), assets_only=True) == _balances(
        ledger.entries, date(2026, 2, 1), assets_only=True
    )
    # the seals of the closed year are written into the archive
    assert (tmp_path / "seals" / "2025-12.sha256").exists()


def _balances(entries: list[data.Directive], until: date, assets_only: bool) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date < until:
            for posting in entry.postings:
                if assets_only and not posting.account.startswith(("Assets:", "Liabilities:")):
                    continue
                if posting.units is not None and posting.units.number is not None:
                    totals[posting.account] = (
                        totals.get(posting.account, Decimal(0)) + posting.units.number
                    )
    return {k: v for k, v in totals.items() if v}


def test_refusals(tmp_path: Path) -> None:
    main = write_ledger(tmp_path)
    with pytest.raises(click.ClickException, match="not over"):
        close(main, 2026, today=TODAY, echo=lambda *a, **k: None)
    close(main, 2025, today=TODAY, echo=lambda *a, **k: None)
    with pytest.raises(click.ClickException, match="already closed"):
        close(main, 2025, today=TODAY, echo=lambda *a, **k: None)


def test_close_year_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main as cli_main

    write_ledger(tmp_path)
    result = CliRunner().invoke(cli_main, ["close-year", "2025", str(tmp_path), "--no-seal"])
    assert result.exit_code == 0, result.output
    assert "common fund: surplus 3300.00" in result.output
    assert "not sealed (--no-seal)" in result.output
    assert not (tmp_path / "seals").exists()
    check = CliRunner().invoke(cli_main, ["check", "--quiet", str(tmp_path / "2026.beancount")])
    assert check.exit_code == 1
    assert {line.split(": ")[1][:5] for line in check.output.splitlines() if ": TF" in line} == {
        "TF103",
        "TF201",
        "TF304",
        "TF402",
    }


def _comparable(entry: data.Directive) -> data.Directive:
    """An entry without what a file cannot hold: its location and Beancount's ``__`` keys."""

    def clean(meta: dict[str, object] | None) -> dict[str, object]:
        return {
            k: v
            for k, v in (meta or {}).items()
            if k not in ("filename", "lineno") and not k.startswith("__")
        }

    if isinstance(entry, data.Transaction):
        postings = [p._replace(meta=clean(p.meta)) for p in entry.postings]
        return entry._replace(meta=clean(entry.meta), postings=postings)
    return entry._replace(meta=clean(entry.meta))  # type: ignore[attr-defined,no-any-return]


def test_what_close_year_writes_parses_back_to_the_same_entries(tmp_path: Path) -> None:
    """Year close builds Beancount entries and prints them with Beancount's printer: each file
    it writes parses (alone, without errors) to exactly the entries it built."""
    from beancount.parser import parser

    main = write_ledger(tmp_path)
    plan = close(main, 2025, today=TODAY, echo=lambda *a, **k: None)
    assert set(plan.entries) == {"2025/2025-close.beancount", "2026/2026-opening.beancount"}
    kinds: set[str] = set()
    for rel, built in plan.entries.items():
        parsed, errors, _ = parser.parse_string((tmp_path / rel).read_text(encoding="utf-8"))
        assert not errors, (rel, errors)
        # the parser sorts by date: compare as sets of entries, each one whole
        assert sorted(map(repr, map(_comparable, parsed))) == sorted(
            map(repr, map(_comparable, built))
        ), rel
        assert len(parsed) == len(built) > 0
        kinds |= {type(e).__name__ for e in built}
    # transactions with posting metadata, opens, customs with amounts and numbers all round-trip
    assert {"Transaction", "Open", "Custom"} <= kinds
