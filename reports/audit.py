"""Special audit (专项审计) of the maintenance fund and of the common fund.

``trustfund report audit --period 2025 --format xlsx`` writes what a CPA firm's working papers
hold: a summary with one row per check (fixed id, status 通过 pass / 例外 exception, the amount
at stake), each check's findings at ``file:line``, and the working papers behind them (billing
completeness, waivers, arrears ageing, contracts, public income, projects, interest by 积数,
trial balance, per-unit receivables and, in the workbook, the general ledger).

The audit is a table of check functions (:data:`CHECKS`), each with a fixed id. A check lists
its evidence (rows that pass) and its exceptions. Where a trust rule decides (TF101–TF501), the
check reads the rule's errors by their structured fields (``error_code(e)``, ``e.ids``,
``e.amount``), never by parsing their messages: an error that concerns the ids of a finding
(``resolution:R-1`` is not ``resolution:R-10``) or its ``file:line`` turns that finding into
an exception; any other error of the check's codes becomes an exception of its own. The rule
errors come from the load when the ledger runs ``plugin "trustfund.xinyi"``; otherwise the
audit runs every rule itself, so no check passes because a rule did not run.

A check passes only when it found no exception. The period's figures are taken as of its last
day, or today when that is earlier (an open period).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, cached_property
from typing import Any, ClassVar

from beancount.core import data

from ledger.accounts import MAINTENANCE_BANK, classify, under
from ledger.community import STAGE_LABELS, STAGES, Community
from ledger.entries import bank_outflow, ids, lowers_bank, meta_list
from ledger.errors import TrustError, error_code, location
from reports import books, workpapers
from reports import budget as budget_report
from reports.common import (
    COMMON,
    MAINTENANCE,
    ZERO,
    PaymentInfo,
    Source,
    fund_of,
    ledger_index,
    payments_in,
    remuneration_schedule,
    resolve,
    tally,
    transactions,
)
from reports.period import Period
from reports.subledgers import (
    MaintenanceLedger,
    aging_date,
    maintenance_ledger,
    replay_receivables,
)
from reports.table import Column, Report, Row, Table
from trustfund.rules.governance import notices_under
from trustfund.rules.plugin import Config, run_all
from trustfund.xinyi import rule_checks

C = Column
OK = "通过 ok"
EXCEPTION = "例外 exception"
PASS = "通过 pass"
FAIL = "例外 exception"
#: The audit's part for the path of decisions and the end of a year (both funds).
GOVERNANCE = "governance"
PARTS = {
    MAINTENANCE: "维修资金 Maintenance fund",
    COMMON: "共同基金 Common fund",
    GOVERNANCE: "议事与决算 Decisions and year end",
}
DEPOSIT_WORDS = ("押金", "保证金", "deposit")
_DEPOSIT_WORDS = re.compile("|".join(map(re.escape, DEPOSIT_WORDS)), re.IGNORECASE)
RAN_NOTE = "规则错误由审计运行规则得到 rule errors computed by running the rules"
#: Kinds of ids a rule error is matched on, besides its file:line.
ID_KINDS = ("approval", "resolution", "emergency", "contract", "invoice", "period", "unit")


# ---------------------------------------------------------------------------------------
# The report


@dataclass
class Finding(Row):
    check: str
    location: str
    date: date | None
    subject: str
    amount: Decimal | None
    ok: bool
    reason: str
    keys: tuple[str, ...] = ()  # ids ("kind:value") a rule error must concern all of to match
    also: tuple[str, ...] = ()  # ids of which a rule error concerning any one matches
    columns: ClassVar[tuple[Column, ...]] = (
        C("location", "位置", "file:line"),
        C("date", "日期", "Date", "date"),
        C("subject", "事项", "Item"),
        C("amount", "金额", "Amount", "money"),
        C("result", "结果", "Result"),
        C("reason", "说明", "Reason"),
    )

    @property
    def result(self) -> str:
        return OK if self.ok else EXCEPTION

    @property
    def flagged(self) -> bool:
        return not self.ok


@dataclass
class CheckResult(Row):
    part: str
    id: str
    ref: str  # domain.md §C2 number(s)
    zh: str
    en: str
    codes: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    note: str = ""
    columns: ClassVar[tuple[Column, ...]] = (
        C("part_label", "部分", "Part"),
        C("id", "编号", "Check"),
        C("ref", "C2", "C2 #"),
        C("zh", "审计事项", "Check (zh)"),
        C("en", "Check", "Check (en)"),
        C("rules", "规则", "Rules"),
        C("status", "结论", "Result"),
        C("exceptions", "例外数", "Exceptions", "int"),
        C("exception_amount", "涉及金额", "At stake", "money"),
        C("items", "核查项数", "Items checked", "int"),
    )

    @property
    def part_label(self) -> str:
        return PARTS.get(self.part, self.part)

    @property
    def rules(self) -> str:
        return ", ".join(self.codes)

    @property
    def exceptions(self) -> int:
        return sum(1 for f in self.findings if not f.ok)

    @property
    def exception_amount(self) -> Decimal:
        return sum((f.amount or ZERO for f in self.findings if not f.ok), ZERO)

    @property
    def items(self) -> int:
        return len(self.findings)

    @property
    def passed(self) -> bool:
        return self.exceptions == 0

    @property
    def status(self) -> str:
        return PASS if self.passed else FAIL

    @property
    def flagged(self) -> bool:
        return not self.passed

    def add(
        self,
        location: str,
        day: date | None,
        subject: str,
        amount: Decimal | None,
        ok: bool,
        reason: str,
        keys: Iterable[str] = (),
        also: Iterable[str] = (),
    ) -> Finding:
        finding = Finding(
            self.id, location, day, subject, amount, ok, reason, tuple(keys), tuple(also)
        )
        self.findings.append(finding)
        return finding


@dataclass
class AuditReport(Report):
    checks: list[CheckResult] = field(default_factory=list)
    papers: list[Table] = field(default_factory=list)  # the working papers
    as_of: date | None = None

    def check(self, check_id: str) -> CheckResult:
        return next(c for c in self.checks if c.id == check_id)

    def paper(self, key: str) -> Table:
        return next(t for t in self.papers if t.key == key)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def tables(self) -> list[Table]:
        summary = Table(
            "summary",
            "审计结论汇总",
            "Summary",
            CheckResult.columns,
            self.checks,
            {
                "id": "合计 Total",
                "exceptions": sum(c.exceptions for c in self.checks),
                "exception_amount": sum((c.exception_amount for c in self.checks), ZERO),
                "items": sum(c.items for c in self.checks),
            },
            note=f"截至 as of {self.as_of.isoformat()}" if self.as_of else "",
        )
        tables = [summary]
        for check in self.checks:
            total = {
                "location": "合计 Total",
                "amount": sum((f.amount or ZERO for f in check.findings if not f.ok), ZERO),
            }
            note = f"{check.part_label} · C2 {check.ref} · {check.status}"
            if check.codes:
                note += f" · {check.rules}"
            if check.note:
                note += f" · {check.note}"
            tables.append(
                Table(check.id, check.zh, check.en, Finding.columns, check.findings, total, note)
            )
        return tables + self.papers


# ---------------------------------------------------------------------------------------
# What every check reads: the period, payments, rule errors, working papers


def all_rules_ran(options: dict[str, Any]) -> bool:
    """The load ran ``trustfund.xinyi`` (every rule), so its errors are complete."""
    return any(name == "trustfund.xinyi" for name, _ in options.get("plugin", []) or [])


def rule_errors(src: Source) -> tuple[list[TrustError], str]:
    """The TF-coded errors of the ledger, and a note when the audit had to run the rules."""
    if all_rules_ran(src.options):
        return [e for e in src.errors if error_code(e)], ""
    _, errors = run_all(list(src.entries), rule_checks(), Config())
    return [e for e in errors if error_code(e)], RAN_NOTE


def _derived_ids(error: Any) -> tuple[str, ...]:
    """For an error that carries no ids: the ids its entry cites (never its message)."""
    return entry_ids(getattr(error, "entry", None))


def entry_ids(entry: Any) -> tuple[str, ...]:
    """The ids (``kind:value``) a transaction cites, or the id a ``tf-*`` directive declares."""
    if type(entry) is data.Transaction:
        return tuple(f"{kind}:{value}" for kind in ID_KINDS for value in ids(entry, kind))
    if type(entry) is data.Custom and entry.values:
        kind = {
            "tf-approval": "approval",
            "tf-resolution": "resolution",
            "tf-vote": "resolution",
            "tf-close": "resolution",
            "tf-emergency": "emergency",
            "tf-contract": "contract",
            "tf-seal": "period",
        }.get(entry.type)
        if kind:
            return (f"{kind}:{entry.values[0].value}",)
    return ()


def error_ids(error: Any) -> tuple[str, ...]:
    return tuple(getattr(error, "ids", ()) or ()) or _derived_ids(error)


def error_amount(error: Any) -> Decimal | None:
    """The money at stake: the error's ``amount``, else the payment it points at."""
    amount = getattr(error, "amount", None)
    if amount is not None:
        return abs(Decimal(amount))  # TF201 says posted − computed: either way, at stake
    entry = getattr(error, "entry", None)
    if type(entry) is data.Transaction:
        return bank_outflow(entry) or None
    return None


