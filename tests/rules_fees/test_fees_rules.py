"""TF107 (waivers need an approval, are never collected) and TF108 (billing by the standard)."""

from __future__ import annotations

from decimal import Decimal

from ruleledger import HEADER, load_rules

from ledger.index import build_index
from ledger.loader import load_string
from trustfund.rules.remuneration import collected_base

# Units of the header: 1-1-101 100.00 m2 (O-1), 1-1-102 80.50 m2 (O-2), 2-1-101 120.00 m2 (O-2).
FEE = '2025-01-01 custom "tf-fee" "property" 2.15 CNY "m2-month"\n'
STANDARD = {"1-1-101": "215.00", "1-1-102": "173.08", "2-1-101": "258.00"}  # 173.075 -> 173.08


def bill(day: str, room: str, amount: str, note: str = "") -> str:
    return (
        f'{day} * "物业费" "{note or day[:7] + " " + room}"\n'
        f'  Assets:Receivable:Fees  {amount} CNY\n    unit: "{room}"\n'
        f'  Income:Fees:Property  -{amount} CNY\n    unit: "{room}"\n'
    )


def month(day: str, overrides: dict[str, str | None] | None = None) -> str:
    bills: dict[str, str | None] = dict(STANDARD)
    bills.update(overrides or {})
    return "".join(bill(day, room, amount) for room, amount in bills.items() if amount)


def end(day: str) -> str:
    """An entry that moves the ledger's last date (months end before it are judged)."""
    return f'{day} * "银行" "interest"\n  Assets:Bank:Trust  1.00 CNY\n  Income:Interest\n'


# -- TF108 -------------------------------------------------------------------------------


def test_billing_by_the_standard_half_up_to_the_fen_passes() -> None:
    result = load_rules(FEE + month("2025-01-01") + month("2025-02-01") + end("2025-03-01"))
    assert result.codes() == []


def test_tf108_a_deleted_bill_one_error_per_month_at_the_fee_standard() -> None:
    result = load_rules(
        FEE
        + month("2025-01-01", {"1-1-102": None})
        + month("2025-02-01", {"1-1-101": "214.99", "2-1-101": None})
        + end("2025-03-01")
    )
    fee_line = result.line_of('"tf-fee"')
    assert result.at() == [("TF108", fee_line), ("TF108", fee_line)]
    january, february = result["TF108"]
    assert january.ids == ("period:2025-01", "fee:property", "unit:1-1-102")
    assert january.amount == Decimal("173.08")
    assert "1-1-102 not billed (standard 173.08)" in january.message
    assert february.ids == ("period:2025-02", "fee:property", "unit:1-1-101", "unit:2-1-101")
    assert february.amount == Decimal("258.01")


def test_tf108_rounding_to_the_fen_matters() -> None:
    # 80.50 × 2.15 = 173.075: half-up gives 173.08; 173.07 (half-even or truncated) is short.
    result = load_rules(FEE + month("2025-01-01", {"1-1-102": "173.07"}) + end("2025-02-01"))
    assert result.codes() == ["TF108"]
    assert "1-1-102 billed 173.07, standard 173.08" in result["TF108"][0].message


def test_tf108_an_owner_with_two_units_is_billed_per_unit() -> None:
    # O-2 owns 1-1-102 and 2-1-101: one bill for both (431.08) is wrong for each unit.
    result = load_rules(
        FEE
        + month("2025-01-01", {"1-1-102": None, "2-1-101": None})
        + bill("2025-01-01", "1-1-102", "431.08", "both units of O-2")
        + end("2025-02-01")
    )
    assert result.codes() == ["TF108"]
    error = result["TF108"][0]
    assert error.ids[2:] == ("unit:1-1-102", "unit:2-1-101")


def test_tf108_extra_bills_and_bills_without_unit() -> None:
    no_unit = (
        '2025-01-05 * "物业费" "no unit"\n  Assets:Receivable:Fees  10.00 CNY\n'
        "  Income:Fees:Property\n"
    )
    result = load_rules(
        FEE
        + month("2025-01-01")
        + bill("2025-01-20", "1-1-101", "215.00")
        + no_unit
        + end("2025-02-01")
    )
    assert result.codes() == ["TF108"]
    message = result["TF108"][0].message
    assert "1-1-101 billed 430.00, standard 215.00" in message
    assert "10.00 billed without unit:" in message


def test_tf108_the_standard_in_force_and_months_judged() -> None:
    body = (
        '2025-01-15 custom "tf-fee" "property" 2.15 CNY "m2-month"\n'  # from February on
        '2025-03-01 custom "tf-fee" "property" 2.30 CNY "m2-month"\n'
        + bill("2025-01-01", "1-1-101", "1.00")  # January: no standard on its first day
        + month("2025-02-01")
        + month("2025-03-01")  # still at 2.15: wrong under 2.30
        + end("2025-03-31")  # March has not ended before the last entry: not judged
    )
    assert load_rules(body).codes() == []
    result = load_rules(body + end("2025-04-01"))
    assert result.at() == [("TF108", result.line_of('"tf-fee" "property" 2.30'))]
    assert result["TF108"][0].ids[0] == "period:2025-03"


