"""The hand-over pack (移交清单) of a committee change-over (换届) or a manager's exit.

    trustfund handover --date 2025-12-31 [--kind committee|manager] [-o FOLDER] [LEDGER]

:func:`compute` returns a :class:`HandoverReport`: everything the outgoing side hands to the
incoming one on the day, as of the end of that day (entries dated on or before it):

- ``summary``: the day, the kind, the ledger's last entry and revision, the last sealed month
  and whether the seal chain holds, the open rule errors, the net assets per fund;
- ``balances``: every asset and liability account with a balance, with its last balance
  assertion; ``funds``: net assets (assets − liabilities) per fund;
- ``approvals``: approvals not used up (approved − paid) or not fully signed;
- ``contracts``: contracts in force on the day, with what was paid or received under them;
- ``matters``: resolutions still open: vote not closed, budget not spent, or (under
  五议两公开) stages still to come; ``objections``: notices whose window is open and objections
  without an outcome;
- ``deposits`` (押金 held, per counterparty or unit), ``prepaid`` (预收 fees held, per unit),
  ``clearing`` (collections the manager still holds, oldest first), ``payable`` (owed to the
  manager);
- ``seals``: the seal chain; ``documents``: the ``document`` directives; ``items``: what is
  handed over in person (seals, bank keys, the ledger's repository, contract originals), with
  room for the signatures;
- ``errors``: the trust-rule errors of entries dated on or before the day;
- for a manager's exit, ``settlement``: the remuneration due to the day (accrued and unpaid,
  months not yet accrued, the current month's collections to the day × the rate), the
  collections to remit, the deposits and prepaid fees to hand to the successor, and the net.

Every money figure carries a reference (``B3``) into the ``ties`` table, which gives the
beanquery statement that recomputes it from the ledger (run it in Fava's query page or
``bean-query``); ``tests/governance`` runs every one of them against the pack. A figure the
rules compute (the remuneration of a month not yet accrued) ties through the collected base's
query and the rate (``公式 formula: 0.10 × R1 − posted 0``).

Internal: names of counterparties and signers are as in the ledger (the pack goes from one
committee or manager to the next, not to the owners' site).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import data

from ledger.accounts import classify
from ledger.community import STAGE_LABELS, STAGES, Community
from ledger.entries import YEAR_CLOSE_TAG, month_of
from ledger.errors import TrustError, location
from ledger.index import LedgerIndex, Payment, index_of
from ledger.seal import seal_status
from reports.common import (
    FUND_LABELS,
    FUNDS,
    ZERO,
    account_labels,
    fen,
    fund_of,
    label_of,
    resolve,
    transactions,
)
from reports.table import Column, Report, Row, Table
from trustfund.rules.funds import open_collections
from trustfund.rules.remuneration import remuneration_schedule
from trustfund.rules.tally import tally

C = Column
KINDS = ("committee", "manager")
KIND_LABELS = {
    "committee": "业委会换届 committee change-over",
    "manager": "物业退出 manager's exit",
}


def _q(text: str) -> str:
    """A BQL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class Figure(Row):
    """One figure of the pack and the beanquery statement that recomputes it."""

    ref: str
    label: str
    value: Decimal
    query: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("ref", "编号", "Ref"),
        C("label", "项目", "Figure"),
        C("value", "金额", "Amount", "money"),
        C("query", "核对查询 (beanquery)", "Query that recomputes it"),
    )


@dataclass
class SummaryRow(Row):
    item: str
    value: Any
    ref: str = ""
    columns: ClassVar[tuple[Column, ...]] = (
        C("item", "项目", "Item"),
        C("value", "内容", "Value"),
        C("ref", "核对", "Ref"),
    )


@dataclass
class BalanceRow(Row):
    account: str
    label: str
    fund: str
    balance: Decimal
    asserted_on: date | None
    asserted: Decimal | None
    ref: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("account", "科目", "Account"),
        C("label", "名称", "Name"),
        C("fund", "基金", "Fund"),
        C("balance", "余额", "Balance", "money"),
        C("asserted_on", "最近余额核对日", "Last balance check", "date"),
        C("asserted", "核对余额", "Checked balance", "money"),
        C("ref", "核对", "Ref"),
    )


