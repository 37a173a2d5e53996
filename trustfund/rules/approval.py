"""Spending needs dual approval (双签): TF301–TF306.

Enable on its own with ``plugin "trustfund.rules.approval"`` (``trustfund.xinyi`` includes it).

Every payment out of an owners' fund (a transaction that lowers an ``Assets:Bank:*`` account,
other than a transfer between the owners' own accounts of one fund) cites the approval it was
made under; the approval is a set of dated sign-offs::

    2025-03-03 custom "tf-approval" "AP-2025-031" "committee" "李四" 1200.00 CNY
    2025-03-04 custom "tf-approval" "AP-2025-031" "manager" "王五" 1200.00 CNY

    2025-03-05 * "电梯公司" "三月电梯保养"
      approval: "AP-2025-031"            ; several: "AP-1, AP-2"
      Expenses:Service:Elevator   1200.00 CNY
      Assets:Bank:Trust

Codes:

- TF301 a payment without ``approval:``. A payment whose other postings all go to accounts
  declared ``tf-auto-debit`` (bank charges) needs none. Refunds to owners are payments.
- TF002 ``approval:``, ``resolution:`` or ``emergency:`` names an unknown id, on any
  transaction (the resolutions and emergencies a maintenance-fund use cites are
  :mod:`trustfund.rules.maintenance`'s to check).
- TF302 the approval has sign-offs from fewer than two distinct roles.
- TF303 a required sign-off is dated after the payment (the same day is fine).
- TF304 the payments citing one approval add up to more than the approved amount: the smallest of
  the roles' latest sign-offs dated on or before each payment.
- TF305 a payment at or above the ``tf-threshold`` in force cites no resolution that passed
  (art. 278 tally, vote closed on or before the payment day). Maintenance-fund uses are judged
  by ``trustfund.rules.maintenance`` (TF401/TF402/TF403); here they only get TF305 when they rest on
  an emergency record that is not valid (a valid emergency satisfies the rule).
- TF306 a payment at or above the threshold without a ``tf-notice`` citing its approval dated
  at least N days before the payment (exactly N is fine). Emergencies need no prior notice.

Each payment is reported at its own file:line. One pass over the entries; approvals,
resolutions and notices come indexed by id from :class:`ledger.community.Community`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from beancount.core import data

from ledger.community import Approval, Community
from ledger.entries import (
    bank_outflow,
    emergency_is_valid,
    ids,
    is_auto_debit_payment,
    is_exempt,
    is_maintenance_use,
    is_payment,
)
from ledger.errors import TrustError, make_error
from trustfund.rules.plugin import Config, Entries, plugin_entry
from trustfund.rules.tally import Tally, tally

__plugins__ = ("plugin",)

REQUIRED_ROLES = 2


class _Tallies:
    """Final tallies computed once per resolution id."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self._cache: dict[str, Tally] = {}

    def final(self, resolution_id: str) -> Tally:
        result = self._cache.get(resolution_id)
        if result is None:
            result = self._cache[resolution_id] = tally(self.community, resolution_id)
        return result


