"""Owners own the funds (资金归业主): TF101–TF104.

Enable on its own with ``plugin "trustfund.rules.funds"`` (``trustfund.xinyi`` includes it).

Fees, public income and interest belong to the owners and must land in accounts they hold;
what the manager collects for them is a receivable from the manager until it is remitted;
nothing goes to the manager without an approval (or as its computed remuneration); and the
common fund and the maintenance fund stay apart. The ledger lines it checks::

    2024-01-01 custom "tf-remit-days" 7                    ; the manager remits within 7 days

    2025-03-02 * "停车费 3月"                                ; ok: income into the trust account
      Assets:Bank:Trust             500.00 CNY
      Income:Public:Parking

    2025-03-02 * "停车费 现金, 抵保洁费"                       ; TF101: income netted against a cost
      Expenses:Service:Cleaning     500.00 CNY
      Income:Public:Parking

    2025-03-03 * "物业代收 微信"                              ; collected by the manager ...
      Assets:Clearing:Manager      1200.00 CNY
      Income:Fees:Property
    2025-03-11 * "物业上缴"                                  ; ... TF103: remitted on day 8 of 7
      Assets:Bank:Trust            1200.00 CNY
      Assets:Clearing:Manager

    2025-03-20 * "物业垫付报销"                                ; TF102: to the manager, no approval:
      Liabilities:Payable:Manager   300.00 CNY
      Assets:Bank:Trust

    2025-03-25 * "维修资金 补 共同基金"                          ; TF104: two funds, no resolution:
      Assets:Bank:Trust            5000.00 CNY
      Assets:Bank:Maintenance

Codes:

- **TF101** an income credit (``Income:*``) balanced by anything other than ``Assets:Bank:*``,
  ``Assets:Clearing:Manager``, ``Assets:Receivable:*``, ``Liabilities:Prepaid:*``,
  ``Liabilities:Deposits`` or another ``Income`` account.
- **TF102** a debit to ``Liabilities:Payable:Manager`` or ``Expenses:Manager:*`` balanced by an
  owners'-fund account, in a transaction without ``approval:``. The monthly remuneration
  (``period:`` plus ``Expenses:Manager:Remuneration``) is exempt; TF201 checks its amount.
- **TF103** collections into ``Assets:Clearing:Manager`` are matched first in, first out to its
  credits; a collection of day D must be remitted by day D + N (day D + N itself is on time),
  N being the ``tf-remit-days`` in force on day D. What is still unremitted is judged at the
  ledger's last entry date. A collection made while no ``tf-remit-days`` is in force is not
  judged. Reported at the collection.
- **TF104** a transaction touching the common fund and the maintenance fund (see DESIGN.md §3:
  ``Assets:Bank:Maintenance``, ``Income:Maintenance:*``, ``Expenses:Maintenance:*``,
  ``Equity:Owners:Maintenance``) without ``resolution:``. Such a transfer is also a payment
  and needs an approval (TF301). Balances Beancount's ``pad`` inserts (flag ``P``) are not
  transfers and are not judged.

The closing entries ``trustfund close-year`` writes (tagged ``#year-close``) are not judged; its
opening balances (``#year-open``) only bring the collections the manager still holds into TF103.
One pass over the entries; each account is classified once.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from beancount.core import data

from ledger.accounts import MAINTENANCE, AccountClass, classify
from ledger.community import Community
from ledger.entries import YEAR_CLOSE_TAG, YEAR_OPEN_TAG, meta_str
from ledger.errors import TrustError, make_error
from trustfund.rules.plugin import Config, Entries, plugin_entry

__plugins__ = ("plugin",)

ZERO = Decimal(0)

ALLOWED_FOR_INCOME = (
    "Assets:Bank:*, Assets:Clearing:Manager, Assets:Receivable:*, Liabilities:Prepaid:*, "
    "Liabilities:Deposits or Income:*"
)


def _may_balance_income(cls: AccountClass) -> bool:
    return (
        cls.is_bank
        or cls.is_clearing
        or cls.is_receivable
        or cls.is_prepaid
        or cls.is_deposits
        or cls.is_income
    )


@dataclass(slots=True)
class _Lot:
    """One collection into Assets:Clearing:Manager, waiting to be remitted."""

    txn: data.Transaction
    day: date
    amount: Decimal
    remaining: Decimal
    days: int | None  # tf-remit-days in force on the collection day (None: not judged)
    late: bool = False

    @property
    def due(self) -> date | None:
        return None if self.days is None else self.day + timedelta(days=self.days)


class _Remittances:
    """FIFO matching of manager collections to remittances (TF103)."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.queue: deque[_Lot] = deque()
        self.advance = ZERO  # remitted beyond what was collected (covers later collections)
        self.errors: list[TrustError] = []
        self._collections: list[tuple[data.Transaction, Decimal]] = []
        self._remits: list[Decimal] = []
        self._day: date | None = None

    def add(self, txn: data.Transaction, net: Decimal) -> None:
        if self._day is not None and txn.date != self._day:
            self.flush()
        self._day = txn.date
        if net > 0:
            self._collections.append((txn, net))
        else:
            self._remits.append(-net)

    def flush(self) -> None:
        """Apply one day: its collections join the queue, then its remittances consume it."""
        day = self._day
        if day is None:
            return
        for txn, amount in self._collections:
            covered = min(self.advance, amount)
            self.advance -= covered
            if covered < amount:
                term = self.community.remit_days.at(day)
                days = None if term is None else term.days
                self.queue.append(_Lot(txn, day, amount, amount - covered, days))
        for amount in self._remits:
            left = amount
            while left > 0 and self.queue:
                lot = self.queue[0]
                used = min(left, lot.remaining)
                lot.remaining -= used
                left -= used
                if lot.remaining == 0:
                    self.queue.popleft()
                    self._judge(lot, day)
            if left > 0:
                self.advance += left
        self._collections = []
        self._remits = []

    def _judge(self, lot: _Lot, remitted: date) -> None:
        due = lot.due
        if due is None or remitted <= due or lot.late:
            return
        lot.late = True
        self.errors.append(
            make_error(
                "TF103",
                f"collection of {lot.amount} on {lot.day} held by the manager until {remitted}: "
                f"due by {due} ({lot.days} days, tf-remit-days)",
                lot.txn,
            )
        )

    def finish(self, last: date | None) -> list[TrustError]:
        self.flush()
        if last is not None:
            for lot in self.queue:
                due = lot.due
                if due is None or last <= due or lot.late:
                    continue
                lot.late = True
                self.errors.append(
                    make_error(
                        "TF103",
                        f"collection of {lot.amount} on {lot.day}: {lot.remaining} still held by "
                        f"the manager on {last}, due by {due} ({lot.days} days, tf-remit-days)",
                        lot.txn,
                    )
                )
        return self.errors


