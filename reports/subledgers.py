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

from ledger.accounts import RECEIVABLE_FEES, classify
from ledger.community import Community, building_of
from ledger.entries import meta_str
from reports.common import ZERO, allocate, memo, transactions, unit_of, where

AGING_BUCKETS = ((30, "d30"), (90, "d90"), (180, "d180"), (None, "over180"))


def _number(posting: data.Posting) -> Decimal | None:
    units = posting.units
    if units is None or units.number is None:
        return None
    return units.number


def _under(account: str, parent: str) -> bool:
    return account == parent or account.startswith(parent + ":")


@cache
def _is_receivable(account: str) -> bool:
    return _under(account, RECEIVABLE_FEES)


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
    """One unit's open bills (FIFO) as of a day, and what it overpaid."""

    room: str
    open_bills: deque[list] = field(default_factory=deque)  # [date, remaining, location]
    credit: Decimal = ZERO
    billed: Decimal = ZERO
    paid: Decimal = ZERO

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

    def pay(self, amount: Decimal) -> None:
        self.paid += amount
        while amount > 0 and self.open_bills:
            head = self.open_bills[0]
            used = min(head[1], amount)
            head[1] -= used
            amount -= used
            if head[1] == 0:
                self.open_bills.popleft()
        if amount > 0:
            self.credit += amount

    def aging(self, as_of: date) -> dict[str, Decimal]:
        buckets = {key: ZERO for _, key in AGING_BUCKETS}
        for day, remaining, _ in self.open_bills:
            age = (as_of - day).days
            for limit, key in AGING_BUCKETS:
                if limit is None or age <= limit:
                    buckets[key] += remaining
                    break
        return buckets


@dataclass
class Receivables:
    units: dict[str, UnitArrears]
    billed_in_period: Decimal
    unpaid_of_period: Decimal  # what is still open at the end of the period's own bills
    collected_in_period: Decimal
    unattributed: Decimal  # receivable movements without a unit

    @property
    def collection_rate(self) -> Decimal | None:
        if self.billed_in_period <= 0:
            return None
        return (self.billed_in_period - self.unpaid_of_period) / self.billed_in_period


def receivables(
    entries: Sequence[data.Directive], start: date, end: date, room: str | None = None
) -> Receivables:
    """Fee bills and payments on ``Assets:Receivable:Fees`` per unit, up to ``end`` (exclusive).

    Bills (debits) are settled first-in first-out by payments (credits) of the same unit.
    """
    if room is None:
        return memo(
            entries, ("receivables", start, end), lambda: _receivables(entries, start, end, None)
        )
    return _receivables(entries, start, end, room)


def _receivables(
    entries: Sequence[data.Directive], start: date, end: date, room: str | None
) -> Receivables:
    units: dict[str, UnitArrears] = {}
    billed = collected = unattributed = ZERO
    for entry in transactions(entries, None, end):
        for posting in entry.postings:
            if not _is_receivable(posting.account):
                continue
            number = _number(posting)
            if number is None or number == 0:
                continue
            unit = unit_of(posting, entry)
            if unit is None:
                unattributed += number
                continue
            if room is not None and unit != room:
                continue
            state = units.get(unit)
            if state is None:
                state = units[unit] = UnitArrears(unit)
            if number > 0:
                state.bill(entry.date, number, where(entry))
                if entry.date >= start:
                    billed += number
            else:
                state.pay(-number)
                if entry.date >= start:
                    collected -= number
    unpaid = ZERO
    for state in units.values():
        for day, remaining, _ in state.open_bills:
            if day >= start:
                unpaid += remaining
    return Receivables(units, billed, unpaid, collected, unattributed)


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

    @property
    def balance(self) -> Decimal:
        return self.opening + self.deposits - self.costs + self.interest

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
class MaintenanceLedger:
    units: dict[str, UnitFund]
    projects: list[Project]
    interest_total: Decimal
    deposits_unattributed: Decimal


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
    :func:`_maintenance_ledger`); computed once per entries and day."""
    return memo(
        entries,
        ("maintenance", id(community), end),
        lambda: _maintenance_ledger(entries, community, end),
    )


def _maintenance_ledger(
    entries: Sequence[data.Directive], community: Community, end: date
) -> MaintenanceLedger:
    """Deposits, costs and interest of the maintenance fund per unit, up to ``end`` (exclusive).

    A cost (``Expenses:Maintenance:*``) is charged to the unit named by ``unit:`` when there is
    one, otherwise allocated by area to the units in scope on its date: the cited resolution's
    buildings, else the transaction's ``scope:`` metadata, else every unit. Interest
    (``Income:Maintenance:Interest``) is shared in proportion to each unit's balance that day
    (by area when no unit has a positive balance). Shares are to the fen and add up exactly.
    A unit's balance brought forward is its ``Equity:Owners:Maintenance`` posting with ``unit:``;
    its first deposit is its first credit (brought forward or deposit), the base of the 30% flag.
    """
    funds: dict[str, UnitFund] = {}
    projects: list[Project] = []
    interest_total = unattributed = ZERO

    def fund(room: str, day: date) -> UnitFund:
        state = funds.get(room)
        if state is None:
            unit = community.unit_at(room, day)
            if unit is None and community.units.get(room):
                unit = community.units[room][0]
            state = funds[room] = UnitFund(room, unit.area if unit is not None else ZERO)
        return state

    for entry in transactions(entries, None, end):
        cost = interest = ZERO
        direct: dict[str, Decimal] = {}
        for posting in entry.postings:
            account = posting.account
            if not _is_maintenance_flow(account):
                continue
            number = _number(posting)
            if number is None:
                continue
            cls = classify(account)
            if cls.is_expense:
                unit = unit_of(posting, entry)
                if unit is not None and unit in community.units:
                    direct[unit] = direct.get(unit, ZERO) + number
                else:
                    cost += number
            elif _under(account, "Income:Maintenance:Interest"):
                interest -= number
            elif _under(account, "Income:Maintenance:Deposits") or account.startswith("Equity:"):
                unit = unit_of(posting, entry)
                if unit is None or unit not in community.units:
                    unattributed -= number
                    continue
                state = fund(unit, entry.date)
                if account.startswith("Equity:"):
                    state.opening -= number
                else:
                    state.deposits -= number
                if state.first_deposit is None and number < 0:
                    state.first_deposit = -number
        for unit, amount in direct.items():
            fund(unit, entry.date).costs += amount
        if cost:
            scope = _scope_of(entry, community)
            register = community.register_at(entry.date)
            weights = {
                room: u.area
                for room, u in register.items()
                if not scope or building_of(room) in scope
            }
            shares = allocate(cost, weights)
            for room, share in shares.items():
                fund(room, entry.date).costs += share
            projects.append(
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
                    location=where(entry),
                    entry=entry,
                    shares=shares,
                )
            )
        if interest:
            interest_total += interest
            balances = {room: state.balance for room, state in funds.items() if state.balance > 0}
            if not balances:
                balances = {room: u.area for room, u in community.register_at(entry.date).items()}
            for room, share in allocate(interest, balances).items():
                fund(room, entry.date).interest += share
    return MaintenanceLedger(funds, projects, interest_total, unattributed)
