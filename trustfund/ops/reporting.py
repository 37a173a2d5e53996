"""``trustfund report public|budget|audit|unit|all``: compute a report and render it.

    trustfund report public --period 2025-03 -o 公示-2025-03.html main.beancount
    trustfund report audit --period 2025 -o audit-2025.xlsx
    trustfund report unit --unit 3-1-101 --period 2025

With ``-o FILE`` and no ``--format`` the format follows the file's extension; a missing folder
is created. ``write_all(ledger, out_dir, period)`` writes the public, budget and audit reports
in every format (for the demo and for ``report all``).

A command pays only for what it uses (DESIGN.md §6): the report module of the kind asked for and
the renderer of the format asked for are imported when they are needed, so ``--format text``
never imports openpyxl, and the public report never imports Fava.
"""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, ParamSpec

import click

from reports.period import Period
from reports.table import Report

P = ParamSpec("P")
KINDS = ("public", "budget", "audit", "unit", "settlement", "all")
#: format -> the file extension it writes
FORMATS = {"text": "txt", "html": "html", "xlsx": "xlsx", "csv": "csv"}
#: file extension -> format, for ``-o FILE`` without ``--format``
FORMAT_OF_SUFFIX = {".txt": "text", ".text": "text", ".htm": "html"} | {
    f".{extension}": fmt for fmt, extension in FORMATS.items()
}


class ReportError(Exception):
    """A report cannot be written as asked (the command says why)."""


def renderer(fmt: str) -> ModuleType:
    """The renderer module of a format, imported on first use."""
    if fmt == "text":
        from reports import render_text

        return render_text
    if fmt == "html":
        from reports import render_html

        return render_html
    if fmt == "xlsx":
        from reports import render_xlsx

        return render_xlsx
    if fmt == "csv":
        from reports import render_csv

        return render_csv
    raise ReportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def build(
    kind: str, ledger: Any, period: Period, room: str | None = None, fmt: str | None = None
) -> Report:
    """Compute one report from a loaded ledger (no reloading); the audit's workbook (``fmt``
    xlsx) also holds the general ledger."""
    if kind == "public":
        from reports import public

        return public.compute(ledger, period)
    if kind == "budget":
        from reports import budget

        return budget.compute(ledger, period)
    if kind == "audit":
        from reports import audit

        return audit.compute(ledger, period, general_ledger=fmt == "xlsx")
    if kind == "settlement":
        if period.kind != "year":
            raise ReportError(
                f"the settlement (决算) is of a whole year: --period {period.start.year}"
            )
        from reports import settlement

        return settlement.compute(ledger, period)
    if kind == "unit":
        if not room:
            raise ReportError("the unit report needs a room (--unit 3-1-101)")
        from reports import unit

        return unit.compute(ledger, period, room)
    raise ReportError(f"unknown report {kind!r} (one of {', '.join(KINDS)})")


def default_period(ledger: Any) -> Period:
    """The month of the ledger's last transaction (month-end balance assertions and seals are
    dated the next day); this month when there is none."""
    from datetime import date

    from reports.common import transactions

    txns = transactions(ledger.entries)
    last = txns[-1].date if txns else (ledger.community.last_date or date.today())
    return Period.month_of(last)


def format_of(path: Path) -> str:
    """The format a file's extension asks for."""
    fmt = FORMAT_OF_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMAT_OF_SUFFIX))
        raise ReportError(
            f"cannot tell the format of {path} from its extension ({known}): pass --format"
        )
    return fmt