@dataclass(frozen=True)
class OpenCollection:
    """A manager collection not (fully) remitted at a day (what ``close-year`` carries over)."""

    day: date
    remaining: Decimal
    txn: data.Transaction


def open_collections(
    entries: Entries, community: Community, until: date
) -> tuple[list[OpenCollection], Decimal]:
    """FIFO state of ``Assets:Clearing:Manager`` after the entries dated on or before ``until``.

    Returns the collections still (partly) held by the manager, oldest first, and what was
    remitted beyond the collections (an advance that covers the next ones).
    """
    remittances = _Remittances(community)
    for entry in entries:
        if entry.date > until:
            break
        if type(entry) is not data.Transaction or YEAR_CLOSE_TAG in entry.tags:
            continue
        net = ZERO
        touches = False
        for posting in entry.postings:
            if (
                classify(posting.account).is_clearing
                and posting.units is not None
                and posting.units.number is not None
            ):
                touches = True
                net += posting.units.number
        if touches and net != 0:
            remittances.add(entry, net)
    remittances.flush()
    lots = [OpenCollection(lot.day, lot.remaining, lot.txn) for lot in remittances.queue]
    return lots, remittances.advance


# Per-account bits, computed once per account name (the inner loop only tests integers).
_INCOME = 1
_CLEARING = 2
_MANAGER = 4
_OWNERS = 8  # an owners'-fund account (anything but the manager's)
_MAY_BALANCE_INCOME = 16
_COMMON_FUND = 32
_MAINTENANCE_FUND = 64
_REMUNERATION = 128
_TWO_FUNDS = _COMMON_FUND | _MAINTENANCE_FUND


