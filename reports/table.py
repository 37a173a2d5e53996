"""The shape every report shares with every renderer (and with the Fava extension).

A report's ``compute`` returns a dataclass with typed fields; its ``tables()`` lists
:class:`Table` objects: a key, a bilingual title, :class:`Column` descriptions and rows. Rows
are plain dataclasses with ``to_dict()`` (or dicts; a long table's rows may be plain tuples of
the columns' values, in order); a renderer only needs ``columns`` to know how to show
each value (text, money, area, percent …). Values stay Python values (``Decimal``, ``date``,
``None``) until a renderer formats them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

#: Column kinds a renderer knows how to format.
KINDS = ("text", "money", "area", "percent", "ratio", "int", "date", "bool")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key in ``to_dict()``, Chinese and English labels, and its kind."""

    key: str
    zh: str
    en: str
    kind: str = "text"

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"


class Row:
    """Mixin for row dataclasses: ``columns`` (class attribute) and ``to_dict()``."""

    columns: ClassVar[tuple[Column, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        return {column.key: getattr(self, column.key) for column in self.columns}


@dataclass
class Table:
    """A titled list of rows with their column descriptions; ``total`` is an optional last row."""

    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    rows: Sequence[Any]
    total: dict[str, Any] | None = None
    note: str = ""

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"

    def flags(self) -> list[bool]:
        """Which rows call for attention (a row's ``flagged`` property: over budget, exception …)."""
        return [bool(getattr(row, "flagged", False)) for row in self.rows]

    def dicts(self) -> list[dict[str, Any]]:
        """Every row as a dict keyed by column key (rows may be dataclasses, dicts, or tuples
        of the columns' values in order: the long tables, e.g. the general ledger)."""
        out = []
        keys = [c.key for c in self.columns]
        for row in self.rows:
            if type(row) is tuple:
                out.append(dict(zip(keys, row, strict=True)))
            elif isinstance(row, dict):
                out.append({c.key: row.get(c.key) for c in self.columns})
            elif hasattr(row, "to_dict"):
                values = row.to_dict()
                out.append({c.key: values.get(c.key) for c in self.columns})
            else:
                out.append({c.key: getattr(row, c.key, None) for c in self.columns})
        return out


@dataclass
class Report:
    """Base of every report: what, for which period, and its tables."""

    kind: str  # "public" | "budget" | "audit" | "unit"
    zh: str
    en: str
    period_label: str
    period_title: str
    community_title: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"

    def tables(self) -> list[Table]:  # pragma: no cover - overridden
        return []

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "period": self.period_label,
            "tables": [
                {
                    "key": t.key,
                    "title": t.title,
                    "columns": [dataclasses.asdict(c) for c in t.columns],
                    "rows": t.dicts(),
                    "total": t.total,
                    "note": t.note,
                }
                for t in self.tables()
            ],
        }
