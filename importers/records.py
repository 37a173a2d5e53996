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

from ledger.failures import TrustfundError


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


class SourceError(TrustfundError):
    """A whole file cannot be read (wrong encoding, no header, truncated workbook, over the
    size limits …); also a malformed rules file."""

    def __init__(
        self, file: str, reason: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.reason, self.row, self.column = file, reason, row, column
        where = file if row is None else f"{file}:{row}"
        if column:
            where += f": {column}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row read and deliberately left out by the importer's own rules (a payment-app row
    that did not touch the balance, a closed trade, a row that moved no money …)."""

    row: int
    reason: str


@dataclass
class Statement:
    """What a reader got out of one file.

    Every row read ends up in exactly one of ``rows`` (money movements), ``errors`` (rejected:
    one or more :class:`RowError` per row) or ``skipped``; ``rows_read`` counts them all.
    A file holding several accounts has one statement per account in ``parts``.
    """

    file: str
    kind: str  # importer name that read it
    rows: list[StatementRow]
    errors: list[RowError] = field(default_factory=list)
    account_number: str | None = None
    currency: str = "CNY"
    #: where ``currency`` was found: "" (the importer's default), "preamble", "file", "column"
    currency_source: str = ""
    opening_balance: Decimal | None = None  # the balance before the first row
    opening_date: date | None = None  # the day the opening balance holds at the start of
    closing_balance: Decimal | None = None
    closing_date: date | None = None  # day the closing balance holds at the end of
    rows_read: int = 0
    #: the column that dates a row, as the file names it (for ``file:row: column: reason``)
    date_column: str = "date"
    skipped: list[Skipped] = field(default_factory=list)
    parts: list[Statement] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        """Rows rejected (a row with two bad cells counts once)."""
        return len({(error.file, error.row) for error in self.errors})

    def accounts(self) -> list[Statement]:
        """The per-account statements: ``parts``, or this statement itself."""
        return self.parts or [self]
