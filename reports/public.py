"""The public balance (公示) of a month, quarter or year.

``compute(ledger, period)`` returns a :class:`PublicReport`: per fund the opening balance,
income and expense by category and the closing balance (the fund's net assets: its
``Assets``/``Liabilities`` accounts, so closing = opening + income − expense + transfers between
funds + equity entries); the manager's remuneration as the rule computed it; every payment
with its evidence; public-income contracts against receipts; arrears by building without
names (by room when the community publishes "arrears-by-unit"); the maintenance fund per
building (per unit when it publishes "receipts-by-unit"); and the seal of each month.

The report is owner-facing: every payee, narration, account and note goes through the
publication policy (:mod:`reports.publication`): organisations shown, private persons ``赵*``,
signers named in their role when on the roster, phone/ID/card numbers masked, no file locations.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import data
from beancount.core.position import Cost

from ledger.accounts import classify
from ledger.community import Community, Seal, building_of
from ledger.errors import error_code, error_ids
from reports.common import (
    COMMITTEE,
    FUND_LABELS,
    FUNDS,
    ZERO,
    Source,
    account_labels,
    fund_of,
    label_of,
    memo,
    payments_in,
    remuneration_schedule,
    resolve,
    rules_ran,
    transactions,
)
from reports.period import Period
from reports.publication import ARREARS_BY_UNIT, RECEIPTS_BY_UNIT, Policy, describe
from reports.subledgers import maintenance_ledger, receivables
from reports.table import Column, Report, Row, Table
from reports.workpapers import PublicIncomeRow, public_income

C = Column
Day = date


@dataclass
class FundRow(Row):
    fund: str
    name: str
    opening: Decimal
    income: Decimal
    expense: Decimal
    transfers: Decimal
    equity: Decimal
    closing: Decimal
    cash: Decimal
    columns: ClassVar[tuple[Column, ...]] = (
        C("name", "基金", "Fund"),
        C("opening", "期初余额", "Opening", "money"),
        C("income", "本期收入", "Income", "money"),
        C("expense", "本期支出", "Expense", "money"),
        C("transfers", "基金间划转", "Transfers", "money"),
        C("equity", "权益调整", "Equity", "money"),
        C("closing", "期末余额", "Closing", "money"),
        C("cash", "其中银行存款", "of which cash", "money"),
    )


@dataclass
class CategoryRow(Row):
    fund: str
    fund_name: str
    kind: str  # "收入 income" | "支出 expense"
    account: str
    label: str
    amount: Decimal
    columns: ClassVar[tuple[Column, ...]] = (
        C("fund_name", "基金", "Fund"),
        C("kind", "收支", "In/out"),
        C("label", "类别", "Category"),
        C("account", "科目", "Account"),
        C("amount", "金额", "Amount", "money"),
    )


@dataclass
class RemunerationRow(Row):
    month: str
    base: Decimal
    base_kind: str
    rate: Decimal | None
    due: Decimal
    posted: Decimal
    difference: Decimal
    generated: bool
    columns: ClassVar[tuple[Column, ...]] = (
        C("month", "月份", "Month"),
        C("base", "实收基数", "Collected base", "money"),
        C("base_kind", "基数口径", "Base"),
        C("rate", "酬金比例", "Rate", "percent"),
        C("due", "应计酬金", "Due", "money"),
        C("posted", "已入账", "Posted", "money"),
        C("difference", "差额", "Difference", "money"),
        C("generated", "自动生成", "Generated", "bool"),
    )

    @property
    def flagged(self) -> bool:
        return self.difference != 0


@dataclass
class PaymentRow(Row):
    date: Day
    payee: str
    purpose: str
    amount: Decimal
    fund: str
    account: str
    approval: str
    signoffs: str
    basis: str
    invoice: str
    notice_date: Day | None
    large: bool
    location: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "日期", "Date", "date"),
        C("payee", "收款方", "Payee"),
        C("purpose", "用途", "Purpose"),
        C("amount", "金额", "Amount", "money"),
        C("fund", "基金", "Fund"),
        C("account", "科目", "Account"),
        C("approval", "审批单", "Approval"),
        C("signoffs", "签批(角色 日期)", "Sign-offs (role date)"),
        C("basis", "决议/应急", "Resolution/emergency"),
        C("invoice", "发票", "Invoice"),
        C("notice_date", "公示日期", "Notice date", "date"),
        C("large", "大额", "Large", "bool"),
    )


@dataclass
class ArrearsRow(Row):
    building: str
    units: int
    amount: Decimal
    d30: Decimal
    d90: Decimal
    d180: Decimal
    over180: Decimal
    columns: ClassVar[tuple[Column, ...]] = (
        C("building", "楼栋", "Building"),
        C("units", "欠费户数", "Units in arrears", "int"),
        C("amount", "欠费金额", "Amount", "money"),
        C("d30", "≤30天", "≤30 days", "money"),
        C("d90", "31–90天", "31–90 days", "money"),
        C("d180", "91–180天", "91–180 days", "money"),
        C("over180", ">180天", ">180 days", "money"),
    )


@dataclass
class CollectionRow(Row):
    """The period's bills: collected, waived (减免, never collected: DESIGN §3) and the rate."""

    billed: Decimal
    collected_of_period: Decimal
    rate: Decimal | None
    collected_in_period: Decimal
    waived_of_period: Decimal = ZERO
    columns: ClassVar[tuple[Column, ...]] = (
        C("billed", "本期应收", "Billed in period", "money"),
        C("collected_of_period", "本期应收已收", "Of which paid", "money"),
        C("waived_of_period", "本期应收减免", "Of which waived", "money"),
        C("rate", "收缴率", "Collection rate", "percent"),
        C("collected_in_period", "本期实收(含往期)", "Collected in period (all bills)", "money"),
    )


