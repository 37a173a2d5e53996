"""``trustfund seal`` and ``trustfund verify``: sealed periods (see :mod:`ledger.seal`)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from ledger.errors import error_code, error_ids, location
from ledger.failures import SealRefused, UncommittedEdits
from ledger.loader import format_error, load, resolve_ledger
from ledger.seal import evaluate, plan_seals, sealed_on, stage_seals
from ledger.writer import COMMIT_JOURNAL_NAME, JOURNAL_NAME, LedgerWriter, uncommitted_changes

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
    "--commit-edits",
    is_flag=True,
    help="The ledger's git repository has uncommitted edits: commit them with the seal.",
)
@click.option(
    "--today", "today", callback=_parse_day, hidden=True, help="Pretend today is this day (tests)."
)
def seal(
    period: str, ledger_path: str, include_earlier: bool, commit_edits: bool, today: date
) -> None:
    """Seal a closed month: record a chained SHA-256 of its entries.

    Appends `custom "tf-seal" PERIOD "sha256:…"` to seals.beancount (included from the main
    file) and writes the per-entry manifest seals/PERIOD.sha256. `trustfund check` then reports
    TF501 if anything dated in that month changes.

    When the ledger folder is its own git repository, the seal is committed, and it refuses to
    seal over edits that are not committed (a clone would not hold what was sealed) unless
    --commit-edits commits them in the same commit.
    """
    main = _resolve(ledger_path)
    root = main.parent
    writer = LedgerWriter(root)
    edits: list[tuple[str, str]] = []
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
        edits = uncommitted_changes(root, [Path(name) for name in ledger.files])
        if edits and not commit_edits:
            raise UncommittedEdits(root, edits, f"cannot seal {period}")
        if edits:
            ws.message += " (with hand edits: " + ", ".join(path for path, _ in edits) + ")"
            ws.commit_also(path for path, _ in edits)
        stage_seals(ws, main, plans, today)
    for plan in plans:
        click.echo(f"sealed {plan.period}: {len(plan.entries)} entries, {plan.digest}")
    if edits and ws.committed:
        click.echo(f"committed with the seal: {', '.join(path for path, _ in edits)}")
    warnings = [e for e in ledger.errors if error_code(e) is not None]
    if warnings:
        click.echo(
            f"note: the ledger has {len(warnings)} trust-rule error(s); `trustfund check` lists them",
            err=True,
        )
    if ws.git_error:
        click.echo(f"note: written, but not committed: {ws.git_error}", err=True)
    elif ws.git_note:
        click.echo(f"note: {ws.git_note}", err=True)


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
    if (main.parent / COMMIT_JOURNAL_NAME).exists():
        click.echo(
            "note: the git commit of the last write was interrupted; the next `trustfund` "
            "write commits it",
            err=True,
        )
    ledger = load(main)
    results = [r for r in evaluate(ledger.entries, ledger.community)]
    if not results:
        click.echo("no sealed months")
        return
    # The same verdict as `check`: a TF501 from the load (the rule ran as a plugin) that the
    # recomputation above did not find marks its month broken too.
    for error in ledger.errors:
        if error_code(error) != "TF501":
            continue
        message = str(getattr(error, "message", error))
        periods = set(error_ids(error, "period"))
        for result in results:
            if result.ok and result.seal.period in periods:
                result.problem = message.removeprefix("TF501").strip()
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
            click.echo(f"    {location(meta) or '?:0'}: {result.problem}")
    if broken:
        raise click.ClickException(f"{broken} of {len(results)} seals are broken")
    click.echo(f"{len(results)} seals, chain intact")
