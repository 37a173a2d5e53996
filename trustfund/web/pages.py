"""The base class of the trustfund Fava pages and how they format cells.

It lives apart from :mod:`trustfund.web.extension` because Fava registers every
``FavaExtensionBase`` subclass found in the extension module, and this base is not a page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fava.context import g
from fava.ext import FavaExtensionBase, extension_endpoint
from flask import abort, jsonify, request
from flask.wrappers import Response

from trustfund.web import views

PAGE_ROWS = 1000  # rows a table shows on the page; the XLSX download has them all
NUMERIC_KINDS = frozenset({"money", "area", "int", "ratio", "percent"})
REPORT_CACHE_SIZE = 32  # reports kept per page (period × room/project/resolution)


def format_value(value: Any, kind: str) -> str:
    """A cell as shown on a page: the reports' own formatting (``reports.format.display``)."""
    from reports.format import display

    if isinstance(value, bool) or kind == "bool":
        return "是 yes" if value else "否 no"
    return display(value, kind)


def raw_value(value: Any) -> str:
    """The exact value behind a cell (``data-value``), for tests and copy-paste."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class TrustPage(FavaExtensionBase):
    """Shared behaviour of the trustfund pages (not itself a page)."""

    report_title: str | None = None
    kind = ""
    zh = ""
    en = ""

    def __init__(self, ledger: Any, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._source: Any = None
        self._source_key: int | None = None
        self._reports: dict[tuple[str, ...], Any] = {}

    def after_load_file(self) -> None:
        self._source = None
        self._source_key = None
        self._reports = {}

    # -- the two sites ----------------------------------------------------------------------
    def site(self) -> Any:
        """The owners' site behind this ledger (:class:`trustfund.web.public.Site`), or None on
        the committee's Fava."""
        from trustfund.web.public import site_of

        return site_of(self.ledger)

    @property
    def public(self) -> bool:
        return self.site() is not None

    def policy(self) -> Any:
        """The publication policy: what the owners may see (also used by the committee's
        public and budget pages, which show what is published)."""
        from reports.publication import Policy

        site = self.site()
        return site.policy if site is not None else Policy.of(self.source())

    def authorize(self) -> None:
        """Raise :class:`trustfund.web.access.AccessDenied` when the request may not see the page."""

    def cached_report(self) -> Any:
        """:meth:`report`, computed once per ledger load, period and page arguments."""
        self.authorize()
        self.source()  # resets the cache when the ledger was reloaded
        key = (
            request.args.get("time", ""),
            *(f"{k}={v}" for k, v in sorted(self.query_args().items())),
        )
        report = self._reports.get(key)
        if report is None:
            report = self.report()
            if len(self._reports) >= REPORT_CACHE_SIZE:
                self._reports.pop(next(iter(self._reports)))
            self._reports[key] = report
        return report

    # -- data -----------------------------------------------------------------------------
    def source(self) -> Any:
        """The ledger as the reports take it (built once per load of the ledger)."""
        from ledger.community import build_community
        from reports.common import Source

        site = self.site()
        if site is not None:  # the owners' site: reports from the private ledger, published
            if self._source is not site.source:
                self._reports = {}
                self._source = site.source
            return self._source
        entries: Any = self.ledger.all_entries
        if self._source is None or self._source_key != id(entries):
            self._reports = {}
            community, _ = build_community(entries)
            options: Any = self.ledger.options
            self._source = Source(
                entries,
                community,
                list(self.ledger.errors),
                options,
                str(options.get("title", "") or ""),
            )
            self._source_key = id(entries)
        return self._source

    def period(self) -> Any:
        from fava.core.filters import FilterError

        try:
            filtered = g.filtered
            date_range = filtered.date_range
            transactions = self.ledger.all_entries_by_type.Transaction
            last = transactions[-1].date if transactions else self.source().community.last_date
            return views.period_from(request.args.get("time", ""), date_range, last)
        except FilterError as exc:  # a time filter Fava cannot read: say so (400 for endpoints)
            raise ValueError(f"时间筛选无效 invalid time filter: {exc.message}") from exc
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"时间筛选无效 invalid time filter: {exc}") from exc

    def report(self) -> Any:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def page(self) -> dict[str, Any]:
        """What the template shows: the report's tables, or why there are none."""
        from trustfund.web.access import AccessDenied

        try:
            report = self.cached_report()
        except AccessDenied as exc:
            return {"error": exc.message, "tables": [], "report": None, "denied": True}
        except ImportError as exc:
            return {
                "error": f"报表模块未安装 report module missing: {exc.name}",
                "tables": [],
                "report": None,
            }
        except ValueError as exc:
            return {"error": str(exc), "tables": [], "report": None}
        return {"error": "", "tables": report.tables(), "report": report}

    def cells(self, table: Any) -> list[list[tuple[str, str, str, str]]]:
        """Rows of (key, kind, shown text, exact value) for the template, at most :data:`PAGE_ROWS`.

        The exact value (``data-value``) is given for numbers only, to keep big pages small.
        """
        out = []
        for row in table.dicts()[:PAGE_ROWS]:
            out.append(
                [
                    (
                        c.key,
                        c.kind,
                        format_value(row.get(c.key), c.kind),
                        raw_value(row.get(c.key)) if c.kind in NUMERIC_KINDS else "",
                    )
                    for c in table.columns
                ]
            )
        return out

    def truncated(self, table: Any) -> int:
        """How many rows of ``table`` the page leaves to the XLSX download (0: none)."""
        return max(0, len(table.rows) - PAGE_ROWS)

    def total_cells(self, table: Any) -> list[tuple[str, str, str, str]] | None:
        if not table.total:
            return None
        return [
            (
                c.key,
                c.kind,
                format_value(table.total.get(c.key), c.kind),
                raw_value(table.total.get(c.key)),
            )
            for c in table.columns
        ]

    PAGE_ARGS = ("unit", "room", "code", "project", "resolution")

    def query_args(self) -> dict[str, str]:
        """Page arguments to keep in links (unit, code, project, resolution)."""
        return {k: v for k, v in request.args.items() if k in self.PAGE_ARGS}

    def endpoint_url(self, endpoint: str) -> str:
        """URL of one of this page's endpoints, keeping the period and page arguments."""
        from urllib.parse import urlencode

        keep = {k: v for k, v in request.args.items() if k in ("time", *self.PAGE_ARGS)}
        base = request.path if request.path.endswith("/") else request.path.rsplit("/", 1)[0] + "/"
        return base + endpoint + (("?" + urlencode(keep)) if keep else "")

    def time_arg(self) -> str:
        return request.args.get("time", "")

    def sibling_pages(self) -> list[tuple[str, str]]:
        from trustfund.web.extension import PAGES

        return [(cls.__name__, cls.report_title or cls.__name__) for cls in PAGES]

    # -- endpoints (GET only, read-only) ----------------------------------------------------
    @extension_endpoint
    def xlsx(self) -> Response:
        """The page's report as an XLSX workbook (the reports' renderer)."""
        report = self._report_or_400()
        data = xlsx_bytes(report)
        name = f"{report.kind}-{report.period_label}.xlsx".replace("~", "_")
        from urllib.parse import quote

        return Response(
            data,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )

    def _report_or_400(self) -> Any:
        """The report; a bad request (no or unknown room) is a 400, not a 500 (probe test);
        no or a wrong code 403, too many tries 429."""
        from trustfund.web.access import AccessDenied

        try:
            return self.cached_report()
        except AccessDenied as exc:
            response = jsonify({"error": exc.message})
            response.status_code = exc.status
            abort(response)
        except ValueError as exc:
            response = jsonify({"error": str(exc)})
            response.status_code = 400
            abort(response)

    @extension_endpoint
    def json(self) -> Response:
        """The page's rows as JSON (Decimals as strings)."""
        report = self._report_or_400()
        tables = [
            {
                "key": t.key,
                "title": t.title,
                "columns": [c.key for c in t.columns],
                "rows": [{k: raw_value(v) for k, v in row.items()} for row in t.dicts()],
                "total": {k: raw_value(v) for k, v in (t.total or {}).items()} or None,
            }
            for t in report.tables()
        ]
        return jsonify({"kind": report.kind, "period": report.period_label, "tables": tables})


def xlsx_bytes(report: Any) -> bytes:
    """The report as XLSX, by the reports' renderer (``reports.render_xlsx.render``)."""
    from reports import render_xlsx

    return bytes(render_xlsx.render(report))
