"""A typed view of one community, built once per load from its ``tf-*`` directives.

DESIGN.md §3 fixes the directives and the order of their values; this module is their only
parser. :func:`build_community` makes one pass over the ``Custom`` entries and returns a
:class:`Community` (frozen records, :mod:`ledger.record`; ``Decimal`` for money and area) plus the TF001/TF002
errors found while parsing (malformed directives, unknown references, duplicate votes).

Later-dated directives supersede earlier ones (a unit's new owner, a new remuneration rate);
the ``*_at(date)`` methods answer "what was in force on that day".
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable, Container, Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Generic, Protocol, TypeVar

from beancount.core import data
from beancount.core.amount import Amount

from ledger.errors import TrustError, make_error
from ledger.record import Record, field

T = TypeVar("T")
G = TypeVar("G", bound="_Dated")


class _Dated(Protocol):
    @property
    def date(self) -> datetime.date: ...


ACCOUNT_DTYPE = "<AccountDummy>"

REMUNERATION_BASES = ("fees", "fees+public")
VOTE_CHOICES = ("yes", "no", "abstain")
ROLES = ("committee", "manager", "supervisor")
FREQUENCIES = ("once", "monthly", "quarterly", "yearly")
#: Roster roles (``tf-member``); "none" ends a person's membership.
MEMBER_ROLES = (*ROLES, "none")
#: Counterparty kinds (``tf-party``).
PARTY_KINDS = ("organisation", "person", "related")
#: Fee-standard bases (``tf-fee``): area × rate each month, or a flat rate per unit each month.
FEE_BASES = ("m2-month", "unit-month")
#: Publication switches (``tf-publish``, DESIGN.md §7); each is FALSE unless the community says so.
PUBLISH_SWITCHES = ("receipts-by-unit", "arrears-by-unit", "votes-by-unit")
#: Hash schemes a ``tf-access`` value may use: ``sha256:<hex>`` or ``pbkdf2-sha256:<iter>:<salt>:<hex>``.
ACCESS_RE = re.compile(r"^(sha256:[0-9a-f]{64}|pbkdf2-sha256:\d+:[0-9a-f]{16,}:[0-9a-f]{64})$")
#: The stages of a matter under 五议两公开, in the order they must happen (``tf-stage``):
#: 提议, 商议, 审议, 决议 (the vote's ``tf-close``, or ``tf-stage "resolve"`` for a matter decided
#: without an owners' vote), 决议公开, 评议, 结果公开.
STAGES = (
    "propose",
    "discuss",
    "review",
    "resolve",
    "publish-decision",
    "evaluate",
    "publish-result",
)
#: The stages that must be on record, on or before the payment day, for a payment to cite a
#: resolution under the procedure (TF601); evaluation and the result's publication come after.
STAGES_BEFORE_PAYMENT = STAGES[:5]
STAGE_LABELS = {
    "propose": "提议",
    "discuss": "商议",
    "review": "审议",
    "resolve": "决议",
    "publish-decision": "决议公开",
    "evaluate": "评议",
    "publish-result": "结果公开",
}
#: ``tf-procedure`` kinds: "five-two" (五议两公开) switches the TF601/TF603 trail on, "none" off.
PROCEDURES = ("five-two", "none")
#: ``tf-objection-outcome`` values; "upheld" stops the payments under the notice.
OBJECTION_OUTCOMES = ("withdrawn", "dismissed", "upheld")
#: ``tf-disposition`` kinds: what the owners decided to do with a year's surplus (结余处置).
DISPOSITIONS = ("carry-forward", "reserve", "refund-by-area")
YEAR_RE = re.compile(r"^\d{4}$")
#: Custom directive ``close-year`` writes to carry a year's surplus per fund into the new year:
#: ``custom "trustfund-carry-surplus" "2025" "common" 123456.78 CNY`` (TF607 and the 决算 read it).
SURPLUS_CARRY_TYPE = "trustfund-carry-surplus"
_ROOM_RE = re.compile(r"^[^-\s]+(-[^-\s]+)*$")  # a tf-unit room id: components joined by "-"
RULE_RE = re.compile(r"^(>=|>)\s*(\d+)\s*/\s*(\d+)$")

DEFAULT_PARTICIPATION = ">=2/3"
DEFAULT_APPROVAL = ">1/2"
#: Civil Code art. 278: these matters need three quarters of the participating area and owners.
THREE_QUARTER_MATTERS = ("raise-maintenance-fund", "rebuild", "change-use")

Meta = dict[str, Any]


class Ratio(Record):
    """A vote threshold such as ``>=2/3`` (以上, at least) or ``>1/2`` (过半数, more than)."""

    op: str  # ">=" | ">"
    fraction: Fraction

    @classmethod
    def parse(cls, text: str) -> Ratio | None:
        match = RULE_RE.match(text.strip())
        if not match:
            return None
        num, den = int(match.group(2)), int(match.group(3))
        if den == 0 or num <= 0 or num > den:
            return None
        return cls(match.group(1), Fraction(num, den))

    def passes(self, part: Decimal | int, whole: Decimal | int) -> bool:
        """Exact test of ``part / whole  op  fraction`` (no rounding, no float)."""
        if whole <= 0:
            return False
        left = Decimal(part) * self.fraction.denominator
        right = Decimal(whole) * self.fraction.numerator
        return left >= right if self.op == ">=" else left > right

    def __str__(self) -> str:
        return f"{self.op}{self.fraction.numerator}/{self.fraction.denominator}"


class Unit(Record):
    room: str
    building: str
    area: Decimal
    owner_id: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class Owner(Record):
    id: str
    name: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class RemunerationTerm(Record):
    date: date
    rate: Decimal
    base: str  # "fees" | "fees+public"
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class ThresholdTerm(Record):
    date: date
    amount: Decimal
    currency: str
    notice_days: int
    meta: Meta = field(compare=False, repr=False)


class RemitTerm(Record):
    date: date
    days: int
    meta: Meta = field(compare=False, repr=False)


class VoteRule(Record):
    date: date
    matter: str
    participation: Ratio
    approval: Ratio
    meta: Meta = field(compare=False, repr=False)


class SignOff(Record):
    approval_id: str
    role: str
    name: str
    amount: Decimal
    currency: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class Approval(Record):
    """All sign-offs of one approval id, in date order."""

    id: str
    signoffs: tuple[SignOff, ...]

    @property
    def meta(self) -> Meta:
        return self.signoffs[0].meta

    def latest_by_role(self, on_or_before: date | None = None) -> dict[str, SignOff]:
        """Each role's latest sign-off (optionally only those dated on or before a day)."""
        latest: dict[str, SignOff] = {}
        for signoff in self.signoffs:
            if on_or_before is not None and signoff.date > on_or_before:
                continue
            latest[signoff.role] = signoff
        return latest

    def roles(self) -> frozenset[str]:
        return frozenset(s.role for s in self.signoffs)

    def amount(self, on_or_before: date | None = None) -> Decimal | None:
        """The approved amount: the smallest of the roles' latest sign-offs (DESIGN.md)."""
        latest = self.latest_by_role(on_or_before)
        if not latest:
            return None
        return min(s.amount for s in latest.values())


