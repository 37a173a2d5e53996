"""The safe writer: atomic, locked, all-or-nothing, committed (ledger/writer.py)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_runs import imports_at_once

from ledger import writer as writer_mod
from ledger.loader import load
from ledger.writer import JOURNAL_NAME, LedgerLocked, LedgerWriter, recover

ROOT = Path(__file__).resolve().parents[2]

MAIN = 'option "operating_currency" "CNY"\n2025-01-01 open Assets:Bank:Trust CNY\n2025-01-01 open Income:Fees:Property CNY\n'


def txn(i: int) -> str:
    return (
        f'2025-03-01 * "fee {i}"\n  serial: "S{i:06d}"\n'
        f"  Assets:Bank:Trust  {i}.00 CNY\n  Income:Fees:Property  -{i}.00 CNY\n"
    )


def test_write_append_include(tmp_path: Path) -> None:
    (tmp_path / "main.beancount").write_text(MAIN, encoding="utf-8")
    w = LedgerWriter(tmp_path)
    with w.transaction("first") as ws:
        ws.append("imports/bank.beancount", txn(1))
        assert ws.ensure_include("main.beancount", "imports/bank.beancount") is True
        assert (
            ws.ensure_include(tmp_path / "main.beancount", tmp_path / "imports" / "bank.beancount")
            is False
        )
    with w.transaction("second") as ws:
        ws.append("imports/bank.beancount", txn(2))
        assert ws.ensure_include("main.beancount", "imports/bank.beancount") is False
    main = (tmp_path / "main.beancount").read_text(encoding="utf-8")
    assert main.count('include "imports/bank.beancount"') == 1
    ledger = load(tmp_path / "main.beancount", cache=False)
    assert ledger.errors == []
    assert len([e for e in ledger.entries if type(e).__name__ == "Transaction"]) == 2
    assert not (tmp_path / JOURNAL_NAME).exists()
    assert not [p for p in tmp_path.rglob("*") if ".tf-tmp-" in p.name]


def test_exception_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.beancount").write_text("before\n", encoding="utf-8")
    w = LedgerWriter(tmp_path)
    with pytest.raises(RuntimeError), w.transaction("boom") as ws:
        ws.write("a.beancount", "after\n")
        ws.write("b.beancount", "new\n")
        raise RuntimeError("stop")
    assert (tmp_path / "a.beancount").read_text(encoding="utf-8") == "before\n"
    assert not (tmp_path / "b.beancount").exists()


def test_refuses_paths_outside_root(tmp_path: Path) -> None:
    w = LedgerWriter(tmp_path / "ledger")
    with pytest.raises(ValueError, match="outside the ledger folder"), w.transaction("x") as ws:
        ws.write("../escape.beancount", "x")
    assert not (tmp_path / "escape.beancount").exists()


def test_lock_timeout_names_folder_and_pid(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from pathlib import Path
            from ledger.writer import LedgerWriter
            with LedgerWriter(Path({str(tmp_path)!r})).transaction("hold"):
                print("held", flush=True)
                time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(LedgerLocked) as info,
            LedgerWriter(tmp_path, timeout=0.2).transaction("x"),
        ):
            pass
        message = str(info.value)
        assert str(tmp_path.resolve()) in message
        assert str(holder.pid) in message
    finally:
        holder.kill()
        holder.wait()
    # the OS lock dies with its holder: the next writer gets in at once
    with LedgerWriter(tmp_path, timeout=2).transaction("after") as ws:
        ws.write("x.beancount", "ok\n")
    assert (tmp_path / "x.beancount").read_text(encoding="utf-8") == "ok\n"


APPENDER = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from ledger.writer import LedgerWriter
tag, n = sys.argv[1], int(sys.argv[2])
w = LedgerWriter(Path({folder!r}), timeout=60)
for i in range(n):
    with w.transaction(f"{{tag}} {{i}}") as ws:
        ws.append("log.beancount", f"; {{tag}}-{{i}}\\n")
        ws.append("count-" + tag + ".txt", "x")
"""


