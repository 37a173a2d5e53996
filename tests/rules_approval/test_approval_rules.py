"""TF301–TF306: dual approval of payments out of the owners' funds (trustfund.rules.approval)."""

from __future__ import annotations

import textwrap

from ledger.loader import format_error, load_string
from trustfund.rules import approval
from trustfund.rules.plugin import Config

HEADER = """\
plugin "trustfund.rules.approval"
option "operating_currency" "CNY"
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Assets:Bank:Maintenance CNY
2024-01-01 open Assets:Bank:Savings CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 open Expenses:Service:Elevator CNY
2024-01-01 open Expenses:Admin:BankFees CNY
2024-01-01 open Expenses:Maintenance:Elevator CNY
2024-01-01 open Liabilities:Prepaid:Fees CNY
2024-01-01 open Equity:Owners:Common CNY
2024-01-01 custom "tf-unit" "1-1-101" 100 "O-1"
2024-01-01 custom "tf-unit" "1-1-102" 100 "O-2"
2024-01-01 custom "tf-unit" "1-1-103" 100 "O-3"
2024-01-01 custom "tf-threshold" 100000.00 CNY 10
2024-01-01 custom "tf-auto-debit" Expenses:Admin:BankFees
2024-12-01 * "opening"
  Assets:Bank:Trust   1000000.00 CNY
  Equity:Owners:Common
"""

APPROVAL = """\
2025-03-03 custom "tf-approval" "AP-1" "committee" "李四" 1200.00 CNY
2025-03-04 custom "tf-approval" "AP-1" "manager" "王五" 1200.00 CNY
"""


def pay(
    day: str,
    narration: str,
    amount: str,
    meta: str = "",
    account: str = "Expenses:Service:Elevator",
    bank: str = "Assets:Bank:Trust",
) -> str:
    lines = [f'{day} * "电梯公司" "{narration}"']
    lines += [f"  {m}" for m in meta.split("\n") if m.strip()]
    lines += [f"  {account}  {amount} CNY", f"  {bank}"]
    return "\n".join(lines) + "\n"


def run(body: str) -> tuple[str, list[tuple[str, int]]]:
    text = HEADER + body
    ledger = load_string(text)
    found = []
    for error in ledger.errors:
        rendered = format_error(error)
        code = error.message.split()[0]
        assert code.startswith("TF"), rendered  # no Beancount error in the fixtures
        found.append((code, error.source["lineno"]))
    return text, sorted(found)


