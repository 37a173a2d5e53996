"""ruff and mypy pass on the project (DoD item 5), run as part of the test suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["cli.py", "ledger", "importers", "reports", "trustfund"]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(
    shutil.which("ruff") is None, reason="ruff not installed (pip install -e '.[test]')"
)
def test_ruff_check_passes() -> None:
    result = _run(["ruff", "check", *PACKAGES, "tests", "benchmarks"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes() -> None:
    pytest.importorskip("mypy")
    result = _run([sys.executable, "-m", "mypy", *PACKAGES])
    assert result.returncode == 0, result.stdout + result.stderr
