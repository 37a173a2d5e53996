"""What is committed loads: a clone of a ledger repository checks and verifies (issue 13).

* `seal` refuses to seal over edits that are not committed, unless `--commit-edits`;
* a writer killed between its write and the end of its git commit is finished by the next
  write, so no commit carries an `include` of a file missing from the repository;
* a ledger is committed only into its own repository, never into an enclosing one;
* every failure of a command is a message, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runs import imports_at_once
from click.testing import CliRunner, Result

from cli import main as cli
from ledger import writer as writer_mod
from ledger.errors import error_code
from ledger.loader import load
from ledger.writer import COMMIT_JOURNAL_NAME, JOURNAL_NAME, LedgerWriter

ROOT = Path(__file__).resolve().parents[2]
HEADER = "交易日期,交易流水号,借方发生额,贷方发生额,对方户名,摘要"


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    result = subprocess.run(
        ["git", "-c", "user.name=Treasurer", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def statement(path: Path, month: str, serials: range) -> Path:
    """A bank statement of interest credits (the starter import rules classify them)."""
    rows = [HEADER] + [f"{month}-{n:02d},SN{month}-{n:03d},,{n}.25,工商银行,结息" for n in serials]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def new_repo_ledger(tmp_path: Path) -> Path:
    """`trustfund init`, then the treasurer puts the folder under git."""
    folder = tmp_path / "ledger"
    result = run("init", str(folder), "--start", "2025-01-01")
    assert result.exit_code == 0, result.output
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "trustfund init")
    return folder


def commits(folder: Path) -> list[str]:
    return git(folder, "log", "--format=%s").splitlines()


def dirty(folder: Path) -> str:
    """`git status` of the ledger's files (transient lock files are ignored by .gitignore)."""
    return git(folder, "status", "--porcelain", "--untracked-files=all")


def check_clone(folder: Path, tmp_path: Path, name: str = "clone") -> Path:
    clone = tmp_path / name
    git(tmp_path, "clone", "-q", str(folder), str(clone))
    checked = run("check", str(clone))
    assert checked.exit_code == 0, checked.output
    verified = run("verify", str(clone))
    assert verified.exit_code == 0, verified.output
    return clone


def test_a_clone_of_a_sealed_imported_ledger_loads_and_verifies(tmp_path: Path) -> None:
    folder = new_repo_ledger(tmp_path)
    bank = statement(tmp_path / "bank-2025-03.csv", "2025-03", range(1, 6))
    imported = run("import", str(bank), "--ledger", str(folder), "--account", "Assets:Bank:Trust")
    assert imported.exit_code == 0, imported.output
    sealed = run("seal", "2025-03", str(folder), "--today", "2025-04-05", "--include-earlier")
    assert sealed.exit_code == 0, sealed.output
    assert commits(folder) == ["seal 2025-03", "import bank-2025-03.csv", "trustfund init"]
    assert dirty(folder) == ""
    clone = check_clone(folder, tmp_path)
    assert "2 seals, chain intact" in run("verify", str(clone)).output
    # a second run of each command: the import finds only duplicates, the seal refuses
    again = run("import", str(bank), "--ledger", str(folder), "--account", "Assets:Bank:Trust")
    assert again.exit_code == 0, again.output
    resealed = run("seal", "2025-03", str(folder), "--today", "2025-04-05")
    assert resealed.exit_code == 1 and "already sealed" in resealed.output
    assert commits(folder)[0] == "seal 2025-03" and dirty(folder) == ""


