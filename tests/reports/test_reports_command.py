"""`trustfund report …` and write_all."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from reports.period import Period
from trustfund.ops.reporting import report, write_all


def _ledger_file(tmp_path, small_text) -> str:
    path = tmp_path / "main.beancount"
    path.write_text(small_text, encoding="utf-8")
    return str(path)


def test_public_text_to_stdout(tmp_path, small_text) -> None:
    result = CliRunner().invoke(
        report, ["public", "--period", "2025-03", _ledger_file(tmp_path, small_text)]
    )
    assert result.exit_code == 0, result.output
    assert "公示 Public balance" in result.output and "1,490.00" in result.output


def test_xlsx_needs_a_file_and_defaults_one(tmp_path, small_text, monkeypatch) -> None:
    ledger = _ledger_file(tmp_path, small_text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(report, ["audit", "-p", "2025Q1", "-f", "xlsx", ledger])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "audit-2025Q1.xlsx")
    assert wb.sheetnames[0].startswith("summary")


def test_unit_report_and_its_errors(tmp_path, small_text) -> None:
    ledger = _ledger_file(tmp_path, small_text)
    out = tmp_path / "u.html"
    ok = CliRunner().invoke(
        report, ["unit", "-u", "1-1-101", "-p", "2025", "-f", "html", "-o", str(out), ledger]
    )
    assert ok.exit_code == 0, ok.output
    assert "分户对账单 1-1-101" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(report, ["unit", ledger])
    assert missing.exit_code != 0 and "--unit" in missing.output
    unknown = CliRunner().invoke(report, ["unit", "-u", "7-7-7", ledger])
    assert unknown.exit_code != 0 and "unknown unit" in unknown.output
    bad = CliRunner().invoke(report, ["public", "-p", "March", ledger])
    assert bad.exit_code != 0 and "not a period" in bad.output


def test_default_period_is_the_last_entry_month(tmp_path, small_text) -> None:
    result = CliRunner().invoke(report, ["budget", _ledger_file(tmp_path, small_text)])
    assert (
        result.exit_code == 0 and "2025年3月" in result.output
    )  # the last transaction, not the 1 April balance


def test_write_all(small, tmp_path) -> None:
    paths = write_all(small, tmp_path / "out", Period.parse("2025-03"))
    names = sorted(p.name for p in paths)
    assert len(names) == 12 and "public-2025-03.html" in names and "audit-2025-03.xlsx" in names
    assert all(p.stat().st_size > 0 for p in paths)


def test_report_all_writes_every_format(tmp_path, small_text) -> None:
    ledger = _ledger_file(tmp_path, small_text)
    result = CliRunner().invoke(
        report, ["all", "-p", "2025-03", "-o", str(tmp_path / "out"), ledger]
    )
    assert result.exit_code == 0, result.output
    assert (
        sorted(p.suffix for p in (tmp_path / "out").iterdir())
        == [".csv"] * 3 + [".html"] * 3 + [".txt"] * 3 + [".xlsx"] * 3
    )


def test_output_extension_sets_the_format_and_missing_folders_are_made(
    tmp_path, small_text
) -> None:
    ledger = _ledger_file(tmp_path, small_text)
    for name, check in (
        ("audit.xlsx", lambda p: openpyxl.load_workbook(p).sheetnames[0].startswith("summary")),
        ("公示.html", lambda p: p.read_text(encoding="utf-8").lstrip().startswith("<!")),
        ("budget.csv", lambda p: p.read_text(encoding="utf-8-sig").startswith("# ")),
        ("public.TXT", lambda p: "公示 Public balance" in p.read_text(encoding="utf-8")),
    ):
        kind = "public" if name.startswith(("公示", "public")) else name.split(".")[0]
        target = tmp_path / "new" / "folder" / name
        result = CliRunner().invoke(report, [kind, "-p", "2025Q1", "-o", str(target), ledger])
        assert result.exit_code == 0, result.output
        assert check(target), name


def test_every_wrong_output_is_a_message_not_a_traceback(tmp_path, small_text) -> None:
    ledger = _ledger_file(tmp_path, small_text)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    cases = [
        (["public", "-o", str(tmp_path / "x.pdf")], "cannot tell the format"),
        (["public", "-o", str(tmp_path)], "is a folder"),
        (["public", "-o", str(tmp_path / "a-file" / "x.txt")], "cannot write"),
        (["public", "--formulas"], "--formulas applies to XLSX only"),
        (["all", "-o", str(tmp_path / "a-file")], "is a file"),
        (["public", str(tmp_path / "missing.beancount")], "no such ledger"),
    ]
    from cli import main

    for args, message in cases:  # through the trustfund group, as a person runs it
        given = [*args, ledger] if "missing" not in args[-1] else args
        result = CliRunner().invoke(main, ["report", *given])
        assert result.exit_code != 0, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            result.exception,
        )
        assert message in result.output, (args, result.output)
    assert not (tmp_path / "x.pdf").exists()


def test_explicit_format_wins_over_the_extension(tmp_path, small_text) -> None:
    ledger = _ledger_file(tmp_path, small_text)
    target = tmp_path / "report.out"
    result = CliRunner().invoke(report, ["budget", "-f", "csv", "-o", str(target), ledger])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8-sig").startswith("# income")


def test_text_csv_and_xlsx_reports_import_neither_fava_nor_openpyxl(tmp_path, small_text) -> None:
    """A command pays only for what it uses (DESIGN §6): checked in a fresh interpreter. The
    workbook is written by reports.xlsx_stream, not openpyxl."""
    import subprocess
    import sys
    from pathlib import Path

    ledger = _ledger_file(tmp_path, small_text)
    probe = (
        "import sys\n"
        "from cli import main\n"
        "for args in (['report', 'public', '-p', '2025'], ['report', 'budget', '-f', 'csv'],\n"
        "             ['report', 'audit'], ['report', 'unit', '-u', '1-1-101'],\n"
        f"             ['report', 'audit', '-o', {str(tmp_path / 'a.xlsx')!r}]):\n"
        "    try:\n"
        f"        main(args + [{ledger!r}])\n"
        "    except SystemExit as stop:\n"
        "        assert not stop.code, (args, stop.code)\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'fava', 'openpyxl', 'numpy', 'flask', 'pandas'})\n"
        "print('HEAVY', heavy)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "HEAVY []" in done.stdout, done.stdout[-500:]
