"""``trustfund import`` run in processes of their own, at once (the concurrency tests)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_at_once(
    statements: Iterable[Path], ledger: Path, account: str = "Assets:Bank:Trust"
) -> list[str]:
    """Start one ``trustfund import`` per statement into ``ledger``, all at once; each must
    succeed. Returns their outputs."""
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "cli.py"),
                "import",
                str(path),
                "--ledger",
                str(ledger),
                "--account",
                account,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for path in statements
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), outputs
    return outputs
