"""The one entry point that loads a community ledger.

:func:`load` runs Beancount v3's loader (which runs the ``plugin`` lines, so the trust rules
report their errors alongside Beancount's) and builds the typed :class:`Community` view once.

The load cache
==============

Beancount's own pickle cache (``.<file>.picklecache``) is keyed on the *names* of the included
files as they were when it was written, plus their mtimes. A ledger folder copied with
``cp -r`` carries that cache, and the copy's cache still names the original's files, whose
mtimes did not move: the copy then reads the original's entries, so ``check`` says "no errors"
after a bad edit of the copy, and commands that write (``close-year``) aim at the original's
files. It also ignores the plugin code, so a new version of a rule serves stale results.

trustfund therefore turns Beancount's cache off and keeps its own,
``.<file>.trustfund.picklecache`` beside the main file, valid only for exactly the load that made
it. Its header records:

* the resolved path of the top file: a copy or a moved folder never uses another folder's
  cache (it makes its own);
* every file the load read (Beancount's ``include`` list), by resolved path, size and SHA-256
  of its content (not its mtime: ``cp -p``, ``git checkout`` and coarse clocks keep mtimes);
* every ``include`` pattern of those files with what it matches now, so a new file matching a
  glob, or a file created where an include pointed at nothing, is seen;
* the listing of the ``option "documents"`` folders (Beancount makes entries from them);
* the code fingerprint: Python and Beancount versions and the trustfund code (path, size,
  mtime of each module of ``ledger`` and ``trustfund``).

Any difference and the ledger is loaded afresh. A load that took less than
``TRUSTFUND_LOAD_CACHE_THRESHOLD`` seconds (default 1) writes no cache; a file that changed
while it was being loaded is never cached. The cache is written atomically (temporary file,
rename); a damaged or foreign cache is ignored. ``BEANCOUNT_DISABLE_LOAD_CACHE=1`` (or
``cache=False``) turns it off, as in Beancount. It is a pickle: like Beancount's, it must not be
writable by anyone you would not let run code as you.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import hashlib
import json
import os
import pickle
import re
import struct
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from beancount import loader
from beancount.core import data

from ledger.community import Community, build_community
from ledger.errors import location
from ledger.failures import LedgerNotFound

_PACKAGES = ("trustfund", "ledger")
CACHE_SUFFIX = ".trustfund.picklecache"
CACHE_MAGIC = b"trustfund-load-cache v1\n"
DEFAULT_CACHE_THRESHOLD = 1.0
_INCLUDE_RE = re.compile(rb'^[ \t]*include[ \t]+"((?:[^"\\\n]|\\.)*)"', re.MULTILINE)
_GLOB_CHARS = frozenset("*?[")
_MTIME_MARGIN_NS = 10_000_000

Triple = tuple[list[data.Directive], list[Any], dict[str, Any]]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A short hash of the rule code (paths, sizes, mtimes), Python's and Beancount's versions."""
    import beancount

    version = f"{sys.version}|{getattr(beancount, '__version__', '?')}|{pickle.HIGHEST_PROTOCOL}"
    digest = hashlib.sha256(version.encode())
    root = Path(__file__).resolve().parent.parent
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


@dataclass
class Ledger:
    """A loaded ledger: Beancount's triple plus the community view."""

    path: Path
    entries: list[data.Directive]
    errors: list[Any]
    options: dict[str, Any]
    community: Community

    @property
    def files(self) -> list[str]:
        return list(self.options.get("include", []))


def resolve_ledger(path: str | os.PathLike[str]) -> Path:
    """A ledger argument: a ``.beancount`` file, or a folder holding ``main.beancount``.

    Raises :class:`ledger.failures.LedgerNotFound` when it is neither.
    """
    candidate = Path(path)
    if candidate.is_dir():
        candidate = candidate / "main.beancount"
    if not candidate.is_file():
        raise LedgerNotFound(candidate)
    return candidate.resolve()


def cache_enabled(cache: bool | None = None) -> bool:
    if cache is not None:
        return cache
    return os.environ.get("BEANCOUNT_DISABLE_LOAD_CACHE") is None


def cache_threshold() -> float:
    try:
        return float(os.environ.get("TRUSTFUND_LOAD_CACHE_THRESHOLD", DEFAULT_CACHE_THRESHOLD))
    except ValueError:
        return DEFAULT_CACHE_THRESHOLD


def cache_path(top: Path) -> Path:
    """Where the load cache of the main file ``top`` lives."""
    return top.with_name(f".{top.name}{CACHE_SUFFIX}")


def load(path: str | os.PathLike[str], *, cache: bool | None = None) -> Ledger:
    """Load ``path`` (a file, or a folder holding ``main.beancount``) and build the community view.

    Never raises for bad ledger data: syntax, Beancount and trust-rule errors are in
    ``Ledger.errors``. A missing file is Beancount's own error too.
    """
    top = Path(os.path.abspath(path)).resolve()
    if top.is_dir():  # a ledger folder, as every command takes it
        top = top / "main.beancount"
    from ledger.writer import recover_pending

    recover_pending(top.parent)  # finish a write a crash interrupted (ledger/writer.py)
    entries, errors, options = _load_triple(top, cache_enabled(cache))
    community, _ = build_community(entries)  # the plugin already reported the directive errors
    return Ledger(top, entries, list(errors), options, community)


def load_string(text: str) -> Ledger:
    """Load ledger text (tests, examples); no cache."""
    entries, errors, options = loader.load_string(text)
    community, _ = build_community(entries)
    return Ledger(Path("<string>"), entries, list(errors), options, community)


