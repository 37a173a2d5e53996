"""The special audit: rule errors read by their fields, evidence, ageing, 积数 interest, waivers."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal as D

from audit_ledgers import CLEAN, change, load
from beancount import loader as bc_loader

from ledger.errors import make_error
from ledger.loader import load_string
from reports import audit
from reports.common import Source
from reports.period import Period
from reports.subledgers import maintenance_ledger, receivables

MARCH = Period.parse("2025-03")

# Faults: a gift paid on a one-role approval (TF302), without invoice and without a budget line;
# a lease deposit booked as income; the leasing contract short by 100; remuneration posted 90
# instead of 10% x 1000 (TF201); the maintenance account's month-end balance off by 6.00.
LEDGER = """option "operating_currency" "CNY"
plugin "trustfund.xinyi"

2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Liabilities:Payable:Manager CNY
2025-01-01 open Liabilities:Deposits CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Public:Leasing CNY
2025-01-01 open Income:Public:Other CNY
2025-01-01 open Income:Maintenance:Interest CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Gifts CNY
2025-01-01 open Expenses:Manager:Remuneration CNY
2025-01-01 open Expenses:Maintenance:Elevator CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 open Equity:Owners:Maintenance CNY

2025-01-01 custom "tf-owner" "O-1" "赵六"
2025-01-01 custom "tf-owner" "O-2" "钱七"
2025-01-01 custom "tf-owner" "O-3" "孙八"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 50.00 "O-2"
2025-01-01 custom "tf-unit" "1-1-103" 50.00 "O-3"
2025-01-01 custom "tf-remuneration" 0.10 "fees"
2025-01-01 custom "tf-threshold" 1000.00 CNY 10
2025-01-01 custom "tf-contract" "C-1" Income:Public:Leasing "便利店有限公司" 500.00 CNY "monthly" 2025-12-31
2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 300.00 CNY

2025-02-28 * "期初" "opening"
  Assets:Bank:Trust  5000.00 CNY
  Equity:Owners:Common  -5000.00 CNY
2025-02-28 * "期初" "opening maintenance"
  Assets:Bank:Maintenance  3000.00 CNY
  Equity:Owners:Maintenance  -1500.00 CNY
    unit: "1-1-101"
  Equity:Owners:Maintenance  -750.00 CNY
    unit: "1-1-102"
  Equity:Owners:Maintenance  -750.00 CNY
    unit: "1-1-103"

2025-03-01 * "fees"
  Assets:Bank:Trust  1000.00 CNY
  Income:Fees:Property  -1000.00 CNY

2025-03-02 * "便利店有限公司" "租金 2025-03"
  contract: "C-1"
  Assets:Bank:Trust  400.00 CNY
  Income:Public:Leasing  -400.00 CNY

2025-03-02 * "便利店有限公司" "押金"
  Assets:Bank:Trust  1000.00 CNY
  Income:Public:Other  -1000.00 CNY

2025-03-03 custom "tf-approval" "AP-1" "committee" "李四" 300.00 CNY
2025-03-04 custom "tf-approval" "AP-1" "manager" "王五" 300.00 CNY
2025-03-05 * "洁净公司" "保洁"
  approval: "AP-1"
  invoice: "INV-1"
  Assets:Bank:Trust  -200.00 CNY
  Expenses:Service:Cleaning  200.00 CNY

2025-03-03 custom "tf-approval" "AP-2" "committee" "李四" 80.00 CNY
2025-03-06 * "礼品店" "慰问品"
  approval: "AP-2"
  Assets:Bank:Trust  -80.00 CNY
  Expenses:Gifts  80.00 CNY

