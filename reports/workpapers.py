"""The special audit's working papers (审计工作底稿): pure functions over loaded entries.

Each returns typed rows (:class:`reports.table.Row`) an auditor re-performs by hand:

- :func:`billing` — billing completeness by month: the unit register × area × the
  ``tf-fee "property"`` rate against the bills posted (DESIGN.md §3, TF108);
- :func:`waivers` — every waiver or write-off (the part of a credit to
  ``Assets:Receivable:Fees`` not settled by cash or prepayment, TF107) with its approvals;
- :func:`ageing` and :func:`unit_receivables` — arrears by age on a day, and per unit the
  opening balance, bills, collections (实收, never counting waivers), waivers and closing;
- :func:`expense_contracts` — payments under each expense contract by period against the
  contracted amount (TF311);
- :func:`public_income` — public income by contract, matched on the counterparty, and the
  receipts no contract covers (TF105);
- :func:`projects` — maintenance-fund projects: voted budget, contract, paid, acceptance and
  retention (TF406);
- :func:`interest_rows` — the fund's interest split over the units by 积数 (balance × days).

Nothing here judges a rule: the rules decide (their errors carry the verdict); these papers
show the figures behind it. Pure: no I/O, no reloading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from beancount.core import data

from ledger.accounts import classify, under
from ledger.community import Community, Contract
from ledger.entries import meta_str, month_of
from ledger.errors import location
from ledger.index import Payment, PublicReceipt
from reports.common import ZERO, fen, ledger_index
from reports.period import Period
from reports.subledgers import (
    MaintenanceLedger,
    ReceivablesReplay,
    UnitArrears,
    receivables,
    replay_receivables,
)
from reports.table import Column, Row

C = Column
Day = date
LIST_LIMIT = 12  # units named in one row; the rest are counted


def _names(rooms: Iterable[str]) -> str:
    rooms = sorted(rooms, key=room_key)
    shown = ", ".join(rooms[:LIST_LIMIT])
    return shown + (f" … (+{len(rooms) - LIST_LIMIT})" if len(rooms) > LIST_LIMIT else "")


def room_key(room: str) -> tuple:
    """Sort ``2-1-1001`` after ``2-1-201``: numeric parts as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in room.split("-"))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# ---------------------------------------------------------------------------------------
# Billing completeness (TF108)


@dataclass
class BillingMonth(Row):
    """One month's bills against the fee standard: area × rate per unit, to the fen."""

    month: str
    standard: str
    units_due: int
    units_billed: int
    due: Decimal
    billed: Decimal
    missing: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    at_stake: Decimal = ZERO  # the sum of each unit's |billed - due|
    location: str = ""  # the tf-fee in force
    columns: ClassVar[tuple[Column, ...]] = (
        C("month", "月份", "Month"),
        C("standard", "收费标准", "Fee standard"),
        C("units_due", "应出账户数", "Units due", "int"),
        C("units_billed", "已出账户数", "Units billed", "int"),
        C("due", "应收(标准)", "Due by standard", "money"),
        C("billed", "已出账", "Billed", "money"),
        C("difference", "差额", "Difference", "money"),
        C("at_stake", "涉及金额", "At stake", "money"),
        C("detail", "明细", "Units"),
    )

    @property
    def difference(self) -> Decimal:
        return self.billed - self.due

    @property
    def detail(self) -> str:
        parts = []
        for label, rooms in (
            ("漏出账 missing", self.missing),
            ("少出账 short", self.short),
            ("多出账 extra", self.extra),
        ):
            if rooms:
                parts.append(f"{label}: {_names(rooms)}")
        return "; ".join(parts)

    @property
    def flagged(self) -> bool:
        return self.at_stake != 0


