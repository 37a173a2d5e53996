"""TF101–TF104: owners own the funds (trustfund.rules.funds)."""

from __future__ import annotations

import textwrap

from beancount import loader

HEADER = """\
plugin "trustfund.rules.funds"
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Assets:Bank:Maintenance CNY
2024-01-01 open Assets:Clearing:Manager CNY
2024-01-01 open Assets:Receivable:Fees CNY
2024-01-01 open Liabilities:Prepaid:Fees CNY
2024-01-01 open Liabilities:Deposits CNY
2024-01-01 open Liabilities:Payable:Manager CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 open Income:Public:Parking CNY
2024-01-01 open Income:Maintenance:Interest CNY
2024-01-01 open Expenses:Service:Cleaning CNY
2024-01-01 open Expenses:Manager:Remuneration CNY
2024-01-01 open Expenses:Manager:Reimbursement CNY
2024-01-01 open Expenses:Maintenance:Elevator CNY
2024-01-01 open Equity:Opening-Balances CNY
2024-01-01 open Equity:Owners:Maintenance CNY
"""
HEADER_LINES = HEADER.count("\n")


def run(body: str) -> list[tuple[str, int]]:
    """Load HEADER + body; return (code, line in body) of every error (fails on others)."""
    text = HEADER + textwrap.dedent(body)
    _, errors, _ = loader.load_string(text)
    found = []
    for error in errors:
        message = error.message
        assert message.startswith("TF1"), f"unexpected error: {message}"
        found.append((message[:5], error.source["lineno"] - HEADER_LINES))
    return sorted(found, key=lambda pair: pair[1])


def codes(body: str) -> list[str]:
    return [code for code, _ in run(body)]


# -- TF101 --------------------------------------------------------------------------------


def test_tf101_income_into_trust_bank_and_clearing_is_fine() -> None:
    assert (
        codes("""
        2025-03-02 * "停车费"
          Assets:Bank:Trust          500.00 CNY
          Income:Public:Parking
        2025-03-02 * "物业费 预收 押金 应收"
          Assets:Receivable:Fees      100.00 CNY
          Liabilities:Prepaid:Fees    -50.00 CNY
          Assets:Clearing:Manager     150.00 CNY
          Liabilities:Deposits        -20.00 CNY
          Income:Fees:Property       -180.00 CNY
        2025-03-03 * "重分类"
          Income:Fees:Property        10.00 CNY
          Income:Public:Parking      -10.00 CNY
    """)
        == []
    )


def test_tf101_income_netted_against_expense_points_at_transaction() -> None:
    found = run("""
        2025-03-02 * "停车费 抵保洁费"
          Expenses:Service:Cleaning  500.00 CNY
          Income:Public:Parking
    """)
    assert found == [("TF101", 2)]


def test_tf101_income_paid_to_manager_payable() -> None:
    _, errors, _ = loader.load_string(
        HEADER
        + textwrap.dedent("""
        2025-03-02 * "物业费 物业留用"
          approval: "AP-1"
          Assets:Bank:Trust            80.00 CNY
          Liabilities:Payable:Manager  20.00 CNY
          Income:Fees:Property       -100.00 CNY
    """)
    )
    assert [e.message[:5] for e in errors] == ["TF101"]
    assert "Liabilities:Payable:Manager" in errors[0].message
    assert "Assets:Bank:Trust" not in errors[0].message.split("deposited")[0]


def test_tf101_income_debit_refund_is_not_judged() -> None:
    assert (
        codes("""
        2025-03-02 * "退费"
          Income:Fees:Property       100.00 CNY
          Expenses:Service:Cleaning -100.00 CNY
    """)
        == []
    )


# -- TF102 --------------------------------------------------------------------------------


def test_tf102_payment_to_manager_without_approval() -> None:
    assert run("""
        2025-03-20 * "物业垫付报销"
          Liabilities:Payable:Manager  300.00 CNY
          Assets:Bank:Trust
    """) == [("TF102", 2)]


def test_tf102_manager_expense_from_bank_without_approval() -> None:
    assert codes("""
        2025-03-20 * "物业报销"
          Expenses:Manager:Reimbursement  300.00 CNY
          Assets:Bank:Trust
    """) == ["TF102"]


