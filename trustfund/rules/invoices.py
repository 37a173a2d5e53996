"""An invoice is paid once (TF308).

Enable on its own with ``plugin "trustfund.rules.invoices"`` (``trustfund.xinyi`` includes it).

A payment cites the invoice (发票) it pays; the same invoice number cited by a second payment,
to the same payee or another, for the same amount or another, is a double payment (or a
recycled invoice), which a special audit looks for first::

    2025-03-25 * "洁美保洁服务有限公司" "2025-03 保洁服务费"
      approval: "AP-2025-031"
      invoice: "FP-2025-000123"
      Expenses:Service:Cleaning   7840.00 CNY
      Assets:Bank:Trust

    2025-04-02 * "洁美保洁服务有限公司" "保洁服务费"            ; TF308: FP-2025-000123 again
      approval: "AP-2025-040"
      invoice: "FP-2025-000123"
      Expenses:Service:Cleaning   7840.00 CNY
      Assets:Bank:Trust

Code:

- **TF308** an ``invoice:`` number (one of several: ``invoice: "FP-1, FP-2"``) already cited by an
  earlier payment; reported on the later payment, naming the earlier one's file:line. Numbers
  are compared as written, after trimming spaces.
"""

from __future__ import annotations

from ledger.community import Community
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex, Payment
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry

__plugins__ = ("plugin",)


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF308 for every payment citing an invoice an earlier payment cited."""
    index = ensure_index(entries, community, index)
    errors: list[TrustError] = []
    first: dict[str, Payment] = {}
    for pay in index.payments:
        for invoice in pay.invoices:
            earlier = first.get(invoice)
            if earlier is None:
                first[invoice] = pay
                continue
            errors.append(
                make_error(
                    "TF308",
                    f"invoice {invoice} is paid again: {pay.outflow} to {pay.payee or '?'} on "
                    f"{pay.date}, already cited by the payment of {earlier.outflow} to "
                    f"{earlier.payee or '?'} on {earlier.date} ({earlier.location})",
                    pay.txn,
                    ids=[f"invoice:{invoice}", *([f"payee:{pay.payee}"] if pay.payee else [])],
                    amount=pay.outflow,
                )
            )
    return entries, errors


plugin = plugin_entry(check)
