"""The owners' site's data: the private ledger loaded once, published in memory.

:class:`Publication` loads the source ledger, builds the publication policy and the published
entries (:mod:`reports.publication`: the one place that decides what owners see) and hands them
to Fava as a ledger held in memory (:func:`trustfund.web.fava_compat.published_ledger`): no
redacted copy is written to disk, Fava never sees a path of the private ledger, and Fava does not
parse the publication again. The trustfund pages of the public site compute their reports from
the private ledger through the same policy (:func:`site_of` gives them both).

It is regenerated when a file of the source ledger changes (checked at most once a second, on the
next request); ``serve`` does it in a thread and swaps the new ledger in when it is ready, so
owners never wait for a reload.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports.publication import Policy, Published, publish_entries, render

CHECK_INTERVAL = 1  # seconds between checks of the source files

_SITES: dict[str, Site] = {}
_SITES_LOCK = threading.Lock()


@dataclass
class Site:
    """One generation of the owners' site: the private ledger and what is published of it."""

    ledger: Any  # ledger.loader.Ledger (private)
    source: Any  # reports.common.Source of the private ledger
    policy: Policy
    published: Published
    path: str  # the virtual path Fava knows the publication by


def site_of(fava_ledger: Any) -> Site | None:
    """The :class:`Site` behind a Fava ledger of the owners' site (None on the committee's)."""
    path = getattr(fava_ledger, "beancount_file_path", None)
    with _SITES_LOCK:
        return _SITES.get(str(path)) if path else None


def publish(ledger: Any) -> str:
    """The publication of a loaded ledger as one Beancount file (for exports and tests)."""
    policy = Policy.of(ledger)
    return render(
        publish_entries(ledger.entries, policy, errors=ledger.errors, options=ledger.options)
    )


class Publication:
    """The published, in-memory copy of one source ledger, kept up to date with its files."""

    def __init__(self, source: Path, *, background: bool = False) -> None:
        self.source = Path(source).resolve()
        self.key = hashlib.sha256(str(self.source).encode()).hexdigest()[:12]
        #: Background mode (``serve``): a change is published by a thread while the current
        #: ledger stays in service; listeners then swap Fava's ledger in one step.
        self.background = background
        self._worker: threading.Thread | None = None
        self._files: list[Path] = [self.source]
        self._stamp: tuple[Any, ...] = ()
        self._checked: float = 0
        self._lock = threading.Lock()
        self.generation = 0
        self.site: Site | None = None
        self.fava_ledger: Any = None
        self.listeners: list[Callable[[Any], None]] = []

    def _stamps(self) -> tuple[Any, ...]:
        out: list[tuple[str, int | None, int | None]] = []
        for path in self._files:
            try:
                stat = path.stat()
                out.append((str(path), stat.st_mtime_ns, stat.st_size))
            except OSError:
                out.append((str(path), None, None))
        return tuple(out)

    def generate(self) -> Any:
        """Load the source ledger, publish it and build Fava's ledger of it (always)."""
        from ledger.loader import load
        from reports.common import resolve
        from trustfund.web import fava_compat

        with self._lock:
            paused = gc.isenabled()
            gc.disable()  # no collection passes over the load's millions of objects (a third)
            try:
                ledger = load(self.source)
            finally:
                if paused:
                    gc.enable()
            source = resolve(ledger)
            policy = Policy.of(ledger)
            published = publish_entries(
                ledger.entries, policy, errors=ledger.errors, options=ledger.options
            )
            generation = self.generation + 1
            path = f"/trustfund-public/{self.key}/{generation}/publication.beancount"
            site = Site(ledger, source, policy, published, path)
            with _SITES_LOCK:
                _SITES[path] = site
            fava_ledger = fava_compat.published_ledger(
                path, published.entries, published.errors, published.options
            )
            previous = self.site
            self.site, self.fava_ledger = site, fava_ledger
            self._files = [Path(f) for f in ledger.files] or [self.source]
            self._stamp = self._stamps()
            self._checked = time.monotonic()
            self.generation = generation
        for listener in self.listeners:
            listener(fava_ledger)
        if previous is not None:
            with _SITES_LOCK:
                _SITES.pop(previous.path, None)
            fava_compat.forget(previous.path)
        return fava_ledger

    def refresh(self, *, force: bool = False) -> bool:
        """Regenerate when a source file changed; True when it did (synchronously)."""
        now = time.monotonic()
        if not force and now - self._checked < CHECK_INTERVAL:
            return False
        self._checked = now
        if self._worker is not None and self._worker.is_alive():
            return False
        if not force and self._stamps() == self._stamp:
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


__all__ = ["CHECK_INTERVAL", "Publication", "Site", "publish", "site_of"]
