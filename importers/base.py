"""The base every source importer builds on: identify by content, read, build, de-duplicate.

A *source importer* is a :class:`beangulp.Importer` subclass of :class:`SourceImporter`. It
turns one downloaded file into Beancount entries in three separate steps:

1. **identify** (``identify(path) -> bool``): look at the file's *content*, never its name
   (a header row found by its column names, a marker line such as WeChat's separator or
   ``[HISTORYDETAIL]``, an XML namespace). Cheap, no side effects, never raises. Set the class
   attribute ``needs`` to a one-line description of what you look for: ``trustfund import``
   prints it, with the columns actually found, for a file nobody takes.
2. **read** (``read(path) -> importers.records.Statement``): the *reader* step, format → normalised
   rows (``StatementRow``: signed amount, positive = into ``account``; ``serial`` = the source's
   own transaction id, or ``None`` when the source has none or only a placeholder such as
   ``NONREF``). Row numbers are as a person sees them in the sheet. Every row read ends up in
   ``rows``, in ``errors`` (a ``RowError``: ``file:row: column: reason``) or in ``skipped`` (a
   ``Skipped`` with the reason, for a row the source's own rules leave out); a bad row never
   takes good rows with it. A file that cannot be read at all raises ``SourceError``. The
   statement also carries its currency (and where it was found), its account number and its
   opening and closing balances. Use the shared readers in :mod:`importers.readers`
   (``read_table(path)`` opens the file once for every importer; a sheet's first rows are in
   memory, ``Header.data_rows()`` streams the rest; ``find_header`` locates a header row by
   column aliases).
3. **items** and **build**: rows → entries. :meth:`SourceImporter.items` gives each row with
   its de-duplication key, so :mod:`importers.pipeline` drops duplicates *before* any entry is
   built; :meth:`SourceImporter.item_entries` builds a new row's entry. The default makes one
   balanced transaction per row: the source account and a counter posting chosen by the
   community's categorisation rules (:mod:`importers.rules`): a matching rule's account, else
   the fees receivable with ``unit:`` for a room number in the memo, else ``Income:Suspense`` /
   ``Expenses:Suspense`` (which ``trustfund check`` reports as TF106). Override
   :meth:`SourceImporter.row_entry` to change one row's entry (a payment-app fee posting, say),
   or ``build`` and ``items`` (with :func:`entry_items`) for sources that are not money rows
   (an approval register gives ``custom "tf-approval"`` directives; set ``moves_money =
   False``). The opening balance becomes a ``balance`` assertion at the first row's day, the
   closing one the day after ``closing_date``. ``build`` gives every entry at once (the golden
   harness, beangulp's ``extract``).

**De-duplication** is by key, not by beangulp's similarity heuristic (which drops two owners
paying the same amount on the same day). :func:`row_key` / :func:`dedup_key` give the key: a
transaction's ``serial:`` metadata qualified by the statement's account (its first posting), a
balance's (account, date, amount), a register directive's ``serial:`` (its natural key, e.g.
``approval:AP-1:committee:2025-03-03``), and for anything else a hash of its printed content.
A row without a serial gets one from :func:`content_serial` (a hash of the row's content plus
its occurrence number among identical rows of the file), so re-importing a file adds nothing
while two identical payments in one file are both kept. Put any extra id a source has (order
number, receipt number) in ``StatementRow.serial``; prefix it if it might collide with another
source's ids.

**Registry.** Import the class into :mod:`importers.registry` and add it to
``IMPORTER_CLASSES``. The command tries the
importers in that order and the first whose ``identify`` is true takes the file; put the most
specific first. Every importer is constructed as ``Cls(context)`` with an
:class:`ImportContext` (the ledger's rules, the ``--account`` override, the ledger's opened
accounts and its community), so per-file state stays in local variables, never on ``self``.

A minimal importer::

    class MyBank(SourceImporter):
        importer_name = "mybank"
        needs = "header row with 交易日期, 金额, 流水号"
        default_account = "Assets:Bank:Trust"

        ALIASES = {"date": ("交易日期",), "amount": ("金额",), "serial": ("流水号",)}

        def identify(self, filepath: str) -> bool:
            try:
                sheets = read_table(filepath)  # opened once for every importer
            except SourceError:
                return False
            return any(find_header(s, self.ALIASES, lambda c: len(c) == 3) for s in sheets)

        def read(self, filepath: str) -> Statement:
            ...  # cells -> StatementRow(row=..., date=..., amount=..., serial=...)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import beangulp
from beancount.core import amount as bc_amount
from beancount.core import data

from importers.records import SourceError, Statement, StatementRow

if TYPE_CHECKING:
    from importers.existing import LedgerAccount
    from importers.rules import Rules
    from ledger.community import Community

Day = date  # (inside SourceImporter, ``date`` is beangulp's method)
SERIAL_KEY = "serial"
UNIT_KEY = "unit"
INCOME_SUSPENSE = "Income:Suspense"
EXPENSE_SUSPENSE = "Expenses:Suspense"
RECEIVABLE_FEES = "Assets:Receivable:Fees"

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def clean_text(text: str | None) -> str:
    """A single-line string safe to put in a Beancount string: control characters (newlines,
    tabs) become one space; the printer escapes quotes and backslashes."""
    if not text:
        return ""
    return _CONTROL.sub(" ", str(text)).strip()


def content_serial(parts: Iterable[object], occurrence: int = 0) -> str:
    """A stable id for a row of a source that has no serial number: ``h:`` + 16 hex digits of
    a hash of its content and its occurrence number among identical rows of the file."""
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    digest = hashlib.sha256(f"{text}\x1e{occurrence}".encode()).hexdigest()[:16]
    return f"h:{digest}"


def assign_content_serials(rows: Sequence[StatementRow]) -> list[StatementRow]:
    """Give every row without ``serial`` a :func:`content_serial` (identical rows are numbered
    in file order, so two identical payments stay two)."""
    seen: dict[tuple[object, ...], int] = {}
    out: list[StatementRow] = []
    for row in rows:
        if row.serial:
            out.append(row)
            continue
        content = (
            row.date,
            row.amount,
            row.currency,
            row.counterparty,
            row.counter_account,
            row.memo,
            row.balance,
        )
        occurrence = seen.get(content, 0)
        seen[content] = occurrence + 1
        out.append(_replace_serial(row, content_serial(content, occurrence)))
    return out


def _replace_serial(row: StatementRow, serial: str) -> StatementRow:
    from dataclasses import replace

    return replace(row, serial=serial)


def dedup_key(entry: data.Directive) -> str:
    """The key two entries share exactly when one is a re-import of the other."""
    if isinstance(entry, data.Transaction):
        serial = (entry.meta or {}).get(SERIAL_KEY)
        if serial is not None and str(serial).strip():
            account = entry.postings[0].account if entry.postings else ""
            return row_key(account, str(serial))
    if isinstance(entry, data.Balance):
        # the amount too: two statements that disagree on a day's balance both stay, and
        # `check` reports the disagreement instead of the import hiding one of them
        return f"balance|{entry.account}|{entry.date}|{entry.amount.number}|{entry.amount.currency}"
    if isinstance(entry, data.Custom) and str((entry.meta or {}).get(SERIAL_KEY) or "").strip():
        # register directives (tf-approval, tf-vote, tf-unit …) carry their natural key
        return f"custom|{entry.type}|{str(entry.meta[SERIAL_KEY]).strip()}"
    return "hash|" + _entry_hash(entry)


def _entry_hash(entry: data.Directive) -> str:
    from beancount.parser import printer

    clean_meta = {
        k: v
        for k, v in (entry.meta or {}).items()
        if k not in ("filename", "lineno") and not k.startswith("__")
    }
    text = printer.format_entry(entry._replace(meta=clean_meta))  # type: ignore[call-overload]
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def keyed_entries(entries: Iterable[data.Directive]) -> dict[str, data.Directive]:
    """Dedup key → entry for a ledger's entries of the kinds an import can produce: transactions
    with ``serial:``, balances, and ``tf-*`` register directives (by serial, else content)."""
    keyed: dict[str, data.Directive] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            if (entry.meta or {}).get(SERIAL_KEY) is not None:
                keyed.setdefault(dedup_key(entry), entry)
        elif isinstance(entry, data.Balance) or (
            isinstance(entry, data.Custom)
            and (entry.type.startswith("tf-") or (entry.meta or {}).get(SERIAL_KEY) is not None)
        ):
            keyed.setdefault(dedup_key(entry), entry)
    return keyed


def existing_keys(entries: Iterable[data.Directive]) -> set[str]:
    """The dedup keys of a ledger's entries (see :func:`keyed_entries`)."""
    return set(keyed_entries(entries))