@dataclass
class FundRow(Row):
    fund: str
    net_assets: Decimal
    ref: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("fund", "基金", "Fund"),
        C("net_assets", "净资产", "Net assets", "money"),
        C("ref", "核对", "Ref"),
    )


@dataclass
class ApprovalRow(Row):
    id: str
    signed: str
    approved: Decimal | None
    paid: Decimal
    remaining: Decimal | None
    note: str
    ref: str
    source: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("id", "审批", "Approval"),
        C("signed", "签批", "Signed by role"),
        C("approved", "批准金额", "Approved", "money"),
        C("paid", "已支付", "Paid", "money"),
        C("remaining", "余额", "Left", "money"),
        C("note", "说明", "Note"),
        C("ref", "核对", "Ref"),
        C("source", "位置", "Source"),
    )


@dataclass
class ContractRow(Row):
    id: str
    account: str
    counterparty: str
    amount: Decimal
    frequency: str
    start: date
    end: date
    to_date: Decimal
    ref: str
    source: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("id", "合同", "Contract"),
        C("account", "科目", "Account"),
        C("counterparty", "相对方", "Counterparty"),
        C("amount", "金额", "Amount", "money"),
        C("frequency", "周期", "Per"),
        C("start", "起", "From", "date"),
        C("end", "止", "To", "date"),
        C("to_date", "累计收付", "Paid or received to date", "money"),
        C("ref", "核对", "Ref"),
        C("source", "位置", "Source"),
    )


@dataclass
class MatterRow(Row):
    id: str
    title: str
    state: str
    next: str
    budget: Decimal | None
    paid: Decimal
    ref: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("id", "决议", "Resolution"),
        C("title", "事项", "Matter"),
        C("state", "状态", "State"),
        C("next", "待办", "Still to do"),
        C("budget", "预算", "Budget", "money"),
        C("paid", "已支付", "Paid", "money"),
        C("ref", "核对", "Ref"),
    )


@dataclass
class ObjectionRow(Row):
    notice: str
    approval: str
    deadline: date | None
    objection: str
    lodged: date | None
    state: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("notice", "公示", "Notice"),
        C("approval", "审批", "Approval"),
        C("deadline", "异议截止", "Objections until", "date"),
        C("objection", "异议", "Objection"),
        C("lodged", "提出日", "Lodged", "date"),
        C("state", "状态", "State"),
    )


@dataclass
class HeldRow(Row):
    """Money held for someone: a deposit or a prepaid fee."""

    account: str
    holder: str  # unit id or counterparty
    amount: Decimal
    ref: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("account", "科目", "Account"),
        C("holder", "房号/相对方", "Unit / counterparty"),
        C("amount", "金额", "Amount", "money"),
        C("ref", "核对", "Ref"),
    )


@dataclass
class CollectionRow(Row):
    day: date
    amount: Decimal
    days_held: int
    source: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("day", "代收日", "Collected", "date"),
        C("amount", "未缴金额", "Still held", "money"),
        C("days_held", "已持有天数", "Days held", "int"),
        C("source", "位置", "Source"),
    )


@dataclass
class SealRow(Row):
    period: str
    digest: str
    sealed_on: date
    status: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("period", "月份", "Month"),
        C("digest", "摘要", "Digest"),
        C("sealed_on", "封账日", "Sealed on", "date"),
        C("status", "状态", "State"),
    )

    @property
    def flagged(self) -> bool:
        return self.status != "完好 holds"


@dataclass
class DocumentRow(Row):
    date: date
    account: str
    path: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "日期", "Date", "date"),
        C("account", "科目", "Account"),
        C("path", "文件", "File"),
    )


@dataclass
class ItemRow(Row):
    item: str
    detail: str
    handed_by: str = ""
    received_by: str = ""
    columns: ClassVar[tuple[Column, ...]] = (
        C("item", "移交物品", "Item handed over"),
        C("detail", "说明", "Detail"),
        C("handed_by", "移交人签字", "Handed over by"),
        C("received_by", "接收人签字", "Received by"),
    )