def _first_line(error: Any) -> str:
    return str(getattr(error, "message", error)).splitlines()[0]


class Context:
    """The audit's inputs, each computed once: checks and working papers share them."""

    def __init__(self, src: Source, period: Period, today: date | None) -> None:
        self.src = src
        self.period = period
        self.entries = src.entries
        self.community: Community = src.community
        self.as_of = aging_date(period.last_day, today)
        self.start = period.start
        self.end = self.as_of + timedelta(days=1)  # exclusive
        self.last = self.community.last_date
        self.errors, note = rule_errors(src)
        self.notes = [note] if note else []
        self.claimed: set[str] = set()

    # -- payments ---------------------------------------------------------------------
    @cached_property
    def payments(self) -> list[PaymentInfo]:
        return payments_in(self.entries, self.community, self.start, self.end)

    def fund_payments(self, fund: str) -> list[PaymentInfo]:
        if fund == MAINTENANCE:
            return [p for p in self.payments if p.fund == MAINTENANCE]
        return [p for p in self.payments if p.fund != MAINTENANCE]

    @cached_property
    def cited(self) -> dict[str, str]:
        """``kind:value`` -> fund, for the ids the period's payments cite."""
        out: dict[str, str] = {}
        for pay in self.payments:
            for key in entry_ids(pay.entry):
                if out.get(key) != MAINTENANCE:
                    out[key] = pay.fund
        return out

    # -- rule errors ------------------------------------------------------------------
    def in_scope(self, error: Any) -> bool:
        """An error of the period: for one of its months, dated in it, about a year it overlaps
        and dated by its end (a budget adopted before it), or about an id its payments cite;
        errors with neither a date nor ids always count."""
        keys = error_ids(error)
        periods = [k[len("period:") :] for k in keys if k.startswith("period:")]
        if periods:
            return any(self.overlaps(p) for p in periods)
        day = getattr(getattr(error, "entry", None), "date", None)
        if isinstance(day, date) and self.start <= day < self.end:
            return True
        years = [k[len("year:") :] for k in keys if k.startswith("year:")]
        if isinstance(day, date) and day <= self.as_of and any(map(self.overlaps, years)):
            return True  # a year's budget adopted before the period (TF606)
        if any(k in self.cited for k in keys):
            return True
        return day is None and not keys

    def overlaps(self, label: str) -> bool:
        """A ``period:`` id (``2025-03``, ``2025-Q1``, ``2025``) meets ``[start, as_of]``."""
        try:
            period = Period.parse(label.replace("-Q", "Q"))
        except ValueError:
            return False
        return period.start <= self.as_of and period.end > self.start

    def error_fund(self, error: Any) -> str:
        entry = getattr(error, "entry", None)
        if type(entry) is data.Transaction:  # the fund the money leaves, else any it touches
            banks = [p for p in entry.postings if classify(p.account).is_bank]
            lowered = [p for p in banks if lowers_bank(p)] or banks
            funds = {fund_of(p.account) for p in lowered}
            return MAINTENANCE if MAINTENANCE in funds else COMMON
        if type(entry) is data.Custom and entry.type in ("tf-emergency", "tf-resolution"):
            return MAINTENANCE
        if any(self.cited.get(k) == MAINTENANCE for k in error_ids(error)):
            return MAINTENANCE
        return COMMON

    def errors_of(self, codes: Sequence[str], fund: str | None = None) -> list[Any]:
        self.claimed.update(codes)
        return [
            e
            for e in self.errors
            if error_code(e) in codes
            and self.in_scope(e)
            and (fund is None or self.error_fund(e) == fund)
        ]

    # -- working papers ---------------------------------------------------------------
    @cached_property
    def fund(self) -> MaintenanceLedger:
        return maintenance_ledger(self.entries, self.community, self.end)

    @cached_property
    def passed_resolutions(self) -> set[str]:
        out = set()
        for rid in self.community.resolutions:
            result = tally(self.community, rid)
            if result is not None and result.passed:
                out.add(rid)
        return out

    @cached_property
    def billing(self) -> list[workpapers.BillingMonth]:
        return workpapers.billing(self.entries, self.community, self.period, self.last)

    @cached_property
    def waivers(self) -> list[workpapers.WaiverRow]:
        return workpapers.waivers(self.entries, self.community, self.start, self.end)

    @cached_property
    def contracts(self) -> list[workpapers.ContractPeriodRow]:
        return workpapers.expense_contracts(self.entries, self.community, self.start, self.end)

    @cached_property
    def public_income(self) -> workpapers.PublicIncome:
        return workpapers.public_income(
            self.entries, self.community, self.start, self.end, self.passed_resolutions
        )

    @cached_property
    def projects(self) -> list[workpapers.ProjectRow]:
        return workpapers.projects(self.entries, self.community, self.start, self.end)


