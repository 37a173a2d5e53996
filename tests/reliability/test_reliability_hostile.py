"""Hostile and broken input: every importer through `trustfund import`, tf-* directives, CLI args.

Each case must end in a clear error or a correct import: never a traceback, never a partial
write, and memo text never becomes ledger syntax.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from beancount.core import data
from beancount.parser import parser
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli
from ledger.community import KNOWN_DIRECTIVES
from ledger.loader import format_error, load, load_string

SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"
SKIP_SUFFIXES = (".md", ".beancount", ".py", ".toml")
FIXTURES = sorted(
    p
    for p in SOURCES.rglob("*")
    if p.is_file() and p.parent.name != "LICENSES" and p.suffix not in SKIP_SUFFIXES
)
BANK = SOURCES.parent / "bank"
#: one statement per bank layout (tests/data/bank): cut in half and with a flipped byte
BANK_SAMPLES = (
    sorted(
        {
            p.name.split("_")[0]: p
            for p in sorted(BANK.glob("*_*"), reverse=True)
            if p.suffix not in SKIP_SUFFIXES
        }.values()
    )
    if BANK.is_dir()
    else []
)
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
IGNORED = (".trustfund.lock", ".picklecache", ".rejected.csv")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("template")
    result = CliRunner().invoke(cli.main, ["init", str(base / "L")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    main = next((base / "L").rglob("main.beancount"))
    ledger = load(main, cache=False)
    assert [format_error(e) for e in ledger.errors] == []
    return main.parent


class Folder:
    counter = 0

    def __init__(self, template: Path, tmp: Path) -> None:
        Folder.counter += 1
        self.root = tmp / f"ledger{Folder.counter}"
        shutil.copytree(template, self.root)
        self.main = self.root / "main.beancount"

    def snapshot(self) -> dict[str, bytes]:
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and not any(mark in p.name for mark in IGNORED)
        }

    def entries(self) -> list[data.Directive]:
        return load(self.main, cache=False).entries


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=True)


def assert_clean_exit(result: Result) -> None:
    """Exit 0, or a click error (exit 1/2): never an uncaught exception."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(result.exception))
        raise AssertionError(
            f"uncaught {type(result.exception).__name__}:\n{tb}\noutput:\n{result.output}"
        )
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.exit_code


def import_and_judge(folder: Folder, path: Path, *extra: str) -> Result:
    """Import ``path``; check the all-or-nothing and no-injection properties."""
    before = folder.snapshot()
    # (a pad's synthesised "P" transaction is Beancount's, not an imported row)
    counts_before = Counter(
        type(e).__name__ for e in folder.entries() if getattr(e, "flag", None) != "P"
    )
    result = invoke("import", str(path), "--ledger", str(folder.main), *extra)
    assert_clean_exit(result)
    after = folder.snapshot()
    if result.exit_code != 0:
        assert after == before, (
            f"failed import changed the ledger: {sorted(set(after) ^ set(before))}"
        )
        assert result.output.strip(), "a failure must say why"
        return result
    # success: every written import file parses on its own, and the ledger gained exactly
    # the entries the summary reports
    changed = [name for name in after if before.get(name) != after[name]]
    for name in changed:
        if name.endswith(".beancount"):
            _, errors, _ = parser.parse_string(after[name].decode("utf-8"))
            assert errors == [], (name, errors)
    ledger = load(folder.main, cache=False)
    syntax = [
        e
        for e in ledger.errors
        if type(e).__name__ in ("ParserError", "LexerError", "ParserSyntaxError")
    ]
    assert syntax == [], [format_error(e) for e in syntax]
    counts_after = Counter(
        type(e).__name__ for e in ledger.entries if getattr(e, "flag", None) != "P"
    )
    added = counts_after - counts_before
    assert set(added) <= {"Transaction", "Balance", "Open", "Custom", "Pad"}, added
    new = sum(
        int(m.group(1))
        for m in re.finditer(  # file importer read new dup skipped rejected
            r"^\S+\s+\S+\s+\d+\s+(\d+)\s+\d+\s+\d+\s+\d+\s*$", result.output, re.M
        )
    )
    assert added["Transaction"] + added["Custom"] <= new + 0, (added, new, result.output)
    assert not any(isinstance(e, data.Open) and "Evil" in e.account for e in ledger.entries)
    assert all(not str(f).startswith("/etc") for f in ledger.options.get("include", []))
    return result


