"""Cell parsers, header finding, encodings and categorisation rules."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from importers.bank import BankStatementImporter
from importers.base import ImportContext, assign_content_serials, dedup_key
from importers.readers import (
    Row,
    Sheet,
    cell_text,
    decode_text,
    file_kind,
    find_header,
    norm_label,
    parse_amount,
    parse_date,
    preamble_values,
    read_table,
)
from importers.records import SourceError, StatementRow
from importers.rules import Rules, load_rules, parse_rules
from ledger.loader import load_string

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("2026-01-05 14:06:51", date(2026, 1, 5)),
        ("2025/12/03  14:06:51", date(2025, 12, 3)),
        ("20260105", date(2026, 1, 5)),
        (20260105, date(2026, 1, 5)),
        ("2026年1月5日", date(2026, 1, 5)),
        (46027, date(2026, 1, 5)),  # Excel serial
        (46027.5, date(2026, 1, 5)),
        ("46027", date(2026, 1, 5)),
        (datetime(2026, 1, 5, 9, 30), date(2026, 1, 5)),
        ("  2026-01-05\t", date(2026, 1, 5)),
    ],
)
def test_parse_date(cell: object, expected: date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["", None, "2026-13-01", "05/01/2026x", "tomorrow", True])
def test_parse_date_rejects(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234.56", Decimal("1234.56")),
        ('"1,234.56"\t', Decimal("1234.56")),
        ("¥28.16", Decimal("28.16")),
        ("￥742.00", Decimal("742.00")),
        ("CNY 123.18", Decimal("123.18")),
        ("+10000.00", Decimal("10000.00")),
        ("-6,086.11", Decimal("-6086.11")),
        ("(12.50)", Decimal("-12.50")),
        ("1,234.56-", Decimal("-1234.56")),
        (16.78, Decimal("16.78")),
        (0.1 + 0.2, Decimal("0.30")),
        (1580, Decimal("1580.00")),
        ("", None),
        ("-", None),
        ("--", None),
        (None, None),
    ],
)
def test_parse_amount(cell: object, expected: Decimal | None) -> None:
    value = parse_amount(
        cell.strip('"\t').replace('"', "")
        if isinstance(cell, str) and cell.startswith('"')
        else cell
    )
    assert value == expected
    assert value is None or isinstance(value, Decimal)


@pytest.mark.parametrize(
    "cell", ["xx,yyyy.zz", "12x.00", "1.2.3", "-5-", "--5", True, float("nan")]
)
def test_parse_amount_rejects(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(cell)


def test_cell_text_and_labels() -> None:
    assert cell_text("\u3000记账日          ") == "记账日"
    assert cell_text("/") == "" and cell_text(" -- ") == ""
    assert cell_text(6688.0) == "6688"
    assert norm_label("借方金额（支出）") == norm_label("借方金额(支出)") == "借方金额(支出)"
    assert norm_label("交易金额[ Trade Amount ]") == "交易金额"
    assert norm_label("借方发生额/元(支取)") == "借方发生额(支取)"
    assert norm_label("账　　号：") == "账号:"


def test_two_row_header_is_merged() -> None:
    rows = [
        Row(1, ["中国建设银行"]),
        Row(2, ["记账日期", "发生额/元", "", "余额/元"]),
        Row(3, ["", " 借方 ", " 贷方 ", ""]),
        Row(4, ["20260105", 0.0, 320.0, 1320.0]),
    ]
    header = find_header(
        Sheet("x", "s", rows),
        {"date": ("记账日期",), "debit": ("借方",), "credit": ("贷方",)},
        lambda cols: "date" in cols and "debit" in cols,
        sub_labels=("借方", "贷方"),
    )
    assert header is not None
    assert header.columns == {"date": 0, "debit": 1, "credit": 2}
    assert header.data_start == 3


def test_preamble_key_values() -> None:
    rows = [
        Row(1, ["账　　号：", "6222 0000 1111", "账户名称", "信义"]),
        Row(2, ["户名:信义小区\n账号：5101 0188\n币种：人民币"]),
        Row(3, ["期初余额", "100,000.00", "对账单余额", "91,720.00"]),
    ]
    values = preamble_values(
        rows, {"account_number": ("账号",), "opening": ("期初余额",), "closing": ("对账单余额",)}
    )
    assert values == {
        "account_number": "6222 0000 1111",
        "opening": "100,000.00",
        "closing": "91,720.00",
    }


def test_file_kind_is_told_by_content_not_name(tmp_path: Path) -> None:
    disguised = tmp_path / "statement.csv"
    shutil.copy(DATA / "bank" / "CIB_01.xlsx", disguised)
    assert file_kind(disguised) == "xlsx"
    importer = BankStatementImporter(
        ImportContext(rules=Rules(default_account="Assets:Bank:Trust"))
    )
    assert importer.identify(str(disguised))
    assert len(importer.read(str(disguised)).rows) == 5
    assert file_kind(DATA / "deb-sig" / "example-spdb_debit-records.xls") == "xls"


def test_decoding() -> None:
    text = "交易日期,摘要\n"
    assert decode_text(text.encode("gb18030")) == (text, "gb18030")
    assert decode_text(("\ufeff" + text).encode("utf-8")) == (text, "utf-8-sig")
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")


def test_unreadable_files_raise_source_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError):
        read_table(broken)
    with pytest.raises(SourceError):
        read_table(tmp_path / "missing.csv")


def test_identify_peeks_without_reading_everything(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("交易日期,贷方金额,借方金额\n" + "2026-01-05,1.00,\n" * 20000, encoding="utf-8")
    sheets = read_table(big, max_rows=60)
    assert len(sheets[0].rows) == 60


def test_rules_file_errors_name_the_rule(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="rule 1"):
        parse_rules({"rule": [{"memo": "x", "account": "费用:保洁"}]})
    with pytest.raises(SourceError, match="bad pattern"):
        parse_rules({"rule": [{"memo": "(", "account": "Expenses:X"}]})
    with pytest.raises(SourceError, match="not a ledger account"):
        parse_rules({"rule": [{"memo": "x", "account": "Expenses:保洁"}]})
    with pytest.raises(SourceError, match="metadata keys"):
        parse_rules({"rule": [{"memo": "x", "account": "Expenses:X", "meta": {"Contract": "C-1"}}]})
    with pytest.raises(SourceError, match="unknown keys"):
        parse_rules({"rule": [{"payee": "x", "account": "Expenses:X"}]})
    bad = tmp_path / "import-rules.toml"
    bad.write_text("[accounts\n", encoding="utf-8")
    with pytest.raises(SourceError, match="cannot read import rules"):
        load_rules(bad)


def test_categorisation_order() -> None:
    rules = parse_rules(
        {
            "units": {"known-only": True},
            "extract": [{"key": "approval", "pattern": r"(AP-\d{4}-\d+)"}],
            "rule": [{"counterparty": "车位", "direction": "in", "account": "Income:Fees:Parking"}],
        }
    )
    community = load_string('2025-01-01 custom "tf-unit" "3-1-1001" 89.50 "O-1"\n').community
    row = StatementRow(
        2, date(2026, 1, 5), Decimal("150.00"), counterparty="车位管理", memo="3-1-1001 车位费"
    )
    assert rules.categorise(row, "Assets:Bank:Trust", community).account == "Income:Fees:Parking"
    assert rules.categorise(row, "Assets:Bank:Trust", community).posting_meta == {
        "unit": "3-1-1001"
    }
    fee = StatementRow(3, date(2026, 1, 5), Decimal("320.00"), memo="3-1-1001 物业费")
    assert rules.categorise(fee, "Assets:Bank:Trust", community).account == "Assets:Receivable:Fees"
    unknown = StatementRow(4, date(2026, 1, 5), Decimal("320.00"), memo="9-9-9999 物业费")
    assert rules.categorise(unknown, "Assets:Bank:Trust", community).account == "Income:Suspense"
    out = StatementRow(5, date(2026, 1, 6), Decimal("-500.00"), memo="AP-2026-001 清洁")
    result = rules.categorise(out, "Assets:Bank:Trust", community)
    assert (result.account, result.txn_meta) == ("Expenses:Suspense", {"approval": "AP-2026-001"})


def test_content_serials_are_stable_and_count_identical_rows() -> None:
    row = StatementRow(2, date(2026, 1, 5), Decimal("320.00"), memo="1-1-101 物业费")
    first = assign_content_serials([row, row])
    again = assign_content_serials([row, row])
    assert first[0].serial != first[1].serial
    assert [r.serial for r in first] == [r.serial for r in again]
    assert all(str(r.serial).startswith("h:") for r in first)


def test_dedup_key_uses_serial_and_account() -> None:
    entries = load_string(
        "2025-01-01 open Assets:Bank:Trust\n2025-01-01 open Assets:Bank:Other\n2025-01-01 open Income:X\n"
        '2025-01-02 * "a"\n  serial: "S1"\n  Assets:Bank:Trust  1 CNY\n  Income:X\n'
        '2025-01-02 * "b"\n  serial: "S1"\n  Assets:Bank:Other  1 CNY\n  Income:X\n'
    ).entries
    keys = [dedup_key(e) for e in entries if hasattr(e, "postings")]
    assert keys == ["txn|Assets:Bank:Trust|S1", "txn|Assets:Bank:Other|S1"]


def test_html_table_disguised_as_xls(tmp_path: Path) -> None:
    page = tmp_path / "明细.xls"
    page.write_text(
        "<html><head><meta charset='gbk'></head><body><table>"
        "<tr><td>账号</td><td>5101 0188 0000 1234 5678</td></tr>"
        "<tr><th>交易日期</th><th>借方发生额</th><th>贷方发生额</th><th>余额</th><th>对方户名</th><th>摘要</th></tr>"
        "<tr><td>2026-01-05</td><td></td><td>1,580.00</td><td>101,580.00</td><td>张三</td><td>3-1-1001 物业费 &amp; 车位</td></tr>"
        "</table></body></html>",
        encoding="gb18030",
    )
    assert file_kind(page) == "html"
    statement = BankStatementImporter(
        ImportContext(rules=Rules(default_account="Assets:Bank:Trust"))
    ).read(str(page))
    assert [(r.amount, r.memo) for r in statement.rows] == [
        (Decimal("1580.00"), "3-1-1001 物业费 & 车位")
    ]
    assert statement.account_number == "5101 0188 0000 1234 5678"
    assert statement.closing_balance == Decimal("101580.00")


def test_rows_that_moved_no_money_are_skipped(tmp_path: Path) -> None:
    source = tmp_path / "zero.csv"
    source.write_text(
        "交易日期,借方金额,贷方金额,摘要\n2026-01-05,0.00,0.00,利率调整\n2026-01-06,,5.00,结息\n",
        encoding="utf-8",
    )
    statement = BankStatementImporter(
        ImportContext(rules=Rules(default_account="Assets:Bank:Trust"))
    ).read(str(source))
    assert [r.amount for r in statement.rows] == [Decimal("5.00")] and statement.errors == []


def test_closing_balance_of_a_newest_first_statement(tmp_path: Path) -> None:
    source = tmp_path / "desc.csv"
    source.write_text(
        "交易日期,借方金额,贷方金额,余额,摘要\n2026-01-09,,10.00,1030.00,c\n2026-01-05,,20.00,1020.00,b\n2026-01-01,100.00,,1000.00,a\n",
        encoding="utf-8",
    )
    statement = BankStatementImporter(
        ImportContext(rules=Rules(default_account="Assets:Bank:Trust"))
    ).read(str(source))
    assert (statement.closing_balance, statement.closing_date) == (
        Decimal("1030.00"),
        date(2026, 1, 9),
    )
    assert statement.opening_balance == Decimal("1100.00")


def test_preamble_closing_balance_when_rows_have_none(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text(
        '期末余额,"2,500.00"\n交易日期,借方金额,贷方金额,摘要\n2026-01-03,,500.00,x\n',
        encoding="utf-8",
    )
    statement = BankStatementImporter(
        ImportContext(rules=Rules(default_account="Assets:Bank:Trust"))
    ).read(str(source))
    assert (statement.closing_balance, statement.closing_date) == (
        Decimal("2500.00"),
        date(2026, 1, 3),
    )
