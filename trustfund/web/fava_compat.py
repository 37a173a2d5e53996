"""Every use of Fava's private or undocumented internals, in one place.

trustfund runs on Fava 1.30 (``pyproject.toml`` pins ``fava>=1.30,<1.31``). The owners' site
needs a few things Fava's public API does not offer:

- a :class:`~fava.core.FavaLedger` built from entries already in memory (the publication),
  not from a file: Fava loads through ``fava.core.load_uncached``; :func:`published_ledger`
  answers that call for the virtual paths it registered (and only for them);
- swapping the ledger of a running app (``app.config["LEDGERS"]``, a ``_LedgerSlugLoader``
  with ``_lock``, ``_ledgers``, ``_ledgers_by_slug`` and ``_titles``);
- the journal macros and JSON shapes of Fava's account report and journal page
  (``_journal_table.html`` ``journal_table_contents``, ``fava.json_api`` ``AccountReportJournal``,
  ``JournalPage``, ``json_success``, ``fava.internal_api.ChartApi``), to cap their size;
- Fava's exceptions (``fava.helpers.FavaAPIError``, ``fava.core.filters.FilterError``).

:func:`check` verifies each of them and raises :class:`FavaIncompatible` naming what changed;
``tests/web/test_web_fava_compat.py`` runs it, so a Fava release that changes them fails loudly
instead of leaking or breaking the owners' site quietly.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Sequence
from typing import Any

#: Fava versions whose internals this module was written against.
SUPPORTED_SERIES = ("1.30.",)

_REGISTRY: dict[str, tuple[Sequence[Any], Sequence[Any], dict[str, Any]]] = {}
_REGISTRY_LOCK = threading.Lock()
_INSTALLED = False


class FavaIncompatible(RuntimeError):
    """The installed Fava changed an internal the owners' site relies on."""


def check() -> None:
    """Raise :class:`FavaIncompatible` unless every internal used here is as expected."""
    import fava
    import fava.application
    import fava.core
    import fava.core.filters
    import fava.helpers
    import fava.internal_api
    import fava.json_api

    problems: list[str] = []
    version = getattr(fava, "__version__", "")
    if not version.startswith(SUPPORTED_SERIES):
        problems.append(f"fava {version} is not a supported series {SUPPORTED_SERIES}")
    if not callable(getattr(fava.core, "load_uncached", None)):
        problems.append("fava.core.load_uncached is gone (the in-memory publication needs it)")
    else:
        source = inspect.getsource(fava.core.FavaLedger.load_file)
        if "load_uncached(" not in source:
            problems.append("FavaLedger.load_file no longer calls load_uncached")
    loader = getattr(fava.application, "_LedgerSlugLoader", None)
    if loader is None:
        problems.append("fava.application._LedgerSlugLoader is gone")
    else:
        init = inspect.getsource(loader.__init__)
        for name in ("_lock", "_ledgers", "_titles", "_ledgers_by_slug"):
            if f"self.{name}" not in init:
                problems.append(f"_LedgerSlugLoader.{name} is gone")
    for module, name in (
        (fava.json_api, "AccountReportJournal"),
        (fava.json_api, "JournalPage"),
        (fava.json_api, "json_success"),
        (fava.internal_api, "ChartApi"),
        (fava.core.filters, "FilterError"),
        (fava.helpers, "FavaAPIError"),
    ):
        if not hasattr(module, name):
            problems.append(f"{module.__name__}.{name} is gone")
    template = (
        inspect.getfile(fava.application).rsplit("/", 1)[0] + "/templates/_journal_table.html"
    )
    try:
        with open(template, encoding="utf-8") as handle:
            if "macro journal_table_contents" not in handle.read():
                problems.append("_journal_table.html has no journal_table_contents macro")
    except OSError:
        problems.append("fava/templates/_journal_table.html is missing")
    import fava.core.watcher

    if not hasattr(fava.core.watcher, "WatcherBase"):
        problems.append("fava.core.watcher.WatcherBase is gone")
    fields = getattr(fava.core.FavaLedger, "__slots__", ())
    for name in ("all_entries", "load_errors", "options", "beancount_file_path", "watcher"):
        if name not in fields:
            problems.append(f"FavaLedger.{name} is gone")
    if problems:
        raise FavaIncompatible("; ".join(problems))


# ---------------------------------------------------------------------------------------
# A FavaLedger from entries in memory


