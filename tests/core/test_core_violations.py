"""Every `examples/violations/TFnnn.beancount` gives exactly its code under `trustfund check`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[2]
VIOLATIONS = sorted((ROOT / "examples" / "violations").glob("TF*.beancount"))
DESIGN_CODES = [
    "TF001",
    "TF002",
    "TF101",
    "TF102",
    "TF103",
    "TF104",
    "TF201",
    "TF202",
    "TF301",
    "TF302",
    "TF303",
    "TF304",
    "TF305",
    "TF306",
    "TF401",
    "TF402",
    "TF403",
    "TF404",
    "TF405",
    "TF501",
]


def test_there_is_one_violation_ledger_per_design_code() -> None:
    have = {p.stem for p in VIOLATIONS}
    missing = [code for code in DESIGN_CODES if code not in have]
    assert not missing, f"no examples/violations ledger for {missing}"


@pytest.mark.parametrize("path", VIOLATIONS, ids=[p.stem for p in VIOLATIONS])
def test_violation_ledger_gives_exactly_its_code(path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--quiet", str(path)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines, "no error printed"
    codes = set()
    for line in lines:
        match = re.match(r"^(.+?):(\d+): (TF\d{3}) ", line)
        assert match, f"not a file:line: TFnnn line: {line!r}"
        assert Path(match.group(1)).name == path.name
        codes.add(match.group(3))
    assert codes == {path.stem}, result.output
