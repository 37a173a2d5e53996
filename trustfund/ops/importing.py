"""``trustfund import FILE... [--ledger main.beancount] [--account ACCOUNT] [--dry-run] [--skip-bad-rows]``

Each file is identified by its content (the first importer of :mod:`importers.registry` whose
``identify`` accepts it) and the command says which importer took it; for a file nobody takes
it says which columns it found and what each importer needs. The rows become entries
(:mod:`importers.base`), which are de-duplicated against the ledger and within the batch by
``serial:`` (re-importing a file adds nothing; two owners paying the same amount on the same
day are both kept) and appended, atomically and under the ledger folder's lock
(:class:`ledger.writer.LedgerWriter`), to the ledger's import files::

    imports/<account-slug>/<YYYY-MM>.beancount     e.g. imports/Assets-Bank-Trust/2026-01.beancount

one per month and account (the account's ``:`` become ``-``), each included from the main file
with an explicit ``include "imports/Assets-Bank-Trust/2026-01.beancount"`` line added the first
time. Suspense accounts the ledger has not opened are opened in ``imports/accounts.beancount``.

A bad row (unparseable date or amount, missing column, wrong encoding) is reported as
``file:row: column: reason`` and nothing is written, unless ``--skip-bad-rows``: then the good
rows are written and the rejected ones, with their reasons, go to ``<input>.rejected.csv``
beside the input. Any file that fails (not identified, unreadable, bad rows) fails the whole
batch: the ledger is written for all files or none. ``--dry-run`` prints the new entries
instead of writing them. The command ends with a summary per file: rows read, new,
duplicate, rejected.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from beancount.core import data
from beancount.parser import printer

from importers.base import (
    EXPENSE_SUSPENSE,
    INCOME_SUSPENSE,
    ImportContext,
    SourceImporter,
    dedup_key,
    existing_keys,
)
from importers.readers import clear_cache, found_labels, read_table
from importers.records import RowError, SourceError, Statement
from importers.registry import all_importers
from importers.rules import ACCOUNT_RE, find_rules, load_rules
from ledger.loader import resolve_ledger
from reports.format import width as _width

IMPORTS_DIR = "imports"
ACCOUNTS_FILE = "imports/accounts.beancount"
FILE_HEADER = "; Imported by `trustfund import`. Append-only: correct mistakes with new entries.\n"
PROGRESS_MIN_BYTES = 1_000_000  # files above this show a progress bar (on stderr)
SUSPENSE_OPEN_DATE = "2000-01-01"

Echo = Callable[..., Any]


@dataclass
class FileSummary:
    """What one input file gave."""

    file: str
    importer: str | None
    rows_read: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    targets: list[str] = field(default_factory=list)  # import files written (relative)
    rejected_file: str | None = None
    error: str | None = None


@dataclass
class _Prepared:
    summary: FileSummary
    entries: list[data.Directive]
    rejected: list[RowError]
    path: Path


def account_slug(account: str) -> str:
    return account.replace(":", "-")


def _target_account(entry: data.Directive, importer: SourceImporter) -> str:
    if isinstance(entry, data.Transaction) and entry.postings:
        return entry.postings[0].account
    account = getattr(entry, "account", None)
    if isinstance(account, str):
        return account
    return importer.importer_name


def import_target(entry: data.Directive, importer: SourceImporter) -> str:
    """The import file (relative to the ledger folder) an entry goes to."""
    return f"{IMPORTS_DIR}/{account_slug(_target_account(entry, importer))}/{entry.date:%Y-%m}.beancount"


def identify(path: Path, importers: Sequence[SourceImporter]) -> SourceImporter | None:
    for importer in importers:
        try:
            if importer.identify(str(path)):
                return importer
        except Exception:  # an importer's identify must never break the batch
            continue
    return None


def explain_unidentified(path: Path, importers: Sequence[SourceImporter]) -> str:
    try:
        labels = found_labels(read_table(path, max_rows=60))
        found = ", ".join(labels[:20]) if labels else "no header-like row"
    except SourceError as exc:
        found = exc.reason
    needed = "; ".join(f"{imp.importer_name}: {imp.needs}" for imp in importers if imp.needs)
    return f"{path}: no importer takes this file. Found columns: {found}. Needed: {needed}"


def _clean_meta(entry: data.Directive) -> data.Directive:
    meta = {k: v for k, v in (entry.meta or {}).items() if not k.startswith("__")}
    return entry._replace(meta=meta)  # type: ignore[call-overload,no-any-return]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _meta_lines(meta: dict[str, Any] | None, indent: str) -> list[str] | None:
    """``key: value`` lines as Beancount's printer writes them; None for a value it must render."""
    lines: list[str] = []
    for key, value in (meta or {}).items():
        if key in ("filename", "lineno") or key.startswith("__"):
            continue
        if isinstance(value, str):
            lines.append(f"{indent}{key}: {_quote(value)}")
        elif isinstance(value, Decimal):
            lines.append(f"{indent}{key}: {value}")
        else:
            return None
    return lines