class Resolution(Record):
    id: str
    matter: str
    title: str
    scope: tuple[str, ...]  # building ids; () means the whole community
    date: date
    meta: Meta = field(compare=False, repr=False)
    budget: Decimal | None = None  # ``budget:`` metadata: the most its payments may add up to

    def in_scope(self, room: str) -> bool:
        return not self.scope or building_of(room) in self.scope


class Vote(Record):
    resolution_id: str
    room: str
    choice: str  # yes | no | abstain
    date: date
    meta: Meta = field(compare=False, repr=False)


class Close(Record):
    resolution_id: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class Notice(Record):
    """A public notice of a payment (公示): from ``date`` to ``deadline`` owners may object."""

    id: str
    approval_id: str
    date: date
    meta: Meta = field(compare=False, repr=False)
    deadline: datetime.date | None = None  # the last day of the objection window (None: no window)
    entry: Any = field(default=None, compare=False, repr=False)


class Emergency(Record):
    id: str
    hazard: str
    confirmation: str
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class Contract(Record):
    id: str
    account: str
    counterparty: str
    amount: Decimal
    currency: str
    frequency: str  # once | monthly | quarterly | yearly
    start: date
    end: date
    meta: Meta = field(compare=False, repr=False)


class Seal(Record):
    period: str  # "2025-03"
    digest: str  # "sha256:…"
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class Hazard(Record):
    type: str
    date: date


class AutoDebit(Record):
    account: str
    date: date


class Member(Record):
    """A roster line: from ``date`` on, ``name`` may sign for ``role`` ("none" ends it)."""

    name: str
    role: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class Party(Record):
    """A counterparty's kind from ``date`` on: organisation, person or related (to a member)."""

    name: str
    kind: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class FeeStandard(Record):
    """A fee standard (收费标准): each unit is billed ``rate`` per m2 (or per unit) each month."""

    kind: str  # "property", "parking" …
    rate: Decimal
    currency: str
    basis: str  # "m2-month" | "unit-month"
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class PublishSwitch(Record):
    """A publication switch (DESIGN.md §7) in force from ``date``."""

    name: str
    value: bool
    date: date
    meta: Meta = field(compare=False, repr=False)


class SiteAddress(Record):
    """The address of the owners' published site (``tf-site``): QR codes on access slips and
    on the printed notice point there."""

    url: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class Access(Record):
    """The hash of a unit's access code (``trustfund codes``); the code itself is never stored."""

    room: str
    digest: str
    date: date
    meta: Meta = field(compare=False, repr=False)


class Stage(Record):
    """One step of a matter's 五议两公开 trail (``tf-stage``), tied to its resolution id."""

    resolution_id: str
    stage: str  # one of STAGES
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class ProcedureTerm(Record):
    """``tf-procedure``: from ``date``, resolutions follow ``kind``; the result is due ``days``
    after the latest payment under it (None: no deadline)."""

    kind: str  # "five-two" | "none"
    days: int | None
    date: date
    meta: Meta = field(compare=False, repr=False)


class Objection(Record):
    """A written objection to a notice (``tf-objection``), by a unit, a body or a person."""

    id: str
    notice_id: str
    by: str
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class ObjectionOutcome(Record):
    """How an objection ended (``tf-objection-outcome``): withdrawn, dismissed or upheld."""

    objection_id: str
    outcome: str
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class BudgetAdoption(Record):
    """``tf-budget``: the owners adopted the budget of ``year`` under a resolution on ``date``."""

    year: str  # "2025"
    resolution_id: str
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class Disposition(Record):
    """``tf-disposition``: what the owners decided to do with part of a year's surplus."""

    year: str  # "2025"
    kind: str  # one of DISPOSITIONS
    amount: Decimal
    currency: str
    resolution_id: str
    date: date
    meta: Meta = field(compare=False, repr=False)
    entry: Any = field(default=None, compare=False, repr=False)


class Governance(Record, frozen=False):
    """The registers of a decision's path and of a year's end (issue 16): stages, objections,
    budget adoptions, surplus dispositions and the procedure in force."""

    stages: dict[str, list[Stage]] = field(default_factory=dict)  # resolution id -> by date
    procedure: Dated[ProcedureTerm] = field(default_factory=lambda: Dated(()))
    notices: dict[str, list[Notice]] = field(default_factory=dict)  # notice id -> its lines
    objections: dict[str, Objection] = field(default_factory=dict)  # id -> objection
    by_notice: dict[str, list[Objection]] = field(default_factory=dict)  # notice id -> objections
    outcomes: dict[str, list[ObjectionOutcome]] = field(default_factory=dict)  # objection id ->
    budgets: dict[str, list[BudgetAdoption]] = field(default_factory=dict)  # year -> by date
    dispositions: dict[str, list[Disposition]] = field(default_factory=dict)  # year -> by date
    #: Fava's ``custom "budget"`` lines, in entry order (the budget rule reads them).
    budget_lines: list[data.Custom] = field(default_factory=list)
    #: The common fund's surplus of a year ``close-year`` carried (``trustfund-carry-surplus``).
    carried_surplus: dict[str, Decimal] = field(default_factory=dict)

    def procedure_for(self, resolution: Resolution) -> ProcedureTerm | None:
        """The procedure term that governs a resolution (in force on its date), or None."""
        term = self.procedure.at(resolution.date)
        return term if term is not None and term.kind != "none" else None

    def stage_dates(self, resolution_id: str, close: Close | None = None) -> dict[str, date]:
        """Each stage's first date on record; "resolve" is the vote's close when there is one."""
        first: dict[str, date] = {}
        for stage in self.stages.get(resolution_id, ()):
            if stage.stage not in first or stage.date < first[stage.stage]:
                first[stage.stage] = stage.date
        if close is not None:
            first["resolve"] = close.date
        return first

    def outcome(
        self, objection_id: str, on_or_before: date | None = None
    ) -> ObjectionOutcome | None:
        """The latest outcome of an objection (dated on or before a day, when given)."""
        found = None
        for outcome in self.outcomes.get(objection_id, ()):
            if on_or_before is None or outcome.date <= on_or_before:
                found = outcome
        return found

    def adoption(self, year: str) -> BudgetAdoption | None:
        """The latest adoption of a year's budget."""
        lines = self.budgets.get(year)
        return lines[-1] if lines else None


