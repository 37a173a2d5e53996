"""trustfund pages inside Fava: 公示, 预算执行, 决算, 维修资金, 投票, 审计, 我的房屋.

Enable in the ledger::

    2024-01-01 custom "fava-extension" "trustfund.web.extension"

Each page is one extension class (one sidebar link) that shows the tables of a report
(``reports.public``, ``reports.budget``, ``reports.settlement``, ``reports.audit``,
``reports.unit``, each imported when its page is first asked for) or of
:mod:`trustfund.web.views` for the period of Fava's time filter (no filter: the year of the last
entry). Each page has two read-only GET endpoints: ``xlsx`` (the reports' XLSX renderer) and
``json`` (the same rows as JSON). Nothing here writes to the ledger.

On the owners' site (:mod:`trustfund.web.public`) every page computes from the private ledger
and publishes through the one policy (:mod:`reports.publication`); the unit page answers only
with the unit's access code (``?unit=3-1-101&code=…``, :mod:`trustfund.web.access`).
"""

from __future__ import annotations

import re
from typing import Any

from flask import request

from trustfund.web import pages as _pages
from trustfund.web import views

ROOM_RE = re.compile(r"^[0-9A-Za-z\-]{1,32}$")
RESOLUTION_RE = re.compile(r"^[0-9A-Za-z\-_.]{1,64}$")


class PublicBalance(_pages.TrustPage):
    """公示: fund balances, income and expense, payments, arrears, maintenance fund per unit."""

    report_title = "公示 Public balance"
    kind = "public"

    def report(self) -> Any:
        from reports import public

        return public.compute(self.source(), self.period(), policy=self.policy())


class BudgetExecution(_pages.TrustPage):
    """预算执行: budget against actual for the period and the year to date."""

    report_title = "预算执行 Budget"
    kind = "budget"

    def report(self) -> Any:
        from reports import budget

        return budget.compute(self.source(), self.period(), policy=self.policy())


class Settlement(_pages.TrustPage):
    """决算: the year's income and spending against the budget, the surplus or deficit of each
    fund and what the owners decided to do with it (a month or quarter filter shows its year)."""

    report_title = "决算 Settlement"
    kind = "settlement"

    def report(self) -> Any:
        from reports import settlement
        from reports.period import Period

        year = Period.parse(f"{self.period().start.year:04d}")
        return settlement.compute(self.source(), year, policy=self.policy())


class MaintenanceFund(_pages.TrustPage):
    """维修资金: projects with their vote, documents and per-unit allocation."""

    report_title = "维修资金 Maintenance fund"
    kind = "maintenance"

    def report(self) -> Any:
        project = request.args.get("project", "")
        return views.maintenance(
            self.source(),
            self.period(),
            int(project) if project.isdigit() and len(project) < 7 else None,
            policy=self.policy() if self.public else None,
        )


class Votes(_pages.TrustPage):
    """投票: resolutions and their tallies (room and area only, no names)."""

    report_title = "投票 Votes"
    kind = "votes"

    def report(self) -> Any:
        resolution = request.args.get("resolution", "")
        return views.votes(
            self.source(),
            self.period(),
            resolution if RESOLUTION_RE.match(resolution) else None,
            policy=self.policy() if self.public else None,
        )


class SpecialAudit(_pages.TrustPage):
    """审计: the special audit, one row per check."""

    report_title = "审计 Audit"
    kind = "audit"

    def report(self) -> Any:
        from reports import audit

        report = audit.compute(self.source(), self.period())
        if self.public:
            from reports.publication import publish_report

            return publish_report(report, self.policy())
        return report


class MyUnit(_pages.TrustPage):
    """我的房屋: one unit's statement (bills, payments, prepaid, arrears, maintenance, votes).

    On the owners' site only with the unit's access code: ``?unit=3-1-101&code=ABCDE-FGHJK``.
    """

    report_title = "我的房屋 My unit"
    kind = "unit"

    def room(self) -> str:
        room = (request.args.get("unit") or request.args.get("room") or "").strip()
        return room if ROOM_RE.match(room) else ""

    def code(self) -> str:
        return request.args.get("code", "")[:64]

    def page(self) -> dict[str, Any]:
        from trustfund.web.access import HOW_TO_GET_A_CODE

        if not self.room() or (self.public and not self.code().strip()):
            return {
                "error": "",
                "tables": [],
                "report": None,
                "ask_room": True,
                "hint": HOW_TO_GET_A_CODE if self.public else "",
            }
        return super().page()

    def authorize(self) -> None:
        if not self.public:
            return  # the committee's Fava shows every unit
        from trustfund.web.access import check_access

        check_access(self.source().community, self.room(), self.code(), request.remote_addr or "")

    def report(self) -> Any:
        room = self.room()
        if not room:
            raise ValueError("请输入房号 enter a room number")
        if room not in self.source().community.units:
            raise ValueError(f"没有房号 {room} / no such unit")
        from reports import unit

        return unit.compute(self.source(), self.period(), room, policy=self.policy())


#: The pages, in sidebar order.
PAGES: tuple[type[_pages.TrustPage], ...] = (
    PublicBalance,
    BudgetExecution,
    Settlement,
    MaintenanceFund,
    Votes,
    SpecialAudit,
    MyUnit,
)
