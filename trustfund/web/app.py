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
- Fava's read-only mode, plus an allow-list of routes: the editor, raw source, entry context,
  file downloads (``download-journal``, ``download-query``, ``statement``), importing, options and
  free-form queries answer 403; every request other than GET/HEAD answers 405.
- Documents: only ``document`` entries marked ``public: TRUE`` whose file lies inside the ledger
  folder after resolving links, re-checked at every request.
- Every bad query parameter is a 400 with a message, on both sites (:func:`check_params`).
- Big ledgers: the account journal shows the latest entries of the selected period, at most
  :data:`ACCOUNT_JOURNAL_LIMIT` entries and :data:`POSTING_BUDGET` postings (Fava's own is
  unpaginated); the journal pages hold at most :data:`JOURNAL_PAGE_SIZE` entries and
  :data:`POSTING_BUDGET` postings each.
- Chinese interface by default (the publication sets ``fava-option "language" "zh"``).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
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

    app.view_functions["json_api.get_account_report"] = _capped_account_report(
        app.view_functions["json_api.get_account_report"]
    )
    app.view_functions["json_api.get_journal_page"] = _small_journal_page
    app.view_functions["document"] = _public_document


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
RESPONSE_CACHE_BYTES = 256 * 1024 * 1024
#: Endpoints whose answer depends only on the publication and the URL.
CACHED_ENDPOINTS = PUBLIC_ENDPOINTS - {
    "static",
    "index",
    "jump",
    "document",
    "json_api.get_changed",
}


class ResponseCache:
    """Answers of the public site, kept until the publication is regenerated (LRU by bytes).

    The site is read-only and changes only when the publication does, so a page computed once
    is served again from memory: warm pages cost a dictionary look-up.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[tuple[Any, ...], tuple[int, list[tuple[str, str]], bytes]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
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
        return (self.generation, id(ledger), id(ledger.all_entries), request.full_path)

    def lookup(self, endpoint: str) -> Response | None:
        from flask import g as flask_g

        key = self._key(endpoint)
        flask_g.trustfund_cache_key = key
        if key is None:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
        status, headers, body = item
        response = Response(body, status=status, headers=headers)
        response.headers[CACHE_HEADER] = "hit"
        return response

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
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (response.status_code, headers, body)
            self.size += len(body)
            while self.size > self.max_bytes and self._items:
                _, (_, _, old) = self._items.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0
            self.generation += 1

    def __len__(self) -> int:
        return len(self._items)


def _public_extensions() -> frozenset[str]:
    from trustfund.web import extension

    return frozenset(cls.__name__ for cls in extension.PAGES)


def _capped_account_report(original: Callable[..., Any]) -> Callable[[], Any]:
    """Fava's account report, with the journal cut to the latest entries of the period."""

    def get_account_report() -> Any:
        from fava.context import g
        from flask_babel import gettext

        subreport = request.args.get("r")
        if subreport in {"changes", "balances"}:
            return original()
        account_name = request.args.get("a", "")
        charts = fava_compat.account_charts(account_name, g.interval, gettext("Changes"))
        journal = g.ledger.account_journal(
            g.filtered,
            account_name,
            g.conv,
            with_children=g.ledger.fava_options.account_journal_include_children,
        )
        latest = _latest(journal, ACCOUNT_JOURNAL_LIMIT, POSTING_BUDGET)
        contents = fava_compat.journal_contents()
        return fava_compat.account_report_journal(
            charts, contents(latest, show_change_and_balance=True)
        )

    return get_account_report


def _size(entry: Any) -> int:
    postings = getattr(entry, "postings", None)
    return 1 + (len(postings) if postings else 0)


def _latest(rows: Iterable[Any], count: int, budget: int) -> list[Any]:
    """The latest rows of an account journal (newest first) within the entry and posting budget."""
    seq = list(rows)
    out: list[Any] = []
    used = 0
    for row in reversed(seq):
        entry = (
            next((x for x in row if hasattr(x, "date")), None) if isinstance(row, tuple) else row
        )
        size = _size(entry)
        if out and (len(out) >= count or used + size > budget):
            break
        out.append(row)
        used += size
    return out


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
    server = Server((host, port), app)
    try:
        server.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