def write_report(report: Report, fmt: str, path: Path, formulas: bool = False) -> Path:
    """Write ``report`` to ``path`` (its folder is created); an OS failure is a ReportError."""
    module = renderer(fmt)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if formulas:
            module.write(report, path, formulas=True)
        else:
            module.write(report, path)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def write_all(ledger: Any, out_dir: Path, period: Period) -> list[Path]:
    """Write the public, budget and audit reports of ``period`` in every format into ``out_dir``,
    and the settlement (决算) too when ``period`` is a year."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportError(f"{out_dir} is a file: `report all` writes into a folder")
    written = []
    kinds = ("public", "budget", "audit", *(("settlement",) if period.kind == "year" else ()))
    for kind in kinds:
        report = build(kind, ledger, period)
        for fmt, extension in FORMATS.items():
            path = out_dir / f"{kind}-{period.label}.{extension}"
            if kind == "audit" and fmt == "xlsx":  # the workbook also holds the general ledger
                written.append(write_report(build(kind, ledger, period, fmt=fmt), fmt, path))
            else:
                written.append(write_report(report, fmt, path))
    return written


def _load(path: str) -> Any:
    from ledger.loader import load, resolve_ledger

    return load(resolve_ledger(path))


def _format(fmt: str | None, output: Path | None, formulas: bool) -> str:
    """The format of one report, checked (with its file) before the ledger is loaded."""
    if output is not None and output.is_dir():
        raise ReportError(f"{output} is a folder: give a file name, e.g. -o {output}/report.txt")
    if fmt is None:
        fmt = format_of(output) if output is not None else "text"
    if formulas and fmt != "xlsx":
        raise click.UsageError("--formulas applies to XLSX only (--format xlsx or -o FILE.xlsx)")
    return fmt


def _as_messages(command: Callable[P, None]) -> Callable[P, None]:
    """The command with its :class:`ReportError` shown as a message (exit status 1)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except ReportError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@click.command("report")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("ledger_path", metavar="[LEDGER]", required=False, default="main.beancount")
@click.option(
    "-p",
    "--period",
    "period_text",
    metavar="PERIOD",
    help="2025-03 (month), 2025Q1 (quarter) or 2025 (year); default: the last entry's month.",
)
@click.option("-u", "--unit", "room", metavar="ROOM", help="Unit for `report unit`, e.g. 3-1-101.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(tuple(FORMATS)),
    default=None,
    help="text, html, xlsx or csv; default: from the -o file's extension, else text.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: standard output; xlsx needs a file and defaults to "
    "KIND-PERIOD.xlsx); the folder for `report all`. Missing folders are created.",
)
@click.option("--formulas", is_flag=True, help="XLSX: write totals as =SUM(...) of their column.")
@_as_messages
def report(
    kind: str,
    ledger_path: str,
    period_text: str | None,
    room: str | None,
    fmt: str | None,
    output: Path | None,
    formulas: bool,
) -> None:
    """Compute a report: public (公示), budget (预算执行), audit (专项审计), unit (分户对账单) or
    settlement (年度决算, a whole year).

    ``all`` writes the public, budget and audit reports (and for a year the settlement) in every
    format into the folder given
    with ``-o`` (default: ``reports/`` beside the ledger).
    """
    if kind == "unit" and not room:
        raise click.UsageError("`report unit` needs --unit ROOM (e.g. --unit 3-1-101)")
    period = None
    if period_text:
        try:
            period = Period.parse(period_text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--period") from exc
    if kind != "all":  # a wrong -o or --format fails before the (long) load
        fmt = _format(fmt, output, formulas)
    ledger = _load(ledger_path)
    # A loaded ledger has no reference cycles, and a report allocates enough (rows, strings) to
    # set off full collections that would walk every entry, posting and amount of the load
    # again (~0.4 s each at 100k transactions): what exists now is kept out of the collector's
    # passes while the report is made; what the report makes is still collected.
    gc.freeze()
    try:
        _report(kind, ledger, period, room, fmt, output, formulas)
    finally:
        gc.unfreeze()


def _report(
    kind: str,
    ledger: Any,
    period: Period | None,
    room: str | None,
    fmt: str | None,
    output: Path | None,
    formulas: bool,
) -> None:
    if period is None:
        period = default_period(ledger)
        if kind == "settlement":  # a whole year: the year of the last transaction
            period = Period.parse(f"{period.start.year}")
    if kind == "unit" and room not in ledger.community.units:
        raise click.ClickException(f"unknown unit {room!r}: not in the unit register (tf-unit)")
    if ledger.errors:
        click.echo(
            f"warning: the ledger has {len(ledger.errors)} error(s); run `trustfund check` "
            "(the audit report lists the rule errors)",
            err=True,
        )
    if kind == "all":
        folder = output if output is not None else Path(ledger.path).parent / "reports"
        for path in write_all(ledger, folder, period):
            click.echo(str(path))
        return
    assert fmt is not None
    result = build(kind, ledger, period, room, fmt)
    if output is None and fmt == "xlsx":
        output = Path(f"{kind}-{period.label}{'-' + room if room else ''}.xlsx")
    if output is None:
        sys.stdout.write(renderer(fmt).render(result))
        return
    write_report(result, fmt, output, formulas=formulas)
    click.echo(f"wrote {output}", err=True)
