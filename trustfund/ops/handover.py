"""``trustfund handover``: the hand-over pack of a committee change-over (换届) or a manager's exit.

    trustfund handover --date 2025-12-31 [--kind committee|manager] [-o FOLDER] [LEDGER]

Writes into ``FOLDER`` (default ``handover/`` beside the ledger):

- ``handover-KIND-DATE.xlsx``: one sheet per table of :mod:`reports.handover` (numbers as
  numbers), the ``ties`` sheet giving the beanquery statement behind every figure;
- ``handover-KIND-DATE.pdf``: the same tables on A4 landscape pages, with page numbers and a
  signature block, made by WeasyPrint (``pip install 'trustfund[pdf]'``; it needs the Pango
  libraries: ``apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0``). Without
  WeasyPrint, or with ``--html``, ``handover-KIND-DATE.html`` instead: the same page, ready to
  print from a browser (A4 landscape).

The revision of the ledger's own git repository (and whether it has uncommitted edits) is
printed in the pack, so both sides sign for a known state of the books.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

import click

from ledger.loader import load, resolve_ledger
from ledger.writer import atomic_file, atomic_write
from reports import handover as pack
from reports import render_html, render_xlsx

PRINT_CSS = """
@page{size:A4 landscape;margin:12mm 10mm 14mm;
@bottom-right{content:"第 " counter(page) " / " counter(pages) " 页";font-size:8pt;color:#555}
@bottom-left{content:string(title);font-size:8pt;color:#555}}
h1{string-set:title content()}
body{margin:0;font-size:9pt}
section{page-break-inside:auto}
section#ties td:last-child,section#seals td:nth-child(2){font-family:monospace;font-size:7pt;word-break:break-all}
section#items td{height:2.2em}
.sign{margin-top:2em;display:flex;gap:2em}
.sign div{flex:1;border-top:1px solid #333;padding-top:.3em}
"""


def revision_of(root: Path) -> str:
    """The ledger's own git revision (short), marked when there are uncommitted edits."""
    from ledger.writer import git_toplevel, uncommitted_changes

    top = git_toplevel(root)
    if top is None or top != root.resolve():
        return ""
    head = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if head.returncode != 0:
        return ""
    text = head.stdout.strip()
    if uncommitted_changes(root, all_tracked=True):
        text += " + 未提交的修改 uncommitted edits"
    return text


def render_pack_html(report: pack.HandoverReport) -> str:
    """The pack as one printable page: the report's tables, then the signatures."""
    page = render_html.render(report)
    head = "</style></head>"
    page = page.replace(head, PRINT_CSS + head, 1)
    roles = (
        ("移交人 handed over by", "接收人 received by", "监交人 witness")
        if report.handover_kind == "committee"
        else ("原物业 outgoing manager", "业委会 committee", "继任物业 successor")
    )
    sign = '<div class="sign">' + "".join(
        f"<div>{escape(role)}<br>签字 signature / 日期 date</div>" for role in roles
    )
    return page.replace("</body>", sign + "</div></body>", 1)


def write_pdf(html: str, path: Path) -> bool:
    """Write ``html`` as a PDF with WeasyPrint; False when WeasyPrint cannot run here."""
    try:
        import weasyprint  # optional: trustfund[pdf]
    except (ImportError, OSError):  # not installed, or the Pango libraries are missing
        return False
    with atomic_file(path) as handle:
        weasyprint.HTML(string=html).write_pdf(handle)
    return True


def write_pack(
    ledger: Any, day: date, kind: str, folder: Path, html_only: bool = False
) -> tuple[list[Path], pack.HandoverReport]:
    """Compute the pack and write its XLSX and its PDF (or print-ready HTML)."""
    report = pack.compute(ledger, day, kind, revision=revision_of(Path(ledger.path).parent))
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"handover-{kind}-{day.isoformat()}"
    xlsx = stem.with_suffix(".xlsx")
    render_xlsx.write(report, xlsx)
    html = render_pack_html(report)
    written = [xlsx]
    if not html_only and write_pdf(html, stem.with_suffix(".pdf")):
        written.append(stem.with_suffix(".pdf"))
    else:
        atomic_write(stem.with_suffix(".html"), html)
        written.append(stem.with_suffix(".html"))
    return written, report


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command("handover")
@click.argument("ledger_path", metavar="[LEDGER]", required=False, default="main.beancount")
@click.option(
    "--date",
    "day",
    required=True,
    callback=_parse_day,
    metavar="YYYY-MM-DD",
    help="The hand-over day (figures as of its end).",
)
@click.option(
    "--kind",
    type=click.Choice(pack.KINDS),
    default="committee",
    show_default=True,
    help="committee: a change-over (换届); manager: a manager's exit, with its settlement.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write into (default: handover/ beside the ledger).",
)
@click.option("--html", "html_only", is_flag=True, help="Print-ready HTML instead of PDF.")
def handover(ledger_path: str, day: date, kind: str, output: Path | None, html_only: bool) -> None:
    """Write the hand-over pack (移交清单): XLSX and PDF (or print-ready HTML).

    Balances tied to the ledger (each with the beanquery that recomputes it), open approvals,
    contracts in force, open matters and objections, deposits and prepaid fees held,
    collections not remitted, remuneration owed, the seal chain, documents, what is handed over
    in person and the open rule errors; for a manager's exit also its settlement to the day.
    """
    ledger = load(resolve_ledger(ledger_path))
    if ledger.community.last_date is not None and day > ledger.community.last_date:
        click.echo(
            f"note: the ledger's last entry is {ledger.community.last_date}; "
            f"figures after it are as recorded so far",
            err=True,
        )
    folder = output if output is not None else Path(ledger.path).parent / "handover"
    written, report = write_pack(ledger, day, kind, folder, html_only)
    for path in written:
        click.echo(str(path))
    if written[-1].suffix == ".html" and not html_only:
        click.echo(
            "note: WeasyPrint is not available here (pip install 'trustfund[pdf]' and the Pango "
            "libraries); wrote print-ready HTML instead of PDF",
            err=True,
        )
    if report.errors:
        click.echo(
            f"warning: {len(report.errors)} rule error(s) are open on {day}: listed in the pack",
            err=True,
        )