2025-03-01 custom "tf-resolution" "R-1" "use-maintenance-fund" "1号楼电梯" "1"
2025-03-02 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-03-02 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-03-02 custom "tf-vote" "R-1" "1-1-103" "no"
2025-03-03 custom "tf-close" "R-1"
2025-03-04 custom "tf-approval" "AP-3" "committee" "李四" 1500.00 CNY
2025-03-04 custom "tf-approval" "AP-3" "manager" "王五" 1500.00 CNY
2025-03-05 custom "tf-notice" "N-1" "AP-3"
2025-03-20 * "电梯公司" "1号楼电梯维修"
  approval: "AP-3"
  resolution: "R-1"
  contract: "HT-1"
  price-audit: "SJ-1"
  invoice: "INV-3"
  Assets:Bank:Maintenance  -1500.00 CNY
  Expenses:Maintenance:Elevator  1500.00 CNY

2025-03-31 * "银行" "利息"
  Assets:Bank:Maintenance  6.00 CNY
  Income:Maintenance:Interest  -6.00 CNY

2025-03-31 * "信义物业" "2025-03 酬金"
  period: "2025-03"
  Expenses:Manager:Remuneration  90.00 CNY
  Liabilities:Payable:Manager  -90.00 CNY

2025-04-01 balance Assets:Bank:Trust  7120.00 CNY
2025-04-01 balance Assets:Bank:Maintenance  1500.00 CNY
"""


@functools.cache
def report() -> audit.AuditReport:
    return audit.compute(load_string(LEDGER), MARCH)


def failures(check: audit.CheckResult) -> list[audit.Finding]:
    return [f for f in check.findings if not f.ok]


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(LEDGER.splitlines(), start=1) if text in line)


def test_fixed_ids_in_the_order_of_the_table() -> None:
    assert [c.id for c in report().checks] == [s.id for s in audit.CHECKS] + ["X01"]
    assert all(c.part == "maintenance" for c in report().checks if c.id.startswith("M"))
    assert not report().passed


def test_maintenance_use_passes_with_tally() -> None:
    for check_id in ("M01", "M02", "M03", "M04"):
        check = report().check(check_id)
        assert check.passed and check.items == 1, check_id
    (vote,) = report().check("M02").findings
    assert "66.67%" in vote.reason and "R-1" in vote.subject  # 2 of 3 units, 150 of 200 m²


def test_bank_reconciliation_uses_balance_assertions() -> None:
    (failure,) = failures(report().check("M10"))
    assert failure.location == f"<string>:{line_of('balance Assets:Bank:Maintenance')}"
    assert "6.00" in failure.reason
    common = report().check("C08")
    assert common.passed and common.items == 1


def test_approval_invoice_budget_exceptions_point_at_the_payment() -> None:
    gift_line = line_of('"礼品店"')
    (failure,) = failures(report().check("C05"))
    assert failure.reason.startswith("TF302") and failure.location == f"<string>:{gift_line}"
    assert failure.amount == D("80.00")
    assert [f.location for f in failures(report().check("C06"))] == [f"<string>:{gift_line}"]
    (off_budget,) = failures(report().check("C04"))
    assert "Expenses:Gifts" in off_budget.reason


def test_contract_deposit_and_remuneration() -> None:
    (short,) = failures(report().check("C01"))
    assert short.amount == D("100.00") and "C-1" in short.subject
    (deposit,) = failures(report().check("C18"))
    assert deposit.amount == D("1000.00") and deposit.location == f"<string>:{line_of('押金')}"
    (remuneration,) = report().check("C15").findings
    assert not remuneration.ok and "TF201" in remuneration.reason
    assert remuneration.amount == D("10.00")  # at stake: posted 90 against 100 due


def test_summary_totals_re_add() -> None:
    tables = report().tables()
    summary = tables[0]
    assert summary.total is not None and summary.key == "summary"
    assert summary.total["exceptions"] == sum(c.exceptions for c in report().checks)
    assert summary.total["exception_amount"] == sum(
        (c.exception_amount for c in report().checks), D(0)
    )
    checks = report().checks
    for table, check in zip(tables[1 : len(checks) + 1], checks, strict=True):
        assert table.key == check.id and table.total is not None
        assert table.total["amount"] == check.exception_amount


def test_rules_run_when_the_ledger_has_no_plugin_line() -> None:
    entries, _, _ = bc_loader.load_string(LEDGER.replace('plugin "trustfund.xinyi"', ""))
    result = audit.compute(entries, MARCH)
    reasons = [f.reason for c in result.checks for f in c.findings if not f.ok]
    assert any("TF302" in r for r in reasons) and any("TF201" in r for r in reasons)
    assert any("running the rules" in note for note in result.notes)


def test_one_rule_plugin_is_not_all_rules() -> None:
    """A ledger that loads only one rule module still gets every rule's verdict."""
    text = LEDGER.replace('plugin "trustfund.xinyi"', 'plugin "trustfund.rules.funds"')
    result = audit.compute(load_string(text), MARCH)
    assert not result.check("C05").passed  # TF302 comes from trustfund.rules.approval
    assert any("running the rules" in note for note in result.notes)


