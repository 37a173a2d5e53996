"""Budget against actual (预算执行), after hledger's budget report.

Goals are Fava's own ``custom "budget"`` directives, read and pro-rated as Fava does
(:func:`parse_budgets` and :func:`calculate_budget` follow ``fava.core.budgets``: the goal of
the interval around each day, divided by that interval's days, summed over the range; a test
holds them equal to Fava's), rounded to the fen::

    2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 20000.00 CNY

They are not imported from Fava because importing ``fava.core`` (Flask, Werkzeug, Babel …)
would cost a ``trustfund report`` more than computing the report (DESIGN.md §6).

Goals and actuals go through the same aggregation: every ``Income``/``Expenses`` posting is
counted on its nearest budgeted ancestor-or-self (subaccount roll-up), or, when no ancestor has
a budget, on an ``<unbudgeted>:<account>`` row (无预算不支出: such spending is flagged). Each
row holds the cells ``(actual | None, budget | None)`` for the period and for the year to date,
the variance (actual − budget) and the share executed (only when the budget is not zero).
The actual totals tie to the income statement of the period.

The rows fall in parts, each with its own table, total and execution (a maintenance project or
the manager's remuneration never counts against the common fund's operating budget):

- ``common-income``: the common fund's income (an income budget is a Fava line on an
  ``Income`` account, written negative as Fava shows income, or positive: either reads as the
  income expected);
- ``operating``: the common fund's operating spending (services, utilities, bank charges …);
- ``remuneration``: the manager's remuneration (酬金), paid by contract;
- ``committee``: the committee's working fund (业委会工作经费), when there is one;
- ``maintenance-income`` and ``maintenance``: the maintenance fund's income and spending, the
  latter also by project (:class:`ProjectRow`: each resolution's ``budget:`` against what was
  paid under it, emergencies and uses citing neither apart).

When the owners adopted the year's budget (``tf-budget``), the report notes the adoption and
every change of the year (a line dated after 1 January, with its resolution and what it adds
to the year's budget): :func:`year_budget`.

The report is owner-facing: accounts and labels go through the publication policy
(:mod:`reports.publication`: a component naming a person is masked) and its notes carry no
file names or line numbers.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple

from beancount.core import data

from ledger.accounts import classify
from ledger.community import Community
from ledger.entries import meta_list
from ledger.index import index_of
from reports.common import (
    COMMITTEE,
    MAINTENANCE,
    ZERO,
    account_labels,
    fen,
    fund_of,
    label_of,
    memo,
    resolve,
    transactions,
)
from reports.period import Period
from reports.publication import Policy
from reports.table import Column, Report, Row, Table

C = Column
UNBUDGETED = "<unbudgeted>"

OVER = "超支 over"
UNBUDGETED_STATUS = "无预算 unbudgeted"
UNDER = "未达 below"
BY_RESOLUTION = "维修资金按决议 by resolution"
NO_RESOLUTION = "无决议 no resolution"
BY_CONTRACT = "酬金按合同 by contract"
AUTO_DEBIT = "自动扣款 auto-debit"


def _quarter_days(day: date) -> int:
    first = (day.month - 1) // 3 * 3 + 1
    return sum(calendar.monthrange(day.year, month)[1] for month in range(first, first + 3))


#: Fava's budget intervals (``fava.util.date.INTERVALS``): the days of the one around a day.
INTERVAL_DAYS: dict[str, Callable[[date], int]] = {
    "year": lambda day: 366 if calendar.isleap(day.year) else 365,
    "quarter": _quarter_days,
    "month": lambda day: calendar.monthrange(day.year, day.month)[1],
    "week": lambda day: 7,
    "day": lambda day: 1,
}
INTERVAL_DAYS |= {f"{name}ly": days for name, days in INTERVAL_DAYS.items() if name != "day"}
INTERVAL_DAYS["daily"] = INTERVAL_DAYS["day"]


class Budget(NamedTuple):
    """One ``custom "budget"`` line: from ``date_start``, ``number`` per ``interval``."""

    account: str
    date_start: date
    interval: str
    number: Decimal
    currency: str
    entry: data.Custom | None = None  # the line itself (its ``resolution:``, file and line)


class BudgetError(NamedTuple):
    """A ``custom "budget"`` line that cannot be read (Beancount's error shape)."""

    source: dict[str, Any]
    message: str
    entry: data.Custom


def parse_budgets(
    entries: Iterable[data.Directive],
) -> tuple[dict[str, list[Budget]], list[BudgetError]]:
    """The budgets by account, in date order, and the lines that are not budgets Fava reads."""
    budgets: dict[str, list[Budget]] = {}
    errors: list[BudgetError] = []
    for entry in entries:
        if type(entry) is not data.Custom or entry.type != "budget":
            continue
        try:
            interval = str(entry.values[1].value).lower()
            if interval not in INTERVAL_DAYS:
                errors.append(BudgetError(entry.meta, "Invalid interval for budget entry", entry))
                continue
            amount = entry.values[2].value
            budget = Budget(
                entry.values[0].value, entry.date, interval, amount.number, amount.currency, entry
            )
        except (IndexError, TypeError, AttributeError):
            errors.append(BudgetError(entry.meta, "Failed to parse budget entry", entry))
            continue
        budgets.setdefault(budget.account, []).append(budget)
    return budgets, errors


def calculate_budget(
    budgets: Mapping[str, Sequence[Budget]], account: str, start: date, end: date
) -> dict[str, Decimal]:
    """The goal of ``account`` from ``start`` to ``end`` (exclusive), per currency: each day
    adds the goal in force that day (the latest line per currency) over its interval's days."""
    lines = budgets.get(account)
    if lines is None:
        return {}
    totals: dict[str, Decimal] = {}
    # A day's share depends on the line and its interval's days, which every interval takes
    # from the day's month: the same Decimal each day of a month, added in the same order.
    shares: dict[tuple[int, int, int], Decimal] = {}
    for offset in range((end - start).days):
        day = start + timedelta(offset)
        in_force: dict[str, tuple[int, Budget]] = {}
        for position, budget in enumerate(lines):
            if budget.date_start > day:
                break
            in_force[budget.currency] = (position, budget)
        for position, budget in in_force.values():
            key = (position, day.year, day.month)
            share = shares.get(key)
            if share is None:
                share = shares[key] = budget.number / INTERVAL_DAYS[budget.interval](day)
            totals[budget.currency] = totals.get(budget.currency, Decimal(0)) + share
    return totals


#: The parts of the budget, in the order the report shows them: (Chinese, English) titles.
PARTS: dict[str, tuple[str, str]] = {
    "common-income": ("共同基金收入", "Common fund: income"),
    "operating": ("共同基金运营支出", "Common fund: operating spending"),
    "remuneration": ("物业酬金", "Manager's remuneration (by contract)"),
    "committee": ("业委会工作经费", "Committee working fund"),
    "maintenance-income": ("维修资金收入", "Maintenance fund: income"),
    "maintenance": ("维修资金支出", "Maintenance fund: spending (by resolution)"),
}
#: Parts shown even when empty.
ALWAYS_SHOWN = ("common-income", "operating")


def part_of(account: str) -> str:
    """The budget part of an ``Income``/``Expenses`` account (see the module docstring)."""
    fund = fund_of(account)
    if account.startswith("Income"):
        return "maintenance-income" if fund == MAINTENANCE else "common-income"
    if fund == MAINTENANCE:
        return "maintenance"
    if classify(account).is_remuneration:
        return "remuneration"
    if fund == COMMITTEE:
        return "committee"
    return "operating"


def goal_of(account: str, number: Decimal) -> Decimal:
    """A budget goal as the amount expected: an income budget written negative (as Fava shows
    income) reads as the positive income expected."""
    return -number if number < 0 and account.startswith("Income") else number


@dataclass
class BudgetRow(Row):
    section: str  # "income" | "expenses"
    account: str  # the budgeted account, or "<unbudgeted>:Expenses:…"
    label: str
    budgeted: bool
    actual: Decimal | None
    budget: Decimal | None
    variance: Decimal | None
    executed: Decimal | None
    actual_ytd: Decimal | None
    budget_ytd: Decimal | None
    variance_ytd: Decimal | None
    executed_ytd: Decimal | None
    status: str
    part: str = ""  # one of PARTS
    columns: ClassVar[tuple[Column, ...]] = (
        C("account", "科目", "Account"),
        C("label", "名称", "Name"),
        C("budget", "本期预算", "Budget", "money"),
        C("actual", "本期实际", "Actual", "money"),
        C("variance", "差异(实际−预算)", "Variance (actual − budget)", "money"),
        C("executed", "执行率", "% executed", "percent"),
        C("budget_ytd", "年累计预算", "Budget YTD", "money"),
        C("actual_ytd", "年累计实际", "Actual YTD", "money"),
        C("variance_ytd", "年累计差异", "Variance YTD", "money"),
        C("executed_ytd", "年累计执行率", "% YTD", "percent"),
        C("status", "标记", "Flag"),
    )

    @property
    def over(self) -> bool:
        return self.status == OVER

    @property
    def flagged(self) -> bool:
        return self.status in (OVER, UNBUDGETED_STATUS)


@dataclass
class ProjectRow(Row):
    """A maintenance project: what was paid under one resolution (or emergency) against the
    ``budget:`` of its resolution."""

    project: str  # "R-2025-01", "E-2025-01", or "" (a use citing neither)
    kind: str  # "resolution" | "emergency" | ""
    title: str
    budget: Decimal | None
    paid: Decimal  # in the period
    paid_ytd: Decimal
    paid_to_date: Decimal  # since the ledger's first entry, to the period's end
    remaining: Decimal | None
    executed: Decimal | None  # paid to date / budget
    status: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("project", "决议/应急", "Resolution / emergency"),
        C("title", "项目", "Project"),
        C("budget", "项目预算", "Project budget", "money"),
        C("paid", "本期支付", "Paid in period", "money"),
        C("paid_ytd", "年累计支付", "Paid YTD", "money"),
        C("paid_to_date", "累计支付", "Paid to date", "money"),
        C("remaining", "预算余额", "Budget left", "money"),
        C("executed", "执行率", "% executed", "percent"),
        C("status", "标记", "Flag"),
    )

    @property
    def flagged(self) -> bool:
        return self.status in (OVER, NO_RESOLUTION)