def line_of(text: str, needle: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def test_payment_with_two_roles_on_time_is_clean() -> None:
    _, errors = run(
        APPROVAL + pay("2025-03-04", "same day as the sign-off", "1200.00", 'approval: "AP-1"')
    )
    assert errors == []


def test_tf301_payment_without_approval() -> None:
    text, errors = run(pay("2025-03-05", "no approval", "300.00"))
    assert errors == [("TF301", line_of(text, "no approval"))]


def test_tf301_refund_to_owner_is_a_payment() -> None:
    text, errors = run(
        pay("2025-03-05", "refund 1-1-101", "300.00", account="Liabilities:Prepaid:Fees")
    )
    assert errors == [("TF301", line_of(text, "refund 1-1-101"))]


def test_transfer_between_own_accounts_of_one_fund_is_not_a_payment() -> None:
    _, errors = run(pay("2025-03-05", "to savings", "300.00", account="Assets:Bank:Savings"))
    assert errors == []


def test_auto_debit_bank_charge_needs_no_approval() -> None:
    _, errors = run(pay("2025-03-05", "bank fee", "5.00", account="Expenses:Admin:BankFees"))
    assert errors == []


def test_bank_charge_mixed_with_a_service_needs_approval() -> None:
    body = textwrap.dedent("""\
    2025-03-05 * "bank" "fee and service"
      Expenses:Admin:BankFees  5.00 CNY
      Expenses:Service:Elevator  100.00 CNY
      Assets:Bank:Trust
    """)
    text, errors = run(body)
    assert errors == [("TF301", line_of(text, "fee and service"))]


def test_auto_debit_covers_subaccounts_from_its_date_on() -> None:
    body = "2024-01-01 open Expenses:Other:Fees:SMS CNY\n"
    body += '2025-03-01 custom "tf-auto-debit" Expenses:Other:Fees\n'
    body += pay("2025-02-28", "sms fee before", "1.00", account="Expenses:Other:Fees:SMS")
    body += pay("2025-03-01", "sms fee after", "1.00", account="Expenses:Other:Fees:SMS")
    text, errors = run(body)
    assert errors == [("TF301", line_of(text, "sms fee before"))]


def test_tf002_unknown_approval() -> None:
    text, errors = run(APPROVAL + pay("2025-03-05", "typo", "100.00", 'approval: "AP-9"'))
    assert errors == [("TF002", line_of(text, "typo"))]


def test_tf302_single_role() -> None:
    body = textwrap.dedent("""\
    2025-03-03 custom "tf-approval" "AP-2" "committee" "李四" 500.00 CNY
    2025-03-04 custom "tf-approval" "AP-2" "committee" "赵六" 500.00 CNY
    """) + pay("2025-03-05", "one role", "500.00", 'approval: "AP-2"')
    text, errors = run(body)
    assert errors == [("TF302", line_of(text, "one role"))]


def test_tf303_signoff_after_the_payment() -> None:
    text, errors = run(APPROVAL + pay("2025-03-03", "too early", "1200.00", 'approval: "AP-1"'))
    assert errors == [("TF303", line_of(text, "too early"))]


def test_tf303_not_for_a_late_third_role() -> None:
    body = APPROVAL + '2025-03-10 custom "tf-approval" "AP-1" "supervisor" "钱七" 1200.00 CNY\n'
    _, errors = run(body + pay("2025-03-05", "supervisor later", "1200.00", 'approval: "AP-1"'))
    assert errors == []


def test_tf304_single_payment_over_the_amount() -> None:
    text, errors = run(APPROVAL + pay("2025-03-05", "too much", "1200.01", 'approval: "AP-1"'))
    assert errors == [("TF304", line_of(text, "too much"))]


def test_tf304_smallest_of_the_roles_latest_signoffs() -> None:
    body = textwrap.dedent("""\
    2025-03-01 custom "tf-approval" "AP-3" "committee" "李四" 900.00 CNY
    2025-03-02 custom "tf-approval" "AP-3" "manager" "王五" 1000.00 CNY
    2025-03-03 custom "tf-approval" "AP-3" "committee" "李四" 1000.00 CNY
    """)
    # Before the committee's amendment the approved amount is 900; after, 1000.
    body += pay("2025-03-02", "before amendment", "950.00", 'approval: "AP-3"')
    text, errors = run(body)
    assert errors == [("TF304", line_of(text, "before amendment"))]
    ok = body.replace("2025-03-02 * ", "2025-03-03 * ")
    _, errors = run(ok)
    assert errors == []


def test_tf304_several_payments_add_up() -> None:
    body = APPROVAL
    body += pay("2025-03-05", "part one", "600.00", 'approval: "AP-1"')
    body += pay("2025-03-06", "part two", "600.00", 'approval: "AP-1"')
    _, errors = run(body)
    assert errors == []
    body += pay("2025-03-07", "part three", "0.01", 'approval: "AP-1"')
    text, errors = run(body)
    assert errors == [("TF304", line_of(text, "part three"))]


def test_payment_citing_two_approvals_is_covered_by_both() -> None:
    body = APPROVAL + textwrap.dedent("""\
    2025-03-03 custom "tf-approval" "AP-4" "committee" "李四" 800.00 CNY
    2025-03-04 custom "tf-approval" "AP-4" "manager" "王五" 800.00 CNY
    """)
    _, errors = run(body + pay("2025-03-05", "two approvals", "2000.00", 'approval: "AP-1, AP-4"'))
    assert errors == []
    text, errors = run(
        body + pay("2025-03-05", "two approvals", "2000.01", 'approval: "AP-1, AP-4"')
    )
    assert errors == [("TF304", line_of(text, "two approvals"))]


LARGE = """\
2025-02-01 custom "tf-approval" "AP-L" "committee" "李四" 200000.00 CNY
2025-02-01 custom "tf-approval" "AP-L" "manager" "王五" 200000.00 CNY
2025-02-01 custom "tf-resolution" "R-1" "hire-contractor" "外墙翻新" ""
2025-02-02 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-02-02 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-02-10 custom "tf-close" "R-1"
2025-02-19 custom "tf-notice" "N-1" "AP-L"
"""


def test_large_payment_with_resolution_and_notice_exactly_n_days_before() -> None:
    _, errors = run(
        LARGE + pay("2025-03-01", "facade", "100000.00", 'approval: "AP-L"\nresolution: "R-1"')
    )
    assert errors == []


def test_tf305_threshold_exactly_at_the_amount() -> None:
    text, errors = run(LARGE + pay("2025-03-01", "facade", "100000.00", 'approval: "AP-L"'))
    assert errors == [("TF305", line_of(text, "facade"))]


def test_below_threshold_needs_no_resolution_nor_notice() -> None:
    _, errors = run(LARGE + pay("2025-02-05", "small", "99999.99", 'approval: "AP-L"'))
    assert errors == []


def test_tf305_resolution_that_failed() -> None:
    body = LARGE.replace('"1-1-102" "yes"', '"1-1-102" "no"')
    text, errors = run(
        body + pay("2025-03-01", "facade", "150000.00", 'approval: "AP-L"\nresolution: "R-1"')
    )
    assert errors == [("TF305", line_of(text, "facade"))]


def test_tf305_vote_closed_after_the_payment() -> None:
    body = LARGE.replace('2025-02-10 custom "tf-close"', '2025-03-02 custom "tf-close"')
    text, errors = run(
        body + pay("2025-03-01", "facade", "150000.00", 'approval: "AP-L"\nresolution: "R-1"')
    )
    assert errors == [("TF305", line_of(text, "facade"))]


def test_tf002_unknown_resolution_on_common_fund_payment() -> None:
    text, errors = run(
        LARGE + pay("2025-03-01", "facade", "150000.00", 'approval: "AP-L"\nresolution: "R-9"')
    )
    assert errors == [("TF002", line_of(text, "facade")), ("TF305", line_of(text, "facade"))]


def test_tf306_notice_one_day_short() -> None:
    body = LARGE.replace('2025-02-19 custom "tf-notice"', '2025-02-20 custom "tf-notice"')
    text, errors = run(
        body + pay("2025-03-01", "facade", "150000.00", 'approval: "AP-L"\nresolution: "R-1"')
    )
    assert errors == [("TF306", line_of(text, "facade"))]


def test_tf306_notice_for_another_approval_does_not_count() -> None:
    body = LARGE.replace('"N-1" "AP-L"', '"N-1" "AP-X"') + APPROVAL.replace("AP-1", "AP-X")
    text, errors = run(
        body + pay("2025-03-01", "facade", "150000.00", 'approval: "AP-L"\nresolution: "R-1"')
    )
    assert errors == [("TF306", line_of(text, "facade"))]


def test_threshold_in_force_on_the_payment_day() -> None:
    body = LARGE + '2025-02-15 custom "tf-threshold" 300000.00 CNY 10\n'
    _, errors = run(body + pay("2025-03-01", "facade", "150000.00", 'approval: "AP-L"'))
    assert errors == []


EMERGENCY = """\
2024-01-01 custom "tf-hazard" "elevator-fault"
2025-02-01 custom "tf-approval" "AP-E" "committee" "李四" 200000.00 CNY
2025-02-01 custom "tf-approval" "AP-E" "manager" "王五" 200000.00 CNY
2025-02-01 custom "tf-emergency" "E-1" "elevator-fault" "街道办确认函"
2025-02-01 custom "tf-emergency" "E-2" "roof-leak" "街道办确认函"
2024-12-01 * "deposit"
  Assets:Bank:Maintenance   1000000.00 CNY
  Equity:Owners:Common
"""


def test_valid_emergency_needs_no_resolution_nor_notice() -> None:
    body = EMERGENCY + pay(
        "2025-02-02",
        "elevator",
        "150000.00",
        'approval: "AP-E"\nemergency: "E-1"',
        account="Expenses:Maintenance:Elevator",
        bank="Assets:Bank:Maintenance",
    )
    _, errors = run(body)
    assert errors == []


def test_tf305_invalid_emergency_on_a_large_maintenance_use() -> None:
    body = EMERGENCY + pay(
        "2025-02-02",
        "roof repair",
        "150000.00",
        'approval: "AP-E"\nemergency: "E-2"',
        account="Expenses:Maintenance:Elevator",
        bank="Assets:Bank:Maintenance",
    )
    text, errors = run(body)
    assert errors == [("TF305", line_of(text, "roof repair"))]


def test_maintenance_use_without_basis_is_left_to_tf401() -> None:
    body = EMERGENCY + pay(
        "2025-02-02",
        "nothing cited",
        "150000.00",
        'approval: "AP-E"',
        account="Expenses:Maintenance:Elevator",
        bank="Assets:Bank:Maintenance",
    )
    text, errors = run(body)
    # approval alone reports only the missing notice; the missing basis is TF401's.
    assert errors == [("TF306", line_of(text, "nothing cited"))]


def test_tf002_unknown_resolution_below_threshold_and_on_non_payments() -> None:
    body = APPROVAL + pay(
        "2025-03-05", "small with bad ref", "100.00", 'approval: "AP-1"\nresolution: "R-404"'
    )
    body += textwrap.dedent("""\
    2025-03-06 * "reclass" "journal with bad ref"
      resolution: "R-405"
      emergency: "E-404"
      Equity:Owners:Common  1.00 CNY
      Equity:Owners:Common  -1.00 CNY
    """)
    text, errors = run(body)
    journal = line_of(text, "journal with bad ref")
    assert errors == [
        ("TF002", line_of(text, "small with bad ref")),
        ("TF002", journal),
        ("TF002", journal),
    ]


def test_transfer_with_a_bank_charge_on_top_needs_approval() -> None:
    body = textwrap.dedent("""\
    2025-03-05 * "bank" "transfer plus fee"
      Assets:Bank:Savings  1000.00 CNY
      Expenses:Admin:BankFees  5.00 CNY
      Assets:Bank:Trust  -1005.00 CNY
    """)
    text, errors = run(body)
    assert errors == [("TF301", line_of(text, "transfer plus fee"))]


def test_padding_is_not_a_payment() -> None:
    body = textwrap.dedent("""\
    2025-03-01 pad Assets:Bank:Trust Equity:Owners:Common
    2025-03-05 balance Assets:Bank:Trust  900000.00 CNY
    """)
    ledger = load_string(HEADER + body)
    # Beancount pads after the plugins ran; a caller that re-runs the rule over the final
    # entries (reports, Fava) must not see the padding as a payment.
    assert any(getattr(t, "flag", None) == "P" for t in ledger.entries)
    _, errors = approval.check(ledger.entries, ledger.community, Config())
    assert errors == []


def test_both_rules_report_each_unknown_id_once() -> None:
    text = HEADER.replace(
        'plugin "trustfund.rules.approval"',
        'plugin "trustfund.rules.approval"\nplugin "trustfund.rules.maintenance"',
    )
    text += '2024-12-01 * "m"\n  Assets:Bank:Maintenance  1000.00 CNY\n  Equity:Owners:Common\n'
    text += APPROVAL + pay(
        "2025-03-05",
        "maintenance bad ref",
        "100.00",
        'approval: "AP-1"\nresolution: "R-404"\ncontract: "C"\nprice-audit: "P"',
        account="Expenses:Maintenance:Elevator",
        bank="Assets:Bank:Maintenance",
    )
    ledger = load_string(text)
    codes = [e.message.split()[0] for e in ledger.errors]
    assert codes == ["TF002"], [e.message for e in ledger.errors]


def test_an_id_cited_twice_counts_once() -> None:
    body = """\
2025-03-03 custom "tf-approval" "AP-2" "committee" "李四" 500.00 CNY
""" + pay("2025-03-05", "cited twice", "500.00", 'approval: "AP-2, AP-2"')
    text, errors = run(body)
    assert errors == [("TF302", line_of(text, "cited twice"))]


def test_tf002_unknown_approval_on_a_non_payment() -> None:
    body = """\
2025-03-06 * "物业公司" "accrued reimbursement"
  approval: "AP-404"
  Expenses:Service:Elevator  10.00 CNY
  Equity:Owners:Common  -10.00 CNY
"""
    text, errors = run(body)
    assert errors == [("TF002", line_of(text, "accrued reimbursement"))]
