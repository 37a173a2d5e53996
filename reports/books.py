"""The books an auditor re-adds: the trial balance (试算平衡表) and the general ledger (总账明细).

Both are one pass over the transactions up to the end of a period; both are pure. Balances
are cumulative from the first entry (income and expense accounts are not closed into equity
here), so the trial balance's opening and closing columns each sum to zero per currency and its
debits equal its credits, as ``bean-query`` computes them::

    SELECT account, sum(position) WHERE date < 2026-01-01 GROUP BY account
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import data

from reports.common import ZERO, transactions, unit_of, where
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


def _position(posting: data.Posting) -> tuple[Decimal, str] | None:
    units = posting.units
    if units is None or not isinstance(units.number, Decimal):
        return None
    return units.number, units.currency


def trial_balance(
    entries: Sequence[data.Directive], start: date, end: date
) -> list[TrialBalanceRow]:
    """Per account and currency: balance before ``start``, debits and credits in
    ``[start, end)``, balance before ``end``. Accounts with nothing in either are left out."""
    rows: dict[tuple[str, str], TrialBalanceRow] = {}
    for txn in transactions(entries, None, end):
        before = txn.date < start
        for posting in txn.postings:
            position = _position(posting)
            if position is None:
                continue
            number, currency = position
            key = (posting.account, currency)
            row = rows.get(key)
            if row is None:
                row = rows[key] = TrialBalanceRow(posting.account, currency)
            if before:
                row.opening += number
            elif number > 0:
                row.debit += number
            else:
                row.credit -= number
    return [
        rows[key]
        for key in sorted(rows)
        if rows[key].opening or rows[key].debit or rows[key].credit
    ]


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
) -> list[dict[str, Any]]:
    """Every posting in ``[start, end)`` account by account, after an opening-balance line,
    with the running balance (one row per posting; rows are plain dicts for speed).

    ``relative`` maps a ``file:line`` location to what is shown (e.g. relative to the ledger)."""
    opening: dict[tuple[str, str], Decimal] = {}
    lines: dict[tuple[str, str], list[tuple[data.Transaction, data.Posting, Decimal]]] = {}
    for txn in transactions(entries, None, end):
        before = txn.date < start
        for posting in txn.postings:
            position = _position(posting)
            if position is None:
                continue
            number, currency = position
            key = (posting.account, currency)
            if before:
                opening[key] = opening.get(key, ZERO) + number
            else:
                lines.setdefault(key, []).append((txn, posting, number))
    rows: list[dict[str, Any]] = []
    for key in sorted(set(opening) | set(lines)):
        account, currency = key
        balance = opening.get(key, ZERO)
        if not balance and key not in lines:
            continue
        rows.append({"account": account, "date": start, "narration": OPENING, "balance": balance})
        for txn, posting, number in lines.get(key, ()):
            balance += number
            location = where(txn)
            rows.append(
                {
                    "account": account,
                    "date": txn.date,
                    "payee": txn.payee or "",
                    "narration": txn.narration or "",
                    "unit": unit_of(posting, txn) or "",
                    "debit": number if number > 0 else None,
                    "credit": -number if number < 0 else None,
                    "balance": balance,
                    "location": relative(location) if relative else location,
                }
            )
    return rows