# ---------------------------------------------------------------------------------------
# Merging the rules' errors into a check


def _matches(finding: Finding, keys: set[str]) -> bool:
    if finding.keys:
        return set(finding.keys) <= keys
    return bool(keys.intersection(finding.also))


def merge_errors(check: CheckResult, errors: Iterable[Any]) -> None:
    """Each error turns the finding it concerns into an exception (all of the finding's
    ``keys``, or one of its ``also`` ids, among the error's ids; else its ``file:line``); an
    error no finding matches is added.

    The amount at stake of a finding: the errors' amounts, one per payment (two rules on one
    payment count it once, two payments under one resolution count twice), an error on a
    directive (an approval, a resolution) counting the same money as the payments citing it;
    or what the audit itself found when that is more."""
    by_location: dict[str, Finding] = {}
    by_id: dict[str, list[tuple[int, Finding]]] = {}  # under its first key and its ``also`` ids
    for order, finding in enumerate(check.findings):
        if finding.location and not finding.keys:
            by_location.setdefault(finding.location, finding)
        for key in finding.keys[:1] or finding.also:
            by_id.setdefault(key, []).append((order, finding))
    stakes: dict[int, dict[str, Decimal]] = {}
    own: dict[int, Decimal | None] = {}
    for error in errors:
        place = location(getattr(error, "source", None))
        keys = set(error_ids(error))
        candidates = sorted((pair for k in keys for pair in by_id.get(k, ())), key=lambda p: p[0])
        match = next((f for _, f in candidates if _matches(f, keys)), None)
        match = match or by_location.get(place)
        amount = error_amount(error)
        entry = getattr(error, "entry", None)
        if match is None:
            day = getattr(entry, "date", None)
            check.add(place, day, _subject(entry), amount, False, _first_line(error))
            continue
        if id(match) not in own:
            own[id(match)] = None if match.ok else match.amount
            match.reason = _first_line(error) + ("" if match.ok else "; " + match.reason)
            match.ok = False
        elif _first_line(error) not in match.reason:
            match.reason = _first_line(error) + "; " + match.reason
        if amount is not None:
            at = stakes.setdefault(id(match), {})
            slot = place if type(entry) is data.Transaction else ""
            at[slot] = max(at.get(slot, ZERO), amount)
    for finding in check.findings:
        if id(finding) not in stakes:
            continue
        parts = stakes[id(finding)]
        total = max(sum((n for k, n in parts.items() if k), ZERO), parts.get("", ZERO))
        found = own.get(id(finding))
        finding.amount = max(total, found) if found is not None else total


def _subject(entry: Any) -> str:
    if type(entry) is data.Transaction:
        return " ".join(x for x in (entry.payee or "", entry.narration or "") if x).strip()
    if type(entry) is data.Custom:
        return f"{entry.type} " + " ".join(str(v.value) for v in entry.values[:2])
    return ""


def _payment_subject(pay: PaymentInfo) -> str:
    return " ".join(x for x in (pay.payee, pay.narration) if x)


def _payment_row(
    check: CheckResult, pay: PaymentInfo, ok: bool, reason: str, also: Iterable[str] = ()
) -> Finding:
    subject = _payment_subject(pay)
    return check.add(pay.location, pay.date, subject, pay.amount, ok, reason, also=also)


# ---------------------------------------------------------------------------------------
# Maintenance-fund checks


def check_use_basis(ctx: Context, check: CheckResult) -> None:
    """M01: each use cites a passed resolution or a valid emergency (TF401, TF405)."""
    for pay in ctx.fund_payments(MAINTENANCE):
        if pay.resolution:
            resolution = ctx.community.resolutions.get(pay.resolution)
            scope = ",".join(resolution.scope) if resolution else ""
            title = f" {resolution.title} (范围 scope {scope or '全体 all'})" if resolution else ""
            _payment_row(check, pay, True, f"决议 resolution {pay.resolution}{title}")
        elif pay.emergency:
            emergency = ctx.community.emergencies.get(pay.emergency)
            reason = f"应急 emergency {pay.emergency}"
            if emergency is not None:
                reason += f": {emergency.hazard}; 确认 confirmed by {emergency.confirmation or '—'}"
            _payment_row(check, pay, True, reason)


def check_votes(ctx: Context, check: CheckResult) -> None:
    """M02: each resolution the uses cite passed its vote rule (TF402), matched by its id."""
    cited = sorted({r for p in ctx.fund_payments(MAINTENANCE) for r in p.resolutions})
    for rid in cited:
        result = tally(ctx.community, rid)
        if result is None:
            check.add("", None, rid, None, False, "决议不存在 unknown resolution")
            continue
        detail = (
            f"参与 participation: 面积 area {result.participation_area_ratio:.2%}, 人数 headcount "
            f"{result.participation_headcount_ratio:.2%} ({result.participation_rule}); "
            f"同意 approval: 面积 area {result.approval_area_ratio:.2%}, 人数 headcount "
            f"{result.approval_headcount_ratio:.2%} ({result.approval_rule})"
        )
        if not result.passed:
            detail = "未通过 failed " + ", ".join(result.failed_tests) + "; " + detail
        resolution = result.resolution
        check.add(
            location(resolution.meta),
            resolution.date,
            f"{rid} {resolution.title}",
            None,
            result.passed,
            detail,
            keys=(f"resolution:{rid}",),
        )


def check_vote_closed(ctx: Context, check: CheckResult) -> None:
    """M03: the vote closed on or before the payment (TF403)."""
    for pay in ctx.fund_payments(MAINTENANCE):
        close = ctx.community.closes.get(pay.resolution) if pay.resolution else None
        if close is not None and close.date <= pay.date:
            _payment_row(
                check, pay, True, f"{pay.resolution} 表决截止 closed {close.date.isoformat()}"
            )


def check_documents(ctx: Context, check: CheckResult) -> None:
    """M04: a contract and a price audit (审价) for each use (TF404)."""
    for pay in ctx.fund_payments(MAINTENANCE):
        if pay.contract and pay.price_audit:
            _payment_row(check, pay, True, f"合同 {pay.contract}; 审价 {pay.price_audit}")


def _co_signatures(ctx: Context, check: CheckResult, fund: str) -> None:
    for pay in ctx.fund_payments(fund):
        if pay.approvals and not pay.auto_debit:
            text = workpapers.signoff_text(ctx.community, pay.approvals, pay.date)
            _payment_row(check, pay, True, text, also=[f"approval:{a}" for a in pay.approvals])