def test_seal_refuses_uncommitted_edits_unless_told_to_commit_them(tmp_path: Path) -> None:
    folder = new_repo_ledger(tmp_path)
    # hand edits: a line in main.beancount, a new file it includes, neither committed
    (folder / "manual.beancount").write_text(
        '2025-02-14 * "工商银行" "结息 (手工录入)"\n'
        "  Assets:Bank:Trust  8.88 CNY\n  Income:Interest  -8.88 CNY\n",
        encoding="utf-8",
    )
    with (folder / "main.beancount").open("a", encoding="utf-8") as out:
        out.write('include "manual.beancount"\n')
    before = commits(folder)
    refused = run("seal", "2025-02", str(folder), "--today", "2025-03-05", "--include-earlier")
    assert refused.exit_code == 1, refused.output
    assert "not committed" in refused.output and "--commit-edits" in refused.output
    assert "modified   main.beancount" in refused.output
    assert "untracked  manual.beancount" in refused.output
    assert "Traceback" not in refused.output
    assert not (folder / "seals.beancount").exists() and commits(folder) == before
    # told to: the edits go into the seal's commit, and a clone holds what was sealed
    sealed = run(
        "seal",
        "2025-02",
        str(folder),
        "--today",
        "2025-03-05",
        "--include-earlier",
        "--commit-edits",
    )
    assert sealed.exit_code == 0, sealed.output
    assert "committed with the seal: main.beancount, manual.beancount" in sealed.output
    assert commits(folder)[0].startswith("seal 2025-02 (with hand edits: main.beancount")
    changed = git(folder, "show", "--name-only", "--format=", "HEAD").split()
    assert {"main.beancount", "manual.beancount", "seals.beancount"} <= set(changed)
    assert dirty(folder) == ""
    check_clone(folder, tmp_path)
    # edits outside the ledger's files (a note, reports) never block a seal
    (folder / "notes.txt").write_text("minutes of the meeting\n", encoding="utf-8")
    sealed = run("seal", "2025-03", str(folder), "--today", "2025-04-05")
    assert sealed.exit_code == 0, sealed.output


