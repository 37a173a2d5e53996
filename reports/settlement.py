"""The year's settlement (年度决算): income and spending against the budget, surplus or deficit
per fund, and what the owners decided to do with the surplus.

    trustfund report settlement --period 2025 [--format text|html|xlsx|csv] [LEDGER]

Tables, in order (each a :class:`reports.table.Table`, rendered by every renderer):

- ``funds`` 基金收支结余: per fund (common fund, committee working fund, maintenance fund) the
  net assets (assets − liabilities of the fund's accounts) at the start of the year, the year's
  income and spending, the surplus or deficit (income − spending), what came in as equity
  (opening balances booked in the year) and moved between funds, and the net assets at the
  year's end (``closing = opening + surplus + equity + transfers``, exactly). When
  ``close-year`` has booked the year (``#year-close``), its amount is shown beside the surplus
  and a difference is flagged.
- one table per budget part (:data:`reports.budget.PARTS`): each line's budget as adopted (the
  lines in force on 1 January), the changes of the year (追加/调整, by resolution), the final
  budget, the actual, the variance and the share executed, with the part's own total;
- ``projects`` 维修工程: each maintenance project (resolution or emergency) against its budget;
- ``changes`` 预算调整: every change of the adopted budget, with its resolution and whether
  that resolution was decided by then;
- ``dispositions`` 结余处置: each ``tf-disposition`` of the year's surplus of the common fund
  (carry-forward, reserve, refund by area), its resolution, whether it was decided, what has
  been moved under it (payments citing the resolution: to the maintenance fund for a reserve,
  to others for a refund) and what is left undisposed;
- ``refunds`` 按面积退还: each unit's share of a refund by area (the register on the
  disposition's date; to the fen, largest remainder, so the shares add up exactly).

A ledger that no longer holds the year (the new year's ledger after ``close-year``) still has
the surplus ``close-year`` carried (``trustfund-carry-surplus``): the report then shows the funds
from it and the dispositions; the lines need the archive. Owner-facing: accounts, titles and
notes go through the publication policy; nobody's name appears.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import data

from ledger.entries import SURPLUS_CARRY_TYPE, YEAR_CLOSE_TAG, YEAR_OPEN_TAG
from ledger.index import index_of
from reports import budget as budget_report
from reports.common import (
    COMMON,
    FUND_LABELS,
    FUNDS,
    MAINTENANCE,
    ZERO,
    allocate,
    fund_of,
    label_of,
    resolve,
    transactions,
)
from reports.period import Period
from reports.publication import Policy
from reports.table import Column, Report, Row, Table
from trustfund.rules.governance import decision_problem

C = Column

DISPOSITION_LABELS = {
    "carry-forward": "结转下年 carry forward",
    "reserve": "转入储备 reserve",
    "refund-by-area": "按面积退还 refund by area",
}
SURPLUS = "结余 surplus"
DEFICIT = "赤字 deficit"
DIFFERS = "与年度结转不符 differs from the year close"
NOT_DECIDED = "决议未通过 resolution not decided"
OVER = "超出结余 beyond the surplus"


@dataclass
class FundRow(Row):
    fund: str  # "common" | "committee" | "maintenance"
    label: str
    opening: Decimal | None  # net assets on 1 January
    income: Decimal | None
    spending: Decimal | None
    surplus: Decimal  # income − spending
    equity: Decimal | None  # opening balances booked within the year
    transfers: Decimal | None  # moved in from (+) or out to (−) the other funds
    closing: Decimal | None  # net assets on 31 December
    booked: Decimal | None  # the surplus close-year booked (#year-close), or carried
    status: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("label", "基金", "Fund"),
        C("opening", "年初净资产", "Net assets 1 Jan", "money"),
        C("income", "本年收入", "Income", "money"),
        C("spending", "本年支出", "Spending", "money"),
        C("surplus", "结余(赤字)", "Surplus (deficit)", "money"),
        C("equity", "期初入账", "Opening balances booked", "money"),
        C("transfers", "基金间转移", "Transfers between funds", "money"),
        C("closing", "年末净资产", "Net assets 31 Dec", "money"),
        C("booked", "年度结转", "Booked by the year close", "money"),
        C("status", "标记", "Flag"),
    )

    @property
    def flagged(self) -> bool:
        return self.status == DIFFERS


@dataclass
class LineRow(Row):
    part: str
    account: str
    label: str
    adopted: Decimal | None  # the budget as adopted (lines in force on 1 January)
    change: Decimal | None  # 追加/调整 within the year
    budget: Decimal | None  # final budget
    actual: Decimal | None
    variance: Decimal | None
    executed: Decimal | None
    status: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("account", "科目", "Account"),
        C("label", "名称", "Name"),
        C("adopted", "年初预算", "Budget adopted", "money"),
        C("change", "预算调整", "Changes", "money"),
        C("budget", "调整后预算", "Final budget", "money"),
        C("actual", "决算数", "Actual", "money"),
        C("variance", "差异(实际−预算)", "Variance (actual − budget)", "money"),
        C("executed", "执行率", "% executed", "percent"),
        C("status", "标记", "Flag"),
    )

    @property
    def flagged(self) -> bool:
        return self.status in (budget_report.OVER, budget_report.UNBUDGETED_STATUS)


@dataclass
class ChangeRow(Row):
    date: date
    account: str
    label: str
    delta: Decimal
    resolution: str
    status: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "日期", "Date", "date"),
        C("account", "科目", "Account"),
        C("label", "名称", "Name"),
        C("delta", "调整额(全年)", "Change for the year", "money"),
        C("resolution", "决议", "Resolution"),
        C("status", "标记", "Flag"),
    )

    @property
    def flagged(self) -> bool:
        return bool(self.status)


@dataclass
class DispositionRow(Row):
    date: date | None
    kind: str
    label: str
    amount: Decimal
    resolution: str
    moved: Decimal | None  # paid or transferred under the resolution (None: nothing to move)
    status: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "决定日期", "Decided", "date"),
        C("label", "处置方式", "Disposition"),
        C("amount", "金额", "Amount", "money"),
        C("resolution", "决议", "Resolution"),
        C("moved", "已执行", "Moved so far", "money"),
        C("status", "标记", "Flag"),
    )

    @property
    def flagged(self) -> bool:
        return self.status in (NOT_DECIDED, OVER)


@dataclass
class RefundRow(Row):
    unit: str
    area: Decimal
    share: Decimal
    amount: Decimal
    resolution: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("unit", "房号", "Unit"),
        C("area", "面积(m²)", "Area (m²)", "area"),
        C("share", "分摊比例", "Share", "ratio"),
        C("amount", "退还金额", "Refund", "money"),
        C("resolution", "决议", "Resolution"),
    )


@dataclass
class SettlementReport(Report):
    year: int = 0
    held: bool = True  # the ledger holds the year's transactions
    funds: list[FundRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    projects: list[budget_report.ProjectRow] = field(default_factory=list)
    changes: list[ChangeRow] = field(default_factory=list)
    dispositions: list[DispositionRow] = field(default_factory=list)
    refunds: list[RefundRow] = field(default_factory=list)

    def fund(self, name: str) -> FundRow:
        """The row of one fund (KeyError when the report has none)."""
        for row in self.funds:
            if row.fund == name:
                return row
        raise KeyError(name)

    def line(self, account: str) -> LineRow:
        """The line of a (budgeted, or ``<unbudgeted>:``) account."""
        for row in self.lines:
            if row.account == account:
                return row
        raise KeyError(account)

    @property
    def surplus(self) -> Decimal:
        """The common fund's surplus (negative: a deficit)."""
        return next((f.surplus for f in self.funds if f.fund == COMMON), ZERO)

    @property
    def disposed(self) -> Decimal:
        return sum((d.amount for d in self.dispositions), ZERO)

    @property
    def undisposed(self) -> Decimal:
        return abs(self.surplus) - self.disposed

    def tables(self) -> list[Table]:
        tables = [
            Table(
                "funds",
                "基金收支结余",
                "Surplus or deficit per fund",
                FundRow.columns,
                self.funds,
                note="年末净资产 = 年初净资产 + 结余 + 期初入账 + 基金间转移 "
                "(closing = opening + surplus + opening balances + transfers)",
            )
        ]
        for part, (zh, en) in budget_report.PARTS.items():
            rows = [r for r in self.lines if r.part == part]
            if not rows and part not in budget_report.ALWAYS_SHOWN:
                continue
            key = {"common-income": "income", "operating": "spending"}.get(part, part)
            tables.append(Table(key, zh, en, LineRow.columns, rows, _line_total(rows)))
        if self.projects:
            tables.append(
                Table(
                    "projects",
                    "维修工程(按决议)",
                    "Maintenance projects: budget by resolution",
                    budget_report.ProjectRow.columns,
                    self.projects,
                    budget_report._project_total(self.projects),
                )
            )
        tables.append(
            Table(
                "changes",
                "预算调整(追加)",
                "Changes of the adopted budget",
                ChangeRow.columns,
                self.changes,
                {
                    "date": None,
                    "account": "合计 Total",
                    "delta": _sum(c.delta for c in self.changes),
                },
                note="年内1月1日之后的预算行及其依据的业主决议 (a budget line dated within the "
                "year after 1 January, with the owners' resolution it rests on)",
            )
        )
        what = SURPLUS if self.surplus >= 0 else DEFICIT
        tables.append(
            Table(
                "dispositions",
                "结余处置",
                "Disposition of the common fund's surplus",
                DispositionRow.columns,
                self.dispositions,
                {
                    "label": "合计 Total",
                    "amount": self.disposed,
                    "moved": _sum(d.moved for d in self.dispositions),
                },
                note=f"{what.split()[0]} {abs(self.surplus):,.2f}，已处置 {self.disposed:,.2f}，"
                f"未处置 {self.undisposed:,.2f}；业主大会决定结余的用途，已执行为引用该决议的付款 "
                f"({what.split()[1]} {abs(self.surplus):,.2f}, disposed of {self.disposed:,.2f}, "
                f"undisposed {self.undisposed:,.2f}; moved = payments citing the resolution)",
            )
        )
        if self.refunds:
            tables.append(
                Table(
                    "refunds",
                    "按面积退还明细",
                    "Refund by area, per unit",
                    RefundRow.columns,
                    self.refunds,
                    {
                        "unit": "合计 Total",
                        "area": _sum(r.area for r in self.refunds),
                        "amount": _sum(r.amount for r in self.refunds),
                    },
                )
            )
        return tables


