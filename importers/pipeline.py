"""The import pipeline behind ``trustfund import``: files in, checked entries into the ledger.

For each file, in one locked transaction of :class:`ledger.writer.LedgerWriter`:

1. **Open** the file once (:func:`importers.readers.open_source`): size limits and zip bombs are
   refused before any parser runs; identification by every importer and the read share the
   one parse.
2. **Identify** it by content (the first importer of :mod:`importers.registry` whose
   ``identify`` accepts it). A file nobody takes is refused with the columns found and what
   each importer needs (a 京东 bill, a shop export … are named as such).
3. **Read** it into a :class:`~importers.records.Statement`: every row read is a money row, a
   rejected row (``file:row: column: reason``) or a row the importer skips by its own rules.
4. **Check** each account's statement against the ledger: the ledger account must be opened
   and hold the statement's currency (else the file is refused, naming both); a row dated
   before an account it posts to opens is rejected with the ``open`` date to change.
5. **De-duplicate before building**: each row's key (``serial:`` on the statement's account, or
   a content key with its occurrence count) is compared with the keys already in the ledger,
   found by :func:`importers.existing.scan_ledger` (Beancount's parser only, no plugins); only
   new rows become entries.
6. **Balances**: the closing balance becomes a ``balance`` assertion the day after; the opening
   balance a ``balance`` assertion at the statement's first day. For the first statement of an
   account (nothing before it in the ledger or the batch) whose opening balance is not zero,
   the file is refused unless ``pad_opening`` is set, which writes a ``pad`` from the fund's
   equity account the day before (the user confirms the opening balance with the flag).
7. **Write** everything through the writer (all files or none, printed by
   :func:`ledger.printer.format_entries`) into ``imports/<account>/<YYYY-MM>.beancount``,
   each included from the main file.

A file that fails any step fails the batch: nothing is written (:class:`ImportFailed`). With
``skip_bad_rows`` a rejected row never takes its file's good rows with it: the good rows are
written, the rejected ones go to ``<input>.rejected.csv``. Every summary counts rows: read =
new + duplicate + skipped + rejected.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import amount as bc_amount
from beancount.core import data

from importers.base import (
    EXPENSE_SUSPENSE,
    INCOME_SUSPENSE,
    ImportContext,
    Item,
    SourceImporter,
    dedup_key,
)
from importers.existing import LedgerAccount, LedgerScan, scan_ledger
from importers.readers import clear_cache, found_labels, open_source
from importers.records import RowError, Skipped, SourceError, Statement
from importers.registry import all_importers
from importers.rules import ACCOUNT_RE, Rules, find_rules, load_rules
from ledger.accounts import MAINTENANCE, classify
from ledger.failures import TrustfundError
from ledger.loader import format_error
from ledger.printer import format_entries
from ledger.writer import atomic_write

IMPORTS_DIR = "imports"
ACCOUNTS_FILE = "imports/accounts.beancount"
FILE_HEADER = "; Imported by `trustfund import`. Append-only: correct mistakes with new entries.\n"
SUSPENSE_OPEN_DATE = date(2000, 1, 1)
SUSPENSE_ACCOUNTS = (INCOME_SUSPENSE, EXPENSE_SUSPENSE)
_ORDER: dict[type, int] = {data.Open: 0, data.Pad: 1, data.Balance: 2}
MAX_SHOWN_ERRORS = 20

Report = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


class ImportFailed(TrustfundError):
    """Nothing was written. ``details`` holds every reason (``file:row: column: reason`` lines
    and whole-file refusals); ``summaries`` what each file gave."""

    def __init__(
        self, message: str, details: Sequence[str] = (), summaries: Sequence[FileSummary] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)
        self.summaries = list(summaries)


@dataclass
class FileSummary:
    """What one input file gave, counted in rows."""

    file: str
    importer: str | None
    rows_read: int = 0
    new: int = 0
    duplicate: int = 0
    skipped: int = 0
    rejected: int = 0
    targets: list[str] = field(default_factory=list)  # import files written (relative)
    rejected_file: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    skip_reasons: Counter[str] = field(default_factory=Counter)


@dataclass
class ImportOptions:
    account: str | None = None  # the ledger account of every file (``--account``)
    dry_run: bool = False
    skip_bad_rows: bool = False
    pad_opening: bool = False  # write a ``pad`` for a first statement's opening balance


@dataclass
class ImportResult:
    summaries: list[FileSummary]
    text: str = ""  # dry run: the entries that would be written
    written: list[str] = field(default_factory=list)  # files written (relative to the ledger)
    committed: bool = False
    git_error: str | None = None
    git_note: str | None = None  # why a write was not committed although git is there


@dataclass
class _Opening:
    importer: SourceImporter
    part: Statement
    account: str
    summary: FileSummary
    path: Path
    day: date  # the statement's first day


@dataclass
class _File:
    path: Path
    summary: FileSummary
    importer: SourceImporter | None = None
    rejected: list[RowError] = field(default_factory=list)
    openings: list[_Opening] = field(default_factory=list)


@dataclass
class _Batch:
    """What the run will write: entries by import file, printed as they are made (UTF-8 text
    takes a tenth of the memory of the entry), and the accounts it must open."""

    scan: LedgerScan
    rules: Rules
    options: ImportOptions
    by_target: dict[str, list[tuple[tuple[date, int, int], bytes]]] = field(default_factory=dict)
    suspense_used: set[str] = field(default_factory=set)

    def add(self, entry: data.Directive, target_account: str, summary: FileSummary) -> str:
        """Print ``entry`` into its import file; returns its dedup key (now known)."""
        target = sys.intern(import_target(entry, target_account))
        texts = self.by_target.setdefault(target, [])
        order = (entry.date, _ORDER.get(type(entry), 3), len(texts))
        texts.append((order, format_entries([entry]).encode("utf-8")))
        if target not in summary.targets:
            summary.targets.append(target)
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account in SUSPENSE_ACCOUNTS:
                    self.suspense_used.add(posting.account)
                units = posting.units
                if (
                    units is not None
                    and isinstance(units.number, Decimal)
                    and posting.account.startswith(("Assets:", "Liabilities:"))
                ):
                    self.scan.add_movement(
                        posting.account, units.currency, entry.date, units.number
                    )
        key = dedup_key(entry)
        self.scan.keys.add(key)
        return key

    def mark(self) -> dict[str, int]:
        return {target: len(texts) for target, texts in self.by_target.items()}

    def rollback(self, mark: dict[str, int], keys: list[str], summary: FileSummary) -> None:
        """Forget what a file added (it failed): its entries and keys. (Its movements stay:
        a failed file fails the run, which then writes nothing.)"""
        for target in list(self.by_target):
            del self.by_target[target][mark.get(target, 0) :]
            if not self.by_target[target]:
                del self.by_target[target]
        for key in keys:
            self.scan.keys.discard(key)
        summary.targets.clear()


def account_slug(account: str) -> str:
    return account.replace(":", "-")


def import_target(entry: data.Directive, account: str) -> str:
    """The import file (relative to the ledger folder) an entry goes to: its account's folder
    (``account`` is the statement's account, or the importer's name for registers)."""
    return f"{IMPORTS_DIR}/{account_slug(account)}/{entry.date:%Y-%m}.beancount"


def identify(path: Path, importers: Sequence[SourceImporter]) -> SourceImporter | None:
    for importer in importers:
        try:
            if importer.identify(str(path)):
                return importer
        except Exception:  # an importer's identify must never break the batch
            continue
    return None


#: Files people bring that no importer reads: (marker in the first rows, what it is).
UNSUPPORTED = (
    ("京东", "a 京东 (JD) bill"),
    ("美团", "a 美团 (Meituan) bill"),
    ("拼多多", "a 拼多多 (Pinduoduo) bill"),
    ("云闪付", "a 云闪付 (UnionPay app) bill"),
    ("财付通", "a 财付通 (Tenpay) merchant settlement"),
)


def explain_unidentified(path: Path, importers: Sequence[SourceImporter]) -> str:
    """Why no importer takes ``path``: what it looks like, the columns found, what is needed."""
    what = ""
    try:
        source = open_source(path)
        head = source.text_head()[:4096]
        for marker, name in UNSUPPORTED:
            if marker in head:
                what = f" It looks like {name}, which trustfund does not import."
                break
        try:
            labels = found_labels(source.sheets())
            found = ", ".join(labels[:20]) if labels else "no header-like row"
        except SourceError as exc:
            found = exc.reason
    except SourceError as exc:
        found = exc.reason
    needed = "; ".join(f"{imp.importer_name}: {imp.needs}" for imp in importers if imp.needs)
    return f"{path}: no importer takes this file.{what} Found columns: {found}. Needed: {needed}"


def _row_errors_text(errors: Sequence[RowError], hint: str = "") -> str:
    lines = [str(err) for err in errors[:MAX_SHOWN_ERRORS]]
    if len(errors) > MAX_SHOWN_ERRORS:
        lines.append(f"... and {len(errors) - MAX_SHOWN_ERRORS} more")
    if hint:
        lines.append(hint)
    lines.append("(nothing from this file is written; --skip-bad-rows writes the good rows)")
    return "\n".join(lines)


def _zero_rows(statement: Statement) -> None:
    """A row that moved no money (0.00, no fee) is skipped, never a zero transaction."""
    for part in statement.accounts():
        kept = []
        for row in part.rows:
            if row.amount == 0 and not row.fee:
                part.skipped.append(Skipped(row.row, "moved no money (0.00)"))
            else:
                kept.append(row)
        if len(kept) != len(part.rows):
            part.rows = kept


def _skipped(statement: Statement) -> list[Skipped]:
    """Every skipped row of the file, once."""
    found: dict[int, Skipped] = {}
    for skip in [*statement.skipped, *(s for p in statement.parts for s in p.skipped)]:
        found.setdefault(skip.row, skip)
    return list(found.values())


class _Checker:
    """Whether the accounts an entry posts to are open on its date (``open`` dates to change)."""

    def __init__(self, batch: _Batch, root: Path) -> None:
        self.batch = batch
        self.root = root
        self.late: dict[str, tuple[LedgerAccount, date]] = {}  # account -> (open, earliest row)

    def opened(self, account: str) -> LedgerAccount | None:
        found = self.batch.scan.opens.get(account)
        if found is None and account in SUSPENSE_ACCOUNTS:
            return LedgerAccount(account, SUSPENSE_OPEN_DATE, (), ACCOUNTS_FILE, 0)
        return found

    def problem(self, account: str, day: date) -> str | None:
        info = self.opened(account)
        if info is None:
            return (
                f"{account} is not opened in the ledger: add `{day} open {account}` "
                "(or an earlier date), or change the import rule that books the row there"
            )
        if day < info.opened:
            earliest = min(day, self.late.get(account, (info, day))[1])
            self.late[account] = (info, earliest)
            return (
                f"dated {day}, before {account} opens ({info.opened}, {info.where(self.root)}): "
                f"change that open date to {day} or earlier"
            )
        if info.closed is not None and day > info.closed:
            return f"dated {day}, after {account} was closed ({info.closed})"
        return None

    def check(self, entry: data.Directive, currency: str = "") -> str | None:
        """Why ``entry`` cannot be written (an account not open on its date, or not holding
        its currency); None when it can. ``currency`` is a pad's."""
        postings: dict[str, str] = {}
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                postings.setdefault(posting.account, getattr(posting.units, "currency", ""))
        elif isinstance(entry, data.Balance):
            postings[entry.account] = entry.amount.currency
        elif isinstance(entry, data.Pad):
            postings[entry.account] = currency
            postings[entry.source_account] = currency
        else:
            return None
        for account, held in postings.items():
            reason = self.problem(account, entry.date)
            if reason:
                return reason
            info = self.opened(account)
            if info is not None and info.currencies and held and held not in info.currencies:
                return (
                    f"{account} holds {', '.join(info.currencies)} only (open at "
                    f"{info.where(self.root)}), not {held}: add {held} to that open, or book "
                    "the row elsewhere"
                )
        return None

    def hint(self) -> str:
        return "\n".join(
            f"=> {account} opens {info.opened} ({info.where(self.root)}): rows of this file are "
            f"dated from {earliest}; change that open date to {earliest} or earlier"
            for account, (info, earliest) in sorted(self.late.items())
        )


