"""The manager earns a fixed percentage of what is collected (物业当管家): TF201, TF202.

Enable on its own with ``plugin "trustfund.rules.remuneration"`` (``trustfund.xinyi`` includes it).
To have the remuneration generated instead of typed::

    plugin "trustfund.xinyi" "{'generate_remuneration': True}"

The contract terms are dated; later lines supersede earlier ones::

    2024-01-01 custom "tf-remuneration" 0.10 "fees"          ; 10 % of property fees collected
    2025-07-01 custom "tf-remuneration" 0.12 "fees+public"   ; from July: 12 %, public income too

The collected base of a month is the cash that arrived in the owners' accounts
(``Assets:Bank:*``, ``Assets:Clearing:Manager``) in transactions that credit ``Income:Fees:*``,
``Assets:Receivable:Fees`` or ``Liabilities:Prepaid:Fees`` (plus ``Income:Public:*`` under
"fees+public"). Each such receipt adds the smaller of the cash in and the base credits (so a
bank charge netted from a receipt is not remunerated, and the manager's remittance of what it
collected is not a second receipt), times the rate in force on the receipt's date. The month's
total is rounded once, half-up, to the fen. The remuneration transaction of a month::

    2025-04-05 * "物业酬金 2025-03"
      period: "2025-03"
      Expenses:Manager:Remuneration   1234.57 CNY
      Liabilities:Payable:Manager

Codes:

- **TF201** the remuneration posted for a month (all transactions with that ``period:``,
  summed; a posting without ``period:`` counts for its own month) differs from the computed
  one. Reported at the month's last remuneration transaction.
- **TF202** a month with collections that ended before the ledger's last entry has no
  remuneration posted (and generation is off). Reported at the ``tf-remuneration`` directive
  in force at the month's end.

With ``generate_remuneration`` every month with collections and no posted remuneration gets a
transaction dated on its last day, marked with ``__trustfund_generated__`` metadata, posting
``Expenses:Manager:Remuneration`` against ``Liabilities:Payable:Manager``. A month that already
has a posted remuneration is checked, not generated again.

A ledger started by ``trustfund close-year`` carries the old year's monthly figures in
``custom "trustfund-carry-remuneration" "2025-12" BASE DUE POSTED`` lines (unrounded collected
base, unrounded amount due, remuneration posted so far), so a December remuneration posted in
January is checked exactly as on the full history. Its closing entries (``#year-close``) are
not remuneration postings.

:func:`remuneration_schedule` and :func:`collected_base` give the same figures to reports.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from ledger.accounts import PAYABLE_MANAGER, REMUNERATION
from ledger.community import Community, RemunerationTerm
from ledger.entries import GENERATED_KEY, month_of
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex, index_of
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry

__plugins__ = ("plugin",)

ZERO = Decimal(0)
FEN = Decimal("0.01")
GENERATOR = "trustfund.rules.remuneration"
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class MonthRemuneration(NamedTuple):
    """One month of the remuneration schedule."""

    month: str  # "2025-03"
    base: Decimal  # collected base, unrounded
    base_kind: str  # "fees" | "fees+public" (the term in force at the month's end)
    rate: Decimal | None  # None: no tf-remuneration in force
    due: Decimal  # rounded to the fen, half-up
    posted: Decimal
    generated: bool

    @property
    def difference(self) -> Decimal:
        """Posted minus due."""
        return self.posted - self.due


def round_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def month_end(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


class _Month:
    __slots__ = ("base", "carried", "currency", "generated", "posted", "raw_due", "txns")

    def __init__(self, currency: str = "CNY") -> None:
        self.base = ZERO
        self.raw_due = ZERO
        self.posted = ZERO
        self.txns: list[data.Transaction] = []  # posted, not generated
        self.generated = False
        self.carried = False
        self.currency = currency


def _tally(
    entries: Sequence[data.Directive], community: Community, index: LedgerIndex | None = None
) -> dict[str, _Month]:
    """Receipts into the base (per day, from the index), remuneration postings by period."""
    if index is None:
        index = index_of(entries, community)
    months: dict[str, _Month] = {}
    for entry in index.carried:
        _carry(entry, months)
    terms = community.remuneration
    for day, sums in index.collections.items():
        term = terms.at(day)
        amount = sums.fees_public if term is not None and term.base == "fees+public" else sums.fees
        if amount > 0:
            slot = months.get(month_of(day))
            if slot is None:
                slot = months[month_of(day)] = _Month(currency=index.currency)
            slot.base += amount
            if term is not None:
                slot.raw_due += term.rate * amount
    for item in index.remuneration:
        slot = months.setdefault(item.month, _Month(currency=index.currency))
        slot.posted += item.amount
        if item.generated:
            slot.generated = True
        else:
            slot.txns.append(item.txn)
    return months


def _carry(entry: data.Custom, months: dict[str, _Month]) -> None:
    values = [v.value for v in entry.values]
    if len(values) < 4 or not isinstance(values[0], str) or not PERIOD_RE.match(values[0]):
        return
    numbers: list[Decimal] = []
    for value in values[1:4]:
        number = value.number if isinstance(value, Amount) else value
        if not isinstance(number, Decimal):
            return
        numbers.append(number)
    slot = months.setdefault(values[0], _Month())
    slot.base += numbers[0]
    slot.raw_due += numbers[1]
    slot.posted += numbers[2]
    slot.carried = True


def _schedule(months: dict[str, _Month], community: Community) -> list[MonthRemuneration]:
    rows = []
    for month in sorted(months):
        slot = months[month]
        term = community.remuneration.at(month_end(month))
        rows.append(
            MonthRemuneration(
                month=month,
                base=slot.base,
                base_kind=term.base if term is not None else "fees",
                rate=term.rate if term is not None else None,
                due=round_fen(slot.raw_due),
                posted=slot.posted,
                generated=slot.generated,
            )
        )
    return rows


def carried_months(
    entries: Sequence[data.Directive], community: Community
) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Month -> (collected base, unrounded due, posted): what ``close-year`` carries over."""
    return {m: (s.base, s.raw_due, s.posted) for m, s in sorted(_tally(entries, community).items())}