def test_contract_deposit_must_be_held_as_a_liability() -> None:
    line = next(x for x in LEDGER.splitlines() if '"tf-contract" "C-1"' in x)
    ledger = load_string(LEDGER.replace(line, line + '\n  deposit: "1000.00 CNY"'))
    check = audit.compute(ledger, MARCH).check("C18")
    contract = [f for f in check.findings if f.subject.startswith("C-1")]
    assert len(contract) == 1 and not contract[0].ok
    assert contract[0].amount == D("1000.00")
    assert "held on Liabilities:Deposits 0" in contract[0].reason


# ---------------------------------------------------------------------------------------
# Rule errors are read by their fields, never by their message


TWO_RESOLUTIONS = change(
    CLEAN,
    '2025-03-20 * "电梯工程有限公司" "1号楼电梯维修"',
    """2025-03-01 custom "tf-resolution" "R-10" "use-maintenance-fund" "2号楼门禁" "2"
2025-03-02 custom "tf-vote" "R-10" "2-1-101" "no"
2025-03-05 custom "tf-close" "R-10"
2025-03-18 custom "tf-approval" "AP-10" "committee" "李四" 40.00 CNY
2025-03-18 custom "tf-approval" "AP-10" "manager" "王五" 40.00 CNY
2025-03-19 * "门禁工程有限公司" "2号楼门禁维修"
  approval: "AP-10"
  resolution: "R-10"
  contract: "C-M10"
  price-audit: "SJ-10"
  invoice: "INV-10"
  Assets:Bank:Maintenance  -40.00 CNY
  Expenses:Maintenance:Elevator  40.00 CNY

2025-03-20 * "电梯工程有限公司" "1号楼电梯维修\"""",
).replace("Assets:Bank:Maintenance  1353.00 CNY", "Assets:Bank:Maintenance  1313.00 CNY")


def test_resolution_r1_is_not_r10() -> None:
    """Regression: R-1's vote was dropped because "R-1" is a substring of "R-10"."""
    ledger = load(TWO_RESOLUTIONS)
    assert any("R-10" in e.message for e in ledger.errors)  # TF402 for R-10 only
    votes = {f.subject.split()[0]: f for f in audit.compute(ledger, MARCH).check("M02").findings}
    assert set(votes) == {"R-1", "R-10"}
    assert votes["R-1"].ok and "100.00%" in votes["R-1"].reason
    assert not votes["R-10"].ok and votes["R-10"].amount == D("40.00")


def test_errors_match_findings_by_ids_not_by_message() -> None:
    ledger = load(TWO_RESOLUTIONS)
    payment = next(e for e in ledger.entries if getattr(e, "narration", "") == "2号楼门禁维修")
    misleading = make_error(
        "TF402",
        "resolution R-1 is mentioned here, but this error is about R-10",
        payment,
        ids=["resolution:R-10"],
        amount=D("40.00"),
    )
    src = Source(ledger.entries, ledger.community, [misleading], ledger.options)
    votes = {f.subject.split()[0]: f for f in audit.compute(src, MARCH).check("M02").findings}
    assert votes["R-1"].ok and not votes["R-10"].ok