def _invoices(ctx: Context, check: CheckResult, fund: str) -> None:
    for pay in ctx.fund_payments(fund):
        if pay.auto_debit:
            continue
        if pay.invoices:
            _payment_row(check, pay, True, f"发票 invoice {', '.join(pay.invoices)}")
        else:
            _payment_row(check, pay, False, "无发票 no invoice: 白条")


def check_cosign_maintenance(ctx: Context, check: CheckResult) -> None:
    """M05: two roles, two persons on the roster, dated, for the amount (TF301–TF304, TF309)."""
    _co_signatures(ctx, check, MAINTENANCE)


def check_invoice_maintenance(ctx: Context, check: CheckResult) -> None:
    """M06: an invoice for each use (no 白条)."""
    _invoices(ctx, check, MAINTENANCE)


def check_projects(ctx: Context, check: CheckResult) -> None:
    """M07: payments within the voted budget (TF406); a fully paid contract has an acceptance."""
    for row in ctx.projects:
        reason = (
            f"预算 budget {row.budget if row.budget is not None else '—'}, 累计支付 paid {row.paid}"
        )
        ok = True
        amount = row.paid_in_period
        if row.over_budget > 0:
            ok, amount = False, row.over_budget
            reason += f", 超预算 over budget {row.over_budget}"
        complete = row.contract_amount is not None and row.paid >= row.contract_amount
        if complete and not row.acceptance:
            ok = False
            reason += f", 合同 {row.contracts} 已付清无验收 paid in full without acceptance"
        elif row.acceptance:
            reason += f", 验收 acceptance {row.acceptance}"
        if row.retention_paid or row.retention_held:
            reason += f", 质保金 retention paid {row.retention_paid}, held {row.retention_held}"
        kind = "resolution" if row.project in ctx.community.resolutions else "emergency"
        check.add(
            row.location,
            None,
            f"{row.project} {row.title}",
            amount,
            ok,
            reason,
            keys=(f"{kind}:{row.project}",),
        )


def check_allocation(ctx: Context, check: CheckResult) -> None:
    """M08: each cost allocated by area to the units in scope, to the fen."""
    for project in ctx.fund.projects:
        if not ctx.start <= project.date < ctx.end:
            continue
        scope = ",".join(project.scope) or "全体 all"
        if project.units == 0:
            ok, reason = False, f"范围 {scope} 内无房屋 no unit in scope: cost not allocated"
        elif project.allocated != project.amount:
            ok, reason = False, f"分摊合计 {project.allocated} ≠ 支出 {project.amount}"
        else:
            ok, reason = True, f"{project.units} 户 units, {project.area} ㎡ (范围 scope {scope})"
        check.add(project.location, project.date, project.narration, project.amount, ok, reason)
    for room, unit_fund in sorted(ctx.fund.units.items()):
        if unit_fund.balance < 0:
            reason = f"分户余额为负 balance negative {unit_fund.balance}"
            check.add("", ctx.as_of, room, -unit_fund.balance, False, reason)


def check_interest(ctx: Context, check: CheckResult) -> None:
    """M09: the fund's interest is credited to it and split over the units by 积数."""
    interest = _is_interest
    for entry in transactions(ctx.entries, ctx.start, ctx.end):
        for posting in entry.postings:  # most transactions hold no interest: skip them fast
            if interest(posting.account):
                _interest_routing(check, entry)
                break
    for item in ctx.fund.interest_allocations:
        if not ctx.start <= item.date < ctx.end:
            continue
        allocated = sum(item.shares.values(), ZERO)
        basis = "按面积 by area (no balance)" if item.by_area else "按积数 by balance × days"
        ok = allocated == item.amount
        reason = (
            f"分配 allocated {allocated} / {item.amount} to {len(item.shares)} 户 units, {basis}"
        )
        check.add(item.location, item.date, "利息分户 interest by unit", item.amount, ok, reason)


@cache
def _is_interest(account: str) -> bool:
    return account.startswith("Income:") and "Interest" in account


def _interest_routing(check: CheckResult, entry: data.Transaction) -> None:
    into_maintenance = ZERO
    interest: list[str] = []
    for posting in entry.postings:
        units = posting.units
        if units is None or units.number is None:
            continue
        account = posting.account
        if under(account, MAINTENANCE_BANK):
            into_maintenance += units.number
        elif account.startswith("Income:") and "Interest" in account:
            interest.append(account)
    if not interest:
        return
    if into_maintenance > 0:
        misrouted = [a for a in interest if not a.startswith("Income:Maintenance")]
    else:
        misrouted = [a for a in interest if a.startswith("Income:Maintenance")]
    if misrouted:
        check.add(
            location(entry.meta),
            entry.date,
            entry.narration or "",
            abs(into_maintenance) or None,
            False,
            "利息未计入维修资金 interest of the fund booked elsewhere: " + ", ".join(misrouted),
        )


def _reconciliation(ctx: Context, check: CheckResult, fund: str) -> None:
    """A balance assertion at each month end (dated the next day, or the last day)."""
    opened: dict[str, date] = {}
    closed: dict[str, date] = {}
    balances: dict[tuple[str, date], data.Balance] = {}
    for entry in ctx.entries:
        if type(entry) is data.Open and classify(entry.account).is_bank:
            if fund_of(entry.account) == fund:
                opened[entry.account] = entry.date
        elif type(entry) is data.Close and entry.account in opened:
            closed[entry.account] = entry.date
        elif type(entry) is data.Balance and entry.account in opened:
            balances[(entry.account, entry.date)] = entry
    for account in sorted(opened):
        for month in ctx.period.months():
            if month.end <= opened[account] or month.start >= closed.get(account, date.max):
                continue
            if ctx.last is None or month.end > ctx.last + timedelta(days=1):
                continue  # the month has not ended in the ledger
            found = balances.get((account, month.end)) or balances.get((account, month.last_day))
            subject = f"{account} {month.label}"
            if found is None:
                check.add("", month.last_day, subject, None, False, "月末无余额核对 no assertion")
            elif found.diff_amount is not None:
                reason = f"余额不符 balance off by {found.diff_amount}"
                check.add(
                    location(found.meta), found.date, subject, found.amount.number, False, reason
                )
            else:
                check.add(
                    location(found.meta), found.date, subject, found.amount.number, True, "相符 ok"
                )


def check_reconcile_maintenance(ctx: Context, check: CheckResult) -> None:
    """M10: the maintenance account's month-end balance asserted and agreeing."""
    _reconciliation(ctx, check, MAINTENANCE)


def check_funds_apart(ctx: Context, check: CheckResult) -> None:
    """M11/C20: no transfer between funds without a resolution (TF104)."""


# ---------------------------------------------------------------------------------------
# Common-fund checks