def building_of(room: str) -> str:
    """The building of a unit id ``building-entrance-room`` (its first component)."""
    return room.split("-", 1)[0]


_MONEY_RE = re.compile(r"^\s*(-?\d[\d,]*(?:\.\d+)?)\s*(?:[A-Z][A-Z0-9'._-]*)?\s*$")


def parse_money(value: Any) -> Decimal | None:
    """A money amount written as ``8000.00``, ``8000.00 CNY`` (an Amount) or ``"8,000.00 CNY"``."""
    if isinstance(value, Amount):
        return value.number if isinstance(value.number, Decimal) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, str):
        match = _MONEY_RE.match(value)
        if match:
            return Decimal(match.group(1).replace(",", ""))
    return None


class Dated(Generic[T]):
    """Values that take effect on their date; :meth:`at` gives the one in force on a day."""

    __slots__ = ("_dates", "_values")

    def __init__(self, items: Iterable[tuple[date, T]]) -> None:
        pairs = sorted(items, key=lambda pair: pair[0])  # stable: file order breaks ties
        self._dates = [d for d, _ in pairs]
        self._values = [v for _, v in pairs]

    def at(self, day: date) -> T | None:
        index = bisect.bisect_right(self._dates, day)
        return self._values[index - 1] if index else None

    def all(self) -> list[T]:
        return list(self._values)

    def __bool__(self) -> bool:
        return bool(self._values)


class Community(Record):
    """Everything the rules and reports know about a community, indexed by id."""

    units: dict[str, list[Unit]]  # room -> its register lines in date order
    owners: dict[str, list[Owner]]  # owner id -> name history in date order
    remuneration: Dated[RemunerationTerm]
    thresholds: Dated[ThresholdTerm]
    remit_days: Dated[RemitTerm]
    vote_rules: dict[str, Dated[VoteRule]]  # matter -> dated rules
    hazards: tuple[Hazard, ...]
    auto_debit: tuple[AutoDebit, ...]
    approvals: dict[str, Approval]
    resolutions: dict[str, Resolution]
    votes: dict[str, list[Vote]]  # resolution id -> votes (first per unit; duplicates are TF002)
    closes: dict[str, Close]
    notices: dict[str, list[Notice]]  # approval id -> notices
    emergencies: dict[str, Emergency]
    contracts: dict[str, Contract]
    seals: tuple[Seal, ...]
    first_date: date | None
    last_date: date | None  # the ledger's last entry date
    members: dict[str, list[Member]] = field(default_factory=dict)  # name -> roster lines by date
    parties: dict[str, list[Party]] = field(default_factory=dict)  # name -> kind lines by date
    fees: dict[str, Dated[FeeStandard]] = field(default_factory=dict)  # kind -> dated standards
    publish: dict[str, Dated[PublishSwitch]] = field(default_factory=dict)
    access: dict[str, Dated[Access]] = field(default_factory=dict)  # room -> dated code hashes
    governance: Governance = field(default_factory=Governance)  # stages, objections, budgets …
    site: Dated[SiteAddress] = field(default_factory=lambda: Dated(()))  # tf-site addresses

    # -- units and owners -------------------------------------------------------------
    def unit_at(self, room: str, day: date) -> Unit | None:
        lines = self.units.get(room)
        if not lines:
            return None
        found = None
        for line in lines:
            if line.date <= day:
                found = line
            else:
                break
        return found

    def register_at(self, day: date) -> dict[str, Unit]:
        """The unit register as of ``day``: room -> its line in force."""
        register: dict[str, Unit] = {}
        for room, lines in self.units.items():
            unit = None
            for line in lines:
                if line.date <= day:
                    unit = line
                else:
                    break
            if unit is not None:
                register[room] = unit
        return register

    def owner_name(self, owner_id: str, day: date | None = None) -> str | None:
        lines = self.owners.get(owner_id)
        if not lines:
            return None
        if day is None:
            return lines[-1].name
        name = None
        for line in lines:
            if line.date <= day:
                name = line.name
        return name if name is not None else lines[0].name

    # -- terms ------------------------------------------------------------------------
    def vote_rule(self, matter: str, day: date) -> tuple[Ratio, Ratio]:
        """(participation, approval) for a matter on a day: ``tf-vote-rule`` or art. 278."""
        dated = self.vote_rules.get(matter)
        rule = dated.at(day) if dated else None
        if rule is not None:
            return rule.participation, rule.approval
        participation = Ratio.parse(DEFAULT_PARTICIPATION)
        approval = Ratio.parse(">=3/4" if matter in THREE_QUARTER_MATTERS else DEFAULT_APPROVAL)
        assert participation is not None and approval is not None
        return participation, approval

    def hazards_at(self, day: date) -> frozenset[str]:
        """Hazard types listed on or before ``day`` (they accumulate)."""
        return frozenset(h.type for h in self.hazards if h.date <= day)

    def auto_debit_at(self, day: date) -> frozenset[str]:
        return frozenset(a.account for a in self.auto_debit if a.date <= day)

    def is_auto_debit(self, account: str, day: date) -> bool:
        return any(
            a.date <= day and (account == a.account or account.startswith(a.account + ":"))
            for a in self.auto_debit
        )

    # -- people, parties, fees, publication ------------------------------------------------
    @property
    def has_roster(self) -> bool:
        """True when the ledger has any ``tf-member`` (then sign-offs are judged by it)."""
        return bool(self.members)

    def member_role(self, name: str, day: date) -> str | None:
        """The role ``name`` holds on ``day`` by the roster, or None (not a member then)."""
        role = None
        for line in self.members.get(name, ()):
            if line.date <= day:
                role = line.role
            else:
                break
        return None if role in (None, "none") else role

    def members_on(self, day: date) -> dict[str, str]:
        """Everyone on the roster on ``day``: name -> role."""
        found = {name: self.member_role(name, day) for name in self.members}
        return {name: role for name, role in found.items() if role is not None}

    def party_kind(self, name: str, day: date | None = None) -> str | None:
        """The kind of a counterparty (``tf-party``) in force on ``day`` (latest when None)."""
        kind = None
        for line in self.parties.get(name.strip(), ()):
            if day is None or line.date <= day:
                kind = line.kind
            else:
                break
        return kind

    def fee_at(self, kind: str, day: date) -> FeeStandard | None:
        """The ``tf-fee`` standard of ``kind`` in force on ``day``."""
        dated = self.fees.get(kind)
        return dated.at(day) if dated else None

    def publishes(self, switch: str, day: date | None = None) -> bool:
        """A ``tf-publish`` switch (default FALSE) in force on ``day`` (latest when None)."""
        dated = self.publish.get(switch)
        if not dated:
            return False
        line = dated.at(day) if day is not None else dated.all()[-1]
        return bool(line and line.value)

    def access_digest(self, room: str, day: date | None = None) -> str | None:
        """The hash of ``room``'s access code in force (latest when ``day`` is None)."""
        dated = self.access.get(room)
        if not dated:
            return None
        line = dated.at(day) if day is not None else dated.all()[-1]
        return line.digest if line else None