def _bits(cls: AccountClass) -> int:
    return (
        (_INCOME if cls.is_income else 0)
        | (_CLEARING if cls.is_clearing else 0)
        | (_MANAGER if cls.is_manager else 0)
        | (_OWNERS if cls.is_owners_fund else 0)
        | (_MAY_BALANCE_INCOME if _may_balance_income(cls) else 0)
        | (_MAINTENANCE_FUND if cls.fund == MAINTENANCE else _COMMON_FUND)
        | (_REMUNERATION if cls.is_remuneration else 0)
    )


def _first(txn: data.Transaction, bits: dict[str, int], want: int, sign: int) -> str:
    for posting in txn.postings:
        number = posting.units.number if posting.units is not None else None
        if (
            bits[posting.account] & want
            and number is not None
            and (number > 0) == (sign > 0)
            and number != 0
        ):
            return posting.account
    return "?"


def check(
    entries: Entries, community: Community, config: Config
) -> tuple[Entries, list[TrustError]]:
    """TF101–TF104 over the ledger (entries are returned unchanged)."""
    errors: list[TrustError] = []
    remittances = _Remittances(community)
    bits: dict[str, int] = {}
    transaction = data.Transaction

    for entry in entries:
        if type(entry) is not transaction or YEAR_CLOSE_TAG in entry.tags:
            continue
        txn = entry
        every = debits = credits = 0
        bad_debit = False  # a debit that may not balance an income credit
        clearing_net = ZERO
        for posting in txn.postings:
            account = posting.account
            mask = bits.get(account)
            if mask is None:
                mask = bits[account] = _bits(classify(account))
            every |= mask
            units = posting.units
            number = units.number if units is not None else None
            if number is None:
                continue
            if mask & _CLEARING:
                clearing_net += number
            if number > 0:
                debits |= mask
                if not mask & _MAY_BALANCE_INCOME:
                    bad_debit = True
            elif number < 0:
                credits |= mask

        if YEAR_OPEN_TAG in txn.tags:  # opening balances move no money
            if every & _CLEARING and clearing_net != 0:
                remittances.add(txn, clearing_net)
            continue

        # TF101: income balanced only by owners' accounts or receivables.
        if bad_debit and credits & _INCOME:
            bad = sorted(
                {
                    p.account
                    for p in txn.postings
                    if not bits[p.account] & _MAY_BALANCE_INCOME
                    and p.units is not None
                    and p.units.number is not None
                    and p.units.number > 0
                }
            )
            errors.append(
                make_error(
                    "TF101",
                    f"income {_first(txn, bits, _INCOME, -1)} balanced by {', '.join(bad)}: fund income "
                    f"must be deposited in an owners' account ({ALLOWED_FOR_INCOME})",
                    txn,
                )
            )

        # TF102: money to the manager needs an approval (or is the computed remuneration).
        if (
            debits & _MANAGER
            and credits & _OWNERS
            and meta_str(txn, "approval") is None
            and not (every & _REMUNERATION and meta_str(txn, "period") is not None)
        ):
            errors.append(
                make_error(
                    "TF102",
                    f"{_first(txn, bits, _MANAGER, 1)} debited from an owners' fund without approval: "
                    "(only an approved payment or the remuneration may go to the manager)",
                    txn,
                )
            )

        # TF103: collections held by the manager (net per transaction, FIFO).
        if every & _CLEARING and clearing_net != 0:
            remittances.add(txn, clearing_net)

        # TF104: a transfer between funds needs an owners' resolution.
        if (
            every & _TWO_FUNDS == _TWO_FUNDS
            and txn.flag != "P"
            and meta_str(txn, "resolution") is None
        ):
            names = sorted({p.account for p in txn.postings if bits[p.account] & _MAINTENANCE_FUND})
            errors.append(
                make_error(
                    "TF104",
                    f"transaction touches the common fund and the maintenance fund ({', '.join(names)}) "
                    "without resolution: (a transfer between funds needs an owners' resolution)",
                    txn,
                )
            )

    errors.extend(remittances.finish(community.last_date))
    return entries, errors


plugin = plugin_entry(check)
