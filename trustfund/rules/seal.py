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

import bisect
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from beancount.core import data

from ledger.community import Community
from ledger.entries import month_of
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex
from trustfund.rules.plugin import Config, Entries, plugin_entry

__plugins__ = ("plugin",)


def _months(entries: Sequence[data.Directive], periods: set[str]) -> list[data.Directive]:
    """The entries dated in ``periods`` ("YYYY-MM"): slices of the date-sorted entries."""
    picked: list[data.Directive] = []
    for period in sorted(periods):
        try:
            year, month = int(period[:4]), int(period[5:7])
            start = date(year, month, 1)
            end = date(year + month // 12, month % 12 + 1, 1)
        except ValueError:
            continue
        lo = bisect.bisect_left(entries, start, key=_date)
        hi = bisect.bisect_left(entries, end, key=_date)
        picked.extend(e for e in entries[lo:hi] if month_of(e.date) == period)
    return picked


def _date(entry: data.Directive) -> date:
    return entry.date


def _sorted(entries: Sequence[data.Directive]) -> bool:
    return all(a.date <= b.date for a, b in pairwise(entries))


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF501 for every seal that no longer matches the ledger."""
    if not community.seals:
        return entries, []
    from ledger.seal import evaluate  # only ledgers with seals pay for importing it

    periods = {seal.period for seal in community.seals}
    # Beancount hands plugins date-sorted entries: the sealed months are slices of them.
    scope = _months(entries, periods) if _sorted(entries) else entries
    errors: list[TrustError] = []
    for result in evaluate(scope, community):
        if result.ok:
            continue
        target = result.culprit if result.culprit is not None else result.seal.entry
        source = getattr(target, "meta", None) or result.seal.meta
        errors.append(
            make_error(
                "TF501",
                str(result.problem),
                target,
                source,
                ids=[f"period:{result.seal.period}"],
            )
        )
    return entries, errors


plugin = plugin_entry(check)