@dataclass
class MaintenanceUnitRow(Row):
    room: str
    area: Decimal
    opening: Decimal
    deposits: Decimal
    costs: Decimal
    interest: Decimal
    balance: Decimal
    first_deposit: Decimal | None
    low: bool
    columns: ClassVar[tuple[Column, ...]] = (
        C("room", "房号", "Room"),
        C("area", "面积(㎡)", "Area (m²)", "area"),
        C("opening", "上年结转", "Brought forward", "money"),
        C("deposits", "缴存", "Deposits", "money"),
        C("costs", "分摊支出", "Costs allocated", "money"),
        C("interest", "利息分配", "Interest share", "money"),
        C("balance", "余额", "Balance", "money"),
        C("first_deposit", "首期缴存", "First deposit", "money"),
        C("low", "低于30%需续筹", "Below 30%", "bool"),
    )

    @property
    def flagged(self) -> bool:
        return self.low


@dataclass
class SealRow(Row):
    month: str
    status: str
    digest: str
    sealed_on: Day | None
    columns: ClassVar[tuple[Column, ...]] = (
        C("month", "月份", "Month"),
        C("status", "状态", "Status"),
        C("digest", "哈希", "Hash"),
        C("sealed_on", "封存日期", "Sealed on", "date"),
    )

    @property
    def flagged(self) -> bool:
        return self.status.startswith(("已变更", "未封存"))


