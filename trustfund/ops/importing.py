"""``trustfund import``: the command line of :mod:`importers.pipeline` and
:mod:`importers.recategorize` (this module only speaks click; docs/importing.md has the rest).

::

    trustfund import FILE... [--ledger main.beancount] [--account ACCOUNT] [--dry-run]
                             [--skip-bad-rows] [--pad-opening]
    trustfund import --recategorize [PERIOD] [--ledger main.beancount] [--dry-run]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from importers.pipeline import (
    FileSummary,
    ImportFailed,
    ImportOptions,
    ImportResult,
    summary_lines,
)
from importers.pipeline import import_files as run_import
from importers.records import SourceError
from ledger.loader import resolve_ledger

Echo = Callable[..., Any]


def import_files(
    paths: Sequence[Path],
    ledger_path: Path,
    account: str | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    pad_opening: bool = False,
    echo: Echo = click.echo,
) -> list[FileSummary]:
    """Run the import and print what happened; raise :class:`click.ClickException` when it
    wrote nothing because of a problem (every reason is printed first)."""
    ledger = resolve_ledger(ledger_path)
    options = ImportOptions(
        account=account, dry_run=dry_run, skip_bad_rows=skip_bad_rows, pad_opening=pad_opening
    )
    try:
        result: ImportResult = run_import(paths, ledger, options, report=echo)
    except ImportFailed as exc:
        for detail in exc.details:
            echo(detail)
        if exc.summaries:
            for line in summary_lines(exc.summaries):
                echo(line)
        raise click.ClickException(exc.message) from None
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run and result.text:
        echo(result.text.rstrip("\n"))
    for line in summary_lines(result.summaries):
        echo(line)
    if result.git_error or result.git_note:  # written either way; say why git does not have it
        echo(f"note: {result.git_error or result.git_note}")
    return result.summaries


def recategorize_ledger(
    ledger_path: Path, period: str | None, dry_run: bool = False, echo: Echo = click.echo
) -> Any:
    from importers.recategorize import RecategorizeFailed, recategorize
    from reports.period import Period

    ledger = resolve_ledger(ledger_path)
    start = end = None
    if period and period != "all":
        try:
            parsed = Period.parse(period)
        except (ValueError, click.BadParameter) as exc:
            raise click.BadParameter(str(exc), param_hint="--recategorize") from None
        start, end = parsed.start, parsed.end
    try:
        result = recategorize(ledger, start, end, dry_run=dry_run)
    except RecategorizeFailed as exc:
        for detail in exc.details:
            echo(detail)
        raise click.ClickException(exc.message) from None
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    for line in result.lines():
        echo(line)
    return result


@click.command("import")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--ledger",
    "ledger_path",
    default="main.beancount",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The community's main ledger file (or its folder).",
)
@click.option(
    "--account",
    default=None,
    help="Ledger account of the imported statement (default: from import-rules.toml).",
)
@click.option("--dry-run", is_flag=True, help="Print the new entries; write nothing.")
@click.option(
    "--skip-bad-rows",
    is_flag=True,
    help="Write the good rows; put rejected rows in <input>.rejected.csv.",
)
@click.option(
    "--pad-opening",
    is_flag=True,
    help="For an account's first statement, write a pad so its opening balance holds.",
)
@click.option(
    "--recategorize",
    "period",
    is_flag=False,
    flag_value="all",
    default=None,
    metavar="[PERIOD]",
    help="Apply the current import rules to entries in suspense (all, or 2025, 2025-03 …).",
)
def import_cmd(
    files: tuple[Path, ...],
    ledger_path: Path,
    account: str | None,
    dry_run: bool,
    skip_bad_rows: bool,
    pad_opening: bool,
    period: str | None,
) -> None:
    """Import bank statements, payment-app bills, fee-system exports and registers.

    Files are identified by content. New entries go to imports/<account>/<YYYY-MM>.beancount,
    included from the main file; rows already in the ledger are skipped. With --recategorize,
    rows in Income:Suspense / Expenses:Suspense are filed again by the current rules.
    """
    if period is not None:
        if files:
            raise click.UsageError("--recategorize takes no FILE arguments")
        recategorize_ledger(ledger_path, period, dry_run=dry_run)
        return
    if not files:
        raise click.UsageError("give the files to import (or --recategorize)")
    import_files(
        list(files),
        ledger_path,
        account=account,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        pad_opening=pad_opening,
    )
