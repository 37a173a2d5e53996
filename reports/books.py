"""The books an auditor re-adds: the trial balance (试算平衡表) and the general ledger (总账明细).

Both come from one pass over the transactions up to the end of a period (:func:`books`); both
are pure. Balances
are cumulative from the first entry (income and expense accounts are not closed into equity
here), so the trial balance's opening and closing columns each sum to zero per currency and its
debits equal its credits, as ``bean-query`` computes them::

    SELECT account, sum(position) WHERE date < 2026-01-01 GROUP BY account
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import data

from ledger.errors import location
from reports.common import ZERO, transactions
from reports.table import Column, Row

C = Column


@dataclass
class TrialBalanceRow(Row):
    account: str
    currency: str
    opening: Decimal = ZERO
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    columns: ClassVar[tuple[Column, ...]] = (
        C("account", "科目", "Account"),
        C("currency", "币种", "Currency"),
        C("opening", "期初余额", "Opening", "money"),
        C("debit", "本期借方", "Debit", "money"),
        C("credit", "本期贷方", "Credit", "money"),
        C("closing", "期末余额", "Closing", "money"),
    )

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


def books(
    entries: Sequence[data.Directive],
    start: date,
    end: date,
    *,
    general_ledger: bool = False,
    relative: Any = None,
) -> tuple[list[TrialBalanceRow], list[tuple[Any, ...]] | None]:
    """The trial balance and, with ``general_ledger``, the general ledger of ``[start, end)``,
    from one pass over the transactions (see :func:`trial_balance`, :func:`general_ledger`)."""
    opening: dict[tuple[str, str], Decimal] = {}
    debits: dict[tuple[str, str], Decimal] = {}
    credits: dict[tuple[str, str], Decimal] = {}
    lines: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    zero = ZERO
    decimal = Decimal
    txns = transactions(entries, None, end)
    first = bisect.bisect_left([t.date for t in txns], start)
    for txn in txns[:first]:
        for posting in txn.postings:
            units = posting.units
            if units is None or type(units.number) is not decimal:
                continue
            key = (posting.account, units.currency)
            opening[key] = opening.get(key, zero) + units.number  # type: ignore[operator]
    for txn in txns[first:]:
        if general_ledger:
            place = location(txn.meta)
            if relative is not None:
                place = relative(place)
            day, payee, narration = txn.date, txn.payee or "", txn.narration or ""
            txn_unit = txn.meta.get("unit") if txn.meta else None
        for posting in txn.postings:
            units = posting.units
            if units is None or type(units.number) is not decimal:
                continue
            number: Decimal = units.number  # type: ignore[assignment]
            key = (posting.account, units.currency)
            if number > zero:
                debits[key] = debits.get(key, zero) + number
            else:
                credits[key] = credits.get(key, zero) - number
            if not general_ledger:
                continue
            unit = posting.meta.get("unit") if posting.meta else None
            if unit is None:
                unit = txn_unit
            line = (
                day,
                payee,
                narration,
                str(unit).strip() if unit is not None else "",
                number,
                place,
            )
            found = lines.get(key)
            if found is None:
                lines[key] = [line]
            else:
                found.append(line)
    keys = sorted(set(opening) | set(debits) | set(credits))
    tb = []
    for key in keys:
        before = opening.get(key, zero)
        debit, credit = debits.get(key, zero), credits.get(key, zero)
        if before or debit or credit:
            tb.append(TrialBalanceRow(key[0], key[1], before, debit, credit))
    if not general_ledger:
        return tb, None
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    for key in keys:
        account = key[0]
        balance = opening.get(key, zero)
        found = lines.get(key)
        if not balance and not found:
            continue
        add((account, start, "", OPENING, "", None, None, balance, ""))
        for day, payee, narration, unit, number, place in found or ():
            balance += number
            if number > zero:
                add((account, day, payee, narration, unit, number, None, balance, place))
            elif number < zero:
                add((account, day, payee, narration, unit, None, -number, balance, place))
            else:
                add((account, day, payee, narration, unit, None, None, balance, place))
    return tb, rows


def trial_balance(
    entries: Sequence[data.Directive], start: date, end: date
) -> list[TrialBalanceRow]:
    """Per account and currency: balance before ``start``, debits and credits in
    ``[start, end)``, balance before ``end``. Accounts with nothing in either are left out."""
    return books(entries, start, end)[0]


GL_COLUMNS = (
    C("account", "科目", "Account"),
    C("date", "日期", "Date", "date"),
    C("payee", "收付款方", "Payee"),
    C("narration", "摘要", "Narration"),
    C("unit", "房号", "Unit"),
    C("debit", "借方", "Debit", "money"),
    C("credit", "贷方", "Credit", "money"),
    C("balance", "余额", "Balance", "money"),
    C("location", "位置", "file:line"),
)
OPENING = "期初余额 opening balance"


def general_ledger(
    entries: Sequence[data.Directive],
    start: date,
    end: date,
    relative: Any = None,
) -> list[tuple[Any, ...]]:
    """Every posting in ``[start, end)`` account by account, after an opening-balance line,
    with the running balance: one row per posting, the values of :data:`GL_COLUMNS` in order
    (a tuple: a 100k-transaction year has ~130,000 rows).

    ``relative`` maps a ``file:line`` location to what is shown (e.g. relative to the ledger)."""
    rows = books(entries, start, end, general_ledger=True, relative=relative)[1]
    assert rows is not None
    return rows
