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
The facts come from the shared index (:mod:`ledger.index`): no pass of its own.
"""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from ledger.accounts import CLEARING_MANAGER
from ledger.community import Community
from ledger.entries import month_of
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex, index_of
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry

__plugins__ = ("plugin",)

ZERO = Decimal(0)

ALLOWED_FOR_INCOME = (
    "Assets:Bank:*, Assets:Clearing:Manager, Assets:Receivable:*, Liabilities:Prepaid:*, "
    "Liabilities:Deposits or Income:*"
)


class _Lot:
    """One collection into Assets:Clearing:Manager, waiting to be remitted."""

    __slots__ = ("amount", "day", "days", "due", "held_late", "late", "remaining", "txn")

    def __init__(
        self,
        txn: data.Transaction,
        day: date,
        amount: Decimal,
        remaining: Decimal,
        days: int | None,  # tf-remit-days in force on the collection day (None: not judged)
        due: date | None,  # the last day it may still be held
    ) -> None:
        self.txn = txn
        self.day = day
        self.amount = amount
        self.remaining = remaining
        self.days = days
        self.due = due
        self.late = False
        self.held_late: Decimal | None = None  # still held at the first remittance after due


def _tf103(lot: _Lot, message: str, held: Decimal) -> TrustError:
    return make_error(
        "TF103",
        message,
        lot.txn,
        ids=(f"account:{CLEARING_MANAGER}", f"period:{month_of(lot.day)}"),
        amount=held,
    )


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
        if self._collections:
            term = self.community.remit_days.at(day)
            days = None if term is None else term.days
            due = None if days is None else day + timedelta(days=days)
        for txn, amount in self._collections:
            covered = min(self.advance, amount) if self.advance else ZERO
            self.advance -= covered
            if covered < amount:
                self.queue.append(_Lot(txn, day, amount, amount - covered, days, due))
        for amount in self._remits:
            left = amount
            while left > 0 and self.queue:
                lot = self.queue[0]
                due = lot.due
                if due is not None and day > due and lot.held_late is None:
                    lot.held_late = lot.remaining
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
        held = lot.held_late if lot.held_late is not None else lot.amount
        self.errors.append(
            _tf103(
                lot,
                f"collection of {lot.amount} on {lot.day} held by the manager until {remitted}: "
                f"due by {due} ({lot.days} days, tf-remit-days); {held} remitted late",
                held,
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
                    _tf103(
                        lot,
                        f"collection of {lot.amount} on {lot.day}: {lot.remaining} still held by "
                        f"the manager on {last}, due by {due} ({lot.days} days, tf-remit-days)",
                        lot.remaining,
                    )
                )
        return self.errors


class OpenCollection(NamedTuple):
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
    for txn, net in index_of(entries, community).clearing:
        if txn.date > until:
            break
        remittances.add(txn, net)
    remittances.flush()
    lots = [OpenCollection(lot.day, lot.remaining, lot.txn) for lot in remittances.queue]
    return lots, remittances.advance


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF101–TF104 over the ledger (entries are returned unchanged)."""
    index = ensure_index(entries, community, index)
    errors: list[TrustError] = []

    # TF101: income balanced only by owners' accounts or receivables.
    for item in index.misdeposits:
        errors.append(
            make_error(
                "TF101",
                f"income {item.income} balanced by {', '.join(item.accounts)}: fund income "
                f"must be deposited in an owners' account ({ALLOWED_FOR_INCOME})",
                item.txn,
                ids=[f"account:{item.income}", *(f"account:{a}" for a in item.accounts)],
                amount=item.amount,
            )
        )

    # TF102: money to the manager needs an approval (or is the computed remuneration).
    for debit in index.manager_debits:
        if debit.approvals:
            continue
        errors.append(
            make_error(
                "TF102",
                f"{debit.account} debited from an owners' fund without approval: "
                "(only an approved payment or the remuneration may go to the manager)",
                debit.txn,
                ids=[f"account:{debit.account}"],
                amount=debit.amount,
            )
        )

    # TF104: a transfer between funds needs an owners' resolution.
    for move in index.cross_fund:
        if move.resolutions:
            continue
        errors.append(
            make_error(
                "TF104",
                f"transaction touches the common fund and the maintenance fund "
                f"({', '.join(move.accounts)}) without resolution: (a transfer between funds "
                "needs an owners' resolution)",
                move.txn,
                ids=[f"account:{a}" for a in move.accounts],
                amount=move.moved,
            )
        )

    # TF103: collections held by the manager (net per transaction, FIFO).
    remittances = _Remittances(community)
    for txn, net in index.clearing:
        remittances.add(txn, net)
    errors.extend(remittances.finish(community.last_date))
    return entries, errors


plugin = plugin_entry(check)
