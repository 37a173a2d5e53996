"""Fava for the committee, and the owners' public site.

``create_app(ledger_path, public=False)`` is Fava itself on the ledger (the ledger registers the
extension with ``custom "fava-extension" "trustfund.web.extension"``).

``create_app(ledger_path, public=True)`` is the owners' site:

- Fava runs on the **publication** (:mod:`reports.publication` through
  :class:`trustfund.web.public.Publication`), held in memory, never on the source ledger: no
  private file is named, no server path appears, owners' receipts are daily totals per building
  unless the community publishes them by unit. It is regenerated when a file of the source
  ledger changes; ``serve`` does it in a thread and swaps the new ledger in when it is ready.
- Answers are cached in memory (:class:`ResponseCache`) until the publication changes: the
  site is read-only, so a warm page is a look-up (the unit page, which needs its code, never).
  The cache is an LRU bounded in bytes and entries; its key keeps only the parameters a page
  reads, normalised (:func:`cache_key`), so random query strings share one entry instead of
  growing it; concurrent requests for a page not yet cached wait for the first one.
- It lands on the 公示 page (Fava's ``default-page``, unless the ledger sets its own).
- Fava's read-only mode, plus an allow-list of routes: the editor, raw source, entry context,
  file downloads (``download-journal``, ``download-query``, ``statement``), importing, options and
  free-form queries answer 403; every request other than GET/HEAD answers 405.
- Documents: only ``document`` entries marked ``public: TRUE`` whose file lies inside the ledger
  folder after resolving links, re-checked at every request.
- Every bad query parameter is a 400 with a message, on both sites (:func:`check_params`).
- Big ledgers, on both sites: the account journal is paged (:func:`paged_account_report`):
  the latest entries of the selected period, whole days up to :data:`ACCOUNT_JOURNAL_LIMIT`
  entries and :data:`POSTING_BUDGET` postings, with links to the earlier ones and to each month
  (Fava's own is one unpaginated page: 164 MB for the bank account at 100k transactions); the
  journal pages hold at most :data:`JOURNAL_PAGE_SIZE` entries and :data:`POSTING_BUDGET`
  postings each. No page exceeds 2 MB.
- Chinese interface by default (the publication sets ``fava-option "language" "zh"``).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from flask import Flask, abort, jsonify, request
from flask.wrappers import Response

from trustfund.web import fava_compat
from trustfund.web.public import Publication, site_of

ACCOUNT_JOURNAL_LIMIT = 300
JOURNAL_PAGE_SIZE = 300
POSTING_BUDGET = 2500  # postings a page may show (about 1 MB of Fava's journal HTML)

#: Fava's client-side pages the owners may open.
PUBLIC_REPORTS = frozenset(
    {
        "balance_sheet",
        "income_statement",
        "trial_balance",
        "journal",
        "holdings",
        "commodities",
        "documents",
        "events",
        "statistics",
        "errors",
    }
)
#: Fava's Flask endpoints the owners may reach (GET only); everything else is 403.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "index",
        "account",
        "holdings_by",
        "help_page",
        "jump",
        "report",
        "extension_report",
        "extension_endpoint",
        "extension_js_module",
        "document",
        "json_api.get_changed",
        "json_api.get_errors",
        "json_api.get_ledger_data",
        "json_api.get_journal_page",
        "json_api.get_account_report",
        "json_api.get_balance_sheet",
        "json_api.get_income_statement",
        "json_api.get_trial_balance",
        "json_api.get_events",
        "json_api.get_commodities",
        "json_api.get_documents",
        "json_api.get_statistics",
        "json_api.get_help",
    }
)
#: CSS injected into the public site's pages: no links to what is switched off.
HIDE_CSS = (
    '<style id="trustfund-public">'
    'a[href*="/editor/"],a[href*="/query/"],a[href*="/import/"],a[href*="/options/"],'
    'a[href="#add-transaction"],a[href="#export"],a.add-transaction,'
    'a[href*="download-journal"],a[href*="download-query"]{display:none!important}'
    "</style>"
)
MAX_PARAM = 500  # characters a query parameter may have
_CONVERSION_RE = re.compile(
    r"^(at_cost|at_value|units|[A-Z][A-Z0-9'._-]{0,23}(,[A-Z][A-Z0-9'._-]{0,23})*)$"
)
_INTERVALS = frozenset({"", "year", "quarter", "month", "week", "day"})


def bad_request(message: str) -> Response:
    """A 400 with its reason: JSON for the API, a short page otherwise."""
    if "/api/" in request.path or request.path.rstrip("/").endswith(("/json", "/xlsx")):
        response = jsonify({"error": message})
    else:
        from markupsafe import escape

        response = Response(
            f"<!doctype html><meta charset=utf-8><title>400</title><p>{escape(message)}</p>",
            mimetype="text/html",
        )
    response.status_code = 400
    return response


def check_params() -> Response | None:
    """Every query parameter readable, else a 400 naming it (never a 500 further on).

    Fava's time, account and advanced filters are applied here, inside a ``try``: a time such as
    ``0001`` (whose day before does not exist) or ``2025-13`` is a bad request, not a crash.
    """
    from fava.context import g

    for key, value in request.args.items(multi=True):
        if "\x00" in value or "\x00" in key:
            return bad_request(f"参数无效 invalid parameter: {key}")
        if len(value) > MAX_PARAM:
            return bad_request(f"参数过长 parameter too long: {key}")
    conversion = request.args.get("conversion", "")
    if conversion and not _CONVERSION_RE.match(conversion):
        return bad_request("换算参数无效 invalid conversion")
    if request.args.get("interval", "").lower() not in _INTERVALS:
        return bad_request("区间参数无效 invalid interval (year|quarter|month|week|day)")
    ledger = getattr(g, "ledger", None)
    if ledger is None or not any(k in request.args for k in ("time", "account", "filter")):
        return None
    try:
        filtered = g.filtered
        filtered.entries  # noqa: B018 - applied now, so a bad filter fails here
    except Exception as exc:
        message = (
            fava_compat.error_message(exc) if isinstance(exc, fava_compat.api_errors()) else ""
        )
        return bad_request(
            f"筛选条件无效 invalid filter (time, account or filter): {message}".strip()
        )
    return None


def _install_param_checks(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, check_params)


def create_app(
    ledger_path: str | os.PathLike[str],
    public: bool = False,
    *,
    cache_dir: Path | None = None,
    load: bool = False,
    background: bool = False,
) -> Flask:
    """A WSGI app: Fava on the ledger (committee) or the owners' read-only site.

    ``background=True`` (what :func:`serve` uses) regenerates the publication in a thread after
    a change and swaps it in when ready, so no request waits for the reload; tests use the
    synchronous default. ``cache_dir`` is accepted for older callers and ignored: the
    publication is held in memory.
    """
    from fava.application import create_app as fava_create_app

    del cache_dir
    path = Path(ledger_path).resolve()
    if not public:
        app = fava_create_app([path], load=load)
        _install_param_checks(app)
        _install_paging(app)
        return app

    publication = Publication(path, background=background)
    fava_ledger = publication.generate()
    app = fava_create_app(
        [fava_ledger.beancount_file_path], load=False, read_only=True, poll_watcher=True
    )
    fava_compat.swap_ledgers(app, [fava_ledger])
    app.config["TRUSTFUND_PUBLICATION"] = publication
    _install_param_checks(app)
    _install_public_guards(app, publication)
    return app


def _install_public_guards(app: Flask, publication: Publication) -> None:
    cache = ResponseCache(RESPONSE_CACHE_BYTES)
    app.config["TRUSTFUND_RESPONSE_CACHE"] = cache

    def swap(fava_ledger: Any) -> None:
        fava_compat.swap_ledgers(app, [fava_ledger])
        cache.clear()

    publication.listeners.append(swap)

    def guard() -> Response | None:
        if request.method not in ("GET", "HEAD"):
            abort(405)
        endpoint = request.endpoint or ""
        if endpoint not in PUBLIC_ENDPOINTS:
            abort(404 if not endpoint else 403)
        if endpoint == "jump" and not request.referrer:
            return bad_request("缺少来源页 jump needs a referring page")
        view_args = request.view_args or {}
        if endpoint == "report" and view_args.get("report_name") not in PUBLIC_REPORTS:
            abort(403)
        if endpoint in ("extension_report", "extension_endpoint", "extension_js_module"):
            name = view_args.get("extension_name", "")
            if name not in _public_extensions():
                abort(403)
            problem = public_period_problem(request.args.get("time", ""), publication.site)
            if problem:
                return bad_request(problem)
        if publication.refresh():
            cache.clear()
            from fava.context import g

            if getattr(g, "beancount_file_slug", None):  # the request's ledger was replaced
                g.ledger = fava_compat.loaded_ledgers(app)[0]
        return cache.lookup(endpoint)

    # first, before the parameter checks and Fava's own hooks
    app.before_request_funcs.setdefault(None, []).insert(0, guard)

    @app.after_request
    def _public_headers(response: Response) -> Response:
        if response.headers.get(CACHE_HEADER) == "hit":
            return response
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if response.mimetype == "text/html" and not response.direct_passthrough:
            body = response.get_data(as_text=True)
            if "</head>" in body:
                response.set_data(body.replace("</head>", HIDE_CSS + "</head>", 1))
        cache.store(response)
        return response

    @app.teardown_request
    def _release(_error: BaseException | None) -> None:
        cache.release()

    @app.errorhandler(500)
    def _server_error(_error: Exception) -> Response:
        logging.getLogger(__name__).error(
            "trustfund public site: internal error on %s", request.path
        )
        response = Response(
            "<!doctype html><meta charset=utf-8><title>500</title><p>服务器内部错误 internal error</p>",
            status=500,
            mimetype="text/html",
        )
        return response

    _install_paging(app)
    app.view_functions["document"] = _public_document


def _install_paging(app: Flask) -> None:
    """Fava's account journal and journal pages, cut to pages of at most 2 MB (both sites)."""
    app.view_functions["json_api.get_account_report"] = paged_account_report(
        app.view_functions["json_api.get_account_report"]
    )
    app.view_functions["json_api.get_journal_page"] = _small_journal_page


