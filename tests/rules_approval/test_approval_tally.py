"""The art. 278 tally (trustfund.rules.tally): boundaries and a brute-force property test."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.community import build_community
from ledger.loader import load_string
from trustfund.rules.tally import (
    APPROVAL_AREA,
    APPROVAL_HEADCOUNT,
    PARTICIPATION_AREA,
    PARTICIPATION_HEADCOUNT,
    Tally,
    tally,
)


def units(*specs: tuple[str, str, str]) -> str:
    return "".join(
        f'2024-01-01 custom "tf-unit" "{room}" {area} "{owner}"\n' for room, area, owner in specs
    )


def votes(resolution: str, *specs: tuple[str, str], day: str = "2025-02-05") -> str:
    return "".join(
        f'{day} custom "tf-vote" "{resolution}" "{room}" "{choice}"\n' for room, choice in specs
    )


def resolution(matter: str = "use-maintenance-fund", scope: str = "", rid: str = "R-1") -> str:
    return f'2025-02-01 custom "tf-resolution" "{rid}" "{matter}" "标题" "{scope}"\n'


CLOSE = '2025-02-10 custom "tf-close" "R-1"\n'
FOUR = units(
    ("1-1-101", "100", "O-1"),
    ("1-1-102", "100", "O-2"),
    ("1-1-103", "100", "O-3"),
    ("1-1-104", "100", "O-4"),
)
THREE = units(("1-1-101", "100", "O-1"), ("1-1-102", "100", "O-2"), ("1-1-103", "100", "O-3"))


def count(text: str, rid: str = "R-1", as_of: date | None = None) -> Tally:
    ledger = load_string(text)
    assert ledger.errors == []
    return tally(ledger.community, rid, as_of)


def test_exactly_two_thirds_participation_passes() -> None:
    result = count(
        THREE + resolution() + votes("R-1", ("1-1-101", "yes"), ("1-1-102", "yes")) + CLOSE
    )
    assert result.passed and result.failed_tests == ()
    assert (result.participating_area, result.scope_area) == (Decimal(200), Decimal(300))
    assert (result.participating_owners, result.scope_owners) == (2, 3)
    assert result.participation_area_ratio == Decimal("0.6667")
    assert result.close_date == date(2025, 2, 10)


def test_just_under_two_thirds_participation_fails() -> None:
    text = units(
        ("1-1-101", "100", "O-1"), ("1-1-102", "99.99", "O-2"), ("1-1-103", "100.01", "O-3")
    )
    result = count(
        text + resolution() + votes("R-1", ("1-1-101", "yes"), ("1-1-102", "yes")) + CLOSE
    )
    assert result.failed_tests == (PARTICIPATION_AREA,)
    assert not result.passed


def test_exactly_half_fails_a_more_than_half_matter() -> None:
    result = count(
        FOUR
        + resolution()
        + votes("R-1", ("1-1-101", "yes"), ("1-1-102", "yes"), ("1-1-103", "no"), ("1-1-104", "no"))
        + CLOSE
    )
    assert result.failed_tests == (APPROVAL_AREA, APPROVAL_HEADCOUNT)
    assert result.approval_area_ratio == Decimal("0.5000")


def test_exactly_three_quarters_passes_a_three_quarter_matter() -> None:
    text = (
        FOUR
        + resolution("rebuild")
        + votes(
            "R-1", ("1-1-101", "yes"), ("1-1-102", "yes"), ("1-1-103", "yes"), ("1-1-104", "no")
        )
        + CLOSE
    )
    result = count(text)
    assert str(result.approval_rule) == ">=3/4"
    assert result.passed
    failed = count(text.replace('"1-1-103" "yes"', '"1-1-103" "abstain"'))
    assert failed.failed_tests == (APPROVAL_AREA, APPROVAL_HEADCOUNT)
    assert (failed.abstain_area, failed.abstain_owners) == (Decimal(100), 1)


def test_owner_with_two_units_counts_once_and_sums_area() -> None:
    text = units(("1-1-101", "80", "O-1"), ("1-1-102", "120", "O-1"), ("1-1-103", "100", "O-2"))
    result = count(
        text
        + resolution()
        + votes("R-1", ("1-1-101", "yes"), ("1-1-102", "no"), ("1-1-103", "yes"))
        + CLOSE
    )
    assert (result.scope_owners, result.participating_owners) == (2, 2)
    assert (result.yes_owners, result.no_owners) == (1, 1)
    assert (result.yes_area, result.no_area, result.participating_area) == (
        Decimal(180),
        Decimal(120),
        Decimal(300),
    )
    # 1 of 2 owners is exactly half: not more than half.
    assert result.failed_tests == (APPROVAL_HEADCOUNT,)


def test_owner_yes_on_every_unit_that_voted_is_yes() -> None:
    text = units(("1-1-101", "80", "O-1"), ("1-1-102", "120", "O-1"), ("1-1-103", "100", "O-2"))
    result = count(
        text + resolution() + votes("R-1", ("1-1-101", "yes"), ("1-1-103", "yes")) + CLOSE
    )
    assert (result.yes_owners, result.participating_owners, result.voted_units) == (2, 2, 2)
    assert result.participating_area == Decimal(180)
    assert result.failed_tests == (PARTICIPATION_AREA,)  # 180 of 300 < 2/3


def test_building_scope_and_votes_outside_it() -> None:
    text = THREE + units(("2-1-101", "500", "O-9")) + resolution(scope="1")
    text += votes("R-1", ("1-1-101", "yes"), ("1-1-102", "yes"), ("2-1-101", "no")) + CLOSE
    result = count(text)
    assert (result.scope_units, result.scope_area, result.scope_owners) == (3, Decimal(300), 3)
    assert [v.room for v in result.ignored_votes] == ["2-1-101"]
    assert result.passed
    whole = count(text.replace('"标题" "1"', '"标题" ""'))
    assert whole.scope_units == 4 and not whole.passed


def test_vote_after_close_is_ignored() -> None:
    text = THREE + resolution() + votes("R-1", ("1-1-101", "yes"), ("1-1-102", "yes")) + CLOSE
    text += votes("R-1", ("1-1-103", "no"), day="2025-02-11")
    result = count(text)
    assert [v.room for v in result.ignored_votes] == ["1-1-103"]
    assert result.no_owners == 0 and result.passed
    on_close_day = count(text.replace("2025-02-11 custom", "2025-02-10 custom"))
    assert on_close_day.ignored_votes == () and on_close_day.no_owners == 1


def test_register_as_of_the_close_date() -> None:
    text = THREE + resolution() + votes("R-1", ("1-1-101", "yes"), ("1-1-102", "yes")) + CLOSE
    text += '2025-03-01 custom "tf-unit" "1-1-104" 300 "O-4"\n'  # built after the close
    assert count(text).scope_units == 3
    text_open = text.replace(CLOSE, "")
    result = count(text_open)  # not closed: the register on the ledger's last day
    assert result.close_date is None and result.scope_units == 4
    assert count(text_open, as_of=date(2025, 2, 20)).scope_units == 3


def test_owner_on_the_register_at_the_close_date_counts() -> None:
    # 1-1-102 is sold to O-1 before the close: O-1 now holds two units and counts once.
    text = THREE + '2025-02-07 custom "tf-unit" "1-1-102" 100 "O-1"\n' + resolution()
    text += votes("R-1", ("1-1-101", "yes"), ("1-1-102", "no")) + CLOSE
    result = count(text)
    assert (result.scope_owners, result.participating_owners, result.no_owners) == (2, 1, 1)
    assert result.participating_area == Decimal(200)
    sold_later = count(text.replace("2025-02-07 custom", "2025-02-11 custom"))
    assert (sold_later.scope_owners, sold_later.participating_owners) == (3, 2)


def test_as_of_before_the_close() -> None:
    text = (
        THREE
        + resolution()
        + votes("R-1", ("1-1-101", "yes"))
        + votes("R-1", ("1-1-102", "yes"), day="2025-02-08")
        + CLOSE
    )
    early = count(text, as_of=date(2025, 2, 6))
    assert early.close_date is None and early.voted_units == 1
    assert count(text, as_of=date(2025, 2, 10)).close_date == date(2025, 2, 10)


def test_vote_rule_in_force_on_the_resolution_date() -> None:
    text = FOUR + '2024-01-01 custom "tf-vote-rule" "use-maintenance-fund" ">=2/3" ">=2/3"\n'
    text += '2025-02-02 custom "tf-vote-rule" "use-maintenance-fund" ">=3/4" ">1/2"\n'
    text += (
        resolution()
        + votes("R-1", ("1-1-101", "yes"), ("1-1-102", "yes"), ("1-1-103", "no"))
        + CLOSE
    )
    result = count(text)
    assert (str(result.participation_rule), str(result.approval_rule)) == (">=2/3", ">=2/3")
    assert result.passed  # 3/4 take part, 2/3 of them approve
    assert PARTICIPATION_HEADCOUNT not in result.failed_tests


def test_no_units_in_scope_fails_everything() -> None:
    result = count(THREE + resolution(scope="7") + CLOSE)
    assert result.failed_tests == (
        PARTICIPATION_AREA,
        PARTICIPATION_HEADCOUNT,
        APPROVAL_AREA,
        APPROVAL_HEADCOUNT,
    )
    assert result.participation_area_ratio == Decimal(0)


# ---------------------------------------------------------------------------------------
# Property: the tally agrees with a brute-force count written from the statute's words.

ROOMS = [f"{b}-1-{r}" for b in (1, 2) for r in range(101, 105)]
BASE = date(2025, 2, 1)
CLOSE_DAY = BASE + timedelta(days=10)


def _ledger_text(spec: list[tuple[str, int, int, str | None, int]], scope: str, matter: str) -> str:
    lines = [f'2025-01-01 custom "tf-resolution" "R-1" "{matter}" "t" "{scope}"']
    for room, area, owner, choice, offset in spec:
        lines.append(f'2024-01-01 custom "tf-unit" "{room}" {area} "O-{owner}"')
        if choice:
            day = BASE + timedelta(days=offset)
            lines.append(f'{day} custom "tf-vote" "R-1" "{room}" "{choice}"')
    lines.append(f'{CLOSE_DAY} custom "tf-close" "R-1"')
    return "\n".join(lines) + "\n"


def _brute(
    spec: list[tuple[str, int, int, str | None, int]], scope: str, matter: str
) -> tuple[bool, int, int, Decimal]:
    in_scope = [s for s in spec if not scope or s[0].split("-")[0] == scope]
    counted = [s for s in in_scope if s[3] and BASE + timedelta(days=s[4]) <= CLOSE_DAY]
    owners = {s[2] for s in in_scope}
    by_owner: dict[int, list[str]] = {}
    for s in counted:
        by_owner.setdefault(s[2], []).append(str(s[3]))
    total_area = sum(Fraction(s[1]) for s in in_scope)
    part_area = sum(Fraction(s[1]) for s in counted)
    yes_area = sum(Fraction(s[1]) for s in counted if s[3] == "yes")
    yes_owners = sum(1 for choices in by_owner.values() if all(c == "yes" for c in choices))
    quorum = Fraction(2, 3)
    need = Fraction(3, 4) if matter == "rebuild" else Fraction(1, 2)
    strict = matter != "rebuild"

    def ok(part: Fraction | int, whole: Fraction | int, frac: Fraction, gt: bool) -> bool:
        if not whole:
            return False
        ratio = Fraction(part) / Fraction(whole)
        return ratio > frac if gt else ratio >= frac

    passed = (
        ok(part_area, total_area, quorum, False)
        and ok(len(by_owner), len(owners), quorum, False)
        and ok(yes_area, part_area, need, strict)
        and ok(yes_owners, len(by_owner), need, strict)
    )
    return (
        passed,
        len(by_owner),
        yes_owners,
        Decimal(part_area.numerator) / Decimal(part_area.denominator),
    )


@settings(max_examples=150, deadline=None)
@given(
    spec=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=9),  # area
            st.integers(min_value=1, max_value=4),  # owner
            st.sampled_from([None, "yes", "no", "abstain"]),
            st.integers(min_value=0, max_value=12),  # vote day offset (after day 10: late)
        ),
        min_size=len(ROOMS),
        max_size=len(ROOMS),
    ),
    scope=st.sampled_from(["", "1", "2"]),
    matter=st.sampled_from(["use-maintenance-fund", "rebuild"]),
)
def test_tally_matches_brute_force(
    spec: list[tuple[int, int, str | None, int]], scope: str, matter: str
) -> None:
    full = [(room, *values) for room, values in zip(ROOMS, spec, strict=True)]
    community, errors = build_community(_directives(_ledger_text(full, scope, matter)))
    assert errors == []
    result = tally(community, "R-1")
    passed, part_owners, yes_owners, part_area = _brute(full, scope, matter)
    assert (
        result.passed,
        result.participating_owners,
        result.yes_owners,
        result.participating_area,
    ) == (passed, part_owners, yes_owners, part_area)
    assert result.passed == (result.failed_tests == ())


def _directives(text: str) -> list[Any]:
    from beancount.parser import parser

    entries, errors, _ = parser.parse_string(text)
    assert errors == []
    return sorted(entries, key=lambda e: e.date)
