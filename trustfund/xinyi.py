"""All the trust rules of the 信义 model in one plugin.

Put this line in the community's main ledger file::

    plugin "trustfund.xinyi"

or, to have the monthly remuneration generated instead of checked::

    plugin "trustfund.xinyi" "{'generate_remuneration': True}"

It parses the ``tf-*`` directives once (TF001/TF002), classifies every transaction once into
the shared index (:mod:`ledger.index`), and then runs, in order: owners own the funds
(TF101–TF104), fees billed by the standard and waived with approval (TF107, TF108),
remuneration (TF201–TF202), dual approval and split payments (TF301–TF307), the roster and
related parties (TF309, TF310), invoices paid once (TF308), contracts and budgets (TF105,
TF311, TF406), maintenance-fund use (TF401–TF405), the path of decisions, objections, budget
and surplus (TF601–TF607), sealed periods (TF501) and unclassified imports (TF106). See each
module's docstring for the ledger lines it checks.

The index of the entries it returns is left for :func:`ledger.index.index_of`, so reports run
on the ledger just loaded read the same payments without another pass.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ledger.errors import TrustError
from ledger.index import remember
from trustfund.rules import (
    approval,
    contracts,
    fees,
    funds,
    governance,
    invoices,
    maintenance,
    people,
    remuneration,
    seal,
    suspense,
)
from trustfund.rules.plugin import CheckFn, Entries, parse_config, run_checks

__plugins__ = ("xinyi",)

#: The rule modules in the order they run; each has ``check(entries, community, config, index)``.
RULES: tuple[ModuleType, ...] = (
    funds,
    fees,
    remuneration,
    approval,
    people,
    invoices,
    contracts,
    maintenance,
    governance,
    seal,
    suspense,
)


def rule_checks() -> list[CheckFn]:
    return [module.check for module in RULES]


def xinyi(
    entries: Entries, options_map: dict[str, Any], config_str: str | None = None
) -> tuple[Entries, list[TrustError]]:
    """Run every trust rule over the ledger."""
    config, errors = parse_config(config_str)
    new_entries, rule_errors, index = run_checks(entries, rule_checks(), config)
    if new_entries is entries:
        remember(new_entries, index)
    return new_entries, errors + rule_errors
