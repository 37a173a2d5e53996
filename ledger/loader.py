"""The one entry point that loads a community ledger.

:func:`load` runs Beancount v3's loader (which runs the ``plugin`` lines, so the trust rules
report their errors alongside Beancount's) and builds the typed :class:`Community` view once.

Pickle cache policy: Beancount caches a slow load in ``.<file>.picklecache`` keyed only on the
ledger files, so after a change of plugin code it would serve stale results. We key the cache
file name on a fingerprint of the trustfund code and the Beancount version instead; a change of
either makes a new cache file. ``BEANCOUNT_DISABLE_LOAD_CACHE=1`` (or ``cache=False``) turns the
cache off, as in Beancount.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from beancount import loader
from beancount.core import data

from ledger.community import Community, build_community

_PACKAGES = ("trustfund", "ledger")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A short hash of the rule code (paths, sizes, mtimes) and of Beancount's version."""
    import beancount

    digest = hashlib.sha256(str(getattr(beancount, "__version__", "?")).encode())
    root = Path(__file__).resolve().parent.parent
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


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


def configure_cache(cache: bool | None = None) -> None:
    """Apply the cache policy (see the module docstring)."""
    if cache is None:
        cache = os.environ.get("BEANCOUNT_DISABLE_LOAD_CACHE") is None
    if not cache:
        loader.initialize(use_cache=False)
        return
    pattern = f".{{filename}}.tf-{code_fingerprint()}.picklecache"
    loader.initialize(use_cache=True, cache_filename=pattern)


def resolve_ledger(path: str | os.PathLike[str]) -> Path:
    """A ledger argument: a ``.beancount`` file, or a folder holding ``main.beancount``.

    Raises :class:`click.ClickException` (a clear one-line error for the CLI) when it is missing.
    """
    import click

    candidate = Path(path)
    if candidate.is_dir():
        candidate = candidate / "main.beancount"
    if not candidate.is_file():
        raise click.ClickException(
            f"{candidate}: no such ledger file (run `trustfund init DIR` to start one)"
        )
    return candidate.resolve()


def load(path: str | os.PathLike[str], *, cache: bool | None = None) -> Ledger:
    """Load ``path`` with its plugins and build the community view.

    Never raises for bad ledger data: syntax, Beancount and trust-rule errors are in
    ``Ledger.errors``. A missing file is Beancount's own error too.
    """
    configure_cache(cache)
    filename = str(Path(path).resolve())
    from ledger.writer import recover_pending

    recover_pending(Path(filename).parent)  # finish a write a crash interrupted (ledger/writer.py)
    entries, errors, options = loader.load_file(filename)
    community, _ = build_community(entries)  # the plugin already reported the directive errors
    return Ledger(Path(filename), entries, list(errors), options, community)


def load_string(text: str) -> Ledger:
    """Load ledger text (tests, examples); no cache."""
    entries, errors, options = loader.load_string(text)
    community, _ = build_community(entries)
    return Ledger(Path("<string>"), entries, list(errors), options, community)


def format_error(error: Any) -> str:
    """``file:line: message`` for any Beancount or trust-rule error."""
    source = getattr(error, "source", None) or {}
    filename = source.get("filename", "<unknown>")
    lineno = source.get("lineno", 0)
    message = (
        str(getattr(error, "message", error)).strip().splitlines()[0]
        if getattr(error, "message", None)
        else str(error)
    )
    return f"{filename}:{lineno}: {message}"