def _currency_problem(
    part: Statement, account: str, checker: _Checker, path: Path, importer: SourceImporter
) -> str | None:
    info = checker.opened(account)
    if info is None:
        first = min((row.date for row in part.rows), default=None)
        day = first.isoformat() if first else "YYYY-MM-DD"
        return (
            f"{path}: the ledger has no account {account}: add `{day} open {account} "
            f"{part.currency}` (or map the statement's account number to an opened account in "
            "import-rules.toml, or pass --account)"
        )
    if not info.currencies:
        return None
    currencies = dict.fromkeys(row.currency or part.currency for row in part.rows)
    if part.opening_balance is not None or part.closing_balance is not None:
        currencies[part.currency] = None
    foreign = [c for c in currencies if c not in info.currencies]
    if not foreign:
        return None
    where = {
        "preamble": " (from its preamble)",
        "file": " (as the file states)",
        "column": " (from its currency column)",
    }.get(part.currency_source, "")
    number = f" {part.account_number}" if part.account_number else ""
    return (
        f"{path}: the statement{number} is in {', '.join(foreign)}{where} but {account} holds "
        f"{', '.join(info.currencies)} only (open at {info.where(checker.root)}): import it into "
        f"an account that holds {foreign[0]} (map its account number in import-rules.toml, "
        "or pass --account), or add the currency to that open"
    )


