"""``trustfund``: the command line for a community's treasurer.

Each area owns its commands in its own module; this file only assembles the group. A command's
module is imported when that command runs (or for ``--help``), so ``trustfund check`` does not
pay for importing the reports, Fava or Dask. Run ``trustfund --help`` for the list.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys
from typing import NoReturn

import click

#: command name -> (module, attribute), in the order ``--help`` lists them.
COMMANDS = {
    "init": ("trustfund.ops.commands", "init"),
    "check": ("trustfund.ops.commands", "check"),
    "vote": ("trustfund.ops.commands", "vote"),
    "import": ("trustfund.ops.importing", "import_cmd"),
    "report": ("trustfund.ops.reporting", "report"),
    "serve": ("trustfund.web.command", "serve"),
    "codes": ("trustfund.ops.codes", "codes"),
    "publish": ("trustfund.ops.publish", "publish_cmd"),
    "notice": ("trustfund.ops.notice", "notice"),
    "seal": ("trustfund.ops.sealing", "seal"),
    "verify": ("trustfund.ops.sealing", "verify"),
    "close-year": ("trustfund.ops.yearclose", "close_year"),
    "handover": ("trustfund.ops.handover", "handover"),
    "batch": ("trustfund.ops.batch", "batch"),
    "demo": ("trustfund.ops.demo", "demo"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command) and command.name == cmd_name, (
            module_name,
            attribute,
        )
        return command

    def invoke(self, ctx: click.Context) -> object:
        """Every trustfund failure (:class:`ledger.failures.TrustfundError`) is a message."""
        from ledger.failures import TrustfundError

        try:
            return super().invoke(ctx)
        except TrustfundError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trustfund")
def main() -> None:
    """trustfund: the owners' money of a trust-model (信托制) community, on Beancount.

    A ledger is a folder with ``main.beancount``; every command takes its path (default:
    ./main.beancount).
    """


def exit_status(code: object) -> int:
    """The process exit status ``sys.exit(code)`` would give (printing a message if one)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run(argv: list[str] | None = None) -> NoReturn:
    """The ``trustfund`` console script: run one command, then leave at once.

    A command that loaded a ledger would otherwise spend seconds at interpreter exit freeing
    its millions of objects one by one (2 s at 100k transactions; DESIGN.md §6: no teardown of
    the loaded ledger at exit). Exit handlers (``atexit``: temporary files, logging, worker
    processes) still run and the output streams are flushed; only the teardown is skipped.
    Tests call :data:`main` through click's runner, which is unaffected.
    """
    try:
        main.main(args=argv, prog_name="trustfund")
        status = 0
    except SystemExit as stop:
        status = exit_status(stop.code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe (trustfund report | head)
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