def _sum(values: Any) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _line_total(rows: Sequence[LineRow]) -> dict[str, Any]:
    out: dict[str, Any] = {"account": "合计 Total"}
    for key in ("adopted", "change", "budget", "actual"):
        out[key] = _sum(getattr(r, key) for r in rows)
    out["variance"] = out["actual"] - out["budget"]
    out["executed"] = out["actual"] / out["budget"] if out["budget"] else None
    return out


def compute(
    source: Any, period: Period, *, currency: str | None = None, policy: Policy | None = None
) -> SettlementReport:
    """The settlement (决算) of the year ``period`` (a whole year)."""
    if period.kind != "year":
        raise ValueError(f"the settlement (决算) is of a whole year, e.g. 2025, not {period.label}")
    src = resolve(source)
    entries, community = src.entries, src.community
    if policy is None:
        policy = Policy.of(src)
    if currency is None:
        currency = (src.options.get("operating_currency") or ["CNY"])[0]
    year = period.start.year
    report = SettlementReport(
        "settlement",
        "年度决算",
        "Annual settlement (final accounts)",
        period.label,
        period.title,
        src.title,
        year=year,
    )
    budget = budget_report.compute(src, period, currency=currency, policy=policy)
    report.notes.extend(budget.notes)
    report.funds, report.held = _funds(entries, period, currency)
    if not report.held:
        report.notes.append(
            f"账本不含 {year} 年的交易 (this ledger holds no transaction of {year}): the funds "
            f"come from the surplus `close-year` carried; the lines are in the archive's ledger"
        )
    plan = budget_report.year_budget(entries, year, currency)
    for row in budget.income + budget.expenses:
        key = row.account
        adopted = plan.adopted.get(key) if row.budgeted else None
        final = plan.final.get(key) if row.budgeted else None
        change = final - adopted if final is not None and adopted is not None else None
        actual = row.actual
        report.lines.append(
            LineRow(
                row.part,
                row.account,
                row.label,
                adopted,
                change,
                row.budget,
                actual,
                row.variance,
                row.executed,
                row.status,
            )
        )
    report.projects = budget.projects
    for item in plan.changes:
        problems = [decision_problem(community, r, item.date) for r in item.resolutions]
        status = "" if item.resolutions and not all(problems) else NOT_DECIDED
        report.changes.append(
            ChangeRow(
                item.date,
                policy.account(item.account),
                label_of(policy.account(item.account)),
                item.delta,
                ", ".join(item.resolutions),
                status,
            )
        )
    _dispositions(report, src, policy)
    return report