def public_period_problem(time_filter: str, site: Any) -> str:
    """Why a time filter is refused on the owners' trustfund pages ('' when it is fine).

    The 公示 is by month (``2025-03``), quarter (``2025Q1``) or year (``2025``) of the years the
    ledger covers: a bounded set of periods, so visitors cannot make the site compute (and
    keep) a report for every day of every year.
    """
    from reports.period import Period

    text = (time_filter or "").strip()
    if not text:
        return ""
    try:
        period = Period.parse(text)
    except ValueError:
        return (
            "筛选条件无效 invalid filter: 公示按月（2025-03）、季度（2025Q1）或年度（2025）查看 / "
            "the public pages take a month, a quarter or a year"
        )
    community = getattr(getattr(site, "ledger", None), "community", None)
    first = getattr(community, "first_date", None)
    last = getattr(community, "last_date", None)
    if first is not None and last is not None and not first.year <= period.start.year <= last.year:
        return (
            f"筛选条件无效 invalid filter: 账本只含 {first.year}–{last.year} 年 / "
            f"the ledger covers {first.year}–{last.year}"
        )
    return ""


def _public_document() -> Response:
    """A document of the publication: listed as public, a regular file inside the ledger
    folder after resolving links (checked again now: a file swapped for a link is refused)."""
    from fava.context import g
    from flask import send_file

    name = request.args.get("filename", "")
    site = site_of(g.ledger)
    if site is None or not any(d.filename == name for d in g.ledger.all_entries_by_type.Document):
        abort(404)
    real = site.policy.resolve_document(name)
    if real is None:
        abort(404)
    return send_file(real, download_name=os.path.basename(real))


