"""``trustfund publish``: the owners' site as static files, for any static host.

    trustfund publish main.beancount -o ../site
    trustfund publish main.beancount -o ../site --site-url https://xinyi.example.org/

One load of the ledger, then everything the owners may see, built through the publication
module and its policy (:mod:`reports.publication`, DESIGN.md §7), the same figures as
``trustfund report public`` (:mod:`reports.public`, :mod:`reports.budget`):

- ``index.html``: fund balances, income and spending by month (chart and table), the list of
  months and years, links to everything else;
- ``m/YYYY-MM.html``: the 公示 of a month: funds, income and spending by category, every payment
  with its sign-offs, basis, invoice and contract, public-income contracts, remuneration,
  arrears by building (by unit when the community publishes it), the maintenance fund per
  building, the month's notices and seal;
- ``y/YYYY.html``: the year: month by month, categories, budget execution, contracts, and once
  the year is over its settlement (决算: surplus per fund, budget changes, the disposition of
  the surplus, the refund per unit);
- ``maintenance.html`` (projects with vote tally, contract, price audit, acceptance, cost per
  building), ``votes.html`` (resolutions and tallies), ``notices.html`` (公示 with their
  objection deadlines), ``seals.html`` (the hash of each sealed month);
- ``unit.html`` and ``u/NAME.json``: each unit's statement, encrypted for its access code
  (:mod:`trustfund.ops.unitpages`), opened in the browser with the code from the address's
  fragment;
- ``assets/`` (CSS, a little JavaScript, named by their content's hash) and ``manifest.json``
  (every file's SHA-256).

Pages are Chinese, phone first, readable with JavaScript off (tables; the charts and the unit
pages need it). Links are relative: the folder works on any host, under any path.

Writing (:func:`write_site`): every file is written to a temporary file in the folder and
renamed over the old one; a file whose content did not change is not touched (a unit's page is
decrypted and compared, its random nonce kept); leaf pages are written before the pages that
link to them, ``index.html`` and ``manifest.json`` last, files of the previous publication that
are gone are removed after. An interrupted run leaves the previous site whole (plus temporary
files, removed by the next run). A lock keeps two runs apart. The command refuses a non-empty
folder it did not publish into.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from ledger.writer import atomic_files, fsync_dir, sweep_temporaries
from reports.period import Period
from reports.table import Column, Table

MANIFEST = "manifest.json"
LOCK = ".trustfund-publish.lock"
TEMP_PREFIX = ".tmp-"  # the temporary files of earlier versions (now ledger.writer's)
GENERATOR = "trustfund publish"
#: Pages written last, in this order (they link to everything else).
LAST = ("index.html", MANIFEST)


class PublishError(Exception):
    """The site cannot be published as asked (the command says why)."""


# ---------------------------------------------------------------------------------------
# Cells as shown


def _zh(text: str) -> str:
    """The Chinese half of a bilingual label: ``已封存 sealed`` -> ``已封存``."""
    match = re.match(r"^(.*?[^\x00-\x7f][^A-Za-z]*?)\s+[A-Za-z(][A-Za-z0-9 ,.;:/()'\-]*$", text)
    return match.group(1).strip() if match else text


_FEN = Decimal("0.01")
#: Columns whose values are bilingual labels: the site shows their Chinese.
BILINGUAL_VALUES = frozenset({"name", "kind", "status", "fund_name", "item", "basis", "base_kind"})


def show(value: Any, kind: str, key: str = "") -> str:
    """A cell as text for the page (the reports' own formatting)."""
    from reports.format import display

    if type(value) is Decimal and kind == "money" and value == value.quantize(_FEN):
        return f"{value:,.2f}"
    if isinstance(value, bool) or kind == "bool":
        return "是" if value else ""
    text = display(value, kind)
    if key in BILINGUAL_VALUES and isinstance(value, str):
        text = _zh(text)
    return text


NUMERIC = frozenset({"money", "area", "int", "percent", "ratio"})


@dataclass
class Cell:
    label: str
    kind: str
    text: str
    value: str = ""  # the exact number behind a numeric cell (``data-value``)


def cell(label: str, kind: str, value: Any, key: str = "") -> Cell:
    exact = "" if value is None or kind not in NUMERIC or isinstance(value, bool) else str(value)
    return Cell(label, kind, show(value, kind, key), exact)


@dataclass
class ShownRow:
    cells: list[Cell]
    flag: bool = False


@dataclass
class ShownTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[ShownRow]
    total: list[Cell] | None = None
    note: str = ""


def shown(
    table: Table,
    *,
    title: str | None = None,
    skip: Iterable[str] = (),
    labels: dict[str, str] | None = None,
) -> ShownTable:
    """A report table as the page shows it (Chinese labels, formatted cells)."""
    hidden = set(skip) | {"location"}
    columns = [c for c in table.columns if c.key not in hidden]
    if labels:
        columns = [Column(c.key, labels.get(c.key, c.zh), c.en, c.kind) for c in columns]
    flags = table.flags()
    rows = []
    for row, flag in zip(table.dicts(), flags, strict=True):
        rows.append(ShownRow([cell(c.zh, c.kind, row.get(c.key), c.key) for c in columns], flag))
    total = None
    if table.total:
        total = []
        for c in columns:
            value = table.total.get(c.key)
            item = cell(c.zh, c.kind, value, c.key)
            if isinstance(value, str):
                item.text = _zh(item.text)
            total.append(item)
    return ShownTable(table.key, title or table.zh, columns, rows, total, _zh(table.note))


def _table(
    key: str, title: str, columns: Sequence[Column], rows: Sequence[dict[str, Any]]
) -> Table:
    return Table(key, title, "", tuple(columns), list(rows))


# ---------------------------------------------------------------------------------------
# The site's content


@dataclass
class Built:
    """What a publication consists of: path -> bytes, plus what the command reports."""

    files: dict[str, bytes] = field(default_factory=dict)
    units: dict[str, Any] = field(default_factory=dict)  # u/NAME.json -> (secret, statement)
    unit_pages: int = 0
    units_without_page: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


def _months(first: date, last: date) -> list[Period]:
    out = []
    day = date(first.year, first.month, 1)
    while day <= last:
        out.append(Period.month_of(day))
        day = out[-1].end
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SiteBuilder:
    """Everything the owners' site shows, from one loaded ledger."""

    def __init__(self, ledger: Any) -> None:
        from reports.common import resolve
        from reports.publication import Policy

        self.ledger = ledger
        self.src = resolve(ledger)
        self.community = self.src.community
        self.policy = Policy.of(ledger)
        title = str(self.src.title or "").strip()
        self.title = self.policy.text(title) or "业主公示"
        from reports.common import transactions

        txns = transactions(self.src.entries)
        if not txns:
            raise PublishError("the ledger has no transactions: nothing to publish")
        self.first = txns[0].date
        self.last = txns[-1].date
        self.months = _months(self.first, self.last)
        self.years = [Period.parse(str(y)) for y in range(self.first.year, self.last.year + 1)]
        self.span = Period("range", self.months[0].start, self.months[-1].end, "all")
        self.assets: dict[str, str] = {}
        self._env: Any = None

    # -- templates -------------------------------------------------------------------
    def env(self) -> Any:
        if self._env is None:
            import jinja2

            self._env = jinja2.Environment(
                loader=jinja2.PackageLoader("trustfund.web", "static_site"),
                autoescape=True,
                trim_blocks=True,
                lstrip_blocks=True,
                undefined=jinja2.StrictUndefined,
            )
        return self._env

    def render(self, template: str, path: str, **context: Any) -> bytes:
        depth = path.count("/")
        root = "../" * depth
        html = (
            self.env()
            .get_template(template)
            .render(
                root=root,
                assets=self.assets,
                site_title=self.title,
                path=path,
                data_until=self.last.isoformat(),
                **context,
            )
        )
        html = re.sub(r"\n\s*\n+", "\n", html)
        return html.encode("utf-8")

    def _assets(self, files: dict[str, bytes]) -> None:
        from importlib import resources

        folder = resources.files("trustfund.web").joinpath("static_site")
        for kind, name in (("css", "site.css"), ("js", "site.js"), ("unit", "unit.js")):
            data = folder.joinpath(name).read_bytes()
            stem, ext = name.rsplit(".", 1)
            path = f"assets/{stem}-{_sha(data)[:10]}.{ext}"
            files[path] = data
            self.assets[kind] = path

    # -- the whole site --------------------------------------------------------------
    def build(self) -> Built:
        from reports import series

        built = Built()
        self._assets(built.files)
        pairs = [(p.start, p.end) for p in (*self.months, *self.years)]
        pairs += [(y.start, y.start) for y in self.years]
        series.prime(self.src.entries, self.community, pairs)
        month_reports = {p.label: self.public(p) for p in self.months}
        year_reports = {p.label: self.public(p) for p in self.years}
        built.months = list(month_reports)
        for i, period in enumerate(self.months):
            previous = self.months[i - 1].label if i else None
            following = self.months[i + 1].label if i + 1 < len(self.months) else None
            path = f"m/{period.label}.html"
            built.files[path] = self.month_page(
                path, period, month_reports[period.label], previous, following
            )
        for period in self.years:
            path = f"y/{period.label}.html"
            months = [m for m in self.months if m.start.year == period.start.year]
            built.files[path] = self.year_page(
                path,
                period,
                year_reports[period.label],
                [(m, month_reports[m.label]) for m in months],
            )
        built.files["maintenance.html"] = self.maintenance_page("maintenance.html", month_reports)
        built.files["votes.html"] = self.votes_page("votes.html")
        built.files["notices.html"] = self.notices_page("notices.html")
        built.files["seals.html"] = self.seals_page("seals.html")
        built.files["checks.html"] = self.checks_page("checks.html")
        built.files["unit.html"] = self.render("unit.html", "unit.html", title="我的房屋")
        self.unit_files(built)
        built.files["index.html"] = self.index_page("index.html", month_reports, year_reports)
        return built

    # -- reports -----------------------------------------------------------------------
    def public(self, period: Period) -> Any:
        from reports import public

        return public.compute(self.src, period, policy=self.policy)

    def _period_note(self, period: Period) -> str:
        if period.end > self.last + timedelta(days=1):
            return f"本期尚未结束，数据截至 {self.last.isoformat()}"
        return ""

    # -- pages ---------------------------------------------------------------------------
    def index_page(self, path: str, months: dict[str, Any], years: dict[str, Any]) -> bytes:
        latest_label = self.months[-1].label
        latest = months[latest_label]
        funds = shown(
            latest.tables()[0],
            title=f"基金余额（截至 {self.last.isoformat()}）",
            skip=("transfers", "equity"),
        )
        chart = self.flow_chart(list(self.months[-24:]), months)
        by_year = []
        for year in reversed(self.years):
            rows = []
            for period in reversed([m for m in self.months if m.start.year == year.start.year]):
                report = months[period.label]
                common = _fund(report, "common")
                rows.append(
                    {
                        "label": period.label,
                        "href": f"m/{period.label}.html",
                        "income": show(common.income if common else None, "money"),
                        "expense": show(common.expense if common else None, "money"),
                        "payments": len(report.payments),
                    }
                )
            by_year.append({"label": year.label, "href": f"y/{year.label}.html", "months": rows})
        return self.render(
            "index.html",
            path,
            title="首页",
            funds=funds,
            chart=chart,
            by_year=by_year,
            latest=latest_label,
            note=self._period_note(self.months[-1]),
            findings=len(self.findings()),
        )

    def flow_chart(self, periods: list[Period], reports: dict[str, Any]) -> dict[str, Any]:
        """Income and spending of the common fund per month: chart data and its table."""
        labels, income, expense = [], [], []
        for period in periods:
            fund = _fund(reports[period.label], "common")
            labels.append(period.label)
            income.append(str(fund.income if fund else Decimal(0)))
            expense.append(str(fund.expense if fund else Decimal(0)))
        return {
            "kind": "bars",
            "title": "共同基金 每月收入与支出",
            "labels": labels,
            "series": [
                {"name": "收入", "values": income, "class": "in"},
                {"name": "支出", "values": expense, "class": "out"},
            ],
        }

    def month_page(
        self,
        path: str,
        period: Period,
        report: Any,
        previous: str | None,
        following: str | None,
    ) -> bytes:
        tables = {t.key: t for t in report.tables()}
        categories = self.category_chart(report)
        return self.render(
            "month.html",
            path,
            title=f"{period.start.year}年{period.start.month}月公示",
            period=period,
            note=self._period_note(period),
            funds=shown(tables["funds"]),
            categories=self.category_tables(report),
            category_chart=categories,
            payments=self.payment_cards(period, report),
            payment_total=show(sum((p.amount for p in report.payments), Decimal(0)), "money"),
            contracts=shown(tables["contracts"]),
            remuneration=shown(tables["remuneration"]),
            arrears=shown(tables["arrears"]),
            collection=shown(tables["collection"]),
            maintenance=shown(
                tables["maintenance_units"],
                labels=None if report.maintenance_by_unit else {"room": "楼栋"},
            ),
            notices=self.notice_rows(period),
            seal=shown(tables["seals"]),
            previous=previous,
            following=following,
        )

    def category_tables(self, report: Any) -> list[ShownTable]:
        """Income and spending by category, one short table per fund and direction."""
        from reports.common import FUND_LABELS

        out = []
        columns = [Column("label", "类别", ""), Column("amount", "金额", "", "money")]
        for fund, (zh, _en) in FUND_LABELS.items():
            for kind, word in (("收入", "收入"), ("支出", "支出")):
                rows = [
                    {"label": r.label, "amount": r.amount}
                    for r in report.categories
                    if r.fund == fund and r.kind.startswith(kind)
                ]
                if not rows:
                    continue
                table = Table(f"{fund}-{kind}", f"{zh} {word}", "", tuple(columns), rows)
                table.total = {
                    "label": "合计",
                    "amount": sum((r["amount"] for r in rows), Decimal(0)),
                }
                out.append(shown(table))
        return out

    def category_chart(self, report: Any) -> dict[str, Any]:
        labels, values, classes = [], [], []
        for row in report.categories:
            if row.fund != "common":
                continue
            labels.append(row.label)
            values.append(str(row.amount))
            classes.append("in" if row.kind.startswith("收入") else "out")
        return {
            "kind": "hbars",
            "title": "共同基金 收支分类",
            "labels": labels,
            "values": values,
            "classes": classes,
        }

    def payment_cards(self, period: Period, report: Any) -> list[dict[str, str]]:
        """Every payment of the month with its evidence (the public report's rows, plus the
        contract, price audit and acceptance the payment cites)."""
        from reports.common import payments_in

        infos = payments_in(self.src.entries, self.community, period.start, period.end)
        cards = []
        for index, row in enumerate(report.payments):
            info = infos[index] if index < len(infos) else None
            meta = (info.entry.meta or {}) if info is not None else {}
            extra = {}
            for key, label in (
                ("contract", "合同"),
                ("price-audit", "审价"),
                ("acceptance", "验收"),
            ):
                value = meta.get(key)
                if value:
                    extra[label] = str(self.policy.meta_value(key, value))
            cards.append(
                {
                    "date": row.date.isoformat(),
                    "payee": row.payee or "—",
                    "purpose": row.purpose,
                    "amount": show(row.amount, "money"),
                    "value": str(row.amount),
                    "fund": row.fund,
                    "account": row.account,
                    "approval": row.approval,
                    "signoffs": row.signoffs,
                    "basis": _zh(row.basis) if row.basis else "",
                    "invoice": str(row.invoice or ""),
                    "notice": row.notice_date.isoformat() if row.notice_date else "",
                    "large": row.large,
                    "extra": extra,
                }
            )
        return cards

    def notices(self) -> list[dict[str, Any]]:
        """Every notice (公示) of a payment, with its objection window and objections."""
        from reports.common import payments_in

        payments = payments_in(self.src.entries, self.community, self.span.start, self.span.end)
        by_approval: dict[str, list[Any]] = {}
        for pay in payments:
            for aid in pay.approvals:
                by_approval.setdefault(aid, []).append(pay)
        governance = getattr(self.community, "governance", None)
        out = []
        for aid, notices in self.community.notices.items():
            for notice in notices:
                deadline = getattr(notice, "deadline", None)
                if deadline is None:
                    status = "无异议期限"
                elif self.last <= deadline:
                    status = f"公示中，{deadline.isoformat()} 前可提出异议"
                else:
                    status = "公示期满"
                objections = []
                if governance is not None:
                    for objection in getattr(governance, "by_notice", {}).get(notice.id, []):
                        outcome = (
                            governance.outcome(objection.id)
                            if hasattr(governance, "outcome")
                            else None
                        )
                        objections.append(
                            {
                                "id": objection.id,
                                "date": objection.date.isoformat(),
                                "outcome": OUTCOMES.get(getattr(outcome, "outcome", ""), "待处理"),
                            }
                        )
                paid = [
                    {
                        "date": p.date.isoformat(),
                        "payee": self.policy.party(p.payee, p.date) or "—",
                        "amount": show(p.amount, "money"),
                        "month": f"m/{p.date:%Y-%m}.html",
                    }
                    for p in by_approval.get(aid, [])
                ]
                out.append(
                    {
                        "id": notice.id,
                        "approval": aid,
                        "date": notice.date,
                        "deadline": deadline,
                        "status": status,
                        "objections": objections,
                        "payments": paid,
                    }
                )
        out.sort(key=lambda n: (n["date"], n["id"]), reverse=True)
        return out

    def notice_rows(self, period: Period) -> list[dict[str, Any]]:
        return [n for n in self.notices() if n["date"] in period]

    def notices_page(self, path: str) -> bytes:
        return self.render("notices.html", path, title="公告与异议", notices=self.notices())

    def findings(self) -> list[dict[str, str]]:
        """The trust rules' findings as published (code and masked message, no file or line)."""
        from reports.publication import publish_errors

        return [
            {"code": str(getattr(error, "code", "") or ""), "message": str(error.message)}
            for error in publish_errors(getattr(self.ledger, "errors", []), self.policy)
        ]

    def checks_page(self, path: str) -> bytes:
        return self.render("checks.html", path, title="规则检查", findings=self.findings())

    def seals_page(self, path: str) -> bytes:
        from reports.public import SealRow, seal_rows

        rows: list[Any] = []
        for year in reversed(self.years):
            rows.extend(reversed(seal_rows(self.src, year)))
        table = Table("seals", "封存状态", "", SealRow.columns, rows)
        return self.render("seals.html", path, title="月度封存", seals=shown(table))

    def year_page(
        self, path: str, period: Period, report: Any, months: list[tuple[Period, Any]]
    ) -> bytes:
        from reports import budget

        tables = {t.key: t for t in report.tables()}
        by_month = []
        for month, month_report in months:
            common = _fund(month_report, "common")
            maintenance = _fund(month_report, "maintenance")
            by_month.append(
                {
                    "month": month.label,
                    "common_in": common.income if common else None,
                    "common_out": common.expense if common else None,
                    "maint_in": maintenance.income if maintenance else None,
                    "maint_out": maintenance.expense if maintenance else None,
                    "payments": len(month_report.payments),
                }
            )
        month_table = _table(
            "months",
            "每月收支",
            (
                Column("month", "月份", ""),
                Column("common_in", "共同基金收入", "", "money"),
                Column("common_out", "共同基金支出", "", "money"),
                Column("maint_in", "维修资金收入", "", "money"),
                Column("maint_out", "维修资金支出", "", "money"),
                Column("payments", "付款笔数", "", "int"),
            ),
            by_month,
        )
        budget_report = budget.compute(self.src, period, policy=self.policy)
        budget_tables = [shown(t) for t in budget_report.tables()]
        settlement_tables: list[ShownTable] = []
        settlement_notes: list[str] = []
        last = self.src.community.last_date
        if last is not None and last >= period.last_day:  # the year is over: its 决算
            from reports import settlement

            settled = settlement.compute(self.src, period, policy=self.policy)
            settlement_tables = [shown(t) for t in settled.tables() if t.key in SETTLEMENT_TABLES]
            settlement_notes = [_zh(n) for n in settled.notes if n not in budget_report.notes]
        return self.render(
            "year.html",
            path,
            title=f"{period.label}年度",
            period=period,
            note=self._period_note(period),
            chart=self.flow_chart([m for m, _ in months], {m.label: r for m, r in months}),
            months=shown(month_table),
            month_links=[m.label for m, _ in months],
            funds=shown(tables["funds"]),
            categories=shown(tables["categories"], skip=("fund",)),
            budget=budget_tables,
            budget_notes=[_zh(n) for n in budget_report.notes],
            settlement=settlement_tables,
            settlement_notes=settlement_notes,
            contracts=shown(tables["contracts"]),
            remuneration=shown(tables["remuneration"]),
            arrears=shown(tables["arrears"]),
            collection=shown(tables["collection"]),
        )

    def maintenance_page(self, path: str, months: dict[str, Any]) -> bytes:
        from ledger.community import building_of
        from reports.common import tally
        from reports.subledgers import maintenance_ledger

        latest = months[self.months[-1].label]
        per_building = shown(
            {t.key: t for t in latest.tables()}["maintenance_units"],
            title=f"{'各户' if latest.maintenance_by_unit else '各楼栋'}维修资金"
            f"（截至 {self.last.isoformat()}）",
            labels=None if latest.maintenance_by_unit else {"room": "楼栋"},
        )
        ledger = maintenance_ledger(self.src.entries, self.community, self.span.end)
        projects = []
        for project in reversed(ledger.projects):
            meta = project.entry.meta or {}
            documents = {}
            for key, label in (
                ("contract", "合同"),
                ("price-audit", "审价"),
                ("acceptance", "验收"),
                ("invoice", "发票"),
            ):
                value = meta.get(key)
                documents[label] = str(self.policy.meta_value(key, value)) if value else "未提供"
            vote = None
            if project.resolution:
                result = tally(self.community, project.resolution)
                resolution = self.community.resolutions.get(project.resolution)
                if result is not None:
                    vote = {
                        "id": project.resolution,
                        "title": self.policy.text(resolution.title) if resolution else "",
                        "passed": "通过" if result.passed else "未通过",
                        "participation": f"面积 {show(result.participation_area_ratio, 'percent')} / 人数 {show(result.participation_headcount_ratio, 'percent')}",
                        "approval": f"面积 {show(result.approval_area_ratio, 'percent')} / 人数 {show(result.approval_headcount_ratio, 'percent')}",
                        "rules": f"参与 {result.participation_rule}，同意 {result.approval_rule}",
                        "closed": result.close_date.isoformat() if result.close_date else "未截止",
                    }
            emergency = None
            if project.emergency:
                record = self.community.emergencies.get(project.emergency)
                emergency = {
                    "id": project.emergency,
                    "hazard": record.hazard if record else "",
                    "confirmation": self.policy.text(record.confirmation) if record else "",
                }
            shares: dict[str, Decimal] = {}
            for room, share in project.shares.items():
                building = building_of(room)
                shares[building] = shares.get(building, Decimal(0)) + share
            projects.append(
                {
                    "date": project.date.isoformat(),
                    "title": self.policy.text(project.narration) or "维修项目",
                    "payee": self.policy.party(project.payee, project.date) or "—",
                    "amount": show(project.amount, "money"),
                    "scope": "、".join(f"{b}号楼" for b in project.scope) or "全部楼栋",
                    "units": project.units,
                    "area": show(project.area, "area"),
                    "vote": vote,
                    "emergency": emergency,
                    "documents": documents,
                    "shares": [
                        (f"{b}号楼", show(v, "money"))
                        for b, v in sorted(shares.items(), key=lambda kv: _building_key(kv[0]))
                    ],
                    "month": f"m/{project.date:%Y-%m}.html",
                }
            )
        return self.render(
            "maintenance.html",
            path,
            title="维修资金",
            per_building=per_building,
            projects=projects,
        )

    def votes_page(self, path: str) -> bytes:
        from reports.common import tally

        resolutions = []
        for rid, resolution in sorted(
            self.community.resolutions.items(), key=lambda kv: (kv[1].date, kv[0]), reverse=True
        ):
            result = tally(self.community, rid)
            ballots = []
            if result is not None and self.policy.publishes(
                "votes-by-unit", result.close_date or resolution.date
            ):
                register = self.community.register_at(result.close_date or self.last)
                ballots = [
                    (
                        v.room,
                        show(register[v.room].area, "area") if v.room in register else "",
                        VOTE_WORDS.get(v.choice, v.choice),
                    )
                    for v in sorted(self.community.votes.get(rid, []), key=lambda v: v.room)
                ]
            resolutions.append(
                {
                    "id": rid,
                    "date": resolution.date.isoformat(),
                    "title": self.policy.text(resolution.title),
                    "matter": MATTERS.get(resolution.matter, resolution.matter),
                    "scope": "、".join(f"{b}号楼" for b in resolution.scope) or "全部楼栋",
                    "tally": None
                    if result is None
                    else {
                        "closed": result.close_date.isoformat() if result.close_date else "未截止",
                        "scope": f"{result.scope_units} 户 / {show(result.scope_area, 'area')} ㎡ / {result.scope_owners} 人",
                        "participation": f"面积 {show(result.participation_area_ratio, 'percent')}，人数 {show(result.participation_headcount_ratio, 'percent')}（规则 {result.participation_rule}）",
                        "yes": f"{show(result.yes_area, 'area')} ㎡ / {result.yes_owners} 人",
                        "no": f"{show(result.no_area, 'area')} ㎡ / {result.no_owners} 人",
                        "abstain": f"{show(result.abstain_area, 'area')} ㎡ / {result.abstain_owners} 人",
                        "approval": f"面积 {show(result.approval_area_ratio, 'percent')}，人数 {show(result.approval_headcount_ratio, 'percent')}（规则 {result.approval_rule}）",
                        "passed": "通过" if result.passed else "未通过",
                    },
                    "ballots": ballots,
                }
            )
        return self.render("votes.html", path, title="决议与表决", resolutions=resolutions)

    # -- unit pages --------------------------------------------------------------------
    def unit_files(self, built: Built) -> None:
        """One encrypted statement per unit with a usable access code (``u/NAME.json``)."""
        from reports.publication import access_digest
        from reports.unit import statements
        from trustfund.ops import unitpages

        secrets_of: dict[str, Any] = {}
        for room in sorted(self.community.units, key=_room_key):
            secret = unitpages.parse(access_digest(self.community, room))
            if secret is None:
                if access_digest(self.community, room) is not None:
                    built.units_without_page.append(room)
                continue
            secrets_of[room] = secret
        if not secrets_of:
            return
        rooms = list(secrets_of)
        per_year = [
            (year, statements(self.src, year, rooms, policy=self.policy))
            for year in reversed(self.years)
        ]
        for room, secret in secrets_of.items():
            statement = {
                "unit": room,
                "site": self.title,
                "asof": self.last.isoformat(),
                "years": [
                    {
                        "label": f"{year.label}年度",
                        "note": self._period_note(year),
                        "tables": [_plain(t) for t in reports[room].tables()],
                    }
                    for year, reports in per_year
                ],
            }
            path = f"u/{secret.name}.json"
            built.units[path] = (secret, statement)
        built.unit_pages = len(secrets_of)


def _plain(table: Table) -> dict[str, Any]:
    """A table of a unit's statement as the unit page shows it (what :func:`shown` gives, as
    plain lists: thousands of statements are made at once)."""
    columns = [c for c in table.columns if c.key != "location"]
    specs = [(c.key, c.kind) for c in columns]
    rows = [[show(row.get(key), kind, key) for key, kind in specs] for row in table.dicts()]
    total = None
    if table.total:
        total = []
        for key, kind in specs:
            value = table.total.get(key)
            text = show(value, kind, key)
            total.append(_zh(text) if isinstance(value, str) else text)
    return {
        "title": table.zh,
        "note": _zh(table.note),
        "columns": [c.zh for c in columns],
        "kinds": [kind for _, kind in specs],
        "rows": rows,
        "total": total,
    }


def _fund(report: Any, fund: str) -> Any:
    try:
        return report.fund(fund)
    except KeyError:
        return None


def _building_key(building: str) -> tuple[int, str]:
    return (int(building), "") if building.isdigit() else (10**9, building)


def _room_key(room: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (10**9, p) for p in room.split("-"))


#: The tables of the 决算 the year page shows (the lines are the budget execution's already).
SETTLEMENT_TABLES = ("funds", "changes", "dispositions", "refunds")
OUTCOMES = {"withdrawn": "已撤回", "dismissed": "不成立", "upheld": "成立，暂停付款"}
VOTE_WORDS = {"yes": "同意", "no": "反对", "abstain": "弃权"}
MATTERS = {
    "use-maintenance-fund": "使用维修资金",
    "raise-maintenance-fund": "筹集维修资金",
    "rebuild": "改建、重建",
    "change-use": "改变共有部分用途",
    "budget": "预算",
}


# ---------------------------------------------------------------------------------------
# Writing the folder


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    largest_gzip: tuple[str, int] = ("", 0)


def _order(path: str) -> tuple[int, str]:
    if path in LAST:
        return (3 + LAST.index(path), path)
    if path.startswith("assets/"):
        return (0, path)
    if path.startswith("u/"):
        return (1, path)
    return (2, path)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _previous_manifest(folder: Path) -> dict[str, Any] | None:
    data = _read(folder / MANIFEST)
    if data is None:
        return None
    try:
        manifest = json.loads(data)
    except ValueError:
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        return None
    return manifest


def check_folder(folder: Path, ledger_root: Path) -> None:
    """Refuse a folder inside the ledger, or a non-empty one this command did not publish."""
    folder = folder.resolve()
    root = ledger_root.resolve()
    if folder == root or root in folder.parents:
        raise PublishError(
            f"{folder} is inside the ledger folder {root}: publish the site elsewhere (-o ../site)"
        )
    if folder.exists() and not folder.is_dir():
        raise PublishError(f"{folder} exists and is not a folder")
    if folder.is_dir() and _previous_manifest(folder) is None:
        visible = [p for p in folder.iterdir() if not p.name.startswith(".")]
        if visible:
            raise PublishError(
                f"{folder} is not empty and holds no site published by trustfund "
                f"({MANIFEST}): choose an empty or new folder"
            )


def write_site(built: Built, folder: Path) -> WriteResult:
    """Write the site into ``folder``: only what changed, each file atomically, links last."""
    from filelock import FileLock, Timeout

    from trustfund.ops import unitpages

    folder.mkdir(parents=True, exist_ok=True)
    result = WriteResult()
    try:
        lock = FileLock(str(folder / LOCK), timeout=0)
        lock.acquire()
    except Timeout:
        raise PublishError(
            f"another publish is writing {folder}: try again when it is done"
        ) from None
    try:
        sweep_temporaries(folder)  # left by an interrupted run
        for stale in folder.rglob(f"{TEMP_PREFIX}*"):  # … of a version before the clean-up
            with contextlib.suppress(OSError):
                stale.unlink()
        files = dict(built.files)
        for path, (secret, statement) in built.units.items():
            old = _read(folder / path)
            if old is not None:
                with contextlib.suppress(ValueError):
                    blob = json.loads(old)
                    if isinstance(blob, dict) and unitpages.decrypt(secret, blob) == statement:
                        files[path] = old  # the same statement: keep the file (and its nonce)
                        continue
            blob = unitpages.encrypt(secret, statement)
            files[path] = json.dumps(blob, separators=(",", ":")).encode("ascii")
        previous = _previous_manifest(folder) or {}
        manifest = {
            "generator": GENERATOR,
            "data_until": built.months[-1] if built.months else "",
            "files": {path: _sha(data) for path, data in sorted(files.items())},
        }
        files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode()
        changed: list[str] = []
        for path in sorted(files, key=_order):
            data = files[path]
            size = len(gzip.compress(data, 6)) if path.endswith(".html") else 0
            if size > result.largest_gzip[1]:
                result.largest_gzip = (path, size)
            if _read(folder / path) == data:
                result.unchanged += 1
            else:
                changed.append(path)
        # each file atomically, made durable together, renamed in order (links last)
        atomic_files([(folder / path, files[path]) for path in changed])
        result.written = changed
        for path in sorted(previous.get("files", {})):
            if path in files or not _safe_relative(path):
                continue
            with contextlib.suppress(FileNotFoundError):
                (folder / path).unlink()
                result.removed.append(path)
        fsync_dir(folder)
    finally:
        lock.release()
    return result


def _safe_relative(path: str) -> bool:
    return bool(re.fullmatch(r"(assets|u|m|y)/[A-Za-z0-9._-]+|[A-Za-z0-9._-]+", path))


def publish(ledger: Any, folder: Path) -> tuple[Built, WriteResult]:
    """Build the site of a loaded ledger and write it into ``folder``."""
    built = SiteBuilder(ledger).build()
    return built, write_site(built, folder)


def site_url_of(community: Any, option: str | None) -> str | None:
    """The site's address: ``--site-url`` when given, else the ledger's latest ``tf-site``."""
    if option:
        return option
    values = community.site.all() if hasattr(community, "site") else []
    return values[-1].url if values else None


@click.command("publish")
@click.argument("ledger_path", metavar="[LEDGER]", required=False, default="main.beancount")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Folder of the static site (created; only changed files are rewritten).",
)
def publish_cmd(ledger_path: str, output: Path) -> None:
    """Write the owners' site (公示) as static files for any static host.

    HTML, CSS, a little JavaScript and JSON, built through the publication policy: the same
    figures as `trustfund report public`, private names masked, room-level detail only where the
    community publishes it (tf-publish). Each unit's statement is encrypted for its access code
    (trustfund codes) and opened in the browser.
    """
    from ledger.loader import load, resolve_ledger

    main = resolve_ledger(ledger_path)
    # A one-shot command over an acyclic ledger: no garbage-collection passes over its millions
    # of objects (a third of the load at 100k transactions; `cli.run` exits without teardown).
    gc.disable()
    try:
        check_folder(output, main.parent)
        ledger = load(main)
        built, result = publish(ledger, output)
    except PublishError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        gc.enable()
    pages = sum(1 for p in built.files if p.endswith(".html"))
    click.echo(
        f"site in {output}: {pages} pages, {built.unit_pages} unit pages; "
        f"{len(result.written)} file(s) written, {result.unchanged} unchanged, "
        f"{len(result.removed)} removed"
    )
    if built.units_without_page:
        shown_units = ", ".join(built.units_without_page[:10])
        more = len(built.units_without_page) - 10
        click.echo(
            f"note: {len(built.units_without_page)} unit(s) have a code hashed too weakly for a "
            f"static page ({shown_units}{f' and {more} more' if more > 0 else ''}): issue new "
            "codes with `trustfund codes --rotate UNIT` (or --all)",
            err=True,
        )
    units_with_code = len(built.units) + len(built.units_without_page)
    if units_with_code == 0:
        click.echo(
            "note: no unit has an access code yet: `trustfund codes --site-url URL` makes them",
            err=True,
        )


__all__ = [
    "Built",
    "PublishError",
    "SiteBuilder",
    "WriteResult",
    "check_folder",
    "publish",
    "publish_cmd",
    "site_url_of",
    "write_site",
]