def test_two_processes_lose_nothing_duplicate_nothing(tmp_path: Path) -> None:
    script = tmp_path / "appender.py"
    script.write_text(
        APPENDER.format(root=str(ROOT), folder=str(tmp_path / "ledger")), encoding="utf-8"
    )
    n = 40
    procs = [subprocess.Popen([sys.executable, str(script), tag, str(n)]) for tag in ("A", "B")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    lines = (tmp_path / "ledger" / "log.beancount").read_text(encoding="utf-8").splitlines()
    expected = {f"; {tag}-{i}" for tag in ("A", "B") for i in range(n)}
    assert len(lines) == 2 * n
    assert set(lines) == expected
    for tag in ("A", "B"):  # each process's own lines stay in its order
        own = [line for line in lines if line.startswith(f"; {tag}-")]
        assert own == [f"; {tag}-{i}" for i in range(n)]


CRASHER = """
import os, random, signal, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from ledger import writer
from ledger.writer import LedgerWriter
kill_at, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
count = [0]
def hook(step):
    count[0] += 1
    if count[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(rng.random() * 0.004)
writer._fault_hook = hook
folder = Path({folder!r})
with LedgerWriter(folder).transaction("multi") as ws:
    ws.append("bank.beancount", {after_bank!r})
    ws.append("fees.beancount", {after_fees!r})
    ws.ensure_include("main.beancount", "bank.beancount")
    ws.ensure_include("main.beancount", "fees.beancount")
"""


def test_sigkill_during_multi_file_write_leaves_before_or_after(tmp_path: Path) -> None:
    rng = random.Random(8)
    before = {"main.beancount": MAIN, "bank.beancount": txn(1), "fees.beancount": ""}
    bank_add, fees_add = txn(2) + txn(3), txn(4)
    after = {
        "main.beancount": MAIN + 'include "bank.beancount"\ninclude "fees.beancount"\n',
        "bank.beancount": txn(1) + bank_add,
        "fees.beancount": fees_add,
    }
    outcomes = {"before": 0, "after": 0}
    # steps: 3 tmp writes, journal-tmp, journal, 3 replaces, done = 9; 0 = external random kill
    runs = 30
    for run in range(runs):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        for name, text in before.items():
            (folder / name).write_text(text, encoding="utf-8")
        script = folder.parent / f"crash{run}.py"
        script.write_text(
            CRASHER.format(
                root=str(ROOT), folder=str(folder), after_bank=bank_add, after_fees=fees_add
            ),
            encoding="utf-8",
        )
        kill_at = run % 10
        proc = subprocess.Popen([sys.executable, str(script), str(kill_at), str(run)])
        if kill_at == 0:  # external SIGKILL at a random moment (possibly after it finished)
            try:
                proc.wait(timeout=rng.uniform(0.05, 0.6))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        # the next writer recovers first
        with LedgerWriter(folder).transaction("next"):
            pass
        state = {name: (folder / name).read_text(encoding="utf-8") for name in before}
        assert state in (before, after), f"run {run} (kill at step {kill_at}) left a mixed state"
        outcomes["before" if state == before else "after"] += 1
        assert not (folder / JOURNAL_NAME).exists()
        assert not [p for p in folder.iterdir() if ".tf-tmp-" in p.name]
        ledger = load(folder / "main.beancount", cache=False)
        assert ledger.errors == []
    assert outcomes["before"] > 0 and outcomes["after"] > 0, outcomes


def test_recover_rolls_forward_after_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process: stop right after the first replace; recovery completes the rest."""
    (tmp_path / "a.txt").write_text("a0", encoding="utf-8")
    (tmp_path / "b.txt").write_text("b0", encoding="utf-8")

    class Crash(BaseException):
        pass

    def hook(step: str) -> None:
        if step == "replace:a.txt":
            raise Crash

    monkeypatch.setattr(writer_mod, "_fault_hook", hook)
    with pytest.raises(Crash), LedgerWriter(tmp_path).transaction("x") as ws:
        ws.write("a.txt", "a1")
        ws.write("b.txt", "b1")
    assert (tmp_path / JOURNAL_NAME).exists()
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "b0"  # mid-way: mixed on disk
    monkeypatch.setattr(writer_mod, "_fault_hook", None)
    actions = recover(tmp_path)
    assert any("rolled forward" in a for a in actions)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "a1"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "b1"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def test_git_commit_of_exactly_the_written_files(tmp_path: Path) -> None:
    env_free = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env_free)
    (tmp_path / "other.txt").write_text("someone else's work\n", encoding="utf-8")
    (tmp_path / "staged.txt").write_text("staged by someone\n", encoding="utf-8")
    _git(tmp_path, "add", "staged.txt")
    with LedgerWriter(tmp_path).transaction("import ICBC 2025-03") as ws:
        ws.write("main.beancount", MAIN)
        ws.append("imports/bank.beancount", txn(1))
    assert ws.git_error is None
    assert ws.committed
    log = _git(tmp_path, "log", "--format=%s|%an <%ae>", "--name-only")
    assert log.splitlines()[0].startswith("import ICBC 2025-03|")
    files = sorted(line for line in log.splitlines()[1:] if line.strip())
    assert files == ["imports/bank.beancount", "main.beancount"]
    status = _git(tmp_path, "status", "--porcelain")
    assert "A  staged.txt" in status  # still staged, not committed
    assert "?? other.txt" in status
    # an unchanged write makes no commit
    with LedgerWriter(tmp_path).transaction("noop") as ws:
        ws.write("main.beancount", MAIN)
    assert ws.written == [] and not ws.committed
    assert len(_git(tmp_path, "log", "--format=%H").split()) == 1


def test_two_concurrent_imports_of_the_same_statement_write_it_once(tmp_path: Path) -> None:
    """The importer reads the ledger under the writer's lock, so de-duplication holds across processes."""
    init = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "init", str(tmp_path / "L")],
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stderr
    main = next((tmp_path / "L").rglob("main.beancount"))
    rows = ["交易日期,交易流水号,借方发生额,贷方发生额,对方户名,摘要"] + [
        f"2025-03-{day:02d},SN{day:03d},,{100 + day}.00,业主{day},物业费" for day in range(1, 21)
    ]
    statements = []
    for name in ("a", "b"):  # two copies of one statement, uploaded twice
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        statements.append(path)
    imports_at_once(statements, main)
    ledger = load(main, cache=False)
    serials = [
        str(e.meta.get("serial")) for e in ledger.entries if type(e).__name__ == "Transaction"
    ]
    assert sorted(serials) == sorted(f"SN{day:03d}" for day in range(1, 21))


