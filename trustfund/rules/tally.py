"""The Civil Code art. 278 tally of one owners' resolution (业主共同决定).

A resolution is decided by two tests, each on area **and** headcount (DESIGN.md §2 rule 4,
"Precise semantics: Votes"):

- participation: owners holding ``participation_rule`` of the area and of the headcount
  *within the scope* took part (default ``>=2/3``; "以上" is ``>=``);
- approval: owners holding ``approval_rule`` of the participating area and headcount voted yes
  (``>1/2`` "过半数" for most matters, ``>=3/4`` to raise the fund, rebuild or change use).

The scope is the units whose building is listed on the ``tf-resolution`` ("" = every unit),
taken from the unit register as of the close date (or ``as_of``, or the ledger's last date
when the vote is not closed). A unit that voted takes part; "abstain" takes part without
approving. Area is summed per unit. An owner counts once in the headcount: as taking part if any
of their units in scope voted, as yes only if all their counted votes are yes, as no if any is
no, otherwise as abstaining. Votes of units outside the scope or dated after the close are
ignored (listed in :attr:`Tally.ignored_votes`). The rule in force on the resolution's date
applies. Every pass/fail test is exact (:meth:`ledger.community.Ratio.passes`); the ratio
properties are for display only.

Usage::

    from trustfund.rules.tally import tally
    result = tally(ledger.community, "R-2025-01")
    result.passed, result.failed_tests, result.approval_area_ratio
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from ledger.community import Community, Ratio, Resolution, Vote

PARTICIPATION_AREA = "participation-area"
PARTICIPATION_HEADCOUNT = "participation-headcount"
APPROVAL_AREA = "approval-area"
APPROVAL_HEADCOUNT = "approval-headcount"

_FOUR_PLACES = Decimal("0.0001")


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``part / whole`` quantized to 4 places for display (0 when ``whole`` is 0)."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(_FOUR_PLACES)


class Tally(NamedTuple):
    """The counted result of one resolution's vote."""

    resolution: Resolution
    participation_rule: Ratio
    approval_rule: Ratio
    close_date: date | None
    scope_units: int
    scope_area: Decimal
    scope_owners: int
    voted_units: int
    participating_area: Decimal
    participating_owners: int
    yes_area: Decimal
    yes_owners: int
    no_area: Decimal
    no_owners: int
    abstain_area: Decimal
    abstain_owners: int
    ignored_votes: tuple[Vote, ...]
    passed: bool
    failed_tests: tuple[str, ...]

    @property
    def participation_area_ratio(self) -> Decimal:
        return _ratio(self.participating_area, self.scope_area)

    @property
    def participation_headcount_ratio(self) -> Decimal:
        return _ratio(self.participating_owners, self.scope_owners)

    @property
    def approval_area_ratio(self) -> Decimal:
        return _ratio(self.yes_area, self.participating_area)

    @property
    def approval_headcount_ratio(self) -> Decimal:
        return _ratio(self.yes_owners, self.participating_owners)

    def summary(self) -> str:
        """One line with both tests, e.g. for an error message or a report footnote."""
        return (
            f"participation area {self.participating_area}/{self.scope_area} "
            f"({self.participation_area_ratio:.2%}), headcount "
            f"{self.participating_owners}/{self.scope_owners} "
            f"({self.participation_headcount_ratio:.2%}), rule {self.participation_rule}; "
            f"approval area {self.yes_area}/{self.participating_area} "
            f"({self.approval_area_ratio:.2%}), headcount "
            f"{self.yes_owners}/{self.participating_owners} "
            f"({self.approval_headcount_ratio:.2%}), rule {self.approval_rule}"
        )