@dataclass
class ErrorRow(Row):
    code: str
    location: str
    message: str
    amount: Decimal | None
    columns: ClassVar[tuple[Column, ...]] = (
        C("code", "代码", "Code"),
        C("location", "位置", "Where"),
        C("message", "问题", "Problem"),
        C("amount", "涉及金额", "At stake", "money"),
    )

    @property
    def flagged(self) -> bool:
        return True


@dataclass
class SettlementRow(Row):
    item: str
    amount: Decimal
    direction: str  # who pays whom
    ref: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("item", "项目", "Item"),
        C("amount", "金额", "Amount", "money"),
        C("direction", "方向", "Direction"),
        C("ref", "核对", "Ref"),
    )


@dataclass
class HandoverReport(Report):
    day: date = date.min
    handover_kind: str = "committee"
    figures: list[Figure] = field(default_factory=list)
    summary: list[SummaryRow] = field(default_factory=list)
    balances: list[BalanceRow] = field(default_factory=list)
    funds: list[FundRow] = field(default_factory=list)
    approvals: list[ApprovalRow] = field(default_factory=list)
    contracts: list[ContractRow] = field(default_factory=list)
    matters: list[MatterRow] = field(default_factory=list)
    objections: list[ObjectionRow] = field(default_factory=list)
    deposits: list[HeldRow] = field(default_factory=list)
    prepaid: list[HeldRow] = field(default_factory=list)
    clearing: list[CollectionRow] = field(default_factory=list)
    seals: list[SealRow] = field(default_factory=list)
    documents: list[DocumentRow] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    errors: list[ErrorRow] = field(default_factory=list)
    settlement: list[SettlementRow] = field(default_factory=list)

    def figure(self, ref: str) -> Figure:
        for item in self.figures:
            if item.ref == ref:
                return item
        raise KeyError(ref)

    def add(self, prefix: str, label: str, value: Decimal, query: str) -> str:
        """Record a figure with the query that recomputes it; returns its reference."""
        ref = f"{prefix}{sum(1 for f in self.figures if f.ref.startswith(prefix)) + 1}"
        self.figures.append(Figure(ref, label, value, query))
        return ref

    def tables(self) -> list[Table]:
        def money_total(rows: Sequence[Any], key: str, label_key: str) -> dict[str, Any]:
            return {label_key: "合计 Total", key: sum((getattr(r, key) for r in rows), ZERO)}

        tables = [
            Table("summary", "移交概要", "Summary", SummaryRow.columns, self.summary),
            Table("funds", "基金净资产", "Net assets per fund", FundRow.columns, self.funds),
            Table(
                "balances",
                "账户余额",
                "Balances of the asset and liability accounts",
                BalanceRow.columns,
                self.balances,
                note="截至移交日终 (at the end of the day); 最近余额核对 = the last balance assertion",
            ),
        ]
        if self.handover_kind == "manager":
            tables.append(
                Table(
                    "settlement",
                    "物业退出结算",
                    "Manager's exit: settlement to the day",
                    SettlementRow.columns,
                    self.settlement,
                    note="业主应付 owners owe the manager; 物业应付 the manager owes the owners; "
                    "预收与押金移交继任物业 (prepaid fees and deposits go to the successor)",
                )
            )
        tables += [
            Table(
                "approvals",
                "未完结审批",
                "Approvals not used up",
                ApprovalRow.columns,
                self.approvals,
            ),
            Table(
                "contracts",
                "在履行合同",
                "Contracts in force",
                ContractRow.columns,
                self.contracts,
            ),
            Table(
                "matters",
                "未结事项(决议)",
                "Open matters (resolutions)",
                MatterRow.columns,
                self.matters,
            ),
            Table(
                "objections",
                "公示与异议",
                "Open notices and objections",
                ObjectionRow.columns,
                self.objections,
            ),
            Table(
                "deposits",
                "押金",
                "Deposits held",
                HeldRow.columns,
                self.deposits,
                money_total(self.deposits, "amount", "account"),
            ),
            Table(
                "prepaid",
                "预收物业费",
                "Fees paid in advance, per unit",
                HeldRow.columns,
                self.prepaid,
                money_total(self.prepaid, "amount", "account"),
            ),
            Table(
                "clearing",
                "物业代收未缴",
                "Collections the manager still holds",
                CollectionRow.columns,
                self.clearing,
                {"day": None, "amount": sum((c.amount for c in self.clearing), ZERO)},
            ),
            Table("seals", "封账链", "Seal chain", SealRow.columns, self.seals),
            Table("documents", "文件档案", "Documents", DocumentRow.columns, self.documents),
            Table(
                "items",
                "实物移交",
                "Handed over in person",
                ItemRow.columns,
                self.items,
                note="移交人、接收人、监交人签字 (signatures of both sides and of the witness)",
            ),
            Table(
                "errors",
                "未解决的规则错误",
                "Rule errors still open",
                ErrorRow.columns,
                self.errors,
            ),
            Table(
                "ties",
                "数据核对",
                "Every figure and the query that recomputes it",
                Figure.columns,
                self.figures,
            ),
        ]
        return tables