def test_contract_excess_is_matched_by_contract_and_period_ids() -> None:
    ledger = load(CLEAN)
    payment = next(e for e in ledger.entries if getattr(e, "narration", "") == "绿化 2025-03")
    error = make_error(
        "TF311",
        "payments under C-GRN exceed 200.00 in 2025-03",
        payment,
        ids=["contract:C-GRN", "period:2025-03"],
        amount=D("12.34"),
    )
    other_month = make_error(
        "TF311", "C-GRN in 2025-02", payment, ids=["contract:C-GRN", "period:2025-02"]
    )
    src = Source(ledger.entries, ledger.community, [error, other_month], ledger.options)
    check = audit.compute(src, MARCH).check("C13")
    (failure,) = failures(check)  # one row: the error joined the contract's March row
    assert failure.subject.startswith("C-GRN") and failure.amount == D("12.34")
    assert check.exception_amount == D("12.34")


def test_an_error_no_finding_matches_becomes_an_exception_with_its_amount() -> None:
    ledger = load(CLEAN)
    payment = next(e for e in ledger.entries if getattr(e, "narration", "") == "保洁 2025-03")
    error = make_error("TF307", "split", payment, ids=["payee:洁净保洁有限公司"], amount=D("7.00"))
    src = Source(ledger.entries, ledger.community, [error], ledger.options)
    check = audit.compute(src, MARCH).check("C11")
    assert not check.passed and check.exception_amount == D("7.00")
    assert check.findings[0].location == "<string>:" + str(payment.meta["lineno"])


# ---------------------------------------------------------------------------------------
# Arrears ageing as of the period's end or today


AGEING = """option "operating_currency" "CNY"
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Assets:Receivable:Fees CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 custom "tf-owner" "O-1" "赵六"
2024-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2026-01-01 * "物业费" "2026-01"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-101"
  Income:Fees:Property  -100.00 CNY
2026-06-01 * "物业费" "2026-06"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-101"
  Income:Fees:Property  -100.00 CNY
2026-11-01 * "物业费" "2026-11"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-101"
  Income:Fees:Property  -100.00 CNY
"""


def test_arrears_of_an_open_period_are_aged_as_of_today() -> None:
    ledger = load_string(AGEING)
    year = Period.parse("2026")
    result = audit.compute(ledger, year, today=date(2026, 11, 15))
    assert result.as_of == date(2026, 11, 15)
    (row,) = result.paper("wp-ageing").rows
    # 14 days, 167 days and 318 days old on 15 November, not 364/213/60 on 31 December
    assert (row.d30, row.d90, row.d180, row.over180) == (D(100), D(0), D(100), D(100))
    closed = audit.compute(ledger, year, today=date(2027, 3, 1))
    assert closed.as_of == date(2026, 12, 31)
    (row,) = closed.paper("wp-ageing").rows
    assert (row.d30, row.d90, row.d180, row.over180) == (D(0), D(100), D(0), D(200))


def test_ageing_leaves_out_bills_after_the_day() -> None:
    ledger = load_string(AGEING)
    result = audit.compute(ledger, Period.parse("2026"), today=date(2026, 6, 15))
    (row,) = result.paper("wp-ageing").rows
    assert row.outstanding == D(200) and row.oldest == date(2026, 1, 1)


# ---------------------------------------------------------------------------------------
# Interest of the maintenance fund by 积数 (balance × days)


