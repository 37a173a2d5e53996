"""``trustfund seal`` and ``trustfund verify``: sealed periods (see :mod:`ledger.seal`)."""

from __future__ import annotations

from datetime import date, datetime

import click

from ledger.errors import error_code
from ledger.loader import format_error, load, resolve_ledger
from ledger.seal import SealRefused, evaluate, plan_seals, sealed_on, stage_seals
from ledger.writer import JOURNAL_NAME, LedgerWriter

LEDGER_ARG = click.argument(
    "ledger_path", metavar="[LEDGER]", required=False, default="main.beancount"
)


_resolve = resolve_ledger


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command("seal")
@click.argument("period", metavar="YYYY-MM")
@LEDGER_ARG
@click.option(
    "--include-earlier",
    is_flag=True,
    help="Also seal every unsealed earlier month with entries, in order.",
)
@click.option(
    "--today", "today", callback=_parse_day, hidden=True, help="Pretend today is this day (tests)."
)
def seal(period: str, ledger_path: str, include_earlier: bool, today: date) -> None:
    """Seal a closed month: record a chained SHA-256 of its entries.

    Appends `custom "tf-seal" PERIOD "sha256:…"` to seals.beancount (included from the main
    file) and writes the per-entry manifest seals/PERIOD.sha256. `trustfund check` then reports
    TF501 if anything dated in that month changes.
    """
    main = _resolve(ledger_path)
    root = main.parent
    writer = LedgerWriter(root)
    with writer.transaction(f"seal {period}") as ws:
        ledger = load(main)
        broken = [e for e in ledger.errors if error_code(e) is None]
        if broken:
            shown = "\n  ".join(format_error(e) for e in broken[:5])
            raise click.ClickException(
                f"cannot seal {period}: the ledger has {len(broken)} error(s); fix them first:\n  {shown}"
            )
        try:
            plans = plan_seals(ledger.entries, ledger.community, period, today, include_earlier)
        except SealRefused as exc:
            raise click.ClickException(f"cannot seal {period}: {exc}") from None
        stage_seals(ws, main, plans, today)
    for plan in plans:
        click.echo(f"sealed {plan.period}: {len(plan.entries)} entries, {plan.digest}")
    warnings = [e for e in ledger.errors if error_code(e) is not None]
    if warnings:
        click.echo(
            f"note: the ledger has {len(warnings)} trust-rule error(s); `trustfund check` lists them",
            err=True,
        )
    if ws.git_error:
        click.echo(f"note: written, but not committed: {ws.git_error}", err=True)


@click.command("verify")
@LEDGER_ARG
def verify(ledger_path: str) -> None:
    """Print the chain of sealed months and whether each still holds."""
    main = _resolve(ledger_path)
    if (main.parent / JOURNAL_NAME).exists():
        click.echo(
            "note: an interrupted write is pending; the next `trustfund` write completes it",
            err=True,
        )
    ledger = load(main)
    results = [r for r in evaluate(ledger.entries, ledger.community)]
    if not results:
        click.echo("no sealed months")
        return
    click.echo(f"{'month':<8} {'sealed on':<10} {'hash':<71} status")
    broken = 0
    for result in results:
        status = "ok" if result.ok else "BROKEN"
        click.echo(
            f"{result.seal.period:<8} {sealed_on(result.seal).isoformat():<10} {result.seal.digest:<71} {status}"
        )
        if not result.ok:
            broken += 1
            meta = getattr(result.culprit, "meta", None) or result.seal.meta or {}
            click.echo(f"    {meta.get('filename', '?')}:{meta.get('lineno', 0)}: {result.problem}")
    if broken:
        raise click.ClickException(f"{broken} of {len(results)} seals are broken")
    click.echo(f"{len(results)} seals, chain intact")