def _prepare(
    path: Path,
    importers: Sequence[SourceImporter],
    batch: _Batch,
    checker: _Checker,
    report: Report,
) -> _File:
    """Read one file and stage its new entries in ``batch`` (``summary.error`` says why not)."""
    summary = FileSummary(str(path), None)
    item = _File(path, summary)
    statement = _read(path, importers, item, report)
    if statement is None or item.importer is None:
        return item
    importer = item.importer
    parts = statement.accounts()
    errors = _count_rows(statement, parts, summary)
    if errors and not batch.options.skip_bad_rows:
        summary.rejected = len({(e.file, e.row) for e in errors})
        summary.error = _row_errors_text(errors)
        return item
    accounts = _part_accounts(importer, statement, parts, checker, path, summary)
    if accounts is None:
        return item
    mark = batch.mark()
    added: list[str] = []  # keys this file added (forgotten if it fails)
    for part, account in zip(parts, accounts, strict=True):
        if not _stage_part(item, statement, part, account, batch, checker, errors, added):
            return item
    summary.rejected = len({(e.file, e.row) for e in errors})
    item.rejected = errors
    if errors and not batch.options.skip_bad_rows:
        summary.new = 0
        summary.error = _row_errors_text(errors, checker.hint())
        item.openings = []
        batch.rollback(mark, added, summary)  # nothing of this file is written
    return item


