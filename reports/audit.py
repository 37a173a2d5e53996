"""Special audit (专项审计) of the maintenance fund and of the common fund.

One row per check (``reference/domain.md`` §C2, those the ledger can evidence), in two parts.
Each check lists its evidence and exceptions with ``file:line``, amount and reason; a check
passes when it has no exception. Where a trust rule already decides (TF101–TF501), the audit
reuses the rule's errors: from the load when the ledger runs the ``trustfund`` plugins,
otherwise by running the rules' ``check`` functions over the entries.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import data

from ledger.accounts import MAINTENANCE_BANK, classify
from ledger.community import Community
from ledger.entries import bank_outflow
from ledger.errors import error_code
from reports import budget as budget_report
from reports.common import (
    COMMON,
    MAINTENANCE,
    ZERO,
    PaymentInfo,
    fund_of,
    payments_in,
    remuneration_schedule,
    resolve,
    rules_ran,
    tally,
    transactions,
    where,
)
from reports.period import Period
from reports.public import contract_rows, seal_rows
from reports.subledgers import maintenance_ledger
from reports.table import Column, Report, Row, Table

C = Column
Day = date
OK = "通过 ok"
EXCEPTION = "异常 exception"
PASS = "通过 pass"
FAIL = "异常 exceptions"
PARTS = {MAINTENANCE: "维修资金 Maintenance fund", COMMON: "共同基金 Common fund"}
DEPOSIT_WORDS = ("押金", "保证金", "deposit")
#: the rule codes a check reports; any other (TF001/TF002 …) goes to "Other rule errors"
CLAIMED_CODES = (
    "TF101",
    "TF102",
    "TF103",
    "TF104",
    "TF106",
    "TF201",
    "TF202",
    "TF301",
    "TF302",
    "TF303",
    "TF304",
    "TF305",
    "TF306",
    "TF401",
    "TF402",
    "TF403",
    "TF404",
    "TF405",
    "TF501",
)
MONTH_RE = re.compile(r"\b\d{4}-\d{2}\b")


@dataclass
class Finding(Row):
    check: str
    location: str
    date: Day | None
    subject: str
    amount: Decimal | None
    ok: bool
    reason: str
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
    def failed(self) -> bool:
        return not self.ok

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
    findings: list[Finding] = field(default_factory=list)
    note: str = ""
    columns: ClassVar[tuple[Column, ...]] = (
        C("part_label", "部分", "Part"),
        C("id", "编号", "Check"),
        C("ref", "C2", "C2 #"),
        C("zh", "审计事项", "Check (zh)"),
        C("en", "Check", "Check (en)"),
        C("status", "结论", "Result"),
        C("exceptions", "异常数", "Exceptions", "int"),
        C("exception_amount", "异常金额", "Amount", "money"),
        C("items", "核查项数", "Items checked", "int"),
    )

    @property
    def part_label(self) -> str:
        return PARTS.get(self.part, self.part)

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
    ) -> None:
        self.findings.append(Finding(self.id, location, day, subject, amount, ok, reason))


@dataclass
class AuditReport(Report):
    checks: list[CheckResult] = field(default_factory=list)

    def check(self, check_id: str) -> CheckResult:
        return next(c for c in self.checks if c.id == check_id)

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
        )
        tables = [summary]
        for check in self.checks:
            total = {
                "location": "合计 Total",
                "amount": sum((f.amount or ZERO for f in check.findings), ZERO),
            }
            tables.append(
                Table(
                    check.id,
                    check.zh,
                    check.en,
                    Finding.columns,
                    check.findings,
                    total,
                    note=f"{check.part_label} · C2 {check.ref} · {check.status}"
                    + (f" · {check.note}" if check.note else ""),
                )
            )
        return tables


# ---------------------------------------------------------------------------------------
# Rule errors


def rule_errors(src: Any) -> tuple[list[Any], str]:
    """The TF-coded errors of the ledger, and a note on where they came from."""
    if rules_ran(src.options):
        return [e for e in src.errors if error_code(e)], ""
    try:
        from trustfund.rules.plugin import Config, run_all
        from trustfund.xinyi import RULE_MODULES
    except ImportError as exc:  # pragma: no cover - rules always ship with reports
        return [], f"rules unavailable: {exc}"
    checks = []
    missing = []
    for name in RULE_MODULES:
        try:
            checks.append(importlib.import_module(name).check)
        except (ImportError, AttributeError):
            missing.append(name)
    _, errors = run_all(src.entries, checks, Config())
    note = "规则错误由审计运行规则得到 rule errors computed by running the rules"
    if missing:
        note += f" (missing: {', '.join(missing)})"
    return [e for e in errors if error_code(e)], note


def _error_fund(error: Any) -> str:
    entry = getattr(error, "entry", None)
    if type(entry) is data.Transaction:
        for posting in entry.postings:
            if classify(posting.account).is_bank and fund_of(posting.account) == MAINTENANCE:
                return MAINTENANCE
        return COMMON
    if type(entry) is data.Custom and entry.type in (
        "tf-emergency",
        "tf-resolution",
        "tf-close",
        "tf-vote",
    ):
        return MAINTENANCE
    return COMMON


def _error_date(error: Any) -> date | None:
    entry = getattr(error, "entry", None)
    return getattr(entry, "date", None)


def _error_amount(error: Any) -> Decimal | None:
    entry = getattr(error, "entry", None)
    if type(entry) is data.Transaction:
        return bank_outflow(entry) or None
    return None


def _error_subject(error: Any) -> str:
    entry = getattr(error, "entry", None)
    if type(entry) is data.Transaction:
        return " ".join(x for x in (entry.payee or "", entry.narration or "") if x).strip()
    if type(entry) is data.Custom:
        return f"{entry.type} " + " ".join(str(v.value) for v in entry.values[:2])
    return ""


# ---------------------------------------------------------------------------------------


def _add_errors(
    check: CheckResult,
    errors: Iterable[Any],
    codes: Sequence[str],
    period: Period,
    fund: str | None = None,
) -> None:
    for error in errors:
        code = error_code(error)
        if code not in codes:
            continue
        day = _error_date(error)
        if day is not None and day not in period:
            continue
        if fund is not None and _error_fund(error) != fund:
            continue
        source = getattr(error, "source", None) or {}
        check.add(
            where(source),
            day,
            _error_subject(error),
            _error_amount(error),
            False,
            str(getattr(error, "message", error)).splitlines()[0],
        )


def _payment_subject(pay: PaymentInfo) -> str:
    return " ".join(x for x in (pay.payee, pay.narration) if x)


def _reconciliation(
    check: CheckResult,
    entries: Sequence[data.Directive],
    period: Period,
    fund: str,
    last: date | None,
) -> None:
    """A balance assertion at each month end (dated the next day, or the last day) per bank account."""
    opened: dict[str, date] = {}
    closed: dict[str, date] = {}
    balances: dict[tuple[str, date], data.Balance] = {}
    for entry in entries:
        if (
            type(entry) is data.Open
            and classify(entry.account).is_bank
            and fund_of(entry.account) == fund
        ):
            opened[entry.account] = entry.date
        elif type(entry) is data.Close and entry.account in opened:
            closed[entry.account] = entry.date
        elif type(entry) is data.Balance and entry.account in opened:
            balances[(entry.account, entry.date)] = entry
    for account in sorted(opened):
        for month in period.months():
            if month.end <= opened[account] or (
                account in closed and month.start >= closed[account]
            ):
                continue
            if last is None or month.end > last + timedelta(days=1):
                continue  # the month has not ended in the ledger
            found = balances.get((account, month.end)) or balances.get((account, month.last_day))
            subject = f"{account} {month.label}"
            if found is None:
                check.add(
                    "",
                    month.last_day,
                    subject,
                    None,
                    False,
                    "月末无余额核对 no balance assertion at month end",
                )
            elif found.diff_amount is not None:
                check.add(
                    where(found),
                    found.date,
                    subject,
                    found.amount.number,
                    False,
                    f"余额不符 balance off by {found.diff_amount}",
                )
            else:
                check.add(
                    where(found),
                    found.date,
                    subject,
                    found.amount.number,
                    True,
                    "余额相符 balance agrees",
                )


def compute(source: Any, period: Period, *, community: Community | None = None) -> AuditReport:
    """The special audit of ``period`` (usually a year)."""
    src = resolve(source, community)
    entries, community = src.entries, src.community
    report = AuditReport(
        "audit", "专项审计", "Special audit", period.label, period.title, src.title
    )
    errors, note = rule_errors(src)
    if note:
        report.notes.append(note)
    last = community.last_date
    payments = payments_in(entries, community, period.start, period.end)
    budgets, _ = budget_report.parse_budgets(entries)

    def new(part: str, cid: str, ref: str, zh: str, en: str) -> CheckResult:
        check = CheckResult(part, cid, ref, zh, en)
        report.checks.append(check)
        return check

    # ---- Part 1: maintenance fund ------------------------------------------------------
    m_pay = [p for p in payments if p.fund == MAINTENANCE]
    check = new(
        MAINTENANCE,
        "M01",
        "10",
        "使用依据(决议或应急)",
        "Use cites a resolution or a valid emergency",
    )
    flagged = {
        where(getattr(e, "source", None) or {})
        for e in errors
        if error_code(e) in ("TF401", "TF405")
    }
    for pay in m_pay:
        if not (pay.resolution or pay.emergency) or pay.location in flagged:
            continue
        if pay.resolution:
            resolution = community.resolutions.get(pay.resolution)
            title = (
                f" {resolution.title} (范围 scope {','.join(resolution.scope) or '全体 all'})"
                if resolution
                else ""
            )
            reason = f"决议 resolution {pay.resolution}{title}"
        else:
            emergency = community.emergencies.get(pay.emergency)
            reason = f"应急 emergency {pay.emergency}"
            if emergency is not None:
                reason += f": {emergency.hazard}; 确认 confirmed by {emergency.confirmation or '—'}"
        check.add(pay.location, pay.date, _payment_subject(pay), pay.amount, True, reason)
    _add_errors(check, errors, ("TF401", "TF405"), period)

    check = new(
        MAINTENANCE,
        "M02",
        "10",
        "表决(民法典278条: 面积与人数双重多数)",
        "Vote passed art. 278 (area and headcount)",
    )
    cited = sorted({p.resolution for p in m_pay if p.resolution})
    flagged_402 = [e for e in errors if error_code(e) == "TF402"]
    for rid in cited:
        if any(rid in str(getattr(e, "message", "")) for e in flagged_402):
            continue  # the rule's own error, below, says why
        result = tally(community, rid)
        if result is None:
            check.add(
                "", None, rid, None, False, "决议不存在或无法计票 unknown resolution or no tally"
            )
            continue
        detail = (
            f"参与 participation: 面积 area {result.participation_area_ratio:.2%}, 人数 headcount "
            f"{result.participation_headcount_ratio:.2%} ({result.participation_rule}); 同意 approval: 面积 area "
            f"{result.approval_area_ratio:.2%}, 人数 headcount {result.approval_headcount_ratio:.2%} "
            f"({result.approval_rule})"
        )
        if not result.passed:
            detail = "未通过 failed " + ", ".join(result.failed_tests) + "; " + detail
        resolution = result.resolution
        check.add(
            f"{resolution.meta.get('filename', '?')}:{resolution.meta.get('lineno', 0)}",
            resolution.date,
            f"{rid} {resolution.title}",
            None,
            result.passed,
            detail,
        )

    _add_errors(check, errors, ("TF402",), period)

    check = new(MAINTENANCE, "M03", "10", "表决先于付款", "Vote closed before payment")
    for pay in m_pay:
        if pay.resolution and pay.resolution in community.closes:
            close = community.closes[pay.resolution]
            if close.date <= pay.date:
                check.add(
                    pay.location,
                    pay.date,
                    _payment_subject(pay),
                    pay.amount,
                    True,
                    f"{pay.resolution} 表决截止 closed {close.date.isoformat()}",
                )
    _add_errors(check, errors, ("TF403",), period)

    check = new(MAINTENANCE, "M04", "10", "施工合同与审价", "Contract and price audit present")
    for pay in m_pay:
        if pay.contract and pay.price_audit:
            check.add(
                pay.location,
                pay.date,
                _payment_subject(pay),
                pay.amount,
                True,
                f"合同 {pay.contract}; 审价 {pay.price_audit}",
            )
    _add_errors(check, errors, ("TF404",), period)

    _approval_checks(report, m_pay, errors, period, MAINTENANCE, "M05")

    ledger = maintenance_ledger(entries, community, period.end)
    check = new(
        MAINTENANCE, "M08", "11", "按面积分摊", "Cost allocated by area to the units in scope"
    )
    for project in ledger.projects:
        if project.date not in period:
            continue
        scope = ",".join(project.scope) or "全体 all"
        if project.units == 0:
            check.add(
                project.location,
                project.date,
                project.narration,
                project.amount,
                False,
                f"范围 {scope} 内无房屋 no unit in scope: cost not allocated",
            )
        elif project.allocated != project.amount:
            check.add(
                project.location,
                project.date,
                project.narration,
                project.amount,
                False,
                f"分摊合计 {project.allocated} ≠ 支出 {project.amount}",
            )
        else:
            check.add(
                project.location,
                project.date,
                project.narration,
                project.amount,
                True,
                f"{project.units} 户 units, {project.area} ㎡ (范围 scope {scope})",
            )
    for room, unit_fund in sorted(ledger.units.items()):
        if unit_fund.balance < 0:
            check.add(
                "",
                period.last_day,
                room,
                unit_fund.balance,
                False,
                "分户余额为负 sub-account balance negative",
            )

    check = new(MAINTENANCE, "M09", "12", "利息计入维修资金", "Interest credited to the fund")
    _interest(check, entries, period)

    check = new(
        MAINTENANCE, "M10", "6", "银行对账(专户)", "Bank reconciliation (maintenance account)"
    )
    _reconciliation(check, entries, period, MAINTENANCE, last)

    check = new(MAINTENANCE, "M11", "2", "基金分账", "Funds kept apart")
    _add_errors(check, errors, ("TF104",), period)

    # ---- Part 2: common fund -----------------------------------------------------------
    c_pay = [p for p in payments if p.fund != MAINTENANCE]
    check = new(COMMON, "C01", "1", "公共收益完整性(合同对收款)", "Public income against contracts")
    for row in contract_rows(entries, community, period.start, period.end):
        ok = row.shortfall <= 0
        check.add(
            row.location,
            None,
            f"{row.id} {row.counterparty}",
            row.shortfall if not ok else row.received,
            ok,
            f"应收 due {row.due}, 实收 received {row.received}"
            + ("" if ok else f", 欠收 shortfall {row.shortfall}"),
        )

    check = new(COMMON, "C02", "2", "收入存入业主账户", "Income deposited in owners' accounts")
    _add_errors(check, errors, ("TF101",), period)

    check = new(
        COMMON,
        "C03",
        "3",
        "支出有审批及预算或决议",
        "Every expense has an approval and a budget line or resolution",
    )
    budgeted = set(budgets)
    for pay in c_pay + m_pay:
        if pay.fund == MAINTENANCE or pay.auto_debit or pay.remuneration:
            continue
        expenses = [a for a in pay.accounts if classify(a).is_expense]
        unbudgeted = [a for a in expenses if not _has_budget(a, budgeted)]
        if unbudgeted and not pay.resolution:
            check.add(
                pay.location,
                pay.date,
                _payment_subject(pay),
                pay.amount,
                False,
                "无预算且无决议 no budget line and no resolution: " + ", ".join(unbudgeted),
            )
    _add_errors(check, errors, ("TF301",), period, COMMON)

    _approval_checks(report, c_pay, errors, period, COMMON, "C04")

    check = new(COMMON, "C07", "6", "银行对账", "Bank reconciliation")
    _reconciliation(check, entries, period, COMMON, last)
    if any(classify(a).is_bank and fund_of(a) == "committee" for a in {p.bank for p in payments}):
        _reconciliation(check, entries, period, "committee", last)

    check = new(COMMON, "C08", "7", "代收款及时缴存", "Manager-held collections remitted in time")
    _add_errors(check, errors, ("TF102", "TF103"), period)

    check = new(COMMON, "C09", "8", "大额及关联交易", "Large and related-party payments")
    for pay in payments:
        if pay.large or pay.related:
            kind = "关联 related party" if pay.related else "大额 large"
            ok = bool(pay.resolution or pay.emergency) and (
                pay.notice_date is not None or bool(pay.emergency)
            )
            reason = (
                f"{kind}; 决议 {pay.resolution or pay.emergency or '—'}; 公示 "
                f"{pay.notice_date.isoformat() if pay.notice_date else '—'}"
            )
            check.add(pay.location, pay.date, _payment_subject(pay), pay.amount, ok, reason)
    _add_errors(check, errors, ("TF305", "TF306"), period)

    check = new(COMMON, "C10", "9", "预算执行(超支)", "Budget execution (over budget)")
    budget = budget_report.compute(src, period)
    for brow in budget.expenses:
        if brow.budget is not None:
            check.add(
                "",
                period.last_day,
                brow.account,
                brow.actual or ZERO,
                brow.status != budget_report.OVER,
                f"预算 budget {brow.budget}, 实际 actual {brow.actual or ZERO}"
                + (f", 执行率 {brow.executed:.2%}" if brow.executed is not None else ""),
            )

    check = new(COMMON, "C11", "13", "酬金逐月复算", "Remuneration recomputed month by month")
    schedule = remuneration_schedule(entries, community)
    months = {m.label for m in period.months()}
    by_month: dict[str, Any] = {}
    for error in errors:
        if error_code(error) in ("TF201", "TF202"):
            found = MONTH_RE.search(getattr(error, "message", ""))
            if found and found.group(0) in months:
                by_month.setdefault(found.group(0), error)
    for item in schedule or []:
        if item.month not in months:
            continue
        error = by_month.pop(item.month, None)
        diff = item.posted - item.due
        reason = (
            f"应计 due {item.due} = {item.rate} × 基数 base {item.base}, 入账 posted {item.posted}"
            + ("" if diff == 0 else f", 差额 difference {diff}")
        )
        location = ""
        if error is not None:
            reason = str(error.message).splitlines()[0]
            location = where(getattr(error, "source", None) or {})
        check.add(
            location,
            None,
            f"{item.month} 酬金 remuneration",
            item.due,
            error is None and diff == 0,
            reason,
        )
    for error in by_month.values():  # months the schedule does not list
        check.add(
            where(error.source or {}),
            _error_date(error),
            _error_subject(error),
            None,
            False,
            str(error.message).splitlines()[0],
        )
    if schedule is None:
        check.note = "remuneration schedule unavailable"
        _add_errors(check, errors, ("TF201", "TF202"), period)

    check = new(COMMON, "C12", "16", "押金作为负债", "Deposits held as liabilities")
    _deposits(check, entries, period)
    _contract_deposits(check, entries, community, period)

    check = new(COMMON, "C13", "15", "公示与封存", "Publication (monthly seals)")
    for srow in seal_rows(src, period, errors):
        if srow.status.startswith("未结"):
            continue
        check.add(
            "",
            None,
            srow.month,
            None,
            srow.status.startswith("已封存"),
            f"{srow.status} {srow.digest}".strip(),
        )
    _add_errors(check, errors, ("TF501",), period)

    check = new(COMMON, "C14", "2", "基金分账", "Funds kept apart")
    _add_errors(check, errors, ("TF104",), period)

    check = new(COMMON, "C15", "3", "未分类款项(挂账)", "Unclassified items left in suspense")
    _add_errors(check, errors, ("TF106",), period)

    claimed = set(CLAIMED_CODES)
    other = sorted({code for e in errors if (code := error_code(e)) and code not in claimed})
    if other:
        check = new(COMMON, "C16", "—", "其他规则错误", "Other rule errors")
        _add_errors(check, errors, other, period)
    for item in report.checks:
        for finding in item.findings:
            finding.location = src.relative(finding.location)
    for prefix in ("M", "C"):  # number each part's checks in order: M01…, C01…
        for index, item in enumerate(
            (c for c in report.checks if c.id.startswith(prefix)), start=1
        ):
            item.id = f"{prefix}{index:02d}"
            for finding in item.findings:
                finding.check = item.id
    return report


def _has_budget(account: str, budgeted: set[str]) -> bool:
    probe = account
    while probe:
        if probe in budgeted:
            return True
        probe = probe.rpartition(":")[0]
    return False


def _approval_checks(
    report: AuditReport,
    payments: Sequence[PaymentInfo],
    errors: Sequence[Any],
    period: Period,
    fund: str,
    first_id: str,
) -> None:
    prefix, number = first_id[0], int(first_id[1:])
    co = CheckResult(
        fund, f"{prefix}{number:02d}", "4", "联签(双签)", "Co-signatures (two roles, dated, amount)"
    )
    for pay in payments:
        if pay.approvals and not pay.auto_debit:
            co.add(
                pay.location,
                pay.date,
                _payment_subject(pay),
                pay.amount,
                True,
                f"{', '.join(pay.approvals)}: {pay.signoffs}",
            )
    _add_errors(co, errors, ("TF301", "TF302", "TF303", "TF304"), period, fund)
    # a payment with an error is not also listed as fine
    failed = {f.location for f in co.findings if not f.ok}
    co.findings = [f for f in co.findings if not f.ok or f.location not in failed]
    inv = CheckResult(
        fund, f"{prefix}{number + 1:02d}", "5", "发票/凭证", "Invoice or voucher present"
    )
    for pay in payments:
        if pay.auto_debit:
            continue
        if pay.invoice:
            inv.add(
                pay.location,
                pay.date,
                _payment_subject(pay),
                pay.amount,
                True,
                f"发票 invoice {pay.invoice}",
            )
        else:
            inv.add(
                pay.location,
                pay.date,
                _payment_subject(pay),
                pay.amount,
                False,
                "无发票 no invoice: 白条",
            )
    report.checks.extend([co, inv])


def _interest(check: CheckResult, entries: Sequence[data.Directive], period: Period) -> None:
    relevant: dict[str, bool] = {}
    for entry in transactions(entries, period.start, period.end):
        hit = False
        for posting in entry.postings:
            flag = relevant.get(posting.account)
            if flag is None:
                flag = relevant[posting.account] = "Interest" in posting.account
            if flag:
                hit = True
                break
        if not hit:
            continue
        into_maintenance = ZERO
        income_accounts = []
        for posting in entry.postings:
            units = posting.units
            if units is None or units.number is None:
                continue
            if posting.account == MAINTENANCE_BANK or posting.account.startswith(
                MAINTENANCE_BANK + ":"
            ):
                into_maintenance += units.number
            elif posting.account.startswith("Income:"):
                income_accounts.append(posting.account)
        interest = [a for a in income_accounts if "Interest" in a]
        if not interest:
            continue
        misrouted = (
            [a for a in interest if not a.startswith("Income:Maintenance")]
            if into_maintenance > 0
            else [a for a in interest if a.startswith("Income:Maintenance")]
        )
        if misrouted:
            check.add(
                where(entry),
                entry.date,
                entry.narration or "",
                abs(into_maintenance) or None,
                False,
                "利息未计入维修资金 interest of the fund booked elsewhere: " + ", ".join(misrouted),
            )
        elif into_maintenance > 0:
            check.add(
                where(entry),
                entry.date,
                entry.narration or "",
                into_maintenance,
                True,
                "计入 Income:Maintenance:Interest",
            )


def _contract_deposits(
    check: CheckResult, entries: Sequence[data.Directive], community: Community, period: Period
) -> None:
    """A contract's ``deposit:`` is held on ``Liabilities:Deposits`` (credits citing the contract)."""
    wanted: dict[str, Decimal] = {}
    for contract in community.contracts.values():
        text = str((contract.meta or {}).get("deposit", "")).strip()
        if not text or contract.start >= period.end:
            continue
        try:
            wanted[contract.id] = Decimal(text.split()[0].replace(",", ""))
        except ArithmeticError:
            check.add(
                where(contract.meta),
                contract.start,
                contract.id,
                None,
                False,
                f"押金金额无法读取 unreadable deposit {text!r}",
            )
    if not wanted:
        return
    held = dict.fromkeys(wanted, ZERO)
    for entry in transactions(entries, None, period.end):
        cited = str((entry.meta or {}).get("contract", "")).strip()
        if cited not in held:
            continue
        for posting in entry.postings:
            if (
                classify(posting.account).is_deposits
                and posting.units is not None
                and posting.units.number is not None
            ):
                held[cited] -= posting.units.number
    for cid, amount in sorted(wanted.items()):
        contract = community.contracts[cid]
        ok = held[cid] >= amount
        check.add(
            where(contract.meta),
            contract.start,
            f"{cid} {contract.counterparty}",
            amount,
            ok,
            f"合同押金 deposit {amount}, 负债账户持有 held on Liabilities:Deposits {held[cid]}",
        )


def _deposits(check: CheckResult, entries: Sequence[data.Directive], period: Period) -> None:
    for entry in transactions(entries, period.start, period.end):
        text = f"{entry.payee or ''} {entry.narration or ''}".lower()
        if not any(word in text for word in DEPOSIT_WORDS):
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
            check.add(
                where(entry),
                entry.date,
                entry.narration or "",
                to_income,
                False,
                "押金记为收入 deposit booked as income, not Liabilities:Deposits",
            )
        elif to_liability:
            check.add(
                where(entry),
                entry.date,
                entry.narration or "",
                None,
                True,
                "记入 Liabilities:Deposits",
            )
