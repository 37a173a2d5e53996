"""``trustfund import --recategorize [PERIOD]``: file again what is still in suspense.

A row no import rule matched was booked to ``Income:Suspense`` / ``Expenses:Suspense`` and
``trustfund check`` reports it as TF106 ("add a rule"). After the rule is added, this applies
the *current* rules of ``import-rules.toml`` to every transaction of the period that still has
a suspense posting: the rule sees the row as the import saw it (the statement's account and
the signed amount on it, the payee as counterparty, the narration as memo), and when it files
the row elsewhere the suspense posting takes the rule's account (with ``unit:`` for a room
number) and the transaction the rule's metadata. Entries the treasurer already moved out of
suspense are not touched; a row the rules still do not place stays where it is.

Every changed entry is printed again with :func:`ledger.printer.format_entries` in place of
its old lines (indented comments inside it are kept below it), and all files are written in
one locked, atomic transaction of :class:`ledger.writer.LedgerWriter` (one git commit, which
also holds ``import-rules.toml`` as it is, so the history shows the rule that moved them). A rule
whose account is not opened on the entry's date changes nothing and is reported.

Limitation: a rule's ``counter-account`` condition cannot match here, because the imported
entry does not keep the counterparty's account number.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from importers.base import EXPENSE_SUSPENSE, INCOME_SUSPENSE
from importers.existing import ledger_files, scan_ledger
from importers.records import StatementRow
from importers.rules import Rules, find_rules, load_rules
from ledger.failures import TrustfundError
from ledger.printer import format_entries

SUSPENSE = (INCOME_SUSPENSE, EXPENSE_SUSPENSE)


class RecategorizeFailed(TrustfundError):
    """Nothing was written; ``details`` says why."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


@dataclass(frozen=True)
class Change:
    file: str  # relative to the ledger folder
    line: int
    date: date
    account: str  # the account the suspense posting now goes to
    rule: str


@dataclass
class RecategorizeResult:
    changes: list[Change] = field(default_factory=list)
    still: int = 0  # suspense entries no rule places
    problems: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        verb = "would be re-filed" if self.dry_run else "re-filed"
        out = [f"{c.file}:{c.line}: {c.date} -> {c.account} ({c.rule})" for c in self.changes]
        out += self.problems
        by_account = Counter(c.account for c in self.changes)
        summary = ", ".join(f"{n} to {a}" for a, n in sorted(by_account.items()))
        out.append(
            f"{len(self.changes)} entries {verb}{': ' + summary if summary else ''}; "
            f"{self.still} still in suspense"
        )
        return out


def _span(lines: list[str], start: int) -> int:
    """The line after the entry that starts at ``lines[start]`` (its indented lines)."""
    end = start + 1
    while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
        end += 1
    return end


def _refile(
    entry: data.Transaction, rules: Rules, community: object
) -> tuple[data.Transaction, str, str] | None:
    """The entry filed by the current rules, the new account and the deciding rule; None
    when the rules still leave it in suspense (or it is not an imported shape)."""
    source = next(
        (
            p
            for p in entry.postings
            if p.account not in SUSPENSE and isinstance(getattr(p.units, "number", None), Decimal)
        ),
        None,
    )
    if source is None or source.units is None:
        return None
    row = StatementRow(
        row=int((entry.meta or {}).get("lineno") or 0),
        date=entry.date,
        amount=Decimal(source.units.number),  # type: ignore[arg-type]
        currency=source.units.currency,
        counterparty=entry.payee or "",
        memo=entry.narration or "",
    )
    result = rules.categorise(row, source.account, community)  # type: ignore[arg-type]
    if result.account in SUSPENSE:
        return None
    postings = []
    for posting in entry.postings:
        if posting.account in SUSPENSE:
            meta = dict(posting.meta or {})
            meta.update(result.posting_meta)
            posting = posting._replace(account=result.account, meta=meta or None)
        postings.append(posting)
    meta = dict(entry.meta or {})
    for key, value in result.txn_meta.items():
        meta.setdefault(key, value)
    return entry._replace(meta=meta, postings=postings), result.account, result.rule


def recategorize(
    ledger_path: Path, start: date | None = None, end: date | None = None, dry_run: bool = False
) -> RecategorizeResult:
    """Apply the current import rules to the suspense entries dated in ``[start, end)`` (all
    when None). Raises :class:`RecategorizeFailed` or ``SourceError`` (malformed rules)."""
    from ledger.community import build_community

    ledger_path = Path(ledger_path)
    if not ledger_path.is_file():
        raise RecategorizeFailed(f"{ledger_path}: no such ledger file")
    root = ledger_path.parent.resolve()
    rules = load_rules(find_rules(ledger_path))
    result = RecategorizeResult(dry_run=dry_run)

    def run(ws: object | None) -> None:
        scan = scan_ledger(ledger_path)
        if scan.errors:
            raise RecategorizeFailed(
                f"the ledger has {len(scan.errors)} syntax error(s); fix them first",
                [str(getattr(e, "message", e)) for e in scan.errors[:5]],
            )
        community, _ = build_community(scan.registers)
        for filename, entries, _errors in ledger_files(ledger_path):
            path = Path(filename).resolve()
            if root not in path.parents:
                continue
            relative = os.path.relpath(path, root)
            edits: list[tuple[int, data.Transaction]] = []
            for entry in entries:
                if type(entry) is not data.Transaction:
                    continue
                if (start and entry.date < start) or (end and entry.date >= end):
                    continue
                if not any(p.account in SUSPENSE for p in entry.postings):
                    continue
                refiled = _refile(entry, rules, community)
                line = int(entry.meta.get("lineno") or 0)
                if refiled is None:
                    result.still += 1
                    continue
                new_entry, account, rule = refiled
                opened = scan.opens.get(account)
                if opened is None or opened.opened > entry.date:
                    when = f"opens {opened.opened}" if opened else "is not opened"
                    result.problems.append(
                        f"{relative}:{line}: {rule} files this row to {account}, which {when}: "
                        f"open it on or before {entry.date}; left in suspense"
                    )
                    result.still += 1
                    continue
                edits.append((line, new_entry))
                result.changes.append(Change(relative, line, entry.date, account, rule))
            if not edits or ws is None:
                continue
            text = ws.read(path)  # type: ignore[attr-defined]
            lines = text.splitlines(keepends=True)
            for line, new_entry in sorted(edits, key=lambda edit: edit[0], reverse=True):
                begin = line - 1
                stop = _span(lines, begin)
                comments = [t for t in lines[begin + 1 : stop] if t.lstrip().startswith(";")]
                printed = format_entries([new_entry]).rstrip("\n") + "\n"
                lines[begin:stop] = [printed, *comments]
            ws.write(path, "".join(lines))  # type: ignore[attr-defined]
            result.written.append(relative)
        rules_file = find_rules(ledger_path)
        if ws is not None and result.changes and rules_file is not None:
            ws.commit_also([rules_file])  # type: ignore[attr-defined]  # the rules that moved them

    if dry_run:
        run(None)
        return result
    from ledger.writer import LedgerWriter

    label = "all" if start is None else f"{start}..{end}"
    with LedgerWriter(root).transaction(f"recategorize suspense ({label})") as ws:
        run(ws)
    return result