def _read(
    path: Path, importers: Sequence[SourceImporter], item: _File, report: Report
) -> Statement | None:
    """The file within its limits, identified and read (None: ``item.summary.error`` says why)."""
    summary = item.summary
    try:
        open_source(path).check_limits()
    except SourceError as exc:
        summary.error = str(exc)
        return None
    importer = identify(path, importers)
    if importer is None:
        summary.error = explain_unidentified(path, importers)
        return None
    item.importer = importer
    summary.importer = importer.importer_name
    report(f"{path}: {importer.importer_name}")
    try:
        statement = importer.read(str(path))
    except SourceError as exc:
        summary.error = str(exc)
        return None
    except Exception as exc:  # a bug in an importer: fail this batch cleanly, say where
        summary.error = f"{path}: internal error in importer {importer.importer_name}: {exc!r}"
        return None
    finally:
        clear_cache()  # the workbook is read: free it before the entries are built
    return statement


def _count_rows(
    statement: Statement, parts: Sequence[Statement], summary: FileSummary
) -> list[RowError]:
    """The rows read, skipped and rejected in the summary; returns the rejected rows."""
    _zero_rows(statement)
    skipped = _skipped(statement)
    summary.skipped = len(skipped)
    summary.skip_reasons.update(s.reason for s in skipped)
    errors: list[RowError] = list(statement.errors)
    rejected_rows = {(e.file, e.row) for e in errors}
    summary.rows_read = max(
        statement.rows_read,
        sum(len(part.rows) for part in parts) + summary.skipped + len(rejected_rows),
    )
    return errors