def billing(
    entries: Sequence[data.Directive], community: Community, period: Period, last: date | None
) -> list[BillingMonth]:
    """The months of ``period`` that began with a ``tf-fee "property"`` in force and ended
    before the ledger's last entry ``last`` (as TF108 judges them): each unit's bills (its debits
    to ``Assets:Receivable:Fees`` in the month's transactions crediting
    ``Income:Fees:Property``) against area × rate of the register on the month's first day."""
    months = [
        m
        for m in period.months()
        if last is not None and m.end <= last and community.fee_at("property", m.start)
    ]
    if not months:
        return []
    bills = ledger_index(entries, community).bills
    rows = []
    for month in months:
        fee = community.fee_at("property", month.start)
        assert fee is not None
        due = {
            room: fen(unit.area * fee.rate) if fee.basis == "m2-month" else fen(fee.rate)
            for room, unit in community.register_at(month.start).items()
        }
        billed = {room or NO_UNIT: n for room, n in bills.get(month.label, {}).items()}
        row = BillingMonth(
            month.label,
            f"{fee.rate} {fee.currency}/{fee.basis}",
            len(due),
            len(billed),
            sum(due.values(), ZERO),
            sum(billed.values(), ZERO),
            location=location(fee.meta),
        )
        for room in set(due) | set(billed):
            want, got = due.get(room, ZERO), billed.get(room, ZERO)
            if want == got:
                continue
            row.at_stake += abs(got - want)
            if room not in billed:
                row.missing.append(room)
            elif got < want:
                row.short.append(room)
            else:
                row.extra.append(room)
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------
# Waivers and write-offs (TF107)


@dataclass
class WaiverRow(Row):
    """A waiver or write-off: receivable credited without cash or prepayment."""

    date: date
    units: str
    narration: str
    amount: Decimal
    approvals: str
    signoffs: str
    location: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "日期", "Date", "date"),
        C("units", "房号", "Units"),
        C("narration", "摘要", "Narration"),
        C("amount", "减免/核销", "Waived", "money"),
        C("approvals", "审批", "Approval"),
        C("signoffs", "签署", "Sign-offs"),
        C("location", "位置", "file:line"),
    )

    @property
    def flagged(self) -> bool:
        return not self.approvals


def waivers(
    entries: Sequence[data.Directive], community: Community, start: date, end: date
) -> list[WaiverRow]:
    """Every waiver or write-off of the index (:class:`ledger.index.Waiver`) in ``[start, end)``:
    the part of a credit to ``Assets:Receivable:Fees`` not settled by cash or prepayment, with
    the approvals it cites and their sign-offs as of its day."""
    rows = []
    for waiver in ledger_index(entries, community).waivers:
        if not start <= waiver.date < end:
            continue
        txn = waiver.txn
        rows.append(
            WaiverRow(
                waiver.date,
                _names(waiver.units),
                " ".join(x for x in (txn.payee or "", txn.narration or "") if x).strip(),
                waiver.amount,
                ", ".join(waiver.approvals),
                signoff_text(community, waiver.approvals, waiver.date),
                location(txn.meta),
            )
        )
    return rows


def signoff_text(community: Community, approval_ids: Sequence[str], day: date) -> str:
    """``AP-1: committee 李四 2025-03-03, manager 王五 2025-03-04 (300.00)`` for each approval."""
    parts = []
    for aid in approval_ids:
        approval = community.approvals.get(aid)
        if approval is None:
            parts.append(f"{aid}: 未找到 unknown")
            continue
        latest = approval.latest_by_role(day)
        roles = ", ".join(
            f"{role} {s.name} {s.date.isoformat()}" for role, s in sorted(latest.items())
        )
        amount = approval.amount(day)
        parts.append(f"{aid}: {roles or '—'}" + (f" ({amount})" if amount is not None else ""))
    return " | ".join(parts)


# ---------------------------------------------------------------------------------------
# Receivables: ageing and per unit


@dataclass
class AgeingRow(Row):
    room: str
    outstanding: Decimal
    d30: Decimal
    d90: Decimal
    d180: Decimal
    over180: Decimal
    oldest: date | None
    columns: ClassVar[tuple[Column, ...]] = (
        C("room", "房号", "Unit"),
        C("outstanding", "欠费", "Outstanding", "money"),
        C("d30", "30天内", "≤30 days", "money"),
        C("d90", "31-90天", "31–90 days", "money"),
        C("d180", "91-180天", "91–180 days", "money"),
        C("over180", "180天以上", ">180 days", "money"),
        C("oldest", "最早欠费", "Oldest bill", "date"),
    )

    @property
    def flagged(self) -> bool:
        return self.over180 > 0


