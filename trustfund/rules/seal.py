"""Sealed periods (TF501): a sealed month must not change.

``trustfund seal 2025-03`` writes ``2025-04-01 custom "tf-seal" "2025-03" "sha256:…"`` (see
:mod:`ledger.seal` for the canonical form, the per-entry manifest and the chain). This rule
recomputes every seal and reports TF501 when an entry dated in a sealed month was added,
removed or changed (metadata and same-day order included; formatting and comments are not
changes), naming the month and the first differing entry, or when the chain of seals is broken
(an older seal's hash was edited). The error points at the differing entry when there is one,
else at the ``tf-seal`` directive.
"""

from __future__ import annotations

from ledger.community import Community
from ledger.errors import TrustError, make_error
from ledger.seal import evaluate
from trustfund.rules.plugin import Config, Entries, plugin_entry

__plugins__ = ("plugin",)


def check(
    entries: Entries, community: Community, config: Config
) -> tuple[Entries, list[TrustError]]:
    """TF501 for every seal that no longer matches the ledger."""
    errors: list[TrustError] = []
    for result in evaluate(entries, community):
        if result.ok:
            continue
        target = result.culprit if result.culprit is not None else result.seal.entry
        source = getattr(target, "meta", None) or result.seal.meta
        errors.append(make_error("TF501", str(result.problem), target, source))
    return entries, errors


plugin = plugin_entry(check)
