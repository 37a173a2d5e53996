"""``trustfund serve``: Fava for the committee, or the owners' public site with ``--public``."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("serve")
@click.argument(
    "ledger", metavar="[LEDGER]", type=click.Path(path_type=Path), default="main.beancount"
)
@click.option(
    "--public", is_flag=True, help="Serve the owners' redacted, read-only site (公示网站)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def serve(ledger: Path, public: bool, host: str, port: int) -> None:
    """Serve LEDGER in Fava (committee), or its redacted publication with --public (owners).

    The public site never shows the source ledger: it serves a copy with private names masked
    (张*), phone and ID numbers dropped and document links removed unless marked public,
    regenerated when the ledger changes, read-only, with no editor, source, downloads or queries.
    """
    from ledger.loader import resolve_ledger
    from trustfund.web.app import serve as run

    ledger = resolve_ledger(ledger)
    kind = "owners' public site" if public else "committee Fava"
    click.echo(
        f"trustfund: serving the {kind} of {ledger} on http://{host}:{port}/ (Ctrl-C to stop)"
    )
    run(ledger, public, host, port)
