"""XLSX (openpyxl, streaming): one sheet per table, numbers as numbers with number formats.

Each sheet: the table title in row 1, bilingual headers in row 2 (frozen, with an
autofilter), the rows, then the total row (numbers, so an auditor can re-add them with SUM).
Text cells that would run as formulas are neutralised with a leading ``'`` and stored as text.

The workbook is written in openpyxl's write-only mode: rows stream to the file instead of
building openpyxl's object model of every cell first (a 100k-transaction audit has tens of
thousands of rows). Column widths are computed before the rows are written, as that mode needs.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.format import neutralise, width
from reports.table import Report, Table

NUMBER_FORMATS = {
    "money": "#,##0.00",
    "area": "#,##0.00",
    "percent": "0.00%",
    "ratio": "0.00%",
    "int": "#,##0",
    "date": "yyyy-mm-dd",
}
SUMMABLE = ("money", "area", "int")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="DDE4F0")
FLAG_FILL = PatternFill("solid", fgColor="FDE2DC")  # rows that call for attention
TITLE_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def _value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是 yes" if value else ""
    if isinstance(value, Decimal | int | date):
        return value
    return neutralise(str(value))


def sheet_name(table: Table, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", f"{table.key} {table.zh}")[:31].strip() or "sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _is_number(value: Any) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def _sum_formulas(table: Table, rows: list[dict[str, Any]], first_row: int) -> dict[str, str]:
    """``=SUM(…)`` for the total row's cells that are the plain sum of their column."""
    last_row = first_row + len(rows) - 1
    if not table.total or last_row < first_row:
        return {}
    out = {}
    for col, column in enumerate(table.columns, start=1):
        total = table.total.get(column.key)
        if column.kind not in SUMMABLE or not _is_number(total):
            continue
        numbers = [row[column.key] for row in rows if _is_number(row.get(column.key))]
        if sum(numbers, Decimal(0)) == total:
            letter = get_column_letter(col)
            out[column.key] = f"=SUM({letter}{first_row}:{letter}{last_row})"
    return out


def _widths(table: Table, rows: list[list[Any]]) -> list[int]:
    """Each column's width in characters (CJK count two), capped like a person would."""
    widths = [width(c.label) for c in table.columns]
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, str):
                widths[index] = max(widths[index], min(width(value), 60))
            elif value is not None:
                widths[index] = max(widths[index], 11 if isinstance(value, date) else 14)
    return [max(8, min(size + 2, 62)) for size in widths]


def _cell(ws: Any, value: Any, kind: str, fill: PatternFill | None, bold: bool) -> Any:
    """A styled write-only cell, or the plain value when it needs no style."""
    number_format = None
    if isinstance(value, date):
        number_format = NUMBER_FORMATS["date"]
    elif value is not None and not isinstance(value, str):
        number_format = NUMBER_FORMATS.get(kind)
    if fill is None and not bold and number_format is None and not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, even after neutralising
    if number_format:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
    if bold:
        cell.font = BOLD
    return cell


def _fill(ws: Any, table: Table, report: Report, formulas: bool = False) -> None:
    rows = table.dicts()
    sums = _sum_formulas(table, rows, 3) if formulas else {}
    flags = table.flags()
    values = [[_value(row.get(c.key)) for c in table.columns] for row in rows]
    total = [_value(table.total.get(c.key)) for c in table.columns] if table.total else None
    for col, size in enumerate(_widths(table, values + ([total] if total else [])), start=1):
        ws.column_dimensions[get_column_letter(col)].width = size
    ws.freeze_panes = "A3"
    if table.columns:
        last_row = max(2, len(rows) + 2)
        ws.auto_filter.ref = f"A2:{get_column_letter(len(table.columns))}{last_row}"

    title = WriteOnlyCell(ws, value=f"{table.title} — {report.period_label}")
    title.font = TITLE_FONT
    ws.append([title, None, neutralise(table.note)] if table.note else [title])
    headers = []
    for column in table.columns:
        header = WriteOnlyCell(ws, value=column.label)
        header.font, header.fill, header.alignment = BOLD, HEADER_FILL, HEADER_ALIGNMENT
        headers.append(header)
    ws.append(headers)
    kinds = [c.kind for c in table.columns]
    for index, line in enumerate(values):
        fill = FLAG_FILL if index < len(flags) and flags[index] else None
        ws.append([_cell(ws, v, kind, fill, False) for v, kind in zip(line, kinds, strict=True)])
    if total is not None:
        cells = []
        for value, column in zip(total, table.columns, strict=True):
            if column.key in sums:
                cell = WriteOnlyCell(ws, value=sums[column.key])
                cell.number_format, cell.font = NUMBER_FORMATS[column.kind], BOLD
                cells.append(cell)
            else:
                cells.append(_cell(ws, value, column.kind, None, True))
        ws.append(cells)


def workbook(report: Report, formulas: bool = False) -> Workbook:
    """The workbook, to be saved once (write-only); with ``formulas`` the totals are
    ``=SUM(…)`` of their column where they are one."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for table in report.tables():
        ws = wb.create_sheet(sheet_name(table, used))
        _fill(ws, table, report, formulas)
    if not used:  # a workbook needs a sheet
        wb.create_sheet("无数据 no data").append([f"{report.title} — {report.period_label}"])
    wb.properties.title = f"{report.title} {report.period_label}"
    return wb


def write(report: Report, path: Any, formulas: bool = False) -> None:
    workbook(report, formulas).save(path)


def render(report: Report) -> bytes:
    buffer = io.BytesIO()
    workbook(report).save(buffer)
    return buffer.getvalue()
