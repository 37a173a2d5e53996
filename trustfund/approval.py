"""Spending needs dual approval (双签): TF301–TF306.

Enable on its own with ``plugin "trustfund.approval"`` (``trustfund.xinyi`` includes it).

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
- TF002 ``approval:`` (or, outside the maintenance fund, ``resolution:``) names an unknown id.
- TF302 the approval has sign-offs from fewer than two distinct roles.
- TF303 a required sign-off is dated after the payment (the same day is fine).
- TF304 the payments citing one approval add up to more than the approved amount: the smallest of
  the roles' latest sign-offs dated on or before each payment.
- TF305 a payment at or above the ``tf-threshold`` in force cites no resolution that passed
  (art. 278 tally, vote closed on or before the payment day). Maintenance-fund uses are judged
  by ``trustfund.maintenance`` (TF401/TF402/TF403); here they only get TF305 when they rest on
  an emergency record that is not valid (a valid emergency satisfies the rule).
- TF306 a payment at or above the threshold without a ``tf-notice`` citing its approval dated
  at least N days before the payment (exactly N is fine). Emergencies need no prior notice.

Each payment is reported at its own file:line. One pass over the entries; approvals,
resolutions and notices come indexed by id from :class:`ledger.community.Community`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from beancount.core import data

from ledger.community import Approval, Community, Emergency
from trustfund.accounts import MAINTENANCE_BANK, classify
from trustfund.common import (
    GENERATED_KEY,
    Config,
    Entries,
    bank_outflow,
    is_payment,
    meta_list,
    plugin_entry,
)
from trustfund.errors import TrustError, make_error
from trustfund.tally import Tally, tally

__plugins__ = ("plugin",)

REQUIRED_ROLES = 2


def is_auto_debit_payment(txn: data.Transaction, community: Community) -> bool:
    """True when every posting outside the owners' bank accounts is a ``tf-auto-debit`` one."""
    others = [p.account for p in txn.postings if not classify(p.account).is_bank]
    return bool(others) and all(community.is_auto_debit(a, txn.date) for a in others)


def is_maintenance_use(txn: data.Transaction) -> bool:
    """A payment that lowers the maintenance-fund account (DESIGN.md rule 4)."""
    for posting in txn.postings:
        account = posting.account
        if (account == MAINTENANCE_BANK or account.startswith(MAINTENANCE_BANK + ":")) and (
            posting.units is not None
            and posting.units.number is not None
            and posting.units.number < 0
        ):
            return True
    return False


def emergency_is_valid(emergency: Emergency, community: Community) -> bool:
    """Hazard on the list (``tf-hazard`` dated on or before it) and a confirmation given."""
    return bool(emergency.confirmation.strip()) and emergency.hazard in community.hazards_at(
        emergency.date
    )


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

    def payment(self, txn: data.Transaction) -> None:
        if is_auto_debit_payment(txn, self.community):
            return
        day = txn.date
        outflow = bank_outflow(txn)
        maintenance = is_maintenance_use(txn)
        approval_ids = meta_list(txn, "approval")
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
                    f"approval {approval_id} has sign-offs from {len(roles)} role ({have}); "
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
        resolution_ids = meta_list(txn, "resolution")
        if maintenance:
            # trustfund.maintenance reports unknown ids, TF401, TF402 and TF403 for these.
            if any(r in self.community.resolutions for r in resolution_ids):
                return False
            emergencies = [
                self.community.emergencies[e]
                for e in meta_list(txn, "emergency")
                if e in self.community.emergencies
            ]
            if not emergencies:
                return False
            if not any(emergency_is_valid(e, self.community) for e in emergencies):
                ids = ", ".join(e.id for e in emergencies)
                self.error(
                    "TF305",
                    f"payment of {outflow} (threshold {threshold}) rests on emergency {ids}, "
                    f"which is not valid, and cites no resolution",
                    txn,
                )
            return True
        reasons: list[str] = []
        for resolution_id in resolution_ids:
            if resolution_id not in self.community.resolutions:
                self.error("TF002", f'payment cites unknown resolution "{resolution_id}"', txn)
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
        ids = ", ".join(a.id for a in approvals)
        self.error(
            "TF306",
            f"payment of {outflow} (threshold {threshold}) needs a notice citing {ids} "
            f"posted by {latest} ({days} days before); notices: {seen}",
            txn,
        )


def check(entries: Entries, community: Community, config: Config) -> tuple[Entries, list[TrustError]]:
    """Report TF301–TF306 (and TF002 for unknown approvals) for every payment."""
    checker = _Checker(community)
    for entry in entries:
        if type(entry) is data.Transaction and is_payment(entry):
            if entry.meta and entry.meta.get(GENERATED_KEY):
                continue
            checker.payment(entry)
    return entries, checker.errors


plugin = plugin_entry(check)