# ---------------------------------------------------------------------------------------
# Parsing


def _values(entry: data.Custom) -> list[Any]:
    return [v.value for v in entry.values or ()]  # `custom "tf-x"` with no values has None


_SIGNATURES: dict[str, tuple[tuple[str, ...], str]] = {
    # name: (value kinds, human-readable form)
    "tf-unit": (("str", "num", "str"), '"ROOM" AREA "OWNER-ID"'),
    "tf-owner": (("str", "str"), '"OWNER-ID" "NAME"'),
    "tf-remuneration": (("num", "str"), 'RATE "fees"|"fees+public"'),
    "tf-threshold": (("amount", "num"), "AMOUNT CUR NOTICE-DAYS"),
    "tf-remit-days": (("num",), "DAYS"),
    "tf-vote-rule": (("str", "str", "str"), '"MATTER" ">=2/3" ">1/2"'),
    "tf-hazard": (("str",), '"HAZARD-TYPE"'),
    "tf-approval": (("str", "str", "str", "amount"), '"ID" "ROLE" "NAME" AMOUNT CUR'),
    "tf-resolution": (("str", "str", "str", "str"), '"ID" "MATTER" "TITLE" "BUILDINGS"'),
    "tf-vote": (("str", "str", "str"), '"RESOLUTION" "ROOM" "yes|no|abstain"'),
    "tf-close": (("str",), '"RESOLUTION"'),
    "tf-notice": (("str", "str", "date?"), '"NOTICE-ID" "APPROVAL-ID" [OBJECTION-DEADLINE]'),
    "tf-emergency": (("str", "str", "str"), '"ID" "HAZARD" "CONFIRMATION"'),
    "tf-contract": (
        ("str", "account", "str", "amount", "str", "date"),
        '"ID" ACCOUNT "COUNTERPARTY" AMOUNT CUR "FREQUENCY" END-DATE',
    ),
    "tf-seal": (("str", "str"), '"PERIOD" "sha256:HEX"'),
    "tf-auto-debit": (("account",), "ACCOUNT"),
    "tf-member": (("str", "str"), '"NAME" "committee|manager|supervisor|none"'),
    "tf-party": (("str", "str"), '"NAME" "organisation|person|related"'),
    "tf-fee": (("str", "amount", "str"), '"KIND" RATE CUR "m2-month|unit-month"'),
    "tf-publish": (("str", "bool"), '"receipts-by-unit|arrears-by-unit|votes-by-unit" TRUE|FALSE'),
    "tf-access": (("str", "str"), '"ROOM" "sha256:HEX"'),
    # the path of a decision and the end of a year (issue 16) --------------------------------
    "tf-procedure": (("str", "num?"), '"five-two"|"none" [RESULT-DAYS]'),
    "tf-stage": (
        ("str", "str"),
        '"RESOLUTION" "propose|discuss|review|resolve|publish-decision|evaluate|publish-result"',
    ),
    "tf-objection": (("str", "str", "str"), '"OBJECTION-ID" "NOTICE-ID" "BY"'),
    "tf-objection-outcome": (("str", "str"), '"OBJECTION-ID" "withdrawn|dismissed|upheld"'),
    "tf-budget": (("str", "str"), '"YEAR" "RESOLUTION"'),
    "tf-disposition": (
        ("str", "str", "amount", "str"),
        '"YEAR" "carry-forward|reserve|refund-by-area" AMOUNT CUR "RESOLUTION"',
    ),
    "tf-site": (("str",), '"https://ADDRESS/"'),
}
KNOWN_DIRECTIVES = frozenset(_SIGNATURES)
#: name -> (value kinds without the "?", how many are required, form, parser method name).
_PLANS: dict[str, tuple[tuple[str, ...], int, str, str]] = {
    name: (
        tuple(k.rstrip("?") for k in kinds),
        sum(1 for k in kinds if not k.endswith("?")),
        form,
        "_" + name[3:].replace("-", "_"),
    )
    for name, (kinds, form) in _SIGNATURES.items()
}


def _kind_ok(kind: str, value: Any, dtype: Any) -> bool:
    if kind == "str":
        return dtype is str and isinstance(value, str)
    if kind == "account":
        return dtype == ACCOUNT_DTYPE or (
            dtype is str and bool(re.match(r"^[A-Z][\w-]*(:[\w-]+)+$", value))
        )
    if kind == "num":
        return isinstance(value, Decimal)
    if kind == "amount":
        return isinstance(value, Amount) and isinstance(value.number, Decimal)
    if kind == "date":
        return isinstance(value, date)
    if kind == "bool":
        return isinstance(value, bool)
    return False


def _whole(number: Decimal) -> bool:
    return number == number.to_integral_value() and number >= 0


