"""XLSX (openpyxl): one sheet per table, numbers as numbers with number formats.

Each sheet: the table title in row 1, bilingual headers in row 2 (frozen, with an
autofilter), the rows, then the total row (numbers, so an auditor can re-add them with SUM).
Text cells that would run as formulas are neutralised with a leading ``'`` and stored as text.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
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
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="DDE4F0")
FLAG_FILL = PatternFill("solid", fgColor="FDE2DC")  # rows that call for attention


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


SUMMABLE = ("money", "area", "int")


def _sum_formulas(table: Table, first_row: int, last_row: int) -> dict[str, str]:
    """``=SUM(…)`` for the total row's cells that are the plain sum of their column."""
    if not table.total or last_row < first_row:
        return {}
    rows = table.dicts()
    out = {}
    for col, column in enumerate(table.columns, start=1):
        total = table.total.get(column.key)
        if (
            column.kind not in SUMMABLE
            or isinstance(total, bool)
            or not isinstance(total, Decimal | int)
        ):
            continue
        values = [r.get(column.key) for r in rows]
        if (
            sum(
                (v for v in values if isinstance(v, Decimal | int) and not isinstance(v, bool)),
                Decimal(0),
            )
            == total
        ):
            letter = get_column_letter(col)
            out[column.key] = f"=SUM({letter}{first_row}:{letter}{last_row})"
    return out


def _fill(ws: Any, table: Table, report: Report, formulas: bool = False) -> None:
    ws.cell(row=1, column=1, value=f"{table.title} — {report.period_label}").font = Font(
        bold=True, size=12
    )
    if table.note:
        ws.cell(row=1, column=3, value=neutralise(table.note))
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=2, column=col, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rows = table.dicts()
    sums = _sum_formulas(table, 3, len(rows) + 2) if formulas else {}
    if table.total:
        rows = [*rows, {c.key: table.total.get(c.key) for c in table.columns}]
    widths = [width(c.label) for c in table.columns]
    flags = table.flags()
    for r, row in enumerate(rows, start=3):
        flagged = r - 3 < len(flags) and flags[r - 3]
        for col, column in enumerate(table.columns, start=1):
            value = _value(row.get(column.key))
            is_total = bool(table.total) and r == len(rows) + 2
            if is_total and column.key in sums:
                cell = ws.cell(row=r, column=col, value=sums[column.key])
                cell.number_format = NUMBER_FORMATS[column.kind]
                cell.font = Font(bold=True)
                continue
            cell = ws.cell(row=r, column=col, value=value)
            if flagged:
                cell.fill = FLAG_FILL
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, even after neutralising
                widths[col - 1] = max(widths[col - 1], min(width(value), 60))
            elif value is not None:
                fmt = NUMBER_FORMATS.get(column.kind)
                if isinstance(value, date):
                    fmt = NUMBER_FORMATS["date"]
                if fmt:
                    cell.number_format = fmt
                widths[col - 1] = max(widths[col - 1], 14 if not isinstance(value, date) else 11)
        if table.total and r == len(rows) + 2:
            for col in range(1, len(table.columns) + 1):
                ws.cell(row=r, column=col).font = Font(bold=True)
    for col, size in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(8, min(size + 2, 62))
    ws.freeze_panes = "A3"
    last_row = max(2, len(rows) + 2 - (1 if table.total else 0))
    ws.auto_filter.ref = f"A2:{get_column_letter(len(table.columns))}{last_row}"


def workbook(report: Report, formulas: bool = False) -> Workbook:
    """The workbook; with ``formulas`` the totals are ``=SUM(…)`` of their column where they are one."""
    wb = Workbook()
    first = wb.active
    used: set[str] = set()
    for index, table in enumerate(report.tables()):
        ws = first if index == 0 else wb.create_sheet()
        ws.title = sheet_name(table, used)
        _fill(ws, table, report, formulas)
    wb.properties.title = f"{report.title} {report.period_label}"
    return wb


def write(report: Report, path: Any, formulas: bool = False) -> None:
    workbook(report, formulas).save(path)


def render(report: Report) -> bytes:
    import io

    buffer = io.BytesIO()
    workbook(report).save(buffer)
    return buffer.getvalue()