def _install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    import fava.core

    original: Callable[..., Any] = fava.core.load_uncached

    def load_uncached(path: str, *, is_encrypted: bool) -> Any:
        with _REGISTRY_LOCK:
            found = _REGISTRY.get(path)
        if found is None:
            return original(path, is_encrypted=is_encrypted)
        entries, errors, options = found
        return list(entries), list(errors), dict(options)

    fava.core.load_uncached = load_uncached  # type: ignore[attr-defined,assignment]
    _INSTALLED = True


_LEDGER_CLASS: Any = None


def _ledger_class() -> Any:
    """A FavaLedger whose watcher watches nothing: the publication changes only by being
    replaced (:func:`swap_ledgers`); its ``mtime`` is the moment it was built."""
    global _LEDGER_CLASS
    if _LEDGER_CLASS is not None:
        return _LEDGER_CLASS
    import time

    from fava.core import FavaLedger
    from fava.core.watcher import WatcherBase

    class _Unwatched(WatcherBase):
        def __init__(self) -> None:
            self.last_checked = time.time_ns()
            self.last_notified = 0

        def update(self, files: Any, folders: Any) -> None:
            return None

        def check(self) -> bool:
            return False

        def _get_latest_mtime(self) -> int:
            return self.last_checked

    class PublishedFavaLedger(FavaLedger):
        __slots__ = ()

        def load_file(self) -> None:
            if not isinstance(self.watcher, _Unwatched):
                self.watcher = _Unwatched()  # type: ignore[assignment]
            super().load_file()

    _LEDGER_CLASS = PublishedFavaLedger
    return _LEDGER_CLASS


def published_ledger(
    path: str, entries: Sequence[Any], errors: Sequence[Any], options: dict[str, Any]
) -> Any:
    """A :class:`fava.core.FavaLedger` of ``entries`` (no file is read), under a virtual
    ``path`` that only this process knows."""
    _install()
    with _REGISTRY_LOCK:
        _REGISTRY[path] = (entries, errors, options)
    return _ledger_class()(path, poll_watcher=True)


def forget(path: str) -> None:
    """Drop a virtual path registered by :func:`published_ledger` (its ledger was replaced)."""
    with _REGISTRY_LOCK:
        _REGISTRY.pop(path, None)


# ---------------------------------------------------------------------------------------
# The ledgers of a running app


def loaded_ledgers(app: Any) -> list[Any]:
    """The ledgers an app has loaded (none before the first request when loaded lazily)."""
    return list(app.config["LEDGERS"]._ledgers or ())


def swap_ledgers(app: Any, ledgers: list[Any]) -> None:
    """Serve ``ledgers`` from now on (one step, under Fava's own lock)."""
    loader = app.config["LEDGERS"]
    with loader._lock:
        loader._ledgers = ledgers
        loader._ledgers_by_slug = None
        loader._titles = None
    app.config["BEANCOUNT_FILES"] = [ledger.beancount_file_path for ledger in ledgers]


# ---------------------------------------------------------------------------------------
# Fava's JSON answers, for the capped account journal and journal pages


def journal_contents() -> Callable[..., Any]:
    from flask import get_template_attribute

    return get_template_attribute("_journal_table.html", "journal_table_contents")  # type: ignore[no-any-return]


def account_report_journal(charts: list[Any], journal: str) -> Any:
    from fava.json_api import AccountReportJournal, json_success

    return json_success(AccountReportJournal(charts, journal=journal))


def journal_page(page: int, total_pages: int, journal: str) -> Any:
    from fava.json_api import JournalPage, json_success

    return json_success(JournalPage(page=page, total_pages=total_pages, journal=journal))


def account_charts(account_name: str, interval: Any, label: str) -> list[Any]:
    from fava.internal_api import ChartApi

    return [
        ChartApi.account_balance(account_name),
        ChartApi.interval_totals(interval, account_name, label=label),
    ]


def filtered_memo(filtered: Any, key: Any, compute: Callable[[], Any]) -> Any:
    """A value computed once per Fava ``FilteredLedger`` (it keeps a ``__dict__``)."""
    cached = getattr(filtered, "_trustfund_memo", None)
    if cached is None or cached[0] != key:
        cached = (key, compute())
        filtered._trustfund_memo = cached
    return cached[1]


def api_errors() -> tuple[type[Exception], ...]:
    """Fava's own exception types (a bad filter, an unknown account …)."""
    from fava.core.filters import FilterError
    from fava.helpers import FavaAPIError

    return (FavaAPIError, FilterError)


def error_message(error: Exception) -> str:
    return str(getattr(error, "message", "") or error)
