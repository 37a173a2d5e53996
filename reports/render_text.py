"""Terminal tables: bilingual headers, right-aligned amounts with thousands separators."""

from __future__ import annotations

from typing import Any

from ledger.writer import atomic_write
from reports.format import display, is_numeric, width
from reports.table import Report, Table


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if right else text + gap


def render_table(table: Table) -> str:
    columns = table.columns
    body: list[list[str]] = [
        [display(row[c.key], c.kind) for c in columns] for row in table.dicts()
    ]
    total: list[str] | None = None
    if table.total:
        total = [display(table.total.get(c.key), c.kind) for c in columns]
    headers = [c.label for c in columns]
    sizes = [width(h) for h in headers]
    for line in body + ([total] if total else []):
        sizes = [max(s, width(cell)) for s, cell in zip(sizes, line, strict=True)]
    numeric = [is_numeric(c.kind) for c in columns]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            _pad(cell.replace("\n", " "), size, right)
            for cell, size, right in zip(cells, sizes, numeric, strict=True)
        ).rstrip()

    rule = "  ".join("-" * s for s in sizes)
    out = [table.title, "=" * width(table.title)]
    if table.note:
        out.append(table.note)
    out.append(fmt(headers))
    out.append(rule)
    if not body:
        out.append("(无 none)")
    out.extend(fmt(line) for line in body)
    if total:
        out.append(rule)
        out.append(fmt(total))
    return "\n".join(out)


def render(report: Report) -> str:
    head = [report.title, report.period_title]
    if report.community_title:
        head.insert(0, report.community_title)
    parts = ["\n".join(head)]
    parts.extend(f"注 note: {note}" for note in report.notes)
    parts.extend(render_table(table) for table in report.tables())
    return "\n\n".join(parts) + "\n"


def write(report: Report, path: Any) -> None:
    atomic_write(path, render(report))
