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
* **Committed, into the ledger's own repository only.** When the ledger folder is the top of
  its own git work tree (``git rev-parse --show-toplevel`` is the folder itself), the written
  files (exactly those, with ``git commit --only``; other staged or unstaged changes are left
  alone) are committed with the transaction's message. A folder inside an enclosing repository
  (a ledger kept in a subfolder of some other project, the demo inside a clone of trustfund)
  is never committed into it: :attr:`WriteSet.git_note` says so. The author comes from git
  config, else ``trustfund <trustfund@localhost>``. A failing commit does not undo the write;
  it is reported in :attr:`WriteSet.git_error`.
* **The commit survives a crash (commit journal).** Before the first file is replaced, the
  writer makes ``<root>/.trustfund-commit.json`` durable: the message, each path and the
  SHA-256 its content will have. It is removed once ``git commit`` has succeeded. A writer
  killed between the write and the end of the commit (files written, or staged but not
  committed) leaves it behind; the next writer (and every load that finds the redo journal)
  first finishes that commit: it commits the journal's paths whose content is still what the
  interrupted write made, under the interrupted message, and drops the journal when none is
  (the write never happened, or was redone by hand). So no later commit can carry an
  ``include`` of a file that is not in the repository. A commit that still fails (``git``
  missing, ``index.lock`` held) keeps the journal, and the next transaction's commit takes its
  paths along.
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ledger.failures import LedgerLocked

__all__ = [
    "COMMIT_JOURNAL_NAME",
    "JOURNAL_NAME",
    "LOCK_NAME",
    "LedgerLocked",
    "LedgerWriter",
    "WriteSet",
    "atomic_file",
    "atomic_files",
    "atomic_write",
    "fsync_dir",
    "git_toplevel",
    "init_repository",
    "recover",
    "recover_pending",
    "sweep_temporaries",
    "uncommitted_changes",
]

LOCK_NAME = ".trustfund.lock"
PID_NAME = ".trustfund.lock.pid"
JOURNAL_NAME = ".trustfund-journal.json"
COMMIT_JOURNAL_NAME = ".trustfund-commit.json"
TMP_MARK = ".tf-tmp-"
DEFAULT_AUTHOR = ("trustfund", "trustfund@localhost")
#: Seconds a writer waits for another one to finish before it gives up (:class:`LedgerLocked`).
DEFAULT_TIMEOUT = 10.0

#: Test hook: called with a step name at each point of the commit protocol (crash tests).
_fault_hook: Callable[[str], None] | None = None

_TMP_RE = re.compile(r"^\..+" + re.escape(TMP_MARK) + r"[0-9a-f]{12}$")  # only ours (see _tmp_name)
_SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv"})
_INCLUDE_RE = re.compile(r'^\s*include\s+"((?:[^"\\]|\\.)*)"', re.MULTILINE)
#: Environment variables that would point git at another repository than the ledger's own
#: (set, for instance, when trustfund runs from a git hook of an enclosing project).
_GIT_LOCATION_VARS = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
    }
)


def _step(name: str) -> None:
    if _fault_hook is not None:
        _fault_hook(name)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a folder's entries (renames, removals) durable; silent where it cannot be opened."""
    with contextlib.suppress(OSError):
        _fsync_dir(directory)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str | None:
    try:
        return _sha256(path.read_bytes())
    except OSError:
        return None


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