INTEREST = """option "operating_currency" "CNY"
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Income:Maintenance:Deposits CNY
2025-01-01 open Income:Maintenance:Interest CNY
2025-01-01 custom "tf-owner" "O-1" "赵六"
2025-01-01 custom "tf-owner" "O-2" "钱七"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 100.00 "O-2"
2025-01-01 * "赵六" "维修资金缴存"
  Assets:Bank:Maintenance  1000.00 CNY
  Income:Maintenance:Deposits  -1000.00 CNY
    unit: "1-1-101"
2025-02-15 * "钱七" "维修资金缴存"
  Assets:Bank:Maintenance  1000.00 CNY
  Income:Maintenance:Deposits  -1000.00 CNY
    unit: "1-1-102"
2025-03-31 * "银行" "一季度利息"
  Assets:Bank:Maintenance  10.00 CNY
  Income:Maintenance:Interest  -10.00 CNY
"""


def test_interest_is_split_by_balance_times_days() -> None:
    ledger = load_string(INTEREST)
    fund = maintenance_ledger(ledger.entries, ledger.community, date(2025, 4, 1))
    (posting,) = fund.interest_allocations
    # 1-1-101 held 1000 for 89 days (1 Jan – 30 Mar), 1-1-102 1000 for 44 days (15 Feb – 30 Mar)
    assert posting.products == {"1-1-101": D("89000.00"), "1-1-102": D("44000.00")}
    # 10 × 89/133 = 6.6917, 10 × 44/133 = 3.3083: to the fen, the parts add up to the interest
    assert posting.shares == {"1-1-101": D("6.69"), "1-1-102": D("3.31")}
    assert fund.units["1-1-101"].interest == D("6.69")
    paper = audit.compute(ledger, Period.parse("2025Q1")).paper("wp-interest")
    assert [(r["room"], r["product0"], r["share0"]) for r in paper.rows] == [
        ("1-1-101", D("89000.00"), D("6.69")),
        ("1-1-102", D("44000.00"), D("3.31")),
    ]
    assert paper.total is not None and paper.total["share"] == D("10.00")
    assert paper.columns[1].zh == "2025-03-31 积数(自…)"


def test_interest_remainder_goes_deterministically_and_the_parts_add_up() -> None:
    text = INTEREST.replace("2025-02-15", "2025-01-01").replace("10.00 CNY", "0.01 CNY")
    text = text.replace("-10.00 CNY", "-0.01 CNY")
    ledger = load_string(text)
    fund = maintenance_ledger(ledger.entries, ledger.community, date(2025, 4, 1))
    (posting,) = fund.interest_allocations
    assert posting.products["1-1-101"] == posting.products["1-1-102"]
    assert posting.shares == {"1-1-101": D("0.01"), "1-1-102": D(0)}  # a tie: first room
    again = maintenance_ledger(load_string(text).entries, ledger.community, date(2025, 4, 1))
    assert again.interest_allocations[0].shares == posting.shares


def test_second_interest_counts_from_the_first() -> None:
    text = INTEREST + (
        '2025-06-30 * "银行" "二季度利息"\n'
        "  Assets:Bank:Maintenance  20.00 CNY\n"
        "  Income:Maintenance:Interest  -20.00 CNY\n"
    )
    ledger = load_string(text)
    fund = maintenance_ledger(ledger.entries, ledger.community, date(2025, 7, 1))
    second = fund.interest_allocations[1]
    # 91 days (31 Mar – 29 Jun) of 1006.69 and 1003.31
    assert second.products == {"1-1-101": D("91608.79"), "1-1-102": D("91301.21")}
    assert sum(second.shares.values()) == D("20.00") and second.since == date(2025, 3, 31)


# ---------------------------------------------------------------------------------------
# Waivers and write-offs are never collected


