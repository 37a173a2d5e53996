"""The one safe way to change ledger files: locked, atomic, crash-safe, committed.

Every command that writes into a community's ledger folder (``import``, ``seal``, …) goes
through :class:`LedgerWriter`::

    writer = LedgerWriter(Path("ledger"))
    with writer.transaction("import ICBC 2025-03") as ws:
        ws.append("imports/bank.beancount", text)
        ws.ensure_include("main.beancount", "imports/bank.beancount")

Guarantees
==========

* **Exclusive.** ``transaction()`` takes an exclusive lock (``filelock``, file
  ``<root>/.trustfund.lock``) *before* it reads anything, so two processes appending at once
  serialise: nothing is lost and nothing is written twice. The holder writes its pid to
  ``<root>/.trustfund.lock.pid``; a writer that waits longer than ``timeout`` seconds raises
  :class:`LedgerLocked`, naming the folder and that pid. The lock is an OS lock (``flock``), so
  a killed holder releases it at once.
* **Nothing on error.** Changes are staged in memory; an exception inside the ``with`` block
  writes nothing.
* **Atomic per file.** Each file is written to a temporary file in its own directory,
  ``fsync``-ed, and moved over the old one with ``os.replace``; the directory is ``fsync``-ed.
* **All files or none (redo journal).** Before the first ``os.replace`` the writer makes the
  journal ``<root>/.trustfund-journal.json`` durable: it lists every target and its (already
  durable) temporary file. A crash before the journal exists leaves the *before* state (stray
  temporary files are removed on recovery); a crash after it leaves a journal that the next
  writer rolls *forward* (replaces the remaining targets with their temporary files) before it
  does anything else, giving the *after* state. :func:`recover` runs the same recovery and is
  called by every ``transaction()``; :func:`recover_pending` (called by
  ``ledger.loader.load``) runs it too when a journal is left over.
* **Committed.** When the folder is in a git work tree, the written files (exactly those, with
  ``git commit --only``; other staged or unstaged changes are left alone) are committed with the
  transaction's message. The author comes from git config, else
  ``trustfund <trustfund@localhost>``. A failing commit does not undo the write; it is reported
  in :attr:`WriteSet.git_error`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
from filelock import FileLock, Timeout

LOCK_NAME = ".trustfund.lock"
PID_NAME = ".trustfund.lock.pid"
JOURNAL_NAME = ".trustfund-journal.json"
TMP_MARK = ".tf-tmp-"
DEFAULT_AUTHOR = ("trustfund", "trustfund@localhost")

#: Test hook: called with a step name at each point of the commit protocol (crash tests).
_fault_hook: Callable[[str], None] | None = None

_TMP_RE = re.compile(r"^\..+" + re.escape(TMP_MARK) + r"[0-9a-f]{12}$")  # only ours (see _tmp_name)
_SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv"})
_INCLUDE_RE = re.compile(r'^\s*include\s+"((?:[^"\\]|\\.)*)"', re.MULTILINE)


class LedgerLocked(click.ClickException):
    """Another writer held the ledger folder's lock for longer than the timeout."""

    def __init__(self, root: Path, timeout: float, pid: str | None) -> None:
        holder = f"process {pid}" if pid else "another process"
        super().__init__(
            f"ledger folder {root} is being written by {holder} (lock {root / LOCK_NAME}); "
            f"waited {timeout:g} s. Try again when it has finished."
        )
        self.root = root
        self.pid = pid


