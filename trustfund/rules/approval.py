"""Spending needs dual approval (双签): TF301–TF307.

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
- TF302 the approval has sign-offs from fewer than two distinct roles, or its roles were all
  signed by one person (the latest sign-off of each role counts; 李四 signing as committee and
  as manager is one person, not two).
- TF303 a required sign-off is dated after the payment (the same day is fine).
- TF304 the payments citing one approval add up to more than the approved amount: the smallest of
  the roles' latest sign-offs dated on or before each payment.
- TF305 a payment at or above the ``tf-threshold`` in force cites no resolution that passed
  (art. 278 tally, vote closed on or before the payment day). Maintenance-fund uses are judged
  by ``trustfund.rules.maintenance`` (TF401/TF402/TF403); here they only get TF305 when they rest on
  an emergency record that is not valid (a valid emergency satisfies the rule).
- TF306 a payment at or above the threshold without a ``tf-notice`` citing its approval dated
  at least N days before the payment (exactly N is fine). Emergencies need no prior notice.
- TF307 payments split to stay below the threshold: payments to one payee, each below the
  threshold, dated at most 30 days apart (30 included), that together reach it. The payment
  that brings the sum to the threshold needs what TF305 and TF306 ask of one large payment: a
  passed resolution (or, for a maintenance-fund use, a valid emergency) and a notice citing its
  approval N days before (none after an emergency); without either it gets TF307 (not
  TF305/TF306)::

      2025-03-01 * "安泰保安服务有限公司" "保安服务 第1期"      ; 60,000: below 100,000
        approval: "AP-1"
        Expenses:Service:Security   60000.00 CNY
        Assets:Bank:Trust
      2025-03-02 * "安泰保安服务有限公司" "保安服务 第2期"      ; TF307: 120,000 in 30 days,
        approval: "AP-2"                                     ; no resolution, no notice
        Expenses:Service:Security   60000.00 CNY
        Assets:Bank:Trust

Each payment is reported at its own file:line. The payments come from the shared index
(:mod:`ledger.index`); approvals, resolutions and notices indexed by id from
:class:`ledger.community.Community`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from beancount.core import data

from ledger.community import Approval, Community
from ledger.entries import emergency_is_valid, ids
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex, Payment
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry
from trustfund.rules.tally import resolutions

__plugins__ = ("plugin",)

REQUIRED_ROLES = 2
#: Payments to one payee dated at most this many days apart are judged together (TF307).
SPLIT_DAYS = 30


def _payee_id(pay: Payment) -> list[str]:
    return [f"payee:{pay.payee}"] if pay.payee else []


class _Checker:
    def __init__(self, community: Community) -> None:
        self.community = community
        self.resolutions = resolutions(community)
        self.used: dict[str, Decimal] = {}  # approval id -> paid so far
        self.errors: list[TrustError] = []
        # TF307: per payee, the recent payments below the threshold (date, amount, payment).
        self.recent: dict[str, deque[Payment]] = {}

    def error(
        self,
        code: str,
        message: str,
        txn: data.Transaction,
        ids: Sequence[str] = (),
        amount: Decimal | None = None,
    ) -> None:
        self.errors.append(make_error(code, message, txn, ids=ids, amount=amount))

    def references(
        self,
        txn: data.Transaction,
        cited: Mapping[str, Sequence[str]],
        amount: Decimal | None = None,
    ) -> None:
        """TF002 for the ids cited (approval, resolution, emergency) that do not exist."""
        registers: dict[str, Mapping[str, object]] = {
            "approval": self.community.approvals,
            "resolution": self.community.resolutions,
            "emergency": self.community.emergencies,
        }
        for key, refs in cited.items():
            for ref in refs:
                if ref not in registers[key]:
                    self.error(
                        "TF002",
                        f'transaction cites unknown {key} "{ref}"',
                        txn,
                        [f"{key}:{ref}"],
                        amount,
                    )

    def payment(self, pay: Payment) -> None:
        if pay.auto_debit:
            return
        txn = pay.txn
        outflow = pay.outflow
        if not pay.approvals:
            self.error(
                "TF301",
                f"payment of {outflow} from an owners' fund cites no approval",
                txn,
                _payee_id(pay),
                outflow,
            )
        approvals = self._approvals(pay)
        threshold = self.community.thresholds.at(pay.date)
        if threshold is None:
            return
        if outflow < threshold.amount:
            self._split(pay, approvals, threshold.amount, threshold.notice_days)
            return
        emergency = self._large_payment_basis(pay, threshold.amount)
        if emergency or not approvals:
            return  # emergencies are published after the work; no approval: TF301/TF002 said it
        self._notice(pay, approvals, threshold.notice_days, threshold.amount)

    # -- TF002/TF302/TF303/TF304 -------------------------------------------------------
    def _approvals(self, pay: Payment) -> list[Approval]:
        txn, day, outflow = pay.txn, pay.date, pay.outflow
        known: list[Approval] = []
        valid: list[Approval] = []
        for approval_id in pay.approvals:
            approval = self.community.approvals.get(approval_id)
            ids = [f"approval:{approval_id}"]
            if approval is None:
                self.error(
                    "TF002", f'payment cites unknown approval "{approval_id}"', txn, ids, outflow
                )
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
                    ids,
                    outflow,
                )
                continue
            signers = {s.name.strip() for s in approval.latest_by_role().values()}
            if len(signers) < REQUIRED_ROLES:
                who = next(iter(signers))
                self.error(
                    "TF302",
                    f"approval {approval_id} is signed by one person ({who}) as "
                    f"{' and '.join(sorted(roles))}: two distinct persons are required",
                    txn,
                    [*ids, f"member:{who}"],
                    outflow,
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
                    ids,
                    outflow,
                )
                continue
            valid.append(approval)
        if len(valid) == len(pay.approvals):
            self._amounts(pay, valid)
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

    def _amounts(self, pay: Payment, approvals: list[Approval]) -> None:
        if not approvals:
            return
        before = {a.id: self.used.get(a.id, Decimal(0)) for a in approvals}
        excess = self._consume(approvals, pay.outflow, pay.date)
        if excess > 0:
            parts = "; ".join(
                f"{a.id} approves {a.amount(pay.date)}, {before[a.id]} already paid"
                for a in approvals
            )
            self.error(
                "TF304",
                f"payment of {pay.outflow} exceeds the approved amount by {excess} ({parts})",
                pay.txn,
                [f"approval:{a.id}" for a in approvals],
                excess,
            )

    # -- TF305 ---------------------------------------------------------------------------
    def _large_payment_basis(self, pay: Payment, threshold: Decimal) -> bool:
        """Report TF305 (and TF002) for a large payment; True if it rests on an emergency."""
        txn, day, outflow = pay.txn, pay.date, pay.outflow
        approval_ids = [f"approval:{a}" for a in pay.approvals]
        if pay.maintenance:
            # trustfund.rules.maintenance reports unknown ids, TF401, TF402 and TF403 for these.
            if any(r in self.community.resolutions for r in pay.resolutions):
                return False
            emergencies = [
                self.community.emergencies[e]
                for e in pay.emergencies
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
                    [*approval_ids, *(f"emergency:{e.id}" for e in emergencies)],
                    outflow,
                )
            return True
        passed, why = self.resolutions.basis(pay.resolutions, day)
        if passed:
            return False
        self.error(
            "TF305",
            f"payment of {outflow} is at or above the threshold {threshold} without a passed "
            f"owners' resolution: {why}",
            txn,
            [*approval_ids, *(f"resolution:{r}" for r in pay.resolutions)],
            outflow,
        )
        return False

    # -- TF307 ---------------------------------------------------------------------------
    def _split(
        self, pay: Payment, approvals: list[Approval], threshold: Decimal, days: int
    ) -> None:
        """A payment below the threshold: does it bring one payee's 30 days to the threshold?"""
        if not pay.payee:
            return
        window = self.recent.get(pay.payee)
        if window is None:
            window = self.recent[pay.payee] = deque()
        earliest = pay.date - timedelta(days=SPLIT_DAYS)
        while window and window[0].date < earliest:
            window.popleft()
        before = sum((p.outflow for p in window), Decimal(0))
        window.append(pay)
        total = before + pay.outflow
        if not (before < threshold <= total):
            return
        missing: list[str] = []
        emergency = self._valid_emergency(pay)
        if not emergency:
            passed, why = self.resolutions.basis(pay.resolutions, pay.date)
            if not passed:
                missing.append(f"no passed owners' resolution ({why})")
            if not self._noticed(approvals, pay.date - timedelta(days=days)):
                cited = ", ".join(a.id for a in approvals) or "its approval"
                missing.append(f"no notice citing {cited} {days} days before")
        if not missing:
            return
        parts = ", ".join(f"{p.outflow} on {p.date}" for p in window)
        self.error(
            "TF307",
            f"payments to {pay.payee} within {SPLIT_DAYS} days reach the threshold {threshold} "
            f"({parts}: {total}), each below it: this one needs what one large payment needs; "
            + "; ".join(missing),
            pay.txn,
            [
                f"payee:{pay.payee}",
                *(f"approval:{a}" for a in pay.approvals),
                *(f"resolution:{r}" for r in pay.resolutions),
            ],
            total,
        )

    def _valid_emergency(self, pay: Payment) -> bool:
        """A maintenance-fund use resting on a valid emergency record (no vote, no notice)."""
        if not pay.maintenance:
            return False
        emergencies = self.community.emergencies
        return any(
            e in emergencies and emergency_is_valid(emergencies[e], self.community)
            for e in pay.emergencies
        )

    def _noticed(self, approvals: list[Approval], latest: date) -> bool:
        return any(
            n.date <= latest for a in approvals for n in self.community.notices.get(a.id, ())
        )

    # -- TF306 ---------------------------------------------------------------------------
    def _notice(
        self, pay: Payment, approvals: list[Approval], days: int, threshold: Decimal
    ) -> None:
        latest = pay.date - timedelta(days=days)
        notices = [n for a in approvals for n in self.community.notices.get(a.id, ())]
        if any(n.date <= latest for n in notices):
            return
        seen = ", ".join(f"{n.id} of {n.date}" for n in notices) or "none"
        cited = ", ".join(a.id for a in approvals)
        self.error(
            "TF306",
            f"payment of {pay.outflow} (threshold {threshold}) needs a notice citing {cited} "
            f"posted by {latest} ({days} days before); notices: {seen}",
            pay.txn,
            [*(f"approval:{a.id}" for a in approvals), *(f"notice:{n.id}" for n in notices)],
            pay.outflow,
        )


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """Report TF301–TF306 (and TF002 for unknown approvals) for every payment."""
    index = ensure_index(entries, community, index)
    checker = _Checker(community)
    citations = iter(index.citations)
    pending = next(citations, None)
    for pay in index.payments:
        # Keep the errors in entry order: the non-payments citing ids come in between.
        while pending is not None and _before(pending, pay.txn):
            checker.references(pending, _cites(pending))
            pending = next(citations, None)
        if not pay.maintenance:  # a maintenance use's ids are trustfund.rules.maintenance's
            checker.references(
                pay.txn,
                {"resolution": pay.resolutions, "emergency": pay.emergencies},
                pay.outflow,
            )
        checker.payment(pay)
    while pending is not None:
        checker.references(pending, _cites(pending))
        pending = next(citations, None)
    return entries, checker.errors


def _cites(txn: data.Transaction) -> dict[str, list[str]]:
    return {key: ids(txn, key) for key in ("approval", "resolution", "emergency")}


def _before(a: data.Transaction, b: data.Transaction) -> bool:
    return data.entry_sortkey(a) < data.entry_sortkey(b)


plugin = plugin_entry(check)
