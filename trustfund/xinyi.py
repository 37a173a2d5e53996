"""All the trust rules of the 信义 model in one plugin.

Put this line in the community's main ledger file::

    plugin "trustfund.xinyi"

or, to have the monthly remuneration generated instead of checked::

    plugin "trustfund.xinyi" "{'generate_remuneration': True}"

It parses the ``tf-*`` directives once (TF001/TF002) and then runs, in order: owners own the
funds (TF101–TF104), remuneration (TF201–TF202), dual approval (TF301–TF306), maintenance-fund
use (TF401–TF405) and sealed periods (TF501). See each module's docstring for the ledger lines
it checks.
"""

from __future__ import annotations

import importlib
from typing import Any

from ledger.errors import TrustError
from trustfund.rules.plugin import CheckFn, Entries, parse_config, run_all

__plugins__ = ("xinyi",)

#: Rule modules in the order they run; each exposes ``check(entries, community, config)``.
RULE_MODULES = (
    "trustfund.rules.funds",
    "trustfund.rules.remuneration",
    "trustfund.rules.approval",
    "trustfund.rules.maintenance",
    "trustfund.rules.seal",
    "trustfund.rules.suspense",
)


def rule_checks() -> list[CheckFn]:
    return [importlib.import_module(name).check for name in RULE_MODULES]


def xinyi(
    entries: Entries, options_map: dict[str, Any], config_str: str | None = None
) -> tuple[Entries, list[TrustError]]:
    """Run every trust rule over the ledger."""
    config, errors = parse_config(config_str)
    new_entries, rule_errors = run_all(entries, rule_checks(), config)
    return new_entries, errors + rule_errors
