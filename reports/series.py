"""Many periods of the same reports in one pass each (the static site, ``trustfund publish``).

The owners' site shows the 公示 of every month and year of a ledger. Each report of a period
replays the ledger from its start (arrears are first-in first-out since the first bill, the
maintenance sub-accounts since the first deposit, fund balances since the opening): 24 months
of a 100k-transaction ledger would replay it 24 times. :func:`prime` replays it once and
records, at each boundary between the periods, what the per-period functions would have
computed there, in the reports' memo (:func:`reports.common.memo`) under the very keys those
functions use:

- :func:`reports.subledgers.receivables` ``(start, end)`` for every pair of boundaries asked;
- :func:`reports.subledgers.maintenance_ledger` at every boundary;
- :func:`reports.public.fund_flows` ``(start, end)`` for every pair asked.

The figures are the same objects the functions build (tests compare them field by field with a
fresh computation); only the work is shared. Nothing is computed for pairs not asked.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from beancount.core import data

from ledger.community import Community
from reports.common import memo, transactions

Pair = tuple[date, date]


def _store(entries: Sequence[data.Directive], key: object, value: object) -> None:
    """Put a computed value in the reports' memo under ``key`` (unless one is there)."""
    memo(entries, key, lambda: value)


def prime(entries: Sequence[data.Directive], community: Community, periods: Iterable[Pair]) -> None:
    """Compute receivables, maintenance sub-ledgers and fund flows of ``periods`` at once."""
    pairs = sorted({(start, end) for start, end in periods if start <= end})
    if not pairs:
        return
    bounds = sorted({d for pair in pairs for d in pair})
    prime_receivables(entries, pairs, bounds)
    prime_maintenance(entries, community, bounds)
    prime_fund_flows(entries, pairs, bounds)


# ---------------------------------------------------------------------------------------
# Receivables


def _runs(
    entries: Sequence[data.Directive], bounds: Sequence[date]
) -> Iterator[tuple[date, Sequence[data.Transaction]]]:
    """Each boundary with the transactions dated from the one before it up to it (excluded)."""
    txns = transactions(entries, None, bounds[-1])
    start = 0
    for bound in bounds:
        end = bisect.bisect_left(txns, bound, lo=start, key=_date_of)
        yield bound, txns[start:end]
        start = end


def _date_of(txn: data.Transaction) -> date:
    return txn.date


def prime_receivables(
    entries: Sequence[data.Directive], pairs: Sequence[Pair], bounds: Sequence[date]
) -> None:
    """``receivables(entries, start, end)`` of each pair, from one first-in first-out replay
    (the same steps as :func:`reports.subledgers._receivables`, stopped at each boundary)."""
    from reports.subledgers import Receivables, ReceivablesReplay, UnitArrears, unpaid_since

    replay = ReceivablesReplay(entries)
    snapshots: dict[date, tuple[dict[str, UnitArrears], Decimal, Decimal, Decimal, Decimal]] = {}
    for bound, run in _runs(entries, bounds):
        for txn in run:
            replay.apply(txn)
        copy = {
            room: UnitArrears(
                room,
                deque([list(bill) for bill in state.open_bills]),
                state.credit,
                state.billed,
                state.paid,
                state.waived,
            )
            for room, state in replay.units.items()
        }
        totals = (replay.billed, replay.collected, replay.unattributed, replay.waived)
        snapshots[bound] = (copy, *totals)

    for start, end in pairs:
        states, billed_end, collected_end, unattributed_end, waived_end = snapshots[end]
        _, billed_start, collected_start, _, waived_start = snapshots[start]
        result = Receivables(
            states,
            billed_end - billed_start,
            unpaid_since(states, start),
            collected_end - collected_start,
            unattributed_end,
            waived_end - waived_start,
            replay.waived_of(start, end),
        )
        _store(entries, ("receivables", start, end), result)


# ---------------------------------------------------------------------------------------
# Maintenance fund per unit


def prime_maintenance(
    entries: Sequence[data.Directive], community: Community, bounds: Sequence[date]
) -> None:
    """``maintenance_ledger(entries, community, day)`` at every boundary, from one replay.

    The replay is :class:`reports.subledgers._FundBuilder` itself, stopped at each boundary to
    take a copy of the sub-accounts.
    """
    from reports.subledgers import MaintenanceLedger, _FundBuilder

    builder = _FundBuilder(community)
    for bound, run in _runs(entries, bounds):
        for txn in run:
            builder.entry(txn)
        ledger = MaintenanceLedger(
            {room: replace(fund) for room, fund in builder.funds.items()},
            list(builder.projects),
            builder.interest_total,
            builder.unattributed,
            list(builder.allocations),
        )
        _store(entries, ("maintenance", id(community), bound), ledger)


# ---------------------------------------------------------------------------------------
# Fund flows


def prime_fund_flows(
    entries: Sequence[data.Directive], pairs: Sequence[Pair], bounds: Sequence[date]
) -> None:
    """``fund_flows(entries, start, end)`` of each pair, from per-interval sums.

    The intervals are those between consecutive boundaries (and the one before the first):
    opening and closing net assets and cash are sums of intervals, income, expense, transfers
    and equity entries are sums of the intervals inside the pair.
    """
    from reports.public import add_into, interval_flows

    assets, cash, income, expense, transfers, equity = interval_flows(entries, bounds)
    add = add_into
    for start, end in pairs:
        first = bisect.bisect_right(bounds, start)  # the first interval on or after start
        last = bisect.bisect_right(bounds, end)  # intervals before end: [0, last)
        opening: dict[str, Decimal] = {}
        closing: dict[str, Decimal] = {}
        cash_end: dict[str, Decimal] = {}
        inc: dict[tuple[str, str], Decimal] = {}
        exp: dict[tuple[str, str], Decimal] = {}
        moved: dict[str, Decimal] = {}
        eq: dict[str, Decimal] = {}
        for slot in range(last):
            add(closing, assets[slot])
            add(cash_end, cash[slot])
            if slot < first:
                add(opening, assets[slot])
                continue
            add(inc, income[slot])
            add(exp, expense[slot])
            add(moved, transfers[slot])
            add(eq, equity[slot])
        _store(
            entries, ("fund-flows", start, end), (opening, closing, inc, exp, moved, eq, cash_end)
        )


__all__ = ["prime", "prime_fund_flows", "prime_maintenance", "prime_receivables"]