# ---------------------------------------------------------------------------------------


def _relative(src: Any, meta: dict[str, Any] | None) -> str:
    if not meta:
        return ""
    return location(meta, src.root)


def compute(
    source: Any,
    day: date,
    kind: str = "committee",
    *,
    revision: str = "",
    currency: str | None = None,
) -> HandoverReport:
    """The hand-over pack as of the end of ``day`` (see the module docstring)."""
    if kind not in KINDS:
        raise ValueError(f"hand-over kind {kind!r} is not one of {', '.join(KINDS)}")
    src = resolve(source)
    if currency is None:
        currency = (src.options.get("operating_currency") or ["CNY"])[0]
    report = HandoverReport(
        "handover",
        "移交清单",
        "Hand-over pack",
        day.isoformat(),
        f"{day.isoformat()} · {KIND_LABELS[kind]}",
        src.title,
        day=day,
        handover_kind=kind,
    )
    until = f"date <= {day.isoformat()}"
    balances, held = _balances(report, src, day, currency, until)
    _held(report, held, until)
    payments = [p for p in index_of(src.entries, src.community).payments if p.date <= day]
    _approvals(report, src, day, payments, until)
    _contracts(report, src, day, until)
    _matters(report, src.community, day, payments, until)
    _objections(report, src.community, day)
    _clearing(report, src, day, kind, currency, balances, until)
    _seals_documents_errors(report, src, day)
    report.items = _items(src.community, balances, report, revision, kind)
    _summary(report, src.community, day, kind, revision)
    return report


def _balances(
    report: HandoverReport, src: Any, day: date, currency: str, until: str
) -> tuple[dict[str, Decimal], dict[tuple[str, str, str], Decimal]]:
    """Each asset and liability account's balance and each fund's net assets (sections B, F);
    returns the balances and what is held per unit or payee on prepaid and deposit accounts."""
    entries = src.entries
    end = day + timedelta(days=1)
    labels = account_labels(entries)
    balances: dict[str, Decimal] = defaultdict(Decimal)
    held: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)  # (account, by, who)
    for txn in transactions(entries, None, end):
        if YEAR_CLOSE_TAG in txn.tags:
            continue  # dated on 1 January: closes income and expenses only
        for posting in txn.postings:
            units = posting.units
            if units is None or not isinstance(units.number, Decimal):
                continue
            if units.currency != currency:
                continue
            account = posting.account
            if not account.startswith(("Assets", "Liabilities")):
                continue
            balances[account] += units.number
            cls = classify(account)
            if cls.is_prepaid or cls.is_deposits:
                unit = (posting.meta or {}).get("unit") or (txn.meta or {}).get("unit")
                if unit is not None:
                    held[(account, "unit", str(unit).strip())] += units.number
                else:
                    held[(account, "payee", (txn.payee or "").strip())] += units.number
    asserted: dict[str, data.Balance] = {}
    for entry in entries:
        if isinstance(entry, data.Balance) and entry.date <= end:
            asserted[entry.account] = entry
    fund_net: dict[str, Decimal] = defaultdict(Decimal)
    fund_accounts: dict[str, list[str]] = defaultdict(list)
    for account in sorted(balances):
        number = balances[account]
        fund = fund_of(account)
        fund_net[fund] += number
        fund_accounts[fund].append(account)
        if number == 0:
            continue
        ref = report.add(
            "B",
            f"{account} 余额 balance",
            number,
            f"SELECT sum(number) WHERE account = {_q(account)} AND {until} "
            f"AND NOT 'year-close' IN tags",
        )
        check = asserted.get(account)
        report.balances.append(
            BalanceRow(
                account,
                label_of(account, labels),
                FUND_LABELS[fund][0],
                number,
                check.date if check else None,
                check.amount.number if check else None,
                ref,
            )
        )
    for fund in FUNDS:
        if fund not in fund_accounts:
            continue
        pattern = "|".join(fund_accounts[fund])
        ref = report.add(
            "F",
            f"{FUND_LABELS[fund][0]} 净资产 net assets",
            fund_net[fund],
            f"SELECT sum(number) WHERE account ~ '^({pattern})$' AND {until} "
            f"AND NOT 'year-close' IN tags",
        )
        report.funds.append(FundRow(" ".join(FUND_LABELS[fund]), fund_net[fund], ref))
    return balances, held


