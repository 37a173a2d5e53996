"""The path of a decision and the end of a year (五议两公开, objections, budget, surplus): TF601–TF607.

Enable on its own with ``plugin "trustfund.rules.governance"`` (``trustfund.xinyi`` includes it).

**五议两公开.** A matter travels 提议 → 商议 → 审议 → 决议 → 决议公开, and after the work
评议 → 结果公开. Each step is a dated ``tf-stage`` tied to the resolution id; the decision (决议)
is the vote's ``tf-close`` (or, for a matter decided without an owners' vote, a ``tf-stage``
"resolve"). ``tf-procedure`` switches the trail on for the resolutions dated from its date, with
the days the result may wait after the latest payment::

    2025-01-01 custom "tf-procedure" "five-two" 90     ; 五议两公开; result within 90 days
    2025-02-10 custom "tf-stage" "R-2025-01" "propose"           ; 提议
    2025-02-20 custom "tf-stage" "R-2025-01" "discuss"           ; 商议
    2025-03-10 custom "tf-stage" "R-2025-01" "review"            ; 审议
    2025-03-20 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "2号楼电梯更换" "2"
    2025-04-30 custom "tf-close" "R-2025-01"                     ; 决议: the vote closes
    2025-05-02 custom "tf-stage" "R-2025-01" "publish-decision"  ; 决议公开
    2025-09-30 custom "tf-stage" "R-2025-01" "evaluate"          ; 评议
    2025-10-08 custom "tf-stage" "R-2025-01" "publish-result"    ; 结果公开

- TF601 a payment cites a resolution under the procedure whose trail is not complete on the
  payment day: propose, discuss, review, resolve and publish-decision must each be on record,
  dated on or before the payment (the same day is fine).
- TF602 a stage dated before a stage it must follow (same day is in order), reported at the
  stage; judged on every resolution with a ``tf-stage``, under the procedure or not.
- TF603 the result of a resolution under a procedure with result days N is not evaluated and
  published (``evaluate`` and ``publish-result``, each dated at most N days after the latest
  payment citing it) once the ledger runs past that day; reported at the ``tf-resolution``.

**Objections (异议).** A notice may carry the last day owners may object; objections and their
outcome are recorded::

    2025-05-05 custom "tf-notice" "N-2025-005" "AP-2025-0510" 2025-05-15   ; objection deadline
    2025-05-15 custom "tf-objection" "OB-2025-01" "N-2025-005" "2-2-901"   ; id, notice, who
    2025-05-18 custom "tf-objection-outcome" "OB-2025-01" "dismissed"      ; withdrawn | dismissed | upheld

- TF604 a payment under a notice (one citing its approval, or named by its ``notice:``) on or
  before the notice's objection deadline: the window is open through the deadline day.
- TF605 a payment under a notice while an objection to it stands: lodged on or before the
  payment (and on or before the deadline: a late objection does not stop the payment) and not
  withdrawn or dismissed on or before the payment day, or upheld.

**Budget (预算).** Fava's ``custom "budget"`` lines stay the budget. ``tf-budget`` records that
the owners adopted a year's budget under a resolution; a line dated later in that year than
1 January changes the adopted budget (追加/调整) and cites the resolution that allows it::

    2024-12-20 custom "tf-budget" "2025" "R-2024-09"
    2025-01-01 custom "budget" Expenses:Service:Greenery "monthly" 3500.00 CNY
    2025-07-01 custom "budget" Expenses:Service:Greenery "monthly" 4500.00 CNY
      resolution: "R-2025-03"

- TF606 once the ledger has a ``tf-budget``: a year (from the first adopted one) with budget
  lines but no adoption; an adoption or a budget change whose resolution was not decided (vote
  closed and passed, or resolved without a vote) on or before its date; a change citing none.

**Surplus (结余处置).** The owners decide what to do with a year's surplus of the common fund
(income − expenses, closing entries excluded)::

    2026-03-20 custom "tf-disposition" "2025" "reserve" 50000.00 CNY "R-2026-02"
    2026-03-20 custom "tf-disposition" "2025" "refund-by-area" 30000.00 CNY "R-2026-02"

- TF607 a disposition whose resolution was not decided on or before its date, or dispositions
  of one year adding up to more than its surplus (a deficit year may only be carried forward,
  up to the deficit). The surplus comes from the year's transactions when the ledger holds them,
  else from the ``trustfund-carry-surplus`` line ``close-year`` writes; with neither the amount
  is not judged.

Unknown ids are TF002 (``ledger.community``). Payments come from the shared index
(:mod:`ledger.index`), the registers from :class:`ledger.community.Governance`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from beancount.core import data

from ledger.accounts import COMMON, classify
from ledger.community import (
    STAGE_LABELS,
    STAGES,
    STAGES_BEFORE_PAYMENT,
    Community,
    Notice,
)
from ledger.entries import YEAR_CLOSE_TAG, YEAR_OPEN_TAG, meta_list
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex, Payment
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry
from trustfund.rules.tally import resolutions

__plugins__ = ("plugin",)

ZERO = Decimal(0)


def _stage(name: str) -> str:
    return f"{name} ({STAGE_LABELS[name]})"


def decision_problem(
    community: Community,
    resolution_id: str,
    day: date,
    tallies: dict[str, tuple[str, ...] | None] | None = None,
) -> str | None:
    """Why ``resolution_id`` was not decided on or before ``day``, or None when it was.

    Decided: its vote closed on or before the day and passed (art. 278 tally), or, for a matter
    decided without an owners' vote, a ``tf-stage`` "resolve" on or before the day. ``tallies``
    keeps each resolution's outcome (None: passed; else the failed tests) between calls.
    """
    if resolution_id not in community.resolutions:
        return f'unknown resolution "{resolution_id}"'
    close = community.closes.get(resolution_id)
    if close is not None:
        if close.date > day:
            return f"the vote on {resolution_id} closes {close.date}, after {day}"
        if tallies is not None and resolution_id in tallies:
            failed = tallies[resolution_id]
        else:
            result = resolutions(community).final(resolution_id)  # one tally per load
            failed = None if result.passed else tuple(result.failed_tests)
            if tallies is not None:
                tallies[resolution_id] = failed
        if failed is not None:
            return f"{resolution_id} did not pass ({', '.join(failed)})"
        return None
    resolved = community.governance.stage_dates(resolution_id).get("resolve")
    if resolved is None:
        return f"{resolution_id} is not decided (no tf-close, no resolve stage)"
    if resolved > day:
        return f"{resolution_id} is decided {resolved}, after {day}"
    return None


def notices_under(
    community: Community, txn: data.Transaction, approvals: Iterable[str]
) -> list[Notice]:
    """The notices a payment is under: dated on or before it, citing one of its approvals or
    named by its ``notice:`` (TF604, TF605 and the special audit's G02)."""
    found: dict[tuple[str, str], Notice] = {}
    for aid in approvals:
        for notice in community.notices.get(aid, ()):
            if notice.date <= txn.date:
                found[(notice.id, notice.approval_id)] = notice
    for nid in meta_list(txn, "notice"):
        for notice in community.governance.notices.get(nid, ()):
            if notice.date <= txn.date:
                found[(notice.id, notice.approval_id)] = notice
    return list(found.values())


class _Checker:
    def __init__(self, community: Community, index: LedgerIndex) -> None:
        self.community = community
        self.gov = community.governance
        self.index = index
        self.errors: list[TrustError] = []
        self.tallies: dict[str, tuple[str, ...] | None] = {}  # each resolution counted once

    def error(
        self,
        code: str,
        message: str,
        entry: data.Directive | None,
        ids: Iterable[str] = (),
        amount: Decimal | None = None,
        source: dict[str, object] | None = None,
    ) -> None:
        self.errors.append(make_error(code, message, entry, source, ids=ids, amount=amount))

    # -- TF602 ------------------------------------------------------------------------------
    def stage_order(self) -> None:
        for rid, stages in self.gov.stages.items():
            first = self.gov.stage_dates(rid, self.community.closes.get(rid))
            where: dict[str, data.Directive | None] = {}
            for stage in stages:
                if stage.date == first.get(stage.stage) and stage.stage not in where:
                    where[stage.stage] = stage.entry
            close = self.community.closes.get(rid)
            for position, name in enumerate(STAGES):
                day = first.get(name)
                if day is None:
                    continue
                later = [(first[p], p) for p in STAGES[:position] if p in first and first[p] > day]
                if not later:
                    continue
                after_day, after = max(later)
                message = (
                    f"{rid}: {_stage(name)} on {day} comes before {_stage(after)} on "
                    f"{after_day}; the stages of 五议两公开 go "
                    + " → ".join(STAGE_LABELS[s] for s in STAGES)
                )
                if name == "resolve" and close is not None:
                    self.error("TF602", message, None, [f"resolution:{rid}"], source=close.meta)
                else:
                    self.error("TF602", message, where.get(name), [f"resolution:{rid}"])

    # -- TF601 ------------------------------------------------------------------------------
    def trail(self, pay: Payment) -> None:
        for rid in pay.resolutions:
            resolution = self.community.resolutions.get(rid)
            if resolution is None or self.gov.procedure_for(resolution) is None:
                continue
            first = self.gov.stage_dates(rid, self.community.closes.get(rid))
            missing = []
            for name in STAGES_BEFORE_PAYMENT:
                day = first.get(name)
                if day is None:
                    missing.append(f"{_stage(name)} not on record")
                elif day > pay.date:
                    missing.append(f"{_stage(name)} only on {day}")
            if missing:
                self.error(
                    "TF601",
                    f"payment of {pay.outflow} on {pay.date} cites {rid}, whose 五议两公开 "
                    f"trail is not complete: {'; '.join(missing)}",
                    pay.txn,
                    [f"resolution:{rid}"],
                    pay.outflow,
                )

    # -- TF603 ------------------------------------------------------------------------------
    def results(self, payments: Sequence[Payment]) -> None:
        last_day = self.community.last_date
        if last_day is None:
            return
        latest: dict[str, date] = {}
        for pay in payments:
            for rid in pay.resolutions:
                if rid not in latest or pay.date > latest[rid]:
                    latest[rid] = pay.date
        for rid, paid in latest.items():
            resolution = self.community.resolutions.get(rid)
            if resolution is None:
                continue
            term = self.gov.procedure_for(resolution)
            if term is None or term.days is None:
                continue
            due = paid + timedelta(days=term.days)
            if last_day <= due:
                continue
            first = self.gov.stage_dates(rid)
            missing = [
                _stage(name)
                for name in ("evaluate", "publish-result")
                if name not in first or first[name] > due
            ]
            if missing:
                self.error(
                    "TF603",
                    f"{rid}: last paid {paid}; {' and '.join(missing)} due by {due} "
                    f"({term.days} days) and not on record by then",
                    None,
                    [f"resolution:{rid}"],
                    source=resolution.meta,
                )

    # -- TF604/TF605 ------------------------------------------------------------------------
    def objections(self, pay: Payment) -> None:
        notices = notices_under(self.community, pay.txn, pay.approvals)
        if not notices:
            return
        open_windows = sorted(
            {
                (n.deadline, n.id)
                for n in notices
                if n.deadline is not None and pay.date <= n.deadline
            }
        )
        if open_windows:
            deadline, nid = open_windows[-1]
            self.error(
                "TF604",
                f"payment of {pay.outflow} on {pay.date} under notice {nid} before its "
                f"objection window closes ({deadline}, the deadline day included)",
                pay.txn,
                [
                    *(f"notice:{n}" for _, n in open_windows),
                    *(f"approval:{a}" for a in pay.approvals),
                ],
                pay.outflow,
            )
        standing: list[str] = []
        ids: list[str] = []
        seen: set[str] = set()
        for notice in notices:
            if notice.id in seen:
                continue
            seen.add(notice.id)
            deadlines = [n.deadline for n in self.gov.notices.get(notice.id, ()) if n.deadline]
            window_end = max(deadlines) if deadlines else None
            for objection in self.gov.by_notice.get(notice.id, ()):
                if objection.date > pay.date:
                    continue
                if window_end is not None and objection.date > window_end:
                    continue  # lodged after the window: recorded, but it does not stop the payment
                outcome = self.gov.outcome(objection.id, pay.date)
                if outcome is None:
                    standing.append(
                        f"{objection.id} of {objection.date} to {notice.id} is not resolved"
                    )
                elif outcome.outcome == "upheld":
                    standing.append(
                        f"{objection.id} of {objection.date} to {notice.id} was upheld on {outcome.date}"
                    )
                else:
                    continue
                ids += [f"objection:{objection.id}", f"notice:{notice.id}"]
        if standing:
            self.error(
                "TF605",
                f"payment of {pay.outflow} on {pay.date} while an objection stands: "
                + "; ".join(standing),
                pay.txn,
                ids,
                pay.outflow,
            )

    # -- TF606 ------------------------------------------------------------------------------
    def budgets(self, entries: Sequence[data.Directive]) -> None:
        adoptions = self.gov.budgets
        if not adoptions:
            return
        for year, lines in sorted(adoptions.items()):
            adoption = lines[-1]
            problem = decision_problem(
                self.community, adoption.resolution_id, adoption.date, self.tallies
            )
            if problem:
                self.error(
                    "TF606",
                    f"the {year} budget is adopted on {adoption.date} under a resolution not "
                    f"decided by then: {problem}",
                    adoption.entry,
                    [f"year:{year}", f"resolution:{adoption.resolution_id}"],
                )
        first_year = min(adoptions)
        unadopted: set[str] = set()
        for entry in self.gov.budget_lines:
            year = f"{entry.date.year:04d}"
            if year < first_year:
                continue
            if year not in adoptions:
                if year not in unadopted:
                    unadopted.add(year)
                    self.error(
                        "TF606",
                        f"budget lines for {year} but no tf-budget records its adoption",
                        entry,
                        [f"year:{year}"],
                    )
                continue
            if (entry.date.month, entry.date.day) == (1, 1):
                continue  # the adopted budget itself
            account = str(entry.values[0].value) if entry.values else "?"
            cited = meta_list(entry, "resolution")
            if not cited:
                self.error(
                    "TF606",
                    f"budget of {account} changed on {entry.date}, within the adopted {year} "
                    f"budget, without a resolution (追加/调整预算 needs the owners' decision)",
                    entry,
                    [f"year:{year}", f"account:{account}"],
                )
                continue
            problems = [
                decision_problem(self.community, rid, entry.date, self.tallies) for rid in cited
            ]
            if all(problems):
                self.error(
                    "TF606",
                    f"budget of {account} changed on {entry.date} under a resolution not "
                    f"decided by then: {'; '.join(p for p in problems if p)}",
                    entry,
                    [f"year:{year}", f"account:{account}", *(f"resolution:{r}" for r in cited)],
                )

    # -- TF607 ------------------------------------------------------------------------------
    def dispositions(self, entries: Sequence[data.Directive]) -> None:
        if not self.gov.dispositions:
            return
        surplus = common_surplus(
            entries, set(self.gov.dispositions), self.gov.carried_surplus, self.index
        )
        for year, lines in sorted(self.gov.dispositions.items()):
            amount = surplus.get(year)
            used = ZERO
            reported = False
            for line in lines:
                ids = [f"year:{year}", f"resolution:{line.resolution_id}"]
                problem = decision_problem(
                    self.community, line.resolution_id, line.date, self.tallies
                )
                if problem:
                    self.error(
                        "TF607",
                        f"{line.kind} of {line.amount} from the {year} surplus under a "
                        f"resolution not decided by {line.date}: {problem}",
                        line.entry,
                        ids,
                        line.amount,
                    )
                if amount is None:
                    continue  # neither the year's transactions nor a carried figure
                if amount < 0 and line.kind != "carry-forward":
                    self.error(
                        "TF607",
                        f"{year} ended in a deficit of {-amount}: there is no surplus to "
                        f"{line.kind} (a deficit may only be carried forward)",
                        line.entry,
                        ids,
                        line.amount,
                    )
                    continue
                used += line.amount
                if used > abs(amount) and not reported:
                    reported = True
                    what = "surplus" if amount >= 0 else "deficit"
                    self.error(
                        "TF607",
                        f"dispositions of the {year} {what} add up to {used}, more than the "
                        f"{what} of the common fund, {abs(amount)}",
                        line.entry,
                        ids,
                        used - abs(amount),
                    )


def common_surplus(
    entries: Sequence[data.Directive],
    years: set[str],
    carried: dict[str, Decimal] | None = None,
    index: LedgerIndex | None = None,
) -> dict[str, Decimal]:
    """The common fund's surplus (income − expenses) of each of ``years`` the ledger can tell.

    From the year's own transactions (closing ``#year-close`` and opening ``#year-open`` entries
    excluded) when the ledger holds any; else from the ``trustfund-carry-surplus`` figure
    (``carried``). Only the entries dated in those years are read (the entries are in date
    order, as Beancount sorts them).
    """
    if index is not None:  # the one pass of the load already summed it (ledger.index)
        out = {f"{y:04d}": v for y, v in index.common_net.items() if f"{y:04d}" in years}
        for label, amount in (carried or {}).items():
            if label in years and label not in out:
                out[label] = amount
        return out
    net: dict[int, Decimal] = {}
    counted: set[str] = set()  # income and expense accounts of the common fund
    other: set[str] = set()
    transaction = data.Transaction
    skip_close, skip_open = YEAR_CLOSE_TAG, YEAR_OPEN_TAG
    for year in sorted(int(y) for y in years if y.isdigit()):
        lo = bisect.bisect_left(entries, date(year, 1, 1), key=_date_of)
        hi = bisect.bisect_left(entries, date(year + 1, 1, 1), lo=lo, key=_date_of)
        total: Decimal | None = None
        for entry in entries[lo:hi]:
            if type(entry) is not transaction:
                continue
            txn: data.Transaction = entry  # type: ignore[assignment]
            tags = txn.tags
            if tags and (skip_close in tags or skip_open in tags):
                continue
            if total is None:
                total = ZERO
            for posting in txn.postings:
                account = posting.account
                if account in other:
                    continue
                if account not in counted:
                    cls = classify(account)
                    if cls.fund != COMMON or not (cls.is_income or cls.is_expense):
                        other.add(account)
                        continue
                    counted.add(account)
                units = posting.units
                number = units.number if units is not None else None
                if isinstance(number, Decimal):
                    total -= number
        if total is not None:
            net[year] = total
    out = {f"{year:04d}": total for year, total in net.items()}
    for label, amount in (carried or {}).items():
        if label in years and label not in out:
            out[label] = amount
    return out


def _date_of(entry: data.Directive) -> date:
    return entry.date


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """Report TF601–TF607 (see the module docstring)."""
    gov = community.governance
    checker = _Checker(community, ensure_index(entries, community, index))
    checker.stage_order()
    needs_payments = bool(gov.procedure.all()) or bool(gov.notices) or bool(gov.objections)
    if needs_payments:
        payments = checker.index.payments
        trail = bool(gov.procedure.all())
        deadlines = any(n.deadline for ns in gov.notices.values() for n in ns) or bool(
            gov.objections
        )
        for pay in payments:
            if trail and pay.resolutions:
                checker.trail(pay)
            if deadlines and (pay.approvals or "notice" in (pay.txn.meta or {})):
                checker.objections(pay)
        if trail:
            checker.results(payments)
    checker.budgets(entries)
    checker.dispositions(entries)
    return entries, checker.errors


plugin = plugin_entry(check)
