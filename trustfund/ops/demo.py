"""``trustfund demo``: set up the demo community (信义小区) and run a treasurer's month on it.

Steps, each printed as it runs:

1. copy the demo community (a generated year, 2025, of a 4-building community) to DIR and make
   DIR its own git repository (``git init``, first commit), so the import below is committed
   there: never into a repository DIR happens to sit in (a clone of trustfund, say);
2. import the raw exports in ``DIR/downloads/`` (bank statement, WeChat bill, fee system,
   approval register) with ``trustfund import``;
3. ``trustfund check`` the result (the demo must give no error);
4. write every report for 2025 (公示, budget, audit, per-unit) in every format to ``DIR/reports/``;
5. serve the owners' public site (unless ``--no-serve``) and print its address.

The demo's source of truth is ``examples/xinyi/`` in the repository. It ships as package data:
``trustfund/ops/demo_data`` is a link to it in the source tree, and the wheel holds a copy
(``[tool.setuptools.package-data]`` in pyproject.toml), so it is read the same way, through
``importlib.resources``, from a clone and from an installed wheel.
"""

from __future__ import annotations

import shutil
import time
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import click

from ledger.writer import atomic_write


def demo_data() -> Traversable:
    """The demo community's files, as installed with the package."""
    return resources.files("trustfund.ops") / "demo_data"


def copy_demo(source: Traversable, target: Path) -> None:
    """Copy the demo's files (not caches, not hidden files) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name.startswith(".") or item.name == "__pycache__":
            continue
        if item.is_dir():
            copy_demo(item, target / item.name)
        else:
            atomic_write(target / item.name, item.read_bytes())


def _step(text: str) -> float:
    click.secho(f"==> {text}", bold=True)
    return time.perf_counter()


def _done(start: float, text: str = "") -> None:
    click.echo(f"    {text}{' ' if text else ''}({time.perf_counter() - start:.1f} s)")


@click.command()
@click.argument(
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default="trustfund-demo",
    required=False,
)
@click.option("--no-serve", is_flag=True, help="Stop after the last file is written.")
@click.option("--force", is_flag=True, help="Replace DIR if it already holds a demo.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(directory: Path, no_serve: bool, force: bool, host: str, port: int) -> None:
    """Set up the demo community in DIR (default ./trustfund-demo) and run the main job on it."""
    from ledger.loader import format_error, load
    from ledger.writer import init_repository
    from reports.period import Period
    from trustfund.ops.commands import GITIGNORE
    from trustfund.ops.importing import import_files
    from trustfund.ops.reporting import write_all

    source = demo_data()
    if not (source / "main.beancount").is_file():
        raise click.ClickException(f"the demo data is missing from this installation ({source})")
    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise click.ClickException(
                f"{directory} is not empty: pass --force to replace it, or choose another DIR"
            )
        shutil.rmtree(directory)

    start = _step(f"Copying the demo community to {directory}")
    copy_demo(source, directory)
    main_file = directory / "main.beancount"
    atomic_write(directory / ".gitignore", GITIGNORE + "reports/\n")
    why_not = init_repository(directory, "trustfund demo: the 信义小区 community, before import")
    _done(start, "its own git repository" if why_not is None else f"(no git repository: {why_not})")

    downloads = sorted(
        p for p in (directory / "downloads").glob("*") if p.is_file() and not p.name.startswith(".")
    )
    start = _step(f"Importing {len(downloads)} raw export(s) from {directory / 'downloads'}")
    if downloads:
        import_files(downloads, main_file)
    _done(start)

    start = _step("Checking the ledger (Beancount + trust rules)")
    ledger = load(main_file)
    if ledger.errors:
        for error in ledger.errors:
            click.echo(format_error(error), err=True)
        raise click.ClickException(f"the demo ledger has {len(ledger.errors)} error(s)")
    _done(
        start, f"OK: {len(ledger.entries)} entries, {len(ledger.community.units)} units, no errors"
    )

    start = _step(f"Writing the 2025 reports to {directory / 'reports'}")
    written = write_all(ledger, directory / "reports", Period.parse("2025"))
    _done(start, f"{len(written)} files")
    for path in written:
        click.echo(f"    {path}")

    if no_serve:
        click.echo(f"Done. Ledger: {main_file}")
        return
    from trustfund.web.app import serve

    click.secho(
        f"==> Serving the owners' public site at http://{host}:{port}/  (Ctrl-C to stop)", bold=True
    )
    serve(main_file, public=True, host=host, port=port)
