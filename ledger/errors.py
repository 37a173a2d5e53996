"""The one error type every trust rule returns: data with structured fields.

Each error is a Beancount-style ``(source, message, entry)`` tuple: ``source`` is the
offending directive's metadata (``filename``/``lineno``), so ``bean-check``, Fava and
``trustfund check`` all render it as ``file:line: TFnnn message``. Rules never raise for bad
data; they collect these.

Beyond Beancount's three fields, a :class:`TrustError` carries what reports and batch read
instead of parsing the message (DESIGN.md §5):

- ``code``: ``"TF305"``; the message still starts with it, for people and for ``bean-check``;
- ``ids``: the ids it concerns, each prefixed by its kind, so ``"resolution:R-1"`` never
  matches ``"resolution:R-10"``: ``approval:``, ``resolution:``, ``emergency:``, ``notice:``,
  ``contract:``, ``invoice:``, ``unit:``, ``owner:``, ``member:``, ``party:``, ``payee:``,
  ``period:`` (``YYYY-MM``), ``fee:``, ``seal:``, ``account:``, ``objection:``, ``year:``
  (``YYYY``: a budget year or the year of a surplus);
- ``amount``: the money at stake (the excess of an overpayment, the payment that lacks a
  resolution, the shortfall of a bill), or None.

Beancount's own errors have none of these: :func:`error_code` is None for them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data

#: The kinds an id in :attr:`TrustError.ids` may have (``"kind:value"``).
ID_KINDS = frozenset(
    {
        "approval",
        "resolution",
        "emergency",
        "notice",
        "contract",
        "invoice",
        "unit",
        "owner",
        "member",
        "party",
        "payee",
        "period",
        "fee",
        "seal",
        "account",
        "objection",
        "year",
    }
)


def location(meta: Mapping[str, Any] | None, root: str | os.PathLike[str] | None = None) -> str:
    """``file:line`` of an entry's metadata or an error's ``source``; "" when there is none.

    The one place a location is spelled (:func:`ledger.loader.format_error` uses it too). With
    ``root`` (the ledger's folder), a file inside it is named relative to it.
    """
    if not meta:
        return ""
    filename = str(meta.get("filename", "?"))
    if root:
        prefix = os.path.join(os.fspath(root), "")
        if filename.startswith(prefix):
            filename = filename[len(prefix) :]
    return f"{filename}:{meta.get('lineno', 0)}"


class TrustError(NamedTuple):
    """A trust-rule violation; ``message`` starts with its ``TFnnn`` code."""

    source: dict[str, Any] | None
    message: str
    entry: Any
    code: str = ""
    ids: tuple[str, ...] = ()
    amount: Decimal | None = None

    def ids_of(self, kind: str) -> tuple[str, ...]:
        """The values of the ids of one kind: ``ids_of("resolution") == ("R-1",)``."""
        prefix = kind + ":"
        return tuple(i[len(prefix) :] for i in self.ids if i.startswith(prefix))

    def concerns(self, kind: str, value: str) -> bool:
        """True when the error names exactly this id (``"R-1"`` is not ``"R-10"``)."""
        return f"{kind}:{value}" in self.ids


def error_code(error: Any) -> str | None:
    """The ``TFnnn`` code of a trust-rule error, or None for Beancount's own errors."""
    if isinstance(error, TrustError):
        return error.code or None
    return None


def error_ids(error: Any, kind: str) -> tuple[str, ...]:
    """The ids of one kind an error concerns: a :class:`TrustError`'s, or any error's ``ids``
    of ``"kind:value"`` texts (a published error's); none for Beancount's own errors."""
    if isinstance(error, TrustError):
        return error.ids_of(kind)
    prefix = kind + ":"
    return tuple(
        i[len(prefix) :]
        for i in getattr(error, "ids", None) or ()
        if isinstance(i, str) and i.startswith(prefix)
    )


def make_error(
    code: str,
    message: str,
    entry: Any,
    source: dict[str, Any] | None = None,
    *,
    ids: Iterable[str] = (),
    amount: Decimal | None = None,
) -> TrustError:
    """Build a TrustError pointing at ``entry`` (or ``source`` when given).

    ``ids`` are ``"kind:value"`` strings (see the module docstring); a bad kind is a programming
    error and raises ``ValueError`` at once, so a rule cannot publish ids nobody can match.
    """
    if source is None:
        source = getattr(entry, "meta", None)
    if source is None:
        source = data.new_metadata("<trustfund>", 0)
    id_tuple = tuple(dict.fromkeys(ids))
    for item in id_tuple:
        kind, sep, value = item.partition(":")
        if not sep or kind not in ID_KINDS or not value:
            raise ValueError(f"error id {item!r} is not 'kind:value' with a known kind")
    return TrustError(source, f"{code} {message}", entry, code, id_tuple, amount)