@dataclass(frozen=True)
class BudgetChange:
    """A budget line dated within its year after 1 January: a change of the adopted budget."""

    account: str
    date: date
    resolutions: tuple[str, ...]
    delta: Decimal  # what it adds to the year's goal of the account (negative: a cut)
    entry: data.Custom | None


@dataclass
class YearBudget:
    """A year's budget per budgeted account: as adopted (the lines in force on 1 January) and
    final (with every change of the year), and the changes."""

    year: int
    adopted: dict[str, Decimal] = field(default_factory=dict)
    final: dict[str, Decimal] = field(default_factory=dict)
    changes: list[BudgetChange] = field(default_factory=list)


def year_budget(entries: Sequence[data.Directive], year: int, currency: str) -> YearBudget:
    """The adopted and final goals of ``year`` per budgeted account, and its changes."""
    budgets, _ = parse_budgets(entries)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    out = YearBudget(year)

    def goal(lines: Sequence[Budget], account: str) -> Decimal | None:
        value = calculate_budget({account: lines}, account, start, end).get(currency)
        return None if value is None else fen(goal_of(account, value))

    for account, lines in sorted(budgets.items()):
        if account.split(":", 1)[0] not in ("Income", "Expenses"):
            continue
        mine = [b for b in lines if b.currency == currency]
        final = goal(mine, account)
        if final is None:
            continue
        out.final[account] = final
        out.adopted[account] = goal([b for b in mine if b.date_start <= start], account) or ZERO
        for k, line in enumerate(mine):
            if not start < line.date_start < end:
                continue
            before = goal(mine[:k], account) or ZERO
            after = goal(mine[: k + 1], account) or ZERO
            cited = tuple(meta_list(line.entry, "resolution")) if line.entry is not None else ()
            out.changes.append(
                BudgetChange(account, line.date_start, cited, after - before, line.entry)
            )
    out.changes.sort(key=lambda c: (c.date, c.account))
    return out


