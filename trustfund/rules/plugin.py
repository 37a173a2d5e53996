"""What every trust rule shares: plugin configuration, the shared index, and the rule runner.

A rule module exposes ``check(entries, community, config, index=None) -> (entries, errors)``
and a Beancount plugin entry point built with :func:`plugin_entry`. ``trustfund.xinyi`` builds
the :class:`~ledger.community.Community` and the :class:`~ledger.index.LedgerIndex` once and
calls every rule's ``check`` with them; a rule enabled on its own
(``plugin "trustfund.rules.approval"``) builds them itself, and so does ``check`` when called
without an index.

The rules allocate nothing that needs the cycle collector, so they run with it paused
(:func:`no_gc`): a full collection of a 100k-transaction ledger costs ~0.4 s, and would otherwise
fall on whichever rule happened to allocate when the threshold was crossed.
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from beancount.core import data

from ledger.community import Community, build_community
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex, build_index

Entries = list[data.Directive]
CheckFn = Callable[..., tuple[Entries, list[TrustError]]]


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cycle collector (restored as it was; reference counting still frees)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def ensure_index(
    entries: Sequence[data.Directive], community: Community, index: LedgerIndex | None
) -> LedgerIndex:
    """``index``, or one built now (a rule called on its own)."""
    return index if index is not None else build_index(entries, community)


CONFIG_KEYS = frozenset({"generate_remuneration"})


class Config(NamedTuple):
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
        with no_gc():
            # directive errors are trustfund.rules.directives' job
            community, _ = build_community(entries)
            new_entries, rule_errors = check(
                entries, community, config, build_index(entries, community)
            )
        return new_entries, errors + rule_errors

    plugin.__name__ = check.__module__.rsplit(".", 1)[-1]
    plugin.__doc__ = check.__doc__
    return plugin


def run_all(
    entries: Sequence[data.Directive],
    checks: Sequence[CheckFn],
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """Build the community and the index once and run ``checks`` in order (``trustfund.xinyi``).

    The index describes ``entries`` as given: entries a rule generates (the remuneration) are
    accruals no other rule judges.
    """
    current, errors, _ = run_checks(entries, checks, config, index)
    return current, errors


def run_checks(
    entries: Sequence[data.Directive],
    checks: Sequence[CheckFn],
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError], LedgerIndex]:
    """:func:`run_all`, also returning the index it used."""
    with no_gc():
        community, errors = build_community(entries)
        if index is None:
            index = build_index(entries, community)
        current: Entries = entries if isinstance(entries, list) else list(entries)
        for check in checks:
            current, rule_errors = check(current, community, config, index)
            errors.extend(rule_errors)
    return current, errors, index
