"""The load cache (ledger/loader.py) is valid only for the folder and the exact files it was made from.

Issue 13: a ledger folder copied with ``cp -r`` carried Beancount's pickle cache, which still
named the original's files; ``check`` on the copy said "no errors" after an unbalanced
transaction was added to it, and ``close-year`` on the copy ended in a traceback.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ledger.loader as tf_loader
from cli import main as cli
from ledger.loader import cache_path, load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "xinyi"

MAIN = """option "operating_currency" "CNY"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Income:Fees:Property CNY
include "txns.beancount"
include "more/*.beancount"
"""
TXNS = "".join(
    f'2025-03-{day:02d} * "业主{day}" "物业费"\n'
    f"  Assets:Bank:Trust  {100 + day}.00 CNY\n  Income:Fees:Property  -{100 + day}.00 CNY\n\n"
    for day in range(1, 21)
)
UNBALANCED = (
    '2025-03-25 * "unbalanced"\n  Assets:Bank:Trust  10.00 CNY\n  Income:Fees:Property  -5.00 CNY\n'
)


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache as users have it, with every load cached (however fast)."""
    monkeypatch.delenv("BEANCOUNT_DISABLE_LOAD_CACHE", raising=False)
    monkeypatch.setenv("TRUSTFUND_LOAD_CACHE_THRESHOLD", "0")


def make(folder: Path) -> Path:
    (folder / "more").mkdir(parents=True)
    (folder / "main.beancount").write_text(MAIN, encoding="utf-8")
    (folder / "txns.beancount").write_text(TXNS, encoding="utf-8")
    (folder / "more" / "a.beancount").write_text("", encoding="utf-8")
    age(folder)
    return folder / "main.beancount"


