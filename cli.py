"""``trustfund``: the command line for a community's treasurer.

Each area owns its commands in its own module; this file only assembles the group. A command's
module is imported when that command runs (or for ``--help``), so ``trustfund check`` does not
pay for importing the reports, Fava or Dask. Run ``trustfund --help`` for the list.
"""

from __future__ import annotations

import importlib

import click

#: command name -> (module, attribute), in the order ``--help`` lists them.
COMMANDS = {
    "init": ("trustfund.ops.commands", "init"),
    "check": ("trustfund.ops.commands", "check"),
    "vote": ("trustfund.ops.commands", "vote"),
    "import": ("trustfund.ops.importing", "import_cmd"),
    "report": ("trustfund.ops.reporting", "report"),
    "serve": ("trustfund.web.command", "serve"),
    "seal": ("trustfund.ops.sealing", "seal"),
    "verify": ("trustfund.ops.sealing", "verify"),
    "close-year": ("trustfund.ops.yearclose", "close_year"),
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


if __name__ == "__main__":
    main()
