"""TF201/TF202 and generated remuneration (trustfund.rules.remuneration)."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from beancount import loader
from beancount.core import data

from ledger.community import build_community
from ledger.entries import GENERATED_KEY
from trustfund.rules.remuneration import (
    MonthRemuneration,
    collected_base,
    remuneration_schedule,
    round_fen,
)

OPEN = """\
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Assets:Clearing:Manager CNY
2024-01-01 open Assets:Receivable:Fees CNY
2024-01-01 open Liabilities:Prepaid:Fees CNY
2024-01-01 open Liabilities:Payable:Manager CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 open Income:Public:Parking CNY
2024-01-01 open Expenses:Manager:Remuneration CNY
2024-01-01 open Expenses:Admin:BankFees CNY
"""


def load(body: str, options: str = "") -> tuple[list[data.Directive], list[tuple[str, int]], str]:
    plugin = (
        f'plugin "trustfund.rules.remuneration" "{options}"\n'
        if options
        else 'plugin "trustfund.rules.remuneration"\n'
    )
    header = plugin + OPEN
    text = header + textwrap.dedent(body)
    entries, errors, _ = loader.load_string(text)
    found = []
    for error in errors:
        assert error.message.startswith(("TF201", "TF202", "TF001")), error.message
        found.append((error.message[:5], error.source["lineno"] - header.count("\n")))
    return entries, found, "\n".join(e.message for e in errors)


def schedule(body: str) -> list[MonthRemuneration]:
    entries, _, _ = loader.load_string(OPEN + textwrap.dedent(body))
    community, _ = build_community(entries)
    return remuneration_schedule(entries, community)


MARCH = """
    2024-01-01 custom "tf-remuneration" 0.10 "fees"
    2025-03-02 * "物业费"
      Assets:Bank:Trust          1234.565 CNY
      Income:Fees:Property
    2025-03-03 * "停车费 (public, not in a fees base)"
      Assets:Bank:Trust           500.00 CNY
      Income:Public:Parking
