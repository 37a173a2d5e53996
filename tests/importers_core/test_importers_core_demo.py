"""The demo community's January 2026 downloads import cleanly into the 2025 ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

from beancount.core import data

from ledger.loader import format_error, load
from trustfund.ops.importing import import_files

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
    imported = [
        e for e in ledger.entries if isinstance(e, data.Transaction) and e.date.year == 2026
    ]
    assert any(p.account == "Assets:Clearing:Manager" for e in imported for p in e.postings)
    assert all(not p.account.endswith(":Suspense") for e in imported for p in e.postings)
    assert any(
        isinstance(e, data.Balance) and e.date.isoformat() == "2026-01-31" for e in ledger.entries
    )
    # importing the same downloads again adds nothing
    again = import_files(downloads, folder / "main.beancount", echo=lambda *a, **k: None)
    assert [s.new for s in again] == [0] * len(again)


def test_demo_downloads_are_up_to_date(tmp_path: Path) -> None:
    """The committed downloads are what make_downloads.py writes from the committed 2025 ledger
    (after regenerating the ledger, run ``python examples/xinyi/make_downloads.py``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "xinyi_make_downloads", EXAMPLE / "make_downloads.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.build(tmp_path)
    assert {p.name for p in written} == {p.name for p in (EXAMPLE / "downloads").iterdir()}
    stale = [
        p.name for p in written if p.read_bytes() != (EXAMPLE / "downloads" / p.name).read_bytes()
    ]
    assert not stale, f"stale downloads {stale}: run python examples/xinyi/make_downloads.py"
