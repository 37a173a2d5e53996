"""The one regression harness of trustfund's importers, in beangulp's expected-file format.

Every sample document ``<doc>`` has its expected extraction beside it, ``<doc>.beancount``,
written exactly as :func:`beangulp.testing.write_expected` writes it (three header lines,
``;; Account:``, ``;; Date:``, ``;; Name:``, then the entries as Beancount's printer prints
them), so ``beangulp``'s own ``test``/``generate`` commands can read our expected files too.
The importer is the one ``trustfund import`` would pick (identification by content, in the
registry's order), built with the categorisation rules of the nearest ``import-rules.toml`` at
or above the document's folder (as a ledger folder holds it); the entries are what an import
into a ledger that agrees with the statement's opening balance writes.

Regenerate on purpose only, then review the diff::

    TRUSTFUND_REGENERATE=1 pytest tests/importers_core -k golden
"""

from __future__ import annotations

import difflib
import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from beancount.core import data
from beangulp import testing as beangulp_testing

from importers.base import ImportContext, SourceImporter
from importers.readers import clear_cache
from importers.registry import all_importers
from importers.rules import RULES_FILENAME, load_rules
from ledger.writer import atomic_write

REGENERATE_ENV = "TRUSTFUND_REGENERATE"


@dataclass
class Extraction:
    importer: SourceImporter
    account: str
    date: date | None
    name: str | None
    entries: list[data.Directive]

    def text(self) -> str:
        """The expected-file text (beangulp's ``write_expected``)."""
        buffer = io.StringIO()
        beangulp_testing.write_expected(buffer, self.account, self.date, self.name, self.entries)
        return buffer.getvalue()


def rules_for(document: Path, stop: Path | None = None) -> Path | None:
    """The ``import-rules.toml`` nearest to ``document`` (its folder, then the parents up to
    ``stop``)."""
    folder = document.resolve().parent
    stop = stop.resolve() if stop else None
    while True:
        candidate = folder / RULES_FILENAME
        if candidate.exists():
            return candidate
        if folder == stop or folder.parent == folder:
            return None
        folder = folder.parent


def importer_for(document: Path, context: ImportContext | None = None) -> SourceImporter | None:
    """The importer ``trustfund import`` would choose for ``document``."""
    if context is None:
        context = ImportContext(rules=load_rules(rules_for(document)))
    for importer in all_importers(context):
        try:
            if importer.identify(str(document)):
                return importer
        except Exception:  # identify never breaks a batch; here it just does not take the file
            continue
    return None


def extract(document: Path, context: ImportContext | None = None) -> Extraction:
    """Identify ``document`` and run its importer the way beangulp's test command does."""
    try:
        importer = importer_for(document, context)
        if importer is None:
            raise AssertionError(f"{document.name}: no importer identifies it")
        account, day, name, entries = beangulp_testing.run_importer(importer, str(document))
        return Extraction(importer, account, day, name, entries)
    finally:
        clear_cache()


def compare(document: Path, context: ImportContext | None = None) -> list[str]:
    """The unified diff between ``<document>.beancount`` and the extraction (empty: they agree).
    With ``TRUSTFUND_REGENERATE=1`` the expected file is (re)written instead."""
    expected = document.with_name(document.name + ".beancount")
    actual = extract(document, context).text()
    if os.environ.get(REGENERATE_ENV) == "1":
        atomic_write(expected, actual)
        return []
    if not expected.exists():
        return [f"{expected.name} is missing: run with {REGENERATE_ENV}=1 and review it"]
    wanted = expected.read_text(encoding="utf-8")
    return list(
        difflib.unified_diff(
            wanted.splitlines(True),
            actual.splitlines(True),
            fromfile=f"expected {expected.name}",
            tofile="extracted",
        )
    )