def _part_accounts(
    importer: SourceImporter,
    statement: Statement,
    parts: Sequence[Statement],
    checker: _Checker,
    path: Path,
    summary: FileSummary,
) -> list[str] | None:
    """The ledger account of each part of a statement (None: ``summary.error`` says why)."""
    if not importer.moves_money:
        return [importer.importer_name] * len(parts)
    try:
        accounts = importer.part_accounts(statement)
    except SourceError as exc:
        summary.error = str(exc)
        return None
    for part, account in zip(parts, accounts, strict=True):
        problem = _currency_problem(part, account, checker, path, importer)
        if problem:
            summary.error = problem
            return None
    return accounts


def _stage_part(
    item: _File,
    statement: Statement,
    part: Statement,
    account: str,
    batch: _Batch,
    checker: _Checker,
    errors: list[RowError],
    added: list[str],
) -> bool:
    """Stage the new entries of one part (one account) of a statement, its closing balance
    and its opening; False when the importer failed (``summary.error`` says why)."""
    importer, summary, path = item.importer, item.summary, item.path
    assert importer is not None
    keys = batch.scan.keys
    first_day = min((row.date for row in part.rows), default=None)
    ledger_on_first_day = first_day is not None and any(
        first_day in days for days in batch.scan.movements.get(account, {}).values()
    )
    new_on_first_day = False
    ledger_account = account if importer.moves_money else ""
    try:
        items: list[Item] = importer.items(part, ledger_account, str(path))
    except SourceError as exc:
        summary.error = str(exc)
        return False
    date_column = part.date_column or "date"
    # the rows are in the items now: free each one once its entry is printed
    part.rows = []
    statement.rows = []
    for index in range(len(items)):
        unit = items[index]
        items[index] = None  # type: ignore[call-overload]
        if all(key in keys for key in unit.keys):
            summary.duplicate += 1
            continue
        try:
            entries = importer.item_entries(unit, ledger_account, part, str(path))
        except SourceError as exc:
            summary.error = str(exc)
            return False
        fresh = [e for e in entries if dedup_key(e) not in keys]
        problem = next((p for p in map(checker.check, fresh) if p), None)
        if problem:
            cells = (unit.source.memo,) if unit.source is not None else ()
            errors.append(RowError(str(path), unit.row, date_column, problem, cells))
            continue
        summary.new += 1
        new_on_first_day = new_on_first_day or unit.date == first_day
        for entry in fresh:
            added.append(batch.add(entry, account, summary))
    if importer.moves_money:
        closing = importer.closing_balance(part, account, str(path))
        if closing is not None and dedup_key(closing) not in keys:
            problem = checker.check(closing)
            if problem:
                summary.warnings.append(
                    f"{path}: closing balance not asserted: {problem.split(': ', 1)[-1]}"
                )
            else:
                added.append(batch.add(closing, account, summary))
        # the opening balance holds at the start of the first day, unless the ledger has
        # other movements that day (a statement cut in the middle of a day)
        if (
            part.opening_balance is not None
            and first_day is not None
            and not (ledger_on_first_day and new_on_first_day)
        ):
            item.openings.append(_Opening(importer, part, account, summary, path, first_day))
    return True


def _equity_account(account: str, rules: Rules) -> str:
    if rules.opening_account:
        return rules.opening_account
    fund = classify(account).fund
    return "Equity:Owners:Maintenance" if fund == MAINTENANCE else "Equity:Owners:Common"