class _Checker:
    def __init__(self, community: Community) -> None:
        self.community = community
        self.tallies = _Tallies(community)
        self.used: dict[str, Decimal] = {}  # approval id -> paid so far
        self.errors: list[TrustError] = []

    def error(self, code: str, message: str, txn: data.Transaction) -> None:
        self.errors.append(make_error(code, message, txn))

    def references(self, txn: data.Transaction, keys: tuple[str, ...]) -> None:
        """TF002 for the ids under ``keys`` (approval, resolution, emergency) that do not exist."""
        registers: dict[str, Mapping[str, object]] = {
            "approval": self.community.approvals,
            "resolution": self.community.resolutions,
            "emergency": self.community.emergencies,
        }
        for key in keys:
            for ref in ids(txn, key):
                if ref not in registers[key]:
                    self.error("TF002", f'transaction cites unknown {key} "{ref}"', txn)

    def payment(self, txn: data.Transaction, maintenance: bool) -> None:
        if is_auto_debit_payment(txn, self.community):
            return
        day = txn.date
        outflow = bank_outflow(txn)
        approval_ids = ids(txn, "approval")
        if not approval_ids:
            self.error("TF301", f"payment of {outflow} from an owners' fund cites no approval", txn)
        approvals = self._approvals(txn, approval_ids, outflow)
        threshold = self.community.thresholds.at(day)
        if threshold is None or outflow < threshold.amount:
            return
        emergency = self._large_payment_basis(txn, outflow, threshold.amount, maintenance)
        if emergency or not approvals:
            return  # emergencies are published after the work; no approval: TF301/TF002 said it
        self._notice(txn, approvals, threshold.notice_days, outflow, threshold.amount)

    # -- TF002/TF302/TF303/TF304 -------------------------------------------------------
    def _approvals(
        self, txn: data.Transaction, approval_ids: list[str], outflow: Decimal
    ) -> list[Approval]:
        day = txn.date
        known: list[Approval] = []
        valid: list[Approval] = []
        for approval_id in approval_ids:
            approval = self.community.approvals.get(approval_id)
            if approval is None:
                self.error("TF002", f'payment cites unknown approval "{approval_id}"', txn)
                continue
            known.append(approval)
            roles = approval.roles()
            if len(roles) < REQUIRED_ROLES:
                have = ", ".join(sorted(roles))
                self.error(
                    "TF302",
                    f"approval {approval_id} has sign-offs from one role only ({have}); "
                    f"two distinct roles are required",
                    txn,
                )
                continue
            on_time = approval.latest_by_role(day)
            if len(on_time) < REQUIRED_ROLES:
                late = sorted(
                    f"{s.role} {s.date}" for s in approval.signoffs if s.role not in on_time
                )
                self.error(
                    "TF303",
                    f"approval {approval_id} signed after the payment of {day}: {', '.join(late)}",
                    txn,
                )
                continue
            valid.append(approval)
        if len(valid) == len(approval_ids):
            self._amounts(txn, valid, outflow)
        else:  # already reported; still count what the valid ones cover
            self._consume(valid, outflow, day, charge_excess=False)
        return known

    def _consume(
        self, approvals: list[Approval], outflow: Decimal, day: date, charge_excess: bool = True
    ) -> Decimal:
        """Charge ``outflow`` to the approvals in order; return what none of them covers.

        With ``charge_excess`` what none covers is charged to the last one as well, so a later
        payment against it sees the overdraft.
        """
        left = outflow
        for approval in approvals:
            amount = approval.amount(day) or Decimal(0)
            used = self.used.get(approval.id, Decimal(0))
            take = min(left, max(amount - used, Decimal(0)))
            left -= take
            if charge_excess and approval is approvals[-1]:
                take += left
            self.used[approval.id] = used + take
        return left

    def _amounts(self, txn: data.Transaction, approvals: list[Approval], outflow: Decimal) -> None:
        if not approvals:
            return
        before = {a.id: self.used.get(a.id, Decimal(0)) for a in approvals}
        excess = self._consume(approvals, outflow, txn.date)
        if excess > 0:
            parts = "; ".join(
                f"{a.id} approves {a.amount(txn.date)}, {before[a.id]} already paid"
                for a in approvals
            )
            self.error(
                "TF304",
                f"payment of {outflow} exceeds the approved amount by {excess} ({parts})",
                txn,
            )

    # -- TF305 ---------------------------------------------------------------------------
    def _large_payment_basis(
        self, txn: data.Transaction, outflow: Decimal, threshold: Decimal, maintenance: bool
    ) -> bool:
        """Report TF305 (and TF002) for a large payment; True if it rests on an emergency."""
        day = txn.date
        resolution_ids = ids(txn, "resolution")
        if maintenance:
            # trustfund.rules.maintenance reports unknown ids, TF401, TF402 and TF403 for these.
            if any(r in self.community.resolutions for r in resolution_ids):
                return False
            emergencies = [
                self.community.emergencies[e]
                for e in ids(txn, "emergency")
                if e in self.community.emergencies
            ]
            if not emergencies:
                return False
            if not any(emergency_is_valid(e, self.community) for e in emergencies):
                cited = ", ".join(e.id for e in emergencies)
                self.error(
                    "TF305",
                    f"payment of {outflow} (threshold {threshold}) rests on emergency {cited}, "
                    f"which is not valid, and cites no resolution",
                    txn,
                )
            return True
        reasons: list[str] = []
        for resolution_id in resolution_ids:
            if resolution_id not in self.community.resolutions:
                reasons.append(f'unknown resolution "{resolution_id}"')
                continue
            close = self.community.closes.get(resolution_id)
            if close is None or close.date > day:
                when = f"closed {close.date}" if close else "not closed"
                reasons.append(f"vote on {resolution_id} {when}, after the payment of {day}")
                continue
            result = self.tallies.final(resolution_id)
            if result.passed:
                return False
            reasons.append(
                f"{resolution_id} did not pass ({', '.join(result.failed_tests)}: "
                f"{result.summary()})"
            )
        why = "; ".join(reasons) if reasons else "cites no resolution"
        self.error(
            "TF305",
            f"payment of {outflow} is at or above the threshold {threshold} without a passed "
            f"owners' resolution: {why}",
            txn,
        )
        return False

    # -- TF306 ---------------------------------------------------------------------------
    def _notice(
        self,
        txn: data.Transaction,
        approvals: list[Approval],
        days: int,
        outflow: Decimal,
        threshold: Decimal,
    ) -> None:
        latest = txn.date - timedelta(days=days)
        notices = [n for a in approvals for n in self.community.notices.get(a.id, ())]
        if any(n.date <= latest for n in notices):
            return
        seen = ", ".join(f"{n.id} of {n.date}" for n in notices) or "none"
        cited = ", ".join(a.id for a in approvals)
        self.error(
            "TF306",
            f"payment of {outflow} (threshold {threshold}) needs a notice citing {cited} "
            f"posted by {latest} ({days} days before); notices: {seen}",
            txn,
        )


def check(
    entries: Entries, community: Community, config: Config
) -> tuple[Entries, list[TrustError]]:
    """Report TF301–TF306 (and TF002 for unknown approvals) for every payment."""
    checker = _Checker(community)
    for entry in entries:
        if type(entry) is not data.Transaction or is_exempt(entry):
            continue
        meta = entry.meta or {}
        payment = is_payment(entry)
        if payment:
            maintenance = is_maintenance_use(entry)
            if not maintenance:  # a maintenance use's ids are trustfund.rules.maintenance's
                checker.references(entry, ("resolution", "emergency"))
            checker.payment(entry, maintenance)
        elif "resolution" in meta or "emergency" in meta or "approval" in meta:
            checker.references(entry, ("approval", "resolution", "emergency"))
    return entries, checker.errors


plugin = plugin_entry(check)