@dataclass
class BudgetReport(Report):
    income: list[BudgetRow] = field(default_factory=list)
    expenses: list[BudgetRow] = field(default_factory=list)
    income_total: Decimal = ZERO
    expense_total: Decimal = ZERO
    income_total_ytd: Decimal = ZERO
    expense_total_ytd: Decimal = ZERO
    projects: list[ProjectRow] = field(default_factory=list)

    def part(self, name: str) -> list[BudgetRow]:
        """The rows of one part (see :data:`PARTS`)."""
        return [r for r in self.income + self.expenses if r.part == name]

    def part_total(self, name: str) -> dict[str, Any]:
        """The total row of one part: budget, actual, variance and execution on its own."""
        return _total(self.part(name))

    def find(self, account: str) -> BudgetRow | None:
        return next((r for r in self.income + self.expenses if r.account == account), None)

    def row(self, account: str) -> BudgetRow:
        """The row of ``account`` (KeyError when the report has none)."""
        found = self.find(account)
        if found is None:
            raise KeyError(account)
        return found

    @property
    def over_budget(self) -> list[BudgetRow]:
        return [r for r in self.expenses if r.flagged]

    def tables(self) -> list[Table]:
        notes = {
            "operating": "无预算不支出: spending without a budget line is flagged "
            "(auto-debits excepted); remuneration and the maintenance fund are apart",
            "remuneration": "酬金 = 费率 × 实收 (rate × fees collected): paid by contract",
            "maintenance": "维修资金按业主决议或应急程序使用 (by resolution or emergency)",
        }
        keys = {"common-income": "income", "operating": "expenses"}
        tables = []
        for name, (zh, en) in PARTS.items():
            rows = self.part(name)
            if not rows and name not in ALWAYS_SHOWN:
                continue
            tables.append(
                Table(
                    keys.get(name, name),
                    zh,
                    en,
                    BudgetRow.columns,
                    rows,
                    _total(rows),
                    note=notes.get(name, ""),
                )
            )
        if self.projects:
            tables.append(
                Table(
                    "projects",
                    "维修工程(按决议)",
                    "Maintenance projects: budget by resolution",
                    ProjectRow.columns,
                    self.projects,
                    _project_total(self.projects),
                    note="项目预算 = 决议的 budget: (the resolution's budget); 累计支付 from the "
                    "ledger's first entry to the period's end",
                )
            )
        return tables


