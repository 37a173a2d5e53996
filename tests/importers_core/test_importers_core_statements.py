"""Issue 13, importer half: each symptom, through the import as a treasurer runs it, on a file of
the shape that showed it (tests/data; expected extractions beside them, test_..._golden.py)."""

from __future__ import annotations

import csv
import shutil
import textwrap
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner

from importers.pipeline import ImportFailed, ImportOptions, import_files, summary_lines
from trustfund.ops.importing import import_cmd

DATA = Path(__file__).resolve().parent.parent / "data"


def ledger(tmp_path: Path, opens: str, rules: str = "") -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir(parents=True)
    (folder / "main.beancount").write_text(opens, encoding="utf-8")
    if rules:
        (folder / "import-rules.toml").write_text(textwrap.dedent(rules), encoding="utf-8")
    return folder / "main.beancount"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def check(main: Path) -> list[str]:
    _, errors, _ = loader.load_file(str(main))
    return [e.message for e in errors]


def serials(main: Path) -> list[str]:
    entries, _, _ = loader.load_file(str(main))
    return [
        e.meta["serial"] for e in entries if isinstance(e, data.Transaction) and "serial" in e.meta
    ]


BANK = textwrap.dedent(
    """\
    2020-01-01 open Assets:Bank:Trust CNY
    2020-01-01 open Assets:Bank:Maintenance CNY
    2020-01-01 open Assets:Receivable:Fees CNY
    2020-01-01 open Expenses:Service:Cleaning CNY
    2020-01-01 open Income:Interest CNY
    2020-01-01 open Income:Maintenance:Interest CNY
    2020-01-01 open Equity:Owners:Common CNY
    2020-01-01 open Equity:Owners:Maintenance CNY
    """
)


def test_nonref_is_no_serial_all_rows_kept_and_reimport_adds_nothing(tmp_path: Path) -> None:
    """PostFinance shape: every :61: ends in //NONREF; two rows are identical."""
    main = ledger(
        tmp_path,
        "2020-01-01 open Assets:Bank:Trust CHF\n2020-01-01 open Assets:Receivable:Fees CHF\n"
        "2020-01-01 open Equity:Owners:Common CHF\n",
    )
    sample = DATA / "sources" / "mt940" / "postfinance-nonref.sta"
    (first,) = import_files([sample], main, ImportOptions(pad_opening=True)).summaries
    assert (first.rows_read, first.new, first.duplicate) == (4, 4, 0)
    assert "NONREF" not in (main.parent / "imports").joinpath(
        "Assets-Bank-Trust", "2026-01.beancount"
    ).read_text(encoding="utf-8")
    assert len(set(serials(main))) == 4
    assert check(main) == []  # opening 1500 + rows = closing 1942 (pad, both assertions)
    (second,) = import_files([sample], main, ImportOptions(pad_opening=True)).summaries
    assert (second.new, second.duplicate) == (0, 4)


