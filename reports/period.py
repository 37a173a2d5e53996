"""Report periods: a month (``2025-03``), a quarter (``2025Q1``) or a year (``2025``).

``Period.start`` is the first day, ``Period.end`` the day after the last (exclusive), as
Beancount and Fava count date ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month, quarter or year."""

    kind: str  # "month" | "quarter" | "year"
    start: date
    end: date  # exclusive
    label: str  # "2025-03" | "2025Q1" | "2025"

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2025-03``, ``2025Q1`` (or ``2025-Q1``) or ``2025``; ValueError otherwise."""
        text = text.strip()
        if match := _MONTH.match(text):
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"no month {month} in {text!r}")
            start = date(year, month, 1)
            return cls("month", start, _add_months(start, 1), f"{year:04d}-{month:02d}")
        if match := _QUARTER.match(text):
            year, quarter = int(match.group(1)), int(match.group(2))
            start = date(year, 3 * quarter - 2, 1)
            return cls("quarter", start, _add_months(start, 3), f"{year:04d}Q{quarter}")
        if match := _YEAR.match(text):
            year = int(match.group(1))
            return cls("year", date(year, 1, 1), date(year + 1, 1, 1), f"{year:04d}")
        raise ValueError(f"not a period: {text!r} (expected 2025-03, 2025Q1 or 2025)")

    @classmethod
    def month_of(cls, day: date) -> Period:
        return cls.parse(f"{day.year:04d}-{day.month:02d}")

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def year_start(self) -> date:
        """1 January of the period's year (for year-to-date figures)."""
        return date(self.start.year, 1, 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    def months(self) -> Iterator[Period]:
        """The months of the period, in order."""
        start = self.start
        while start < self.end:
            yield Period.month_of(start)
            start = _add_months(start, 1)

    @property
    def title(self) -> str:
        """A bilingual label: ``2025年3月 / March 2025``."""
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月 / {self.start:%B %Y}"
        if self.kind == "quarter":
            quarter = (self.start.month + 2) // 3
            return f"{self.start.year}年第{quarter}季度 / Q{quarter} {self.start.year}"
        return f"{self.start.year}年度 / year {self.start.year}"

    def __str__(self) -> str:
        return self.label
