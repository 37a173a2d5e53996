"""Page models of the Fava extension: which report, for which period, as tables.

Every figure comes from the reports' and rules' own functions: ``reports.public``,
``reports.budget``, ``reports.audit`` and ``reports.unit`` ``compute``; the maintenance page from
``reports.subledgers.maintenance_ledger`` (projects, per-unit sub-accounts) and
``reports.common.allocate`` (the same split the sub-ledger makes), the vote page from
``trustfund.rules.tally.tally``. Nothing is computed twice here; this module only picks rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reports.common import Source
from reports.period import Period
from reports.table import Column, Report, Table

if TYPE_CHECKING:  # the maintenance ledger is imported when its page is asked for
    from ledger.community import Community
    from reports.subledgers import MaintenanceLedger, Project

MONEY = "money"


@dataclass(frozen=True, slots=True)
class RangePeriod(Period):
    """Any other range of Fava's time filter (``2025-01 - 2025-02``, a day, a week)."""

    @property
    def title(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%Y年%m月%d日}至{last:%Y年%m月%d日} / {self.start.isoformat()} to {last.isoformat()}"


def period_from(time_filter: str, date_range: Any, last_date: date | None) -> Period:
    """The report period for Fava's time filter (``g.filtered``).

    A filter that names a month, quarter or year is that period; any other range is used as
    is; no filter means the year of the ledger's last entry.
    """
    text = (time_filter or "").strip()
    if text:
        try:
            return Period.parse(text)
        except ValueError:
            pass
    if date_range is not None:
        begin, end = date_range.begin, date_range.end
        last = end - timedelta(days=1)
        return RangePeriod("range", begin, end, f"{begin.isoformat()}~{last.isoformat()}")
    year = (last_date or date.today()).year
    return Period.parse(str(year))


# ---------------------------------------------------------------------------------------------
# 维修资金: projects with their vote, documents and per-unit allocation


@dataclass
class PageReport(Report):
    """A report assembled here from the shared computations (same shape as ``reports``)."""

    table_list: list[Table] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return self.table_list


PROJECT_COLUMNS = (
    Column("no", "序号", "No.", "int"),
    Column("date", "日期", "Date", "date"),
    Column("narration", "项目", "Project", "text"),
    Column("payee", "收款方", "Payee", "text"),
    Column("amount", "金额", "Amount", MONEY),
    Column("resolution", "决议", "Resolution", "text"),
    Column("emergency", "应急", "Emergency", "text"),
    Column("scope", "列支范围", "Scope", "text"),
    Column("units", "分摊户数", "Units", "int"),
    Column("area", "分摊面积", "Area m²", "area"),
    Column("vote", "表决结果", "Vote", "text"),
    Column("contract", "合同", "Contract", "text"),
    Column("price_audit", "审价", "Price audit", "text"),
    Column("invoice", "发票", "Invoice", "text"),
)
ALLOCATION_COLUMNS = (
    Column("room", "房号", "Room", "text"),
    Column("area", "面积", "Area m²", "area"),
    Column("share", "分摊金额", "Share", MONEY),
)
UNIT_FUND_COLUMNS = (
    Column("room", "房号", "Room", "text"),
    Column("area", "面积", "Area m²", "area"),
    Column("deposits", "缴存", "Deposits", MONEY),
    Column("costs", "分摊支出", "Costs", MONEY),
    Column("interest", "利息", "Interest", MONEY),
    Column("balance", "余额", "Balance", MONEY),
    Column("low", "低于30%", "Below 30%", "bool"),
)


def _vote_text(community: Any, resolution_id: str, day: date) -> str:
    if not resolution_id or resolution_id not in community.resolutions:
        return ""
    from trustfund.rules.tally import tally

    result = tally(community, resolution_id)
    verdict = "通过 passed" if result.passed else "未通过 failed"
    return (
        f"{verdict}; 参与 area {result.participation_area_ratio:.2%} / head "
        f"{result.participation_headcount_ratio:.2%}; 同意 area {result.approval_area_ratio:.2%} / head "
        f"{result.approval_headcount_ratio:.2%}"
    )


def maintenance(
    source: Source,
    period: Period,
    project: int | None = None,
    *,
    unit_rows: int = 500,
    policy: Any = None,
) -> PageReport:
    """Projects of the period, the allocation of one project, and the unit sub-accounts.

    With a publication ``policy`` (the owners' site) texts and payees are published through it
    and the sub-accounts are summed by building unless the community publishes receipts by unit.
    """
    from reports.subledgers import maintenance_ledger

    community = source.community
    ledger = maintenance_ledger(source.entries, community, period.end)
    projects = [p for p in ledger.projects if p.date in period]
    rows = [_project_row(community, no, p, policy) for no, p in enumerate(projects, 1)]
    tables = [Table("projects", "维修项目", "Maintenance projects", PROJECT_COLUMNS, rows)]
    chosen = project if project is not None and 1 <= project <= len(projects) else len(projects)
    if projects:
        tables.append(_allocation(community, chosen, projects[chosen - 1], policy))
    tables.append(_unit_funds(ledger, period, unit_rows, policy))
    return PageReport(
        "maintenance",
        "维修资金",
        "Maintenance fund",
        period.label,
        period.title,
        source.title,
        table_list=tables,
    )