@dataclass
class PublicReport(Report):
    funds: list[FundRow] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)
    remuneration: list[RemunerationRow] = field(default_factory=list)
    payments: list[PaymentRow] = field(default_factory=list)
    contracts: list[PublicIncomeRow] = field(default_factory=list)
    arrears: list[ArrearsRow] = field(default_factory=list)
    collection: CollectionRow = field(default_factory=lambda: CollectionRow(ZERO, ZERO, None, ZERO))
    maintenance_units: list[MaintenanceUnitRow] = field(default_factory=list)
    seals: list[SealRow] = field(default_factory=list)
    arrears_by_unit: bool = False
    maintenance_by_unit: bool = False

    def fund(self, fund: str) -> FundRow:
        """The row of a fund (KeyError when the ledger has no such fund)."""
        for row in self.funds:
            if row.fund == fund:
                return row
        raise KeyError(fund)

    def tables(self) -> list[Table]:
        def total(
            rows: Sequence[Row], keys: Sequence[str], label_key: str, label: str = "合计 Total"
        ) -> dict[str, Any]:
            out: dict[str, Any] = {label_key: label}
            for key in keys:
                out[key] = sum((getattr(r, key) or ZERO for r in rows), ZERO)
            return out

        arrears_keys = ("units", "amount", "d30", "d90", "d180", "over180")
        unit_keys = ("area", "opening", "deposits", "costs", "interest", "balance")
        return [
            Table(
                "funds",
                "基金收支",
                "Fund balances",
                FundRow.columns,
                self.funds,
                note="期末余额 = 期初 + 收入 − 支出 + 划转 + 权益调整 (fund net assets)",
            ),
            Table(
                "categories",
                "收支分类",
                "Income and expense by category",
                CategoryRow.columns,
                self.categories,
            ),
            Table(
                "remuneration",
                "物业酬金",
                "Manager's remuneration",
                RemunerationRow.columns,
                self.remuneration,
                total(self.remuneration, ("base", "due", "posted", "difference"), "month"),
            ),
            Table(
                "payments",
                "支出明细",
                "Payments",
                PaymentRow.columns,
                self.payments,
                total(self.payments, ("amount",), "date"),
            ),
            Table(
                "contracts",
                "公共收益合同",
                "Public-income contracts",
                PublicIncomeRow.columns,
                self.contracts,
                total(self.contracts, ("due", "received", "shortfall"), "id"),
            ),
            Table(
                "arrears",
                "欠费(按房号)" if self.arrears_by_unit else "欠费(按楼栋)",
                "Arrears by unit" if self.arrears_by_unit else "Arrears by building",
                ArrearsRow.columns,
                self.arrears,
                total(self.arrears, arrears_keys, "building"),
            ),
            Table(
                "collection", "收缴率", "Collection rate", CollectionRow.columns, [self.collection]
            ),
            Table(
                "maintenance_units",
                "维修资金分户账" if self.maintenance_by_unit else "维修资金(按楼栋)",
                "Maintenance fund per unit"
                if self.maintenance_by_unit
                else "Maintenance fund per building",
                MaintenanceUnitRow.columns,
                self.maintenance_units,
                total(self.maintenance_units, unit_keys, "room"),
            ),
            Table("seals", "封存状态", "Seals", SealRow.columns, self.seals),
        ]


# ---------------------------------------------------------------------------------------


def _weight(posting: data.Posting) -> Decimal | None:
    units = posting.units
    if units is None or units.number is None:
        return None
    if posting.cost is None and posting.price is None:
        return units.number
    cost = posting.cost
    if isinstance(cost, Cost) and cost.number is not None:
        return units.number * cost.number
    if posting.price is not None and posting.price.number is not None:
        return units.number * posting.price.number
    return units.number


def contract_rows(
    entries: Sequence[data.Directive],
    community: Community,
    start: date,
    end: date,
    policy: Policy | None = None,
) -> list[PublicIncomeRow]:
    """Public income against its contracts: due in the period and received, as the special
    audit's C01 and the TF105 rule read them (:func:`reports.workpapers.public_income`),
    through the publication policy when one is given."""
    rows = public_income(entries, community, start, end).contracts
    if policy is None:
        return rows
    return [
        replace(
            row,
            counterparty=policy.party(row.counterparty, community.contracts[row.contract].start),
            account=policy.account(row.account),
            location="",
        )
        for row in rows
    ]


#: Per fund: opening and closing net assets; per (fund, account): income and expenses; per
#: fund: transfers, equity entries and cash (:func:`fund_flows`).
FundFlows = tuple[
    dict[str, Decimal],
    dict[str, Decimal],
    dict[tuple[str, str], Decimal],
    dict[tuple[str, str], Decimal],
    dict[str, Decimal],
    dict[str, Decimal],
    dict[str, Decimal],
]


def fund_flows(entries: Sequence[data.Directive], start: date, end: date) -> FundFlows:
    """One pass: opening and closing net assets, income and expense per account, transfers,
    equity entries and cash, per fund (once per entries and period: :mod:`reports.series`
    computes many periods in one pass)."""
    return memo(entries, ("fund-flows", start, end), lambda: _fund_flows(entries, start, end))


def _fund_flows(entries: Sequence[data.Directive], start: date, end: date) -> FundFlows:
    assets, cash, income, expense, transfers, equity = interval_flows(entries, [start, end])
    closing, cash_end = dict(assets[0]), dict(cash[0])
    add_into(closing, assets[1])
    add_into(cash_end, cash[1])
    return assets[0], closing, income[1], expense[1], transfers[1], equity[1], cash_end


