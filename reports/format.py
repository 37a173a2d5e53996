"""Formatting values for people (text, HTML) and neutralising cells for spreadsheets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from wcwidth import wcswidth, wcwidth

#: A cell starting with one of these is a formula in Excel/LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'`` (OWASP)."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def money(value: Decimal) -> str:
    """``1,234.50``: thousands separators, at least two decimals, never rounded away."""
    if value == value.quantize(Decimal("0.01")):
        return f"{value:,.2f}"
    return f"{value:,f}"


def percent(value: Decimal) -> str:
    """A fraction as ``33.33%``."""
    return f"{(value * 100).quantize(Decimal('0.01')):,}%"


def display(value: Any, kind: str) -> str:
    """A value as text for a person."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是 yes" if value else ""
    if isinstance(value, Decimal):
        if kind in ("money", "area"):
            return money(value)
        if kind in ("percent", "ratio"):
            return percent(value)
        if kind == "int":
            return f"{value:,.0f}"
        return f"{value:,}" if kind != "text" else str(value)
    if isinstance(value, int):
        return f"{value:,}" if kind == "int" else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two, combining marks and
    zero-width characters none (``wcwidth``); a control character counts as none."""
    if text.isascii() and text.isprintable():
        return len(text)
    columns = wcswidth(text)
    if columns >= 0:
        return columns
    return sum(max(wcwidth(ch), 0) for ch in text)


def is_numeric(kind: str) -> bool:
    return kind in ("money", "area", "percent", "ratio", "int")