def _step(name: str) -> None:
    if _fault_hook is not None:
        _fault_hook(name)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_durable(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` (a fresh temporary name) and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()  # once, at import: os.umask() is process-wide, not thread-safe


def _default_mode() -> int:
    return 0o666 & ~_UMASK


def _tmp_name(target: Path, txid: str) -> Path:
    return target.with_name(f".{target.name}{TMP_MARK}{txid}")


def recover(root: Path) -> list[str]:
    """Finish or discard an interrupted transaction in ``root``; return what was done.

    Call it only while holding the lock (``transaction()`` does), or when no writer can run.
    """
    root = Path(root).resolve()
    actions: list[str] = []
    journal = root / JOURNAL_NAME
    if journal.exists():
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
            files = [
                (Path(item["target"]), Path(item["tmp"]), item["after"]) for item in record["files"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            # The journal is written atomically, so a damaged one was never complete: the
            # replaces had not started. Discard it (before state).
            files = []
            actions.append(f"discarded unreadable journal {journal}")
        for target, tmp, after in files:
            if tmp.exists():
                os.replace(tmp, target)
                _fsync_dir(target.parent)
                actions.append(f"rolled forward {target}")
            elif not target.exists() or _sha256(target.read_bytes()) != after:
                actions.append(
                    f"warning: {target} is neither rolled forward nor has its new content"
                )
        journal.unlink()
        _fsync_dir(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if name not in _SKIP_DIRS]
        for name in filenames:
            if _TMP_RE.match(name):
                stray = Path(dirpath) / name
                with contextlib.suppress(OSError):
                    stray.unlink()
                    actions.append(f"removed unfinished temporary file {stray}")
    return actions


def recover_pending(root: Path, timeout: float = 5.0) -> list[str]:
    """Finish an interrupted transaction of ``root`` if there is one (cheap when there is none).

    ``ledger.loader.load`` calls it so that ``check`` and reports never read a half-written
    state after a crash. A writer still at work (lock held past ``timeout``) is left alone.
    """
    root = Path(root)
    if not (root / JOURNAL_NAME).exists():
        return []
    try:
        with LedgerWriter(root, timeout=timeout).locked() as actions:
            return actions
    except (LedgerLocked, OSError):
        return []


@dataclass
class WriteSet:
    """The files one transaction will write (whole new contents, staged in memory)."""

    root: Path
    message: str
    _staged: dict[Path, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    committed: bool = False
    git_error: str | None = None
    recovered: list[str] = field(default_factory=list)

    def _resolve(self, path: str | os.PathLike[str]) -> Path:
        """Absolute paths as they are; relative ones are relative to the ledger folder.

        A relative path that starts with the folder's own path relative to the working
        directory (``LedgerWriter(Path("L"))`` then ``ws.write(Path("L") / "main.beancount")``)
        is taken relative to the working directory, so it does not land in ``L/L/``.
        """
        candidate = Path(path)
        if not candidate.is_absolute():
            here = Path(os.path.relpath(self.root, Path.cwd()))
            if (
                here.parts
                and here.parts[0] != ".."
                and str(here) != "."
                and candidate.parts[: len(here.parts)] == here.parts
            ):
                candidate = Path.cwd() / candidate
            else:
                candidate = self.root / candidate
        resolved = Path(os.path.normpath(candidate.absolute()))
        if resolved != self.root and self.root not in resolved.parents:
            raise ValueError(f"{path} is outside the ledger folder {self.root}")
        return resolved

    def read(self, path: str | os.PathLike[str]) -> str:
        """The content ``path`` will have after this transaction (so far)."""
        target = self._resolve(path)
        if target in self._staged:
            return self._staged[target]
        try:
            return target.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def write(self, path: str | os.PathLike[str], text: str) -> None:
        """Replace the whole content of ``path`` (created if missing)."""
        self._staged[self._resolve(path)] = text

    def append(self, path: str | os.PathLike[str], text: str) -> None:
        """Add ``text`` at the end of ``path``, on a line of its own."""
        current = self.read(path)
        if current and not current.endswith("\n"):
            current += "\n"
        self._staged[self._resolve(path)] = current + text

    def ensure_include(
        self, main_path: str | os.PathLike[str], included_path: str | os.PathLike[str]
    ) -> bool:
        """Add ``include "…"`` for ``included_path`` to ``main_path`` unless it is there.

        Returns True when the line was added. The include is written relative to the main
        file's folder.
        """
        main = self._resolve(main_path)
        included = self._resolve(included_path)
        text = self.read(main)
        for match in _INCLUDE_RE.finditer(text):
            existing = Path(match.group(1).replace('\\"', '"'))
            if not existing.is_absolute():
                existing = main.parent / existing
            if Path(os.path.normpath(existing)) == included:
                return False
        relative = os.path.relpath(included, main.parent).replace(os.sep, "/")
        self.append(main, f'include "{relative}"\n')
        return True

    # -- the commit protocol ---------------------------------------------------------------

    def _changes(self) -> list[tuple[Path, bytes]]:
        changes = []
        for target, text in self._staged.items():
            data = text.encode("utf-8")
            try:
                if target.read_bytes() == data:
                    continue
            except FileNotFoundError:
                pass
            changes.append((target, data))
        return changes

    def _apply(self) -> None:
        changes = self._changes()
        if not changes:
            return
        txid = uuid.uuid4().hex[:12]
        default_mode = _default_mode()
        plan = []
        for target, data in changes:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                mode = stat.S_IMODE(target.stat().st_mode)
            except FileNotFoundError:
                mode = default_mode
            tmp = _tmp_name(target, txid)
            _write_durable(tmp, data, mode)
            _step(f"tmp:{target.name}")
            plan.append((target, tmp, _sha256(data)))
        for directory in {target.parent for target, _, _ in plan}:
            _fsync_dir(directory)
        journal = self.root / JOURNAL_NAME
        record = {
            "txid": txid,
            "message": self.message,
            "files": [{"target": str(t), "tmp": str(tmp), "after": h} for t, tmp, h in plan],
        }
        journal_tmp = _tmp_name(journal, txid)
        _write_durable(
            journal_tmp, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"), 0o644
        )
        _step("journal-tmp")
        os.replace(journal_tmp, journal)
        _fsync_dir(self.root)
        _step("journal")
        for target, tmp, _ in plan:
            os.replace(tmp, target)
            _fsync_dir(target.parent)
            _step(f"replace:{target.name}")
        journal.unlink()
        _fsync_dir(self.root)
        _step("done")
        self.written = [target for target, _, _ in plan]

    def _git_commit(self) -> None:
        if not self.written:
            return
        top = _git(self.root, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            return  # not a git work tree
        toplevel = Path(top.stdout.strip()).resolve()
        paths = [str(path.resolve().relative_to(toplevel)) for path in self.written]
        identity: list[str] = []
        for key, default in zip(("user.name", "user.email"), DEFAULT_AUTHOR, strict=True):
            if _git(toplevel, "config", key).returncode != 0:
                identity += ["-c", f"{key}={default}"]
        steps = (
            ["add", "--", *paths],
            ["commit", "--quiet", "--only", "-m", self.message, "--", *paths],
        )
        for args in steps:
            result = _git(toplevel, *identity, *args)
            if result.returncode != 0:
                self.git_error = f"git {args[0]} failed: {(result.stderr or result.stdout).strip()}"
                return
        self.committed = True


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git, retrying while another git process holds ``index.lock``."""
    for attempt in range(20):
        try:
            result = subprocess.run(
                ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
            )
        except OSError as exc:  # git not installed
            return subprocess.CompletedProcess(["git", *args], 127, "", str(exc))
        if result.returncode == 0 or "index.lock" not in result.stderr or attempt == 19:
            return result
        time.sleep(0.1 * (attempt + 1))
    return result


class LedgerWriter:
    """Locked, atomic, crash-safe writes into one ledger folder (see the module docstring)."""

    def __init__(self, root: Path, timeout: float = 10.0) -> None:
        self.root = Path(root).resolve()
        self.timeout = timeout

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_NAME

    def holder_pid(self) -> str | None:
        try:
            return (self.root / PID_NAME).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    @contextlib.contextmanager
    def locked(self) -> Iterator[list[str]]:
        """Hold the folder's lock (running recovery first); yields recovery actions."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=self.timeout, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise LedgerLocked(self.root, self.timeout, self.holder_pid()) from None
        try:
            with contextlib.suppress(OSError):
                (self.root / PID_NAME).write_text(f"{os.getpid()}\n", encoding="utf-8")
            yield recover(self.root)
        finally:
            with contextlib.suppress(OSError):
                (self.root / PID_NAME).unlink()
            lock.release()

    @contextlib.contextmanager
    def transaction(self, message: str) -> Iterator[WriteSet]:
        """Stage writes in the ``with`` block; apply them all on normal exit, none on error."""
        with self.locked() as recovered:
            ws = WriteSet(self.root, message, recovered=recovered)
            yield ws
            ws._apply()
            ws._git_commit()
