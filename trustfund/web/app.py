"""Fava for the committee, and the owners' public site.

``create_app(ledger_path, public=False)`` is Fava itself on the ledger (the ledger registers the
extension with ``custom "fava-extension" "trustfund.web.extension"``).

``create_app(ledger_path, public=True)`` is the owners' site:

- Fava runs on a **redacted publication** (:mod:`trustfund.web.public`) written as one Beancount
  file into a private cache directory (``$TRUSTFUND_CACHE_DIR`` or ``~/.cache/trustfund``,
  mode 0700), never on the source ledger. It is regenerated when a file of the source ledger
  changes (checked at most once a second, on the next request); ``serve`` does it in a thread
  and swaps the new publication in when it is loaded, so owners never wait for a reload.
- Answers are cached in memory (:class:`ResponseCache`) until the publication changes: the
  site is read-only, so a warm page is a look-up.
- Fava's read-only mode, plus an allow-list of routes: the editor, raw source, entry context,
  file downloads (``download-journal``, ``download-query``, ``statement``), importing, options and
  free-form queries answer 403; every request other than GET/HEAD answers 405.
- Big ledgers: the account journal shows the latest entries of the selected period, at most
  :data:`ACCOUNT_JOURNAL_LIMIT` entries and :data:`POSTING_BUDGET` postings (Fava's own is
  unpaginated: 90 MB at 100k transactions); the journal pages hold at most
  :data:`JOURNAL_PAGE_SIZE` entries and :data:`POSTING_BUDGET` postings each (a month's
  maintenance deposits are one transaction with a posting per unit). Narrow the period with
  the time filter for older lines.
- Chinese interface by default (the publication sets ``fava-option "language" "zh"``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from flask import Flask, abort, request
from flask.wrappers import Response

from trustfund.web.public import write_publication

ACCOUNT_JOURNAL_LIMIT = 300
JOURNAL_PAGE_SIZE = 300
POSTING_BUDGET = 2500  # postings a page may show (about 1 MB of Fava's journal HTML)
CHECK_INTERVAL = 1.0  # seconds between checks of the source files

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


def default_cache_dir() -> Path:
    base = os.environ.get("TRUSTFUND_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "trustfund"


class Publication:
    """The redacted copy of one source ledger, kept up to date with the source files."""

    def __init__(
        self, source: Path, cache_dir: Path | None = None, *, background: bool = False
    ) -> None:
        self.source = Path(source).resolve()
        key = hashlib.sha256(str(self.source).encode()).hexdigest()[:16]
        root = (cache_dir or default_cache_dir()) / "public" / key
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(root, 0o700)
        self.root = root
        #: Background mode (``serve``): a change is published by a thread into a new file while
        #: the current one stays in service; listeners then swap Fava's ledger in one step.
        self.background = background
        self._worker: threading.Thread | None = None
        self.path = root / "public.beancount"
        self._files: list[Path] = [self.source]
        self._stamp: tuple[Any, ...] = ()
        self._checked = 0.0
        self._lock = threading.Lock()
        self.generation = 0
        self.listeners: list[Callable[[Path], None]] = []

    def _stamps(self) -> tuple[Any, ...]:
        out: list[tuple[str, int | None, int | None]] = []
        for path in self._files:
            try:
                stat = path.stat()
                out.append((str(path), stat.st_mtime_ns, stat.st_size))
            except OSError:
                out.append((str(path), None, None))
        return tuple(out)

    def generate(self) -> Path:
        """Load the source ledger and write the publication (always)."""
        from ledger.loader import load

        with self._lock:
            ledger = load(self.source)
            target = self.root / (
                f"public-{self.generation + 1}.beancount" if self.background else "public.beancount"
            )
            write_publication(ledger, target)
            previous, self.path = self.path, target
            if self.background and previous != target:
                for old in self.root.glob("public-*.beancount"):
                    if old not in (previous, target):
                        old.unlink(missing_ok=True)
            self._files = [Path(f) for f in ledger.files] or [self.source]
            self._stamp = self._stamps()
            self._checked = time.monotonic()
            self.generation += 1
        for listener in self.listeners:
            listener(self.path)
        return self.path

    def refresh(self, *, force: bool = False) -> bool:
        """Regenerate when a source file changed; True when it did."""
        now = time.monotonic()
        if not force and now - self._checked < CHECK_INTERVAL:
            return False
        self._checked = now
        if self._worker is not None and self._worker.is_alive():
            return False
        if not force and self._stamps() == self._stamp and self.path.exists():
            return False
        if self.background and not force:
            self._worker = threading.Thread(
                target=self._generate_quietly, name="trustfund-publication", daemon=True
            )
            self._worker.start()
            return False
        self.generate()
        return True

    def _generate_quietly(self) -> None:
        try:
            self.generate()
        except Exception:  # keep serving the current publication; the next change retries
            logging.getLogger(__name__).exception("trustfund: regenerating the publication failed")
            self._stamp = self._stamps()


def create_app(
    ledger_path: str | os.PathLike[str],
    public: bool = False,
    *,
    cache_dir: Path | None = None,
    load: bool = False,
    background: bool = False,
) -> Flask:
    """A WSGI app: Fava on the ledger (committee) or the owners' redacted, read-only site.

    ``background=True`` (what :func:`serve` uses) regenerates the publication in a thread after
    a change and swaps it in when ready, so no request waits for the reload; tests use the
    synchronous default.
    """
    from fava.application import create_app as fava_create_app

    path = Path(ledger_path).resolve()
    if not public:
        return fava_create_app([path], load=load)

    publication = Publication(path, cache_dir, background=background)
    publication.generate()
    app = fava_create_app([publication.path], load=load, read_only=True, poll_watcher=True)
    app.config["TRUSTFUND_PUBLICATION"] = publication
    _install_public_guards(app, publication)
    return app


def _install_public_guards(app: Flask, publication: Publication) -> None:
    def notify(path: Path) -> None:
        loader = app.config["LEDGERS"]
        if publication.background:
            from fava.core import FavaLedger

            fresh = FavaLedger(str(path), poll_watcher=True)  # loaded here, off the request path
            with loader._lock:
                loader._ledgers = [fresh]
                loader._ledgers_by_slug = None
                loader._titles = None
            app.config["BEANCOUNT_FILES"] = [str(path)]
            cache.clear()
            return
        for ledger in loader._ledgers or ():  # only ledgers already loaded
            ledger.watcher.notify(path)

    publication.listeners.append(notify)
    cache = ResponseCache(RESPONSE_CACHE_BYTES)
    app.config["TRUSTFUND_RESPONSE_CACHE"] = cache

    def guard() -> Response | None:
        if request.method not in ("GET", "HEAD"):
            abort(405)
        endpoint = request.endpoint or ""
        if endpoint not in PUBLIC_ENDPOINTS:
            abort(404 if not endpoint else 403)
        # probes (tests/reliability): a NUL in a file name crashes os.path; Fava's jump
        # crashes without a Referer. Answer 400, not 500.
        if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
            abort(400)
        if endpoint == "jump" and not request.referrer:
            abort(400)
        view_args = request.view_args or {}
        if endpoint == "report" and view_args.get("report_name") not in PUBLIC_REPORTS:
            abort(403)
        if endpoint in ("extension_report", "extension_endpoint", "extension_js_module"):
            name = view_args.get("extension_name", "")
            if name not in _public_extensions():
                abort(403)
        if publication.refresh():
            cache.clear()
            for ledger in app.config["LEDGERS"]._ledgers or ():
                ledger.changed()  # reload now, so nothing stale is cached under the new key
        return cache.lookup(endpoint)

    # first, before Fava's own hooks (which reload the ledger)
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

    app.view_functions["json_api.get_account_report"] = _capped_account_report(
        app.view_functions["json_api.get_account_report"]
    )
    app.view_functions["json_api.get_journal_page"] = _small_journal_page


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
        from fava.internal_api import ChartApi
        from fava.json_api import AccountReportJournal, json_success
        from flask import get_template_attribute
        from flask_babel import gettext

        subreport = request.args.get("r")
        if subreport in {"changes", "balances"}:
            return original()
        g.ledger.changed()
        account_name = request.args.get("a", "")
        charts = [
            ChartApi.account_balance(account_name),
            ChartApi.interval_totals(g.interval, account_name, label=gettext("Changes")),
        ]
        journal = g.ledger.account_journal(
            g.filtered,
            account_name,
            g.conv,
            with_children=g.ledger.fava_options.account_journal_include_children,
        )
        latest = _latest(journal, ACCOUNT_JOURNAL_LIMIT, POSTING_BUDGET)
        contents = get_template_attribute("_journal_table.html", "journal_table_contents")
        return json_success(
            AccountReportJournal(charts, journal=contents(latest, show_change_and_balance=True))
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
    from fava.json_api import JournalPage, json_success
    from flask import get_template_attribute

    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(400)
    if page < 1:
        abort(404)
    order: Literal["asc", "desc"] = "asc" if request.args.get("order") == "asc" else "desc"
    if page == 1:
        g.ledger.changed()
    filtered = g.filtered
    key = (order, JOURNAL_PAGE_SIZE, POSTING_BUDGET)
    cached = getattr(filtered, "_trustfund_pages", None)
    if cached is None or cached[0] != key:
        enumerated = list(enumerate(filtered.entries_without_prices))
        if order == "desc":
            enumerated.reverse()
        cached = (key, paginate(enumerated, JOURNAL_PAGE_SIZE, POSTING_BUDGET))
        filtered._trustfund_pages = cached  # type: ignore[attr-defined]  # FilteredLedger keeps a __dict__
    pages = cached[1]
    if page > len(pages):
        abort(404)
    contents = get_template_attribute("_journal_table.html", "journal_table_contents")
    return json_success(
        JournalPage(page=page, total_pages=len(pages), journal=contents(pages[page - 1]))
    )


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