def _fast_transaction(entry: data.Transaction) -> str | None:
    """The common imported shape (units-only postings, string metadata) without the printer's
    column alignment: the printer costs most of a large import's time."""
    if entry.tags or entry.links:
        return None
    head = [f"{entry.date} {entry.flag or '*'}"]
    if entry.payee:
        head.append(_quote(entry.payee))
        head.append(_quote(entry.narration or ""))
    elif entry.narration:
        head.append(_quote(entry.narration))
    lines = [" ".join(head)]
    meta = _meta_lines(entry.meta, "  ")
    if meta is None:
        return None
    lines += meta
    for posting in entry.postings:
        units = posting.units
        if (
            posting.cost is not None
            or posting.price is not None
            or posting.flag
            or units is None
            or units.number is None
        ):
            return None
        lines.append(f"  {posting.account}  {units.number:f} {units.currency}")
        if posting.meta:
            posting_meta = _meta_lines(posting.meta, "    ")
            if posting_meta is None:
                return None
            lines += posting_meta
    return "\n".join(lines) + "\n"


def format_entry(entry: data.Directive) -> str:
    """One entry as Beancount text (strings escaped, so a memo cannot inject a directive)."""
    if isinstance(entry, data.Transaction):
        text = _fast_transaction(entry)
        if text is not None:
            return text
    return printer.format_entry(_clean_meta(entry))  # type: ignore[no-any-return]


