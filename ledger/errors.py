"""The one error type every trust rule returns.

Each error is a Beancount-style ``(source, message, entry)`` tuple: ``source`` is the
offending directive's metadata (``filename``/``lineno``), so ``bean-check``, Fava and
``trustfund check`` all render it as ``file:line: TFnnn message``. Rules never raise for bad
data; they collect these.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from beancount.core import data

CODE_RE = re.compile(r"^(TF\d{3})\b")


class TrustError(NamedTuple):
    """A trust-rule violation; ``message`` starts with its ``TFnnn`` code."""

    source: dict[str, Any] | None
    message: str
    entry: Any

    @property
    def code(self) -> str | None:
        return error_code(self)


def error_code(error: Any) -> str | None:
    """The ``TFnnn`` code an error message starts with, or None for Beancount's own errors."""
    match = CODE_RE.match(getattr(error, "message", "") or "")
    return match.group(1) if match else None


def make_error(
    code: str, message: str, entry: Any, source: dict[str, Any] | None = None
) -> TrustError:
    """Build a TrustError pointing at ``entry`` (or ``source`` when given)."""
    if source is None:
        source = getattr(entry, "meta", None)
    if source is None:
        source = data.new_metadata("<trustfund>", 0)
    return TrustError(source, f"{code} {message}", entry)
