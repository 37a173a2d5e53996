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
    "TF105",
    "TF106",
    "TF107",
    "TF108",
    "TF201",
    "TF202",
    "TF301",
    "TF302",
    "TF303",
    "TF304",
    "TF305",
    "TF306",
    "TF307",
    "TF308",
    "TF309",
    "TF310",
    "TF311",
    "TF401",
    "TF402",
    "TF403",
    "TF404",
    "TF405",
    "TF406",
    "TF501",
    "TF601",
    "TF602",
    "TF603",
    "TF604",
    "TF605",
    "TF606",
    "TF607",
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


#: The first id kind each code carries (DESIGN.md §4), and whether it states an amount.
ID_KINDS = {
    "TF002": ({"resolution", "approval", "emergency", "unit", "owner", "notice"}, None),
    "TF101": ({"account"}, True),
    "TF102": ({"account"}, True),
    "TF103": ({"account"}, True),
    "TF104": ({"account"}, True),
    "TF105": ({"account"}, True),
    "TF106": ({"account"}, True),
    "TF107": ({"unit"}, True),
    "TF108": ({"period"}, True),
    "TF201": ({"period"}, True),
    "TF202": ({"period"}, True),
    "TF301": ({"payee"}, True),
    "TF302": ({"approval"}, True),
    "TF303": ({"approval"}, True),
    "TF304": ({"approval"}, True),
    "TF305": ({"approval", "resolution"}, True),
    "TF306": ({"approval"}, True),
    "TF307": ({"payee"}, True),
    "TF308": ({"invoice"}, True),
    "TF309": ({"approval"}, True),
    "TF310": ({"payee"}, True),
    "TF311": ({"contract"}, True),
    "TF401": ({"payee"}, True),
    "TF402": ({"resolution"}, True),
    "TF403": ({"resolution"}, True),
    "TF404": (set(), True),
    "TF405": ({"emergency"}, False),
    "TF406": ({"resolution"}, True),
    "TF501": ({"period"}, False),
    "TF601": ({"resolution"}, True),
    "TF602": ({"resolution"}, False),
    "TF603": ({"resolution"}, False),
    "TF604": ({"notice"}, True),
    "TF605": ({"objection"}, True),
    "TF606": ({"year"}, False),
    "TF607": ({"year"}, True),
}


@pytest.mark.parametrize("path", VIOLATIONS, ids=[p.stem for p in VIOLATIONS])
def test_violation_errors_carry_their_ids_and_amount(path: Path) -> None:
    from ledger.errors import TrustError, error_code
    from ledger.loader import load

    ledger = load(path, cache=False)
    assert ledger.errors
    for error in ledger.errors:
        assert isinstance(error, TrustError), error
        code = error_code(error)
        assert code and error.message.startswith(code + " ")
        if code == "TF001":
            continue
        kinds, has_amount = ID_KINDS[code]
        if kinds:
            assert error.ids, f"{code} without ids: {error.message}"
            first = error.ids[0].split(":", 1)[0]
            assert first in kinds, (code, error.ids)
        if has_amount is True:
            assert error.amount is not None, error
            assert error.amount > 0 or code == "TF201", error
        elif has_amount is False:
            assert error.amount is None, error
