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
from reports.common import (
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
                entry.values[0].value, entry.date, interval, amount.number, amount.currency
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
    for offset in range((end - start).days):
        day = start + timedelta(offset)
        in_force: dict[str, Budget] = {}
        for budget in lines:
            if budget.date_start > day:
                break
            in_force[budget.currency] = budget
        for budget in in_force.values():
            share = budget.number / INTERVAL_DAYS[budget.interval](day)
            totals[budget.currency] = totals.get(budget.currency, Decimal(0)) + share
    return totals


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
class BudgetReport(Report):
    income: list[BudgetRow] = field(default_factory=list)
    expenses: list[BudgetRow] = field(default_factory=list)
    income_total: Decimal = ZERO
    expense_total: Decimal = ZERO
    income_total_ytd: Decimal = ZERO
    expense_total_ytd: Decimal = ZERO

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
        return [
            Table(
                "income",
                "收入预算执行",
                "Income: budget and actual",
                BudgetRow.columns,
                self.income,
                _total(self.income),
            ),
            Table(
                "expenses",
                "支出预算执行",
                "Expenses: budget and actual",
                BudgetRow.columns,
                self.expenses,
                _total(self.expenses),
                note="无预算不支出: spending without a budget line is flagged "
                "(maintenance fund by resolution, remuneration by contract and auto-debits excepted)",
            ),
        ]


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
    entries, community = src.entries, src.community
    if policy is None:
        policy = Policy.of(src)
    if currency is None:
        currencies = src.options.get("operating_currency") or ["CNY"]
        currency = currencies[0]
    labels = account_labels(entries)
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

    owner_cache: dict[str, str] = {}

    def owner(account: str) -> str:
        found = owner_cache.get(account)
        if found is None:
            probe = account
            while probe and probe not in budgeted:
                probe = probe.rpartition(":")[0]
            found = owner_cache[account] = probe or f"{UNBUDGETED}:{account}"
        return found

    year_start = period.year_start

    def aggregate() -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        actual: dict[str, Decimal] = {}
        actual_ytd: dict[str, Decimal] = {}
        for entry in transactions(entries, year_start, period.end):
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

    # the same figures serve the budget report and the audit's budget check (one pass)
    actual, actual_ytd = memo(
        entries,
        ("budget-actuals", frozenset(budgeted), currency, period.start, period.end),
        aggregate,
    )

    def goal(account: str, start: date, end: date) -> Decimal | None:
        value = calculate_budget(budgets, account, start, end).get(currency)
        return None if value is None else fen(value)

    keys = sorted(budgeted | set(actual) | set(actual_ytd))
    for key in keys:
        is_budgeted = key in budgeted
        account = key.split(":", 1)[1] if not is_budgeted else key
        section = "income" if account.startswith("Income") else "expenses"
        budget = goal(key, period.start, period.end) if is_budgeted else None
        budget_ytd = goal(key, year_start, period.end) if is_budgeted else None
        act, act_ytd = actual.get(key), actual_ytd.get(key)
        if act is None and act_ytd is None and budget is None and budget_ytd is None:
            continue
        status = ""
        if section == "expenses":
            if budget is None and (act or ZERO) != 0:
                status = _outside_budget(account, community, period.last_day)
            elif budget is not None and (act or ZERO) > budget:
                status = OVER
        elif budget is not None and (act or ZERO) < budget:
            status = UNDER
        shown = policy.account(account)
        label = policy.text(labels[account]) if account in labels else label_of(shown)
        if not is_budgeted:
            label = "无预算 · " + label
        row = BudgetRow(
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
        )
        (report.income if section == "income" else report.expenses).append(row)
    # budgeted rows first, then the unbudgeted ones (as hledger lists <unbudgeted> last)
    report.income.sort(key=lambda r: (not r.budgeted, r.account))
    report.expenses.sort(key=lambda r: (not r.budgeted, r.account))
    report.income_total = _sum([r.actual for r in report.income])
    report.expense_total = _sum([r.actual for r in report.expenses])
    report.income_total_ytd = _sum([r.actual_ytd for r in report.income])
    report.expense_total_ytd = _sum([r.actual_ytd for r in report.expenses])
    return report
