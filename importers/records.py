"""The normalised records every source reader produces, and the errors they report.

Readers (one per file format) turn a file into a :class:`Statement` of :class:`StatementRow`;
builders turn rows into Beancount entries. Row numbers are as a person sees them in the sheet
(1-based, counting the header and preamble rows), so ``file:row: column: reason`` points at
the right cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class RowError:
    """One rejected row: ``file:row: column: reason``."""

    file: str
    row: int
    column: str
    reason: str
    cells: tuple[str, ...] = field(default=(), compare=False)  # the row as read, for .rejected.csv

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.column}: {self.reason}"


class SourceError(Exception):
    """A whole file cannot be read (wrong encoding, no header, truncated workbook …)."""

    def __init__(
        self, file: str, reason: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.reason, self.row, self.column = file, reason, row, column
        where = file if row is None else f"{file}:{row}"
        if column:
            where += f": {column}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class StatementRow:
    """One money movement, normalised. ``amount`` is signed: positive = into the account."""

    row: int
    date: date
    amount: Decimal
    currency: str = "CNY"
    counterparty: str = ""
    counter_account: str = ""
    memo: str = ""
    serial: str | None = None  # the bank's serial number (dedup key); None: content hash
    balance: Decimal | None = None  # running balance after this row, when the source gives it
    fee: Decimal | None = None  # a fee charged on this movement (payment apps)
    extra: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class Statement:
    """What a reader got out of one file."""

    file: str
    kind: str  # importer name that read it
    rows: list[StatementRow]
    errors: list[RowError] = field(default_factory=list)
    account_number: str | None = None
    currency: str = "CNY"
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    closing_date: date | None = None  # day the closing balance holds at the end of
    rows_read: int = 0
