"""``trustfund import``: identification, de-duplication, bad rows, atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import click
import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner

from trustfund.ops.importing import import_cmd, import_files

DATA = Path(__file__).resolve().parent.parent / "data"
ROOT = Path(__file__).resolve().parents[2]
OWN = "5101 0188 0000 1234 5678"

RULES = textwrap.dedent(
    f"""\
    [accounts]
    "{OWN}" = "Assets:Bank:Trust"
    default = "Assets:Bank:Trust"

    [units]
    known-only = false

    [[extract]]
    key = "approval"
    pattern = '(AP-\\d{{4}}-\\d+)'

    [[rule]]
    memo = "保洁"
    direction = "out"
    account = "Expenses:Service:Cleaning"
    """
)
MAIN = textwrap.dedent(
    """\
    option "operating_currency" "CNY"
    2025-01-01 open Assets:Bank:Trust CNY
    2025-01-01 open Assets:Receivable:Fees CNY
    2025-01-01 open Income:Public:Advertising CNY
    2025-01-01 open Expenses:Service:Cleaning CNY
    2025-01-01 open Equity:Opening CNY
    2025-12-31 * "opening"
      Assets:Bank:Trust  100000.00 CNY
      Equity:Opening
    """
)
HEADER = "交易日期,交易流水号,借方金额,贷方金额,余额,对方户名,对方账号,摘要\n"


def make_ledger(tmp_path: Path, main: str = MAIN) -> Path:
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "main.beancount").write_text(main, encoding="utf-8")
    (ledger / "import-rules.toml").write_text(RULES, encoding="utf-8")
    return ledger / "main.beancount"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".trustfund")
    }


def write_csv(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding=encoding)
    return path


def quiet(*args: object, **kwargs: object) -> None:
    pass


def load(main: Path) -> tuple[list[data.Directive], list[Any]]:
    entries, errors, _ = loader.load_file(str(main))
    return entries, errors


def test_import_writes_month_file_included_from_main(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    summaries = import_files([DATA / "bank" / "CCB_01.xlsx"], main, echo=quiet)
    assert [(s.importer, s.rows_read, s.new, s.duplicate, s.rejected) for s in summaries] == [
        ("bank-statement", 5, 5, 0, 0)
    ]
    month = main.parent / "imports" / "Assets-Bank-Trust" / "2026-01.beancount"
    assert month.exists()
    assert 'include "imports/Assets-Bank-Trust/2026-01.beancount"' in main.read_text(
        encoding="utf-8"
    )
    entries, errors = load(main)
    assert errors == [], [getattr(e, "message", e) for e in errors]
    txns = [e for e in entries if isinstance(e, data.Transaction) and "serial" in e.meta]
    assert len(txns) == 5
    assert any(
        isinstance(e, data.Balance) for e in entries
    )  # the closing balance is asserted (and holds)


def test_reimport_is_idempotent_and_same_day_same_amount_payments_are_both_kept(
    tmp_path: Path,
) -> None:
    main = make_ledger(tmp_path)
    import_files([DATA / "bank" / "CIB_01.xlsx"], main, echo=quiet)
    before = snapshot(main.parent)
    again = import_files(
        [DATA / "bank" / "CIB_01.xlsx", DATA / "bank" / "CIB_01.bom.csv"], main, echo=quiet
    )
    assert [(s.new, s.duplicate) for s in again] == [(0, 5), (0, 5)]
    assert snapshot(main.parent) == before
    entries, _ = load(main)
    same_day = [
        e
        for e in entries
        if isinstance(e, data.Transaction)
        and e.date.isoformat() == "2026-01-08"
        and str(e.postings[0].units) == "320.00 CNY"
    ]
    assert sorted(str(e.payee) for e in same_day) == ["李四", "王五"]


def test_identical_rows_without_serial_are_both_kept_and_still_deduplicated(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    header = "交易日期,借方金额,贷方金额,对方户名,摘要\n"
    row = "2026-01-09,,320.00,,1-1-101 物业费\n"
    source = tmp_path / "noserial.csv"
    source.write_text(header + row + row, encoding="utf-8")
    first = import_files([source], main, echo=quiet)
    second = import_files([source], main, echo=quiet)
    assert (first[0].new, second[0].new, second[0].duplicate) == (2, 0, 2)
    text = (main.parent / "imports" / "Assets-Bank-Trust" / "2026-01.beancount").read_text(
        encoding="utf-8"
    )
    assert text.count("1-1-101 物业费") == 2


def test_duplicates_within_one_batch(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    summaries = import_files(
        [DATA / "bank" / "ICBC_02.xlsx", DATA / "bank" / "ICBC_02.gbk.csv"], main, echo=quiet
    )
    assert [(s.new, s.duplicate) for s in summaries] == [(5, 0), (0, 5)]


def test_bad_row_names_file_row_and_column_and_writes_nothing(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    source = write_csv(
        tmp_path / "bad.csv",
        [
            "2026-01-03,S1,,100.00,100100.00,张三,1,3-1-1001 物业费",
            "2026-01-04,S2,,12x.00,,李四,2,物业费",
        ],
    )
    before = snapshot(main.parent)
    with pytest.raises(click.ClickException) as info:
        import_files([source, DATA / "bank" / "CCB_01.xlsx"], main, echo=quiet)
    assert f"{source}:3: 贷方金额: not an amount" in info.value.message
    assert snapshot(main.parent) == before
    assert not source.with_suffix(".rejected.csv").exists()


def test_bad_date_and_missing_column(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    source = tmp_path / "bad.csv"
    source.write_text(HEADER + "2026-13-40,S1,,100.00,,张三,1,x\n2026-01-05,S2\n", encoding="utf-8")
    lines: list[str] = []
    with pytest.raises(click.ClickException):
        import_files([source], main, echo=lambda *a, **k: lines.append(str(a[0]) if a else ""))
    output = "\n".join(lines)
    assert f"{source}:2: 交易日期: not a date" in output
    assert f"{source}:3: 借方金额: missing" in output


def test_skip_bad_rows_writes_good_rows_and_a_rejected_csv(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    source = write_csv(
        tmp_path / "bad.csv",
        ["2026-01-03,S1,,100.00,,张三,1,3-1-1001 物业费", "2026-01-04,S2,,12x.00,,李四,2,物业费"],
    )
    summaries = import_files([source], main, skip_bad_rows=True, echo=quiet)
    assert (summaries[0].rows_read, summaries[0].new, summaries[0].rejected) == (2, 1, 1)
    rejected = (tmp_path / "bad.rejected.csv").read_text(encoding="utf-8-sig")
    assert "3,贷方金额,not an amount: '12x.00'" in rejected
    assert "李四" in rejected
    entries, errors = load(main)
    assert errors == []
    assert [
        e.meta["serial"] for e in entries if isinstance(e, data.Transaction) and "serial" in e.meta
    ] == ["S1"]


def test_wrong_encoding_row_is_a_bad_row(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    good = "2026-01-03,S1,,100.00,,张三,1,3-1-1001 物业费\n".encode()
    bad = "2026-01-04,S2,,100.00,,李四,2,物业费\n".encode("gb18030")
    source = tmp_path / "mixed.csv"
    source.write_bytes(HEADER.encode() + good + good.replace(b"S1", b"S3") + bad)
    with pytest.raises(click.ClickException) as info:
        import_files([source], main, echo=quiet)
    assert f"{source}:4: (whole row): wrong encoding" in info.value.message


def test_gb18030_and_bom_files_are_decoded(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    gbk = write_csv(
        tmp_path / "gbk.csv", ["2026-01-03,S1,,100.00,,张三,1,3-1-1001 物业费"], encoding="gb18030"
    )
    bom = write_csv(
        tmp_path / "bom.csv",
        ["2026-01-03,S2,,100.00,,李四,1,3-1-1002 物业费"],
        encoding="utf-8-sig",
    )
    summaries = import_files([gbk, bom], main, echo=quiet)
    assert [s.new for s in summaries] == [1, 1]
    text = (main.parent / "imports" / "Assets-Bank-Trust" / "2026-01.beancount").read_text(
        encoding="utf-8"
    )
    assert '"张三" "3-1-1001 物业费"' in text and '"李四" "3-1-1002 物业费"' in text


def test_dry_run_prints_and_writes_nothing(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    before = snapshot(main.parent)
    lines: list[str] = []
    import_files(
        [DATA / "bank" / "PAB_01.xlsx"],
        main,
        dry_run=True,
        echo=lambda *a, **k: lines.append(str(a[0]) if a else ""),
    )
    assert snapshot(main.parent) == before
    output = "\n".join(lines)
    assert 'serial: "B2026010300017"' in output and "balance Assets:Bank:Trust" in output


def test_unidentified_file_says_what_was_found_and_needed(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    source = tmp_path / "members.csv"
    source.write_text("姓名,电话,备注\n张三,138,x\n", encoding="utf-8")
    lines: list[str] = []
    with pytest.raises(click.ClickException):
        import_files([source], main, echo=lambda *a, **k: lines.append(str(a[0]) if a else ""))
    output = "\n".join(lines)
    assert "no importer takes this file" in output
    assert "Found columns: 姓名, 电话, 备注" in output
    assert "bank-statement: a header row with a date column" in output


def test_memo_cannot_inject_directives(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    source = tmp_path / "evil.csv"
    evil = '"x"" \\\n2026-01-01 open Assets:Evil CNY\n; "'
    source.write_text(
        HEADER + f'2026-01-03,S1,,100.00,,"张三","1","{evil.replace(chr(34), chr(34) * 2)}"\n',
        encoding="utf-8",
    )
    import_files([source], main, echo=quiet)
    entries, errors = load(main)
    assert errors == []
    assert not any(isinstance(e, data.Open) and e.account == "Assets:Evil" for e in entries)
    txn = next(
        e for e in entries if isinstance(e, data.Transaction) and e.meta.get("serial") == "S1"
    )
    assert "open Assets:Evil" in str(txn.narration) and "\n" not in str(txn.narration)


def test_unmatched_rows_go_to_suspense_and_check_reports_tf106(tmp_path: Path) -> None:
    main = make_ledger(tmp_path, 'plugin "trustfund.rules.suspense"\n' + MAIN)
    source = write_csv(
        tmp_path / "s.csv",
        ["2026-01-03,S1,,800.00,,某公司,1,转账", "2026-01-04,S2,50.00,,,某店,2,杂费"],
    )
    import_files([source], main, echo=quiet)
    entries, errors = load(main)
    codes = sorted(str(getattr(e, "message", "")).split()[0] for e in errors)
    assert codes == ["TF106", "TF106"]
    # the message says what to do: a rule, then `import --recategorize` (or re-file by hand)
    assert all("trustfund import --recategorize" in e.message for e in errors)
    accounts = {
        p.account
        for e in entries
        if isinstance(e, data.Transaction) and "serial" in e.meta
        for p in e.postings
    }
    assert {"Income:Suspense", "Expenses:Suspense"} <= accounts
    assert "imports/accounts.beancount" in main.read_text(encoding="utf-8")


def test_account_option_overrides_rules(tmp_path: Path) -> None:
    main = make_ledger(
        tmp_path,
        MAIN + "2025-01-01 open Assets:Bank:Other CNY\n2025-01-01 open Equity:Owners:Common\n",
    )
    with pytest.raises(click.ClickException, match="--pad-opening"):
        # the account's first statement opens with 100000.00: the ledger must say so first
        import_files(
            [DATA / "bank" / "PSBC_01.xlsx"], main, account="Assets:Bank:Other", echo=quiet
        )
    import_files(
        [DATA / "bank" / "PSBC_01.xlsx"],
        main,
        account="Assets:Bank:Other",
        pad_opening=True,
        echo=quiet,
    )
    month = main.parent / "imports" / "Assets-Bank-Other" / "2026-01.beancount"
    text = month.read_text(encoding="utf-8")
    assert "2026-01-02 pad Assets:Bank:Other Equity:Owners:Common" in text
    assert "2026-01-03 balance Assets:Bank:Other" in text


def test_account_option_is_validated(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    with pytest.raises(click.ClickException, match="not a Beancount account"):
        import_files([DATA / "bank" / "PSBC_01.xlsx"], main, account="Assets:银行", echo=quiet)


def test_cli_prints_importer_and_summary(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    result = CliRunner().invoke(
        import_cmd, [str(DATA / "bank" / "HXB_01.xlsx"), "--ledger", str(main)]
    )
    assert result.exit_code == 0, result.output
    assert "HXB_01.xlsx: bank-statement" in result.output
    assert "read     new     dup skipped rejected" in result.output
    assert (
        "HXB_01.xlsx  bank-statement           5       5       0       0        0" in result.output
    )
    from cli import main as trustfund  # users meet errors through the group (cli.py words them)

    failed = CliRunner().invoke(
        trustfund,
        [
            "import",
            str(DATA / "bank" / "HXB_01.xlsx"),
            "--ledger",
            str(tmp_path / "nope.beancount"),
        ],
    )
    assert failed.exit_code == 1 and "no such ledger file" in failed.output


@pytest.mark.parametrize("step", ["reading", "tmp:2026-01.beancount", "journal-tmp"])
def test_killed_mid_write_leaves_the_ledger_unchanged_and_loadable(
    tmp_path: Path, step: str
) -> None:
    main = make_ledger(tmp_path)
    before = snapshot(main.parent)
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        import ledger.writer as writer
        from trustfund.ops.importing import import_files

        def hook(name):
            if name == {step!r}:
                os.kill(os.getpid(), signal.SIGKILL)

        writer._fault_hook = hook
        if {step!r} == "reading":  # killed half-way through the statement's rows
            import importers.bank as bank
            original = bank._parse_row
            def parse_row(row, *args):
                if row.number == 12:
                    os.kill(os.getpid(), signal.SIGKILL)
                return original(row, *args)
            bank._parse_row = parse_row
        import_files([Path({str(DATA / "bank" / "CCB_01.xlsx")!r})], Path({str(main)!r}), echo=lambda *a, **k: None)
        """
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == -9, result.stderr
    after = {k: v for k, v in snapshot(main.parent).items() if ".tf-tmp-" not in k}
    assert after == before
    entries, errors = load(main)
    assert errors == []
    assert not any(isinstance(e, data.Transaction) and "serial" in e.meta for e in entries)
    # the next import recovers and imports normally; a second run of it adds nothing
    summaries = import_files([DATA / "bank" / "CCB_01.xlsx"], main, echo=quiet)
    assert summaries[0].new == 5
    assert not [p for p in main.parent.rglob("*") if ".tf-tmp-" in p.name]
    done = snapshot(main.parent)
    again = import_files([DATA / "bank" / "CCB_01.xlsx"], main, echo=quiet)
    assert (again[0].new, again[0].duplicate) == (0, 5)
    assert snapshot(main.parent) == done


def test_xlsx_bad_cell_is_reported_at_its_sheet_row(tmp_path: Path) -> None:
    import openpyxl

    main = make_ledger(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B3"] = "交易日期"
    sheet["C3"] = "借方发生额"
    sheet["D3"] = "贷方发生额"
    sheet["E3"] = "摘要"
    sheet.append([None, "2026-01-05", None, 100, "1-1-101"])
    sheet.append([None, "2026-01-06", "abc", None, "x"])
    source = tmp_path / "s.xlsx"
    book.save(source)
    with pytest.raises(click.ClickException) as info:
        import_files([source], main, echo=quiet)
    assert f"{source}:5: 借方发生额: not an amount: 'abc'" in info.value.message


def test_multiline_csv_cell_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    main = make_ledger(tmp_path)
    source = tmp_path / "m.csv"
    source.write_text(
        HEADER + '2026-01-03,S1,,100.00,,张三,1,"two\nlines"\n2026-01-04,S2,,bad,,李四,2,x\n',
        encoding="utf-8",
    )
    with pytest.raises(click.ClickException) as info:
        import_files([source], main, echo=quiet)
    assert f"{source}:3: 贷方金额" in info.value.message
