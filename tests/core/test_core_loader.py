"""The loader's cache policy and the typed community view."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import click
import pytest

import ledger.loader as tf_loader
from ledger.community import Ratio, building_of
from ledger.failures import LedgerNotFound, TrustfundError
from ledger.loader import load_string

LEDGER = """\
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 custom "tf-owner" "O-1" "张三"
2025-01-01 custom "tf-owner" "O-2" "李四"
2025-01-01 custom "tf-unit" "3-1-101" 89.50 "O-1"
2025-01-01 custom "tf-unit" "3-1-102" 120.25 "O-1"
2025-06-01 custom "tf-unit" "3-1-101" 89.50 "O-2"
2025-01-01 custom "tf-remuneration" 0.10 "fees"
2025-07-01 custom "tf-remuneration" 0.12 "fees+public"
2025-01-01 custom "tf-threshold" 100000.00 CNY 10
2025-01-01 custom "tf-vote-rule" "rebuild" ">2/3" ">=3/4"
2025-03-03 custom "tf-approval" "AP-1" "committee" "李四" 1200.00 CNY
2025-03-04 custom "tf-approval" "AP-1" "manager" "王五" 1000.00 CNY
"""


def test_community_view_is_typed_and_dated() -> None:
    community = load_string(LEDGER).community
    assert community.unit_at("3-1-101", date(2025, 5, 31)).owner_id == "O-1"  # type: ignore[union-attr]
    assert community.unit_at("3-1-101", date(2025, 6, 1)).owner_id == "O-2"  # type: ignore[union-attr]
    assert community.unit_at("3-1-101", date(2024, 12, 31)) is None
    register = community.register_at(date(2025, 12, 31))
    assert {u.owner_id for u in register.values()} == {"O-1", "O-2"}
    assert register["3-1-102"].area == Decimal("120.25")
    assert isinstance(register["3-1-102"].area, Decimal)
    assert community.remuneration.at(date(2025, 6, 30)).rate == Decimal("0.10")  # type: ignore[union-attr]
    assert community.remuneration.at(date(2025, 7, 1)).base == "fees+public"  # type: ignore[union-attr]
    assert community.remuneration.at(date(2024, 12, 31)) is None
    assert community.thresholds.at(date(2025, 5, 1)).notice_days == 10  # type: ignore[union-attr]
    participation, approval = community.vote_rule("rebuild", date(2025, 2, 1))
    assert (str(participation), str(approval)) == (">2/3", ">=3/4")
    participation, approval = community.vote_rule("use-maintenance-fund", date(2025, 2, 1))
    assert (str(participation), str(approval)) == (">=2/3", ">1/2")
    assert str(community.vote_rule("change-use", date(2025, 2, 1))[1]) == ">=3/4"
    approval_ap1 = community.approvals["AP-1"]
    assert approval_ap1.roles() == {"committee", "manager"}
    assert approval_ap1.amount() == Decimal("1000.00")
    assert approval_ap1.amount(date(2025, 3, 3)) == Decimal("1200.00")
    assert community.owner_name("O-2") == "李四"
    assert building_of("3-1-101") == "3"


@pytest.mark.parametrize(
    ("rule", "part", "whole", "passes"),
    [
        (">=2/3", 2, 3, True),
        (">2/3", 2, 3, False),
        (">1/2", 1, 2, False),
        (">1/2", 51, 100, True),
        (">=3/4", Decimal("75.00"), Decimal("100.00"), True),
        (">=3/4", Decimal("74.99"), 100, False),
        (">1/2", 0, 0, False),
    ],
)
def test_ratio_is_exact(rule: str, part: Decimal, whole: Decimal, passes: bool) -> None:
    ratio = Ratio.parse(rule)
    assert ratio is not None
    assert ratio.passes(part, whole) is passes


def test_bad_ratio_texts_are_refused() -> None:
    for text in ("2/3", ">=3/2", ">=0/3", "=1/2", ">1/0", "most"):
        assert Ratio.parse(text) is None, text


def test_resolve_ledger_raises_trustfunds_own_error(tmp_path: Path) -> None:
    """Library code speaks no click: a missing ledger is a LedgerNotFound (cli.py words it)."""
    with pytest.raises(LedgerNotFound, match="no such ledger file"):
        tf_loader.resolve_ledger(tmp_path)  # a folder without main.beancount
    with pytest.raises(LedgerNotFound):
        tf_loader.resolve_ledger(tmp_path / "nope.beancount")
    (tmp_path / "main.beancount").write_text("", encoding="utf-8")
    assert tf_loader.resolve_ledger(tmp_path) == (tmp_path / "main.beancount").resolve()
    assert issubclass(LedgerNotFound, TrustfundError)
    assert not issubclass(LedgerNotFound, click.ClickException)