def ageing(
    entries: Sequence[data.Directive], as_of: date, units: dict[str, UnitArrears] | None = None
) -> list[AgeingRow]:
    """Each unit's open bills on ``as_of`` (bills and settlements dated up to it), by age;
    ``units``: their states at the end of ``as_of`` when the caller has them (a replay to it)."""
    if units is None:
        units = receivables(entries, as_of, as_of + timedelta(days=1)).units
    rows = []
    for room in sorted(units, key=room_key):
        unit = units[room]
        if unit.outstanding <= 0:
            continue
        buckets = unit.aging(as_of, today=as_of)  # as_of is already the earlier of the two
        rows.append(
            AgeingRow(
                room,
                unit.outstanding,
                buckets["d30"],
                buckets["d90"],
                buckets["d180"],
                buckets["over180"],
                unit.oldest(),
            )
        )
    return rows


@dataclass
class UnitReceivableRow(Row):
    """One unit's fee account for the period: opening + billed − collected − waived = closing."""

    room: str
    area: Decimal | None
    opening: Decimal = ZERO
    billed: Decimal = ZERO
    collected: Decimal = ZERO
    waived: Decimal = ZERO
    columns: ClassVar[tuple[Column, ...]] = (
        C("room", "房号", "Unit"),
        C("area", "面积", "Area m²", "area"),
        C("opening", "期初应收", "Opening", "money"),
        C("billed", "本期应收", "Billed", "money"),
        C("collected", "本期实收", "Collected", "money"),
        C("waived", "减免核销", "Waived", "money"),
        C("closing", "期末应收", "Closing", "money"),
    )

    @property
    def closing(self) -> Decimal:
        return self.opening + self.billed - self.collected - self.waived

    @property
    def flagged(self) -> bool:
        return self.closing < 0


NO_UNIT = "(无房号 no unit)"


def unit_receivables(
    entries: Sequence[data.Directive],
    community: Community,
    start: date,
    end: date,
    replay: ReceivablesReplay | None = None,
) -> list[UnitReceivableRow]:
    """Per unit, ``Assets:Receivable:Fees`` before ``start`` and in ``[start, end)``.

    Credits split into collected and waived (:func:`reports.common.waived`; in
    proportion to each unit's credit when one transaction credits several units); movements
    without ``unit:`` are one row of their own, so the rows add up to the account.
    ``replay``: :func:`reports.subledgers.replay_receivables` of the same span with ``flows``,
    when the caller has it.
    """
    if replay is None:
        replay = replay_receivables(entries, start, end, flows=True)
    assert replay.flows is not None
    register = community.register_at(end - timedelta(days=1))
    rows: dict[str, UnitReceivableRow] = {}
    for unit, (before, billed, collected, waived_) in replay.flows.items():
        room = unit or NO_UNIT
        found = register.get(room)
        rows[room] = UnitReceivableRow(
            room, found.area if found else None, before, billed, collected, waived_
        )
    return [rows[r] for r in sorted(rows, key=lambda r: (r == NO_UNIT, room_key(r)))]


# ---------------------------------------------------------------------------------------
# Contracts: expense payments by period (TF311), public income by counterparty (TF105)


def period_label(contract: Contract, day: date) -> str:
    """The contract period a day falls in: the month, quarter, year, or the whole term."""
    if contract.frequency == "monthly":
        return month_of(day)
    if contract.frequency == "quarterly":
        return f"{day.year}-Q{(day.month + 2) // 3}"
    if contract.frequency == "yearly":
        return str(day.year)
    return "全期 term"


def contract_periods(contract: Contract, start: date, end: date) -> list[tuple[str, date]]:
    """(label, first day) of the contract's periods that begin in ``[start, end)`` within its term."""
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}.get(contract.frequency)
    if step is None:  # once: one period, the whole term, due when it starts
        return [(period_label(contract, contract.start), contract.start)]
    day = date(contract.start.year, contract.start.month, 1)
    if step == 3:
        day = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif step == 12:
        day = date(day.year, 1, 1)
    out = []
    while day <= contract.end and day < end:
        if day >= start or _add_months(day, step) > start:
            out.append((period_label(contract, day), day))
        day = _add_months(day, step)
    return out