def check_public_income(ctx: Context, check: CheckResult) -> None:
    """C01: each public-income contract's due amount received (shortfall)."""
    for row in ctx.public_income.contracts:
        ok = row.shortfall <= 0
        reason = f"应收 due {row.due}, 实收 received {row.received}"
        if not ok:
            reason += f", 欠收 shortfall {row.shortfall}"
        subject = f"{row.contract} {row.counterparty}"
        check.add(
            row.location, None, subject, row.shortfall if not ok else row.received, ok, reason
        )


def check_uncontracted(ctx: Context, check: CheckResult) -> None:
    """C02: public income comes from a contract's counterparty, or a resolution (TF105)."""
    for row in ctx.public_income.uncontracted:
        if row.judged:
            check.add(
                row.location,
                row.date,
                f"{row.payer} {row.account}",
                row.amount,
                bool(row.basis),
                row.basis_text,
            )


def check_deposited(ctx: Context, check: CheckResult) -> None:
    """C03: income deposited in the owners' accounts (TF101)."""


def _has_budget(account: str, budgeted: set[str]) -> bool:
    probe = account
    while probe:
        if probe in budgeted:
            return True
        probe = probe.rpartition(":")[0]
    return False


def check_budget_basis(ctx: Context, check: CheckResult) -> None:
    """C04: every common-fund expense has a budget line or a resolution."""
    budgets, _ = budget_report.parse_budgets(ctx.entries)
    budgeted = set(budgets)
    for pay in ctx.fund_payments(COMMON):
        if pay.auto_debit or pay.remuneration:
            continue
        expenses = [a for a in pay.accounts if classify(a).is_expense]
        unbudgeted = [a for a in expenses if not _has_budget(a, budgeted)]
        if unbudgeted and not pay.resolution:
            reason = "无预算且无决议 no budget line and no resolution: " + ", ".join(unbudgeted)
            _payment_row(check, pay, False, reason)
        elif expenses:
            _payment_row(check, pay, True, pay.resolution or "预算内 budgeted")


def check_cosign_common(ctx: Context, check: CheckResult) -> None:
    """C05: two roles, two persons on the roster, dated, for the amount (TF301–TF304, TF309)."""
    _co_signatures(ctx, check, COMMON)


def check_invoice_common(ctx: Context, check: CheckResult) -> None:
    """C06: an invoice for each payment (no 白条)."""
    _invoices(ctx, check, COMMON)


def check_invoice_once(ctx: Context, check: CheckResult) -> None:
    """C07: each invoice number is paid once (TF308)."""
    for pay in ctx.payments:
        if pay.invoices:
            _payment_row(check, pay, True, f"发票 invoice {', '.join(pay.invoices)}")


def check_reconcile_common(ctx: Context, check: CheckResult) -> None:
    """C08: the common fund's (and committee's) month-end balances asserted and agreeing."""
    _reconciliation(ctx, check, COMMON)
    _reconciliation(ctx, check, "committee")


def check_remitted(ctx: Context, check: CheckResult) -> None:
    """C09: money the manager holds is remitted in time, and leaves only as approved (TF102/3)."""


def check_large(ctx: Context, check: CheckResult) -> None:
    """C10: large payments have a passed resolution and a notice in time (TF305, TF306)."""
    for pay in ctx.payments:
        if not pay.large:
            continue
        basis = pay.resolution or pay.emergency or "—"
        notice = pay.notice_date.isoformat() if pay.notice_date else "—"
        _payment_row(check, pay, True, f"大额 large; 决议 {basis}; 公示 notice {notice}")


def check_split(ctx: Context, check: CheckResult) -> None:
    """C11: no payments split below the threshold (TF307)."""


def check_related(ctx: Context, check: CheckResult) -> None:
    """C12: payments to members or related parties are flagged and resolved (TF310)."""
    for pay in ctx.payments:
        if pay.related_party or pay.related:
            who = f"名册 {pay.payee_role}" if pay.payee_role else f"关联方 {pay.payee_kind or '—'}"
            flag = "标记 flagged" if pay.related else "未标记 not flagged"
            _payment_row(check, pay, True, f"{who}; {flag}; 决议 {pay.resolution or '—'}")


def check_contracts(ctx: Context, check: CheckResult) -> None:
    """C13: payments under each expense contract within its amount per period (TF311)."""
    for row in ctx.contracts:
        ok = row.excess <= 0
        reason = f"合同 contracted {row.amount}, 已付 paid {row.paid} ({row.payments} 笔)"
        if not ok:
            reason += f", 超付 excess {row.excess}"
        keys = [f"contract:{row.contract}"]
        if row.frequency != "once":
            keys.append(f"period:{row.period}")
        check.add(
            row.location,
            None,
            f"{row.contract} {row.counterparty} {row.period}",
            row.excess if not ok else row.paid,
            ok,
            reason,
            keys,
        )


def check_budget_execution(ctx: Context, check: CheckResult) -> None:
    """C14: spending within the budget (Fava ``budget`` lines)."""
    result = budget_report.compute(ctx.src, ctx.period)
    for row in result.expenses:
        if row.budget is None:
            continue
        actual = row.actual or ZERO
        over = row.status == budget_report.OVER
        reason = f"预算 budget {row.budget}, 实际 actual {actual}"
        if row.executed is not None:
            reason += f", 执行率 {row.executed:.2%}"
        amount = actual - row.budget if over else actual
        check.add("", ctx.period.last_day, row.account, amount, not over, reason)


def check_remuneration(ctx: Context, check: CheckResult) -> None:
    """C15: remuneration recomputed month by month (TF201, TF202), matched by period id."""
    months = {m.label for m in ctx.period.months() if m.start <= ctx.as_of}
    for item in remuneration_schedule(ctx.entries, ctx.community):
        if item.month not in months:
            continue
        diff = item.posted - item.due
        reason = (
            f"应计 due {item.due} = {item.rate} × 基数 base {item.base}, 入账 posted {item.posted}"
        )
        if diff:
            reason += f", 差额 difference {diff}"
        check.add(
            "",
            None,
            f"{item.month} 酬金 remuneration",
            abs(diff) if diff else item.due,
            diff == 0,
            reason,
            keys=(f"period:{item.month}",),
        )


def check_billing(ctx: Context, check: CheckResult) -> None:
    """C16: every unit billed area × rate each month (TF108), matched by period id."""
    for row in ctx.billing:
        ok = row.at_stake == 0
        reason = f"应收 due {row.due}, 已出账 billed {row.billed}"
        if not ok:
            reason += f", {row.detail}"
        check.add(
            row.location,
            None,
            f"{row.month} 物业费出账 property-fee bills",
            row.at_stake if not ok else row.billed,
            ok,
            reason,
            keys=(f"period:{row.month}",),
        )
    if ctx.billing or ctx.community.fees.get("property"):
        return
    bills = ledger_index(ctx.entries, ctx.community).bills
    months = [m.label for m in ctx.period.months() if m.start <= ctx.as_of]
    billed = sum((n for m in months for n in bills.get(m, {}).values()), ZERO)
    if billed:
        check.add(
            "",
            None,
            "物业费出账 property-fee bills",
            billed,
            False,
            '无收费标准 no fee standard (tf-fee "property"): billing cannot be verified',
        )