CACHE_HEADER = "X-Trustfund-Cache"
RESPONSE_CACHE_BYTES = 64 * 1024 * 1024  # answers kept, body + headers + key (about 40 pages a MB)
RESPONSE_CACHE_ENTRIES = 4096
ENTRY_OVERHEAD = 1024  # bytes counted per entry besides its body (key, headers, bookkeeping)
WAIT_FOR_FIRST = 30.0  # seconds a request waits for the same page being computed
#: The query parameters the cached pages read (Fava's filters and report arguments, the
#: trustfund pages' arguments); any other parameter is ignored by them, so not in the key.
CACHE_PARAMS = (
    "time",
    "account",
    "filter",
    "conversion",
    "interval",
    "a",
    "r",
    "page",
    "order",
    "project",
    "resolution",
    "filename",
    "query_string",
)


#: The parameters the trustfund pages read (they ignore Fava's filters).
EXTENSION_PARAMS = ("time", "project", "resolution")


def cache_key(path: str, args: Any) -> str:
    """A cache key for a request: its path and the parameters its page reads, in a fixed
    order, each value stripped (``?b=1&time=2025&x=junk`` and ``?time=2025`` are one page)."""
    from urllib.parse import urlencode

    kept: list[tuple[str, str]] = []
    names = EXTENSION_PARAMS if "/extension/" in path else CACHE_PARAMS
    for name in names:
        values = [v.strip() for v in args.getlist(name)]
        kept.extend((name, v) for v in values if v)
    return path + ("?" + urlencode(kept) if kept else "")


