"""``trustfund import --recategorize [PERIOD]``: a rule added after the import files the rows
still in suspense, through the ledger writer, as one commit; rules see the statement's account."""

from __future__ import annotations

import subprocess
from pathlib import Path

from beancount import loader
from beancount.core import data
from click.testing import CliRunner

from importers.pipeline import ImportOptions, import_files
from importers.recategorize import recategorize
from trustfund.ops.importing import import_cmd

DATA = Path(__file__).resolve().parent.parent / "data"
CAMT = DATA / "sources" / "camt" / "camt053-cny-opening.xml"
LEDGER = """\
2020-01-01 open Assets:Bank:Trust CNY
2020-01-01 open Assets:Receivable:Fees CNY
2020-01-01 open Expenses:Service:Cleaning CNY
2020-01-01 open Equity:Owners:Common CNY
2026-01-31 * "carried"
  Assets:Bank:Trust  10000.00 CNY
  Equity:Owners:Common
"""
RULES = '[accounts]\n"6222021000001234" = "Assets:Bank:Trust"\n'
CLEANING = '\n[[rule]]\nmemo = "保洁"\ndirection = "out"\naccount = "Expenses:Service:Cleaning"\nmeta = { contract = "C-SVC-01" }\n'


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def setup(tmp_path: Path) -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "main.beancount").write_text(LEDGER, encoding="utf-8")
    (folder / "import-rules.toml").write_text(RULES, encoding="utf-8")
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    import_files([CAMT], folder / "main.beancount")
    return folder / "main.beancount"


def counter_accounts(main: Path) -> dict[str, tuple[str, str | None]]:
    entries, errors, _ = loader.load_file(str(main))
    assert errors == [], [e.message for e in errors]
    return {
        e.meta["serial"]: (e.postings[1].account, e.meta.get("contract"))
        for e in entries
        if isinstance(e, data.Transaction) and "serial" in e.meta
    }


def test_a_new_rule_refiles_suspense_entries_in_one_commit(tmp_path: Path) -> None:
    main = setup(tmp_path)
    folder = main.parent
    cleaning_serial = next(s for s in counter_accounts(main) if s.startswith("h:"))
    assert counter_accounts(main)[cleaning_serial] == ("Expenses:Suspense", None)
    commits = git(folder, "rev-list", "--count", "HEAD")
    (folder / "import-rules.toml").write_text(RULES + CLEANING, encoding="utf-8")

    dry = CliRunner().invoke(
        import_cmd, ["--recategorize", "2026-02", "--ledger", str(main), "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "1 entries would be re-filed: 1 to Expenses:Service:Cleaning" in dry.output
    assert counter_accounts(main)[cleaning_serial] == ("Expenses:Suspense", None)

    result = CliRunner().invoke(import_cmd, ["--recategorize", "2026-02", "--ledger", str(main)])
    assert result.exit_code == 0, result.output
    assert "imports/Assets-Bank-Trust/2026-02.beancount:" in result.output
    assert "-> Expenses:Service:Cleaning (rule 1)" in result.output
    assert counter_accounts(main)[cleaning_serial] == ("Expenses:Service:Cleaning", "C-SVC-01")
    assert int(git(folder, "rev-list", "--count", "HEAD")) == int(commits) + 1
    assert "recategorize" in git(folder, "log", "-1", "--format=%s")
    assert git(folder, "status", "--porcelain", "--untracked-files=no") == ""

    again = recategorize(main)
    assert (len(again.changes), again.still) == (0, 0)
    # the import's keys are untouched: a re-import still adds nothing
    (summary,) = import_files([CAMT], main).summaries
    assert (summary.new, summary.duplicate) == (0, 2)


def test_tf106_names_recategorize_and_following_it_clears_the_error(tmp_path: Path) -> None:
    main = setup(tmp_path)
    folder = main.parent
    with main.open("a", encoding="utf-8") as handle:
        handle.write('plugin "trustfund.rules.suspense"\n')
    git(folder, "commit", "-q", "-am", "check suspense")

    def tf106() -> list[str]:
        _, errors, _ = loader.load_file(str(main))
        return [e.message for e in errors if e.message.startswith("TF106")]

    before = tf106()
    assert any("Expenses:Suspense" in m for m in before)
    assert all("trustfund import --recategorize" in m for m in before)
    (folder / "import-rules.toml").write_text(RULES + CLEANING, encoding="utf-8")
    result = CliRunner().invoke(import_cmd, ["--recategorize", "2026-02", "--ledger", str(main)])
    assert result.exit_code == 0, result.output
    after = tf106()
    assert len(after) == len(before) - 1
    assert not any("Expenses:Suspense" in m for m in after)


def test_outside_the_period_nothing_moves_and_unopened_accounts_are_reported(
    tmp_path: Path,
) -> None:
    main = setup(tmp_path)
    (main.parent / "import-rules.toml").write_text(
        RULES + CLEANING.replace("Expenses:Service:Cleaning", "Expenses:Service:Other"),
        encoding="utf-8",
    )
    from datetime import date

    assert recategorize(main, date(2026, 3, 1), date(2026, 4, 1)).changes == []
    result = recategorize(main)
    assert result.changes == [] and result.still == 1
    assert "files this row to Expenses:Service:Other, which is not opened" in result.problems[0]


def test_rules_match_the_statement_account_on_recategorize(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "main.beancount").write_text(
        "2020-01-01 open Assets:Bank:Maintenance CNY\n2020-01-01 open Income:Interest CNY\n"
        "2020-01-01 open Income:Maintenance:Interest CNY\n",
        encoding="utf-8",
    )
    (folder / "import-rules.toml").write_text(
        '[accounts]\n"222" = "Assets:Bank:Maintenance"\n', encoding="utf-8"
    )
    statement = tmp_path / "m.sta"
    statement.write_text(
        ":20:S\n:25:222\n:28C:1\n:60F:C260320CNY0,00\n:61:260321C30,NINTNONREF\n:86:结息\n",
        encoding="utf-8",
    )
    main = folder / "main.beancount"
    import_files([statement], main, ImportOptions())
    (folder / "import-rules.toml").write_text(
        '[accounts]\n"222" = "Assets:Bank:Maintenance"\n'
        '[[rule]]\nmemo = "结息"\nstatement-account = "Assets:Bank"\naccount = "Income:Maintenance:Interest"\n'
        '[[rule]]\nmemo = "结息"\naccount = "Income:Interest"\n',
        encoding="utf-8",
    )
    result = recategorize(main)
    assert [c.account for c in result.changes] == ["Income:Maintenance:Interest"]