def _funds(
    entries: Sequence[data.Directive], period: Period, currency: str
) -> tuple[list[FundRow], bool]:
    """Per fund: net assets before and at the end of the year, income, spending, equity
    booked and transfers; whether the ledger holds the year; the close-year amounts."""
    flows, seen, held = _year_flows(entries, period, currency)
    opening, closing, income, spending, equity, moved = flows
    booked = _booked(entries, period, currency)
    rows = []
    for fund in FUNDS:
        if fund not in seen and fund not in booked:
            continue
        zh, en = FUND_LABELS[fund]
        if held:
            surplus = income[fund] - spending[fund]
            # the per-fund sum of every posting of the year is what crossed to or from the
            # other funds (a single-fund transaction balances within its fund)
            transfers = moved[fund]
            status = SURPLUS if surplus >= 0 else DEFICIT
            if fund in booked and booked[fund] != surplus:
                status = DIFFERS
            rows.append(
                FundRow(
                    fund,
                    f"{zh} {en}",
                    opening[fund],
                    income[fund],
                    spending[fund],
                    surplus,
                    equity[fund],
                    transfers,
                    closing[fund],
                    booked.get(fund),
                    status,
                )
            )
        elif fund in booked:
            surplus = booked[fund]
            rows.append(
                FundRow(
                    fund,
                    f"{zh} {en}",
                    None,
                    None,
                    None,
                    surplus,
                    None,
                    None,
                    None,
                    surplus,
                    SURPLUS if surplus >= 0 else DEFICIT,
                )
            )
    return rows, held


