"""Per-unit sub-ledgers the reports share: fee receivables (arrears, aging) and the
maintenance fund (deposits, costs allocated by area, interest share).

Both are one pass over the entries up to a day; both are pure.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from beancount.core import data

from ledger.accounts import RECEIVABLE_FEES, classify, under
from ledger.community import Community, building_of
from ledger.entries import meta_str, posting_number
from ledger.errors import location
from reports.common import ZERO, allocate, memo, transactions, unit_of, waived

Day = date
AGING_BUCKETS = ((30, "d30"), (90, "d90"), (180, "d180"), (None, "over180"))


@cache
def _is_receivable(account: str) -> bool:
    return under(account, RECEIVABLE_FEES)


@cache
def _is_maintenance_flow(account: str) -> bool:
    return (
        account.startswith("Income:Maintenance")
        or account.startswith("Expenses:Maintenance")
        or account.startswith("Equity:Owners:Maintenance")
    )


# ---------------------------------------------------------------------------------------
# Fee receivables


@dataclass
class UnitArrears:
    """One unit's open bills (FIFO) as of a day, and what it overpaid.

    Collections (``pay``) and waivers (``waive``) both settle the oldest open bill first; only
    collections count as paid (实收).
    """

    room: str
    open_bills: deque[list] = field(default_factory=deque)  # [date, remaining, location]
    credit: Decimal = ZERO
    billed: Decimal = ZERO
    paid: Decimal = ZERO
    waived: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return sum((b[1] for b in self.open_bills), ZERO)

    def bill(self, day: date, amount: Decimal, location: str) -> None:
        self.billed += amount
        if self.credit > 0:  # an earlier overpayment settles it first
            used = min(self.credit, amount)
            self.credit -= used
            amount -= used
        if amount > 0:
            self.open_bills.append([day, amount, location])

    def pay(self, amount: Decimal) -> list[tuple[date, Decimal]]:
        """Settle bills with a collection; returns the (bill date, amount) it settled."""
        self.paid += amount
        return self._settle(amount, keep_credit=True)

    def waive(self, amount: Decimal) -> list[tuple[date, Decimal]]:
        """Settle bills with a waiver or write-off (not collected)."""
        self.waived += amount
        return self._settle(amount, keep_credit=False)

    def _settle(self, amount: Decimal, keep_credit: bool) -> list[tuple[date, Decimal]]:
        settled = []
        while amount > 0 and self.open_bills:
            head = self.open_bills[0]
            used = min(head[1], amount)
            head[1] -= used
            amount -= used
            settled.append((head[0], used))
            if head[1] == 0:
                self.open_bills.popleft()
        if amount > 0 and keep_credit:
            self.credit += amount
        return settled

    def aging(self, as_of: date, today: date | None = None) -> dict[str, Decimal]:
        """Open bills by age in days on ``as_of``, or today when that is earlier (an open
        period's bills are not aged from its future last day); bills dated after it are not
        yet due."""
        as_of = aging_date(as_of, today)
        buckets = {key: ZERO for _, key in AGING_BUCKETS}
        for day, remaining, _ in self.open_bills:
            if day > as_of:
                continue
            age = (as_of - day).days
            for limit, key in AGING_BUCKETS:
                if limit is None or age <= limit:
                    buckets[key] += remaining
                    break
        return buckets

    def oldest(self) -> date | None:
        """The date of the oldest bill still open."""
        return self.open_bills[0][0] if self.open_bills else None


@dataclass
class Receivables:
    units: dict[str, UnitArrears]
    billed_in_period: Decimal
    unpaid_of_period: Decimal  # what is still open at the end of the period's own bills
    collected_in_period: Decimal  # settled by cash or prepayment; waivers never count
    unattributed: Decimal  # receivable movements without a unit
    waived_in_period: Decimal = ZERO
    waived_of_period: Decimal = ZERO  # the part of the period's own bills settled by waivers

    @property
    def collected_of_period(self) -> Decimal:
        """The part of the period's own bills collected by its end (a waived bill is not)."""
        return self.billed_in_period - self.unpaid_of_period - self.waived_of_period

    @property
    def collection_rate(self) -> Decimal | None:
        """Collected share of the period's bills (a waived bill is not collected)."""
        if self.billed_in_period <= 0:
            return None
        return self.collected_of_period / self.billed_in_period


def aging_date(period_last_day: date, today: date | None = None) -> date:
    """The day arrears are aged on: the period's last day, or today when that is earlier."""
    today = today or date.today()
    return min(period_last_day, today)


def receivables(
    entries: Sequence[data.Directive], start: date, end: date, room: str | None = None
) -> Receivables:
    """Fee bills and payments on ``Assets:Receivable:Fees`` per unit, up to ``end`` (exclusive).

    Bills (debits) are settled first-in first-out by the same unit's credits; the part of a
    transaction's credits the index calls a waiver (:func:`reports.common.waived`) settles bills
    without being collected.
    """
    if room is None:
        return memo(
            entries, ("receivables", start, end), lambda: _receivables(entries, start, end, None)
        )
    return _receivables(entries, start, end, room)


class ReceivablesReplay:
    """The fee receivable replayed one transaction at a time, in date order: each unit's bills
    settled first-in first-out by its collections and waivers (:func:`receivables`, and
    :mod:`reports.series`, which stops it at many boundaries).

    Totals count only the transactions applied with ``counted``; the units' states follow all
    of them. ``settlements`` keeps each waiver's (day, bill's day, amount). With ``flows``,
    :attr:`flows` keeps per unit (``None``: postings without one) ``[before, billed, collected,
    waived]``: the net of the transactions applied without ``counted``, and the bills,
    collections and waivers of those applied with it (the audit's per-unit receivables)."""

    def __init__(
        self, entries: Sequence[data.Directive], room: str | None = None, flows: bool = False
    ) -> None:
        self.units: dict[str, UnitArrears] = {}
        self.room = room
        self.waivers = waived(entries)
        self.billed = self.collected = self.unattributed = self.waived = ZERO
        self.settlements: list[tuple[date, date, Decimal]] = []
        self.flows: dict[str | None, list[Decimal]] | None = {} if flows else None

    def _flow(self, unit: str | None) -> list[Decimal]:
        flows = self.flows
        assert flows is not None
        found = flows.get(unit)
        if found is None:
            found = flows[unit] = [ZERO, ZERO, ZERO, ZERO]
        return found

    def state(self, unit: str) -> UnitArrears:
        found = self.units.get(unit)
        if found is None:
            found = self.units[unit] = UnitArrears(unit)
        return found

    def apply(self, entry: data.Transaction, counted: bool = True) -> None:
        credits: dict[str | None, Decimal] = {}
        room = self.room
        for posting in entry.postings:
            if not _is_receivable(posting.account):
                continue
            number = posting_number(posting)
            if number is None or number == 0:
                continue
            unit = unit_of(posting, entry)
            if number > 0:
                if self.flows is not None:
                    self._flow(unit)[1 if counted else 0] += number
                if unit is None:
                    self.unattributed += number
                elif room is None or unit == room:
                    self.state(unit).bill(entry.date, number, location(entry.meta))
                    if counted:
                        self.billed += number
            else:
                credits[unit] = credits.get(unit, ZERO) - number
        if credits:
            self._settle(entry, credits, counted)

    def _settle(
        self, entry: data.Transaction, credits: dict[str | None, Decimal], counted: bool
    ) -> None:
        amount_waived = self.waivers.get(id(entry), ZERO)
        shares = (
            allocate(amount_waived, {k or "": v for k, v in credits.items()})
            if amount_waived
            else {}
        )
        for unit, amount in credits.items():
            waive = shares.get(unit or "", ZERO)
            if self.flows is not None:
                flow = self._flow(unit)
                if counted:
                    flow[2] += amount - waive
                    flow[3] += waive
                else:
                    flow[0] -= amount
            if unit is None:
                self.unattributed -= amount
                continue
            if self.room is not None and unit != self.room:
                continue
            state = self.state(unit)
            if waive:
                for bill_day, settled in state.waive(waive):
                    self.settlements.append((entry.date, bill_day, settled))
                if counted:
                    self.waived += waive
            if amount - waive > 0:
                state.pay(amount - waive)
                if counted:
                    self.collected += amount - waive

    def waived_of(self, start: date, end: date) -> Decimal:
        """The part of the bills dated on or after ``start`` waived in ``[start, end)``."""
        return sum(
            (
                n
                for day, bill_day, n in self.settlements
                if start <= day < end and bill_day >= start
            ),
            ZERO,
        )


def unpaid_since(units: dict[str, UnitArrears], start: date) -> Decimal:
    """What is still open of the bills dated on or after ``start``."""
    return sum(
        (r for state in units.values() for day, r, _ in state.open_bills if day >= start), ZERO
    )


def replay_receivables(
    entries: Sequence[data.Directive],
    start: date,
    end: date,
    room: str | None = None,
    flows: bool = False,
) -> ReceivablesReplay:
    """The fee receivable replayed up to ``end`` (exclusive), the transactions of
    ``[start, end)`` counted (:class:`ReceivablesReplay`)."""
    replay = ReceivablesReplay(entries, room, flows)
    for entry in transactions(entries, None, end):
        replay.apply(entry, entry.date >= start)
    return replay


def _receivables(
    entries: Sequence[data.Directive], start: date, end: date, room: str | None
) -> Receivables:
    replay = replay_receivables(entries, start, end, room)
    return Receivables(
        replay.units,
        replay.billed,
        unpaid_since(replay.units, start),
        replay.collected,
        replay.unattributed,
        replay.waived,
        replay.waived_of(start, end),
    )


# ---------------------------------------------------------------------------------------
# Maintenance fund per unit


@dataclass
class UnitFund:
    room: str
    area: Decimal
    first_deposit: Decimal | None = None
    opening: Decimal = ZERO  # brought forward (Equity:Owners:Maintenance with unit:)
    deposits: Decimal = ZERO
    costs: Decimal = ZERO  # allocated costs (positive = charged to the unit)
    interest: Decimal = ZERO
    product: Decimal = ZERO  # 积数: balance × days since the last interest posting
    since: date | None = None  # the day ``product`` runs from

    @property
    def balance(self) -> Decimal:
        return self.opening + self.deposits - self.costs + self.interest

    def touch(self, day: date) -> None:
        """Add the balance held up to ``day`` (exclusive) to the 积数; call before a change."""
        if self.since is not None and day > self.since:
            self.product += self.balance * (day - self.since).days
        if self.since is None or day > self.since:
            self.since = day

    @property
    def low(self) -> bool:
        """Balance below 30% of the first deposit (续筹 warning, 165号令 art. 17)."""
        return (
            self.first_deposit is not None
            and self.first_deposit > 0
            and self.balance * 10 < self.first_deposit * 3
        )


@dataclass
class Project:
    """One maintenance-fund cost and how it was allocated."""

    date: date
    narration: str
    payee: str
    amount: Decimal
    resolution: str
    emergency: str
    scope: tuple[str, ...]
    units: int
    area: Decimal
    allocated: Decimal
    location: str
    entry: data.Transaction
    shares: dict[str, Decimal] = field(default_factory=dict, repr=False)


@dataclass
class InterestAllocation:
    """One interest posting of the fund and its split over the units by 积数 (balance × days).

    ``products[room]`` is the unit's 积数 from the previous interest posting (or its first
    money) to this posting's day, the start day counted and the end day not (算头不算尾);
    ``by_area`` is True when no unit had a positive 积数 and the interest went by area.
    """

    date: date
    amount: Decimal
    location: str
    since: Day | None
    products: dict[str, Decimal]
    shares: dict[str, Decimal]
    by_area: bool = False


@dataclass
class MaintenanceLedger:
    units: dict[str, UnitFund]
    projects: list[Project]
    interest_total: Decimal
    deposits_unattributed: Decimal
    interest_allocations: list[InterestAllocation] = field(default_factory=list)


def _scope_of(txn: data.Transaction, community: Community) -> tuple[str, ...]:
    rid = meta_str(txn, "resolution")
    if rid and rid in community.resolutions:
        return community.resolutions[rid].scope
    scope = meta_str(txn, "scope")
    if scope:
        return tuple(b.strip() for b in scope.split(",") if b.strip())
    return ()


def maintenance_ledger(
    entries: Sequence[data.Directive], community: Community, end: date
) -> MaintenanceLedger:
    """Deposits, costs and interest of the maintenance fund per unit, up to ``end`` (see
    :class:`_FundBuilder`); computed once per entries and day."""
    return memo(
        entries,
        ("maintenance", id(community), end),
        lambda: _FundBuilder(community).run(entries, end),
    )


class _FundBuilder:
    """Deposits, costs and interest of the maintenance fund per unit, up to ``end`` (exclusive).

    A cost (``Expenses:Maintenance:*``) is charged to the unit named by ``unit:`` when there is
    one, otherwise allocated by area to the units in scope on its date: the cited resolution's
    buildings, else the transaction's ``scope:`` metadata, else every unit. Interest
    (``Income:Maintenance:Interest``) is shared by each unit's 积数 since the previous interest
    posting: its balance at the end of each day times the days it was held (by area when no
    unit has a positive 积数). Shares are to the fen and add up exactly (largest remainder,
    ties by room). A unit's balance brought forward is its ``Equity:Owners:Maintenance``
    posting with ``unit:``; its first deposit is its first credit (brought forward or
    deposit), the base of the 30% flag.
    """

    def __init__(self, community: Community) -> None:
        self.community = community
        self.funds: dict[str, UnitFund] = {}
        self.projects: list[Project] = []
        self.allocations: list[InterestAllocation] = []
        self.interest_total = self.unattributed = ZERO
        self.last_interest: date | None = None

    def fund(self, room: str, day: date) -> UnitFund:
        state = self.funds.get(room)
        if state is None:
            unit = self.community.unit_at(room, day)
            if unit is None and self.community.units.get(room):
                unit = self.community.units[room][0]
            state = self.funds[room] = UnitFund(room, unit.area if unit is not None else ZERO)
        state.touch(day)
        return state

    def run(self, entries: Sequence[data.Directive], end: date) -> MaintenanceLedger:
        flow = _is_maintenance_flow
        for entry in transactions(entries, None, end):
            for posting in entry.postings:  # most transactions never touch the fund
                if flow(posting.account):
                    self.entry(entry)
                    break
        return MaintenanceLedger(
            self.funds, self.projects, self.interest_total, self.unattributed, self.allocations
        )

    def entry(self, entry: data.Transaction) -> None:
        cost = interest = ZERO
        direct: dict[str, Decimal] = {}
        for posting in entry.postings:
            account = posting.account
            if not _is_maintenance_flow(account):
                continue
            number = posting_number(posting)
            if number is None:
                continue
            if classify(account).is_expense:
                unit = unit_of(posting, entry)
                if unit is not None and unit in self.community.units:
                    direct[unit] = direct.get(unit, ZERO) + number
                else:
                    cost += number
            elif under(account, "Income:Maintenance:Interest"):
                interest -= number
            elif under(account, "Income:Maintenance:Deposits") or account.startswith("Equity:"):
                self.credit(entry, posting, number)
        for unit, amount in direct.items():
            self.fund(unit, entry.date).costs += amount
        if cost:
            self.project(entry, cost)
        if interest:
            self.interest(entry, interest)

    def credit(self, entry: data.Transaction, posting: data.Posting, number: Decimal) -> None:
        unit = unit_of(posting, entry)
        if unit is None or unit not in self.community.units:
            self.unattributed -= number
            return
        state = self.fund(unit, entry.date)
        if posting.account.startswith("Equity:"):
            state.opening -= number
        else:
            state.deposits -= number
        if state.first_deposit is None and number < 0:
            state.first_deposit = -number

    def project(self, entry: data.Transaction, cost: Decimal) -> None:
        scope = _scope_of(entry, self.community)
        register = self.community.register_at(entry.date)
        weights = {
            room: u.area for room, u in register.items() if not scope or building_of(room) in scope
        }
        shares = allocate(cost, weights)
        for room, share in shares.items():
            self.fund(room, entry.date).costs += share
        self.projects.append(
            Project(
                date=entry.date,
                narration=(entry.narration or "").strip(),
                payee=(entry.payee or "").strip(),
                amount=cost,
                resolution=meta_str(entry, "resolution") or "",
                emergency=meta_str(entry, "emergency") or "",
                scope=scope,
                units=len(shares),
                area=sum((weights[r] for r in shares), ZERO),
                allocated=sum(shares.values(), ZERO),
                location=location(entry.meta),
                entry=entry,
                shares=shares,
            )
        )

    def interest(self, entry: data.Transaction, amount: Decimal) -> None:
        day = entry.date
        self.interest_total += amount
        for state in self.funds.values():
            state.touch(day)
        products = {room: s.product for room, s in self.funds.items() if s.product > 0}
        by_area = not products
        weights = products or {room: u.area for room, u in self.community.register_at(day).items()}
        shares = allocate(amount, weights)
        for room, share in shares.items():
            self.fund(room, day).interest += share
        self.allocations.append(
            InterestAllocation(
                day,
                amount,
                location(entry.meta),
                self.last_interest,
                {room: s.product for room, s in self.funds.items() if s.product},
                shares,
                by_area,
            )
        )
        for state in self.funds.values():
            state.product = ZERO
        self.last_interest = day