def _write_journal(path: Path, record: dict[str, object]) -> None:
    """Make ``record`` the durable content of ``path``."""
    atomic_write(path, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"), mode=0o644)


def _read_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()  # once, at import: os.umask() is process-wide, not thread-safe


def _default_mode() -> int:
    return 0o666 & ~_UMASK


def _tmp_name(target: Path, txid: str) -> Path:
    return target.with_name(f".{target.name}{TMP_MARK}{txid}")


# ---------------------------------------------------------------------------------------
# one file, atomically


@contextlib.contextmanager
def atomic_file(
    path: str | os.PathLike[str],
    *,
    mode: int | None = None,
    durable: bool = True,
    exclusive: bool = False,
) -> Iterator[IO[bytes]]:
    """Write one file all or nothing: yields a binary file to write into.

    The data go to a temporary file beside ``path`` (the same folder, so the rename cannot
    cross file systems; named like the :class:`LedgerWriter`'s, so its recovery removes a stray
    one in a ledger folder); on a normal exit it is ``fsync``-ed, renamed over ``path`` and the
    folder ``fsync``-ed. On an exception (or a kill) ``path`` keeps its old content and the
    temporary file is removed (a kill leaves it to the next recovery). ``mode`` defaults to the
    old file's, else the umask's; ``durable=False`` skips the two ``fsync`` calls (a cache,
    whose reader checks what it reads); ``exclusive`` refuses to replace an existing file
    (``FileExistsError``, nothing written). The one way trustfund writes a single file that is
    not a ledger file; files of a ledger that other writers may touch go through
    :class:`LedgerWriter`.
    """
    target = Path(path)
    if mode is None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = _default_mode()
    tmp = _tmp_name(target, uuid.uuid4().hex[:12])
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            if durable:
                os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, target)  # FileExistsError when it is there: nothing replaced
            tmp.unlink()
        else:
            os.replace(tmp, target)
        if durable:
            _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_files(items: Iterable[tuple[Path, bytes]], mode: int = 0o644) -> list[Path]:
    """Several whole files at once, each all or nothing (a static site's pages).

    Each is written to a temporary file beside its target; then all are made durable together
    (one ``syncfs`` of their file system where the C library has it, else ``sync``), renamed
    over their targets in the order given, and their folders ``fsync``-ed. A reader sees each
    file old or new, never part of one; a failure or a kill before the renames leaves every old
    file (:func:`sweep_temporaries` removes what a kill left). Returns the targets.
    """
    txid = uuid.uuid4().hex[:12]
    pairs: list[tuple[Path, Path]] = []
    try:
        for target, data in items:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = _tmp_name(target, txid)
            pairs.append((tmp, target))
            with open(tmp, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, mode)
        if pairs:
            _syncfs(pairs[0][1].parent)
        for tmp, target in pairs:
            os.replace(tmp, target)
        for directory in {target.parent for _, target in pairs}:
            fsync_dir(directory)
    except BaseException:
        for tmp, _ in pairs:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    return [target for _, target in pairs]


def _syncfs(folder: Path) -> None:
    """Flush every written file of ``folder``'s file system (one ``syncfs``; else ``sync``)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        os.sync()
        return
    try:
        if _libc_syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _libc_syncfs(fd: int) -> int:
    """``syncfs(2)`` where the C library has it (Linux), else -1."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.syncfs(fd))
    except (OSError, AttributeError):
        return -1


def sweep_temporaries(root: Path) -> list[str]:
    """Remove the temporary files an interrupted write left under ``root`` (only ours)."""
    actions: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if name not in _SKIP_DIRS]
        for name in filenames:
            if _TMP_RE.match(name):
                stray = Path(dirpath) / name
                with contextlib.suppress(OSError):
                    stray.unlink()
                    actions.append(f"removed unfinished temporary file {stray}")
    return actions


def atomic_write(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    mode: int | None = None,
    durable: bool = True,
    exclusive: bool = False,
    encoding: str = "utf-8",
) -> Path:
    """Replace ``path``'s content with ``data`` all or nothing (:func:`atomic_file`)."""
    with atomic_file(path, mode=mode, durable=durable, exclusive=exclusive) as handle:
        handle.write(data.encode(encoding) if isinstance(data, str) else data)
    return Path(path)