@dataclass
class ImportContext:
    """What every importer is constructed with: the ledger-side configuration of one import."""

    rules: Rules | None = None
    account: str | None = None  # --account: the ledger account of the imported source
    #: the ledger's opened accounts (see :mod:`importers.existing`); ``account-number:`` on an
    #: Open names the bank account it holds
    opens: Mapping[str, LedgerAccount] = field(default_factory=dict)
    community: Community | None = None


def row_key(account: str, serial: str) -> str:
    """The dedup key of a money row posted to ``account`` (what :func:`dedup_key` gives for the
    transaction it becomes), so duplicates are dropped before any entry is built."""
    return f"txn|{account}|{serial.strip()}"


@dataclass(slots=True)
class Item:
    """One row of a file on its way to the ledger: its dedup keys and what it becomes.

    ``source`` is the :class:`StatementRow` of a money row (the entry is built only if the row
    is new); ``entries`` the directives of a row an importer built up front (registers)."""

    row: int
    date: date
    keys: tuple[str, ...]
    source: StatementRow | None = None
    entries: list[data.Directive] | None = None


class SourceImporter(beangulp.Importer):
    """Base class of trustfund's importers (see the module docstring)."""

    #: Short name shown by ``trustfund import`` ("bank-statement", "wechat", ...).
    importer_name: ClassVar[str] = "source"
    #: What ``identify`` looks for, shown for a file no importer takes.
    needs: ClassVar[str] = ""
    #: The ledger account used when neither ``--account``, the rules file nor an Open's
    #: ``account-number:`` names one for the statement.
    default_account: ClassVar[str | None] = None
    currency: ClassVar[str] = "CNY"
    flag: ClassVar[str] = "*"
    #: False for sources that move no money (registers): no account, currency or balances.
    moves_money: ClassVar[bool] = True

    def __init__(self, context: ImportContext | None = None) -> None:
        self.context = context or ImportContext()

    @property
    def name(self) -> str:
        return self.importer_name

    # -- steps ---------------------------------------------------------------------------
    def identify(self, filepath: str) -> bool:
        raise NotImplementedError

    def read(self, filepath: str) -> Statement:
        """Read ``filepath`` into a :class:`Statement` (the reader step)."""
        raise NotImplementedError

    def account(self, filepath: str) -> data.Account:
        """The ledger account of the file (reads it; use :meth:`statement_account` when you
        already have the statement)."""
        try:
            statement = self.read(filepath)
        except SourceError:
            statement = Statement(file=filepath, kind=self.importer_name, rows=[])
        parts = statement.accounts()
        return self.statement_account(parts[0])

    def date(self, filepath: str) -> date | None:
        """The statement's last day (beangulp's archive date), None for an empty file."""
        try:
            statement = self.read(filepath)
        except SourceError:
            return None
        days = [row.date for part in statement.accounts() for row in part.rows]
        return max(days) if days else None

    def statement_account(self, statement: Statement) -> str:
        """``--account``, else the rules file's account for the statement's account number,
        else an Open with ``account-number:`` equal to it, else :meth:`fallback_account`."""
        if self.context.account:
            return self.context.account
        number = normalise_account_number(statement.account_number)
        if number:
            if self.context.rules is not None:
                mapped = self.context.rules.account_for_number(number)
                if mapped:
                    return mapped
            for opened in self.context.opens.values():
                if opened.number and opened.number == number:
                    return opened.account
        fallback = self.fallback_account()
        if fallback:
            return fallback
        raise SourceError(
            statement.file,
            "no ledger account for this statement: pass --account or map its account number in the import rules",
        )

    def part_accounts(self, statement: Statement) -> list[str]:
        """The ledger account of each account's statement of a file; raises
        :class:`SourceError` when two would land on the same ledger account."""
        parts = statement.accounts()
        accounts = [self.statement_account(part) for part in parts]
        if len(set(accounts)) < len(accounts):
            numbers = ", ".join(part.account_number or "?" for part in parts)
            raise SourceError(
                statement.file,
                f"the file holds accounts {numbers}: map each account number to its own "
                "ledger account (import-rules.toml [accounts], or account-number: on its open)",
            )
        return accounts

    def fallback_account(self) -> str | None:
        """The account when neither ``--account`` nor the statement's account number decides:
        the importer's ``default_account`` (bank statements: the rules file's ``default``)."""
        return self.default_account

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        statement = self.read(filepath)
        return self.build(statement, filepath)

    def build(self, statement: Statement, filepath: str) -> list[data.Directive]:
        """Every entry of ``statement`` (no de-duplication): what an import of the file into a
        ledger that agrees with its opening balance writes."""
        entries: list[data.Directive] = []
        parts = statement.accounts()
        accounts = self.part_accounts(statement) if self.moves_money else [""] * len(parts)
        for part, account in zip(parts, accounts, strict=True):
            for item in self.items(part, account, filepath):
                entries.extend(self.item_entries(item, account, part, filepath))
            if self.moves_money:
                opening = self.opening_balance(part, account, filepath)
                closing = self.closing_balance(part, account, filepath)
                entries.extend(e for e in (opening, closing) if e is not None)
        return entries

    def items(self, statement: Statement, account: str, filepath: str) -> list[Item]:
        """The rows of one account's statement with their dedup keys (a row without a serial
        gets a content serial first). Override for sources whose rows are not money rows."""
        return [
            Item(row.row, row.date, (row_key(account, row.serial or ""),), row)
            for row in assign_content_serials(statement.rows)
            if row.amount or row.fee  # a row that moved no money is never a zero transaction
        ]

    def item_entries(
        self, item: Item, account: str, statement: Statement, filepath: str
    ) -> list[data.Directive]:
        """The entries of one item (built now for a money row)."""
        if item.entries is not None:
            return item.entries
        assert item.source is not None
        entry = self.row_entry(item.source, account, statement, filepath)
        return [] if entry is None else [entry]

    def row_entry(
        self, row: StatementRow, account: str, statement: Statement, filepath: str
    ) -> data.Directive | None:
        """One row's transaction: the source posting, then the categorised counter posting."""
        meta = data.new_metadata(filepath, row.row)
        meta[SERIAL_KEY] = row.serial or ""
        currency = row.currency or statement.currency or self.currency
        units = bc_amount.Amount(row.amount, currency)
        postings = [data.Posting(account, units, None, None, None, None)]
        counter, posting_meta, txn_meta, narration = self.categorise(row, account)
        meta.update(txn_meta)
        postings.append(data.Posting(counter, -units, None, None, None, posting_meta or None))
        if row.fee:
            # a fee the source took out of this movement: kept visible, categorised as a bank fee
            fee_units = bc_amount.Amount(row.fee, currency)
            postings.append(data.Posting(account, -fee_units, None, None, None, None))
            postings.append(data.Posting(self.fee_account(), fee_units, None, None, None, None))
        return data.Transaction(
            meta,
            row.date,
            self.flag,
            clean_text(row.counterparty) or None,
            narration,
            data.EMPTY_SET,
            data.EMPTY_SET,
            postings,
        )

    def fee_account(self) -> str:
        if self.context.rules is not None and self.context.rules.fee_account:
            return self.context.rules.fee_account
        return "Expenses:Admin:BankFees"

    def categorise(
        self, row: StatementRow, account: str
    ) -> tuple[str, dict[str, Any], dict[str, Any], str]:
        """(counter account, posting meta, transaction meta, narration) for ``row``."""
        narration = clean_text(row.memo)
        if self.context.rules is not None:
            result = self.context.rules.categorise(row, account, self.context.community)
            return (
                result.account,
                result.posting_meta,
                result.txn_meta,
                result.narration or narration,
            )
        return (INCOME_SUSPENSE if row.amount > 0 else EXPENSE_SUSPENSE), {}, {}, narration

    def closing_balance(
        self, statement: Statement, account: str, filepath: str
    ) -> data.Balance | None:
        """The statement's closing balance as a ``balance`` assertion (the day after it holds)."""
        if statement.closing_balance is None or statement.closing_date is None:
            return None
        meta = data.new_metadata(filepath, 0)
        units = bc_amount.Amount(statement.closing_balance, statement.currency or self.currency)
        return data.Balance(
            meta, statement.closing_date + timedelta(days=1), account, units, None, None
        )

    def opening_balance(
        self, statement: Statement, account: str, filepath: str, day: Day | None = None
    ) -> data.Balance | None:
        """The statement's opening balance as a ``balance`` assertion at the start of its first
        day (``day``, else its first row's; Beancount checks a balance before the day's
        transactions)."""
        if statement.opening_balance is None:
            return None
        if day is None:
            if not statement.rows:
                return None
            day = min(row.date for row in statement.rows)
        meta = data.new_metadata(filepath, 0)
        units = bc_amount.Amount(statement.opening_balance, statement.currency or self.currency)
        return data.Balance(meta, day, account, units, None, None)

    # -- de-duplication -------------------------------------------------------------------
    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        """Mark ``entries`` already in ``existing`` (by :func:`dedup_key`, never by similarity)."""
        keys = keyed_entries(existing)
        for entry in entries:
            key = dedup_key(entry)
            if key in keys:
                entry.meta["__duplicate__"] = keys[
                    key
                ]  # beangulp prints "; duplicate of file:line"
            else:
                keys[key] = entry


def entry_items(
    entries: Iterable[data.Directive], sheet: Callable[[data.Directive], str] | None = None
) -> list[Item]:
    """Entries an importer built up front, grouped into one :class:`Item` per source row (by
    the row number in their metadata, and ``sheet(entry)`` for a workbook whose sheets both
    give entries), each keyed by :func:`dedup_key`."""
    items: dict[tuple[str, int], Item] = {}
    for entry in entries:
        row = int((entry.meta or {}).get("lineno") or 0)
        where = (sheet(entry) if sheet else "", row)
        item = items.get(where)
        if item is None:
            items[where] = Item(row, entry.date, (dedup_key(entry),), None, [entry])
        else:
            assert item.entries is not None
            item.entries.append(entry)
            item.keys = (*item.keys, dedup_key(entry))
            item.date = min(item.date, entry.date)
    return list(items.values())


def normalise_account_number(number: str | None) -> str:
    """Account numbers compare without spaces, dashes and masking stars' surroundings."""
    if not number:
        return ""
    return re.sub(r"[\s\-\u3000]", "", str(number))


def amount_of(number: Decimal, currency: str = "CNY") -> bc_amount.Amount:
    return bc_amount.Amount(number, currency)
