"""The one printer for every entry trustfund writes: Beancount's own.

Everything written into a ledger file (imports, recategorised entries, generated balances)
goes through :func:`format_entries`, so what is written is what Beancount itself would print
and parses back to the same entries (``tests/importers_core/test_importers_core_printer.py``
round-trips every kind of entry an import makes). Strings are escaped by Beancount's printer,
so a memo cannot inject a directive; ``filename``/``lineno`` and ``__``-keys are not written.
One :class:`~beancount.parser.printer.EntryPrinter` serves the whole batch (about 20 µs per
imported transaction).
"""

from __future__ import annotations

from collections.abc import Iterable

from beancount.core import data
from beancount.parser import printer


def format_entries(entries: Iterable[data.Directive]) -> str:
    """``entries`` as Beancount text, in the order given, each followed by a blank line."""
    render = printer.EntryPrinter()
    return "".join(render(entry) + "\n" for entry in entries)