# ---------------------------------------------------------------------------------------
# the cache


def _uncached(top: Path) -> Triple:
    loader.initialize(use_cache=False)  # never Beancount's own cache (module docstring)
    entries, errors, options = loader.load_file(str(top))
    return entries, list(errors), options


def _load_triple(top: Path, use_cache: bool) -> Triple:
    if not use_cache:
        return _uncached(top)
    target = cache_path(top)
    cached = read_cache(target, top)
    if cached is not None:
        return cached
    started = time.time_ns()
    result = _uncached(top)
    if (time.time_ns() - started) / 1e9 >= cache_threshold():
        with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
            write_cache(target, top, result, started)
    return result


def _file_id(path: Path) -> list[Any] | None:
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return [str(path), len(content), hashlib.sha256(content).hexdigest()]


def _includes(path: Path) -> list[list[Any]]:
    """Each ``include`` pattern of ``path``, made absolute, with what it matches now."""
    try:
        content = path.read_bytes()
    except OSError:
        return []
    patterns = []
    for match in _INCLUDE_RE.finditer(content):
        raw = match.group(1).decode("utf-8", "replace").replace('\\"', '"')
        pattern = os.path.normpath(os.path.join(path.parent, os.path.expanduser(raw)))
        if _GLOB_CHARS & set(raw):
            found = sorted(glob.glob(pattern, recursive=True))
        else:
            found = [pattern] if os.path.exists(pattern) else []
        patterns.append([pattern, found])
    return patterns


def _documents(options: dict[str, Any], top: Path) -> list[list[Any]]:
    listing = []
    for folder in options.get("documents") or []:
        base = Path(top.parent, folder)
        names = sorted(str(p.relative_to(base)) for p in base.rglob("*")) if base.is_dir() else None
        listing.append([str(base), names])
    return listing


def _header(top: Path, files: list[Path], options: dict[str, Any]) -> dict[str, Any] | None:
    inputs = []
    for path in files:
        ident = _file_id(path)
        if ident is None:
            return None
        inputs.append(ident)
    return {
        "top": str(top),
        "code": code_fingerprint(),
        "inputs": inputs,
        "includes": [item for path in files for item in _includes(path)],
        "documents": _documents(options, top),
    }


def _input_files(top: Path, options: dict[str, Any]) -> list[Path]:
    files = {top: None}
    for name in options.get("include") or []:
        files[Path(name).resolve()] = None
    return list(files)


def write_cache(target: Path, top: Path, result: Triple, started_ns: int) -> bool:
    """Write the cache of ``top``'s load ``result`` to ``target``; False when it must not be."""
    files = _input_files(top, result[2])
    # A file changed while (or since) it was read: the result may be stale. The margin covers
    # file-system clocks that lag the system clock by a tick.
    for path in files:
        try:
            if path.stat().st_mtime_ns >= started_ns - _MTIME_MARGIN_NS:
                return False
        except OSError:
            return False
    header = _header(top, files, result[2])
    if header is None:
        return False
    head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    from ledger.writer import atomic_file

    # not fsync-ed: a cache; a torn one after a power cut is read as no cache (read_cache)
    with atomic_file(target, durable=False) as out:
        out.write(CACHE_MAGIC)
        out.write(struct.pack(">Q", len(head)))
        out.write(head)
        pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
    for stale in target.parent.glob(f".{top.name}.tf-*.picklecache"):  # older trustfund caches
        with contextlib.suppress(OSError):
            stale.unlink()
    return True


def read_cache(target: Path, top: Path) -> Triple | None:
    """The cached load of ``top`` when ``target`` holds one made for exactly this load."""
    try:
        with open(target, "rb") as stream:
            if stream.read(len(CACHE_MAGIC)) != CACHE_MAGIC:
                return None
            (size,) = struct.unpack(">Q", stream.read(8))
            header = json.loads(stream.read(size).decode("utf-8"))
            if not _header_holds(header, top):
                return None
            gc.disable()  # unpickling makes millions of objects: a collection pass per 700 of
            try:  # them would triple the time
                result = pickle.load(stream)
            finally:
                gc.enable()
    except (OSError, ValueError, struct.error, EOFError, pickle.UnpicklingError):
        return None
    except Exception:  # an old or damaged pickle fails in many ways: load afresh
        return None
    if not (isinstance(result, tuple) and len(result) == 3):
        return None
    entries, errors, options = result
    return entries, list(errors), options


def _header_holds(header: Any, top: Path) -> bool:
    if not isinstance(header, dict):
        return False
    if header.get("top") != str(top) or header.get("code") != code_fingerprint():
        return False
    inputs = header.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        return False
    files = []
    for item in inputs:
        if not (isinstance(item, list) and len(item) == 3):
            return False
        path = Path(item[0])
        try:
            if path.stat().st_size != item[1]:
                return False
        except OSError:
            return False
        if _file_id(path) != item:
            return False
        files.append(path)
    includes = [item for path in files for item in _includes(path)]
    if includes != header.get("includes"):
        return False
    documents = header.get("documents") or []
    options = {"documents": [Path(item[0]) for item in documents if isinstance(item, list)]}
    return _documents(options, top) == documents


def format_error(error: Any) -> str:
    """``file:line: message`` for any Beancount or trust-rule error (:func:`location`)."""
    message = (
        str(getattr(error, "message", error)).strip().splitlines()[0]
        if getattr(error, "message", None)
        else str(error)
    )
    return f"{location(getattr(error, 'source', None)) or '<unknown>:0'}: {message}"
