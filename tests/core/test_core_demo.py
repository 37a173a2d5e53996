"""`trustfund demo --no-serve` end to end, and `trustfund vote` on the demo community."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi"


def _git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        ["git", "-c", "user.name=u", "-c", "user.email=u@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout


def test_demo_runs_the_main_job(tmp_path: Path) -> None:
    # run where people run it: inside a clone of trustfund (here: some repository)
    clone = tmp_path / "clone"
    clone.mkdir()
    _git(clone, "init", "-q")
    (clone / "README.md").write_text("a clone\n", encoding="utf-8")
    _git(clone, "add", "README.md")
    _git(clone, "commit", "-qm", "clone")
    target = clone / "demo"
    result = CliRunner().invoke(main, ["demo", "--no-serve", str(target)])
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output
    # the demo is its own repository holding its import; the clone's history is untouched
    assert _git(clone, "log", "--format=%s").splitlines() == ["clone"]
    assert _git(clone, "status", "--porcelain") == "?? demo/\n"
    history = _git(target, "log", "--format=%s").splitlines()
    assert len(history) == 2 and history[0].startswith("import "), history
    assert _git(target, "status", "--porcelain") == ""  # reports/ and caches are ignored
    # the January 2026 downloads were imported into the ledger's import files
    imported = list((target / "imports").rglob("2026-01.beancount"))
    assert imported, result.output
    main_text = (target / "main.beancount").read_text(encoding="utf-8")
    for path in imported:
        assert path.relative_to(target).as_posix() in main_text
    # every 2025 report in every format
    for kind in ("public", "budget", "audit"):
        for ext in ("txt", "html", "xlsx", "csv"):
            path = target / "reports" / f"{kind}-2025.{ext}"
            assert path.exists() and path.stat().st_size > 0, path
    workbook = openpyxl.load_workbook(target / "reports" / "audit-2025.xlsx", read_only=True)
    assert len(workbook.sheetnames) > 2
    # the ledger it leaves behind still checks clean, and a second demo run refuses to clobber it
    checked = CliRunner().invoke(main, ["check", str(target)])
    assert checked.exit_code == 0, checked.output
    again = CliRunner().invoke(main, ["demo", "--no-serve", str(target)])
    assert again.exit_code != 0 and "not empty" in again.output


def test_vote_shows_the_tally_of_the_elevator_resolution() -> None:
    result = CliRunner().invoke(main, ["vote", "R-2025-01", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "R-2025-01" in result.output
    assert "通过 PASSED" in result.output
    assert "参与率 participation" in result.output and "%" in result.output
    unknown = CliRunner().invoke(main, ["vote", "R-9999", str(DEMO)])
    assert unknown.exit_code == 1
    assert "unknown resolution 'R-9999'" in unknown.output