# ---------------------------------------------------------------------------------------
# git


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARS}
    env["GIT_LITERAL_PATHSPECS"] = "1"  # a file named "a[1].beancount" is that file, not a glob
    return env


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git in ``cwd``, retrying while another git process holds ``index.lock``."""
    result = subprocess.CompletedProcess(["git", *args], 127, "", "git was not run")
    for attempt in range(20):
        try:
            result = subprocess.run(
                ["git", *args],
                cwd=cwd,
                capture_output=True,
                text=True,
                check=False,
                env=_git_env(),
            )
        except OSError as exc:  # git not installed
            return subprocess.CompletedProcess(["git", *args], 127, "", str(exc))
        if result.returncode == 0 or "index.lock" not in result.stderr or attempt == 19:
            return result
        time.sleep(0.1 * (attempt + 1))
    return result


def git_toplevel(folder: Path) -> Path | None:
    """The top folder of the git work tree holding ``folder``; None when there is none."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0 or not top.stdout.strip():
        return None
    return Path(top.stdout.strip()).resolve()


def _own_repository(root: Path) -> tuple[bool, str | None]:
    """(True, None) when ``root`` is the top of its own git work tree; else (False, why not).

    The reason is None when ``root`` is in no repository at all (nothing to say), and a note
    when it sits inside an enclosing repository, which trustfund never commits into.
    """
    top = git_toplevel(root)
    if top is None:
        return False, None
    if top == root.resolve():
        return True, None
    return False, (
        f"not committed: {root} is inside the git repository {top} but is not the top of its "
        f"own repository; trustfund commits a ledger only into its own (run `git init {root}`)"
    )


def _identity(toplevel: Path) -> list[str]:
    identity: list[str] = []
    for key, default in zip(("user.name", "user.email"), DEFAULT_AUTHOR, strict=True):
        if _git(toplevel, "config", key).returncode != 0:
            identity += ["-c", f"{key}={default}"]
    return identity


def _commit_paths(
    root: Path, paths: list[str], message: str, force_add: bool = False
) -> str | None:
    """``git add`` then ``git commit --only`` exactly ``paths`` (relative to ``root``).

    Returns None on success (or when there is nothing to commit), else git's complaint.
    """
    if not paths:
        return None
    identity = _identity(root)
    add = ["add", *(["-f"] if force_add else []), "--", *paths]
    result = _git(root, *identity, *add)
    if result.returncode != 0:
        return f"git add failed: {(result.stderr or result.stdout).strip()}"
    _step("git-add")
    pending = _git(root, "diff", "--cached", "--name-only", "-z", "HEAD", "--", *paths)
    if pending.returncode == 0 and not pending.stdout.strip("\0"):
        return None  # already committed (a commit that finished before a crash), or no change
    result = _git(root, *identity, "commit", "--quiet", "--only", "-m", message, "--", *paths)
    if result.returncode != 0:
        return f"git commit failed: {(result.stderr or result.stdout).strip()}"
    _step("git-commit")
    return None