def _held(report: HandoverReport, held: dict[tuple[str, str, str], Decimal], until: str) -> None:
    """Deposits and prepaid fees the successor takes over, per unit or payee (D, P)."""
    for (account, by, who), number in sorted(held.items()):
        if number == 0:
            continue
        where_ = (
            f"any_meta('unit') = {_q(who)}"
            if by == "unit"
            else f"payee = {_q(who)} AND any_meta('unit') IS NULL"
        )
        ref = report.add(
            "D" if classify(account).is_deposits else "P",
            f"{account} {who}",
            -number,
            f"SELECT -sum(number) WHERE account = {_q(account)} AND {where_} AND {until}",
        )
        row = HeldRow(account, who, -number, ref)
        (report.deposits if classify(account).is_deposits else report.prepaid).append(row)


def _approvals(
    report: HandoverReport, src: Any, day: date, payments: Sequence[Payment], until: str
) -> None:
    """Approvals awaiting their second role or not used up (A)."""
    community = src.community
    used: dict[str, Decimal] = defaultdict(Decimal)
    alone: dict[str, bool] = defaultdict(lambda: True)
    for pay in payments:
        ids = [a for a in pay.approvals if a in community.approvals]
        left = pay.outflow
        for position, aid in enumerate(ids):
            if len(ids) > 1:
                alone[aid] = False
            amount = community.approvals[aid].amount(pay.date) or ZERO
            take = left if position == len(ids) - 1 else min(left, max(amount - used[aid], ZERO))
            used[aid] += take
            left -= take
    for aid, approval in sorted(community.approvals.items()):
        signed = approval.latest_by_role(day)
        if not signed:
            continue
        approved = approval.amount(day)
        paid = used.get(aid, ZERO)
        remaining = approved - paid if approved is not None else None
        roles = ", ".join(f"{role} {s.date}" for role, s in sorted(signed.items()))
        note = ""
        if len(signed) < 2:
            note = "待第二方签批 awaiting the second role"
        elif remaining is not None and remaining > 0:
            note = "未用完 not used up"
        else:
            continue
        ref = ""
        if paid and alone[aid]:
            ref = report.add(
                "A",
                f"{aid} 已支付 paid",
                paid,
                f"SELECT -sum(number) WHERE account ~ '^Assets:Bank' AND number < 0 "
                f"AND entry_meta('approval') = {_q(aid)} AND {until}",
            )
        report.approvals.append(
            ApprovalRow(
                aid, roles, approved, paid, remaining, note, ref, _relative(src, approval.meta)
            )
        )