@dataclass
class ContractPeriodRow(Row):
    contract: str
    counterparty: str
    account: str
    frequency: str
    period: str
    amount: Decimal
    paid: Decimal
    payments: int
    location: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("contract", "合同", "Contract"),
        C("counterparty", "相对方", "Counterparty"),
        C("account", "科目", "Account"),
        C("frequency", "频率", "Frequency"),
        C("period", "期间", "Period"),
        C("amount", "合同金额", "Contracted", "money"),
        C("paid", "已付", "Paid", "money"),
        C("excess", "超付", "Excess", "money"),
        C("payments", "笔数", "Payments", "int"),
    )

    @property
    def excess(self) -> Decimal:
        return max(self.paid - self.amount, ZERO)

    @property
    def flagged(self) -> bool:
        return self.excess > 0


def contract_charge(pay: Payment, contract: Contract) -> Decimal | None:
    """What a payment counts against ``contract`` (DESIGN.md §3, TF311), or None when it is not
    under it: under a contract when it cites its id, or pays its counterparty on its account
    while it is in force; it counts its debit to the contract's account (the whole payment when
    it cites the contract and debits none)."""
    cited = contract.id in pay.contracts
    debit = pay.debit_to(contract.account)
    if not cited:
        in_force = contract.start <= pay.date <= contract.end
        if not (in_force and debit > 0 and pay.payee == contract.counterparty):
            return None
    if debit > 0:
        return debit
    return pay.outflow if cited else None


def expense_contracts(
    entries: Sequence[data.Directive], community: Community, start: date, end: date
) -> list[ContractPeriodRow]:
    """Each expense contract's periods that begin in ``[start, end)``: contracted against paid.

    "once" contracts show everything paid under them up to ``end``.
    """
    contracts = [
        c
        for c in community.contracts.values()
        if classify(c.account).is_expense and c.start < end and c.end >= start
    ]
    if not contracts:
        return []
    paid: dict[tuple[str, str], list[Decimal]] = {}
    for pay in ledger_index(entries, community).payments_between(None, end):
        for contract in contracts:
            charge = contract_charge(pay, contract)
            if charge is None:
                continue
            slot = paid.setdefault((contract.id, period_label(contract, pay.date)), [])
            slot.append(charge)
    rows = []
    for contract in sorted(contracts, key=lambda c: c.id):
        for label, _ in contract_periods(contract, start, end):
            charges = paid.get((contract.id, label), [])
            rows.append(
                ContractPeriodRow(
                    contract.id,
                    contract.counterparty,
                    contract.account,
                    contract.frequency,
                    label,
                    contract.amount,
                    sum(charges, ZERO),
                    len(charges),
                    location(contract.meta),
                )
            )
    return rows


@dataclass
class PublicIncomeRow(Row):
    contract: str
    counterparty: str
    account: str
    term: str
    frequency: str
    due: Decimal
    received: Decimal
    location: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("contract", "合同", "Contract"),
        C("counterparty", "相对方", "Counterparty"),
        C("account", "科目", "Account"),
        C("term", "期限", "Term"),
        C("frequency", "频率", "Frequency"),
        C("due", "应收", "Due", "money"),
        C("received", "实收", "Received", "money"),
        C("shortfall", "欠收", "Shortfall", "money"),
    )

    @property
    def shortfall(self) -> Decimal:
        return max(self.due - self.received, ZERO)

    @property
    def flagged(self) -> bool:
        return self.shortfall > 0


@dataclass
class ReceiptRow(Row):
    """A public-income receipt no contract in force covers."""

    date: date
    payer: str
    account: str
    amount: Decimal
    basis: str  # "" (none), "resolution R-1", "no contract names the account"
    location: str
    judged: bool  # a contract names the account, so the receipt needs one (TF105)
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "日期", "Date", "date"),
        C("payer", "付款方", "Payer"),
        C("account", "科目", "Account"),
        C("amount", "金额", "Amount", "money"),
        C("basis_text", "依据", "Basis"),
        C("location", "位置", "file:line"),
    )

    @property
    def basis_text(self) -> str:
        if self.basis:
            return self.basis
        return (
            "无合同 no contract in force" if self.judged else "账户无合同 account under no contract"
        )

    @property
    def flagged(self) -> bool:
        return self.judged and not self.basis