def test_tf102_with_approval_is_fine() -> None:
    assert (
        codes("""
        2025-03-20 * "物业垫付报销"
          approval: "AP-2025-031"
          Liabilities:Payable:Manager  300.00 CNY
          Assets:Bank:Trust
    """)
        == []
    )


def test_tf102_accrual_between_manager_accounts_is_fine() -> None:
    assert (
        codes("""
        2025-03-20 * "物业垫付 计提"
          Expenses:Manager:Reimbursement  300.00 CNY
          Liabilities:Payable:Manager
    """)
        == []
    )


def test_tf102_remuneration_transaction_is_exempt_only_with_period() -> None:
    found = run("""
        2025-03-31 * "酬金 3月"
          period: "2025-03"
          Expenses:Manager:Remuneration  100.00 CNY
          Assets:Bank:Trust
        2025-04-30 * "酬金 4月 (no period)"
          Expenses:Manager:Remuneration  100.00 CNY
          Assets:Bank:Trust
    """)
    assert found == [("TF102", 6)]


# -- TF103 --------------------------------------------------------------------------------

REMIT7 = """
    2024-01-01 custom "tf-remit-days" 7
    2025-03-03 * "物业代收 微信"
      Assets:Clearing:Manager   1200.00 CNY
      Income:Fees:Property
"""


def test_tf103_remitted_on_the_last_allowed_day_is_on_time() -> None:
    assert (
        codes(
            REMIT7
            + """
    2025-03-10 * "上缴"
      Assets:Bank:Trust         1200.00 CNY
      Assets:Clearing:Manager
    """
        )
        == []
    )


def test_tf103_remitted_the_day_after_is_late_at_the_collection() -> None:
    found = run(
        REMIT7
        + """
    2025-03-11 * "上缴"
      Assets:Bank:Trust         1200.00 CNY
      Assets:Clearing:Manager
    """
    )
    assert found == [("TF103", 3)]


def test_tf103_fifo_partial_remittances() -> None:
    # 03-01 100, 03-05 100; remit 150 on 03-08 (lot 1 on time, lot 2 half), 50 on 03-13 (late)
    found = run("""
        2024-01-01 custom "tf-remit-days" 7
        2025-03-01 * "代收"
          Assets:Clearing:Manager   100.00 CNY
          Income:Fees:Property
        2025-03-05 * "代收"
          Assets:Clearing:Manager   100.00 CNY
          Income:Fees:Property
        2025-03-08 * "上缴"
          Assets:Bank:Trust         150.00 CNY
          Assets:Clearing:Manager
        2025-03-13 * "上缴"
          Assets:Bank:Trust          50.00 CNY
          Assets:Clearing:Manager
    """)
    assert found == [("TF103", 6)]


def test_tf103_unremitted_judged_at_the_ledger_last_date() -> None:
    on_time = (
        REMIT7
        + """
    2025-03-10 * "其他"
      Assets:Bank:Trust  1.00 CNY
      Income:Public:Parking
    """
    )
    assert codes(on_time) == []
    late = (
        REMIT7
        + """
    2025-03-11 * "其他"
      Assets:Bank:Trust  1.00 CNY
      Income:Public:Parking
    """
    )
    _, errors, _ = loader.load_string(HEADER + textwrap.dedent(late))
    assert [e.message[:5] for e in errors] == ["TF103"]
    assert "still held" in errors[0].message and "2025-03-11" in errors[0].message


def test_tf103_days_in_force_on_the_collection_date() -> None:
    # 7 days until 03-05, then 3 days: the 03-03 collection has 7, the 03-06 one has 3.
    found = run("""
        2024-01-01 custom "tf-remit-days" 7
        2025-03-05 custom "tf-remit-days" 3
        2025-03-03 * "代收"
          Assets:Clearing:Manager   100.00 CNY
          Income:Fees:Property
        2025-03-06 * "代收"
          Assets:Clearing:Manager   100.00 CNY
          Income:Fees:Property
        2025-03-10 * "上缴"
          Assets:Bank:Trust         200.00 CNY
          Assets:Clearing:Manager
    """)
    assert found == [("TF103", 7)]