def age(folder: Path, seconds: int = 60) -> None:
    """Date the files a minute back: a file written while it is loaded is never cached."""
    for path in folder.rglob("*.beancount"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 10**9))


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every real (uncached) load."""
    calls: list[Path] = []
    real = tf_loader._uncached

    def spy(top: Path) -> Any:
        calls.append(top)
        return real(top)

    monkeypatch.setattr(tf_loader, "_uncached", spy)
    return calls


def test_second_load_reads_the_cache(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = make(tmp_path / "L")
    calls = count_loads(monkeypatch)
    first = load(main)
    assert cache_path(main).exists() and len(calls) == 1
    second = load(main)
    assert len(calls) == 1, "the second load should come from the cache"
    assert second.errors == [] and len(second.entries) == len(first.entries)
    assert second.path == main.resolve()


def test_an_edit_of_same_size_and_old_mtime_is_seen(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = make(tmp_path / "L")
    load(main)
    txns = main.parent / "txns.beancount"
    before = txns.stat()
    text = txns.read_text(encoding="utf-8")
    edited = text.replace("Assets:Bank:Trust  101.00 CNY", "Assets:Bank:Trust  109.00 CNY", 1)
    assert edited != text and len(edited) == len(text)
    txns.write_text(edited, encoding="utf-8")
    os.utime(txns, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or a restore does
    calls = count_loads(monkeypatch)
    ledger = load(main)
    assert len(calls) == 1
    assert any("does not balance" in str(e.message) for e in ledger.errors)


def test_a_new_file_matching_an_include_glob_is_seen(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = make(tmp_path / "L")
    load(main)
    (main.parent / "more" / "b.beancount").write_text(UNBALANCED, encoding="utf-8")
    ledger = load(main)
    assert any("does not balance" in str(e.message) for e in ledger.errors)


def test_another_code_version_does_not_use_the_cache(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = make(tmp_path / "L")
    load(main)
    calls = count_loads(monkeypatch)
    monkeypatch.setattr(tf_loader, "code_fingerprint", lambda: "another-version")
    load(main)
    assert len(calls) == 1


def test_a_damaged_cache_is_ignored(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = make(tmp_path / "L")
    load(main)
    blob = cache_path(main).read_bytes()
    cache_path(main).write_bytes(blob[: len(blob) // 2])  # a crash while writing, say
    ledger = load(main)
    assert ledger.errors == [] and len(ledger.entries) == 22


def test_no_cache_when_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    monkeypatch.setenv("TRUSTFUND_LOAD_CACHE_THRESHOLD", "0")
    main = make(tmp_path / "L")
    load(main)
    assert not list(main.parent.glob(".*picklecache*"))


def _copy(how: str, source: Path, target: Path) -> None:
    if how == "copytree":
        shutil.copytree(source, target)
    else:  # cp -r: new mtimes; cp -a: mtimes kept too
        subprocess.run(["cp", how, str(source), str(target)], check=True)


@pytest.mark.parametrize("how", ["-r", "-a", "copytree"])
def test_a_copy_with_an_unbalanced_edit_fails_check(
    tmp_path: Path, cache_on: None, how: str
) -> None:
    original = make(tmp_path / "orig")
    first = CliRunner().invoke(cli, ["check", str(original.parent)])
    assert first.exit_code == 0, first.output
    assert cache_path(original).exists()
    copy = tmp_path / "copy"
    _copy(how, original.parent, copy)
    assert cache_path(copy / "main.beancount").exists()  # the copy carries the original's cache
    with (copy / "txns.beancount").open("a", encoding="utf-8") as out:
        out.write(UNBALANCED)
    for _ in range(2):  # and a second run (from the copy's own cache now) says the same
        result = CliRunner().invoke(cli, ["check", str(copy)])
        assert result.exit_code == 1, result.output
        assert "does not balance" in result.output
        assert f"{copy.resolve()}/txns.beancount:" in result.output
        assert str(original.parent.resolve()) not in result.output
    again = CliRunner().invoke(cli, ["check", str(original.parent)])
    assert again.exit_code == 0, again.output


def test_cp_r_copy_through_the_real_command(tmp_path: Path) -> None:
    """The same, as a user runs it: separate `trustfund check` processes, cache on."""
    env = {k: v for k, v in os.environ.items() if k != "BEANCOUNT_DISABLE_LOAD_CACHE"}
    env["TRUSTFUND_LOAD_CACHE_THRESHOLD"] = "0"

    def check(folder: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "cli.py"), "check", str(folder)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    original = make(tmp_path / "orig")
    assert check(original.parent).returncode == 0
    assert cache_path(original).exists()
    subprocess.run(["cp", "-r", str(original.parent), str(tmp_path / "copy")], check=True)
    with (tmp_path / "copy" / "txns.beancount").open("a", encoding="utf-8") as out:
        out.write(UNBALANCED)
    result = check(tmp_path / "copy")
    assert result.returncode == 1 and "does not balance" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "picklecache" not in path.name
    }


def test_close_year_on_a_copy_writes_the_copy_only(tmp_path: Path, cache_on: None) -> None:
    """A ledger whose next year already has its own file (after an import of January)."""
    original = tmp_path / "orig"
    shutil.copytree(EXAMPLE, original)
    (original / "imports").mkdir()
    (original / "imports" / "2026-01.beancount").write_text(
        '2026-01-05 * "业主" "物业费"\n  Assets:Bank:Trust  10.00 CNY\n  Income:Fees:Property  -10.00 CNY\n',
        encoding="utf-8",
    )
    with (original / "main.beancount").open("a", encoding="utf-8") as out:
        out.write('include "imports/2026-01.beancount"\n')
    age(original)
    first = CliRunner().invoke(cli, ["check", str(original)])
    assert first.exit_code == 0, first.output
    assert cache_path(original / "main.beancount").exists()
    before = _digests(original)
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(original), str(copy)], check=True)
    result = CliRunner().invoke(cli, ["close-year", "2025", str(copy)])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (copy / "2026.beancount").exists()
    assert "imports/2026-01.beancount" in (copy / "2026.beancount").read_text(encoding="utf-8")
    assert _digests(original) == before  # the original is untouched
    for ledger in (copy / "2026.beancount", copy / "main.beancount"):
        checked = CliRunner().invoke(cli, ["check", str(ledger)])
        assert checked.exit_code == 0, checked.output
    again = CliRunner().invoke(cli, ["close-year", "2025", str(copy)])  # a second run refuses
    assert again.exit_code == 1 and "already closed" in again.output
