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

from ledger.accounts import PREPAID_FEES, RECEIVABLE_FEES
from ledger.community import Community, building_of
from ledger.errors import location
from reports.common import ZERO, resolve, transactions, unit_of
from reports.period import Period
from reports.publication import Policy
from reports.subledgers import maintenance_ledger, receivables
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
    wanted = set(rooms)
    reports: dict[str, UnitReport] = {}
    totals: dict[str, list[Decimal]] = {}  # room -> [billed, paid, prepaid in, used, balance]
    for room in rooms:
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
        reports[room] = report
        totals[room] = [ZERO, ZERO, ZERO, ZERO, ZERO]

    for entry in transactions(entries, None, period.end):
        for posting in entry.postings:
            account = posting.account
            is_receivable = account == RECEIVABLE_FEES or account.startswith(RECEIVABLE_FEES + ":")
            is_prepaid = account == PREPAID_FEES or account.startswith(PREPAID_FEES + ":")
            if not (is_receivable or is_prepaid):
                continue
            owner_unit = unit_of(posting, entry)
            if owner_unit is None or owner_unit not in wanted:
                continue
            units = posting.units
            if units is None or units.number is None:
                continue
            number = units.number
            sums = totals[owner_unit]
            if is_prepaid:
                sums[4] -= number
            if entry.date < period.start:
                continue
            if is_receivable:
                kind = "账单 bill" if number > 0 else "缴费 payment"
                if number > 0:
                    sums[0] += number
                else:
                    sums[1] -= number
            else:
                kind = "预缴 prepayment" if number < 0 else "预缴抵扣 prepayment applied"
                if number < 0:
                    sums[2] -= number
                else:
                    sums[3] += number
            reports[owner_unit].lines.append(
                LineRow(
                    entry.date,
                    kind,
                    masker.text(entry.narration),
                    masker.account(account),
                    abs(number),
                    location(entry.meta),
                )
            )

    rec = receivables(entries, period.start, period.end)
    opening_rec = receivables(entries, period.start, period.start)
    ledger = maintenance_ledger(entries, community, period.end)
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
    for room, report in reports.items():
        billed, paid, _prepaid_in, _prepaid_used, prepaid_balance = totals[room]
        state = rec.units.get(room)
        opening = opening_rec.units.get(room)
        if state is not None:
            for day, remaining, place in state.open_bills:
                report.open_bills.append(
                    OpenBillRow(day, remaining, (period.last_day - day).days, place)
                )
            report.arrears = state.outstanding
        unit_fund = ledger.units.get(room)
        for project in ledger.projects:
            share = project.shares.get(room)
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
        report.votes = sorted(votes_of.get(room, []), key=lambda v: (v.date, v.resolution))
        report.summary = [
            SummaryRow("期初欠费 Arrears at start", opening.outstanding if opening else ZERO),
            SummaryRow("本期账单 Billed", billed),
            SummaryRow("本期缴费 Paid", paid),
            SummaryRow("期末欠费 Arrears at end", report.arrears),
            SummaryRow("预缴余额 Prepaid balance", prepaid_balance),
            SummaryRow(
                "维修资金结转 Maintenance brought forward",
                unit_fund.opening if unit_fund else ZERO,
            ),
            SummaryRow(
                "维修资金缴存 Maintenance deposits", unit_fund.deposits if unit_fund else ZERO
            ),
            SummaryRow("维修资金分摊 Maintenance costs", unit_fund.costs if unit_fund else ZERO),
            SummaryRow(
                "维修资金利息 Maintenance interest", unit_fund.interest if unit_fund else ZERO
            ),
            SummaryRow("维修资金余额 Maintenance balance", report.maintenance_balance),
        ]
    return reports