def _sum(values: Sequence[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _total(rows: Sequence[BudgetRow]) -> dict[str, Any]:
    out: dict[str, Any] = {"account": "合计 Total"}
    for key in ("budget", "actual", "budget_ytd", "actual_ytd"):
        out[key] = _sum([getattr(r, key) for r in rows])
    out["variance"] = out["actual"] - out["budget"]
    out["variance_ytd"] = out["actual_ytd"] - out["budget_ytd"]
    out["executed"] = out["actual"] / out["budget"] if out["budget"] else None
    out["executed_ytd"] = out["actual_ytd"] / out["budget_ytd"] if out["budget_ytd"] else None
    return out


def _project_total(rows: Sequence[ProjectRow]) -> dict[str, Any]:
    out: dict[str, Any] = {"project": "合计 Total"}
    for key in ("budget", "paid", "paid_ytd", "paid_to_date", "remaining"):
        out[key] = _sum([getattr(r, key) for r in rows])
    return out


def _outside_budget(account: str, community: Community, day: date) -> str:
    """Why spending without a budget line may be in order, or the unbudgeted flag.

    The maintenance fund is spent by owners' resolution (or emergency), the remuneration by
    contract, auto-debited charges by the bank; the audit checks those paths.
    """
    if fund_of(account) == MAINTENANCE:
        return BY_RESOLUTION
    if classify(account).is_remuneration:
        return BY_CONTRACT
    if community.is_auto_debit(account, day):
        return AUTO_DEBIT
    return UNBUDGETED_STATUS


def _ratio(actual: Decimal | None, budget: Decimal | None) -> Decimal | None:
    if budget is None or budget == 0:
        return None
    return (actual or ZERO) / budget


def _variance(actual: Decimal | None, budget: Decimal | None) -> Decimal | None:
    if actual is None and budget is None:
        return None
    return (actual or ZERO) - (budget or ZERO)


def compute(
    source: Any, period: Period, *, currency: str | None = None, policy: Policy | None = None
) -> BudgetReport:
    """Budget against actual for ``period`` and for its year to date, as published."""
    src = resolve(source)
    entries = src.entries
    if policy is None:
        policy = Policy.of(src)
    if currency is None:
        currency = (src.options.get("operating_currency") or ["CNY"])[0]
    budgets, budget_errors = parse_budgets(entries)
    report = BudgetReport(
        "budget", "预算执行", "Budget against actual", period.label, period.title, src.title
    )
    for error in budget_errors:
        meta = error.source or {}
        report.notes.append(
            policy.message(f"{meta.get('date') or ''} budget: {error.message}".strip())
        )
    budgeted = {a for a in budgets if a.split(":", 1)[0] in ("Income", "Expenses")}
    for account in sorted(set(budgets) - budgeted):
        report.notes.append(
            f"budget on {policy.account(account)} ignored: only Income and Expenses accounts are budgeted"
        )
    actual, actual_ytd = actuals(entries, budgeted, currency, period)
    labels = account_labels(entries)
    for key in sorted(budgeted | set(actual) | set(actual_ytd)):
        row = _row(
            src, period, policy, labels, budgets, currency, key, key in budgeted, actual, actual_ytd
        )
        if row is not None:
            (report.income if row.section == "income" else report.expenses).append(row)
    # budgeted rows first, then the unbudgeted ones (as hledger lists <unbudgeted> last)
    report.income.sort(key=lambda r: (not r.budgeted, r.account))
    report.expenses.sort(key=lambda r: (not r.budgeted, r.account))
    report.income_total = _sum([r.actual for r in report.income])
    report.expense_total = _sum([r.actual for r in report.expenses])
    report.income_total_ytd = _sum([r.actual_ytd for r in report.income])
    report.expense_total_ytd = _sum([r.actual_ytd for r in report.expenses])
    report.projects = projects(src, period, policy)
    report.notes.extend(adoption_notes(src, period.start.year, currency, policy))
    return report


def actuals(
    entries: Sequence[data.Directive], budgeted: set[str], currency: str, period: Period
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Income (credit positive) and expenses of the period and of its year to date, per
    budgeted account (a posting counts for its nearest budgeted parent; the others under
    ``<unbudgeted>:ACCOUNT``). The budget report and the audit's budget check share it."""
    owner_cache: dict[str, str] = {}

    def owner(account: str) -> str:
        found = owner_cache.get(account)
        if found is None:
            probe = account
            while probe and probe not in budgeted:
                probe = probe.rpartition(":")[0]
            found = owner_cache[account] = probe or f"{UNBUDGETED}:{account}"
        return found

    def aggregate() -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        actual: dict[str, Decimal] = {}
        actual_ytd: dict[str, Decimal] = {}
        for entry in transactions(entries, period.year_start, period.end):
            in_period = entry.date >= period.start
            for posting in entry.postings:
                account = posting.account
                root = account[: account.find(":")]
                if root != "Income" and root != "Expenses":
                    continue
                units = posting.units
                if units is None or units.number is None or units.currency != currency:
                    continue
                number = -units.number if root == "Income" else units.number
                key = owner(account)
                actual_ytd[key] = actual_ytd.get(key, ZERO) + number
                if in_period:
                    actual[key] = actual.get(key, ZERO) + number
        return actual, actual_ytd

    # one pass per ledger and period, whoever asks first
    return memo(  # type: ignore[no-any-return]
        entries,
        ("budget-actuals", frozenset(budgeted), currency, period.start, period.end),
        aggregate,
    )


def _row(
    src: Any,
    period: Period,
    policy: Policy,
    labels: dict[str, str],
    budgets: Any,
    currency: str,
    key: str,
    is_budgeted: bool,
    actual: dict[str, Decimal],
    actual_ytd: dict[str, Decimal],
) -> BudgetRow | None:
    """One account's row (None when it has neither budget nor actual), flagged over or under."""

    def goal(start: date, end: date) -> Decimal | None:
        value = calculate_budget(budgets, key, start, end).get(currency)
        return None if value is None else fen(goal_of(key, value))

    account = key.split(":", 1)[1] if not is_budgeted else key
    section = "income" if account.startswith("Income") else "expenses"
    budget = goal(period.start, period.end) if is_budgeted else None
    budget_ytd = goal(period.year_start, period.end) if is_budgeted else None
    act, act_ytd = actual.get(key), actual_ytd.get(key)
    if act is None and act_ytd is None and budget is None and budget_ytd is None:
        return None
    status = ""
    if section == "expenses":
        if budget is None and (act or ZERO) != 0:
            status = _outside_budget(account, src.community, period.last_day)
        elif budget is not None and (act or ZERO) > budget:
            status = OVER
    elif budget is not None and (act or ZERO) < budget:
        status = UNDER
    shown = policy.account(account)
    label = policy.text(labels[account]) if account in labels else label_of(shown)
    if not is_budgeted:
        label = "无预算 · " + label
    return BudgetRow(
        section,
        shown if is_budgeted else f"{UNBUDGETED}:{shown}",
        label,
        is_budgeted,
        act,
        budget,
        _variance(act, budget),
        _ratio(act, budget),
        act_ytd,
        budget_ytd,
        _variance(act_ytd, budget_ytd),
        _ratio(act_ytd, budget_ytd),
        status,
        part_of(account),
    )


def projects(src: Any, period: Period, policy: Policy) -> list[ProjectRow]:
    """Maintenance spending (debits to ``Expenses:Maintenance:*`` of payments, from the shared
    index) per resolution or emergency cited, against the resolution's ``budget:``."""
    community = src.community
    paid: dict[tuple[str, str], list[Decimal]] = {}  # (kind, id) -> [period, ytd, to date]
    for pay in index_of(src.entries, community).payments:
        if pay.date >= period.end:
            break
        amount = pay.debit_to("Expenses:Maintenance")
        if not amount:
            continue
        if pay.resolutions:
            key = ("resolution", pay.resolutions[0])
        elif pay.emergencies:
            key = ("emergency", pay.emergencies[0])
        else:
            key = ("", "")
        sums = paid.setdefault(key, [ZERO, ZERO, ZERO])
        sums[2] += amount
        if pay.date >= period.year_start:
            sums[1] += amount
        if pay.date >= period.start:
            sums[0] += amount
    rows = []
    for (kind, pid), (in_period, ytd, to_date) in sorted(paid.items()):
        budget: Decimal | None = None
        if kind == "resolution":
            resolution = community.resolutions.get(pid)
            title = policy.text(resolution.title) if resolution else "未知决议 unknown"
            budget = resolution.budget if resolution else None
        elif kind == "emergency":
            emergency = community.emergencies.get(pid)
            title = f"应急 emergency: {emergency.hazard}" if emergency else "未知 unknown"
        else:
            title = "未引用决议或应急 cites neither a resolution nor an emergency"
        remaining = budget - to_date if budget is not None else None
        status = ""
        if kind == "":
            status = NO_RESOLUTION
        elif budget is not None and to_date > budget:
            status = OVER
        rows.append(
            ProjectRow(
                pid,
                kind,
                title,
                budget,
                in_period,
                ytd,
                to_date,
                remaining,
                _ratio(to_date, budget),
                status,
            )
        )
    return rows


def adoption_notes(src: Any, year: int, currency: str, policy: Policy) -> list[str]:
    """Who adopted the year's budget, when and under which resolution; each change of it."""
    community = src.community
    notes = []
    adoption = community.governance.adoption(f"{year:04d}")
    if adoption is not None:
        resolution = community.resolutions.get(adoption.resolution_id)
        title = f" {policy.text(resolution.title)}" if resolution else ""
        notes.append(
            f"{year}年度预算由业主决议 {adoption.resolution_id}{title} 于 {adoption.date} 通过 "
            f"(budget adopted under {adoption.resolution_id} on {adoption.date})"
        )
    for change in year_budget(src.entries, year, currency).changes:
        cited = ", ".join(change.resolutions) or "无决议 no resolution"
        sign = "+" if change.delta >= 0 else ""
        notes.append(
            f"预算调整 budget change {change.date}: {policy.account(change.account)} "
            f"{sign}{change.delta} for {year} ({cited})"
        )
    return notes