def _contracts(report: HandoverReport, src: Any, day: date, until: str) -> None:
    """The contracts in force on the day, with what was paid or received under them (C)."""
    entries, community = src.entries, src.community
    end = day + timedelta(days=1)
    active = {cid: c for cid, c in sorted(community.contracts.items()) if c.start <= day <= c.end}
    by_payee = {
        (c.account, c.counterparty): cid
        for cid, c in active.items()
        if c.account.startswith("Income")
    }
    to_date: dict[str, Decimal] = defaultdict(Decimal)
    if active:
        for txn in transactions(entries, None, end):
            cited = str((txn.meta or {}).get("contract", "")).strip()
            payee = (txn.payee or "").strip()
            for posting in txn.postings:
                cid = cited if cited in active else by_payee.get((posting.account, payee), "")
                if not cid or posting.account != active[cid].account or posting.units is None:
                    continue
                value = posting.units.number
                if isinstance(value, Decimal):
                    to_date[cid] += -value if active[cid].account.startswith("Income") else value
    for cid, contract in active.items():
        income = contract.account.startswith("Income")
        condition = f"entry_meta('contract') = {_q(cid)}"
        if income:
            condition = (
                f"(entry_meta('contract') = {_q(cid)} OR payee = {_q(contract.counterparty)})"
            )
        ref = report.add(
            "C",
            f"{cid} 累计{'收款 received' if income else '付款 paid'}",
            to_date[cid],
            f"SELECT {'-' if income else ''}sum(number) WHERE account = {_q(contract.account)} "
            f"AND {condition} AND {until}",
        )
        report.contracts.append(
            ContractRow(
                cid,
                contract.account,
                contract.counterparty,
                contract.amount,
                contract.frequency,
                contract.start,
                contract.end,
                to_date[cid],
                ref,
                _relative(src, contract.meta),
            )
        )


def _matters(
    report: HandoverReport,
    community: Community,
    day: date,
    payments: Sequence[Payment],
    until: str,
) -> None:
    """Resolutions still open: a vote open, stages of 五议两公开 to do, a budget not spent (M)."""
    paid_under: dict[str, Decimal] = defaultdict(Decimal)
    for pay in payments:
        for rid in pay.resolutions[:1]:
            paid_under[rid] += pay.outflow
    gov = community.governance
    for rid, resolution in sorted(community.resolutions.items()):
        if resolution.date > day:
            continue
        close = community.closes.get(rid)
        closed = close is not None and close.date <= day
        first = {k: v for k, v in gov.stage_dates(rid, close).items() if v <= day}
        todo: list[str] = []
        state = "表决中 vote open"
        if closed:
            result = tally(community, rid)
            state = "通过 passed" if result.passed else "未通过 did not pass"
        elif "resolve" in first:
            state = "已决定 decided"
        procedure = gov.procedure_for(resolution)
        if procedure is not None:
            todo = [STAGE_LABELS[s] for s in STAGES if s not in first]
        paid = paid_under.get(rid, ZERO)
        budget = resolution.budget
        # a project's budget not yet spent (a resolution paid under, or a maintenance use); an
        # annual budget's `budget:` is no project to finish
        project = paid > 0 or resolution.matter == "use-maintenance-fund"
        unspent = project and budget is not None and paid < budget and state.startswith("通过")
        if closed and not todo and not unspent:
            continue
        if unspent:
            todo.append(f"预算余 budget left {budget - paid if budget else ZERO}")
        ref = ""
        if paid:
            ref = report.add(
                "M",
                f"{rid} 已支付 paid",
                paid,
                f"SELECT -sum(number) WHERE account ~ '^Assets:Bank' AND number < 0 "
                f"AND entry_meta('resolution') = {_q(rid)} AND {until}",
            )
        report.matters.append(
            MatterRow(rid, resolution.title, state, "、".join(todo), budget, paid, ref)
        )


def _objections(report: HandoverReport, community: Community, day: date) -> None:
    """Notices whose objection window is open, and objections unresolved or upheld."""
    gov = community.governance
    for nid, notices in sorted(gov.notices.items()):
        for notice in notices:
            if notice.date > day:
                continue
            objections = [o for o in gov.by_notice.get(nid, ()) if o.date <= day]
            window_open = notice.deadline is not None and day <= notice.deadline
            if window_open and not objections:
                report.objections.append(
                    ObjectionRow(
                        nid, notice.approval_id, notice.deadline, "", None, "公示期内 window open"
                    )
                )
            for objection in objections:
                outcome = gov.outcome(objection.id, day)
                if outcome is not None and outcome.outcome != "upheld" and not window_open:
                    continue
                state = (
                    "未答复 unresolved" if outcome is None else f"{outcome.outcome} {outcome.date}"
                )
                report.objections.append(
                    ObjectionRow(
                        nid,
                        notice.approval_id,
                        notice.deadline,
                        objection.id,
                        objection.date,
                        state,
                    )
                )