def format_entries(entries: Sequence[data.Directive]) -> str:
    return "".join(format_entry(entry) + "\n" for entry in entries)


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
    for error in rejected:
        writer.writerow([error.row, error.column, error.reason, *error.cells])
    fd, tmp = tempfile.mkstemp(prefix=".tf-tmp-", dir=str(out.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out


def _prepare(
    path: Path, importers: Sequence[SourceImporter], keys: set[str], skip_bad_rows: bool, echo: Echo
) -> _Prepared:
    importer = identify(path, importers)
    if importer is None:
        summary = FileSummary(str(path), None, error=explain_unidentified(path, importers))
        return _Prepared(summary, [], [], path)
    echo(f"{path}: {importer.importer_name}")
    summary = FileSummary(str(path), importer.importer_name)
    big = path.stat().st_size > PROGRESS_MIN_BYTES
    stream = sys.stderr if big else io.StringIO()
    with click.progressbar(
        length=100, label=f"{path.name}: reading", file=stream, show_eta=False
    ) as bar:
        try:
            statement: Statement = importer.read(str(path))
        except SourceError as exc:
            summary.error = str(exc)
            return _Prepared(summary, [], [], path)
        except Exception as exc:  # a bug in an importer: fail this batch cleanly, say where
            summary.error = f"{path}: internal error in importer {importer.importer_name}: {exc!r}"
            return _Prepared(summary, [], [], path)
        bar.update(40)
        summary.rows_read = statement.rows_read or (len(statement.rows) + len(statement.errors))
        summary.rejected = len(statement.errors)
        if statement.errors and not skip_bad_rows:
            lines = [str(err) for err in statement.errors[:20]]
            if len(statement.errors) > 20:
                lines.append(f"... and {len(statement.errors) - 20} more bad rows")
            summary.error = (
                "\n".join(lines)
                + "\n(nothing from this file is written; --skip-bad-rows writes the good rows)"
            )
            return _Prepared(summary, [], list(statement.errors), path)
        bar.label = f"{path.name}: building entries"
        try:
            entries = importer.build(statement, str(path))
        except SourceError as exc:
            summary.error = str(exc)
            return _Prepared(summary, [], [], path)
        except Exception as exc:
            summary.error = f"{path}: internal error in importer {importer.importer_name}: {exc!r}"
            return _Prepared(summary, [], [], path)
        bar.update(30)
        bar.label = f"{path.name}: de-duplicating"
        new: list[data.Directive] = []
        step = max(1, len(entries) // 30)
        for index, entry in enumerate(entries, 1):
            key = dedup_key(entry)
            if key in keys:
                if not isinstance(entry, data.Balance):
                    summary.duplicate += 1
            else:
                keys.add(key)
                new.append(entry)
                if not isinstance(entry, data.Balance):
                    summary.new += 1
            if index % step == 0:
                bar.update(1)
        bar.update(100)
    for entry in new:
        target = import_target(entry, importer)
        if target not in summary.targets:
            summary.targets.append(target)
    return _Prepared(summary, new, list(statement.errors), path)


def _opened(entries: Sequence[data.Directive]) -> set[str]:
    return {entry.account for entry in entries if isinstance(entry, data.Open)}


def _stage(
    ws: Any,
    ledger_path: Path,
    prepared: Sequence[_Prepared],
    existing: Sequence[data.Directive],
    importers_by_name: dict[str, SourceImporter],
) -> None:
    by_target: dict[str, list[data.Directive]] = {}
    used: set[str] = set()
    for item in prepared:
        importer = importers_by_name[item.summary.importer or ""]
        for entry in item.entries:
            by_target.setdefault(import_target(entry, importer), []).append(entry)
            if isinstance(entry, data.Transaction):
                used.update(p.account for p in entry.postings)
    main = ledger_path.name
    missing = sorted(
        account
        for account in (INCOME_SUSPENSE, EXPENSE_SUSPENSE)
        if account in used and account not in _opened(existing)
    )
    if missing:
        text = "".join(
            f"{SUSPENSE_OPEN_DATE} open {account}  ; imported rows no rule classified (TF106)\n"
            for account in missing
        )
        if not ws.read(ACCOUNTS_FILE):
            text = FILE_HEADER + text
        ws.append(ACCOUNTS_FILE, text)
        ws.ensure_include(main, ACCOUNTS_FILE)
    for target in sorted(by_target):
        entries = sorted(
            by_target[target], key=lambda e: (e.date, 0 if isinstance(e, data.Balance) else 1)
        )
        body = format_entries(entries)
        if not ws.read(target):
            body = FILE_HEADER + "\n" + body
        ws.append(target, body)
        ws.ensure_include(main, target)


def import_files(
    paths: list[Path],
    ledger_path: Path,
    account: str | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    echo: Echo = click.echo,
) -> list[FileSummary]:
    """Import ``paths`` into the ledger at ``ledger_path`` (see the module docstring).

    Raises :class:`click.ClickException` (naming ``file:row: column: reason``) when a file is not
    identified, cannot be read or has a bad row without ``skip_bad_rows``; nothing is written then.
    """
    ledger_path = resolve_ledger(ledger_path)
    if account is not None and not ACCOUNT_RE.match(account):
        raise click.ClickException(
            f"--account {account!r} is not a Beancount account name (e.g. Assets:Bank:Trust)"
        )
    try:
        rules = load_rules(find_rules(ledger_path))
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.is_file():
            raise click.ClickException(f"{path}: no such file")

    def run(ws: Any | None) -> list[_Prepared]:
        from ledger.loader import load

        ledger = load(ledger_path)
        context = ImportContext(
            rules=rules, account=account, entries=ledger.entries, community=ledger.community
        )
        importers = all_importers(context)
        keys = existing_keys(ledger.entries)
        prepared = []
        for path in paths:
            try:
                prepared.append(_prepare(path, importers, keys, skip_bad_rows, echo))
            finally:
                clear_cache()
        summaries = [item.summary for item in prepared]
        failed = [s for s in summaries if s.error]
        if failed:
            for summary in failed:
                echo(summary.error)
            _echo_summary(summaries, echo)
            first = failed[0].error or ""
            raise click.ClickException(
                f"{len(failed)} of {len(paths)} files failed; nothing was written. First: {first.splitlines()[0]}"
            )
        if dry_run or ws is None:
            for item in prepared:
                for error in item.rejected:
                    echo(f"; rejected (not written): {error}")
                if item.entries:
                    echo(f"; ---- {item.path} ({item.summary.importer}): {item.summary.new} new")
                    echo(format_entries(item.entries).rstrip("\n"))
            _echo_summary(summaries, echo)
            return prepared
        by_name = {imp.importer_name: imp for imp in importers}
        _stage(ws, ledger_path, prepared, ledger.entries, by_name)
        return prepared

    if dry_run:
        return [item.summary for item in run(None)]
    from ledger.writer import LedgerWriter

    writer = LedgerWriter(ledger_path.parent)
    names = ", ".join(p.name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
    with writer.transaction(f"import {names}") as ws:
        prepared = run(ws)
    for item in prepared:
        if item.rejected and skip_bad_rows:
            item.summary.rejected_file = str(write_rejected(item.path, item.rejected))
            echo(
                f"{item.path}: {item.summary.rejected} rejected rows written to {item.summary.rejected_file}"
            )
    summaries = [item.summary for item in prepared]
    _echo_summary(summaries, echo)
    if ws.git_error or ws.git_note:  # written either way; say why git does not have it
        echo(f"note: {ws.git_error or ws.git_note}")
    return summaries


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _echo_summary(summaries: Sequence[FileSummary], echo: Echo) -> None:
    width = max([_width(Path(s.file).name) for s in summaries] + [4])
    echo(
        f"{_pad('file', width)}  {'importer':<18} {'read':>7} {'new':>7} {'dup':>7} {'rejected':>8}"
    )
    for s in summaries:
        status = "" if not s.error else "  FAILED"
        name = _pad(Path(s.file).name, width)
        echo(
            f"{name}  {s.importer or '-':<18} {s.rows_read:>7} {s.new:>7} {s.duplicate:>7} {s.rejected:>8}{status}"
        )


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--ledger",
    "ledger_path",
    default="main.beancount",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The community's main ledger file (or its folder).",
)
@click.option(
    "--account",
    default=None,
    help="Ledger account of the imported statement (default: from import-rules.toml).",
)
@click.option("--dry-run", is_flag=True, help="Print the new entries; write nothing.")
@click.option(
    "--skip-bad-rows",
    is_flag=True,
    help="Write the good rows; put rejected rows in <input>.rejected.csv.",
)
def import_cmd(
    files: tuple[Path, ...],
    ledger_path: Path,
    account: str | None,
    dry_run: bool,
    skip_bad_rows: bool,
) -> None:
    """Import bank statements, payment-app bills, fee-system exports and registers.

    Files are identified by content. New entries go to imports/<account>/<YYYY-MM>.beancount,
    included from the main file; duplicates (same serial) are skipped.
    """
    import_files(
        list(files), ledger_path, account=account, dry_run=dry_run, skip_bad_rows=skip_bad_rows
    )