def test_a_ledger_outside_git_seals_as_before(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    assert run("init", str(folder)).exit_code == 0
    sealed = run("seal", "2025-01", str(folder), "--today", "2025-02-01")
    assert sealed.exit_code == 0, sealed.output
    assert "note:" not in sealed.output


CRASH = """
import os, signal, sys
sys.path.insert(0, {root!r})
from ledger import writer
step = sys.argv[1]
def hook(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)
writer._fault_hook = hook
from cli import main
main(["import", sys.argv[2], "--ledger", sys.argv[3], "--account", "Assets:Bank:Trust"])
"""


@pytest.mark.parametrize(
    ("step", "written"),
    [
        ("commit-journal", False),  # the commit is recorded, no file is replaced yet
        ("replace:main.beancount", True),  # mid-write (the redo journal finishes it)
        ("done", True),  # written, git not run
        ("git-add", True),  # staged, not committed: the case of issue 13
        ("git-commit", True),  # committed, the journal not yet removed
    ],
)
def test_a_kill_during_an_imports_commit_is_finished_by_the_next_write(
    tmp_path: Path, step: str, written: bool
) -> None:
    folder = new_repo_ledger(tmp_path)
    march = statement(tmp_path / "bank-2025-03.csv", "2025-03", range(1, 4))
    script = tmp_path / "crash.py"
    script.write_text(CRASH.format(root=str(ROOT)), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), step, str(march), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stdout + proc.stderr  # killed at the step
    assert (folder / COMMIT_JOURNAL_NAME).exists()
    assert "git commit of the last write was interrupted" in run("verify", str(folder)).output
    # the next write (another import) finishes the interrupted one first
    april = statement(tmp_path / "bank-2025-04.csv", "2025-04", range(1, 4))
    result = run("import", str(april), "--ledger", str(folder), "--account", "Assets:Bank:Trust")
    assert result.exit_code == 0, result.output
    assert not (folder / COMMIT_JOURNAL_NAME).exists() and not (folder / JOURNAL_NAME).exists()
    history = commits(folder)
    expected = ["import bank-2025-04.csv"]
    expected += ["import bank-2025-03.csv"] if written else []
    assert history == [*expected, "trustfund init"], history
    assert dirty(folder) == ""
    # every commit loads: the clone, and the clone at each commit
    clone = check_clone(folder, tmp_path)
    entries = load(clone / "main.beancount", cache=False).entries
    receipts = [e for e in entries if hasattr(e, "postings")]
    assert len(receipts) == (6 if written else 3), receipts
    for sha in git(clone, "log", "--format=%H").split()[1:]:
        git(clone, "checkout", "-q", sha)
        ledger = load(clone / "main.beancount", cache=False)
        assert [e for e in ledger.errors if error_code(e) is None] == [], sha


def test_an_unfinishable_commit_is_carried_by_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git fails (index.lock held by someone): the files stay written, the journal stays, and the
    next commit takes the interrupted paths along."""
    folder = new_repo_ledger(tmp_path)
    (folder / ".git" / "index.lock").write_text("", encoding="utf-8")
    monkeypatch.setattr(writer_mod.time, "sleep", lambda _s: None)
    with LedgerWriter(folder).transaction("first") as ws:
        ws.write("imports/a.beancount", "; a\n")
        ws.ensure_include("main.beancount", "imports/a.beancount")
    assert not ws.committed and ws.git_error and "index.lock" in ws.git_error
    assert (folder / COMMIT_JOURNAL_NAME).exists()
    (folder / ".git" / "index.lock").unlink()
    with LedgerWriter(folder).transaction("second") as ws:
        assert any("finished the interrupted commit 'first'" in a for a in ws.recovered)
        ws.write("imports/b.beancount", "; b\n")
        ws.ensure_include("main.beancount", "imports/b.beancount")
    assert ws.committed
    assert commits(folder) == ["second", "first", "trustfund init"]
    assert dirty(folder) == ""
    # and when recovery itself cannot commit, the next commit carries the paths
    with LedgerWriter(folder).transaction("third") as ws:
        ws.write("imports/c.beancount", "; c\n")
        ws.ensure_include("main.beancount", "imports/c.beancount")
        (folder / ".git" / "index.lock").write_text("", encoding="utf-8")
    assert not ws.committed
    with LedgerWriter(folder).transaction("fourth") as ws:
        (folder / ".git" / "index.lock").unlink()
        ws.write("imports/d.beancount", "; d\n")
        ws.ensure_include("main.beancount", "imports/d.beancount")
    assert ws.committed
    message = git(folder, "log", "-1", "--format=%B")
    assert message.startswith("fourth") and "interrupted write: third" in message
    assert dirty(folder) == ""
    check_clone(folder, tmp_path)


def test_never_commits_into_an_enclosing_repository(tmp_path: Path) -> None:
    outer = tmp_path / "project"
    outer.mkdir()
    git(outer, "init", "-q")
    (outer / "README").write_text("someone's project\n", encoding="utf-8")
    git(outer, "add", "README")
    git(outer, "commit", "-qm", "project")
    ledger = outer / "books"
    assert run("init", str(ledger)).exit_code == 0
    with LedgerWriter(ledger).transaction("write") as ws:
        ws.write("extra.beancount", "; x\n")
    assert not ws.committed and ws.git_error is None
    assert ws.git_note is not None and "not the top of its own repository" in ws.git_note
    bank = statement(tmp_path / "bank.csv", "2025-03", range(1, 3))
    imported = run("import", str(bank), "--ledger", str(ledger), "--account", "Assets:Bank:Trust")
    assert imported.exit_code == 0 and "note: not committed" in imported.output, imported.output
    sealed = run("seal", "2025-01", str(ledger), "--today", "2025-02-01")
    assert sealed.exit_code == 0, sealed.output
    assert "not committed" in sealed.output and "git init" in sealed.output
    assert commits(outer) == ["project"]
    assert git(outer, "diff", "--cached", "--name-only") == ""  # nothing staged there either
    # the treasurer makes it a repository of its own: from then on it is committed there
    git(ledger, "init", "-q")
    git(ledger, "add", "-A")
    git(ledger, "commit", "-qm", "books")
    sealed = run("seal", "2025-02", str(ledger), "--today", "2025-03-01")
    assert sealed.exit_code == 0, sealed.output
    assert commits(ledger) == ["seal 2025-02", "books"] and commits(outer) == ["project"]


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{ledger}"],
        ["verify", "{ledger}"],
        ["seal", "2025-01", "{ledger}"],
        ["vote", "R-1", "{ledger}"],
        ["close-year", "2025", "{ledger}"],
        ["import", "{csv}", "--ledger", "{ledger}"],
        ["report", "public", "{ledger}"],
    ],
)
def test_every_failure_is_a_message_not_a_traceback(tmp_path: Path, args: list[str]) -> None:
    csv = statement(tmp_path / "bank.csv", "2025-03", range(1, 2))
    (tmp_path / "file.txt").write_text("not a folder\n", encoding="utf-8")
    for ledger in (tmp_path / "missing", tmp_path / "empty-dir", tmp_path / "file.txt" / "x"):
        if ledger.name == "empty-dir":
            ledger.mkdir()
        argv = [a.format(ledger=ledger, csv=csv) for a in args]
        result = run(*argv)
        assert result.exit_code in (1, 2), (argv, result.output)
        assert isinstance(result.exception, SystemExit), (argv, result.exception)
        assert "Error" in result.output and "Traceback" not in result.output, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["seal", "2025-01", "{ledger}", "--today", "2025-02-01"],
        ["import", "{csv}", "--ledger", "{ledger}", "--account", "Assets:Bank:Trust"],
        ["close-year", "2025", "{ledger}"],
    ],
)
def test_a_locked_ledger_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    ledger = tmp_path / "L"
    assert run("init", str(ledger)).exit_code == 0
    csv = statement(tmp_path / "bank.csv", "2025-03", range(1, 2))
    monkeypatch.setattr(writer_mod, "DEFAULT_TIMEOUT", 0.2)
    with LedgerWriter(ledger, timeout=1).locked():  # another writer at work
        result = run(*[a.format(ledger=ledger, csv=csv) for a in args])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "is being written by process" in result.output and "Traceback" not in result.output


def test_concurrent_imports_are_each_committed(tmp_path: Path) -> None:
    folder = new_repo_ledger(tmp_path)
    files = [
        statement(tmp_path / f"bank-2025-{m:02d}.csv", f"2025-{m:02d}", range(1, 4)) for m in (3, 4)
    ]
    imports_at_once(files, folder)
    assert sorted(commits(folder)[:2]) == ["import bank-2025-03.csv", "import bank-2025-04.csv"]
    assert dirty(folder) == ""
    clone = check_clone(folder, tmp_path)
    assert len([e for e in load(clone, cache=False).entries if hasattr(e, "postings")]) == 6


def test_close_year_does_not_seal_over_uncommitted_edits(tmp_path: Path) -> None:
    folder = new_repo_ledger(tmp_path)
    with (folder / "governance.beancount").open("a", encoding="utf-8") as out:
        out.write('2025-06-01 custom "tf-hazard" "roof-leak"\n')  # a hand edit, not committed
    result = run("close-year", "2025", str(folder))
    assert result.exit_code == 0, result.output
    assert "not sealed: edits not committed (governance.beancount)" in result.output
    assert not (folder / "seals.beancount").exists()


SEAL_CRASH = """
import os, signal, sys
sys.path.insert(0, {root!r})
from ledger import writer
def hook(name):
    if name == "git-add":
        os.kill(os.getpid(), signal.SIGKILL)
writer._fault_hook = hook
from cli import main
main(["seal", "2025-03", sys.argv[1], "--today", "2025-04-05", "--include-earlier"])
"""


def test_a_kill_during_the_seals_commit_is_finished_by_the_next_write(tmp_path: Path) -> None:
    folder = new_repo_ledger(tmp_path)
    march = statement(tmp_path / "bank-2025-03.csv", "2025-03", range(1, 4))
    imported = run("import", str(march), "--ledger", str(folder), "--account", "Assets:Bank:Trust")
    assert imported.exit_code == 0, imported.output
    script = tmp_path / "crash.py"
    script.write_text(SEAL_CRASH.format(root=str(ROOT)), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), str(folder)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == -9, proc.stdout + proc.stderr
    assert "seals.beancount" in git(folder, "diff", "--cached", "--name-only")  # staged only
    april = statement(tmp_path / "bank-2025-04.csv", "2025-04", range(1, 4))
    result = run("import", str(april), "--ledger", str(folder), "--account", "Assets:Bank:Trust")
    assert result.exit_code == 0, result.output
    assert commits(folder)[:2] == ["import bank-2025-04.csv", "seal 2025-03"]
    assert dirty(folder) == ""
    clone = check_clone(folder, tmp_path)
    assert "2 seals, chain intact" in run("verify", str(clone)).output