def _resolve_openings(files: Sequence[_File], batch: _Batch, checker: _Checker) -> None:
    """Turn each statement's opening balance into a ``balance`` assertion (or a confirmed
    ``pad``), once every file of the batch is read, so the order of the files does not matter."""
    scan = batch.scan
    for item in files:
        for request in item.openings:
            summary = request.summary
            if summary.error:
                continue
            balance = request.importer.opening_balance(
                request.part, request.account, str(request.path), request.day
            )
            if balance is None or dedup_key(balance) in scan.keys:
                continue
            day, account = balance.date, balance.account
            stated = balance.amount
            if not scan.moved_before(account, day) and stated.number != 0:
                if not batch.options.pad_opening:
                    summary.error = (
                        f"{request.path}: the statement opens with {stated} on {day}, but the "
                        f"ledger has nothing on {account} before that day. Record the opening "
                        f"balance first (an opening transaction), or import with --pad-opening "
                        f"to write `{day - timedelta(days=1)} pad {account} "
                        f"{_equity_account(account, batch.rules)}` and this balance (check the "
                        "amount against the bank first)"
                    )
                    continue
                pad = data.Pad(
                    data.new_metadata(str(request.path), 0),
                    day - timedelta(days=1),
                    account,
                    _equity_account(account, batch.rules),
                )
                problem = checker.check(pad, stated.currency)
                if problem:
                    summary.error = f"{request.path}: opening balance: {problem}"
                    continue
                batch.add(pad, account, summary)
                scan.unknown.add(account)
            else:
                problem = checker.check(balance)
                if problem:
                    summary.error = f"{request.path}: opening balance: {problem}"
                    continue
                held = scan.balance_before(account, stated.currency, day)
                if held is not None and held != stated.number:
                    summary.warnings.append(
                        f"{request.path}: the ledger holds {bc_amount.Amount(held, stated.currency)} "
                        f"in {account} at the start of {day}; the statement opens with {stated}: "
                        "`trustfund check` will report this balance assertion until the "
                        "difference is found"
                    )
            batch.add(balance, account, summary)


def _stage(ws: Any, ledger_path: Path, batch: _Batch) -> None:
    main = ledger_path.name
    missing = sorted(a for a in batch.suspense_used if a not in batch.scan.opens)
    if missing:
        text = "".join(
            f"{SUSPENSE_OPEN_DATE} open {account}  ; imported rows no rule classified (TF106)\n"
            for account in missing
        )
        if not ws.read(ACCOUNTS_FILE):
            text = FILE_HEADER + text
        ws.append(ACCOUNTS_FILE, text)
        ws.ensure_include(main, ACCOUNTS_FILE)
    for target in sorted(batch.by_target):
        body = _body(batch.by_target[target])
        if not ws.read(target):
            body = FILE_HEADER + "\n" + body
        ws.append(target, body)
        ws.ensure_include(main, target)


def write_rejected(path: Path, rejected: Sequence[RowError]) -> Path:
    """``<input stem>.rejected.csv`` beside the input: row, column, reason, then the row's cells."""
    out = (
        path.with_name(path.name + ".rejected.csv")
        if path.suffix == ""
        else path.with_suffix(".rejected.csv")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "column", "reason", "cells..."])
    for error in sorted(rejected, key=lambda e: e.row):
        writer.writerow([error.row, error.column, error.reason, *error.cells])
    return atomic_write(out, buffer.getvalue(), encoding="utf-8-sig")


def _check_ledger(scan: LedgerScan, root: Path) -> None:
    if scan.errors:
        raise ImportFailed(
            f"the ledger has {len(scan.errors)} syntax error(s) "
            f"(first: {format_error(scan.errors[0])}); "
            "fix them before importing: de-duplication needs every entry"
        )


