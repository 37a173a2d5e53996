"""TF309 (the roster) and TF310 (related-party payments)."""

from __future__ import annotations

from decimal import Decimal

from ruleledger import load_rules

ROSTER = """\
2025-01-01 custom "tf-member" "李四" "committee"
2025-01-01 custom "tf-member" "王五" "manager"
"""

RESOLUTION = """\
2025-01-05 custom "tf-resolution" "R-1" "related-party-contract" "委员亲属承接维修" ""
2025-01-06 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-01-06 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-01-06 custom "tf-vote" "R-1" "2-1-101" "yes"
2025-01-10 custom "tf-close" "R-1"
"""


def signoff(day: str, aid: str, role: str, name: str, amount: str = "800.00") -> str:
    return f'{day} custom "tf-approval" "{aid}" "{role}" "{name}" {amount} CNY\n'


def approval(aid: str, amount: str = "800.00", day: str = "2025-02-01") -> str:
    return signoff(day, aid, "committee", "李四", amount) + signoff(
        day, aid, "manager", "王五", amount
    )


def pay(day: str, payee: str, narration: str, meta: str = "", account: str = "") -> str:
    lines = [f'{day} * "{payee}" "{narration}"']
    lines += [f"  {m.strip()}" for m in meta.split("\n") if m.strip()]
    lines += [f"  {account or 'Expenses:Service:Cleaning'}  800.00 CNY", "  Assets:Bank:Trust"]
    return "\n".join(lines) + "\n"


# -- TF309 -------------------------------------------------------------------------------


def test_rostered_signers_pass() -> None:
    result = load_rules(
        ROSTER + approval("AP-1") + pay("2025-02-02", "洁美保洁", "ok", 'approval: "AP-1"')
    )
    assert result.codes() == []


def test_without_any_roster_sign_offs_are_not_judged() -> None:
    result = load_rules(approval("AP-1") + pay("2025-02-02", "洁美保洁", "ok", 'approval: "AP-1"'))
    assert result.codes() == []


def test_tf309_signer_not_on_the_roster_reported_on_the_approval() -> None:
    body = (
        ROSTER
        + signoff("2025-02-01", "AP-1", "committee", "赵六")
        + signoff("2025-02-01", "AP-1", "manager", "王五")
        + pay("2025-02-02", "洁美保洁", "paid", 'approval: "AP-1"')
    )
    result = load_rules(body)
    assert result.at() == [("TF309", result.line_of('"赵六"'))]
    error = result["TF309"][0]
    assert error.ids == ("approval:AP-1", "member:赵六")
    assert error.amount == Decimal("800.00")


def test_tf309_member_signing_for_another_role() -> None:
    body = (
        ROSTER
        + signoff("2025-02-01", "AP-1", "committee", "王五")
        + signoff("2025-02-01", "AP-1", "manager", "李四")
    )
    result = load_rules(body)
    assert result.lines("TF309") == [
        result.line_of('"committee" "王五"'),
        result.line_of('"manager" "李四"'),
    ]
    assert "on the roster as manager, not committee" in result["TF309"][0].message


def test_tf309_roster_change_mid_month() -> None:
    body = (
        ROSTER
        + '2025-03-15 custom "tf-member" "李四" "none"\n'
        + '2025-03-15 custom "tf-member" "钱二" "committee"\n'
        + signoff("2025-03-14", "AP-1", "committee", "李四")  # the day before he leaves: ok
        + signoff("2025-03-15", "AP-2", "committee", "李四")  # the day he leaves: not ok
        + signoff("2025-03-14", "AP-3", "committee", "钱二")  # the day before she joins
        + signoff("2025-03-15", "AP-4", "committee", "钱二")  # the day she joins: ok
    )
    result = load_rules(body)
    lines = result.text.splitlines()
    bad = [lines[n - 1] for n in result.lines("TF309")]
    assert bad == [
        signoff("2025-03-15", "AP-2", "committee", "李四").strip(),
        signoff("2025-03-14", "AP-3", "committee", "钱二").strip(),
    ]
    messages = " | ".join(e.message for e in result["TF309"])
    assert "off the roster since 2025-03-15" in messages
    assert "not on the roster until 2025-03-15" in messages


def test_a_roster_dated_later_still_switches_the_check_on() -> None:
    body = '2025-12-01 custom "tf-member" "李四" "committee"\n' + approval("AP-1")
    result = load_rules(body)
    assert len(result["TF309"]) == 2


# -- TF310 -------------------------------------------------------------------------------


def test_tf310_payment_to_a_committee_member_as_an_ordinary_expense() -> None:
    body = ROSTER + approval("AP-1") + pay("2025-02-02", "李四", "劳务费", 'approval: "AP-1"')
    result = load_rules(body)
    assert result.at() == [("TF310", result.line_of("劳务费"))]
    error = result["TF310"][0]
    assert error.ids == ("payee:李四", "member:李四")
    assert error.amount == Decimal("800.00")
    assert "related-party: TRUE" in error.message and "resolution" in error.message


def test_tf310_needs_both_the_flag_and_a_passed_resolution() -> None:
    flag_only = load_rules(
        ROSTER
        + approval("AP-1")
        + pay("2025-02-02", "李四", "flag only", 'approval: "AP-1"\nrelated-party: TRUE')
    )
    assert flag_only.codes() == ["TF310"]
    assert "related-party: TRUE" not in flag_only["TF310"][0].message
    resolution_only = load_rules(
        ROSTER
        + RESOLUTION
        + approval("AP-1")
        + pay("2025-02-02", "李四", "vote only", 'approval: "AP-1"\nresolution: "R-1"')
    )
    assert resolution_only.codes() == ["TF310"]
    both = load_rules(
        ROSTER
        + RESOLUTION
        + approval("AP-1")
        + pay(
            "2025-02-02",
            "李四",
            "both",
            'approval: "AP-1"\nrelated-party: TRUE\nresolution: "R-1"',
        )
    )
    assert both.codes() == []


def test_tf310_related_party_and_former_member() -> None:
    body = (
        ROSTER
        + '2025-01-01 custom "tf-party" "李四装修工作室" "related"\n'
        + '2025-03-01 custom "tf-member" "李四" "none"\n'
        + approval("AP-1")
        + approval("AP-2")
        + pay("2025-02-02", "李四装修工作室", "studio", 'approval: "AP-1"')
        + pay("2025-03-02", "李四", "after leaving", 'approval: "AP-2"')
    )
    result = load_rules(body)
    assert result.at() == [("TF310", result.line_of('"studio"'))]
    assert result["TF310"][0].ids[:2] == ("payee:李四装修工作室", "party:李四装修工作室")


def test_returning_the_payees_own_money_is_not_related_party() -> None:
    body = (
        ROSTER
        + '2025-01-10 * "李四" "prepaid fees"\n  Assets:Bank:Trust  800.00 CNY\n'
        + "  Liabilities:Prepaid:Fees\n"
        + approval("AP-1")
        + pay(
            "2025-02-02",
            "李四",
            "refund of prepayment",
            'approval: "AP-1"',
            account="Liabilities:Prepaid:Fees",
        )
    )
    assert load_rules(body).codes() == []


def test_organisation_party_is_not_related() -> None:
    body = (
        ROSTER
        + '2025-01-01 custom "tf-party" "洁美保洁服务有限公司" "organisation"\n'
        + approval("AP-1")
        + pay("2025-02-02", "洁美保洁服务有限公司", "cleaning", 'approval: "AP-1"')
    )
    assert load_rules(body).codes() == []
