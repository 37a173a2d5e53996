"""TF001/TF002 for the ``tf-*`` directives themselves (ledger.community via trustfund.rules.directives)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.loader import load_string

HEADER = """\
plugin "trustfund.rules.directives"
2024-01-01 open Income:Public:Advertising CNY
2024-01-01 open Expenses:Admin:BankFees CNY
"""

#: Every example line of DESIGN.md §3, which must parse without an error.
DESIGN_EXAMPLE = """\
2024-01-01 custom "tf-unit" "3-1-101" 89.50 "O-0001"
2024-01-01 custom "tf-owner" "O-0001" "张三"
2024-01-01 custom "tf-remuneration" 0.10 "fees"
2024-01-01 custom "tf-threshold" 100000.00 CNY 10
2024-01-01 custom "tf-remit-days" 7
2024-01-01 custom "tf-vote-rule" "use-maintenance-fund" ">=2/3" ">1/2"
2024-01-01 custom "tf-hazard" "elevator-fault"
2025-03-03 custom "tf-approval" "AP-2025-031" "committee" "李四" 1200.00 CNY
2025-03-04 custom "tf-approval" "AP-2025-031" "manager" "王五" 1200.00 CNY
2025-02-01 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "3号楼电梯更换" "3"
2025-02-20 custom "tf-vote" "R-2025-01" "3-1-101" "yes"
2025-02-28 custom "tf-close" "R-2025-01"
2025-03-01 custom "tf-notice" "N-2025-004" "AP-2025-031"
2025-03-01 custom "tf-emergency" "E-2025-01" "elevator-fault" "街道办确认函 2025-03-01"
2025-01-01 custom "tf-contract" "C-2025-01" Income:Public:Advertising "电梯广告公司" 2000.00 CNY "monthly" 2025-12-31
2025-04-05 custom "tf-seal" "2025-03" "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
2024-01-01 custom "tf-auto-debit" Expenses:Admin:BankFees
"""


def errors_of(body: str) -> list[tuple[str, int, str]]:
    ledger = load_string(HEADER + body)
    result = []
    for error in ledger.errors:
        code = error.message.split()[0]
        assert code.startswith("TF"), error.message
        result.append((code, error.source["lineno"], error.message))
    return sorted(result)


def codes_of(body: str) -> list[tuple[str, int]]:
    return [(code, line) for code, line, _ in errors_of(body)]


FIRST = len(HEADER.splitlines()) + 1  # line number of the body's first line


def test_design_example_parses_cleanly() -> None:
    assert errors_of(DESIGN_EXAMPLE) == []
    ledger = load_string(HEADER + DESIGN_EXAMPLE)
    community = ledger.community
    assert community.units["3-1-101"][0].area == Decimal("89.50")
    assert community.contracts["C-2025-01"].account == "Income:Public:Advertising"
    assert community.is_auto_debit("Expenses:Admin:BankFees", community.last_date)  # type: ignore[arg-type]
    assert community.approvals["AP-2025-031"].amount() == Decimal("1200.00")
    assert len(community.votes["R-2025-01"]) == 1
    assert community.notices["AP-2025-031"][0].id == "N-2025-004"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('2024-01-01 custom "tf-unit" "1-1-101" 89.50', "expected tf-unit"),  # arity
        ('2024-01-01 custom "tf-unit" "1-1-101" "89.50" "O-1"', "expected tf-unit"),  # type
        ('2024-01-01 custom "tf-unit" "1-1-101" -5 "O-1"', "must be positive"),
        ('2024-01-01 custom "tf-unit" "1-1-101" 0 "O-1"', "must be positive"),
        ('2024-01-01 custom "tf-unit" "" 10 "O-1"', "bad room id"),
        ('2024-01-01 custom "tf-remit-days" 7.5', "whole number"),
        ('2024-01-01 custom "tf-remit-days" -1', "whole number"),
        ('2024-01-01 custom "tf-threshold" 100000.00 CNY 2.5', "whole number"),
        ('2024-01-01 custom "tf-threshold" 100000.00 10', "expected tf-threshold"),
        ('2024-01-01 custom "tf-remuneration" 0.10 "gross"', "base"),
        ('2024-01-01 custom "tf-remuneration" 1.5 "fees"', "between 0 and 1"),
        ('2024-01-01 custom "tf-vote-rule" "rebuild" ">=2/3" "majority"', "rules must read like"),
        ('2024-01-01 custom "tf-vote-rule" "rebuild" "=2/3" ">1/2"', "rules must read like"),
        ('2024-01-01 custom "tf-vote-rule" "rebuild" ">=3/2" ">1/2"', "rules must read like"),
        ('2024-01-01 custom "tf-vote-rule" "rebuild" ">=2/0" ">1/2"', "rules must read like"),
        ('2025-03-03 custom "tf-approval" "AP-1" "chair" "李四" 100.00 CNY', "role"),
        ('2025-03-03 custom "tf-approval" "AP-1" "committee" "李四" 0.00 CNY', "positive"),
        (
            '2025-03-03 custom "tf-approval" "AP-1" "committee" "李四" 100.00',
            "expected tf-approval",
        ),
        (
            '2025-01-01 custom "tf-contract" "C-1" Income:Public:Advertising "x" 1.00 CNY "weekly" 2025-12-31',
            "frequency",
        ),
        (
            '2025-01-01 custom "tf-contract" "C-1" Income:Public:Advertising "x" 1.00 CNY "once" 2024-12-31',
            "before it starts",
        ),
        ('2025-04-05 custom "tf-seal" "2025-3" "sha256:00"', "tf-seal"),
        ('2024-01-01 custom "tf-hazard" 5', "expected tf-hazard"),
        ('2024-01-01 custom "tf-auto-debit" 5', "expected tf-auto-debit"),
        ('2024-01-01 custom "tf-units" "1-1-101" 89.50 "O-1"', "unknown directive"),
    ],
)
def test_tf001_malformed(line: str, fragment: str) -> None:
    found = errors_of(line + "\n")
    assert [(code, lineno) for code, lineno, _ in found] == [("TF001", FIRST)]
    assert fragment in found[0][2]


def test_tf001_vote_choice() -> None:
    body = (
        '2024-01-01 custom "tf-unit" "1-1-101" 80 "O-1"\n'
        '2025-02-01 custom "tf-resolution" "R-1" "rebuild" "t" ""\n'
        '2025-02-02 custom "tf-vote" "R-1" "1-1-101" "maybe"\n'
    )
    assert codes_of(body) == [("TF001", FIRST + 2)]


def test_tf001_resolution_emergency_close_defined_twice() -> None:
    body = (
        '2025-02-01 custom "tf-resolution" "R-1" "rebuild" "t" ""\n'
        '2025-02-02 custom "tf-resolution" "R-1" "rebuild" "again" ""\n'
        '2025-02-03 custom "tf-close" "R-1"\n'
        '2025-02-04 custom "tf-close" "R-1"\n'
        '2025-03-01 custom "tf-emergency" "E-1" "x" "y"\n'
        '2025-03-02 custom "tf-emergency" "E-1" "x" "y"\n'
    )
    assert codes_of(body) == [("TF001", FIRST + 1), ("TF001", FIRST + 3), ("TF001", FIRST + 5)]


def test_other_custom_directives_are_ignored() -> None:
    body = '2025-01-01 custom "budget" Expenses:Admin:BankFees "monthly" 20.00 CNY\n'
    assert errors_of(body) == []


def test_tf002_unknown_owner_once_owners_are_registered() -> None:
    units = '2024-01-01 custom "tf-unit" "1-1-101" 80 "O-1"\n2024-01-01 custom "tf-unit" "1-1-102" 80 "O-2"\n'
    assert errors_of(units) == []  # no owner register at all: nothing to check against
    found = errors_of(units + '2024-01-01 custom "tf-owner" "O-1" "张三"\n')
    assert [(c, n) for c, n, _ in found] == [("TF002", FIRST + 1)]
    assert '"O-2"' in found[0][2]


def test_tf002_votes_and_references() -> None:
    body = (
        '2024-01-01 custom "tf-unit" "1-1-101" 80 "O-1"\n'  # FIRST
        '2025-02-01 custom "tf-resolution" "R-1" "rebuild" "t" ""\n'
        '2025-02-02 custom "tf-vote" "R-1" "1-1-101" "yes"\n'
        '2025-02-03 custom "tf-vote" "R-1" "1-1-101" "no"\n'  # FIRST+3 duplicate
        '2025-02-03 custom "tf-vote" "R-9" "1-1-101" "no"\n'  # FIRST+4 unknown resolution
        '2025-02-03 custom "tf-vote" "R-1" "9-9-999" "no"\n'  # FIRST+5 unknown unit
        '2025-02-04 custom "tf-close" "R-8"\n'  # FIRST+6 unknown resolution
        '2025-02-05 custom "tf-notice" "N-1" "AP-404"\n'  # FIRST+7 unknown approval
    )
    found = errors_of(body)
    assert [(c, n) for c, n, _ in found] == [("TF002", FIRST + k) for k in (3, 4, 5, 6, 7)]
    ledger = load_string(HEADER + body)
    votes = ledger.community.votes["R-1"]
    assert [(v.room, v.choice) for v in votes] == [("1-1-101", "yes")]  # the first vote stands
    assert "duplicate vote" in found[0][2]


def test_directive_errors_are_reported_once_by_xinyi_runner() -> None:
    from ledger.community import build_community
    from trustfund.rules.plugin import Config, run_all

    ledger = load_string(HEADER + '2024-01-01 custom "tf-remit-days" 7.5\n')
    _, errors = run_all(ledger.entries, [], Config())
    assert [e.message.split()[0] for e in errors] == ["TF001"]
    _, direct = build_community(ledger.entries)
    assert len(direct) == 1


def test_tf001_malformed_member_party_fee_at_file_line_nothing_raises() -> None:
    from ruleledger import load_rules

    bad = [
        '2025-01-01 custom "tf-member" "赵一"',  # role missing
        '2025-01-01 custom "tf-member" "赵一" "treasurer"',  # role not on the list
        '2025-01-01 custom "tf-member" "  " "committee"',  # empty name
        '2025-01-01 custom "tf-member" 12 "committee"',  # not a string
        '2025-01-01 custom "tf-party" "洁美保洁" "supplier"',  # kind not on the list
        '2025-01-01 custom "tf-party" "" "organisation"',  # empty name
        '2025-01-01 custom "tf-party" "洁美保洁"',  # kind missing
        '2025-01-01 custom "tf-fee" "property" -2.20 CNY "m2-month"',  # rate not positive
        '2025-01-01 custom "tf-fee" "property" 2.20 CNY "m2-year"',  # basis not on the list
        '2025-01-01 custom "tf-fee" "property" 2.20 "m2-month"',  # rate without currency
        '2025-01-01 custom "tf-fee" "" 2.20 CNY "m2-month"',  # empty kind
        '2025-01-01 custom "tf-fee" "property"',  # rate and basis missing
    ]
    result = load_rules("\n".join(bad) + "\n")
    text = result.text.splitlines()
    assert result.at() == [("TF001", text.index(line) + 1) for line in bad]
    for error in result["TF001"]:
        assert error.source["filename"] == "<string>"
    # The good lines around them still count: a roster of one with a valid role.
    good = load_rules('2025-01-01 custom "tf-member" "赵一" "committee"\n' + bad[1] + "\n")
    assert good.codes() == ["TF001"]
