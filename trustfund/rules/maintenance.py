"""Use of the special maintenance fund (专项维修资金): TF401–TF405.

Enable on its own with ``plugin "trustfund.rules.maintenance"`` (``trustfund.xinyi`` includes it).

A maintenance-fund use is a payment out of ``Assets:Bank:Maintenance``. It rests on an owners'
resolution that passed its art. 278 vote, or on an emergency record (Civil Code art. 281 ¶2,
165号令 art. 24), and it always cites the works contract and the price audit (审价)::

    2025-02-01 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "3号楼电梯更换" "3"
    2025-02-20 custom "tf-vote" "R-2025-01" "3-1-101" "yes"
    2025-02-28 custom "tf-close" "R-2025-01"

    2025-03-10 * "电梯公司" "3号楼电梯更换 首期"
      resolution: "R-2025-01"            ; or  emergency: "E-2025-01"
      contract: "C-2025-07"
      price-audit: "审价报告 2025-031"
      approval: "AP-2025-040"
      Expenses:Maintenance:Elevator   80000.00 CNY
      Assets:Bank:Maintenance

Codes:

- TF401 the use cites neither ``resolution:`` nor ``emergency:``.
- TF002 it cites a resolution or emergency id that does not exist.
- TF402 a cited resolution did not pass its vote rule; the message gives the area and
  headcount ratios (:mod:`trustfund.rules.tally`).
- TF403 the vote of a cited resolution closed after the payment, or is not closed (closing on
  the payment day counts as before).
- TF404 the use lacks ``contract:`` or ``price-audit:`` metadata (emergencies too).
- TF405 a ``tf-emergency`` whose hazard type is not among the ``tf-hazard`` lines dated on or
  before it, or with an empty confirmation; reported on the directive itself, and a use citing
  it is not also TF401.

Bank charges whose other postings all go to ``tf-auto-debit`` accounts are not uses. Approval
of the payment itself (TF301–TF306) is :mod:`trustfund.rules.approval`'s job. The uses come
from the shared index (:mod:`ledger.index`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ledger.community import Community
from ledger.entries import emergency_is_valid, meta_str
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry
from trustfund.rules.tally import Tally, tally

__plugins__ = ("plugin",)

DOCUMENT_KEYS = ("contract", "price-audit")


def check_emergencies(community: Community) -> list[TrustError]:
    """TF405 for every ``tf-emergency`` directive that is not valid."""
    errors: list[TrustError] = []
    for emergency in community.emergencies.values():
        if emergency_is_valid(emergency, community):
            continue
        if not emergency.confirmation.strip():
            why = "has no authority confirmation"
        else:
            listed = ", ".join(sorted(community.hazards_at(emergency.date))) or "none"
            why = (
                f'hazard "{emergency.hazard}" is not on the list in force on {emergency.date} '
                f"(tf-hazard: {listed})"
            )
        source = emergency.meta
        errors.append(
            make_error(
                "TF405",
                f"emergency {emergency.id} {why}",
                emergency.entry,
                source,
                ids=[f"emergency:{emergency.id}"],
            )
        )
    return errors


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """Report TF401–TF405 (and TF002 for unknown ids) for the maintenance-fund uses."""
    index = ensure_index(entries, community, index)
    errors = check_emergencies(community)
    tallies: dict[str, Tally] = {}

    for pay in index.payments:
        if not pay.maintenance or pay.auto_debit:
            continue
        txn, day, outflow = pay.txn, pay.date, pay.outflow

        def error(
            code: str,
            message: str,
            ids: Sequence[str] = (),
            txn: Any = txn,
            outflow: Decimal = outflow,
        ) -> None:
            errors.append(make_error(code, message, txn, ids=ids, amount=outflow))

        if not pay.resolutions and not pay.emergencies:
            error(
                "TF401",
                f"maintenance-fund use of {outflow} cites neither resolution: nor emergency:",
                [f"payee:{pay.payee}"] if pay.payee else [],
            )
        for emergency_id in pay.emergencies:
            if emergency_id not in community.emergencies:
                error(
                    "TF002",
                    f'maintenance-fund use cites unknown emergency "{emergency_id}"',
                    [f"emergency:{emergency_id}"],
                )
        for resolution_id in pay.resolutions:
            rid = [f"resolution:{resolution_id}"]
            if resolution_id not in community.resolutions:
                error(
                    "TF002", f'maintenance-fund use cites unknown resolution "{resolution_id}"', rid
                )
                continue
            result = tallies.get(resolution_id)
            if result is None:
                result = tallies[resolution_id] = tally(community, resolution_id)
            if not result.passed:
                error(
                    "TF402",
                    f"resolution {resolution_id} did not pass its vote rule "
                    f"({', '.join(result.failed_tests)}): {result.summary()}",
                    rid,
                )
            close = community.closes.get(resolution_id)
            if close is None:
                error("TF403", f"the vote on {resolution_id} is not closed (payment of {day})", rid)
            elif close.date > day:
                error(
                    "TF403",
                    f"the vote on {resolution_id} closed {close.date}, after the payment of {day}",
                    rid,
                )
        missing = [key for key in DOCUMENT_KEYS if meta_str(txn, key) is None]
        if missing:
            error(
                "TF404",
                f"maintenance-fund use of {outflow} lacks {' and '.join(k + ':' for k in missing)}",
                [f"contract:{c}" for c in pay.contracts],
            )
    return entries, errors


plugin = plugin_entry(check)
