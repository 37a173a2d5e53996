"""The layer contract (DESIGN §5, ``[tool.importlinter]`` in pyproject.toml) really bites.

``.ci/run`` runs ``lint-imports`` on the repository. These tests run it on a copy of the
packages: untouched, the contract is kept; with one deliberate back-edge (the ledger layer
importing the reports), ``lint-imports`` fails and names the edge. A contract that cannot fail
(a typo in a layer name, a package left out of ``root_packages``) would pass both ways.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "importers", "reports", "trustfund")


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    found = found or shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]' (import-linter)")
    return found


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The packages and pyproject.toml in a folder of their own."""
    target = tmp_path / "repo"
    target.mkdir()
    for name in PACKAGES:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copy2(ROOT / "cli.py", target / "cli.py")
    return target


def run_lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [_lint_imports(), "--no-cache"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_contract_covers_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    assert sorted(linter["root_packages"]) == sorted(PACKAGES)
    (contract,) = linter["contracts"]
    assert contract["type"] == "layers"
    named = {
        part.strip() for layer in contract["layers"] for part in layer.replace("|", ":").split(":")
    }
    assert {"ledger", "importers", "reports", "trustfund.rules", "trustfund.ops"} <= named


def test_untouched_copy_keeps_the_contract(copy: Path) -> None:
    result = run_lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_back_edge_breaks_the_contract(copy: Path) -> None:
    accounts = copy / "ledger" / "accounts.py"
    accounts.write_text(
        accounts.read_text(encoding="utf-8") + "\nimport reports.table  # deliberate back-edge\n",
        encoding="utf-8",
    )
    result = run_lint_imports(copy)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert "ledger.accounts -> reports.table" in result.stdout, result.stdout
