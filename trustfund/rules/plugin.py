"""What every trust rule shares: plugin configuration, payments, and the rule runner.

A rule module exposes ``check(entries, community, config) -> (entries, errors)`` and a Beancount
plugin entry point built with :func:`plugin_entry`. ``trustfund.xinyi`` builds the
:class:`~ledger.community.Community` once and calls every rule's ``check``; a rule enabled on
its own (``plugin "trustfund.rules.approval"``) builds it itself.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from beancount.core import data

from ledger.community import Community, build_community
from ledger.errors import TrustError, make_error

Entries = list[data.Directive]
CheckFn = Callable[[Entries, Community, "Config"], tuple[Entries, list[TrustError]]]

CONFIG_KEYS = frozenset({"generate_remuneration"})


@dataclass(frozen=True)
class Config:
    """Options of the plugin line: ``plugin "trustfund.xinyi" "{'generate_remuneration': True}"``."""

    generate_remuneration: bool = False


def parse_config(config_str: str | None) -> tuple[Config, list[TrustError]]:
    """Parse the plugin's option string safely (``ast.literal_eval``, never ``eval``)."""
    if not config_str or not config_str.strip():
        return Config(), []
    where = data.new_metadata("<trustfund plugin options>", 0)
    try:
        raw = ast.literal_eval(config_str)
    except (SyntaxError, ValueError) as exc:
        return Config(), [
            make_error("TF001", f"invalid plugin options {config_str!r}: {exc}", None, where)
        ]
    if not isinstance(raw, dict):
        return Config(), [
            make_error("TF001", f"plugin options must be a dict, not {config_str!r}", None, where)
        ]
    unknown = set(raw) - CONFIG_KEYS
    if unknown:
        return Config(), [
            make_error(
                "TF001",
                f"unknown plugin options: {', '.join(sorted(map(str, unknown)))}",
                None,
                where,
            )
        ]
    generate = raw.get("generate_remuneration", False)
    if not isinstance(generate, bool):
        return Config(), [
            make_error(
                "TF001", "plugin option generate_remuneration must be True or False", None, where
            )
        ]
    return Config(generate_remuneration=generate), []


def plugin_entry(check: CheckFn) -> Callable[..., tuple[Entries, list[TrustError]]]:
    """Wrap a rule's ``check`` as a Beancount plugin function."""

    def plugin(
        entries: Entries, options_map: dict[str, Any], config_str: str | None = None
    ) -> tuple[Entries, list[TrustError]]:
        config, errors = parse_config(config_str)
        community, _ = build_community(
            entries
        )  # directive errors are trustfund.rules.directives' job
        new_entries, rule_errors = check(entries, community, config)
        return new_entries, errors + rule_errors

    plugin.__name__ = check.__module__.rsplit(".", 1)[-1]
    plugin.__doc__ = check.__doc__
    return plugin


def run_all(
    entries: Sequence[data.Directive], checks: Sequence[CheckFn], config: Config
) -> tuple[Entries, list[TrustError]]:
    """Build the community once and run ``checks`` in order (what ``trustfund.xinyi`` does)."""
    community, errors = build_community(entries)
    current: Entries = list(entries)
    for check in checks:
        current, rule_errors = check(current, community, config)
        errors.extend(rule_errors)
    return current, errors