# ---------------------------------------------------------------------------------------
# bank statements with hostile cells

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "\n2025-01-01 open Assets:Evil CNY\n",
            'x"\n  Assets:Evil 1 CNY\n',
            'include "/etc/passwd"',
            'option "title" "pwned"\r\nplugin "os.system"',
            "\x00\x01\x1b[31m\x7f\u2028\u2029\ufeff",
            '=HYPERLINK("http://evil")',
            "@SUM(1+1)*cmd|' /C calc'!A0",
            '; comment\n* "x"',
            "物业费 " * 5000,
            '\\"\\\\"',
        ]
    ),
)
AMOUNTS = st.one_of(
    st.decimals(
        min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
    ).map(str),
    st.sampled_from(
        [
            "1e400",
            "NaN",
            "inf",
            "-0",
            "99999999999999999999999999999.999",
            "１２３.００",
            "=1+1",
            "",
            " ",
            "1,234.56",
            "(12.00)",
            "¥12",
            "0x10",
            "1_000",
            "--5",
            "12.345",
            "1" * 400,
        ]
    ),
)
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "0000-00-00",
            "2025-02-30",
            "2025-13-01",
            "20250301",
            "45000",
            "99999999",
            "",
            "昨天",
            "2025/3/1",
            "3/1/2025",
        ]
    ),
)
ROW = st.tuples(
    DATES,
    AMOUNTS,
    AMOUNTS,
    HOSTILE_TEXT,
    HOSTILE_TEXT,
    st.text(alphabet="0123456789ABC", min_size=0, max_size=12),
)
ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5", "latin-1", "shift_jis"]
)