_Sums = dict[str, Decimal]


def _year_flows(
    entries: Sequence[data.Directive], period: Period, currency: str
) -> tuple[tuple[_Sums, _Sums, _Sums, _Sums, _Sums, _Sums], set[str], bool]:
    """Per fund: opening and closing net assets, income, spending, equity entries and what
    moved (across funds) in the year; the funds seen; whether the ledger holds the year."""
    opening: dict[str, Decimal] = defaultdict(Decimal)
    closing: dict[str, Decimal] = defaultdict(Decimal)
    income: dict[str, Decimal] = defaultdict(Decimal)
    spending: dict[str, Decimal] = defaultdict(Decimal)
    equity: dict[str, Decimal] = defaultdict(Decimal)
    moved: dict[str, Decimal] = defaultdict(Decimal)
    held = False
    seen: set[str] = set()
    for txn in transactions(entries, None, period.end):
        in_year = txn.date >= period.start
        closing_entry = YEAR_CLOSE_TAG in txn.tags
        if in_year and not closing_entry and YEAR_OPEN_TAG not in txn.tags:
            held = True
        for posting in txn.postings:
            units = posting.units
            if units is None or not isinstance(units.number, Decimal):
                continue
            if units.currency != currency:
                continue
            number = units.number
            account = posting.account
            fund = fund_of(account)
            seen.add(fund)
            root = account.split(":", 1)[0]
            if closing_entry:
                continue  # a close of an earlier year: its postings net to zero per fund
            if root in ("Assets", "Liabilities"):
                closing[fund] += number
                if not in_year:
                    opening[fund] += number
            if not in_year:
                continue
            if root == "Income":
                income[fund] -= number
            elif root == "Expenses":
                spending[fund] += number
            elif root == "Equity":
                equity[fund] -= number
            moved[fund] += number
    return (opening, closing, income, spending, equity, moved), seen, held


