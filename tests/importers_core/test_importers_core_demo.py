"""The demo community's January 2026 downloads import cleanly into the 2025 ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

from beancount.core import data

from importers.command import import_files
from ledger.loader import format_error, load

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "xinyi"


def test_demo_downloads_import_and_pass_check(tmp_path: Path) -> None:
    folder = tmp_path / "xinyi"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    downloads = sorted((folder / "downloads").iterdir())
    assert len(downloads) >= 3
    summaries = import_files(downloads, folder / "main.beancount", echo=lambda *a, **k: None)
    kinds = {s.importer for s in summaries}
    assert {"bank-statement", "wechat", "approval-register", "fee-system"} <= kinds
    assert all(s.rejected == 0 and s.new > 0 for s in summaries)
    ledger = load(folder / "main.beancount")
    assert [format_error(e) for e in ledger.errors] == []
    imported = [e for e in ledger.entries if isinstance(e, data.Transaction) and e.date.year == 2026]
    assert any(p.account == "Assets:Clearing:Manager" for e in imported for p in e.postings)
    assert all(not p.account.endswith(":Suspense") for e in imported for p in e.postings)
    assert any(isinstance(e, data.Balance) and e.date.isoformat() == "2026-01-31" for e in ledger.entries)
    # importing the same downloads again adds nothing
    again = import_files(downloads, folder / "main.beancount", echo=lambda *a, **k: None)
    assert [s.new for s in again] == [0] * len(again)