def bank_csv(rows: list[tuple[str, str, str, str, str, str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["交易日期", "借方发生额", "贷方发生额", "对方户名", "摘要", "交易流水号"])
    for day, debit, credit, name, memo, serial in rows:
        out.writerow([day, debit, credit, name, memo, serial])
    return buffer.getvalue().encode(encoding, errors="replace")


@SETTINGS
@given(rows=st.lists(ROW, min_size=0, max_size=6), encoding=ENCODINGS, skip=st.booleans())
def test_hostile_bank_csv(
    template: Path, tmp_path: Path, rows: list, encoding: str, skip: bool
) -> None:
    folder = Folder(template, tmp_path)
    path = tmp_path / f"statement{Folder.counter}.csv"
    path.write_bytes(bank_csv(rows, encoding))
    extra = ["--account", "Assets:Bank:Trust"] + (["--skip-bad-rows"] if skip else [])
    import_and_judge(folder, path, *extra)


def test_memo_cannot_inject_directives(template: Path, tmp_path: Path) -> None:
    folder = Folder(template, tmp_path)
    rows = [
        (
            "2025-03-01",
            "",
            "100.00",
            'x"\n2025-01-01 open Assets:Evil CNY\n',
            '"\ninclude "/etc/passwd"\n',
            "S1",
        ),
        (
            "2025-03-02",
            "",
            "200.00",
            "张三",
            '物业费"\n  Assets:Evil  5 CNY\n2025-03-02 * "x',
            "S2",
        ),
        ("2025-03-03", "", "300.00", "\x1b]0;x\x07", '; comment\r\noption "title" "pwned"', "S3"),
    ]
    path = tmp_path / "inject.csv"
    path.write_bytes(bank_csv(rows, "utf-8"))
    result = import_and_judge(folder, path, "--account", "Assets:Bank:Trust")
    assert result.exit_code == 0, result.output
    ledger = load(folder.main, cache=False)
    txns = [e for e in ledger.entries if isinstance(e, data.Transaction)]
    assert len(txns) == 3
    assert ledger.options["title"] != "pwned"
    assert {p.account for t in txns for p in t.postings}.isdisjoint({"Assets:Evil"})
    # the memo survives as text
    assert any("Assets:Evil" in (t.narration or "") for t in txns)


# ---------------------------------------------------------------------------------------
# random bytes, truncated real exports, empty and odd files

SUFFIXES = [".csv", ".xlsx", ".xls", ".ofx", ".sta", ".xml", ".txt", ""]


@SETTINGS
@given(blob=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(template: Path, tmp_path: Path, blob: bytes, suffix: str) -> None:
    folder = Folder(template, tmp_path)
    path = tmp_path / f"random{Folder.counter}{suffix}"
    path.write_bytes(blob)
    import_and_judge(folder, path)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}"[:40])
def test_truncated_exports(template: Path, tmp_path: Path, fixture: Path) -> None:
    blob = fixture.read_bytes()
    for i, fraction in enumerate((0.0, 0.07, 0.5, 0.93)):
        folder = Folder(template, tmp_path)
        path = tmp_path / f"cut{i}{fixture.suffix}"
        path.write_bytes(blob[: int(len(blob) * fraction)])
        import_and_judge(folder, path, "--account", "Assets:Bank:Trust")
    # a copy with a flipped byte in the middle
    folder = Folder(template, tmp_path)
    flipped = bytearray(blob)
    flipped[len(flipped) // 2] ^= 0xFF
    path = tmp_path / f"flipped{fixture.suffix}"
    path.write_bytes(bytes(flipped))
    import_and_judge(folder, path, "--account", "Assets:Bank:Trust")


@pytest.mark.parametrize("sample", BANK_SAMPLES, ids=lambda p: p.name[:30])
def test_damaged_bank_statements(template: Path, tmp_path: Path, sample: Path) -> None:
    blob = sample.read_bytes()
    folder = Folder(template, tmp_path)
    path = tmp_path / f"half{sample.suffix}"
    path.write_bytes(blob[: len(blob) // 2])
    import_and_judge(folder, path, "--account", "Assets:Bank:Trust")
    flipped = bytearray(blob)
    for offset in range(len(flipped) // 3, len(flipped), max(1, len(flipped) // 7)):
        flipped[offset] ^= 0x5A
    path = tmp_path / f"flipped{sample.suffix}"
    path.write_bytes(bytes(flipped))
    import_and_judge(Folder(template, tmp_path), path, "--account", "Assets:Bank:Trust")
    # the intact statement imports (a correct import is the other allowed outcome)
    intact = tmp_path / f"intact{sample.suffix}"
    intact.write_bytes(blob)
    # (the account's first statement: its opening balance is confirmed with --pad-opening)
    result = import_and_judge(
        Folder(template, tmp_path), intact, "--account", "Assets:Bank:Trust", "--pad-opening"
    )
    assert result.exit_code == 0, result.output


def test_xlsx_with_formulas_huge_cells_and_absurd_numbers(template: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["交易日期", "借方发生额", "贷方发生额", "对方户名", "摘要", "交易流水号"])
    sheet.append([date(2025, 3, 1), None, "=100+20", "张三", '=HYPERLINK("x")', "F1"])
    sheet.append([date(2025, 3, 2), None, 1e308, "李四", "x" * 32000, "F2"])
    sheet.append([date(2025, 3, 3), None, -1e-300, "王五", "\t\u200b\u202e", "F3"])
    sheet.append([99999999, None, 12.5, "赵六", "日期超界", "F4"])
    sheet.append(
        [
            date(2025, 3, 5),
            None,
            1234567890123456789,
            "钱七",
            "\n2025-01-01 open Assets:Evil CNY",
            "F5",
        ]
    )
    path = tmp_path / "hostile.xlsx"
    book.save(path)
    for extra in ([], ["--skip-bad-rows"]):
        folder = Folder(template, tmp_path)
        import_and_judge(folder, path, "--account", "Assets:Bank:Trust", *extra)


def test_empty_and_header_only(template: Path, tmp_path: Path) -> None:
    for name, blob in [
        ("empty.csv", b""),
        ("bom.csv", b"\xef\xbb\xbf"),
        ("header.csv", "交易日期,贷方发生额\n".encode()),
        ("nul.csv", b"\x00" * 100),
        ("empty.xlsx", b""),
        ("dir-like.xls", b"PK\x03\x04"),
    ]:
        folder = Folder(template, tmp_path)
        path = tmp_path / name
        path.write_bytes(blob)
        result = import_and_judge(folder, path, "--account", "Assets:Bank:Trust")
        assert result.exit_code != 0 or "0" in result.output


# ---------------------------------------------------------------------------------------
# malformed tf-* directives

#: Every directive the parser knows, and names it must refuse as TF001.
NAMES = st.sampled_from([*sorted(KNOWN_DIRECTIVES), "tf-bogus", "tf-", "tf-unit "])
VALUE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"\\\n\r'), max_size=12).map(
        lambda s: f'"{s}"'
    ),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12
    ).map(str),
    st.sampled_from(
        [
            "0",
            "-1",
            "1.5",
            "0.10",
            "100.00 CNY",
            "-5 CNY",
            "2025-02-30",
            "2025-03-01",
            "TRUE",
            "FALSE",
            "Assets:Bank:Trust",
            '"sha256:' + "a" * 64 + '"',
            '"2025-13"',
            '">=2/3"',
            '">1/2"',
            '"yes"',
            '"fees"',
        ]
    ),
)


@SETTINGS
@given(name=NAMES, values=st.lists(VALUE, max_size=7))
def test_malformed_tf_directives_never_raise(name: str, values: list[str]) -> None:
    text = (
        'option "operating_currency" "CNY"\nplugin "trustfund.xinyi"\n'
        "2025-01-01 open Assets:Bank:Trust CNY\n"
        f'2025-01-02 custom "{name}" {" ".join(values)}\n'
    )
    ledger = load_string(text)  # must not raise
    rendered = [format_error(e) for e in ledger.errors]
    customs = [e for e in ledger.entries if isinstance(e, data.Custom)]
    if customs and name.strip() not in KNOWN_DIRECTIVES:
        assert any("TF001" in line for line in rendered), rendered  # unknown tf-* name
    if customs and name == "tf-unit" and len(values) != 3:
        assert any("TF001" in line for line in rendered), rendered  # wrong number of values
    for line in rendered:
        assert re.match(r"^.+:\d+: ", line), line


# ---------------------------------------------------------------------------------------
# the command line's own arguments

ARGS = st.sampled_from(
    [
        "main.beancount",
        "missing.beancount",
        ".",
        "..",
        "/etc/passwd",
        "2025-03",
        "2025-13",
        "0000-00",
        "2025Q5",
        "9999",
        "-1",
        "--format",
        "xlsx",
        "html",
        "--period",
        "--ledger",
        "--account",
        "Assets:Evil",
        "--dry-run",
        "--skip-bad-rows",
        "3-1-101",
        "R-2025-01",
        "../" * 20 + "etc/passwd",
        "x" * 5000,
        "物业费",
        "'; rm -rf /'",
        "--",
        "--include-earlier",
        "--out",
        "out",
    ]
)
COMMANDS = [
    "check",
    "vote",
    "import",
    "report",
    "seal",
    "verify",
    "init",
    "close-year",
    "nonexistent",
]


@SETTINGS
@given(command=st.sampled_from(COMMANDS), args=st.lists(ARGS, max_size=5))
def test_cli_arguments_never_traceback(
    template: Path, tmp_path: Path, command: str, args: list[str]
) -> None:
    folder = Folder(template, tmp_path)
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        shutil.copytree(folder.root, "ledger")
        Path("main.beancount").write_text('include "ledger/main.beancount"\n', encoding="utf-8")
        result = runner.invoke(cli.main, [command, *args], catch_exceptions=True)
    assert_clean_exit(result)
