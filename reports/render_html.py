"""A self-contained, printable HTML page (inline CSS, no scripts, no external files).

Every value is escaped: memos and payee names are written by people and may hold markup.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ledger.writer import atomic_write
from reports.format import display, is_numeric
from reports.table import Report, Table

CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#111}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .4em;border-bottom:1px solid #999}
p.period{color:#444;margin:0 0 1em}p.note{color:#555;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.85em;margin-bottom:.5em}
th,td{border:1px solid #bbb;padding:.25em .45em;vertical-align:top}
th{background:#eef;text-align:left}th small{display:block;font-weight:normal;color:#555}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;background:#f6f6f6}tr.flag td{background:#fff3f0}
td.empty{color:#777;font-style:italic}td.date{white-space:nowrap}
@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}
thead{display:table-header-group}}
"""


def _esc(text: str) -> str:
    return escape(text, quote=True)


def render_table(table: Table) -> str:
    out = [
        f'<section id="{_esc(table.key)}">',
        f"<h2>{_esc(table.zh)} <small>{_esc(table.en)}</small></h2>",
    ]
    if table.note:
        out.append(f'<p class="note">{_esc(table.note)}</p>')
    out.append("<table>")
    out.append(
        "<thead><tr>"
        + "".join(
            f'<th scope="col">{_esc(c.zh)}<small>{_esc(c.en)}</small></th>' for c in table.columns
        )
        + "</tr></thead>"
    )
    out.append("<tbody>")
    rows = table.dicts()
    if not rows:
        out.append(f'<tr><td class="empty" colspan="{len(table.columns)}">无 none</td></tr>')
    for row, flagged in zip(rows, table.flags(), strict=True):
        cls = ' class="flag"' if flagged else ""
        out.append(
            f"<tr{cls}>" + "".join(_cell(row[c.key], c.kind) for c in table.columns) + "</tr>"
        )
    out.append("</tbody>")
    if table.total:
        out.append(
            '<tfoot><tr class="total">'
            + "".join(_cell(table.total.get(c.key), c.kind) for c in table.columns)
            + "</tr></tfoot>"
        )
    out.append("</table></section>")
    return "\n".join(out)


def _cell(value: Any, kind: str) -> str:
    text = _esc(display(value, kind))
    if is_numeric(kind):
        return f'<td class="num">{text}</td>'
    return f'<td class="date">{text}</td>' if kind == "date" else f"<td>{text}</td>"


def render(report: Report) -> str:
    title = report.title
    head = _esc(report.community_title + " " if report.community_title else "") + _esc(title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{head} {_esc(report.period_label)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{head}</h1>",
        f'<p class="period">{_esc(report.period_title)}</p>',
    ]
    parts.extend(f'<p class="note">注 note: {_esc(note)}</p>' for note in report.notes)
    parts.extend(render_table(table) for table in report.tables())
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write(report: Report, path: Any) -> None:
    atomic_write(path, render(report))
