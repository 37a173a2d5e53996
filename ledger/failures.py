"""trustfund's own exceptions: what library code raises when an *operation* cannot go on.

Data problems are never raised (they are errors in ``Ledger.errors``, see :mod:`ledger.errors`);
these are for a missing ledger, a folder another process is writing, a month that cannot be
sealed, a ledger with uncommitted edits. Library code (``ledger/``, ``importers/``, the rules,
``reports/``) raises them and speaks no click; the command layer (``cli.py``) turns every
:class:`TrustfundError` into a one-line message and exit status 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class TrustfundError(Exception):
    """Base of every exception trustfund raises on purpose; ``str(e)`` is the user's message."""


class LedgerNotFound(TrustfundError):
    """The path given for a ledger is neither a ``.beancount`` file nor a folder holding one."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: no such ledger file (run `trustfund init DIR` to start one)")
        self.path = path


class LedgerLocked(TrustfundError):
    """Another writer held the ledger folder's lock for longer than the timeout."""

    def __init__(self, root: Path, timeout: float, pid: str | None, lock: Path) -> None:
        holder = f"process {pid}" if pid else "another process"
        super().__init__(
            f"ledger folder {root} is being written by {holder} (lock {lock}); "
            f"waited {timeout:g} s. Try again when it has finished."
        )
        self.root = root
        self.pid = pid


class UncommittedEdits(TrustfundError):
    """The ledger's git repository holds edits that are not committed (``seal`` refuses them)."""

    def __init__(self, root: Path, changes: Sequence[tuple[str, str]], what: str) -> None:
        listed = "\n".join(f"  {state:<10} {path}" for path, state in changes)
        super().__init__(
            f"{what}: the ledger in {root} has edits that are not committed:\n{listed}\n"
            "Commit them first (git -C LEDGER commit …), or pass --commit-edits to commit them "
            "together with the seal."
        )
        self.root = root
        self.changes = list(changes)


class SealRefused(TrustfundError):
    """The month cannot be sealed (not over, earlier month unsealed, ledger broken …)."""