def check_waivers(ctx: Context, check: CheckResult) -> None:
    """C17: each waiver or write-off cites an approval (TF107); none counts as collected."""
    for row in ctx.waivers:
        ok = bool(row.approvals)
        reason = row.signoffs if ok else "无审批 no approval (减免/核销 waiver or write-off)"
        check.add(row.location, row.date, f"{row.units} {row.narration}", row.amount, ok, reason)


def check_deposits(ctx: Context, check: CheckResult) -> None:
    """C18: deposits (押金) are held as liabilities, not income; contract deposits are held."""
    words = _DEPOSIT_WORDS.search
    for entry in transactions(ctx.entries, ctx.start, ctx.end):
        if not words(entry.narration or "") and not words(entry.payee or ""):
            continue
        to_income = sum(
            (
                -(p.units.number or ZERO)
                for p in entry.postings  # fund deposits are income by design
                if p.account.startswith("Income:")
                and not p.account.startswith("Income:Maintenance")
                and p.units is not None
            ),
            ZERO,
        )
        to_liability = any(classify(p.account).is_deposits for p in entry.postings)
        if to_income > 0 and not to_liability:
            reason = "押金记为收入 deposit booked as income, not Liabilities:Deposits"
            check.add(
                location(entry.meta), entry.date, entry.narration or "", to_income, False, reason
            )
        elif to_liability:
            check.add(
                location(entry.meta),
                entry.date,
                entry.narration or "",
                None,
                True,
                "负债 liability",
            )
    _contract_deposits(ctx, check)


def _contract_deposits(ctx: Context, check: CheckResult) -> None:
    """A contract's ``deposit:`` is held on ``Liabilities:Deposits`` (credits citing it)."""
    wanted: dict[str, Decimal] = {}
    for contract in ctx.community.contracts.values():
        text = str((contract.meta or {}).get("deposit", "")).strip()
        if not text or contract.start >= ctx.end:
            continue
        try:
            wanted[contract.id] = Decimal(text.split()[0].replace(",", ""))
        except ArithmeticError:
            reason = f"押金金额无法读取 unreadable deposit {text!r}"
            check.add(location(contract.meta), contract.start, contract.id, None, False, reason)
    if not wanted:
        return
    held = dict.fromkeys(wanted, ZERO)
    for entry in transactions(ctx.entries, None, ctx.end):
        for cid in ids(entry, "contract"):
            if cid in held:
                held[cid] -= sum(
                    (
                        p.units.number
                        for p in entry.postings
                        if classify(p.account).is_deposits
                        and p.units is not None
                        and p.units.number is not None
                    ),
                    ZERO,
                )
    for cid, amount in sorted(wanted.items()):
        contract = ctx.community.contracts[cid]
        reason = f"合同押金 deposit {amount}, 负债账户持有 held on Liabilities:Deposits {held[cid]}"
        subject = f"{cid} {contract.counterparty}"
        check.add(
            location(contract.meta), contract.start, subject, amount, held[cid] >= amount, reason
        )


def check_seals(ctx: Context, check: CheckResult) -> None:
    """C19: each ended month published and sealed, unchanged since (TF501 by period id)."""
    latest = {seal.period: seal for seal in ctx.community.seals}
    for month in ctx.period.months():
        if ctx.last is None or month.end > ctx.last:
            continue  # not ended in the ledger yet
        seal = latest.get(month.label)
        keys = (f"period:{month.label}",)
        if seal is None:
            check.add("", None, month.label, None, False, "未封存 not sealed", keys)
        else:
            reason = f"已封存 sealed {seal.date.isoformat()} {seal.digest[:19]}…"
            check.add(location(seal.meta), seal.date, month.label, None, True, reason, keys)


def check_suspense(ctx: Context, check: CheckResult) -> None:
    """C21: no item left unclassified in a suspense account (TF106)."""


# ---------------------------------------------------------------------------------------
# The path of decisions and the end of a year (TF601–TF607): evidence rows; the rules judge


def check_trail(ctx: Context, check: CheckResult) -> None:
    """G01: each resolution the period's payments cite, or with a stage in the period, under
    五议两公开 or with stages on record: its trail in order, complete before the payments, the
    result evaluated and published in time (TF601–TF603)."""
    gov = ctx.community.governance
    cited = {key.split(":", 1)[1] for key in ctx.cited if key.startswith("resolution:")}
    staged = {
        rid
        for rid, lines in gov.stages.items()
        if any(ctx.start <= s.date < ctx.end for s in lines)
    }
    for rid in sorted(cited | staged):
        resolution = ctx.community.resolutions.get(rid)
        term = gov.procedure_for(resolution) if resolution is not None else None
        if resolution is None or (term is None and rid not in gov.stages):
            continue
        first = gov.stage_dates(rid, ctx.community.closes.get(rid))
        trail = ", ".join(
            f"{STAGE_LABELS[s]} {first[s].isoformat() if s in first else '—'}" for s in STAGES
        )
        if term is None:
            basis = "无程序要求, 仅查顺序 no procedure in force: order only"
        else:
            days = f", 结果 result within {term.days} days" if term.days is not None else ""
            basis = f"五议两公开 five-two{days}"
        subject = f"{rid} {resolution.title}"
        keys = (f"resolution:{rid}",)
        check.add(
            location(resolution.meta),
            resolution.date,
            subject,
            None,
            True,
            f"{basis}: {trail}",
            keys,
        )


def check_objections(ctx: Context, check: CheckResult) -> None:
    """G02: each notice the period's payments are under that opens an objection window or drew
    an objection: no payment inside the window, none while an objection stands (TF604, TF605)."""
    gov = ctx.community.governance
    shown: set[str] = set()
    for pay in ctx.payments:
        for notice in notices_under(ctx.community, pay.entry, pay.approvals):
            if notice.id in shown or not (notice.deadline or gov.by_notice.get(notice.id)):
                continue
            shown.add(notice.id)
            window = (
                f"异议期 window {notice.date.isoformat()} – {notice.deadline.isoformat()}"
                if notice.deadline
                else "无异议期 no window"
            )
            heard = []
            for objection in gov.by_notice.get(notice.id, ()):
                outcome = gov.outcome(objection.id)
                end = (
                    f" → {outcome.outcome} {outcome.date.isoformat()}"
                    if outcome
                    else " → 未结 open"
                )
                heard.append(f"异议 objection {objection.id} {objection.date.isoformat()}{end}")
            reason = "; ".join([window, *heard])
            subject = f"{notice.id} (审批 approval {notice.approval_id})"
            keys = (f"notice:{notice.id}",)
            check.add(location(notice.meta), notice.date, subject, None, True, reason, keys)