@dataclass
class PublicIncome:
    contracts: list[PublicIncomeRow]
    uncontracted: list[ReceiptRow]


def public_income(
    entries: Sequence[data.Directive],
    community: Community,
    start: date,
    end: date,
    passed: Iterable[str] = (),
) -> PublicIncome:
    """The index's public receipts in ``[start, end)`` matched to contracts (DESIGN.md §3,
    TF105): a credit counts for a contract on its account in force on its date whose
    counterparty is the payer, or that it cites (``contract:``). Receipts citing a resolution in
    ``passed`` are listed with it as their basis; receipts on accounts no contract names are
    listed as not judged. Due: the contract amount for each period beginning in the range."""
    passed = set(passed)
    contracts = [c for c in community.contracts.values() if classify(c.account).is_public_income]
    received: dict[str, Decimal] = {}
    extra: list[ReceiptRow] = []
    for receipt in ledger_index(entries, community).public_receipts:
        if not start <= receipt.date < end:
            continue
        for account, amount in receipt.credits:
            match = _income_contract(receipt, account, contracts)
            if match is not None:
                received[match.id] = received.get(match.id, ZERO) + amount
                continue
            resolutions = [r for r in receipt.resolutions if r in passed]
            extra.append(
                ReceiptRow(
                    receipt.date,
                    receipt.payee,
                    account,
                    amount,
                    f"决议 resolution {', '.join(resolutions)}" if resolutions else "",
                    location(receipt.txn.meta),
                    any(under(account, c.account) for c in contracts),
                )
            )
    rows = []
    for contract in sorted(contracts, key=lambda c: (c.start, c.id)):
        periods = [p for p in contract_periods(contract, start, end) if start <= p[1] < end]
        if not periods and contract.id not in received:
            continue
        rows.append(
            PublicIncomeRow(
                contract.id,
                contract.counterparty,
                contract.account,
                f"{contract.start.isoformat()} – {contract.end.isoformat()}",
                contract.frequency,
                contract.amount * len(periods),
                received.get(contract.id, ZERO),
                location(contract.meta),
            )
        )
    return PublicIncome(rows, extra)


def _income_contract(
    receipt: PublicReceipt, account: str, contracts: Sequence[Contract]
) -> Contract | None:
    for contract in contracts:
        if not under(account, contract.account):
            continue
        if contract.id in receipt.contracts:
            return contract
        in_force = contract.start <= receipt.date <= contract.end
        if in_force and receipt.payee == contract.counterparty:
            return contract
    return None


# ---------------------------------------------------------------------------------------
# Maintenance-fund projects (TF406)


@dataclass
class ProjectRow(Row):
    """A maintenance-fund project: the resolution (or emergency) its payments cite."""

    project: str
    title: str
    scope: str
    budget: Decimal | None
    contracts: str
    contract_amount: Decimal | None
    paid_before: Decimal
    paid_in_period: Decimal
    acceptance: str
    acceptance_date: date | None
    retention_paid: Decimal  # paid after the acceptance (质保金 released)
    location: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("project", "项目依据", "Resolution / emergency"),
        C("title", "名称", "Title"),
        C("scope", "范围", "Scope"),
        C("budget", "表决预算", "Voted budget", "money"),
        C("contracts", "合同", "Contract"),
        C("contract_amount", "合同金额", "Contracted", "money"),
        C("paid_before", "以前已付", "Paid before", "money"),
        C("paid_in_period", "本期支付", "Paid in period", "money"),
        C("paid", "累计支付", "Paid to date", "money"),
        C("over_budget", "超预算", "Over budget", "money"),
        C("acceptance", "验收", "Acceptance"),
        C("acceptance_date", "验收付款日", "Accepted on", "date"),
        C("retention_held", "质保金未付", "Retention held", "money"),
        C("retention_paid", "质保金已付", "Retention paid", "money"),
    )

    @property
    def paid(self) -> Decimal:
        return self.paid_before + self.paid_in_period

    @property
    def over_budget(self) -> Decimal:
        return max(self.paid - self.budget, ZERO) if self.budget is not None else ZERO

    @property
    def retention_held(self) -> Decimal:
        """What the contract still owes after the acceptance (the retention held back)."""
        if self.contract_amount is None or not self.acceptance:
            return ZERO
        return max(self.contract_amount - self.paid, ZERO)

    @property
    def flagged(self) -> bool:
        return self.over_budget > 0