Flows = list[dict[str, Decimal]]
AccountFlows = list[dict[tuple[str, str], Decimal]]


def interval_flows(
    entries: Sequence[data.Directive], bounds: Sequence[date]
) -> tuple[Flows, Flows, AccountFlows, AccountFlows, Flows, Flows]:
    """One pass over the transactions before ``bounds[-1]``, summed per interval between
    consecutive boundaries (interval 0 is everything before ``bounds[0]``): per fund, the
    change of net assets (assets + liabilities) and of cash; per (fund, account), income and
    expense; per fund, transfers between funds and equity entries."""
    count = len(bounds) + 1
    assets: Flows = [{} for _ in range(count)]
    cash: Flows = [{} for _ in range(count)]
    income: AccountFlows = [{} for _ in range(count)]
    expense: AccountFlows = [{} for _ in range(count)]
    transfers: Flows = [{} for _ in range(count)]
    equity: Flows = [{} for _ in range(count)]
    kinds: dict[str, tuple[str, str, bool]] = {}
    for entry in transactions(entries, None, bounds[-1]):
        slot = bisect.bisect_right(bounds, entry.date)  # interval [bounds[slot-1], bounds[slot])
        sums: dict[str, Decimal] = {}
        for posting in entry.postings:
            number = _weight(posting)
            if number is None:
                continue
            account = posting.account
            kind = kinds.get(account)
            if kind is None:
                kind = kinds[account] = (
                    fund_of(account),
                    account.split(":", 1)[0],
                    classify(account).is_owners_cash,
                )
            fund, root, is_cash = kind
            if root == "Assets" or root == "Liabilities":
                bucket = assets[slot]
                bucket[fund] = bucket.get(fund, ZERO) + number
                if is_cash:
                    bucket = cash[slot]
                    bucket[fund] = bucket.get(fund, ZERO) + number
            sums[fund] = sums.get(fund, ZERO) + number
            if root == "Income":
                key = (fund, account)
                income[slot][key] = income[slot].get(key, ZERO) - number
            elif root == "Expenses":
                key = (fund, account)
                expense[slot][key] = expense[slot].get(key, ZERO) + number
            elif root == "Equity":
                equity[slot][fund] = equity[slot].get(fund, ZERO) - number
        for fund, total in sums.items():  # non-zero only when the entry crosses funds
            if total:
                transfers[slot][fund] = transfers[slot].get(fund, ZERO) + total
    return assets, cash, income, expense, transfers, equity


def add_into(target: dict[Any, Decimal], source: dict[Any, Decimal]) -> None:
    for key, value in source.items():
        target[key] = target.get(key, ZERO) + value


def seal_rows(
    src: Source, period: Period, rule_errors: Sequence[Any] | None = None
) -> list[SealRow]:
    """Each month of the period: sealed (with its hash and day of sealing), changed, not sealed, open.

    Whether a seal still holds is the TF501 rule's decision: its errors from the load when the
    ledger runs the trust plugins, otherwise ``ledger.seal.seal_status`` recomputes the chain.
    """
    community = src.community
    errors = list(src.errors if rule_errors is None else rule_errors)
    plugins_ran = rules_ran(src.options)
    changed: set[str] = set()
    months = [m.label for m in period.months()]
    latest: dict[str, Seal] = {}
    for seal in community.seals:
        latest[seal.period] = seal
    for error in errors:
        if error_code(error) == "TF501":
            changed.update(error_ids(error, "period"))
    if not plugins_ran and rule_errors is None and any(label in latest for label in months):
        from ledger.seal import seal_status

        statuses = memo(
            src.entries, ("seals", id(community)), lambda: seal_status(src.entries, community)
        )
        changed.update(s.period for s in statuses if not s.ok)
    rows = []
    last = community.last_date
    for month in period.months():
        found = latest.get(month.label)
        sealed_on = found.date if found else None
        if found is not None:
            value = (found.meta or {}).get("sealed-on")
            if isinstance(value, date):
                sealed_on = value
            elif isinstance(value, str):
                with contextlib.suppress(ValueError):
                    sealed_on = date.fromisoformat(value)
        if month.label in changed:
            status = "已变更 changed after sealing"
        elif found is not None:
            status = "已封存 sealed"
        elif last is not None and month.end <= last:
            status = "未封存 not sealed"
        else:
            status = "未结 open"
        rows.append(SealRow(month.label, status, found.digest if found else "", sealed_on))
    return rows


