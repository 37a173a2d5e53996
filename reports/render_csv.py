"""CSV: every table of a report in one UTF-8 (with BOM, for Excel) file.

Each table starts with a ``# key title`` line, then the bilingual header row, the rows and
the total row, then a blank line. Numbers are plain (``1234.50``: no separators), dates ISO.
Text cells that a spreadsheet would run as formulas are neutralised with a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.writer import atomic_write
from reports.format import neutralise
from reports.table import Report


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def render(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for table in report.tables():
        writer.writerow([f"# {table.key}", table.title, report.period_label])
        writer.writerow([c.label for c in table.columns])
        for row in table.dicts():
            writer.writerow([cell(row[c.key]) for c in table.columns])
        if table.total:
            writer.writerow([cell(table.total.get(c.key)) for c in table.columns])
        writer.writerow([])
    return buffer.getvalue()


def write(report: Report, path: Any) -> None:
    atomic_write(path, render(report), encoding="utf-8-sig")
