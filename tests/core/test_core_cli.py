"""`trustfund init`, `check` and `vote` through click's runner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import main

GOOD = """\
option "operating_currency" "CNY"
plugin "trustfund.xinyi"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Income:Interest CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 custom "tf-owner" "O-1" "张三"
2025-01-01 custom "tf-unit" "1-1-101" 90.00 "O-1"
2025-01-21 * "银行" "结息 interest"
  Assets:Bank:Trust   12.34 CNY
  Income:Interest
"""

BAD = (
    GOOD
    + """\
2025-01-22 custom "tf-unit" "1-1-102" -3 "O-1"
"""
)


def test_init_creates_a_ledger_that_checks_clean(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "community"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for name in (
        "main.beancount",
        "accounts.beancount",
        "terms.beancount",
        "register.beancount",
        "governance.beancount",
        "import-rules.toml",
    ):
        assert (target / name).exists(), name
    ignored = (target / ".gitignore").read_text(encoding="utf-8").split()
    assert ".trustfund.lock" in ignored and ".trustfund-journal.json" in ignored
    checked = runner.invoke(main, ["check", str(target)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("OK: main.beancount")
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_check_exit_codes_and_file_line(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.beancount"
    good.write_text(GOOD, encoding="utf-8")
    ok = runner.invoke(main, ["check", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "no errors" in ok.output

    bad = tmp_path / "bad.beancount"
    bad.write_text(BAD, encoding="utf-8")
    result = runner.invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "TF001" in x)
    assert line.startswith(f"{bad}:11: TF001 ")
    assert "area of 1-1-102 must be positive" in line


def test_check_missing_ledger_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.beancount")])
    assert result.exit_code == 1
    assert "no such ledger file" in result.output


def test_every_command_is_registered_and_has_help() -> None:
    from cli import COMMANDS

    runner = CliRunner()
    listing = runner.invoke(main, ["--help"])
    assert listing.exit_code == 0, listing.output
    for name in COMMANDS:
        assert f"  {name} " in listing.output, name
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert (
            result.output.startswith(f"Usage: main {name} ")
            or f" {name} " in result.output.splitlines()[0]
        )
    unknown = runner.invoke(main, ["nonexistent"])
    assert unknown.exit_code == 2 and "No such command" in unknown.output