def _project_row(community: Community, no: int, p: Project, policy: Any) -> dict[str, Any]:
    from ledger.entries import meta_str

    return {
        "no": no,
        "date": p.date,
        "narration": policy.text(p.narration) if policy else p.narration,
        "payee": policy.party(p.payee, p.date) if policy else p.payee,
        "amount": p.amount,
        "resolution": p.resolution,
        "emergency": p.emergency,
        "scope": ",".join(p.scope) or "全部 all",
        "units": p.units,
        "area": p.area,
        "vote": _vote_text(community, p.resolution, p.date),
        "contract": meta_str(p.entry, "contract") or "",
        "price_audit": meta_str(p.entry, "price-audit") or "",
        "invoice": meta_str(p.entry, "invoice") or "",
    }


def _allocation(community: Community, chosen: int, p: Project, policy: Any) -> Table:
    """A project's cost shared by area over the units in its scope, as the maintenance
    fund's ledger allocated it (:func:`reports.subledgers.maintenance_ledger`)."""
    register = community.register_at(p.date)
    allocation = [
        {"room": room, "area": register[room].area, "share": share}
        for room, share in sorted(p.shares.items())
    ]
    return Table(
        "allocation",
        f"按面积分摊：{chosen}. {policy.text(p.narration) if policy else p.narration}",
        f"Allocation by area: project {chosen}",
        ALLOCATION_COLUMNS,
        allocation,
        total={"room": "合计 Total", "area": p.area, "share": p.allocated},
    )


def _unit_funds(ledger: MaintenanceLedger, period: Period, unit_rows: int, policy: Any) -> Table:
    """The units' sub-accounts (summed by building unless receipts are published by unit)."""
    funds = sorted(ledger.units.values(), key=lambda f: f.room)
    by_unit = policy is None or policy.publishes("receipts-by-unit", period.last_day)
    fund_rows = [
        {
            "room": f.room,
            "area": f.area,
            "deposits": f.deposits,
            "costs": f.costs,
            "interest": f.interest,
            "balance": f.balance,
            "low": f.low,
        }
        for f in funds
    ]
    if not by_unit:
        fund_rows = _unit_funds_by_building(fund_rows)
    note = ""
    if len(fund_rows) > unit_rows:
        note = f"前 {unit_rows} 户，完整清单见 XLSX / first {unit_rows} units; the XLSX has all {len(fund_rows)}"
    return Table(
        "unit-funds",
        "分户账" if by_unit else "分户账(按楼栋汇总)",
        "Per-unit sub-accounts" if by_unit else "Sub-accounts summed by building",
        UNIT_FUND_COLUMNS,
        fund_rows[:unit_rows] if unit_rows else fund_rows,
        total={
            "room": "合计 Total",
            "deposits": sum((f.deposits for f in funds), Decimal(0)),
            "costs": sum((f.costs for f in funds), Decimal(0)),
            "interest": sum((f.interest for f in funds), Decimal(0)),
            "balance": sum((f.balance for f in funds), Decimal(0)),
        },
        note=note,
    )


# ---------------------------------------------------------------------------------------------
# 投票: resolutions and their tallies

VOTE_COLUMNS = (
    Column("id", "决议", "Resolution", "text"),
    Column("date", "日期", "Date", "date"),
    Column("title", "事项", "Title", "text"),
    Column("matter", "类型", "Matter", "text"),
    Column("scope", "范围", "Scope", "text"),
    Column("close_date", "截止", "Closed", "date"),
    Column("scope_units", "范围户数", "Units in scope", "int"),
    Column("scope_area", "范围面积", "Area in scope", "area"),
    Column("scope_owners", "范围人数", "Owners in scope", "int"),
    Column("participating_area", "参与面积", "Participating area", "area"),
    Column("participating_owners", "参与人数", "Participating owners", "int"),
    Column("participation_area_ratio", "参与面积比", "Participation (area)", "ratio"),
    Column("participation_headcount_ratio", "参与人数比", "Participation (head)", "ratio"),
    Column("participation_rule", "参与规则", "Participation rule", "text"),
    Column("yes_area", "同意面积", "Yes area", "area"),
    Column("yes_owners", "同意人数", "Yes owners", "int"),
    Column("no_area", "反对面积", "No area", "area"),
    Column("no_owners", "反对人数", "No owners", "int"),
    Column("abstain_area", "弃权面积", "Abstain area", "area"),
    Column("abstain_owners", "弃权人数", "Abstain owners", "int"),
    Column("approval_area_ratio", "同意面积比", "Approval (area)", "ratio"),
    Column("approval_headcount_ratio", "同意人数比", "Approval (head)", "ratio"),
    Column("approval_rule", "表决规则", "Approval rule", "text"),
    Column("passed", "通过", "Passed", "bool"),
    Column("failed_tests", "未达标", "Failed tests", "text"),
)
BALLOT_COLUMNS = (
    Column("room", "房号", "Room", "text"),
    Column("area", "面积", "Area m²", "area"),
    Column("choice", "表决", "Choice", "text"),
    Column("date", "日期", "Date", "date"),
)


