"""Malformed and dangling ``tf-*`` directives (TF001, TF002).

Enable on its own with ``plugin "trustfund.rules.directives"`` (``trustfund.xinyi`` includes it).

It checks every ``custom "tf-…"`` line against the form in DESIGN.md §3::

    2024-01-01 custom "tf-unit" "3-1-101" 89.50 "O-0001"     ; ok
    2024-01-01 custom "tf-unit" "3-1-102" -5 "O-0002"        ; TF001 area must be positive
    2024-01-01 custom "tf-remit-days" 7.5                    ; TF001 not a whole number of days
    2025-02-20 custom "tf-vote" "R-2025-09" "3-1-101" "yes"  ; TF002 unknown resolution
    2025-02-21 custom "tf-vote" "R-2025-01" "3-1-101" "no"   ; TF002 duplicate vote of a unit

Codes: TF001 wrong number or type of values, values outside their fixed lists (remuneration
base, vote choice, approval role, vote rule), unknown ``tf-*`` name; TF002 a reference to an
unknown owner, resolution, unit or approval, and a second vote of one unit.
"""

from __future__ import annotations

from typing import Any

from ledger.community import build_community
from ledger.errors import TrustError
from trustfund.rules.plugin import Entries, parse_config

__plugins__ = ("directives",)


def directives(
    entries: Entries, options_map: dict[str, Any], config_str: str | None = None
) -> tuple[Entries, list[TrustError]]:
    """Report TF001/TF002 for the ``tf-*`` directives of the ledger."""
    _, errors = parse_config(config_str)
    _, directive_errors = build_community(entries)
    return entries, errors + directive_errors
