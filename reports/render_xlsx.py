"""XLSX: one sheet per table, numbers as numbers with number formats, written as it streams.

Each sheet: the table title in row 1 (its note beside it), bilingual headers in row 2 (bold,
shaded, frozen, with an autofilter), the rows (flagged rows shaded), then the total row in bold
(numbers, so an auditor can re-add them with SUM; with ``formulas`` the totals that are the sum
of their column are ``=SUM(…)`` with the value cached). Columns are as wide as their widest
value (CJK characters count two, capped). Text cells that a spreadsheet would run as formulas
(``=``, ``+``, ``-``, ``@``, tab, carriage return first) are neutralised with a leading ``'``, and
every text is a string cell, never a formula.

The workbook is written by :mod:`reports.xlsx_stream` (the XML parts straight into the zip):
the audit workbook of a 100k-transaction ledger holds a 127,624-row general ledger, which took
openpyxl ~11 s to write even in write-only mode (docs/performance.md).
"""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from typing import Any

from ledger.writer import atomic_file
from reports.format import neutralise, width
from reports.table import Report, Table
from reports.xlsx_stream import Formula, Style, Workbook, column_letter

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
HEADER_FILL = "DDE4F0"
FLAG_FILL = "FDE2DC"  # rows that call for attention
#: Column widths: at least this many characters, text counted up to 60, at most 62.
MIN_WIDTH, MAX_TEXT, MAX_WIDTH = 8, 60, 62


def sheet_name(table: Table, used: set[str]) -> str:
    """``key 中文`` within Excel's 31 characters, without ``[]:*?/\\``, unique ignoring case."""
    base = _BAD_SHEET_CHARS.sub("-", f"{table.key} {table.zh}")[:31].strip().strip("'").strip()
    if not base or base.lower() == "history":  # Excel keeps "History" for itself
        base = f"{base or 'sheet'} 1"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)].rstrip("'") + suffix
        n += 1
    used.add(name.lower())
    return name


def _is_number(value: Any) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def _sum_formulas(table: Table, rows: list[tuple[Any, ...]], first_row: int) -> dict[int, str]:
    """Column index -> ``=SUM(…)`` for the total row's cells that are the plain sum of their
    column."""
    last_row = first_row + len(rows) - 1
    if not table.total or last_row < first_row:
        return {}
    out = {}
    for col, column in enumerate(table.columns):
        total = table.total.get(column.key)
        if column.kind not in SUMMABLE or not _is_number(total):
            continue
        numbers = [row[col] for row in rows if _is_number(row[col])]
        if sum(numbers, Decimal(0)) == total:
            letter = column_letter(col + 1)
            out[col] = f"=SUM({letter}{first_row}:{letter}{last_row})"
    return out


def _other(value: Any) -> str | None:
    """A value that is not text, a number or a date, as the sheet shows it."""
    if isinstance(value, bool):
        return "是 yes" if value else ""
    return str(value)


def _rows(table: Table) -> list[tuple[Any, ...]]:
    """Each row's values in column order (rows may be dicts, ``Row`` dataclasses or objects)."""
    keys = [c.key for c in table.columns]
    out = []
    for row in table.rows:
        if type(row) is tuple:  # already the columns' values, in order
            out.append(row)
        elif isinstance(row, dict):
            out.append(tuple(map(row.get, keys)))
        elif hasattr(row, "to_dict"):
            out.append(tuple(map(row.to_dict().get, keys)))
        else:
            out.append(tuple(getattr(row, key, None) for key in keys))
    return out


class _Palette:
    """The styles of a workbook's cells, by column kind: (number, date, text) triples."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.title = book.style(Style(bold=True, size=12))
        self.header = book.style(Style(bold=True, fill=HEADER_FILL, wrap=True))
        self._cache: dict[tuple[str, bool, str | None], tuple[int, int, int]] = {}

    def cell(self, kind: str, bold: bool = False, fill: str | None = None) -> tuple[int, int, int]:
        key = (kind, bold, fill)
        found = self._cache.get(key)
        if found is None:
            style = self.book.style
            found = self._cache[key] = (
                style(Style(NUMBER_FORMATS.get(kind, "General"), bold, fill=fill)),
                style(Style(NUMBER_FORMATS["date"], bold, fill=fill)),
                style(Style(bold=bold, fill=fill)),
            )
        return found


def _sheet(
    book: Workbook, palette: _Palette, name: str, table: Table, report: Report, formulas: bool
) -> None:
    rows = _rows(table)
    sheet = book.add_sheet(name, freeze_rows=2, autofilter_row=2 if table.columns else None)
    title = f"{table.title} — {report.period_label}"
    if table.note:
        sheet.append([title, None, table.note], [palette.title, 0, 0], measure=False)
    else:
        sheet.append([title], palette.title, measure=False)
    sheet.append([c.label for c in table.columns], palette.header)
    kinds = [c.kind for c in table.columns]
    plain = [palette.cell(kind) for kind in kinds]
    flagged = [palette.cell(kind, fill=FLAG_FILL) for kind in kinds]
    flags = table.flags()
    append = sheet.append
    if any(flags):
        for values, flag in zip(rows, flags, strict=True):
            append(values, flagged if flag else plain)
    else:
        for values in rows:
            append(values, plain)
    if table.total:
        total: list[Any] = [table.total.get(c.key) for c in table.columns]
        if formulas:
            for col, text in _sum_formulas(table, rows, 3).items():
                total[col] = Formula(text, total[col])
        append(total, [palette.cell(kind, bold=True) for kind in kinds])
    for col, size in enumerate(sheet.widths, start=1):
        sheet.column_widths[col] = max(MIN_WIDTH, min(min(size, MAX_TEXT) + 2, MAX_WIDTH))
    for col, column in enumerate(table.columns, start=1):  # headers are never cut
        label = width(column.label) + 2
        if label > sheet.column_widths[col]:
            sheet.column_widths[col] = min(label, MAX_WIDTH)


def write(report: Report, path: Any, formulas: bool = False) -> None:
    """Write the workbook of ``report`` to ``path`` (a path, written all or nothing with
    :func:`ledger.writer.atomic_file`, or a binary file); with ``formulas`` the totals are
    ``=SUM(…)`` of their column where they are one."""
    if isinstance(path, str | os.PathLike):
        with atomic_file(path) as handle:
            write(report, handle, formulas)
        return
    title = f"{report.title} {report.period_label}"
    with Workbook(path, title, measure=width, text=neutralise, other=_other) as book:
        palette = _Palette(book)
        used: set[str] = set()
        for table in report.tables():
            _sheet(book, palette, sheet_name(table, used), table, report, formulas)
        if not used:  # a workbook needs a sheet
            book.add_sheet("无数据 no data").append(
                [f"{report.title} — {report.period_label}"], palette.title, measure=False
            )


def render(report: Report) -> bytes:
    buffer = io.BytesIO()
    write(report, buffer)
    return buffer.getvalue()
