"""``trustfund``: the command line for a community's treasurer.

Each area owns its commands in its own module; this file only assembles the group.
Run ``trustfund --help`` for the list.
"""

from __future__ import annotations

import importlib

import click

#: (module, attribute) of every subcommand, in the order ``--help`` lists them.
COMMANDS = (
    ("trustfund.commands", "init"),
    ("trustfund.commands", "check"),
    ("trustfund.commands", "vote"),
    ("importers.command", "import_cmd"),
    ("reports.command", "report"),
    ("trustfund.web.command", "serve"),
    ("ledger.commands", "seal"),
    ("ledger.commands", "verify"),
    ("ledger.yearclose", "close_year"),
    ("trustfund.batch", "batch"),
    ("trustfund.demo", "demo"),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trustfund")
def main() -> None:
    """trustfund: the owners' money of a trust-model (信托制) community, on Beancount.

    A ledger is a folder with ``main.beancount``; every command takes its path (default:
    ./main.beancount).
    """


def _register() -> None:
    for module_name, attribute in COMMANDS:
        main.add_command(getattr(importlib.import_module(module_name), attribute))


_register()

if __name__ == "__main__":
    main()