def projects(
    entries: Sequence[data.Directive], community: Community, start: date, end: date
) -> list[ProjectRow]:
    """Maintenance-fund uses up to ``end`` grouped by the resolution (else emergency) they
    cite; projects with a payment in ``[start, end)`` are listed.

    Budget: the resolution's ``budget:``. Contract: the ``contract:`` ids cited, with the amount
    of the ``tf-contract`` of that id when there is one. Acceptance: the ``acceptance:``
    document on the payment that completes the contract; payments after it release the
    retention (质保金); what the contract still owes after it is the retention held.
    """
    groups: dict[str, list[Payment]] = {}
    for pay in ledger_index(entries, community).payments_between(None, end):
        if not pay.maintenance:
            continue
        key = (pay.resolutions or pay.emergencies or (f"— {pay.location}",))[0]
        groups.setdefault(key, []).append(pay)
    rows = []
    for key, pays in groups.items():
        if any(start <= p.date < end for p in pays):
            rows.append(_project_row(key, pays, community, start))
    return rows


def _project_row(key: str, pays: list[Payment], community: Community, start: date) -> ProjectRow:
    resolution = community.resolutions.get(key)
    emergency = community.emergencies.get(key)
    title = resolution.title if resolution else (emergency.hazard if emergency else "")
    scope = ",".join(resolution.scope) if resolution else (meta_str(pays[0].txn, "scope") or "")
    cited = list(dict.fromkeys(c for p in pays for c in p.contracts))
    amounts = [community.contracts[c].amount for c in cited if c in community.contracts]
    accepted = next((i for i, p in enumerate(pays) if p.acceptances), None)
    released = ZERO
    if accepted is not None:
        released = sum((p.outflow for p in pays[accepted + 1 :]), ZERO)
    return ProjectRow(
        key,
        title,
        scope or "全体 all",
        resolution.budget if resolution else None,
        ", ".join(cited),
        sum(amounts, ZERO) if amounts else None,
        sum((p.outflow for p in pays if p.date < start), ZERO),
        sum((p.outflow for p in pays if p.date >= start), ZERO),
        ", ".join(pays[accepted].acceptances) if accepted is not None else "",
        pays[accepted].date if accepted is not None else None,
        released,
        location(resolution.meta) if resolution else pays[0].location,
    )


# ---------------------------------------------------------------------------------------
# Interest of the maintenance fund by 积数


INTEREST_HEAD = (C("room", "房号", "Unit"),)


def interest_table(
    fund: MaintenanceLedger, start: date, end: date
) -> tuple[tuple[Column, ...], list[dict[str, object]]]:
    """The split of each interest posting in ``[start, end)``: one row per unit, two columns per
    posting (the unit's 积数 and its share), then the unit's total interest."""
    postings = [a for a in fund.interest_allocations if start <= a.date < end]
    columns = list(INTEREST_HEAD)
    for i, item in enumerate(postings):
        day = item.date.isoformat()
        since = item.since.isoformat() if item.since else "…"
        columns.append(C(f"product{i}", f"{day} 积数(自{since})", f"{day} balance × days", "money"))
        columns.append(C(f"share{i}", f"{day} 分配利息", f"{day} interest", "money"))
    columns.append(C("share", "利息合计", "Interest", "money"))
    rooms = sorted({r for a in postings for r in (*a.products, *a.shares)}, key=room_key)
    rows: list[dict[str, object]] = []
    for room in rooms:
        row: dict[str, object] = {"room": room}
        total = ZERO
        for i, item in enumerate(postings):
            row[f"product{i}"] = item.products.get(room, ZERO)
            row[f"share{i}"] = share = item.shares.get(room, ZERO)
            total += share
        row["share"] = total
        rows.append(row)
    return tuple(columns), rows