def compute(
    source: Any,
    period: Period,
    *,
    community: Community | None = None,
    policy: Policy | None = None,
) -> PublicReport:
    """The public balance of ``period`` from a loaded ledger (or its entries), as published."""
    src = resolve(source, community)
    entries, community = src.entries, src.community
    if policy is None:
        policy = Policy.of(src)
    report = PublicReport("public", "公示", "Public balance", period.label, period.title, src.title)
    _funds(report, entries, period, policy)
    _remuneration(report, entries, community, period)
    _payments(report, entries, community, period, policy)
    report.contracts = contract_rows(entries, community, period.start, period.end, policy)
    _arrears(report, entries, period, policy)
    _maintenance_units(report, entries, community, period, policy)
    report.seals = seal_rows(src, period)
    report.notes = [policy.message(n) for n in report.notes]
    return report


def _funds(
    report: PublicReport, entries: Sequence[data.Directive], period: Period, policy: Policy
) -> None:
    """Each fund's opening, income, expense and closing, and its income and expense by account."""
    labels = {a: policy.text(v) for a, v in account_labels(entries).items()}
    opening, closing, income, expense, transfers, equity, cash = fund_flows(
        entries, period.start, period.end
    )
    present = set(opening) | set(closing) | {f for f, _ in income} | {f for f, _ in expense}
    for fund in FUNDS:
        if fund == COMMITTEE and fund not in present:
            continue
        zh, en = FUND_LABELS[fund]
        inc = sum((v for (f, _), v in income.items() if f == fund), ZERO)
        exp = sum((v for (f, _), v in expense.items() if f == fund), ZERO)
        report.funds.append(
            FundRow(
                fund,
                f"{zh} {en}",
                opening.get(fund, ZERO),
                inc,
                exp,
                transfers.get(fund, ZERO),
                equity.get(fund, ZERO),
                closing.get(fund, ZERO),
                cash.get(fund, ZERO),
            )
        )
        for kind, flows in (("收入 income", income), ("支出 expense", expense)):
            for (f, account), amount in sorted(flows.items()):
                if f == fund and amount:
                    report.categories.append(
                        CategoryRow(
                            fund,
                            zh,
                            kind,
                            policy.account(account),
                            labels.get(account) or label_of(policy.account(account)),
                            amount,
                        )
                    )


def _remuneration(
    report: PublicReport, entries: Sequence[data.Directive], community: Community, period: Period
) -> None:
    """The remuneration of each month of the period, as the rule computes it."""
    schedule = remuneration_schedule(entries, community)
    if schedule is None:
        report.notes.append("酬金计算模块不可用 remuneration schedule not available")
    else:
        months = {m.label for m in period.months()}
        for item in schedule:
            if item.month in months:
                report.remuneration.append(
                    RemunerationRow(
                        item.month,
                        item.base,
                        item.base_kind,
                        item.rate,
                        item.due,
                        item.posted,
                        getattr(item, "difference", item.posted - item.due),
                        item.generated,
                    )
                )


def _payments(
    report: PublicReport,
    entries: Sequence[data.Directive],
    community: Community,
    period: Period,
    policy: Policy,
) -> None:
    """Every payment of the period with its evidence, through the publication policy."""
    for pay in payments_in(entries, community, period.start, period.end):
        basis = pay.resolution or (f"应急 {pay.emergency}" if pay.emergency else "")
        if pay.auto_debit and not basis:
            basis = "自动扣款 auto-debit"
        elif pay.remuneration and not pay.approvals and not basis:
            basis = "酬金 remuneration"
        private = policy.is_private_party(pay.payee)
        report.payments.append(
            PaymentRow(
                pay.date,
                policy.party(pay.payee, pay.date),
                describe(pay.entry, policy) if private else policy.text(pay.narration),
                pay.amount,
                FUND_LABELS.get(pay.fund, (pay.fund, ""))[0],
                ", ".join(policy.account(a) for a in pay.accounts),
                ", ".join(pay.approvals),
                policy.signoffs(pay.approvals),
                policy.text(basis),
                policy.meta_value("invoice", pay.invoice) if pay.invoice else "",
                pay.notice_date,
                pay.large,
                "",
            )
        )