def remuneration_schedule(
    entries: Sequence[data.Directive], community: Community
) -> list[MonthRemuneration]:
    """Every month with collections or a posted remuneration, in month order."""
    return _schedule(_tally(entries, community), community)


def collected_base(entries: Sequence[data.Directive], community: Community) -> dict[str, Decimal]:
    """Month ("2025-03") -> collected base (unrounded), for months with collections."""
    return {
        month: slot.base for month, slot in sorted(_tally(entries, community).items()) if slot.base
    }


def _describe(row: MonthRemuneration, term: RemunerationTerm | None) -> str:
    if term is None:
        return f"no tf-remuneration in force; collected {row.base}"
    return f"{row.rate} × {row.base} collected ({row.base_kind})"


def _generated(month: str, due: Decimal, currency: str, term: RemunerationTerm) -> data.Transaction:
    meta = data.new_metadata(term.meta.get("filename", "<trustfund>"), term.meta.get("lineno", 0))
    meta[GENERATED_KEY] = GENERATOR
    meta["period"] = month
    amount = Amount(due, currency)
    return data.Transaction(
        meta,
        month_end(month),
        "*",
        None,
        f"物业酬金 {month} (generated: {term.rate} × collected base)",
        data.EMPTY_SET,
        data.EMPTY_SET,
        [
            data.Posting(REMUNERATION, amount, None, None, None, None),
            data.Posting(PAYABLE_MANAGER, -amount, None, None, None, None),
        ],
    )


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF201/TF202 over the ledger; with ``generate_remuneration``, add the missing months."""
    months = _tally(entries, community, ensure_index(entries, community, index))
    errors: list[TrustError] = []
    generated: list[data.Directive] = []
    last = community.last_date
    for row in _schedule(months, community):
        slot = months[row.month]
        term = community.remuneration.at(month_end(row.month))
        if slot.txns:
            if row.posted != row.due:
                errors.append(
                    make_error(
                        "TF201",
                        f"remuneration for {row.month} posted {row.posted}, computed {row.due} "
                        f"= {_describe(row, term)}; difference {row.difference}",
                        slot.txns[-1],
                        ids=[f"period:{row.month}"],
                        amount=row.difference,
                    )
                )
            continue
        if slot.posted != 0 or slot.generated or row.due <= 0 or term is None:
            continue
        if config.generate_remuneration:
            generated.append(_generated(row.month, row.due, slot.currency, term))
        elif last is not None and month_end(row.month) < last:
            errors.append(
                make_error(
                    "TF202",
                    f"no remuneration posted for {row.month}: {row.due} due = {_describe(row, term)} "
                    f'(post it with period: "{row.month}", or turn on generate_remuneration)',
                    term.entry,
                    term.meta,
                    ids=[f"period:{row.month}"],
                    amount=row.due,
                )
            )
    if generated:
        entries = list(entries) + generated
        entries.sort(key=data.entry_sortkey)
    return entries, errors


plugin = plugin_entry(check)