def check_budget_adopted(ctx: Context, check: CheckResult) -> None:
    """G03: once the ledger records budget adoptions, each year of the period has one, under a
    decided resolution, and each change of the period cites one (TF606)."""
    gov = ctx.community.governance
    if not gov.budgets:
        return
    first_year = int(min(gov.budgets))
    for entry in gov.budget_lines:  # changes first: an error on a change names its account
        year = entry.date.year
        if not ctx.start <= entry.date < ctx.end or year < first_year:
            continue
        if (entry.date.month, entry.date.day) == (1, 1):
            continue
        account = str(entry.values[0].value) if entry.values else "?"
        cited = ", ".join(meta_list(entry, "resolution")) or "—"
        keys = (f"year:{year:04d}", f"account:{account}")
        reason = f"预算调整 change, 决议 resolution {cited}"
        check.add(location(entry.meta), entry.date, f"{year} {account}", None, True, reason, keys)
    for year in range(max(ctx.start.year, first_year), ctx.as_of.year + 1):
        adoption = gov.adoption(f"{year:04d}")
        if adoption is None or adoption.date > ctx.as_of:
            continue  # a year with budget lines and no adoption is the rule's TF606 row
        rid = adoption.resolution_id
        keys = (f"year:{year:04d}", f"resolution:{rid}")
        reason = f"年度预算通过 adopted, 决议 resolution {rid}{_decided_on(ctx, rid)}"
        check.add(
            location(adoption.meta),
            adoption.date,
            f"{year} 年度预算 budget",
            None,
            True,
            reason,
            keys,
        )


def check_dispositions(ctx: Context, check: CheckResult) -> None:
    """G04: each disposition of a year's surplus dated in the period: under a decided
    resolution, within the year's surplus (a deficit only carried forward) (TF607)."""
    gov = ctx.community.governance
    for year, lines in sorted(gov.dispositions.items()):
        for line in lines:
            if not ctx.start <= line.date < ctx.end:
                continue
            rid = line.resolution_id
            reason = f"{line.kind} 决议 resolution {rid}{_decided_on(ctx, rid)}"
            keys = (f"year:{year}", f"resolution:{rid}")
            subject = f"{year} 结余处置 surplus disposition"
            check.add(location(line.meta), line.date, subject, line.amount, True, reason, keys)


def _decided_on(ctx: Context, rid: str) -> str:
    """`` (closed …)`` or `` (resolved …)``: when the resolution was decided, as recorded."""
    close = ctx.community.closes.get(rid)
    if close is not None:
        return f" (表决截止 closed {close.date.isoformat()})"
    resolved = ctx.community.governance.stage_dates(rid).get("resolve")
    return f" (决议 resolved {resolved.isoformat()})" if resolved else " (未决 not decided)"


# ---------------------------------------------------------------------------------------
# The table of checks


@dataclass(frozen=True)
class CheckSpec:
    id: str
    part: str
    ref: str  # domain.md §C2
    zh: str
    en: str
    codes: tuple[str, ...]
    run: Callable[[Context, CheckResult], None]
    fund: str | None = None  # only the rule errors of this fund


M, K, G = MAINTENANCE, COMMON, GOVERNANCE
CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("M01", M, "10", "使用依据(决议或应急)", "Use cites a resolution or a valid emergency", ("TF401", "TF405"), check_use_basis),
    CheckSpec("M02", M, "10", "表决(民法典278条: 面积与人数双重多数)", "Vote passed art. 278 (area and headcount)", ("TF402",), check_votes),
    CheckSpec("M03", M, "10", "表决先于付款", "Vote closed before payment", ("TF403",), check_vote_closed),
    CheckSpec("M04", M, "10", "施工合同与审价", "Contract and price audit present", ("TF404",), check_documents),
    CheckSpec("M05", M, "4", "联签(两角色两人, 名册)", "Co-signatures (two roles, two persons, roster)", ("TF301", "TF302", "TF303", "TF304", "TF309"), check_cosign_maintenance, M),
    CheckSpec("M06", M, "5", "发票/凭证", "Invoice or voucher present", (), check_invoice_maintenance),
    CheckSpec("M07", M, "10", "工程预算、合同与验收", "Projects within the voted budget; acceptance", ("TF406",), check_projects),
    CheckSpec("M08", M, "11", "按面积分摊", "Cost allocated by area to the units in scope", (), check_allocation),
    CheckSpec("M09", M, "12", "利息计入维修资金并按积数分户", "Interest credited to the fund, split by balance × days", (), check_interest),
    CheckSpec("M10", M, "6", "银行对账(专户)", "Bank reconciliation (maintenance account)", (), check_reconcile_maintenance),
    CheckSpec("M11", M, "2", "基金分账", "Funds kept apart", ("TF104",), check_funds_apart, M),
    CheckSpec("C01", K, "1", "公共收益完整性(合同对收款)", "Public income against contracts", (), check_public_income),
    CheckSpec("C02", K, "1", "公共收益来自合同相对方", "Public income only from a contract's counterparty", ("TF105",), check_uncontracted),
    CheckSpec("C03", K, "2", "收入存入业主账户", "Income deposited in owners' accounts", ("TF101",), check_deposited),
    CheckSpec("C04", K, "3", "支出有预算或决议", "Every expense has a budget line or a resolution", (), check_budget_basis),
    CheckSpec("C05", K, "4", "联签(两角色两人, 名册)", "Co-signatures (two roles, two persons, roster)", ("TF301", "TF302", "TF303", "TF304", "TF309"), check_cosign_common, K),
    CheckSpec("C06", K, "5", "发票/凭证", "Invoice or voucher present", (), check_invoice_common),
    CheckSpec("C07", K, "5", "发票不重复报销", "Each invoice paid once", ("TF308",), check_invoice_once),
    CheckSpec("C08", K, "6", "银行对账", "Bank reconciliation", (), check_reconcile_common),
    CheckSpec("C09", K, "7", "代收款及时缴存", "Manager-held collections remitted in time", ("TF102", "TF103"), check_remitted),
    CheckSpec("C10", K, "8", "大额付款(决议与公示)", "Large payments: resolution and notice", ("TF305", "TF306"), check_large),
    CheckSpec("C11", K, "8", "拆分付款规避限额", "Payments split below the threshold", ("TF307",), check_split),
    CheckSpec("C12", K, "8", "关联交易", "Related-party payments", ("TF310",), check_related),
    CheckSpec("C13", K, "3", "服务合同付款不超合同", "Payments within expense contracts", ("TF311",), check_contracts),
    CheckSpec("C14", K, "9", "预算执行(超支)", "Budget execution (over budget)", (), check_budget_execution),
    CheckSpec("C15", K, "13", "酬金逐月复算", "Remuneration recomputed month by month", ("TF201", "TF202"), check_remuneration),
    CheckSpec("C16", K, "1", "物业费按标准出账", "Every unit billed by the fee standard", ("TF108",), check_billing),
    CheckSpec("C17", K, "14", "减免与核销经审批", "Waivers and write-offs approved", ("TF107",), check_waivers),
    CheckSpec("C18", K, "16", "押金作为负债", "Deposits held as liabilities", (), check_deposits),
    CheckSpec("C19", K, "15", "公示与封存", "Publication (monthly seals)", ("TF501",), check_seals),
    CheckSpec("C20", K, "2", "基金分账", "Funds kept apart", ("TF104",), check_funds_apart, K),
    CheckSpec("C21", K, "3", "未分类款项(挂账)", "Unclassified items left in suspense", ("TF106",), check_suspense),
    CheckSpec("G01", G, "3, 15", "五议两公开程序", "五议两公开 trail: stages in order, before payment, result published", ("TF601", "TF602", "TF603"), check_trail),
    CheckSpec("G02", G, "8, 15", "公示异议期与异议处理", "Objection windows and objections", ("TF604", "TF605"), check_objections),
    CheckSpec("G03", G, "3, 9", "年度预算经决议通过", "Budget adopted and changed by decided resolutions", ("TF606",), check_budget_adopted),
    CheckSpec("G04", G, "3", "结余处置经决议", "Surplus disposition decided, within the surplus", ("TF607",), check_dispositions),
)  # fmt: skip
OTHER = CheckSpec("X01", K, "—", "其他规则错误", "Other rule errors", (), check_suspense)


