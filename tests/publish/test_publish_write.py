"""Re-publishing: only changed pages are rewritten, atomically; an interrupted run harms nothing."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from publish_ledgers import copy_demo

from cli import main


def _stamps(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_ino
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "xinyi")


def _publish(ledger: Path, out: Path) -> str:
    result = CliRunner().invoke(main, ["publish", str(ledger), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def test_republish_rewrites_only_what_changed(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = _publish(ledger, out)
    assert "0 unchanged" in first and "2 unit pages" in first
    before = _stamps(out)
    again = _publish(ledger, out)
    assert " 0 file(s) written" in again, again
    assert _stamps(out) == before  # not one file replaced (same inodes)

    # one more payment in December: its month, the year, the index and the manifest change
    december = ledger.parent / "2025" / "2025-12.beancount"
    with december.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n2025-12-30 * "洁美保洁服务有限公司" "保洁耗材"\n'
            '  approval: "AP-2025-12-TEST"\n'
            "  Expenses:Service:Cleaning  10.00 CNY\n"
            "  Assets:Bank:Trust  -10.00 CNY\n"
        )
    _publish(ledger, out)
    after = _stamps(out)
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert "m/2025-12.html" in changed and "y/2025.html" in changed
    assert {"index.html", "manifest.json"} <= set(changed)
    assert not [p for p in changed if p.startswith("m/") and p != "m/2025-12.html"], changed
    assert not [p for p in changed if p.startswith(("u/", "assets/"))], changed
    assert len(changed) <= 8, changed


def test_removed_unit_code_removes_its_page(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _publish(ledger, out)
    pages = sorted((out / "u").iterdir())
    assert len(pages) == 2
    access = ledger.parent / "access.beancount"
    lines = access.read_text(encoding="utf-8").splitlines()
    access.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")  # one code fewer
    _publish(ledger, out)
    assert len(list((out / "u").iterdir())) == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len([p for p in manifest["files"] if p.startswith("u/")]) == 1


def test_an_interrupted_publish_leaves_the_previous_site(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.loader import load
    from trustfund.ops import publish as module

    out = tmp_path / "site"
    _publish(ledger, out)
    index = (out / "index.html").read_bytes()
    snapshot = {p: (out / p).read_bytes() for p in _stamps(out)}

    december = ledger.parent / "2025" / "2025-12.beancount"
    with december.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n2025-12-30 * "洁美保洁服务有限公司" "保洁耗材"\n'
            "  Expenses:Service:Cleaning  10.00 CNY\n"
            "  Assets:Bank:Trust  -10.00 CNY\n"
        )
    real_replace = os.replace
    calls = {"n": 0}

    def dying_replace(src: str, dst: str) -> None:  # killed after the first rename
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        module.publish(load(ledger.parent / "main.beancount"), out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / "index.html").read_bytes() == index  # the pages linking to others come last
    replaced = [path for path, data in snapshot.items() if (out / path).read_bytes() != data]
    assert len(replaced) == 1 and replaced[0] not in ("index.html", "manifest.json"), replaced
    assert not list(out.rglob("*.tf-tmp-*"))  # the failed temporary file was removed

    # a temporary file left by a harder kill is removed by the next run (an earlier version's too)
    (out / "m" / ".2025-12.html.tf-tmp-deadbeef0000").write_bytes(b"half")
    (out / "m" / ".tmp-deadbeef").write_bytes(b"half")
    _publish(ledger, out)
    assert not list(out.rglob("*.tf-tmp-*")) and not list(out.rglob(".tmp-*"))
    assert (out / "index.html").read_bytes() != index


def test_refuses_a_foreign_folder_and_one_inside_the_ledger(ledger: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", str(ledger), "-o", str(foreign)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    inside = CliRunner().invoke(main, ["publish", str(ledger), "-o", str(ledger.parent / "site")])
    assert inside.exit_code != 0 and "inside the ledger folder" in inside.output
    assert not (ledger.parent / "site").exists()


def test_a_copy_of_the_site_folder_is_the_same_site(ledger: Path, tmp_path: Path) -> None:
    """The folder is self-contained: a copy (what a static host gets) publishes in place."""
    out = tmp_path / "site"
    _publish(ledger, out)
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    assert " 0 file(s) written" in _publish(ledger, copy)


def test_a_second_publish_at_the_same_time_is_refused(ledger: Path, tmp_path: Path) -> None:
    from filelock import FileLock

    out = tmp_path / "site"
    _publish(ledger, out)
    with FileLock(str(out / ".trustfund-publish.lock")):
        result = CliRunner().invoke(main, ["publish", str(ledger), "-o", str(out)])
    assert result.exit_code != 0 and "another publish is writing" in result.output
    assert " 0 file(s) written" in _publish(ledger, out)  # and works again after


def test_a_ledger_without_transactions_is_explained(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "main.beancount").write_text(
        'option "title" "空账本"\n2025-01-01 open Assets:Bank:Trust CNY\n', encoding="utf-8"
    )
    result = CliRunner().invoke(
        main, ["publish", str(folder / "main.beancount"), "-o", str(tmp_path / "site")]
    )
    assert result.exit_code != 0 and "no transactions" in result.output
    assert not (tmp_path / "site" / "index.html").exists()