def tally(community: Community, resolution_id: str, as_of: date | None = None) -> Tally:
    """Count the votes on ``resolution_id`` by art. 278 (see the module docstring).

    ``as_of`` asks for the tally as it stood on that day: a close dated after it is not yet in
    force, so votes up to that day count and :attr:`Tally.close_date` is None. Without
    ``as_of`` the close date (if any) or else the ledger's last date is the cut-off.

    Raises:
      KeyError: if the resolution id is unknown (callers report TF002 instead of calling).
    """
    resolution = community.resolutions[resolution_id]
    close = community.closes.get(resolution_id)
    close_date: date | None = None
    if close is not None and (as_of is None or close.date <= as_of):
        close_date = close.date
        cutoff = close.date
    else:
        cutoff = as_of or community.last_date or resolution.date
    participation_rule, approval_rule = community.vote_rule(resolution.matter, resolution.date)

    # The scope: units of the listed buildings in the register on the cut-off day.
    register = community.register_at(cutoff)
    scope_area = Decimal(0)
    owners_in_scope: set[str] = set()
    scope_units = 0
    for room, unit in register.items():
        if resolution.in_scope(room):
            scope_units += 1
            scope_area += unit.area
            owners_in_scope.add(unit.owner_id)

    # The votes: one per unit (the parser keeps the first; a second is TF002).
    area_by_choice = {"yes": Decimal(0), "no": Decimal(0), "abstain": Decimal(0)}
    choices_by_owner: dict[str, set[str]] = {}
    ignored: list[Vote] = []
    voted_units = 0
    for vote in community.votes.get(resolution_id, ()):
        line = register.get(vote.room)
        if vote.date > cutoff or line is None or not resolution.in_scope(vote.room):
            ignored.append(vote)
            continue
        voted_units += 1
        area_by_choice[vote.choice] += line.area
        choices_by_owner.setdefault(line.owner_id, set()).add(vote.choice)

    yes_owners = no_owners = abstain_owners = 0
    for choices in choices_by_owner.values():
        if choices == {"yes"}:
            yes_owners += 1
        elif "no" in choices:
            no_owners += 1
        else:
            abstain_owners += 1
    participating_area = sum(area_by_choice.values(), Decimal(0))
    participating_owners = len(choices_by_owner)

    failed: list[str] = []
    if not participation_rule.passes(participating_area, scope_area):
        failed.append(PARTICIPATION_AREA)
    if not participation_rule.passes(participating_owners, len(owners_in_scope)):
        failed.append(PARTICIPATION_HEADCOUNT)
    if not approval_rule.passes(area_by_choice["yes"], participating_area):
        failed.append(APPROVAL_AREA)
    if not approval_rule.passes(yes_owners, participating_owners):
        failed.append(APPROVAL_HEADCOUNT)

    return Tally(
        resolution=resolution,
        participation_rule=participation_rule,
        approval_rule=approval_rule,
        close_date=close_date,
        scope_units=scope_units,
        scope_area=scope_area,
        scope_owners=len(owners_in_scope),
        voted_units=voted_units,
        participating_area=participating_area,
        participating_owners=participating_owners,
        yes_area=area_by_choice["yes"],
        yes_owners=yes_owners,
        no_area=area_by_choice["no"],
        no_owners=no_owners,
        abstain_area=area_by_choice["abstain"],
        abstain_owners=abstain_owners,
        ignored_votes=tuple(ignored),
        passed=not failed,
        failed_tests=tuple(failed),
    )


class Resolutions:
    """Whether a resolution stands behind a payment: passed its vote, closed on or before the day.

    Tallies are computed once per resolution id; :func:`resolutions` shares one instance per
    community between the rules of one load.
    """

    def __init__(self, community: Community) -> None:
        self.community = community
        self._tallies: dict[str, Tally] = {}

    def final(self, resolution_id: str) -> Tally:
        """The tally at the close (or the ledger's end); the id must be known."""
        result = self._tallies.get(resolution_id)
        if result is None:
            result = self._tallies[resolution_id] = tally(self.community, resolution_id)
        return result

    def why_not(self, resolution_id: str, day: date) -> str | None:
        """None when the resolution passed with its vote closed on or before ``day``, else why."""
        if resolution_id not in self.community.resolutions:
            return f'unknown resolution "{resolution_id}"'
        close = self.community.closes.get(resolution_id)
        if close is None or close.date > day:
            when = f"closed {close.date}" if close else "not closed"
            return f"vote on {resolution_id} {when}, after the payment of {day}"
        result = self.final(resolution_id)
        if result.passed:
            return None
        return (
            f"{resolution_id} did not pass ({', '.join(result.failed_tests)}: {result.summary()})"
        )

    def basis(self, resolution_ids: tuple[str, ...] | list[str], day: date) -> tuple[bool, str]:
        """(True, "") when one of ``resolution_ids`` passed by ``day``; else (False, the reasons)."""
        reasons: list[str] = []
        for resolution_id in resolution_ids:
            why = self.why_not(resolution_id, day)
            if why is None:
                return True, ""
            reasons.append(why)
        return False, "; ".join(reasons) if reasons else "cites no resolution"


_SHARED: list[Resolutions] = []


def resolutions(community: Community) -> Resolutions:
    """The :class:`Resolutions` of ``community`` (one shared instance for the last community)."""
    if _SHARED and _SHARED[0].community is community:
        return _SHARED[0]
    shared = Resolutions(community)
    _SHARED[:] = [shared]
    return shared