# ---------------------------------------------------------------------------------------


def compute(
    source: Any,
    period: Period,
    *,
    community: Community | None = None,
    today: date | None = None,
    general_ledger: bool = False,
    papers: bool = True,
) -> AuditReport:
    """The special audit of ``period`` (usually a year), as of its last day or ``today``.

    ``general_ledger`` adds the general ledger working paper (every posting: for the XLSX
    workbook; too long for a page); without ``papers`` only the checks are made (the district
    batch reads nothing else)."""
    src = resolve(source, community)
    ctx = Context(src, period, today)
    report = AuditReport(
        "audit", "专项审计", "Special audit", period.label, period.title, src.title
    )
    report.as_of = ctx.as_of
    report.notes.extend(ctx.notes)
    for spec in CHECKS:
        check = CheckResult(spec.part, spec.id, spec.ref, spec.zh, spec.en, spec.codes)
        spec.run(ctx, check)
        merge_errors(check, ctx.errors_of(spec.codes, spec.fund))
        report.checks.append(check)
    other = CheckResult(OTHER.part, OTHER.id, OTHER.ref, OTHER.zh, OTHER.en)
    unclaimed = sorted({c for e in ctx.errors if (c := error_code(e)) and c not in ctx.claimed})
    other.codes = tuple(unclaimed)
    merge_errors(other, ctx.errors_of(unclaimed))
    report.checks.append(other)
    for check in report.checks:
        for finding in check.findings:
            finding.location = src.relative(finding.location)
    if papers:
        report.papers = working_papers(ctx, general_ledger)
    return report


def working_papers(ctx: Context, general_ledger: bool = False) -> list[Table]:
    """The working papers, each a table (see :mod:`reports.workpapers`, :mod:`reports.books`)."""
    rel = ctx.src.relative
    for waiver in ctx.waivers:
        waiver.location = rel(waiver.location)
    for receipt in ctx.public_income.uncontracted:
        receipt.location = rel(receipt.location)
    start, end = ctx.start, ctx.end
    # one replay of the fee receivable: the per-unit flows, and (a closed period) the units'
    # open bills on its last day for the ageing
    replay = replay_receivables(ctx.entries, start, end, flows=True)
    receivables = workpapers.unit_receivables(ctx.entries, ctx.community, start, end, replay)
    closed = ctx.as_of + timedelta(days=1) == end
    ageing = workpapers.ageing(ctx.entries, ctx.as_of, replay.units if closed else None)
    interest_columns, interest = workpapers.interest_table(ctx.fund, start, end)
    tb, gl = books.books(ctx.entries, start, end, general_ledger=general_ledger, relative=rel)
    as_of = f"截至 as of {ctx.as_of.isoformat()}"
    papers = [
        _paper("wp-billing", "出账完整性", "Billing completeness", ctx.billing, ("due", "billed", "difference", "at_stake")),
        _paper("wp-waivers", "减免与核销", "Waivers and write-offs", ctx.waivers, ("amount",)),
        _paper("wp-ageing", "欠费账龄", "Arrears ageing", ageing, ("outstanding", "d30", "d90", "d180", "over180"), as_of),
        _paper("wp-units", "分户应收", "Per-unit receivables", receivables, ("opening", "billed", "collected", "waived", "closing"), as_of),
        _paper("wp-contracts", "服务合同付款", "Payments under expense contracts", ctx.contracts, ("amount", "paid", "excess")),
        _paper("wp-public", "公共收益合同", "Public income by contract", ctx.public_income.contracts, ("due", "received", "shortfall")),
        _paper("wp-receipts", "无合同收益", "Public income without a contract", ctx.public_income.uncontracted, ("amount",)),
        _paper("wp-projects", "维修工程", "Maintenance projects", ctx.projects, ("paid_in_period", "retention_paid")),
        _paper("wp-interest", "利息分户(积数)", "Interest by unit (balance × days)", interest, [c.key for c in interest_columns[1:] if c.key.startswith("share")], columns=interest_columns),
        _paper("wp-tb", "试算平衡表", "Trial balance", tb, ("opening", "debit", "credit", "closing"), as_of),
    ]  # fmt: skip
    if gl is not None:
        papers.append(Table("wp-gl", "总账明细", "General ledger", books.GL_COLUMNS, gl))
    return papers


def _paper(
    key: str,
    zh: str,
    en: str,
    rows: Sequence[Any],
    sums: Sequence[str],
    note: str = "",
    columns: tuple[Column, ...] | None = None,
) -> Table:
    if columns is None:
        columns = type(rows[0]).columns if rows else _COLUMNS[key]
    total: dict[str, Any] = {columns[0].key: "合计 Total"}
    for name in sums:
        total[name] = sum(
            ((r.get(name) if isinstance(r, dict) else getattr(r, name)) or ZERO for r in rows),
            ZERO,
        )
    return Table(key, zh, en, columns, rows, total, note)


_COLUMNS = {
    "wp-billing": workpapers.BillingMonth.columns,
    "wp-waivers": workpapers.WaiverRow.columns,
    "wp-ageing": workpapers.AgeingRow.columns,
    "wp-units": workpapers.UnitReceivableRow.columns,
    "wp-contracts": workpapers.ContractPeriodRow.columns,
    "wp-public": workpapers.PublicIncomeRow.columns,
    "wp-receipts": workpapers.ReceiptRow.columns,
    "wp-projects": workpapers.ProjectRow.columns,
    "wp-tb": books.TrialBalanceRow.columns,
}
