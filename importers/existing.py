"""What an import needs to know of the ledger it writes into, read without running its plugins.

An import must not pay for the trust rules: it needs only the de-duplication keys of what is
already there, the opened accounts (dates, currencies, ``account-number:``), the unit register
(room numbers the import rules recognise) and, for the opening-balance check, how much each
bank account held before a day. :func:`scan_ledger` gets all of that with Beancount's parser
alone (no booking, no plugins, no validation), one file at a time (the main file and every file
it includes, globs too), keeping only those facts, so memory stays at the largest single file
and a re-import of a statement costs a parse of the ledger, not a full load.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.parser import parser

from importers.base import SERIAL_KEY, dedup_key, normalise_account_number
from ledger.errors import location

_TRACKED_ROOTS = ("Assets:", "Liabilities:")


@dataclass(frozen=True, slots=True)
class LedgerAccount:
    """An ``open`` directive of the ledger."""

    account: str
    opened: date
    currencies: tuple[str, ...]
    filename: str
    lineno: int
    number: str = ""  # its ``account-number:``, normalised
    closed: date | None = None

    def where(self, root: Path | None = None) -> str:
        """``file:line`` of the ``open`` (relative to the ledger folder when inside it)."""
        return location({"filename": self.filename, "lineno": self.lineno}, root)


@dataclass
class LedgerScan:
    """The facts :func:`scan_ledger` keeps (see the module docstring)."""

    path: Path
    keys: set[str] = field(default_factory=set)
    opens: dict[str, LedgerAccount] = field(default_factory=dict)
    registers: list[data.Custom] = field(default_factory=list)  # tf-* directives
    #: account -> currency -> day -> net change that day (Assets and Liabilities only)
    movements: dict[str, dict[str, dict[date, Decimal]]] = field(default_factory=dict)
    #: accounts whose balance the text alone does not give (a ``pad``, a posting left blank)
    unknown: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)  # parse errors

    def add_movement(self, account: str, currency: str, day: date, number: Decimal) -> None:
        days = self.movements.setdefault(account, {}).setdefault(currency, {})
        days[day] = days.get(day, Decimal(0)) + number

    def moved_before(self, account: str, day: date) -> bool:
        """Whether anything moved ``account`` before ``day`` (in any currency)."""
        if account in self.unknown:
            return True
        return any(d < day for days in self.movements.get(account, {}).values() for d in days)

    def balance_before(self, account: str, currency: str, day: date) -> Decimal | None:
        """What ``account`` held in ``currency`` at the start of ``day``; None when the text
        alone does not say (a ``pad`` or a posting without an amount on the account)."""
        if account in self.unknown:
            return None
        days = self.movements.get(account, {}).get(currency, {})
        return sum((n for d, n in days.items() if d < day), Decimal(0))


def ledger_files(main: Path) -> Iterator[tuple[str, list[data.Directive], list[Any]]]:
    """(file name, parsed entries, parse errors) of the main file and every file it includes,
    each parsed alone (Beancount's parser: no booking, no plugins)."""
    seen: set[str] = set()
    pending = [str(Path(main).resolve())]
    while pending:
        filename = pending.pop(0)
        if filename in seen:
            continue
        seen.add(filename)
        entries, errors, options = parser.parse_file(filename)
        yield filename, entries, list(errors)
        folder = os.path.dirname(filename)
        for include in options.get("include") or []:
            pattern = include if os.path.isabs(include) else os.path.join(folder, include)
            matches = sorted(glob.glob(pattern, recursive=True))
            pending.extend(os.path.normpath(m) for m in matches if os.path.isfile(m))


def scan_ledger(main: Path) -> LedgerScan:
    """Read ``main`` and its includes for the facts an import needs (see the module doc)."""
    scan = LedgerScan(Path(main))
    closes: dict[str, date] = {}
    for filename, entries, errors in ledger_files(main):
        scan.files.append(filename)
        scan.errors.extend(errors)
        for entry in entries:
            if isinstance(entry, data.Transaction):
                if (entry.meta or {}).get(SERIAL_KEY) is not None:
                    scan.keys.add(dedup_key(entry))
                for posting in entry.postings:
                    if not posting.account.startswith(_TRACKED_ROOTS):
                        continue
                    units = posting.units
                    number = getattr(units, "number", None)
                    currency = getattr(units, "currency", None)
                    if not isinstance(number, Decimal) or not isinstance(currency, str):
                        scan.unknown.add(posting.account)
                        continue
                    scan.add_movement(posting.account, currency, entry.date, number)
            elif isinstance(entry, data.Open):
                meta = entry.meta or {}
                previous = scan.opens.get(entry.account)
                if previous is None or entry.date < previous.opened:
                    scan.opens[entry.account] = LedgerAccount(
                        entry.account,
                        entry.date,
                        tuple(entry.currencies or ()),
                        str(meta.get("filename", filename)),
                        int(meta.get("lineno", 0)),
                        normalise_account_number(str(meta.get("account-number") or "")),
                    )
            elif isinstance(entry, data.Close):
                closes[entry.account] = entry.date
            elif isinstance(entry, data.Balance):
                scan.keys.add(dedup_key(entry))
            elif isinstance(entry, data.Pad):
                scan.unknown.add(entry.account)
            elif isinstance(entry, data.Custom):
                if entry.type.startswith("tf-"):
                    scan.registers.append(entry)
                    scan.keys.add(dedup_key(entry))
                elif (entry.meta or {}).get(SERIAL_KEY) is not None:
                    scan.keys.add(dedup_key(entry))
        del entries
    for account, day in closes.items():
        opened = scan.opens.get(account)
        if opened is not None:
            scan.opens[account] = LedgerAccount(
                opened.account,
                opened.opened,
                opened.currencies,
                opened.filename,
                opened.lineno,
                opened.number,
                day,
            )
    return scan