def test_skip_bad_rows_on_mt940_writes_the_good_rows_and_exits_0(tmp_path: Path) -> None:
    main = ledger(
        tmp_path,
        BANK + '2026-03-01 * "opening"\n  Assets:Bank:Trust  1000.00 CNY\n  Equity:Owners:Common\n',
    )
    sample = tmp_path / "bad.sta"
    shutil.copy(DATA / "bad" / "mt940-one-bad-row.sta", sample)
    before = snapshot(main.parent)
    refused = CliRunner().invoke(import_cmd, [str(sample), "--ledger", str(main)])
    assert refused.exit_code == 1
    assert f"{sample}:7: field 61: amount is not digits with a decimal comma: '12x,00'" in (
        refused.output
    )
    assert snapshot(main.parent) == before
    result = CliRunner().invoke(import_cmd, [str(sample), "--ledger", str(main), "--skip-bad-rows"])
    assert result.exit_code == 0, result.output
    assert "bad.sta  mt940                    3       2       0       0        1" in result.output
    assert [s for s in serials(main) if s.startswith("BR")] == ["BR260302001", "BR260304001"]
    with open(tmp_path / "bad.rejected.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:3] == ["7", "field 61", "amount is not digits with a decimal comma: '12x,00'"]
    assert check(main) == []  # the file's opening (1000) and closing (1188.50) both hold


def test_cib_footer_note_is_not_a_row_and_preamble_opening_is_asserted(tmp_path: Path) -> None:
    rules = '[accounts]\n"6229 0800 0000 1234" = "Assets:Bank:Trust"\n'
    main = ledger(tmp_path, BANK + "2020-01-01 open Income:Suspense CNY\n", rules)
    sample = DATA / "bank" / "CIB_personal_footer.xlsx"
    with pytest.raises(ImportFailed) as failed:
        import_files([sample], main)  # 期初余额 5,000.00 and nothing in the ledger before it
    assert "opens with 5000.00 CNY on 2026-01-04" in failed.value.details[0]
    assert "--pad-opening" in failed.value.details[0]
    (summary,) = import_files([sample], main, ImportOptions(pad_opening=True)).summaries
    assert (summary.rows_read, summary.new, summary.rejected) == (2, 2, 0)
    text = (main.parent / "imports" / "Assets-Bank-Trust" / "2026-01.beancount").read_text(
        encoding="utf-8"
    )
    assert "2026-01-03 pad Assets:Bank:Trust Equity:Owners:Common" in text
    assert "2026-01-04 balance Assets:Bank:Trust" in text and "5000.00 CNY" in text
    assert "2026-01-10 balance Assets:Bank:Trust" in text and "6260.00 CNY" in text
    assert check(main) == []


def test_usd_statement_is_refused_from_a_cny_account_naming_both(tmp_path: Path) -> None:
    rules = '[accounts]\n"6229 0800 0000 9876" = "Assets:Bank:Trust"\n'
    main = ledger(
        tmp_path,
        BANK
        + "2020-01-01 open Assets:Bank:USD USD\n2020-01-01 open Income:Suspense\n"
        + "2020-01-01 open Expenses:Suspense\n",
        rules,
    )
    sample = DATA / "bank" / "CIB_personal_usd.xlsx"
    before = snapshot(main.parent)
    with pytest.raises(ImportFailed) as failed:
        import_files([sample], main, ImportOptions(pad_opening=True))
    (detail,) = failed.value.details
    assert "is in USD (from its preamble) but Assets:Bank:Trust holds CNY only" in detail
    assert "main.beancount:1" in detail
    assert snapshot(main.parent) == before
    with pytest.raises(ImportFailed) as failed:  # the pad's equity account holds CNY only
        import_files([sample], main, ImportOptions(account="Assets:Bank:USD", pad_opening=True))
    assert (
        "Equity:Owners:Common holds CNY only (open at main.beancount:7), not USD"
        in (failed.value.details[0])
    )
    (main.parent / "import-rules.toml").write_text(
        rules + 'opening = "Equity:Opening:USD"\n', encoding="utf-8"
    )
    with open(main, "a", encoding="utf-8") as handle:
        handle.write("2020-01-01 open Equity:Opening:USD USD\n")
    (summary,) = import_files(
        [sample], main, ImportOptions(account="Assets:Bank:USD", pad_opening=True)
    ).summaries
    assert summary.new == 2
    entries, errors, _ = loader.load_file(str(main))
    assert errors == []
    assert {
        p.units.currency
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if p.units
    } == {"USD"}


CAMT = DATA / "sources" / "camt" / "camt053-cny-opening.xml"
CAMT_RULES = '[accounts]\n"6222021000001234" = "Assets:Bank:Trust"\n[[rule]]\nmemo = "保洁"\naccount = "Expenses:Service:Cleaning"\n'


def test_first_statement_opening_needs_a_confirmed_pad_then_check_passes(tmp_path: Path) -> None:
    main = ledger(tmp_path, BANK, CAMT_RULES)
    before = snapshot(main.parent)
    with pytest.raises(ImportFailed) as failed:
        import_files([CAMT], main)
    assert (
        "opens with 10000.00 CNY on 2026-02-03, but the ledger has nothing on Assets:Bank:Trust"
        in (failed.value.details[0])
    )
    assert snapshot(main.parent) == before
    import_files([CAMT], main, ImportOptions(pad_opening=True))
    assert check(main) == []  # the first import into a new ledger checks clean
    (again,) = import_files([CAMT], main).summaries
    assert (again.new, again.duplicate, again.skipped) == (0, 2, 1)


def test_opening_against_an_existing_balance_is_asserted_and_a_difference_reported(
    tmp_path: Path,
) -> None:
    opening = '2026-01-31 * "carried"\n  Assets:Bank:Trust  10000.00 CNY\n  Equity:Owners:Common\n'
    main = ledger(tmp_path, BANK + opening, CAMT_RULES)
    import_files([CAMT], main)
    assert check(main) == []
    wrong = ledger(tmp_path / "b", BANK + opening.replace("10000.00", "9000.00"), CAMT_RULES)
    lines: list[str] = []
    import_files([CAMT], wrong, report=lines.append)
    assert any(
        "the ledger holds 9000.00 CNY" in line and "opens with 10000.00 CNY" in line
        for line in lines
    )
    assert [m.split(":")[0] for m in check(wrong)] == [
        "Balance failed for 'Assets",
        "Balance failed for 'Assets",
    ]


def test_rows_before_an_account_opens_say_which_open_to_change(tmp_path: Path) -> None:
    main = ledger(
        tmp_path,
        BANK.replace("2020-01-01 open Assets:Bank:Trust", "2026-02-04 open Assets:Bank:Trust"),
        CAMT_RULES,
    )
    before = snapshot(main.parent)
    with pytest.raises(ImportFailed) as failed:
        import_files([CAMT], main, ImportOptions(pad_opening=True))
    detail = failed.value.details[0]
    assert (
        f"{CAMT}:10: BookgDt: dated 2026-02-03, before Assets:Bank:Trust opens (2026-02-04, "
        "main.beancount:1): change that open date to 2026-02-03 or earlier" in detail
    )
    assert "=> Assets:Bank:Trust opens 2026-02-04 (main.beancount:1)" in detail
    assert snapshot(main.parent) == before


def test_payment_app_summary_counts_rows_with_skip_reasons(tmp_path: Path) -> None:
    main = ledger(
        tmp_path,
        "2020-01-01 open Assets:Clearing:Manager CNY\n2020-01-01 open Assets:Receivable:Fees CNY\n"
        "2020-01-01 open Expenses:Admin:BankFees CNY\n",
    )
    sample = DATA / "sources" / "wechat" / "zero-and-card-rows.csv"
    (summary,) = import_files([sample], main).summaries
    assert (
        summary.rows_read,
        summary.new,
        summary.duplicate,
        summary.skipped,
        summary.rejected,
    ) == (5, 2, 0, 3, 0)
    lines = summary_lines([summary])
    assert lines[0].split()[-5:] == ["read", "new", "dup", "skipped", "rejected"]
    assert lines[2] == (
        "zero-and-card-rows.csv: skipped 1 moved no money (0.00); "
        "1 paid with a bank card, not through the WeChat balance; "
        "1 moved between 零钱 and 零钱通 (inside the balance)"
    )
    text = (main.parent / "imports" / "Assets-Clearing-Manager" / "2026-03.beancount").read_text(
        encoding="utf-8"
    )
    assert " 0.00 CNY" not in text  # no zero transaction


def test_rejected_counts_rows_not_errors(tmp_path: Path) -> None:
    text = (DATA / "sources" / "ofx" / "checking.ofx").read_text(encoding="utf-8")
    sample = tmp_path / "two-bad-cells.ofx"
    sample.write_text(
        text.replace("<TRNAMT>-34.51", "<TRNAMT>-34,5x").replace(
            "<DTPOSTED>20110405", "<DTPOSTED>2011x405"
        ),
        encoding="utf-8",
    )
    main = ledger(
        tmp_path, "2000-01-01 open Assets:Bank:Trust USD\n2000-01-01 open Equity:Owners:Common\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_files([sample], main)
    (summary,) = failed.value.summaries
    assert (summary.rows_read, summary.rejected) == (3, 1)  # one row, two bad cells
    assert failed.value.details[0].count(f"{sample}:54: ") == 2


def test_import_rules_match_the_statements_own_account(tmp_path: Path) -> None:
    """The interest rule `trustfund init` writes files each account's interest in its own fund."""
    from trustfund.ops.commands import IMPORT_RULES

    main = ledger(tmp_path, BANK)
    (main.parent / "import-rules.toml").write_text(
        IMPORT_RULES.replace(
            'default = "Assets:Bank:Trust"',
            'default = "Assets:Bank:Trust"\n"111" = "Assets:Bank:Trust"\n"222" = "Assets:Bank:Maintenance"',
        ),
        encoding="utf-8",
    )
    block = ":20:S\n:25:{}\n:28C:1\n:60F:C260320CNY0,00\n:61:260321C{},NINTNONREF\n:86:结息\n:62F:C260321CNY{},\n"
    sample = tmp_path / "interest.sta"
    sample.write_text(block.format("111", 12, 12) + block.format("222", 30, 30), encoding="utf-8")
    import_files([sample], main)
    entries, errors, _ = loader.load_file(str(main))
    assert errors == []
    booked = {
        e.postings[0].account: e.postings[1].account
        for e in entries
        if isinstance(e, data.Transaction)
    }
    assert booked == {
        "Assets:Bank:Trust": "Income:Interest",
        "Assets:Bank:Maintenance": "Income:Maintenance:Interest",
    }


def test_statements_of_one_run_in_any_order_pad_only_the_first(tmp_path: Path) -> None:
    """February given before January: the openings are decided once the run is read."""
    main = ledger(tmp_path, BANK + "2020-01-01 open Income:Suspense CNY\n")
    month = ":20:S{n}\n:25:111\n:28C:{n}\n:60F:C{start}CNY{opening},00\n:61:{day}C{amount},00NTRF//R{n}\n:62F:C{day}CNY{closing},00\n"
    january = tmp_path / "jan.sta"
    january.write_text(
        month.format(n=1, start="260101", opening=500, day="260110", amount=100, closing=600),
        encoding="utf-8",
    )
    february = tmp_path / "feb.sta"
    february.write_text(
        month.format(n=2, start="260201", opening=600, day="260205", amount=50, closing=650),
        encoding="utf-8",
    )
    rules = '[accounts]\n"111" = "Assets:Bank:Trust"\n'
    (main.parent / "import-rules.toml").write_text(rules, encoding="utf-8")
    import_files([february, january], main, ImportOptions(pad_opening=True))
    entries, errors, _ = loader.load_file(str(main))
    assert errors == []
    assert [str(e.date) for e in entries if isinstance(e, data.Pad)] == ["2026-01-09"]
    assert [(str(e.date), str(e.amount)) for e in entries if isinstance(e, data.Balance)] == [
        ("2026-01-10", "500.00 CNY"),
        ("2026-01-11", "600.00 CNY"),
        ("2026-02-05", "600.00 CNY"),
        ("2026-02-06", "650.00 CNY"),
    ]