def _booked(entries: Sequence[data.Directive], period: Period, currency: str) -> _Sums:
    """The year's result per fund as ``close-year`` booked it (its closing entries, dated
    1 January next, or the ``trustfund-carry-surplus`` lines of an archived year)."""
    booked: _Sums = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and YEAR_CLOSE_TAG in entry.tags:
            if str((entry.meta or {}).get("year-close", "")) != period.label:
                continue
            for posting in entry.postings:
                if posting.account.startswith("Equity") and posting.units is not None:
                    fund = fund_of(posting.account)
                    value = posting.units.number
                    if isinstance(value, Decimal) and posting.units.currency == currency:
                        booked[fund] = booked.get(fund, ZERO) - value
        elif isinstance(entry, data.Custom) and entry.type == SURPLUS_CARRY_TYPE:
            values = [v.value for v in entry.values or ()]
            if len(values) >= 3 and str(values[0]) == period.label:
                amount = values[2]
                if getattr(amount, "currency", currency) == currency:
                    booked[str(values[1])] = getattr(amount, "number", amount)
    return booked


def _dispositions(report: SettlementReport, src: Any, policy: Policy) -> None:
    community = src.community
    lines = community.governance.dispositions.get(f"{report.year:04d}", [])
    if not lines:
        return
    payments = index_of(src.entries, community).payments
    moved_by: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for pay in payments:
        for rid in pay.resolutions:
            to_maintenance = any(fund_of(a) == MAINTENANCE for a, _ in pay.debits)
            kind = "reserve" if to_maintenance else "refund-by-area"
            moved_by[(rid, kind)] += pay.outflow
    used = ZERO
    limit = abs(report.surplus) if report.funds else None
    counted: set[tuple[str, str]] = set()
    for line in lines:
        problem = decision_problem(community, line.resolution_id, line.date)
        used += line.amount
        status = ""
        if problem:
            status = NOT_DECIDED
        elif limit is not None and used > limit:
            status = OVER
        key = (line.resolution_id, line.kind)
        moved: Decimal | None = None
        if line.kind != "carry-forward":
            moved = ZERO if key in counted else moved_by.get(key, ZERO)
            counted.add(key)
        report.dispositions.append(
            DispositionRow(
                line.date,
                line.kind,
                DISPOSITION_LABELS[line.kind],
                line.amount,
                line.resolution_id,
                moved,
                status,
            )
        )
        if line.kind == "refund-by-area":
            report.refunds.extend(
                refund_by_area(community, line.amount, line.date, line.resolution_id)
            )


def refund_by_area(
    community: Any, amount: Decimal, day: date, resolution_id: str = ""
) -> list[RefundRow]:
    """``amount`` shared over the units of the register on ``day`` by area, to the fen: each
    unit gets its share rounded down, and the fen left over go one each to the units with the
    largest remainders (ties by unit id), so the shares add up to ``amount`` exactly."""
    register = community.register_at(day)
    total_area = sum((u.area for u in register.values()), ZERO)
    shares = allocate(amount, {room: unit.area for room, unit in register.items()})
    return [
        RefundRow(
            room,
            register[room].area,
            register[room].area / total_area,
            shares[room],
            resolution_id,
        )
        for room in sorted(shares)
    ]