def _finish_commit(root: Path) -> tuple[list[str], dict[str, object] | None]:
    """Finish (or drop) the commit an interrupted writer left in the commit journal.

    Returns the actions taken, and the journal record when the commit could not be finished
    (so that the next commit takes its paths along).
    """
    journal = root / COMMIT_JOURNAL_NAME
    if not journal.exists():
        return [], None
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
        message = str(record["message"])
        files = [(str(item["path"]), item.get("after")) for item in record["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink()  # written atomically: a damaged one was never complete
        return [f"discarded unreadable commit journal {journal}"], None
    # The paths the interrupted write made carry the hash of their new content: commit the
    # ones that still have it. None if the write did not happen (nothing to commit then).
    written = [path for path, after in files if after is not None]
    done = [path for path in written if _file_sha256(root / path) == dict(files)[path]]
    if written and not done:
        journal.unlink()
        return [f"dropped the unfinished commit {message!r}: its write did not happen"], None
    done += [path for path, after in files if after is None]  # hand edits committed with it
    own, _ = _own_repository(root)
    if not own:
        journal.unlink()
        return [], None
    error = _commit_paths(root, done, message)
    if error is not None:
        return [f"warning: could not finish the interrupted commit {message!r}: {error}"], record
    journal.unlink()
    _fsync_dir(root)
    return [f"finished the interrupted commit {message!r} ({len(done)} files)"], None


def uncommitted_changes(
    root: Path, inputs: Iterable[Path] = (), all_tracked: bool = False
) -> list[tuple[str, str]]:
    """The ledger files of ``root``'s own git repository that differ from its last commit.

    Returns ``(path relative to root, state)`` pairs, state being "modified", "added",
    "deleted", "renamed", "untracked" or "ignored". Tracked changes count for the files in
    ``inputs`` (the files the ledger loads: ``Ledger.files``) and everything under ``seals/``,
    or for every tracked file with ``all_tracked``; an untracked or git-ignored file counts when
    it is one of ``inputs`` (a clone would lack it). Empty when ``root`` is not the top of its
    own repository (nothing is committed there).
    """
    root = Path(root).resolve()
    own, _ = _own_repository(root)
    if not own:
        return []
    wanted: dict[str, None] = {}
    for given in inputs:
        with contextlib.suppress(ValueError):
            wanted[Path(given).resolve().relative_to(root).as_posix()] = None
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=no")
    if status.returncode != 0:
        return []
    names = {"M": "modified", "A": "added", "D": "deleted", "R": "renamed", "C": "copied"}
    changes: dict[str, str] = {}
    fields = status.stdout.split("\0")
    index = 0
    while index < len(fields):
        item = fields[index]
        index += 1
        if len(item) < 4:
            continue
        code, name = item[:2], item[3:]
        if code[0] in "RC":
            index += 1  # the original path of a rename follows
        if all_tracked or name in wanted or name.startswith("seals/"):
            letter = code[0] if code[0] != " " else code[1]
            changes[name] = names.get(letter, "changed")
    if wanted:
        listed = _git(root, "ls-files", "-z", "--", *wanted)
        tracked = set(listed.stdout.split("\0")) if listed.returncode == 0 else set(wanted)
        missing = [name for name in wanted if name not in tracked]
        if missing:
            ignored = _git(root, "check-ignore", "--no-index", "-z", "--", *missing)
            ignored_names = set(ignored.stdout.split("\0"))
            for name in missing:
                changes[name] = "ignored" if name in ignored_names else "untracked"
    return sorted(changes.items())


def init_repository(root: Path, message: str) -> str | None:
    """Make ``root`` its own git repository and commit everything in it (the demo does this).

    Returns None on success, else why not (git missing, …). An existing repository whose top is
    ``root`` is reused; one that merely encloses ``root`` is not touched.
    """
    root = Path(root).resolve()
    own, _ = _own_repository(root)
    if not own:
        result = _git(root, "init", "--quiet")
        if result.returncode != 0:
            return f"git init failed: {(result.stderr or result.stdout).strip()}"
    identity = _identity(root)
    result = _git(root, *identity, "add", "--all")
    if result.returncode != 0:
        return f"git add failed: {(result.stderr or result.stdout).strip()}"
    result = _git(root, *identity, "commit", "--quiet", "--allow-empty", "-m", message)
    if result.returncode != 0:
        return f"git commit failed: {(result.stderr or result.stdout).strip()}"
    return None


# ---------------------------------------------------------------------------------------
# recovery


def recover(root: Path) -> list[str]:
    """Finish or discard an interrupted transaction in ``root``; return what was done.

    Call it only while holding the lock (``transaction()`` does), or when no writer can run.
    Files first (redo journal), then the git commit (commit journal).
    """
    root = Path(root).resolve()
    actions = _recover_files(root)
    more, _ = _finish_commit(root)
    return actions + more


def _recover_files(root: Path) -> list[str]:
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
    return actions + sweep_temporaries(root)


def recover_pending(root: Path, timeout: float = 5.0) -> list[str]:
    """Finish an interrupted transaction of ``root`` if there is one (cheap when there is none).

    ``ledger.loader.load`` calls it so that ``check`` and reports never read a half-written
    state after a crash. A writer still at work (lock held past ``timeout``) is left alone.
    """
    root = Path(root)
    if not (root / JOURNAL_NAME).exists():
        return []  # (an unfinished *commit* alone is left to the next writer: loads do not commit)
    try:
        with LedgerWriter(root, timeout=timeout).locked() as actions:
            return actions
    except (LedgerLocked, OSError):
        return []


# ---------------------------------------------------------------------------------------
# transactions


@dataclass
class WriteSet:
    """The files one transaction will write (whole new contents, staged in memory)."""

    root: Path
    message: str
    _staged: dict[Path, str] = field(default_factory=dict)
    _also: dict[Path, None] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    committed: bool = False
    git_error: str | None = None
    #: why the write was not committed although git is there (the folder is inside an
    #: enclosing repository): a note for the user, not a failure
    git_note: str | None = None
    recovered: list[str] = field(default_factory=list)
    _own_repo: bool = False
    _txid: str = ""
    _carried: list[str] = field(default_factory=list)
    _carried_message: str | None = None

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

    def commit_also(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Commit these files (as they are on disk) together with this transaction's writes.

        For edits made by hand that must go into the same commit (``seal --commit-edits``).
        """
        for path in paths:
            self._also[self._resolve(path)] = None

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

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _apply(self) -> None:
        changes = self._changes()
        if not changes and not self._also:
            return
        self._txid = txid = uuid.uuid4().hex[:12]
        self._own_repo, self.git_note = _own_repository(self.root)
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
        if self._own_repo:
            self._write_commit_journal(plan)
        if not plan:
            return
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

    def _write_commit_journal(self, plan: list[tuple[Path, Path, str]]) -> None:
        """Record the commit to come; take along the paths of one that could not be finished."""
        journal = self.root / COMMIT_JOURNAL_NAME
        files: list[dict[str, str | None]] = [
            {"path": self._rel(target), "after": after} for target, _, after in plan
        ]
        files += [{"path": self._rel(path), "after": None} for path in self._also]
        if journal.exists():  # recovery could not finish it: this commit carries it
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                old = json.loads(journal.read_text(encoding="utf-8"))
                self._carried_message = str(old["message"])
                known = {item["path"] for item in files}
                for item in old["files"]:
                    if item["path"] not in known:
                        files.append({"path": str(item["path"]), "after": item.get("after")})
                        self._carried.append(str(item["path"]))
        record = {
            "txid": self._txid,
            "pid": os.getpid(),
            "message": self._message(),
            "files": files,
        }
        _write_journal(journal, record)
        _step("commit-journal")

    def _message(self) -> str:
        if self._carried_message is None:
            return self.message
        return f"{self.message}\n\nAlso commits the interrupted write: {self._carried_message}"

    def _git_commit(self) -> None:
        if not self._own_repo or not (self.written or self._also or self._carried):
            return
        paths = list(
            dict.fromkeys(
                [self._rel(p) for p in self.written]
                + [self._rel(p) for p in self._also]
                + self._carried
            )
        )
        self.git_error = _commit_paths(
            self.root, paths, self._message(), force_add=bool(self._also)
        )
        if self.git_error is not None:
            return  # the commit journal stays: the next writer finishes the commit
        (self.root / COMMIT_JOURNAL_NAME).unlink(missing_ok=True)
        _fsync_dir(self.root)
        _step("commit-done")
        self.committed = True


class LedgerWriter:
    """Locked, atomic, crash-safe writes into one ledger folder (see the module docstring)."""

    def __init__(self, root: Path, timeout: float | None = None) -> None:
        self.root = Path(root).resolve()
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout

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
        from filelock import FileLock, Timeout  # not imported by loads that find no journal

        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=self.timeout, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise LedgerLocked(self.root, self.timeout, self.holder_pid(), self.lock_path) from None
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