def test_tf103_collection_without_remit_days_in_force_is_not_judged() -> None:
    assert (
        codes("""
        2025-06-01 custom "tf-remit-days" 7
        2025-03-03 * "代收"
          Assets:Clearing:Manager   100.00 CNY
          Income:Fees:Property
        2025-12-31 * "其他"
          Assets:Bank:Trust  1.00 CNY
          Income:Public:Parking
    """)
        == []
    )


def test_tf103_same_day_collection_and_remittance() -> None:
    assert (
        codes("""
        2024-01-01 custom "tf-remit-days" 0
        2025-03-03 * "上缴 (same day, earlier line)"
          Assets:Bank:Trust         100.00 CNY
          Assets:Clearing:Manager
        2025-03-03 * "代收"
          Assets:Clearing:Manager   100.00 CNY
          Income:Fees:Property
        2025-03-09 * "其他"
          Assets:Bank:Trust  1.00 CNY
          Income:Public:Parking
    """)
        == []
    )


# -- TF104 --------------------------------------------------------------------------------


def test_tf104_transfer_between_funds_without_resolution() -> None:
    assert run("""
        2025-03-25 * "维修资金 补 共同基金"
          approval: "AP-1"
          Assets:Bank:Trust          5000.00 CNY
          Assets:Bank:Maintenance
    """) == [("TF104", 2)]


def test_tf104_with_resolution_is_fine_and_same_fund_is_fine() -> None:
    assert (
        codes("""
        2025-03-25 * "维修资金 补 共同基金"
          resolution: "R-2025-01"
          Assets:Bank:Trust          5000.00 CNY
          Assets:Bank:Maintenance
        2025-03-26 * "维修资金 利息"
          Assets:Bank:Maintenance      12.00 CNY
          Income:Maintenance:Interest
        2025-03-27 * "电梯维修"
          Expenses:Maintenance:Elevator  100.00 CNY
          Assets:Bank:Maintenance
    """)
        == []
    )


def test_tf104_maintenance_expense_paid_from_common_fund() -> None:
    assert codes("""
        2025-03-27 * "电梯维修"
          Expenses:Maintenance:Elevator  100.00 CNY
          Assets:Bank:Trust
    """) == ["TF104"]


def test_tf104_pad_is_not_a_transfer() -> None:
    assert (
        codes("""
        2024-12-31 pad Assets:Bank:Maintenance Equity:Opening-Balances
        2025-01-01 balance Assets:Bank:Maintenance  1000.00 CNY
    """)
        == []
    )


def test_funds_rule_invalid_plugin_options() -> None:
    _, errors, _ = loader.load_string('plugin "trustfund.rules.funds" "{\'nope\': 1}"\n')
    assert [e.message[:5] for e in errors] == ["TF001"]
    _, errors, _ = loader.load_string('plugin "trustfund.rules.funds" "not a dict"\n')
    assert [e.message[:5] for e in errors] == ["TF001"]


def test_year_open_balances_are_not_judged_but_feed_tf103() -> None:
    found = run("""
        2024-01-01 custom "tf-remit-days" 7
        2024-12-31 * "期初余额 (manager owes the owners)" #year-open
          Liabilities:Payable:Manager  300.00 CNY
          Equity:Opening-Balances
        2024-12-28 * "期初: 物业代收未上缴" #year-open
          Assets:Clearing:Manager  100.00 CNY
          Equity:Opening-Balances
        2025-01-06 * "上缴 (due 2025-01-04)"
          Assets:Bank:Trust  100.00 CNY
          Assets:Clearing:Manager
    """)
    assert found == [("TF103", 6)]


def test_year_open_negative_bank_balance_is_not_a_payment() -> None:
    from beancount.core import data as bdata

    from ledger.entries import is_payment

    entries, _, _ = loader.load_string(
        HEADER.replace('plugin "trustfund.rules.funds"\n', "")
        + textwrap.dedent("""
        2024-12-31 * "期初余额 (overdrawn)" #year-open
          Assets:Bank:Maintenance  -300.00 CNY
          Equity:Owners:Maintenance
        2024-12-31 * "the same without the tag"
          Assets:Bank:Maintenance  -300.00 CNY
          Equity:Owners:Maintenance
    """)
    )
    txns = [e for e in entries if isinstance(e, bdata.Transaction)]
    assert [is_payment(t) for t in txns] == [False, True]