def import_files(
    paths: Sequence[Path | str],
    ledger_path: Path,
    options: ImportOptions | None = None,
    report: Report = _quiet,
) -> ImportResult:
    """Import ``paths`` into the ledger whose main file is ``ledger_path`` (see the module
    docstring). ``report`` receives a line per identified file and every warning.

    Raises :class:`ImportFailed` (nothing written) when a file is not identified, cannot be
    read, is refused, or has a bad row without ``skip_bad_rows``; :class:`SourceError` for a
    malformed rules file.
    """
    options = options or ImportOptions()
    ledger_path = Path(ledger_path)
    if not ledger_path.is_file():
        raise ImportFailed(f"{ledger_path}: no such ledger file")
    if options.account is not None and not ACCOUNT_RE.match(options.account):
        raise ImportFailed(
            f"--account {options.account!r} is not a Beancount account name (e.g. Assets:Bank:Trust)"
        )
    try:
        rules = load_rules(find_rules(ledger_path))
    except SourceError as exc:
        raise ImportFailed(str(exc)) from None
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise ImportFailed(f"{path}: no such file")

    def run(ws: Any | None) -> tuple[list[_File], _Batch]:
        from ledger.community import build_community

        scan = scan_ledger(ledger_path)
        _check_ledger(scan, ledger_path.parent)
        community, _ = build_community(scan.registers)
        context = ImportContext(
            rules=rules, account=options.account, opens=scan.opens, community=community
        )
        importers = all_importers(context)
        batch = _Batch(scan, rules, options)
        checker = _Checker(batch, ledger_path.parent)
        prepared = []
        for path in files:
            try:
                prepared.append(_prepare(path, importers, batch, checker, report))
            finally:
                clear_cache()
        _resolve_openings(prepared, batch, checker)
        summaries = [item.summary for item in prepared]
        failed = [s for s in summaries if s.error]
        if failed:
            details = [s.error or "" for s in failed]
            first = details[0].splitlines()[0]
            raise ImportFailed(
                f"{len(failed)} of {len(files)} files failed; nothing was written. First: {first}",
                details,
                summaries,
            )
        for summary in summaries:
            for warning in summary.warnings:
                report(f"warning: {warning}")
        if ws is not None:
            _stage(ws, ledger_path, batch)
            rules_file = find_rules(ledger_path)
            if batch.by_target and rules_file is not None:
                ws.commit_also([rules_file])  # the rules that filed these rows, in the commit
        return prepared, batch

    if options.dry_run:
        prepared, batch = run(None)
        text = "".join(
            f"; ---- {target}\n" + _body(batch.by_target[target])
            for target in sorted(batch.by_target)
        )
        return ImportResult([item.summary for item in prepared], text=text)

    from ledger.writer import LedgerWriter

    writer = LedgerWriter(ledger_path.parent)
    names = ", ".join(p.name for p in files[:3]) + (" …" if len(files) > 3 else "")
    with writer.transaction(f"import {names}") as ws:
        prepared, batch = run(ws)
    result = ImportResult(
        [item.summary for item in prepared],
        written=[_relative(p, ledger_path.parent) for p in ws.written],
        committed=ws.committed,
        git_error=ws.git_error,
        git_note=ws.git_note,
    )
    for item in prepared:
        if item.rejected and options.skip_bad_rows:
            item.summary.rejected_file = str(write_rejected(item.path, item.rejected))
            report(
                f"{item.path}: {item.summary.rejected} rejected rows written to "
                f"{item.summary.rejected_file}"
            )
    return result


def _body(texts: list[tuple[tuple[date, int, int], bytes]]) -> str:
    """An import file's new text: entries by date, a day's pad and balances first."""
    texts.sort(key=lambda item: item[0])
    return b"".join(text for _, text in texts).decode("utf-8")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return len(text) + len(_WIDE.findall(text))


def summary_lines(summaries: Sequence[FileSummary]) -> list[str]:
    """The summary table: one line per file, counted in rows (read = new + duplicate +
    skipped + rejected), then why rows were skipped."""
    names = [Path(s.file).name for s in summaries]
    width = max([display_width(n) for n in names] + [4])

    def pad(text: str) -> str:
        return text + " " * max(0, width - display_width(text))

    lines = [
        f"{pad('file')}  {'importer':<18} {'read':>7} {'new':>7} {'dup':>7} {'skipped':>7} {'rejected':>8}"
    ]
    for name, s in zip(names, summaries, strict=True):
        status = "  FAILED" if s.error else ""
        lines.append(
            f"{pad(name)}  {s.importer or '-':<18} {s.rows_read:>7} {s.new:>7} {s.duplicate:>7} "
            f"{s.skipped:>7} {s.rejected:>8}{status}"
        )
    for name, s in zip(names, summaries, strict=True):
        if s.skip_reasons:
            reasons = "; ".join(
                f"{count} {reason}" for reason, count in s.skip_reasons.most_common()
            )
            lines.append(f"{name}: skipped {reasons}")
    return lines