def test_tf108_register_as_of_the_first_day_a_sale_mid_month() -> None:
    body = (
        FEE
        + '2025-01-10 custom "tf-owner" "O-3" "赵六"\n'
        + '2025-01-10 custom "tf-unit" "1-1-101" 100.00 "O-3"\n'
        + '2025-02-01 custom "tf-unit" "3-1-101" 50.00 "O-3"\n'
        + month("2025-01-01")
        + month("2025-02-01")
        + end("2025-03-01")
    )
    result = load_rules(body)
    assert result.codes() == ["TF108"]
    assert result["TF108"][0].ids == ("period:2025-02", "fee:property", "unit:3-1-101")


def test_tf108_unit_month_basis() -> None:
    body = '2025-01-01 custom "tf-fee" "property" 150.00 CNY "unit-month"\n' + "".join(
        bill("2025-01-01", room, "150.00") for room in STANDARD
    )
    assert load_rules(body + end("2025-02-01")).codes() == []


# -- TF107 -------------------------------------------------------------------------------

WAIVER = """\
2025-01-20 * "物业费减免" "1-1-102 减免一月物业费"{meta}
  Expenses:Fees:Waivers  173.08 CNY
  Assets:Receivable:Fees  -173.08 CNY
    unit: "1-1-102"
"""


def test_tf107_a_write_off_without_approval() -> None:
    result = load_rules(FEE + month("2025-01-01") + WAIVER.format(meta="") + end("2025-02-01"))
    assert result.at() == [("TF107", result.line_of("减免一月物业费"))]
    error = result["TF107"][0]
    assert error.ids == ("unit:1-1-102",)
    assert error.amount == Decimal("173.08")


def test_a_waiver_with_approval_passes_a_reversed_bill_is_a_waiver() -> None:
    approved = load_rules(
        '2025-01-19 custom "tf-approval" "AP-W" "committee" "李四" 173.08 CNY\n'
        '2025-01-19 custom "tf-approval" "AP-W" "manager" "王五" 173.08 CNY\n'
        + WAIVER.format(meta='\n  approval: "AP-W"')
    )
    assert approved.codes() == []
    reversal = load_rules(
        '2025-01-21 * "物业费" "冲销账单 1-1-101"\n'
        "  Income:Fees:Property  215.00 CNY\n"
        '  Assets:Receivable:Fees  -215.00 CNY\n    unit: "1-1-101"\n'
    )
    assert reversal.codes() == ["TF107"]


def test_receipts_and_prepayments_are_not_waivers_a_short_receipt_waives_the_rest() -> None:
    body = (
        '2025-01-05 * "张三" "paid"\n  Assets:Bank:Trust  215.00 CNY\n'
        '  Assets:Receivable:Fees  -215.00 CNY\n    unit: "1-1-101"\n'
        '2025-01-05 * "李五" "from prepayment"\n  Liabilities:Prepaid:Fees  173.08 CNY\n'
        '  Assets:Receivable:Fees  -173.08 CNY\n    unit: "1-1-102"\n'
        '2025-01-06 * "李五" "paid part, rest waived"\n  Assets:Bank:Trust  200.00 CNY\n'
        "  Expenses:Fees:Waivers  58.00 CNY\n"
        '  Assets:Receivable:Fees  -258.00 CNY\n    unit: "2-1-101"\n'
    )
    result = load_rules(body)
    assert result.at() == [("TF107", result.line_of("rest waived"))]
    assert result["TF107"][0].amount == Decimal("58.00")


def test_waivers_never_count_as_collected() -> None:
    body = (
        '2025-01-01 custom "tf-remuneration" 0.10 "fees"\n'
        + month("2025-01-01")
        + '2025-01-06 * "李五" "paid part, rest waived"\n  Assets:Bank:Trust  200.00 CNY\n'
        "  Expenses:Fees:Waivers  58.00 CNY\n"
        '  Assets:Receivable:Fees  -258.00 CNY\n    unit: "2-1-101"\n' + WAIVER.format(meta="")
    )
    ledger = load_string('plugin "trustfund.rules.fees"\n' + HEADER + body)
    assert collected_base(ledger.entries, ledger.community) == {"2025-01": Decimal("200.00")}
    index = build_index(ledger.entries, ledger.community)
    assert index.collected_by_month() == {"2025-01": Decimal("200.00")}
    assert index.waived_by_month() == {"2025-01": Decimal("231.08")}
