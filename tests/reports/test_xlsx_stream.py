"""The XLSX writer (reports.xlsx_stream, reports.render_xlsx) read back as a person's tools read
it: every XML part well-formed, openpyxl's values, types, number formats, styles and widths;
text that would run as a formula, control characters, CJK, long and clashing sheet names."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal as D
from typing import ClassVar
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from reports import audit, render_xlsx
from reports.period import Period
from reports.table import Column, Report, Row, Table
from reports.xlsx_stream import Formula, Style, Workbook, column_letter, escape_text

NASTY = "nar\x0bration\x01 \x1b end"  # control characters Beancount accepts in a narration


@dataclass
class Line(Row):
    day: date
    text: str
    amount: D | None
    share: D | None
    count: int
    done: bool
    flagged: bool = False
    columns: ClassVar[tuple[Column, ...]] = (
        Column("day", "日期", "Date", "date"),
        Column("text", "摘要", "Narration"),
        Column("amount", "金额", "Amount", "money"),
        Column("share", "占比", "Share", "percent"),
        Column("count", "笔数", "Count", "int"),
        Column("done", "完成", "Done", "bool"),
    )


LINES = [
    Line(date(2025, 3, 1), '=HYPERLINK("http://x")', D("1234.5"), D("0.25"), 3, True),
    Line(date(2025, 3, 2), "+1 -2 @3", D("-0.01"), None, 0, False, flagged=True),
    Line(date(2025, 3, 3), NASTY, D("7"), D("1"), 12, False),
    Line(date(2025, 3, 4), "保洁费 <b>&amp;\"'  ", None, D("0.333333"), -4, True),
    Line(date(2025, 3, 5), "literal _x0041_ and _X0042_", D("1E+3"), None, 1, False),
    Line(date(1900, 1, 1), "-", D("0.000"), None, 0, False),
]
TOTAL = {"text": "合计 Total", "amount": D("2241.49"), "count": 12}


@dataclass
class Toy(Report):
    def tables(self) -> list[Table]:
        long_zh = "一个非常非常长的中文表格名称超过三十一个字符的限制会被截断"
        return [
            Table("lines", "明细", "Lines", Line.columns, LINES, TOTAL, note="=note 备注"),
            Table("lines", "明细", "Lines", Line.columns, LINES[:1]),  # a clashing name
            Table("long", long_zh, "Long", Line.columns, []),
            Table("long", long_zh, "Long", Line.columns, [], note="empty"),
            Table("a/b[c]:*?", "坏", "Bad", (Column("x", "值", "Value"),), [{"x": "ok"}]),
            Table("History", "", "", (Column("x", "值", "Value"),), [{"x": 1}]),
        ]


REPORT = Toy("toy", "测试", "Toy", "2025-03", "2025年3月")


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def assert_well_formed(data: bytes) -> dict[str, bytes]:
    """Every part parses as XML 1.0 (expat refuses control characters, even as references)."""
    found = parts(data)
    for name, body in found.items():
        ElementTree.fromstring(body)  # raises on anything malformed
        assert body.startswith(b"<?xml"), name
    for required in (
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml",
    ):
        assert required in found
    return found


@pytest.fixture(scope="module")
def data() -> bytes:
    return render_xlsx.render(REPORT)


@pytest.fixture(scope="module")
def book(data) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_every_part_is_well_formed_xml(data) -> None:
    found = assert_well_formed(data)
    assert b"\x0b" not in b"".join(found.values())
    assert b"_x000B_" in found["xl/sharedStrings.xml"]


def test_sheet_names_are_excel_names(book) -> None:
    names = book.sheetnames
    assert len(names) == 6 and len({n.lower() for n in names}) == 6
    assert names[0] == "lines 明细" and names[1] == "lines 明细~2"
    assert all(len(n) <= 31 for n in names)
    assert names[2].startswith("long 一个") and names[3].endswith("~2")
    assert names[4] == "a-b-c---- 坏"
    assert names[5].lower() != "history"
    assert book.properties.title == "测试 Toy 2025-03"


def test_values_types_and_number_formats(book) -> None:
    ws = book["lines 明细"]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:F9"
    assert ws["A1"].value == "明细 Lines — 2025-03" and ws["A1"].font.b and ws["A1"].font.sz == 12
    assert ws["C1"].value == "'=note 备注" and not ws["C1"].font.b
    headers = [c.value for c in ws[2]]
    assert headers == [
        "日期 Date",
        "摘要 Narration",
        "金额 Amount",
        "占比 Share",
        "笔数 Count",
        "完成 Done",
    ]
    assert all(c.font.b and c.fill.fgColor.rgb == "FFDDE4F0" for c in ws[2])
    assert ws["A2"].alignment.wrap_text
    first = ws[3]
    assert first[0].value == datetime(2025, 3, 1) and first[0].number_format == "yyyy-mm-dd"
    assert first[1].value == '\'=HYPERLINK("http://x")' and first[1].data_type == "s"
    assert first[2].value == 1234.5 and first[2].number_format == "#,##0.00"
    assert first[3].value == 0.25 and first[3].number_format == "0.00%"
    assert first[4].value == 3 and isinstance(first[4].value, int)
    assert first[4].number_format == "#,##0"
    assert first[5].value == "是 yes"
    second = ws[4]
    assert second[1].value == "'+1 -2 @3" and second[2].value == -0.01
    assert second[3].value is None and second[5].value is None  # False and None: empty
    assert all(c.fill.fgColor.rgb == "FFFDE2DC" for c in second)  # flagged, empty cells too
    assert ws["A3"].fill.fill_type is None
    assert unescape(ws["B5"].value) == NASTY  # Excel's own escape of control characters
    assert ws["B6"].value == "保洁费 <b>&amp;\"'  "  # escaped, trailing spaces kept
    assert ws["B7"].value == "literal _x0041_ and _X0042_" and ws["C7"].value == 1000
    assert ws["A8"].value == datetime(1900, 1, 1) and ws["B8"].value == "'-"
    total = ws[9]
    assert total[1].value == "合计 Total" and total[1].font.b
    assert total[2].value == 2241.49 and total[2].font.b and total[2].number_format == "#,##0.00"
    assert total[3].value is None
    assert ws.max_row == 9 and ws.max_column == 6


def test_widths_follow_the_widest_value(book) -> None:
    ws = book["lines 明细"]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["A"] == 13  # a date: 11 + 2
    assert widths["B"] == 29  # "literal _x0041_ and _X0042_" (27) + 2
    assert widths["C"] == 16  # a number: 14 + 2
    assert widths["F"] == 11  # the header 完成 Done (9) + 2
    assert book[book.sheetnames[4]].column_dimensions["A"].width == 10  # 值 Value (8) + 2


def test_totals_as_formulas_keep_their_value(tmp_path) -> None:
    path = tmp_path / "f.xlsx"
    render_xlsx.write(REPORT, path, formulas=True)
    assert_well_formed(path.read_bytes())
    ws = openpyxl.load_workbook(path)["lines 明细"]
    assert ws["C9"].value == "=SUM(C3:C8)" and ws["E9"].value == "=SUM(E3:E8)"
    cached = openpyxl.load_workbook(path, data_only=True)["lines 明细"]
    assert cached["C9"].value == 2241.49 and cached["E9"].value == 12


def test_same_report_same_bytes(data) -> None:
    assert render_xlsx.render(REPORT) == data


def test_writer_cells_of_every_kind() -> None:
    buffer = io.BytesIO()
    with Workbook(buffer, title="t & <t>") as book:
        bold = book.style(Style(bold=True))
        money = book.style(Style("#,##0.00"))
        sheet = book.add_sheet("s", freeze_rows=1, autofilter_row=1)
        sheet.append(["a", "b", "c", "d", "e", "f"], bold)
        sheet.append(
            [
                D("NaN"),
                float("inf"),
                2.5,
                datetime(2025, 3, 1, 12, 0),
                Formula("=1+1", 2),
                "\ud800 lone",
            ],
            [money, money, money, 0, 0, 0],
        )
        sheet.append([True, None, date(1850, 1, 1), 10**20, D("-0"), "x" * 70])
        with pytest.raises(ValueError):
            book.add_sheet("S")  # the same name, ignoring case
        with pytest.raises(ValueError):
            book.add_sheet("x" * 32)
    found = assert_well_formed(buffer.getvalue())
    assert b"t &amp; &lt;t&gt;" in found["docProps/core.xml"]
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["s"]
    assert [c.value for c in ws[2]] == [
        "NaN",
        "inf",
        2.5,
        datetime(2025, 3, 1, 12, 0),
        "=1+1",
        "_xD800_ lone",
    ]
    assert ws["C2"].number_format == "#,##0.00" and ws["A1"].font.b
    assert [c.value for c in ws[3]] == ["TRUE", None, "1850-01-01", 10**20, 0, "x" * 70]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F3"


def test_column_letters_and_escapes() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    assert escape_text("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert escape_text("\x00\x1f\t\n\r") == "_x0000__x001F_\t\n\r"
    assert escape_text("_x00A0_") == "_x005F_x00A0_"


def test_audit_workbook_with_control_characters(tmp_path) -> None:
    """A narration with control characters reaches the general ledger and the exceptions; the
    workbook still opens (openpyxl refused to write it before)."""
    from audit_ledgers import CLEAN, load

    text = CLEAN.replace('"2025-03 bills"', f'"2025-03 bills {NASTY}"', 1)
    assert text != CLEAN
    result = audit.compute(load(text), Period.parse("2025-03"), general_ledger=True)
    path = tmp_path / "audit.xlsx"
    render_xlsx.write(result, path)
    assert_well_formed(path.read_bytes())
    book = openpyxl.load_workbook(path)
    gl = book[next(n for n in book.sheetnames if n.startswith("wp-gl"))]
    narrations = {unescape(str(c.value)) for c in gl["D"] if c.value}
    assert f"2025-03 bills {NASTY}" in narrations
    for ws in book.worksheets:  # every sheet: title, headers, then rows
        assert ws["A1"].font.b and ws.freeze_panes == "A3"


def test_calamine_reads_what_excel_would(tmp_path, data) -> None:
    """A second reader (calamine, Rust; the importers' own) decodes ``_xHHHH_`` as Excel does:
    the narration comes back exactly, dates as dates."""
    from python_calamine import CalamineWorkbook

    path = tmp_path / "toy.xlsx"
    path.write_bytes(data)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[4][:3] == [date(2025, 3, 3), NASTY, 7.0]
    assert rows[6][1] == "literal _x0041_ and _X0042_"
    assert rows[-1][1:3] == ["合计 Total", 2241.49]