def _unit_funds_by_building(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        building = str(row["room"]).split("-", 1)[0]
        total = totals.setdefault(
            building,
            {
                "room": building,
                "area": Decimal(0),
                "deposits": Decimal(0),
                "costs": Decimal(0),
                "interest": Decimal(0),
                "balance": Decimal(0),
                "low": 0,
                "units": 0,
            },
        )
        for key in ("area", "deposits", "costs", "interest", "balance"):
            total[key] += row[key] or Decimal(0)
        total["units"] += 1
        total["low"] += 1 if row["low"] else 0
    out = []
    for building in sorted(totals, key=lambda b: (len(b), b)):
        total = totals[building]
        total["room"] = f"{building}号楼 ({total.pop('units')}户, {total['low']}户低于30%)"
        total["low"] = bool(total["low"])
        out.append(total)
    return out


def votes(
    source: Source, period: Period, resolution: str | None = None, *, policy: Any = None
) -> PageReport:
    """Resolutions dated up to the period's end, with their tallies; the ballots of one.

    With a publication ``policy`` (the owners' site) the ballots by room are shown only when
    the community publishes "votes-by-unit" (as of the vote's close); titles are masked text.
    """
    from trustfund.rules.tally import tally

    community = source.community
    rows = []
    for rid, res in sorted(community.resolutions.items(), key=lambda kv: (kv[1].date, kv[0])):
        if res.date >= period.end:
            continue
        t = tally(community, rid)
        rows.append(
            {
                "id": rid,
                "date": res.date,
                "title": policy.text(res.title) if policy else res.title,
                "matter": res.matter,
                "scope": ",".join(res.scope) or "全部 all",
                "close_date": t.close_date,
                "scope_units": t.scope_units,
                "scope_area": t.scope_area,
                "scope_owners": t.scope_owners,
                "participating_area": t.participating_area,
                "participating_owners": t.participating_owners,
                "participation_area_ratio": t.participation_area_ratio,
                "participation_headcount_ratio": t.participation_headcount_ratio,
                "participation_rule": str(t.participation_rule),
                "yes_area": t.yes_area,
                "yes_owners": t.yes_owners,
                "no_area": t.no_area,
                "no_owners": t.no_owners,
                "abstain_area": t.abstain_area,
                "abstain_owners": t.abstain_owners,
                "approval_area_ratio": t.approval_area_ratio,
                "approval_headcount_ratio": t.approval_headcount_ratio,
                "approval_rule": str(t.approval_rule),
                "passed": t.passed,
                "failed_tests": ", ".join(t.failed_tests),
            }
        )
    tables = [Table("resolutions", "业主大会决议", "Resolutions", VOTE_COLUMNS, rows)]
    chosen: str | None = (
        resolution
        if resolution in community.resolutions
        else (str(rows[-1]["id"]) if rows else None)
    )
    if chosen and policy is not None:
        close = community.closes.get(chosen)
        day = close.date if close else community.resolutions[chosen].date
        if not policy.publishes("votes-by-unit", day):
            chosen = None
    if chosen:
        res = community.resolutions[chosen]
        register_day = (
            community.closes[chosen].date
            if chosen in community.closes
            else (community.last_date or res.date)
        )
        register = community.register_at(register_day)
        ballots = [
            {
                "room": v.room,
                "area": register[v.room].area if v.room in register else None,
                "choice": v.choice,
                "date": v.date,
            }
            for v in sorted(community.votes.get(chosen, []), key=lambda v: v.room)
        ]
        tables.append(
            Table(
                "ballots",
                f"表决票：{chosen} {res.title}",
                f"Ballots of {chosen} (room and area only)",
                BALLOT_COLUMNS,
                ballots,
            )
        )
    return PageReport(
        "votes", "投票", "Votes", period.label, period.title, source.title, table_list=tables
    )