class _Builder:
    def __init__(self) -> None:
        self.errors: list[TrustError] = []
        self.units: dict[str, list[Unit]] = {}
        self.owners: dict[str, list[Owner]] = {}
        self.remuneration: list[tuple[date, RemunerationTerm]] = []
        self.thresholds: list[tuple[date, ThresholdTerm]] = []
        self.remit: list[tuple[date, RemitTerm]] = []
        self.vote_rules: dict[str, list[tuple[date, VoteRule]]] = {}
        self.hazards: list[Hazard] = []
        self.auto_debit: list[AutoDebit] = []
        self.signoffs: dict[str, list[SignOff]] = {}
        self.resolutions: dict[str, Resolution] = {}
        self.vote_entries: list[tuple[Vote, data.Custom]] = []
        self.closes: dict[str, Close] = {}
        self.notices: list[tuple[Notice, data.Custom]] = []
        self.emergencies: dict[str, Emergency] = {}
        self.contracts: dict[str, Contract] = {}
        self.seals: list[Seal] = []
        self.members: dict[str, list[Member]] = {}
        self.parties: dict[str, list[Party]] = {}
        self.fees: dict[str, list[tuple[date, FeeStandard]]] = {}
        self.publish: dict[str, list[tuple[date, PublishSwitch]]] = {}
        self.access: list[tuple[Access, data.Custom]] = []
        self.procedure: list[tuple[date, ProcedureTerm]] = []
        self.stages: list[tuple[Stage, data.Custom]] = []
        self.objections: dict[str, tuple[Objection, data.Custom]] = {}
        self.outcomes: list[tuple[ObjectionOutcome, data.Custom]] = []
        self.budgets: list[tuple[BudgetAdoption, data.Custom]] = []
        self.dispositions: list[tuple[Disposition, data.Custom]] = []
        self.site: list[tuple[date, SiteAddress]] = []
        self.kept: list[data.Custom] = []  # ``budget`` and carried-surplus lines

    def error(self, code: str, message: str, entry: Any, ids: Iterable[str] = ()) -> None:
        self.errors.append(make_error(code, message, entry, ids=ids))

    def add(self, entry: data.Custom) -> None:
        name = entry.type
        if name == "tf-vote":  # by far the most frequent directive: three strings
            given = entry.values
            if given is not None and len(given) == 3:
                a, b, c = given
                room, choice = b.value, c.value
                if (
                    a.dtype is str
                    and b.dtype is str
                    and c.dtype is str
                    and type(a.value) is str
                    and type(room) is str
                    and choice in VOTE_CHOICES
                ):
                    vote = Vote(a.value, room, choice, entry.date, entry.meta)
                    self.vote_entries.append((vote, entry))
                    return
        plan = _PLANS.get(name)
        if plan is None:
            known = ", ".join(sorted(KNOWN_DIRECTIVES))
            self.error("TF001", f'unknown directive "{name}" (known: {known})', entry)
            return
        kinds, required, form, method = plan
        raw = entry.values or ()  # `custom "tf-x"` with no values has None
        values: list[Any] = []
        if required <= len(raw) <= len(kinds):  # optional values trail
            for kind, item in zip(kinds, raw, strict=False):
                value = item.value
                if kind == "str":  # most values: test them inline
                    if item.dtype is not str or type(value) is not str:
                        break
                elif not _kind_ok(kind, value, item.dtype):
                    break
                values.append(value)
        if len(values) != len(raw) or len(raw) < required:
            self.error("TF001", f'malformed "{name}": expected {name} {form}', entry)
            return
        try:
            getattr(self, method)(entry, values)
        except (ValueError, ArithmeticError, TypeError) as exc:  # never raise on data
            self.error("TF001", f'malformed "{name}": {exc}', entry)

    # one method per directive -----------------------------------------------------------
    def _unit(self, entry: data.Custom, v: list[Any]) -> None:
        room, area, owner = v[0].strip(), v[1], v[2].strip()
        if not room or not _ROOM_RE.match(room):
            self.error("TF001", f'malformed "tf-unit": bad room id "{room}"', entry)
            return
        if area <= 0:
            self.error(
                "TF001", f'malformed "tf-unit": area of {room} must be positive, not {area}', entry
            )
            return
        unit = Unit(room, building_of(room), area, owner, entry.date, entry.meta)
        self.units.setdefault(room, []).append(unit)

    def _owner(self, entry: data.Custom, v: list[Any]) -> None:
        self.owners.setdefault(v[0], []).append(Owner(v[0], v[1], entry.date, entry.meta))

    def _remuneration(self, entry: data.Custom, v: list[Any]) -> None:
        rate, base = v
        if not (0 <= rate <= 1):
            self.error(
                "TF001", f'malformed "tf-remuneration": rate {rate} is not between 0 and 1', entry
            )
            return
        if base not in REMUNERATION_BASES:
            self.error(
                "TF001",
                f'malformed "tf-remuneration": base "{base}" is not one of {", ".join(REMUNERATION_BASES)}',
                entry,
            )
            return
        self.remuneration.append(
            (entry.date, RemunerationTerm(entry.date, rate, base, entry.meta, entry))
        )

    def _threshold(self, entry: data.Custom, v: list[Any]) -> None:
        amount, days = v
        if not _whole(days) or amount.number <= 0:
            self.error(
                "TF001",
                'malformed "tf-threshold": amount must be positive and notice days a whole number',
                entry,
            )
            return
        term = ThresholdTerm(entry.date, amount.number, amount.currency, int(days), entry.meta)
        self.thresholds.append((entry.date, term))

    def _remit_days(self, entry: data.Custom, v: list[Any]) -> None:
        if not _whole(v[0]):
            self.error(
                "TF001", f'malformed "tf-remit-days": {v[0]} is not a whole number of days', entry
            )
            return
        self.remit.append((entry.date, RemitTerm(entry.date, int(v[0]), entry.meta)))

    def _vote_rule(self, entry: data.Custom, v: list[Any]) -> None:
        participation, approval = Ratio.parse(v[1]), Ratio.parse(v[2])
        if participation is None or approval is None:
            self.error(
                "TF001",
                f'malformed "tf-vote-rule": rules must read like ">=2/3" or ">1/2", not "{v[1]}" "{v[2]}"',
                entry,
            )
            return
        rule = VoteRule(entry.date, v[0], participation, approval, entry.meta)
        self.vote_rules.setdefault(v[0], []).append((entry.date, rule))

    def _hazard(self, entry: data.Custom, v: list[Any]) -> None:
        self.hazards.append(Hazard(v[0], entry.date))

    def _auto_debit(self, entry: data.Custom, v: list[Any]) -> None:
        self.auto_debit.append(AutoDebit(v[0], entry.date))

    def _approval(self, entry: data.Custom, v: list[Any]) -> None:
        approval_id, role, name, amount = v
        if role not in ROLES:
            self.error(
                "TF001",
                f'malformed "tf-approval": role "{role}" is not one of {", ".join(ROLES)}',
                entry,
            )
            return
        if amount.number <= 0:
            self.error(
                "TF001",
                f'malformed "tf-approval": amount must be positive, not {amount.number}',
                entry,
            )
            return
        signoff = SignOff(
            approval_id, role, name, amount.number, amount.currency, entry.date, entry.meta
        )
        self.signoffs.setdefault(approval_id, []).append(signoff)

    def _resolution(self, entry: data.Custom, v: list[Any]) -> None:
        rid, matter, title, scope = v
        if rid in self.resolutions:
            self.error(
                "TF001", f'malformed "tf-resolution": resolution "{rid}" is defined twice', entry
            )
            return
        buildings = tuple(b.strip() for b in scope.split(",") if b.strip())
        budget = None
        if "budget" in (entry.meta or {}):
            budget = parse_money(entry.meta["budget"])
            if budget is None or budget <= 0:
                self.error(
                    "TF001",
                    f'malformed "tf-resolution": budget: {entry.meta["budget"]!r} is not a positive amount (e.g. 8000.00 or "8000.00 CNY")',
                    entry,
                )
                budget = None  # the resolution stands; only its budget is unreadable
        self.resolutions[rid] = Resolution(
            rid, matter, title, buildings, entry.date, entry.meta, budget
        )

    def _vote(self, entry: data.Custom, v: list[Any]) -> None:
        if v[2] not in VOTE_CHOICES:
            self.error(
                "TF001",
                f'malformed "tf-vote": choice "{v[2]}" is not one of yes, no, abstain',
                entry,
            )
            return
        self.vote_entries.append((Vote(v[0], v[1], v[2], entry.date, entry.meta), entry))

    def _close(self, entry: data.Custom, v: list[Any]) -> None:
        if v[0] in self.closes:
            self.error("TF001", f'malformed "tf-close": resolution "{v[0]}" is closed twice', entry)
            return
        self.closes[v[0]] = Close(v[0], entry.date, entry.meta)

    def _notice(self, entry: data.Custom, v: list[Any]) -> None:
        deadline = v[2] if len(v) > 2 else None
        if deadline is not None and deadline < entry.date:
            self.error(
                "TF001",
                f'malformed "tf-notice": objection deadline {deadline} is before the notice {entry.date}',
                entry,
            )
            return
        notice = Notice(v[0], v[1], entry.date, entry.meta, deadline, entry)
        self.notices.append((notice, entry))

    def _emergency(self, entry: data.Custom, v: list[Any]) -> None:
        if v[0] in self.emergencies:
            self.error(
                "TF001", f'malformed "tf-emergency": emergency "{v[0]}" is defined twice', entry
            )
            return
        self.emergencies[v[0]] = Emergency(v[0], v[1], v[2], entry.date, entry.meta, entry)

    def _contract(self, entry: data.Custom, v: list[Any]) -> None:
        cid, account, counterparty, amount, frequency, end = v
        if frequency not in FREQUENCIES:
            self.error(
                "TF001",
                f'malformed "tf-contract": frequency "{frequency}" is not one of {", ".join(FREQUENCIES)}',
                entry,
            )
            return
        if end < entry.date:
            self.error(
                "TF001", f'malformed "tf-contract": ends {end} before it starts {entry.date}', entry
            )
            return
        self.contracts[cid] = Contract(
            cid,
            account,
            counterparty,
            amount.number,
            amount.currency,
            frequency,
            entry.date,
            end,
            entry.meta,
        )

    def _seal(self, entry: data.Custom, v: list[Any]) -> None:
        period, digest = v
        if not re.match(r"^\d{4}-\d{2}$", period) or not re.match(r"^sha256:[0-9a-f]{64}$", digest):
            self.error(
                "TF001", 'malformed "tf-seal": expected "YYYY-MM" "sha256:<64 hex digits>"', entry
            )
            return
        self.seals.append(Seal(period, digest, entry.date, entry.meta, entry))

    def _member(self, entry: data.Custom, v: list[Any]) -> None:
        name, role = v[0].strip(), v[1].strip()
        if not name:
            self.error("TF001", 'malformed "tf-member": the name is empty', entry)
            return
        if role not in MEMBER_ROLES:
            self.error(
                "TF001",
                f'malformed "tf-member": role "{role}" is not one of {", ".join(MEMBER_ROLES)}',
                entry,
            )
            return
        self.members.setdefault(name, []).append(Member(name, role, entry.date, entry.meta))

    def _party(self, entry: data.Custom, v: list[Any]) -> None:
        name, kind = v[0].strip(), v[1].strip()
        if not name:
            self.error("TF001", 'malformed "tf-party": the name is empty', entry)
            return
        if kind not in PARTY_KINDS:
            self.error(
                "TF001",
                f'malformed "tf-party": kind "{kind}" is not one of {", ".join(PARTY_KINDS)}',
                entry,
            )
            return
        self.parties.setdefault(name, []).append(Party(name, kind, entry.date, entry.meta))

    def _fee(self, entry: data.Custom, v: list[Any]) -> None:
        kind, amount, basis = v[0].strip(), v[1], v[2].strip()
        if not kind:
            self.error("TF001", 'malformed "tf-fee": the fee kind is empty', entry)
            return
        if amount.number <= 0:
            self.error(
                "TF001", f'malformed "tf-fee": rate must be positive, not {amount.number}', entry
            )
            return
        if basis not in FEE_BASES:
            self.error(
                "TF001",
                f'malformed "tf-fee": basis "{basis}" is not one of {", ".join(FEE_BASES)}',
                entry,
            )
            return
        standard = FeeStandard(
            kind, amount.number, amount.currency, basis, entry.date, entry.meta, entry
        )
        self.fees.setdefault(kind, []).append((entry.date, standard))

    def _publish(self, entry: data.Custom, v: list[Any]) -> None:
        name, value = v[0].strip(), v[1]
        if name not in PUBLISH_SWITCHES:
            self.error(
                "TF001",
                f'malformed "tf-publish": switch "{name}" is not one of {", ".join(PUBLISH_SWITCHES)}',
                entry,
            )
            return
        self.publish.setdefault(name, []).append(
            (entry.date, PublishSwitch(name, value, entry.date, entry.meta))
        )

    def _access(self, entry: data.Custom, v: list[Any]) -> None:
        room, digest = v[0].strip(), v[1].strip()
        if not ACCESS_RE.match(digest):
            self.error(
                "TF001",
                'malformed "tf-access": expected "ROOM" "sha256:<64 hex digits>" (or pbkdf2-sha256:ITER:SALT:HEX)',
                entry,
            )
            return
        self.access.append((Access(room, digest, entry.date, entry.meta), entry))

    # the path of a decision and the end of a year (issue 16) --------------------------------
    def _procedure(self, entry: data.Custom, v: list[Any]) -> None:
        kind = v[0].strip()
        if kind not in PROCEDURES:
            self.error(
                "TF001",
                f'malformed "tf-procedure": "{kind}" is not one of {", ".join(PROCEDURES)}',
                entry,
            )
            return
        days = v[1] if len(v) > 1 else None
        if days is not None and (not _whole(days) or days == 0):
            self.error(
                "TF001",
                f'malformed "tf-procedure": result days {days} must be a whole number above 0',
                entry,
            )
            return
        term = ProcedureTerm(kind, int(days) if days is not None else None, entry.date, entry.meta)
        self.procedure.append((entry.date, term))

    def _stage(self, entry: data.Custom, v: list[Any]) -> None:
        rid, stage = v[0].strip(), v[1].strip()
        if stage not in STAGES:
            self.error(
                "TF001",
                f'malformed "tf-stage": stage "{stage}" is not one of {", ".join(STAGES)}',
                entry,
            )
            return
        self.stages.append((Stage(rid, stage, entry.date, entry.meta, entry), entry))

    def _objection(self, entry: data.Custom, v: list[Any]) -> None:
        oid, notice_id, by = (x.strip() for x in v)
        if not by:
            self.error("TF001", 'malformed "tf-objection": who objects is empty', entry)
            return
        if oid in self.objections:
            self.error(
                "TF001", f'malformed "tf-objection": objection "{oid}" is recorded twice', entry
            )
            return
        self.objections[oid] = (Objection(oid, notice_id, by, entry.date, entry.meta, entry), entry)

    def _objection_outcome(self, entry: data.Custom, v: list[Any]) -> None:
        oid, outcome = v[0].strip(), v[1].strip()
        if outcome not in OBJECTION_OUTCOMES:
            self.error(
                "TF001",
                f'malformed "tf-objection-outcome": "{outcome}" is not one of {", ".join(OBJECTION_OUTCOMES)}',
                entry,
            )
            return
        self.outcomes.append((ObjectionOutcome(oid, outcome, entry.date, entry.meta, entry), entry))

    def _budget(self, entry: data.Custom, v: list[Any]) -> None:
        year, rid = v[0].strip(), v[1].strip()
        if not YEAR_RE.match(year):
            self.error("TF001", f'malformed "tf-budget": year "{year}" is not YYYY', entry)
            return
        self.budgets.append((BudgetAdoption(year, rid, entry.date, entry.meta, entry), entry))

    def _disposition(self, entry: data.Custom, v: list[Any]) -> None:
        year, kind, amount, rid = v[0].strip(), v[1].strip(), v[2], v[3].strip()
        if not YEAR_RE.match(year):
            self.error("TF001", f'malformed "tf-disposition": year "{year}" is not YYYY', entry)
            return
        if kind not in DISPOSITIONS:
            self.error(
                "TF001",
                f'malformed "tf-disposition": "{kind}" is not one of {", ".join(DISPOSITIONS)}',
                entry,
            )
            return
        if amount.number <= 0:
            self.error(
                "TF001",
                f'malformed "tf-disposition": amount must be positive, not {amount.number}',
                entry,
            )
            return
        if entry.date.year <= int(year):
            self.error(
                "TF001",
                f'malformed "tf-disposition": the surplus of {year} is disposed of after the year, not on {entry.date}',
                entry,
            )
            return
        disposition = Disposition(
            year, kind, amount.number, amount.currency, rid, entry.date, entry.meta, entry
        )
        self.dispositions.append((disposition, entry))

    def _governance(self) -> Governance:
        """Cross-check the issue-16 registers (TF001/TF002) and build :class:`Governance`."""
        stages = self._stages_by_resolution()
        by_id, objections, by_notice = self._objections_by_notice()
        outcomes = self._grouped(
            self.outcomes,
            lambda o: o.objection_id,
            self.objections,
            lambda o: f'tf-objection-outcome cites unknown objection "{o.objection_id}"',
            lambda o: [f"objection:{o.objection_id}"],
        )
        budgets = self._grouped(
            self.budgets,
            lambda b: b.year,
            self.resolutions,
            lambda b: f'tf-budget {b.year} cites unknown resolution "{b.resolution_id}"',
            lambda b: [f"resolution:{b.resolution_id}"],
            refers=lambda b: b.resolution_id,
        )
        dispositions = self._grouped(
            self.dispositions,
            lambda d: d.year,
            self.resolutions,
            lambda d: f'tf-disposition of {d.year} cites unknown resolution "{d.resolution_id}"',
            lambda d: [f"resolution:{d.resolution_id}"],
            refers=lambda d: d.resolution_id,
        )
        return Governance(
            budget_lines=[e for e in self.kept if e.type == "budget"],
            carried_surplus=self._carried_surplus(),
            stages=stages,
            procedure=Dated(self.procedure),
            notices=by_id,
            objections=objections,
            by_notice=by_notice,
            outcomes=outcomes,
            budgets=budgets,
            dispositions=dispositions,
        )

    def _grouped(
        self,
        items: Iterable[tuple[G, data.Custom]],
        group: Callable[[G], str],
        known: Container[str],
        message: Callable[[G], str],
        ids: Callable[[G], list[str]],
        refers: Callable[[G], str] | None = None,
    ) -> dict[str, list[G]]:
        """The lines grouped (each group in date order); TF002 for one whose reference
        (``refers``, else its group) is not ``known``."""
        out: dict[str, list[G]] = {}
        for item, entry in items:
            if (refers or group)(item) not in known:
                self.error("TF002", message(item), entry, ids(item))
                continue
            out.setdefault(group(item), []).append(item)
        for lines in out.values():
            lines.sort(key=lambda x: x.date)
        return out

    def _stages_by_resolution(self) -> dict[str, list[Stage]]:
        """The stages per resolution in date order; TF002 for an unknown resolution, TF001 for
        a "resolve" stage beside the vote's tf-close."""
        stages: dict[str, list[Stage]] = {}
        for stage, entry in self.stages:
            if stage.resolution_id not in self.resolutions:
                self.error(
                    "TF002",
                    f'tf-stage cites unknown resolution "{stage.resolution_id}"',
                    entry,
                    [f"resolution:{stage.resolution_id}"],
                )
                continue
            if stage.stage == "resolve" and stage.resolution_id in self.closes:
                self.error(
                    "TF001",
                    f'malformed "tf-stage": {stage.resolution_id} is decided by its vote (tf-close); '
                    f'"resolve" is for a matter decided without an owners\' vote',
                    entry,
                    [f"resolution:{stage.resolution_id}"],
                )
                continue
            stages.setdefault(stage.resolution_id, []).append(stage)
        for lines in stages.values():
            lines.sort(key=lambda st: st.date)
        return stages

    def _objections_by_notice(
        self,
    ) -> tuple[dict[str, list[Notice]], dict[str, Objection], dict[str, list[Objection]]]:
        """Notice lines by notice id; objections by id and by notice (TF002: unknown notice)."""
        by_id: dict[str, list[Notice]] = {}
        for notice, _ in self.notices:
            by_id.setdefault(notice.id, []).append(notice)
        objections: dict[str, Objection] = {}
        by_notice: dict[str, list[Objection]] = {}
        for oid, (objection, entry) in self.objections.items():
            if objection.notice_id not in by_id:
                self.error(
                    "TF002",
                    f'objection {oid} cites unknown notice "{objection.notice_id}"',
                    entry,
                    [f"objection:{oid}", f"notice:{objection.notice_id}"],
                )
                continue
            objections[oid] = objection
            by_notice.setdefault(objection.notice_id, []).append(objection)
        return by_id, objections, by_notice

    def _carried_surplus(self) -> dict[str, Decimal]:
        """The common fund's surplus per year ``close-year`` carried (trustfund-carry-surplus)."""
        carried: dict[str, Decimal] = {}
        for entry in self.kept:
            if entry.type != SURPLUS_CARRY_TYPE:
                continue
            values = _values(entry)
            if len(values) >= 3 and str(values[1]) == "common":
                amount = parse_money(values[2])
                if amount is not None:
                    carried[str(values[0])] = amount
        return carried

    def _site(self, entry: data.Custom, v: list[Any]) -> None:
        url = v[0].strip()
        if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", url):
            self.error(
                "TF001",
                f'malformed "tf-site": "{url}" is not a web address (https://host/path/)',
                entry,
            )
            return
        self.site.append((entry.date, SiteAddress(url, entry.date, entry.meta)))

    # cross-references (TF002) ------------------------------------------------------------
    def finish(self, first: date | None, last: date | None) -> Community:
        self._check_units()
        votes = self._votes()
        self._check_closes()
        notices = self._notices_by_approval()
        access = self._access_by_room()
        for lines3 in self.members.values():
            lines3.sort(key=lambda m: m.date)
        for lines4 in self.parties.values():
            lines4.sort(key=lambda p: p.date)

        governance = self._governance()
        approvals = {
            aid: Approval(aid, tuple(sorted(s, key=lambda x: x.date)))
            for aid, s in self.signoffs.items()
        }
        vote_rules = {matter: Dated(items) for matter, items in self.vote_rules.items()}
        return Community(
            units=self.units,
            owners=self.owners,
            remuneration=Dated(self.remuneration),
            thresholds=Dated(self.thresholds),
            remit_days=Dated(self.remit),
            vote_rules=vote_rules,
            hazards=tuple(self.hazards),
            auto_debit=tuple(self.auto_debit),
            approvals=approvals,
            resolutions=self.resolutions,
            votes=votes,
            closes=self.closes,
            notices=notices,
            emergencies=self.emergencies,
            contracts=self.contracts,
            seals=tuple(self.seals),
            first_date=first,
            last_date=last,
            members=self.members,
            parties=self.parties,
            fees={kind: Dated(items) for kind, items in self.fees.items()},
            publish={name: Dated(items) for name, items in self.publish.items()},
            access={room: Dated(items) for room, items in access.items()},
            governance=governance,
            site=Dated(self.site),
        )

    def _check_units(self) -> None:
        """Registers in date order; TF002 for a unit naming an owner not registered."""
        for room, lines in self.units.items():
            lines.sort(key=lambda u: u.date)
            for unit in lines:
                if self.owners and unit.owner_id not in self.owners:
                    self.errors.append(
                        make_error(
                            "TF002",
                            f'unit {room} names unknown owner "{unit.owner_id}"',
                            None,
                            unit.meta,
                            ids=[f"unit:{room}", f"owner:{unit.owner_id}"],
                        )
                    )
        for lines2 in self.owners.values():
            lines2.sort(key=lambda o: o.date)

    def _votes(self) -> dict[str, list[Vote]]:
        """The votes per resolution: TF002 for an unknown resolution or unit, or a second vote."""
        votes: dict[str, list[Vote]] = {}
        seen: set[tuple[str, str]] = set()
        for vote, entry in self.vote_entries:
            if vote.resolution_id not in self.resolutions:
                self.error(
                    "TF002",
                    f'vote of {vote.room} cites unknown resolution "{vote.resolution_id}"',
                    entry,
                    [f"resolution:{vote.resolution_id}", f"unit:{vote.room}"],
                )
                continue
            if vote.room not in self.units:
                self.error(
                    "TF002",
                    f'vote on {vote.resolution_id} cites unknown unit "{vote.room}"',
                    entry,
                    [f"resolution:{vote.resolution_id}", f"unit:{vote.room}"],
                )
                continue
            key = (vote.resolution_id, vote.room)
            if key in seen:
                self.error(
                    "TF002",
                    f"duplicate vote of unit {vote.room} on {vote.resolution_id}",
                    entry,
                    [f"resolution:{vote.resolution_id}", f"unit:{vote.room}"],
                )
                continue
            seen.add(key)
            votes.setdefault(vote.resolution_id, []).append(vote)
        return votes

    def _check_closes(self) -> None:
        """TF002 for a tf-close of an unknown resolution."""
        for rid, close in self.closes.items():
            if rid not in self.resolutions:
                self.errors.append(
                    make_error(
                        "TF002",
                        f'tf-close cites unknown resolution "{rid}"',
                        None,
                        close.meta,
                        ids=[f"resolution:{rid}"],
                    )
                )

    def _notices_by_approval(self) -> dict[str, list[Notice]]:
        """The notices per approval: TF002 for a notice citing an unknown approval."""
        notices: dict[str, list[Notice]] = {}
        for notice, entry in self.notices:
            if notice.approval_id not in self.signoffs:
                self.error(
                    "TF002",
                    f'notice {notice.id} cites unknown approval "{notice.approval_id}"',
                    entry,
                    [f"notice:{notice.id}", f"approval:{notice.approval_id}"],
                )
                continue
            notices.setdefault(notice.approval_id, []).append(notice)
        return notices

    def _access_by_room(self) -> dict[str, list[tuple[date, Access]]]:
        """The access-code hashes per unit: TF002 for an unknown unit."""
        access: dict[str, list[tuple[date, Access]]] = {}
        for item, entry in self.access:
            if item.room not in self.units:
                self.error(
                    "TF002",
                    f'tf-access names unknown unit "{item.room}"',
                    entry,
                    [f"unit:{item.room}"],
                )
                continue
            access.setdefault(item.room, []).append((item.date, item))
        return access


def build_community(entries: Sequence[data.Directive]) -> tuple[Community, list[TrustError]]:
    """Parse every ``tf-*`` directive of ``entries`` into a :class:`Community` (one pass).

    Returns the community and the TF001/TF002 errors of the directives themselves.
    Custom directives of other names (``fava-option`` …) are ignored, but for the ``budget``
    lines and the surplus ``close-year`` carries, kept in :attr:`Governance.budget_lines` and
    :attr:`Governance.carried_surplus` for the rules that read them.
    """
    builder = _Builder()
    dates = [entry.date for entry in entries]  # min/max in C: no comparison loop in Python
    first = min(dates) if dates else None
    last = max(dates) if dates else None
    custom = data.Custom
    for entry in [e for e in entries if type(e) is custom]:
        name = entry.type
        if name.startswith("tf-"):
            builder.add(entry)
        elif name == "budget" or name == SURPLUS_CARRY_TYPE:
            builder.kept.append(entry)  # read by the budget and surplus rules (TF606/TF607)
    community = builder.finish(first, last)
    return community, builder.errors