WRITE_OFF = change(
    CLEAN,
    '2025-03-06 * "钱七" "物业费 1-1-102"\n  Assets:Bank:Trust  100.00 CNY',
    '2025-03-05 custom "tf-approval" "AP-W" "committee" "李四" 100.00 CNY\n'
    '2025-03-05 custom "tf-approval" "AP-W" "manager" "王五" 100.00 CNY\n'
    '2025-03-06 * "钱七" "核销 1-1-102"\n  approval: "AP-W"\n  Income:Fees:Property  100.00 CNY',
).replace("Assets:Bank:Trust  5458.00 CNY", "Assets:Bank:Trust  5358.00 CNY")


def test_a_write_off_is_listed_with_its_approval_and_not_collected() -> None:
    ledger = load(WRITE_OFF)
    result = audit.compute(ledger, MARCH)
    (waiver,) = result.paper("wp-waivers").rows
    assert waiver.amount == D("100.00") and waiver.units == "1-1-102"
    assert waiver.signoffs == "AP-W: committee 李四 2025-03-05, manager 王五 2025-03-05 (100.00)"
    assert result.check("C17").passed  # approved
    units = {r.room: r for r in result.paper("wp-units").rows}
    assert (units["1-1-102"].collected, units["1-1-102"].waived) == (D(0), D("100.00"))
    assert units["1-1-102"].closing == 0
    state = receivables(ledger.entries, MARCH.start, MARCH.end)
    assert state.collected_in_period == D("360.00") and state.waived_in_period == D("100.00")
    assert state.collection_rate == D("360.00") / D("460.00")


def test_a_part_paid_part_waived_credit() -> None:
    text = change(
        CLEAN,
        '2025-03-06 * "钱七" "物业费 1-1-102"\n  Assets:Bank:Trust  100.00 CNY',
        '2025-03-06 * "钱七" "物业费 1-1-102 减免 40"\n  Assets:Bank:Trust  60.00 CNY\n'
        "  Income:Fees:Property  40.00 CNY",
    )
    result = audit.compute(load(text), MARCH)
    (waiver,) = result.paper("wp-waivers").rows
    assert waiver.amount == D("40.00") and not waiver.approvals
    (failure,) = failures(result.check("C17"))
    assert failure.amount == D("40.00")
    units = {r.room: r for r in result.paper("wp-units").rows}
    assert (units["1-1-102"].collected, units["1-1-102"].waived) == (D("60.00"), D("40.00"))


def test_amount_at_stake_counts_each_payment_once() -> None:
    ledger = load(CLEAN)
    payments = {e.narration: e for e in ledger.entries if getattr(e, "narration", None)}
    approval = next(
        e
        for e in ledger.entries
        if getattr(e, "type", "") == "tf-approval" and "AP-1" in str(e.values[0].value)
    )
    cleaning, greenery = payments["保洁 2025-03"], payments["绿化 2025-03"]
    errors = [
        # two rules on one payment, and the roster rule on its approval: 300 at stake, once
        make_error("TF302", "one person", cleaning, ids=["approval:AP-1"], amount=D("300.00")),
        make_error("TF303", "late", cleaning, ids=["approval:AP-1"], amount=D("300.00")),
        make_error(
            "TF309", "roster", approval, ids=["approval:AP-1", "member:李四"], amount=D("300.00")
        ),
        # another payment: its own 200
        make_error("TF304", "over", greenery, ids=["approval:AP-2"], amount=D("200.00")),
    ]
    src = Source(ledger.entries, ledger.community, errors, ledger.options)
    check = audit.compute(src, MARCH).check("C05")
    assert [f.amount for f in failures(check)] == [D("300.00"), D("200.00")]
    assert check.exception_amount == D("500.00")
    (first, _) = failures(check)
    assert first.reason.count("TF30") == 3  # every rule's message is on the row


def test_bills_without_a_fee_standard_cannot_be_verified() -> None:
    text = change(CLEAN, '2025-03-01 custom "tf-fee" "property" 2.00 CNY "m2-month"\n', "")
    check = audit.compute(load(text), MARCH).check("C16")
    (failure,) = failures(check)
    assert failure.amount == D("460.00") and "no fee standard" in failure.reason