#: Endpoints whose answer depends only on the publication and the URL.
CACHED_ENDPOINTS = PUBLIC_ENDPOINTS - {
    "static",
    "index",
    "jump",
    "document",
    "json_api.get_changed",
}


class ResponseCache:
    """Answers of the public site, kept until the publication is regenerated.

    The site is read-only and changes only when the publication does, so a page computed once
    is served again from memory: warm pages cost a dictionary look-up. An LRU bounded by
    ``max_bytes`` (bodies, headers and :data:`ENTRY_OVERHEAD` per entry) and ``max_entries``;
    keys are normalised by :func:`cache_key`. A page being computed is computed once: other
    requests for it wait (up to :data:`WAIT_FOR_FIRST` seconds) and get the cached answer.
    """

    def __init__(self, max_bytes: int, max_entries: int = RESPONSE_CACHE_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.size = 0
        self._items: OrderedDict[tuple[Any, ...], tuple[int, list[tuple[str, str]], bytes]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._pending: dict[tuple[Any, ...], threading.Event] = {}
        self.generation = 0

    def _key(self, endpoint: str) -> tuple[Any, ...] | None:
        from fava.context import g

        if endpoint not in CACHED_ENDPOINTS or request.method != "GET":
            return None
        if (request.view_args or {}).get("extension_name") == "MyUnit":
            return None  # needs its code and the rate limit at every request
        ledger = getattr(g, "ledger", None)
        if ledger is None:
            return None
        return (
            self.generation,
            id(ledger),
            id(ledger.all_entries),
            cache_key(request.path, request.args),
        )

    def lookup(self, endpoint: str) -> Response | None:
        from flask import g as flask_g

        key = self._key(endpoint)
        flask_g.trustfund_cache_key = key
        if key is None:
            return None
        for _ in range(2):
            with self._lock:
                item = self._items.get(key)
                if item is not None:
                    self._items.move_to_end(key)
                    break
                pending = self._pending.get(key)
                if pending is None:  # this request computes the page; others wait for it
                    self._pending[key] = threading.Event()
                    flask_g.trustfund_cache_owner = True
                    return None
            pending.wait(WAIT_FOR_FIRST)
        else:
            return None
        status, headers, body = item
        response = Response(body, status=status, headers=headers)
        response.headers[CACHE_HEADER] = "hit"
        return response

    def release(self) -> None:
        """Wake the requests waiting for this request's page (stored or not)."""
        from flask import g as flask_g

        key = getattr(flask_g, "trustfund_cache_key", None)
        if key is None or not getattr(flask_g, "trustfund_cache_owner", False):
            return
        flask_g.trustfund_cache_owner = False
        with self._lock:
            pending = self._pending.pop(key, None)
        if pending is not None:
            pending.set()

    @staticmethod
    def _cost(headers: list[tuple[str, str]], body: bytes) -> int:
        return len(body) + sum(len(k) + len(v) for k, v in headers) + ENTRY_OVERHEAD

    def store(self, response: Response) -> None:
        from flask import g as flask_g

        key = getattr(flask_g, "trustfund_cache_key", None)
        if key is None or response.status_code != 200 or response.direct_passthrough:
            return
        body = response.get_data()
        headers = [
            (k, v)
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "set-cookie")
        ]
        cost = self._cost(headers, body)
        if cost > self.max_bytes // 4:
            return  # one answer may not take a quarter of the cache
        with self._lock:
            if key in self._items or key[0] != self.generation:
                return
            self._items[key] = (response.status_code, headers, body)
            self.size += cost
            while (self.size > self.max_bytes or len(self._items) > self.max_entries) and (
                self._items
            ):
                _, (_, old_headers, old) = self._items.popitem(last=False)
                self.size -= self._cost(old_headers, old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0
            self.generation += 1
            pending, self._pending = self._pending, {}
        for event in pending.values():
            event.set()

    def __len__(self) -> int:
        return len(self._items)


def _public_extensions() -> frozenset[str]:
    from trustfund.web import extension

    return frozenset(cls.__name__ for cls in extension.PAGES)


def paged_account_report(original: Callable[..., Any]) -> Callable[[], Any]:
    """Fava's account report, its journal paged (:func:`journal_window`) with a pager."""

    def get_account_report() -> Any:
        from fava.context import g
        from flask_babel import gettext

        subreport = request.args.get("r")
        if subreport in {"changes", "balances"}:
            return original()
        account_name = request.args.get("a", "")
        charts = fava_compat.account_charts(account_name, g.interval, gettext("Changes"))
        rows = list(
            g.ledger.account_journal(
                g.filtered,
                account_name,
                g.conv,
                with_children=g.ledger.fava_options.account_journal_include_children,
            )
        )
        window = journal_window(rows, ACCOUNT_JOURNAL_LIMIT, POSTING_BUDGET)
        contents = fava_compat.journal_contents()
        html = contents(window.rows, show_change_and_balance=True)
        return fava_compat.account_report_journal(charts, pager_html(window) + str(html))

    return get_account_report


@dataclass
class JournalWindow:
    """The newest page of an account journal and where the rest is."""

    rows: list[Any]  # newest first
    total: int  # rows in the period
    first: date | None  # the earliest day shown
    last: date | None  # the latest day shown
    older_from: date | None  # the first day of the period (when there are older rows)
    cut_day: int = 0  # rows of the earliest day left out (a day over the budget)
    months: list[str] = field(default_factory=list)  # months of the period, newest first


def _entry_of(row: Any) -> Any:
    if isinstance(row, tuple):
        return next((x for x in row if hasattr(x, "date")), None)
    return row


def journal_window(rows: Sequence[Any], count: int, budget: int) -> JournalWindow:
    """The newest whole days of ``rows`` (oldest first) within ``count`` entries and ``budget``
    postings; a single day over the budget is cut to its latest rows."""
    out: list[Any] = []
    used = 0
    index = len(rows) - 1
    cut = 0
    while index >= 0:
        day = _entry_of(rows[index]).date
        start = index
        while start > 0 and _entry_of(rows[start - 1]).date == day:
            start -= 1
        group = rows[start : index + 1]
        size = sum(_size(_entry_of(r)) for r in group)
        if out and (len(out) + len(group) > count or used + size > budget):
            break
        if not out and (len(group) > count or size > budget):  # one day alone is too big
            taken: list[Any] = []
            for row in reversed(group):
                cost = _size(_entry_of(row))
                if taken and (len(taken) >= count or used + cost > budget):
                    break
                taken.append(row)
                used += cost
            out.extend(taken)
            cut = len(group) - len(taken)
            index = start - 1
            break
        out.extend(reversed(group))
        used += size
        index = start - 1
    months: list[str] = []
    for row in reversed(rows):
        label = _entry_of(row).date.strftime("%Y-%m")
        if not months or months[-1] != label:
            months.append(label)
    return JournalWindow(
        rows=out,
        total=len(rows),
        first=_entry_of(out[-1]).date if out else None,
        last=_entry_of(out[0]).date if out else None,
        older_from=_entry_of(rows[0]).date if index >= 0 and rows else None,
        cut_day=cut,
        months=months if len(rows) > len(out) else [],
    )


def _with_time(time_filter: str | None) -> str:
    """The current URL's query string with another time filter (None: without one)."""
    from urllib.parse import urlencode

    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in ("time", "a", "r")]
    if time_filter:
        kept.append(("time", time_filter))
    return "?" + urlencode(kept) if kept else "?"


def pager_html(window: JournalWindow) -> str:
    """A line above the journal: what is shown, links to earlier entries and to each month."""
    from markupsafe import escape

    if window.total <= len(window.rows) and not window.cut_day:
        return ""
    parts = [
        f"共 {window.total} 条，显示 {len(window.rows)} 条"
        + (f"（{window.first} 至 {window.last}）" if window.first else "")
        + " / showing "
        + f"{len(window.rows)} of {window.total} entries."
    ]
    if window.cut_day:
        parts.append(
            f"{window.first} 当日另有 {window.cut_day} 条未显示（单日条目过多），请用查询页或按科目筛选 / "
            f"{window.cut_day} more entries of that day are not shown."
        )
    links = []
    if window.older_from is not None and window.first is not None:
        before = window.first - timedelta(days=1)
        if before >= window.older_from:
            older = f"{window.older_from.isoformat()} - {before.isoformat()}"
            links.append(f"<a href='{escape(_with_time(older))}'>更早 Earlier ›</a>")
    if request.args.get("time"):
        links.append(f"<a href='{escape(_with_time(None))}'>最新 Latest</a>")
    months = "".join(
        f" <a href='{escape(_with_time(month))}'>{escape(month)}</a>"
        for month in window.months[:60]
    )
    html = " ".join(escape(p) for p in parts)
    if links:
        html += " " + " · ".join(links)
    if months:
        html += f"<br>按月 By month:{months}"
    return f"<li class='tf-journal-pager' style='padding:.4em .6em;list-style:none'>{html}</li>"


def _size(entry: Any) -> int:
    postings = getattr(entry, "postings", None)
    return 1 + (len(postings) if postings else 0)


def paginate(entries: list[Any], count: int, budget: int) -> list[list[tuple[int, Any]]]:
    """Split ``(index, entry)`` pairs into pages of at most ``count`` entries and ``budget`` postings."""
    pages: list[list[tuple[int, Any]]] = []
    current: list[tuple[int, Any]] = []
    used = 0
    for item in entries:
        size = _size(item[1])
        if current and (len(current) >= count or used + size > budget):
            pages.append(current)
            current, used = [], 0
        current.append(item)
        used += size
    if current or not pages:
        pages.append(current)
    return pages


def _small_journal_page() -> Response:
    """Fava's journal page, cut by :func:`paginate` (entries and postings per page)."""
    from fava.context import g

    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return bad_request("页码无效 invalid page number")
    if page < 1:
        return bad_request("页码无效 invalid page number")
    order: Literal["asc", "desc"] = "asc" if request.args.get("order") == "asc" else "desc"
    filtered = g.filtered
    key = (order, JOURNAL_PAGE_SIZE, POSTING_BUDGET)

    def pages() -> list[list[tuple[int, Any]]]:
        enumerated = list(enumerate(filtered.entries_without_prices))
        if order == "desc":
            enumerated.reverse()
        return paginate(enumerated, JOURNAL_PAGE_SIZE, POSTING_BUDGET)

    all_pages = fava_compat.filtered_memo(filtered, key, pages)
    if page > len(all_pages):
        abort(404)
    contents = fava_compat.journal_contents()
    return fava_compat.journal_page(page, len(all_pages), contents(all_pages[page - 1]))  # type: ignore[no-any-return]


SERVER_THREADS = 24
BACKLOG = 1024
#: Pages computed once at start (in the background), so the first owners get cached answers.
WARM_PAGES = (
    "",
    "extension/PublicBalance/",
    "income_statement/",
    "balance_sheet/",
    "journal/",
    "api/ledger_data",
    "api/income_statement",
    "api/balance_sheet",
    "api/journal_page?page=1&order=desc",
)


def warm_up(app: Flask) -> None:
    """Request the landing pages once through the app (fills the response cache)."""
    client = app.test_client()
    try:
        location = client.get("/").headers.get("Location", "")
        slug = location.split("://", 1)[-1].split("/", 1)[-1].strip("/").split("/")[0]
        if not slug:
            return
        for page in WARM_PAGES:
            client.get(f"/{slug}/{page}").close()
    except Exception:  # a cold cache is only slower: never stop the server for it
        logging.getLogger(__name__).exception("trustfund: warming the public site failed")


def serve(
    ledger_path: str | os.PathLike[str],
    public: bool = False,
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    cache_dir: Path | None = None,
) -> None:
    """Serve the committee's Fava or the owners' site until interrupted (blocking)."""
    from cheroot.wsgi import Server

    app = create_app(ledger_path, public, cache_dir=cache_dir, load=True, background=public)
    # Enough threads that slow pages do not hold up cached ones, and a listen backlog for 50+
    # clients connecting at once (cheroot's default of 5 makes the kernel drop connections,
    # which clients retry after 1, 3, 7 … seconds).
    server = Server((host, port), app, numthreads=SERVER_THREADS, request_queue_size=BACKLOG)
    if public:
        threading.Thread(target=warm_up, args=(app,), name="trustfund-warm-up", daemon=True).start()
    try:
        server.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