def test_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative to the ledger folder; a path that already starts with the folder is not doubled."""
    monkeypatch.chdir(tmp_path)
    with LedgerWriter(Path("L")).transaction("x") as ws:
        ws.write(Path("L") / "main.beancount", "a\n")
        ws.write("accounts.beancount", "b\n")
        ws.append("imports/x.beancount", "c\n")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.beancount")) == [
        "L/accounts.beancount",
        "L/imports/x.beancount",
        "L/main.beancount",
    ]


def test_load_finishes_an_interrupted_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main.beancount").write_text(MAIN, encoding="utf-8")

    class Crash(BaseException):
        pass

    def hook(step: str) -> None:
        if step == "replace:bank.beancount":  # bank.beancount is in place, main's include is not
            raise Crash

    monkeypatch.setattr(writer_mod, "_fault_hook", hook)
    with pytest.raises(Crash), LedgerWriter(tmp_path).transaction("x") as ws:
        ws.append("bank.beancount", txn(1))
        ws.ensure_include("main.beancount", "bank.beancount")
    monkeypatch.setattr(writer_mod, "_fault_hook", None)
    assert (tmp_path / JOURNAL_NAME).exists()
    assert "include" not in (tmp_path / "main.beancount").read_text(encoding="utf-8")
    ledger = load(tmp_path / "main.beancount", cache=False)
    assert not (tmp_path / JOURNAL_NAME).exists()
    assert ledger.errors == []
    assert len([e for e in ledger.entries if type(e).__name__ == "Transaction"]) == 1


# ---------------------------------------------------------------------------------------
# atomic_write / atomic_file: the one single-file atomic write (reports, rejected rows, …)


def test_atomic_write_replaces_keeps_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    writer_mod.atomic_write(target, "old\n")
    os.chmod(target, 0o640)
    writer_mod.atomic_write(target, "新\n", encoding="utf-8-sig")
    assert target.read_bytes() == "新\n".encode("utf-8-sig")
    assert (target.stat().st_mode & 0o777) == 0o640  # the old file's mode
    writer_mod.atomic_write(tmp_path / "codes.csv", b"x", mode=0o600)
    assert ((tmp_path / "codes.csv").stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.csv", "report.csv"]


def test_atomic_file_error_keeps_the_old_content(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"before")
    with pytest.raises(RuntimeError), writer_mod.atomic_file(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("the renderer failed")
    assert target.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_atomic_write_exclusive_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "codes.csv"
    writer_mod.atomic_write(target, "unit,code\n", exclusive=True)
    with pytest.raises(FileExistsError):
        writer_mod.atomic_write(target, "other\n", exclusive=True)
    assert target.read_text(encoding="utf-8") == "unit,code\n"
    assert [p.name for p in tmp_path.iterdir()] == ["codes.csv"]


def test_atomic_file_killed_midway_leaves_the_old_file_and_recovery_sweeps(tmp_path: Path) -> None:
    """SIGKILL while the new content is half written: the old file stays whole; in a ledger
    folder the writer's recovery removes the temporary file (it is named like the writer's)."""
    (tmp_path / "main.beancount").write_text(MAIN, encoding="utf-8")
    target = tmp_path / "reports" / "public.txt"
    target.parent.mkdir()
    target.write_text("old report\n", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from ledger.writer import atomic_file
        with atomic_file({str(target)!r}) as handle:
            handle.write(b"new " * 1000)
            handle.flush()
            print("writing", flush=True)
            time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert target.read_text(encoding="utf-8") == "old report\n"
    (stray,) = [p for p in target.parent.iterdir() if p != target]
    assert ".tf-tmp-" in stray.name
    actions = recover(tmp_path)
    assert any("removed unfinished temporary file" in a for a in actions)
    assert [p.name for p in target.parent.iterdir()] == ["public.txt"]


def test_atomic_files_renames_in_order_and_a_failure_leaves_the_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    old = {site / "m" / "2025-03.html": b"old page", site / "index.html": b"old index"}
    writer_mod.atomic_files(old.items())
    assert {p: p.read_bytes() for p in old} == old
    renamed: list[str] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        renamed.append(Path(dst).name)
        if len(renamed) == 2:
            raise OSError("disk gone")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        writer_mod.atomic_files(
            [(site / "m" / "2025-03.html", b"new"), (site / "index.html", b"new")]
        )
    monkeypatch.setattr(os, "replace", real_replace)
    assert renamed == ["2025-03.html", "index.html"]  # in the order given: the index last
    assert (site / "index.html").read_bytes() == b"old index"
    assert not [p for p in site.rglob("*") if ".tf-tmp-" in p.name]
    (site / "m" / ".2025-03.html.tf-tmp-0123456789ab").write_bytes(b"half")
    assert len(writer_mod.sweep_temporaries(site)) == 1