def _arrears(
    report: PublicReport, entries: Sequence[data.Directive], period: Period, policy: Policy
) -> None:
    """Arrears aged by building (or unit, when published so) and the collection of the period."""
    rec = receivables(entries, period.start, period.end)
    by_building: dict[str, ArrearsRow] = {}
    report.arrears_by_unit = policy.publishes(ARREARS_BY_UNIT, period.last_day)
    for room, state in rec.units.items():
        outstanding = state.outstanding
        if outstanding <= 0:
            continue
        building = room if report.arrears_by_unit else building_of(room)
        row = by_building.get(building)
        if row is None:
            row = by_building[building] = ArrearsRow(building, 0, ZERO, ZERO, ZERO, ZERO, ZERO)
        row.units += 1
        row.amount += outstanding
        for key, value in state.aging(period.last_day).items():
            setattr(row, key, getattr(row, key) + value)
    report.arrears = [
        by_building[b]
        for b in sorted(by_building, key=_room_key if report.arrears_by_unit else _building_key)
    ]
    report.collection = CollectionRow(
        rec.billed_in_period,
        rec.collected_of_period,
        rec.collection_rate,
        rec.collected_in_period,
        rec.waived_of_period,
    )


def _maintenance_units(
    report: PublicReport,
    entries: Sequence[data.Directive],
    community: Community,
    period: Period,
    policy: Policy,
) -> None:
    """The maintenance fund per unit (or per building, unless published by unit)."""
    ledger = maintenance_ledger(entries, community, period.end)
    rooms = sorted(set(ledger.units) | set(community.register_at(period.last_day)), key=_room_key)
    for room in rooms:
        unit_fund = ledger.units.get(room)
        unit = community.unit_at(room, period.last_day)
        area = unit.area if unit is not None else (unit_fund.area if unit_fund else ZERO)
        if unit_fund is None:
            report.maintenance_units.append(
                MaintenanceUnitRow(room, area, ZERO, ZERO, ZERO, ZERO, ZERO, None, False)
            )
        else:
            report.maintenance_units.append(
                MaintenanceUnitRow(
                    room,
                    area,
                    unit_fund.opening,
                    unit_fund.deposits,
                    unit_fund.costs,
                    unit_fund.interest,
                    unit_fund.balance,
                    unit_fund.first_deposit,
                    unit_fund.low,
                )
            )

    report.maintenance_by_unit = policy.publishes(RECEIPTS_BY_UNIT, period.last_day)
    if not report.maintenance_by_unit:
        report.maintenance_units = _by_building(report.maintenance_units)


def _by_building(rows: Sequence[MaintenanceUnitRow]) -> list[MaintenanceUnitRow]:
    """Per-unit maintenance sub-accounts summed by building (payments by room stay private)."""
    totals: dict[str, MaintenanceUnitRow] = {}
    counts: dict[str, int] = {}
    for row in rows:
        building = building_of(row.room)
        total = totals.get(building)
        if total is None:
            total = totals[building] = MaintenanceUnitRow(
                building, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, None, False
            )
            counts[building] = 0
        counts[building] += 1
        total.area += row.area
        total.opening += row.opening
        total.deposits += row.deposits
        total.costs += row.costs
        total.interest += row.interest
        total.balance += row.balance
        if row.first_deposit is not None:
            total.first_deposit = (total.first_deposit or ZERO) + row.first_deposit
    out = []
    for building in sorted(totals, key=_building_key):
        row = totals[building]
        row.room = f"{building}号楼 ({counts[building]}户)"
        first = row.first_deposit
        row.low = first is not None and first > 0 and row.balance < first * Decimal("0.3")
        out.append(row)
    return out


def _building_key(building: str) -> tuple[int, str]:
    return (int(building), "") if building.isdigit() else (10**9, building)


def _room_key(room: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (10**9, p) for p in room.split("-"))
