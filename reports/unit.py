"""One unit's statement (分户对账单): bills, payments, arrears and its maintenance-fund
sub-account and its votes, for a period. Owner-facing: it goes through the publication policy
(:mod:`reports.publication`): the owner's name is masked, texts are masked, no file locations.
On the owners' site it is shown only with the unit's access code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import data

from ledger.accounts import PREPAID_FEES, RECEIVABLE_FEES, under
from ledger.community import Community, building_of
from ledger.errors import location
from reports.common import ZERO, allocate, resolve, transactions, unit_of, waived
from reports.period import Period
from reports.publication import Policy
from reports.subledgers import (
    MaintenanceLedger,
    UnitArrears,
    UnitFund,
    maintenance_ledger,
    receivables,
)
from reports.table import Column, Report, Row, Table

C = Column
Day = date


@dataclass
class SummaryRow(Row):
    item: str
    amount: Decimal | None
    columns: ClassVar[tuple[Column, ...]] = (
        C("item", "项目", "Item"),
        C("amount", "金额", "Amount", "money"),
    )


@dataclass
class LineRow(Row):
    date: Day
    kind: str
    description: str
    account: str
    amount: Decimal
    location: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "日期", "Date", "date"),
        C("kind", "类型", "Kind"),
        C("description", "摘要", "Description"),
        C("account", "科目", "Account"),
        C("amount", "金额", "Amount", "money"),
    )


@dataclass
class OpenBillRow(Row):
    date: Day
    amount: Decimal
    age_days: int
    location: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "账单日期", "Billed on", "date"),
        C("amount", "未付金额", "Unpaid", "money"),
        C("age_days", "账龄(天)", "Age (days)", "int"),
    )


@dataclass
class ProjectShareRow(Row):
    date: Day
    project: str
    basis: str
    cost: Decimal
    share: Decimal
    columns: ClassVar[tuple[Column, ...]] = (
        C("date", "日期", "Date", "date"),
        C("project", "项目", "Project"),
        C("basis", "依据", "Resolution/emergency"),
        C("cost", "项目总额", "Project cost", "money"),
        C("share", "本户分摊", "This unit's share", "money"),
    )


@dataclass
class VoteRow(Row):
    resolution: str
    title: str
    date: Day
    choice: str
    columns: ClassVar[tuple[Column, ...]] = (
        C("resolution", "决议", "Resolution"),
        C("title", "事项", "Title"),
        C("date", "投票日期", "Voted on", "date"),
        C("choice", "表决", "Choice"),
    )


CHOICES = {"yes": "同意 yes", "no": "反对 no", "abstain": "弃权 abstain"}


@dataclass
class UnitReport(Report):
    room: str = ""
    building: str = ""
    area: Decimal | None = None
    owner: str = ""
    summary: list[SummaryRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    open_bills: list[OpenBillRow] = field(default_factory=list)
    projects: list[ProjectShareRow] = field(default_factory=list)
    votes: list[VoteRow] = field(default_factory=list)
    arrears: Decimal = ZERO
    maintenance_balance: Decimal = ZERO

    def value(self, item_prefix: str) -> Decimal | None:
        return next((r.amount for r in self.summary if r.item.startswith(item_prefix)), None)

    def tables(self) -> list[Table]:
        return [
            Table(
                "summary",
                "概要",
                "Summary",
                SummaryRow.columns,
                self.summary,
                note=f"{self.room} · {self.area} ㎡ · 业主 owner {self.owner}",
            ),
            Table("lines", "账单与缴费", "Bills and payments", LineRow.columns, self.lines),
            Table(
                "open_bills",
                "欠费明细",
                "Unpaid bills",
                OpenBillRow.columns,
                self.open_bills,
                {"date": "合计 Total", "amount": sum((r.amount for r in self.open_bills), ZERO)},
            ),
            Table(
                "maintenance",
                "维修资金分摊",
                "Maintenance-fund costs charged",
                ProjectShareRow.columns,
                self.projects,
                {"date": "合计 Total", "share": sum((r.share for r in self.projects), ZERO)},
            ),
            Table("votes", "本户表决", "This unit's votes", VoteRow.columns, self.votes),
        ]


def compute(
    source: Any,
    period: Period,
    room: str,
    *,
    community: Community | None = None,
    policy: Policy | None = None,
) -> UnitReport:
    """The statement of unit ``room`` for ``period`` (balances as of the period's end)."""
    return statements(source, period, [room], community=community, policy=policy)[room]


def statements(
    source: Any,
    period: Period,
    rooms: Sequence[str],
    *,
    community: Community | None = None,
    policy: Policy | None = None,
) -> dict[str, UnitReport]:
    """The statements of several units for ``period`` in one pass over the ledger (the static
    site encrypts one per unit); each is what :func:`compute` gives for its room."""
    src = resolve(source, community)
    entries, community = src.entries, src.community
    masker = policy if policy is not None else Policy.of(src)
    reports = {room: _blank(src, community, period, room, masker) for room in rooms}
    totals = _lines(reports, entries, period, masker)
    rec = receivables(entries, period.start, period.end)
    opening_rec = receivables(entries, period.start, period.start)
    ledger = maintenance_ledger(entries, community, period.end)
    votes_of = _votes(community, period, set(rooms), masker)
    for room, report in reports.items():
        state, opening = rec.units.get(room), opening_rec.units.get(room)
        if state is not None:
            for day, remaining, place in state.open_bills:
                report.open_bills.append(
                    OpenBillRow(day, remaining, (period.last_day - day).days, place)
                )
            report.arrears = state.outstanding
        _maintenance(report, ledger, masker)
        report.votes = sorted(votes_of.get(room, []), key=lambda v: (v.date, v.resolution))
        report.summary = _summary(report, totals[room], opening, ledger.units.get(room))
    return reports


class _Totals:
    """A unit's sums over the period (the prepaid balance over all time)."""

    __slots__ = ("billed", "paid", "prepaid_balance", "waived")

    def __init__(self) -> None:
        self.billed = self.paid = self.waived = self.prepaid_balance = ZERO


def _blank(src: Any, community: Community, period: Period, room: str, masker: Policy) -> UnitReport:
    """The statement's head: the unit, its area and (masked) owner."""
    report = UnitReport(
        "unit", "分户对账单", "Unit statement", period.label, period.title, src.title
    )
    report.room, report.building = room, building_of(room)
    unit = community.unit_at(room, period.last_day)
    if unit is None:
        report.notes.append(f"房号 {room} 不在房屋登记中 unit not in the register")
    else:
        report.area = unit.area
        name = community.owner_name(unit.owner_id, period.last_day)
        report.owner = masker.party(name) if name else ""
        report.zh = f"分户对账单 {room}"
        report.en = f"Unit statement {room}"
    return report


def _lines(
    reports: dict[str, UnitReport],
    entries: Sequence[data.Directive],
    period: Period,
    masker: Policy,
) -> dict[str, _Totals]:
    """Each unit's bills, payments, waivers and prepayments of the period, as lines and sums.

    The part of a credit to its receivable that the index calls a waiver (DESIGN §3) is a
    减免 line, never a payment."""
    totals = {room: _Totals() for room in reports}
    waivers = waived(entries)
    for entry in transactions(entries, None, period.end):
        rows: list[tuple[str, str, Decimal]] = []  # (unit, account, number) of this entry
        for posting in entry.postings:
            account = posting.account
            if not _is_fee_account(account):
                continue
            owner_unit = unit_of(posting, entry)
            units = posting.units
            if owner_unit not in totals or units is None or units.number is None:
                continue
            rows.append((owner_unit, account, units.number))
            if _is_prepaid(account):
                totals[owner_unit].prepaid_balance -= units.number
        if not rows or entry.date < period.start:
            continue
        left = _waived_shares(entry, waivers)
        for owner_unit, account, number in rows:
            sums, report = totals[owner_unit], reports[owner_unit]
            parts: list[tuple[str, Decimal]]
            if _is_prepaid(account):
                kind = "预缴 prepayment" if number < 0 else "预缴抵扣 prepayment applied"
                parts = [(kind, abs(number))]
            elif number > 0:
                sums.billed += number
                parts = [("账单 bill", number)]
            else:
                waive = min(left.get(owner_unit, ZERO), -number)
                left[owner_unit] = left.get(owner_unit, ZERO) - waive
                sums.waived += waive
                sums.paid += -number - waive
                parts = [("减免 waiver", waive), ("缴费 payment", -number - waive)]
            for kind, amount in parts:
                if amount:
                    report.lines.append(
                        LineRow(
                            entry.date,
                            kind,
                            masker.text(entry.narration),
                            masker.account(account),
                            amount,
                            location(entry.meta),
                        )
                    )
    return totals


def _is_prepaid(account: str) -> bool:
    return under(account, PREPAID_FEES)


def _is_fee_account(account: str) -> bool:
    return (
        account == RECEIVABLE_FEES
        or account.startswith(RECEIVABLE_FEES + ":")
        or _is_prepaid(account)
    )


def _waived_shares(entry: data.Transaction, waivers: dict[int, Decimal]) -> dict[str, Decimal]:
    """The waived part of a transaction, shared among the units its receivable credits name
    (as :func:`reports.subledgers.receivables` shares it)."""
    amount = waivers.get(id(entry), ZERO)
    if not amount:
        return {}
    credits: dict[str, Decimal] = {}
    for posting in entry.postings:
        account = posting.account
        if under(account, RECEIVABLE_FEES):
            number = posting.units.number if posting.units is not None else None
            if number is not None and number < 0:
                key = unit_of(posting, entry) or ""
                credits[key] = credits.get(key, ZERO) - number
    return allocate(amount, credits)


def _votes(
    community: Community, period: Period, wanted: set[str], masker: Policy
) -> dict[str, list[VoteRow]]:
    """The votes of each wanted unit up to the period's end."""
    votes_of: dict[str, list[VoteRow]] = {}
    for rid, votes in community.votes.items():
        resolution = community.resolutions.get(rid)
        for vote in votes:
            if vote.room in wanted and vote.date < period.end:
                votes_of.setdefault(vote.room, []).append(
                    VoteRow(
                        rid,
                        masker.text(resolution.title) if resolution else "",
                        vote.date,
                        CHOICES.get(vote.choice, vote.choice),
                    )
                )
    return votes_of


def _maintenance(report: UnitReport, ledger: MaintenanceLedger, masker: Policy) -> None:
    """The unit's share of each maintenance project and its sub-account's balance."""
    unit_fund = ledger.units.get(report.room)
    for project in ledger.projects:
        share = project.shares.get(report.room)
        if share:
            report.projects.append(
                ProjectShareRow(
                    project.date,
                    masker.text(project.narration),
                    project.resolution or project.emergency,
                    project.amount,
                    share,
                )
            )
    report.maintenance_balance = unit_fund.balance if unit_fund else ZERO


def _summary(
    report: UnitReport,
    sums: _Totals,
    opening: UnitArrears | None,
    unit_fund: UnitFund | None,
) -> list[SummaryRow]:
    return [
        SummaryRow("期初欠费 Arrears at start", opening.outstanding if opening else ZERO),
        SummaryRow("本期账单 Billed", sums.billed),
        SummaryRow("本期缴费 Paid", sums.paid),
        SummaryRow("本期减免 Waived", sums.waived),
        SummaryRow("期末欠费 Arrears at end", report.arrears),
        SummaryRow("预缴余额 Prepaid balance", sums.prepaid_balance),
        SummaryRow(
            "维修资金结转 Maintenance brought forward", unit_fund.opening if unit_fund else ZERO
        ),
        SummaryRow("维修资金缴存 Maintenance deposits", unit_fund.deposits if unit_fund else ZERO),
        SummaryRow("维修资金分摊 Maintenance costs", unit_fund.costs if unit_fund else ZERO),
        SummaryRow("维修资金利息 Maintenance interest", unit_fund.interest if unit_fund else ZERO),
        SummaryRow("维修资金余额 Maintenance balance", report.maintenance_balance),
    ]
