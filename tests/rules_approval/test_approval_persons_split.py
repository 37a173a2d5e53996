"""TF302 (two distinct persons) and TF307 (payments split below the threshold)."""

from __future__ import annotations

from decimal import Decimal

from ruleledger import load_rules


def approval(aid: str, amount: str, committee: str = "李四", manager: str = "王五") -> str:
    return (
        f'2025-02-01 custom "tf-approval" "{aid}" "committee" "{committee}" {amount} CNY\n'
        f'2025-02-01 custom "tf-approval" "{aid}" "manager" "{manager}" {amount} CNY\n'
    )


def pay(day: str, payee: str, narration: str, amount: str, meta: str = "") -> str:
    lines = [f'{day} * "{payee}" "{narration}"']
    lines += [f"  {m.strip()}" for m in meta.split("\n") if m.strip()]
    lines += [f"  Expenses:Service:Security  {amount} CNY", "  Assets:Bank:Trust"]
    return "\n".join(lines) + "\n"


# -- TF302: two distinct persons ---------------------------------------------------------


def test_tf302_one_person_signing_as_committee_and_manager() -> None:
    result = load_rules(
        approval("AP-1", "500.00", committee="李四", manager="李四")
        + pay("2025-02-05", "安泰保安", "one signer twice", "500.00", 'approval: "AP-1"')
    )
    assert result.at() == [("TF302", result.line_of("one signer twice"))]
    error = result["TF302"][0]
    assert error.ids == ("approval:AP-1", "member:李四")
    assert error.amount == Decimal("500.00")
    assert "one person (李四)" in error.message


def test_two_persons_pass_and_names_are_compared_trimmed() -> None:
    result = load_rules(
        approval("AP-1", "500.00", committee="李四", manager="李四 ")
        + approval("AP-2", "500.00")
        + pay("2025-02-05", "安泰保安", "padded name", "500.00", 'approval: "AP-1"')
        + pay("2025-02-06", "安泰保安", "two people", "500.00", 'approval: "AP-2"')
    )
    assert result.at() == [("TF302", result.line_of("padded name"))]


def test_a_third_role_by_another_person_makes_two_persons() -> None:
    result = load_rules(
        approval("AP-1", "500.00", committee="李四", manager="李四")
        + '2025-02-02 custom "tf-approval" "AP-1" "supervisor" "钱七" 500.00 CNY\n'
        + pay("2025-02-05", "安泰保安", "supervisor too", "500.00", 'approval: "AP-1"')
    )
    assert result.codes() == []


# -- TF307: split payments ---------------------------------------------------------------

RESOLUTION = """\
2025-01-05 custom "tf-resolution" "R-1" "security-contract" "年度保安合同" ""
2025-01-06 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-01-06 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-01-06 custom "tf-vote" "R-1" "2-1-101" "yes"
2025-01-10 custom "tf-close" "R-1"
"""


def split(first_day: str, second_day: str, first: str, second: str, meta2: str = "") -> str:
    return (
        approval("AP-1", first)
        + approval("AP-2", second)
        + pay(first_day, "安泰保安服务有限公司", "part one", first, 'approval: "AP-1"')
        + pay(
            second_day,
            "安泰保安服务有限公司",
            "part two",
            second,
            'approval: "AP-2"\n' + meta2,
        )
    )


def test_tf307_two_60000_payments_on_consecutive_days() -> None:
    result = load_rules(split("2025-03-01", "2025-03-02", "60000.00", "60000.00"))
    assert result.at() == [("TF307", result.line_of("part two"))]
    error = result["TF307"][0]
    assert error.amount == Decimal("120000.00")
    assert error.ids[:2] == ("payee:安泰保安服务有限公司", "approval:AP-2")
    assert "no passed owners' resolution" in error.message and "no notice" in error.message


def test_tf307_exactly_at_the_threshold_and_just_below() -> None:
    at = load_rules(split("2025-03-01", "2025-03-02", "60000.00", "40000.00"))
    assert at.codes() == ["TF307"]
    below = load_rules(split("2025-03-01", "2025-03-02", "60000.00", "39999.99"))
    assert below.codes() == []


def test_tf307_window_edges_30_days_in_31_out() -> None:
    thirty = load_rules(split("2025-03-01", "2025-03-31", "60000.00", "60000.00"))
    assert thirty.at() == [("TF307", thirty.line_of("part two"))]
    thirty_one = load_rules(split("2025-03-01", "2025-04-01", "60000.00", "60000.00"))
    assert thirty_one.codes() == []


def test_tf307_other_payees_do_not_add_up() -> None:
    body = (
        approval("AP-1", "60000.00")
        + approval("AP-2", "60000.00")
        + pay("2025-03-01", "安泰保安服务有限公司", "firm a", "60000.00", 'approval: "AP-1"')
        + pay("2025-03-02", "另一家保安公司", "firm b", "60000.00", 'approval: "AP-2"')
    )
    assert load_rules(body).codes() == []


def test_tf307_only_the_payment_that_reaches_the_threshold() -> None:
    body = (
        approval("AP-1", "40000.00")
        + approval("AP-2", "40000.00")
        + approval("AP-3", "40000.00")
        + approval("AP-4", "10000.00")
        + pay("2025-03-01", "安泰保安", "p1", "40000.00", 'approval: "AP-1"')
        + pay("2025-03-05", "安泰保安", "p2", "40000.00", 'approval: "AP-2"')
        + pay("2025-03-09", "安泰保安", "p3", "40000.00", 'approval: "AP-3"')
        + pay("2025-03-10", "安泰保安", "p4", "10000.00", 'approval: "AP-4"')
    )
    result = load_rules(body)
    assert result.at() == [("TF307", result.line_of('"p3"'))]


def test_tf307_satisfied_by_a_passed_resolution_and_a_notice() -> None:
    notice = '2025-02-15 custom "tf-notice" "N-1" "AP-2"\n'
    ok = load_rules(
        RESOLUTION
        + notice
        + split("2025-03-01", "2025-03-02", "60000.00", "60000.00", 'resolution: "R-1"')
    )
    assert ok.codes() == []
    no_notice = load_rules(
        RESOLUTION + split("2025-03-01", "2025-03-02", "60000.00", "60000.00", 'resolution: "R-1"')
    )
    assert no_notice.codes() == ["TF307"]
    assert "no passed owners' resolution" not in no_notice["TF307"][0].message
    late_notice = load_rules(
        RESOLUTION
        + '2025-02-21 custom "tf-notice" "N-1" "AP-2"\n'
        + split("2025-03-01", "2025-03-02", "60000.00", "60000.00", 'resolution: "R-1"')
    )
    assert late_notice.codes() == ["TF307"]
    exactly_ten_days = load_rules(
        RESOLUTION
        + '2025-02-20 custom "tf-notice" "N-1" "AP-2"\n'
        + split("2025-03-01", "2025-03-02", "60000.00", "60000.00", 'resolution: "R-1"')
    )
    assert exactly_ten_days.codes() == []


def test_a_payment_at_the_threshold_is_tf305_not_tf307() -> None:
    result = load_rules(split("2025-03-01", "2025-03-02", "20000.00", "100000.00"))
    assert sorted(result.codes()) == ["TF305", "TF306"]