def _clearing(
    report: HandoverReport,
    src: Any,
    day: date,
    kind: str,
    currency: str,
    balances: dict[str, Decimal],
    until: str,
) -> None:
    """The collections the manager holds, what is owed to the manager; the settlement (S)."""
    lots, _advance = open_collections(list(src.entries), src.community, day)
    for lot in lots:
        report.clearing.append(
            CollectionRow(
                lot.day, lot.remaining, (day - lot.day).days, _relative(src, lot.txn.meta)
            )
        )
    clearing_total = balances.get("Assets:Clearing:Manager", ZERO)
    clearing_ref = report.add(
        "S",
        "物业代收未缴 collections the manager holds",
        clearing_total,
        f"SELECT sum(number) WHERE account = 'Assets:Clearing:Manager' AND {until}",
    )
    payable = -sum((n for a, n in balances.items() if classify(a).is_manager), ZERO)
    payable_ref = report.add(
        "S",
        "应付物业(已计提未付) owed to the manager, accrued",
        payable,
        f"SELECT -sum(number) WHERE account ~ '^Liabilities:Payable:Manager' AND {until}",
    )
    if kind == "manager":
        _manager_settlement(report, src, day, currency, clearing_ref, payable_ref, until)


def _seals_documents_errors(report: HandoverReport, src: Any, day: date) -> None:
    """The seal chain, the documents and the rule errors still open on the day."""
    entries, community = src.entries, src.community
    for status in seal_status(entries, community):
        report.seals.append(
            SealRow(
                status.period,
                status.digest,
                status.sealed_on,
                "完好 holds" if status.ok else "已改动 changed after sealing",
            )
        )
    for entry in entries:
        if isinstance(entry, data.Document) and entry.date <= day:
            report.documents.append(
                DocumentRow(entry.date, entry.account, src.relative(str(entry.filename)))
            )
    for error in src.errors:
        if not isinstance(error, TrustError):
            continue
        entry = error.entry
        when = getattr(entry, "date", None)
        if when is not None and when > day:
            continue
        report.errors.append(
            ErrorRow(
                error.code,
                _relative(src, error.source),
                error.message[len(error.code) :].strip(),
                error.amount,
            )
        )


def _summary(
    report: HandoverReport, community: Community, day: date, kind: str, revision: str
) -> None:
    """The first sheet: the day, the kind, the ledger's revision, the seals, the funds."""
    last_sealed = report.seals[-1].period if report.seals else "未封账 none"
    chain = (
        "完好 holds" if all(s.status.startswith("完好") for s in report.seals) else "有改动 broken"
    )
    report.summary = [
        SummaryRow("移交日期 day (end of)", day),
        SummaryRow("移交类型 kind", KIND_LABELS[kind]),
        SummaryRow("账本最后日期 ledger's last entry", community.last_date),
        SummaryRow("账本版本 ledger revision", revision or "—"),
        SummaryRow("封账至 sealed through", f"{last_sealed} ({chain})"),
        SummaryRow("未解决规则错误 open rule errors", len(report.errors)),
        *(SummaryRow(f.fund, f"{f.net_assets:,.2f}", f.ref) for f in report.funds),
    ]


