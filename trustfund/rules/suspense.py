"""Imported rows no categorisation rule classified: TF106.

Enable on its own with ``plugin "trustfund.rules.suspense"`` (``trustfund.xinyi`` includes it).

``trustfund import`` sends a bank row that no rule of ``import-rules.toml`` matches to
``Income:Suspense`` (money in) or ``Expenses:Suspense`` (money out), so nothing is lost and
nothing is silently misfiled. This rule reports every transaction that still posts to a
suspense account, until the treasurer re-files it: edit the posting's account, or add a rule
to ``import-rules.toml`` and run ``trustfund import --recategorize`` (it re-files the suspense
entries the new rules now match, in one commit)::

    2026-01-07 * "某某公司" "转账"                     ; TF106: unclassified import
      serial: "2026010700012"
      Assets:Bank:Trust   800.00 CNY
      Income:Suspense    -800.00 CNY

Code:

- **TF106** a transaction posts to ``Income:Suspense`` or ``Expenses:Suspense`` (any account
  whose last component is ``Suspense``): an unclassified import.
"""

from __future__ import annotations

from ledger.community import Community
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry

__plugins__ = ("plugin",)


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF106 for every transaction with a posting to a suspense account."""
    index = ensure_index(entries, community, index)
    errors: list[TrustError] = []
    for txn, posting in index.suspense:
        units = posting.units
        amount = units.to_string() if units is not None else ""
        number = units.number if units is not None else None
        errors.append(
            make_error(
                "TF106",
                f"unclassified import in a suspense account: {posting.account} {amount}"
                " (add a rule to import-rules.toml and run `trustfund import --recategorize`,"
                " or re-file the posting)",
                txn,
                ids=[f"account:{posting.account}"],
                amount=abs(number) if number is not None else None,
            )
        )
    return entries, errors


plugin = plugin_entry(check)
