"""``trustfund report public|budget|audit|unit``: compute a report and render it.

    trustfund report public --period 2025-03 --format html -o 公示-2025-03.html main.beancount
    trustfund report audit --period 2025 --format xlsx -o audit-2025.xlsx
    trustfund report unit --unit 3-1-101 --period 2025

``write_all(ledger, out_dir, period)`` writes the public, budget and audit reports in every
format (for the demo and for publication).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from reports import audit, budget, public, render_csv, render_html, render_text, render_xlsx, unit
from reports.common import transactions
from reports.period import Period
from reports.table import Report

KINDS = ("public", "budget", "audit", "unit", "all")
#: format -> (file extension, renderer module)
FORMATS: dict[str, tuple[str, Any]] = {
    "text": ("txt", render_text),
    "html": ("html", render_html),
    "xlsx": ("xlsx", render_xlsx),
    "csv": ("csv", render_csv),
}
COMPUTE: dict[str, Callable[..., Report]] = {
    "public": public.compute,
    "budget": budget.compute,
    "audit": audit.compute,
}


def build(kind: str, ledger: Any, period: Period, room: str | None = None) -> Report:
    """Compute one report from a loaded ledger (no reloading)."""
    if kind == "unit":
        if not room:
            raise ValueError("the unit report needs a room (--unit 3-1-101)")
        return unit.compute(ledger, period, room)
    return COMPUTE[kind](ledger, period)


def default_period(ledger: Any) -> Period:
    """The month of the ledger's last transaction (month-end balance assertions and seals are
    dated the next day); this month when there is none."""
    from datetime import date

    txns = transactions(ledger.entries)
    last = txns[-1].date if txns else (ledger.community.last_date or date.today())
    return Period.month_of(last)


def write_report(report: Report, fmt: str, path: Path) -> Path:
    FORMATS[fmt][1].write(report, path)
    return path


def write_all(ledger: Any, out_dir: Path, period: Period) -> list[Path]:
    """Write the public, budget and audit reports of ``period`` in every format into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in ("public", "budget", "audit"):
        report = build(kind, ledger, period)
        for fmt, (extension, _) in FORMATS.items():
            written.append(
                write_report(report, fmt, out_dir / f"{kind}-{period.label}.{extension}")
            )
    return written


def _load(path: str) -> Any:
    from ledger.loader import load, resolve_ledger

    return load(resolve_ledger(path))


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
    "-f", "--format", "fmt", type=click.Choice(tuple(FORMATS)), default="text", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: standard output; xlsx needs a file and defaults to KIND-PERIOD.xlsx); "
    "the folder for `report all`.",
)
@click.option("--formulas", is_flag=True, help="XLSX: write totals as =SUM(...) of their column.")
def report(
    kind: str,
    ledger_path: str,
    period_text: str | None,
    room: str | None,
    fmt: str,
    output: Path | None,
    formulas: bool,
) -> None:
    """Compute a report: public (公示), budget (预算执行), audit (专项审计) or unit (分户对账单).

    ``all`` writes the public, budget and audit reports in every format into the folder given
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
    ledger = _load(ledger_path)
    if period is None:
        period = default_period(ledger)
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
    result = build(kind, ledger, period, room)
    if output is None and fmt == "xlsx":
        output = Path(f"{kind}-{period.label}{'-' + room if room else ''}.xlsx")
    if output is None:
        text = FORMATS[fmt][1].render(result)
        sys.stdout.write(text)
        return
    if fmt == "xlsx" and formulas:
        render_xlsx.write(result, output, formulas=True)
    else:
        write_report(result, fmt, output)
    click.echo(f"wrote {output}", err=True)