def _manager_settlement(
    report: HandoverReport,
    src: Any,
    day: date,
    currency: str,
    clearing_ref: str,
    payable_ref: str,
    until: str,
) -> None:
    """The manager's exit: remuneration due to the day against what it still holds."""
    community = src.community
    clearing = report.figure(clearing_ref).value
    payable = report.figure(payable_ref).value
    rows = [
        SettlementRow(
            "已计提未付酬金 remuneration accrued, unpaid",
            payable,
            "业主应付 owners owe",
            payable_ref,
        )
    ]
    owed = payable
    month = month_of(day)
    index = index_of(src.entries, community)
    posted: dict[str, Decimal] = defaultdict(Decimal)  # month -> accrued or paid by the day
    for accrual in index.remuneration:
        if accrual.txn.date <= day:
            posted[accrual.month] += accrual.amount
    for item in remuneration_schedule(src.entries, community):
        if item.month >= month or item.due <= posted[item.month]:
            continue
        short = item.due - posted[item.month]
        ref = report.add(
            "R",
            f"{item.month} 酬金未计提 remuneration not accrued",
            short,
            f"公式 formula: {item.rate} × 实收 {item.base} (month {item.month}) − posted {posted[item.month]}",
        )
        rows.append(
            SettlementRow(f"{item.month} 酬金未计提 not accrued", short, "业主应付 owners owe", ref)
        )
        owed += short
    current = _month_to_day(report, index, community, day, posted[month], until)
    if current is not None:
        rows.append(current)
        owed += current.amount
    rows.append(
        SettlementRow(
            "代收未缴 collections to remit", clearing, "物业应付 manager owes", clearing_ref
        )
    )
    deposits = sum((r.amount for r in report.deposits), ZERO)
    prepaid = sum((r.amount for r in report.prepaid), ZERO)
    rows.append(
        SettlementRow(
            "押金(账户留存,资料移交继任) deposits held", deposits, "移交继任 to the successor", ""
        )
    )
    rows.append(
        SettlementRow(
            "预收物业费(继任履行) prepaid fees to honour", prepaid, "移交继任 to the successor", ""
        )
    )
    net = owed - clearing
    rows.append(
        SettlementRow(
            "净额 net",
            abs(net),
            "业主应付物业 owners pay the manager"
            if net >= 0
            else "物业应付业主 manager pays the owners",
            "",
        )
    )
    report.settlement = rows


def _month_to_day(
    report: HandoverReport,
    index: LedgerIndex,
    community: Community,
    day: date,
    posted_this_month: Decimal,
    until: str,
) -> SettlementRow | None:
    """The current month's remuneration to the day: rate × the month's collections so far,
    less what is already posted (None without a remuneration term)."""
    month = month_of(day)
    term = community.remuneration.at(day)
    start = date(day.year, day.month, 1)
    base = ZERO
    for when, sums in index.collections.items():
        if start <= when <= day:
            base += (
                sums.fees_public if term is not None and term.base == "fees+public" else sums.fees
            )
    accounts = "Income:Fees|Assets:Receivable:Fees|Liabilities:Prepaid:Fees"
    if term is not None and term.base == "fees+public":
        accounts += "|Income:Public"
    base_ref = report.add(
        "R",
        f"{month} 截至 {day} 实收 collected to the day",
        base,
        f"SELECT -sum(number) WHERE account ~ '^({accounts})' AND number < 0 "
        f"AND has_account('^(Assets:Bank|Assets:Clearing:Manager)') "
        f"AND date >= {start.isoformat()} AND {until}",
    )
    if term is None:
        return None
    due = fen(term.rate * base) - posted_this_month
    ref = report.add(
        "R",
        f"{month} 酬金至 {day} remuneration to the day",
        due,
        f"公式 formula: {term.rate} × {base_ref} − posted {posted_this_month}",
    )
    return SettlementRow(
        f"{month} 酬金 {term.rate} × 实收 (to {day})", due, "业主应付 owners owe", ref
    )


def _items(
    community: Community,
    balances: dict[str, Decimal],
    report: HandoverReport,
    revision: str,
    kind: str,
) -> list[ItemRow]:
    """What is handed over in person, derived from the ledger where it can be."""
    items = [
        ItemRow(
            "业主大会印章 / 业委会印章 seals of the assembly and the committee", "实物 in person"
        ),
        ItemRow("财务专用章 finance seal", "实物 in person"),
    ]
    for account in sorted(a for a in balances if classify(a).is_bank):
        items.append(
            ItemRow(
                f"{account} 网银U盾/密码器 bank keys",
                "双签: 业委会与物业各持一 (one key each side)",
            )
        )
    items.append(
        ItemRow(
            "账本与版本库 the ledger folder and its git repository",
            f"revision {revision}" if revision else "当前版本 as is",
        )
    )
    for row in report.contracts:
        items.append(ItemRow(f"合同原件 {row.id}", f"{row.counterparty} (to {row.end})"))
    if report.documents:
        items.append(
            ItemRow("凭证与文件 vouchers and documents", f"{len(report.documents)} 件 files")
        )
    if kind == "manager":
        items.append(
            ItemRow("收费系统数据与业主资料 fee-system data, owners' register", "移交继任物业")
        )
    return items