"""


def test_round_fen_is_half_up() -> None:
    assert round_fen(Decimal("123.4565")) == Decimal("123.46")
    assert round_fen(Decimal("0.005")) == Decimal("0.01")
    assert round_fen(Decimal("-0.005")) == Decimal("-0.01")


def test_tf201_correct_posting_rounds_the_month_once_half_up() -> None:
    # 0.10 × 1234.565 = 123.4565 -> 123.46 (half-up; banker's rounding would also give .46,
    # so add a second receipt making the raw total end in exactly 5 at the third decimal).
    body = (
        MARCH
        + """
    2025-03-04 * "物业费"
      Assets:Bank:Trust          0.285 CNY
      Income:Fees:Property
    2025-04-05 * "酬金"
      period: "2025-03"
      Expenses:Manager:Remuneration  123.49 CNY
      Liabilities:Payable:Manager
    """
    )
    # raw = 0.10 × 1234.850 = 123.485 -> 123.49 (ROUND_HALF_EVEN would give 123.48)
    _, found, _ = load(body)
    assert found == []
    rows = schedule(body)
    assert rows[0] == MonthRemuneration(
        "2025-03",
        Decimal("1234.850"),
        "fees",
        Decimal("0.10"),
        Decimal("123.49"),
        Decimal("123.49"),
        False,
    )
    assert rows[0].difference == 0


def test_tf201_wrong_amount_points_at_the_remuneration_transaction() -> None:
    _, found, messages = load(
        MARCH
        + """
    2025-04-05 * "酬金"
      period: "2025-03"
      Expenses:Manager:Remuneration  123.45 CNY
      Liabilities:Payable:Manager
    """
    )
    assert found == [("TF201", 10)]
    assert "posted 123.45, computed 123.46" in messages and "difference -0.01" in messages


def test_tf201_several_transactions_for_a_month_are_summed() -> None:
    body = (
        MARCH
        + """
    2025-03-31 * "酬金 部分"
      period: "2025-03"
      Expenses:Manager:Remuneration  100.00 CNY
      Liabilities:Payable:Manager
    2025-04-05 * "酬金 余额"
      period: "2025-03"
      Expenses:Manager:Remuneration  23.46 CNY
      Liabilities:Payable:Manager
    """
    )
    assert load(body)[1] == []
    _, found, _ = load(body.replace("23.46", "23.47"))
    assert found == [("TF201", 14)]


def test_fees_plus_public_and_rate_change_mid_year() -> None:
    body = """
    2024-01-01 custom "tf-remuneration" 0.10 "fees"
    2025-07-01 custom "tf-remuneration" 0.12 "fees+public"
    2025-06-10 * "物业费 + 停车费 (public not in June's base)"
      Assets:Bank:Trust          1500.00 CNY
      Income:Fees:Property      -1000.00 CNY
      Income:Public:Parking      -500.00 CNY
    2025-07-10 * "物业费 + 停车费"
      Assets:Bank:Trust          1500.00 CNY
      Income:Fees:Property      -1000.00 CNY
      Income:Public:Parking      -500.00 CNY
    2025-07-31 * "酬金 6月"
      period: "2025-06"
      Expenses:Manager:Remuneration  100.00 CNY
      Liabilities:Payable:Manager
    2025-08-05 * "酬金 7月"
      period: "2025-07"
      Expenses:Manager:Remuneration  180.00 CNY
      Liabilities:Payable:Manager
    """
    assert load(body)[1] == []
    rows = {row.month: row for row in schedule(body)}
    assert rows["2025-06"].base == Decimal("1000.00") and rows["2025-06"].rate == Decimal("0.10")
    assert rows["2025-07"].base == Decimal("1500.00") and rows["2025-07"].base_kind == "fees+public"
    assert rows["2025-07"].due == Decimal("180.00")


def test_rate_change_within_a_month_applies_per_receipt() -> None:
    rows = schedule("""
    2024-01-01 custom "tf-remuneration" 0.10 "fees"
    2025-03-16 custom "tf-remuneration" 0.15 "fees"
    2025-03-15 * "物业费"
      Assets:Bank:Trust  100.00 CNY
      Income:Fees:Property
    2025-03-16 * "物业费"
      Assets:Bank:Trust  100.00 CNY
      Income:Fees:Property
    """)
    assert rows[0].due == Decimal("25.00") and rows[0].base == Decimal("200.00")


def test_base_is_cash_in_not_billed_and_remittance_is_not_a_second_receipt() -> None:
    body = """
    2024-01-01 custom "tf-remuneration" 0.10 "fees"
    2025-03-01 * "开票 (billed, not collected)"
      Assets:Receivable:Fees   1000.00 CNY
      Income:Fees:Property
    2025-03-05 * "代收 微信"
      Assets:Clearing:Manager   300.00 CNY
      Assets:Receivable:Fees
    2025-03-08 * "上缴"
      Assets:Bank:Trust         300.00 CNY
      Assets:Clearing:Manager
    2025-03-09 * "预收 + 银行手续费"
      Assets:Bank:Trust          199.40 CNY
      Expenses:Admin:BankFees      0.60 CNY
      Liabilities:Prepaid:Fees  -200.00 CNY
    """
    entries, _, _ = loader.load_string(OPEN + textwrap.dedent(body))
    community, _ = build_community(entries)
    assert collected_base(entries, community) == {"2025-03": Decimal("499.40")}


def test_tf202_missing_month_reported_at_the_term_but_not_for_the_last_month() -> None:
    body = (
        MARCH
        + """
    2025-04-02 * "物业费"
      Assets:Bank:Trust          100.00 CNY
      Income:Fees:Property
    """
    )
    _, found, messages = load(body)
    assert found == [("TF202", 2)]  # March; April is the ledger's last month
    assert "no remuneration posted for 2025-03: 123.46 due" in messages
    assert "2025-04" not in messages


def test_tf202_month_not_over_when_the_last_entry_is_its_last_day() -> None:
    _, found, _ = load(
        MARCH
        + """
    2025-03-31 * "物业费"
      Assets:Bank:Trust          100.00 CNY
      Income:Fees:Property
    """
    )
    assert found == []


def test_no_term_no_tf202() -> None:
    _, found, _ = load("""
    2025-03-02 * "物业费"
      Assets:Bank:Trust          1000.00 CNY
      Income:Fees:Property
    2025-05-02 * "物业费"
      Assets:Bank:Trust          1000.00 CNY
      Income:Fees:Property
    """)
    assert found == []


def test_generated_entries_are_balanced_marked_and_not_double_generated() -> None:
    body = (
        MARCH
        + """
    2025-04-02 * "物业费"
      Assets:Bank:Trust          100.00 CNY
      Income:Fees:Property
    2025-05-05 * "酬金 4月 (posted by hand)"
      period: "2025-04"
      Expenses:Manager:Remuneration  10.00 CNY
      Liabilities:Payable:Manager
    """
    )
    entries, found, _ = load(body, "{'generate_remuneration': True}")
    assert found == []  # no TF202 for March, balanced (no Beancount error)
    remunerations = [
        e
        for e in entries
        if isinstance(e, data.Transaction)
        and any(p.account == "Expenses:Manager:Remuneration" for p in e.postings)
    ]
    generated = [e for e in remunerations if e.meta.get(GENERATED_KEY)]
    assert len(generated) == 1
    txn = generated[0]
    assert txn.meta["period"] == "2025-03" and str(txn.date) == "2025-03-31"
    assert {p.account: p.units.number for p in txn.postings if p.units} == {
        "Expenses:Manager:Remuneration": Decimal("123.46"),
        "Liabilities:Payable:Manager": Decimal("-123.46"),
    }
    assert txn.meta["lineno"] == OPEN.count("\n") + 3  # the tf-remuneration line
    community, _ = build_community(entries)
    rows = {row.month: row for row in remuneration_schedule(entries, community)}
    assert rows["2025-03"].generated and rows["2025-03"].difference == 0
    assert not rows["2025-04"].generated


def test_generated_and_wrong_posted_month_still_checked() -> None:
    _, found, _ = load(
        MARCH
        + """
    2025-04-05 * "酬金"
      period: "2025-03"
      Expenses:Manager:Remuneration  200.00 CNY
      Liabilities:Payable:Manager
    """,
        "{'generate_remuneration': True}",
    )
    assert found == [("TF201", 10)]


def test_invalid_plugin_options() -> None:
    _, found, messages = load(MARCH, "{'generate_remuneration': 'yes'}")
    assert [code for code, _ in found] == ["TF001"]
    assert "generate_remuneration" in messages
    _, found, _ = load(MARCH, "{'generate': True}")
    assert [code for code, _ in found] == ["TF001"]


def test_carried_month_from_a_year_close() -> None:
    body = """
    2024-01-01 custom "tf-remuneration" 0.10 "fees"
    2025-12-31 custom "trustfund-carry-remuneration" "2025-12" 1234.565 123.4565 0
    2026-01-05 * "酬金 12月"
      period: "2025-12"
      Expenses:Manager:Remuneration  123.46 CNY
      Liabilities:Payable:Manager
    """
    assert load(body)[1] == []
    _, found, _ = load(body.replace("123.46 CNY", "123.45 CNY"))
    assert found == [("TF201", 4)]
