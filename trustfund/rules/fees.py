"""Fees are billed by the standard and waived only with an approval: TF107, TF108.

Enable on its own with ``plugin "trustfund.rules.fees"`` (``trustfund.xinyi`` includes it).

The fee standard (收费标准) fixes each unit's monthly property fee; a waiver (减免) or write-off
(核销) of what an owner owes needs an approval, and is never money collected::

    2025-01-01 custom "tf-fee" "property" 2.20 CNY "m2-month"    ; area × 2.20 each month

    2025-03-01 * "物业费" "2025-03 物业费 1-1-101"               ; 100.00 m2: 220.00 exactly
      Assets:Receivable:Fees   220.00 CNY
        unit: "1-1-101"
      Income:Fees:Property

    2025-03-20 * "物业费减免" "1-1-102 减免三月物业费"            ; TF107: no approval:
      Expenses:Fees:Waivers     177.10 CNY
      Assets:Receivable:Fees
        unit: "1-1-102"

Codes:

- **TF107** a waiver or write-off without ``approval:``. It is the part of a transaction's net
  credit to ``Assets:Receivable:Fees`` that its debits to cash (``Assets:Bank:*``,
  ``Assets:Clearing:Manager``) and to ``Liabilities:Prepaid:Fees`` do not match (a reversed
  bill is one too). Whatever the approval, it never counts as collected (实收): the remuneration
  base and every report read collections from :mod:`ledger.index`, which counts only cash.
- **TF108** the month's property-fee bills differ from the ``tf-fee "property"`` standard. For
  each month from the first one whose first day has a standard in force, up to the last month
  that ended before the ledger's last entry, with the standard and the unit register (tf-unit)
  as of that first day: each unit's bill (its debits to ``Assets:Receivable:Fees`` in that
  month's transactions crediting ``Income:Fees:Property``, by ``unit:``) must equal area × rate
  ("m2-month") or the rate ("unit-month"), rounded to the fen half-up. A missing, short or extra
  bill (a unit billed twice, a unit not in the register, a bill without ``unit:``) is TF108:
  one error per month, listing the units, reported at the ``tf-fee`` in force.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ledger.community import Community, FeeStandard, Unit
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry

__plugins__ = ("plugin",)

FEN = Decimal("0.01")
ZERO = Decimal(0)
#: Units named in a TF108 message (all of them are in the error's ``ids``).
LISTED = 12


def check_waivers(index: LedgerIndex) -> list[TrustError]:
    """TF107 for every waiver or write-off that cites no approval."""
    errors = []
    for waiver in index.waivers:
        if waiver.approvals:
            continue
        units = ", ".join(waiver.units) or "no unit:"
        errors.append(
            make_error(
                "TF107",
                f"fees of {waiver.amount} waived or written off ({units}) without approval: "
                "(a receivable credited with no cash or prepayment against it)",
                waiver.txn,
                ids=[f"unit:{u}" for u in waiver.units],
                amount=waiver.amount,
            )
        )
    return errors


def standard_bill(standard: FeeStandard, unit: Unit) -> Decimal:
    """A unit's monthly bill under ``standard``, to the fen, half-up."""
    amount = standard.rate * unit.area if standard.basis == "m2-month" else standard.rate
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def _months(start: date, last: date) -> list[date]:
    """First days of the months from ``start``'s (or the next, when ``start`` is not a first)
    whose last day is before ``last``."""
    year, month = start.year, start.month
    if start.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    out: list[date] = []
    while True:
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end >= last:
            return out
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class _Register:
    """The unit register walked forward in time (one pass over the tf-unit lines)."""

    def __init__(self, community: Community) -> None:
        changes = [(u.date, room, u) for room, lines in community.units.items() for u in lines]
        changes.sort(key=lambda item: item[0])
        self.changes = changes
        self.position = 0
        self.units: dict[str, Unit] = {}

    def at(self, day: date) -> list[str]:
        """Move to ``day``; the rooms whose line changed since the last call."""
        changed: list[str] = []
        changes = self.changes
        while self.position < len(changes) and changes[self.position][0] <= day:
            _, room, unit = changes[self.position]
            self.units[room] = unit
            changed.append(room)
            self.position += 1
        return changed


def check_billing(community: Community, index: LedgerIndex) -> list[TrustError]:
    """TF108 for every month whose property-fee bills differ from the standard."""
    dated = community.fees.get("property")
    last = community.last_date
    if not dated or last is None:
        return []
    standards = dated.all()
    register = _Register(community)
    expected: dict[str, Decimal] = {}
    current: FeeStandard | None = None
    errors = []
    for first in _months(standards[0].date, last):
        standard = dated.at(first)
        if standard is None:
            continue
        changed = register.at(first)
        if standard is not current:
            current = standard
            expected = {room: standard_bill(standard, u) for room, u in register.units.items()}
        else:
            for room in changed:  # a sale, a corrected area: only those units change
                expected[room] = standard_bill(standard, register.units[room])
        month = f"{first.year:04d}-{first.month:02d}"
        billed = index.bills.get(month, {})
        if billed == expected:
            continue
        problems: list[tuple[str, str, Decimal]] = []
        for room in sorted(set(expected) | set(billed)):
            want, got = expected.get(room), billed.get(room)
            if want is not None and got is None:
                problems.append((room, f"{room} not billed (standard {want})", want))
            elif want is None and got is not None:
                what = (
                    f"{room} billed {got}, not in the register"
                    if room
                    else (f"{got} billed without unit:")
                )
                problems.append((room, what, abs(got)))
            elif want is not None and got is not None and got != want:
                problems.append((room, f"{room} billed {got}, standard {want}", abs(got - want)))
        if not problems:
            continue
        listed = "; ".join(text for _, text, _ in problems[:LISTED])
        more = f"; and {len(problems) - LISTED} more" if len(problems) > LISTED else ""
        errors.append(
            make_error(
                "TF108",
                f"{month} property-fee bills differ from the standard {standard.rate} "
                f"{standard.currency} {standard.basis} for {len(problems)} unit(s): {listed}{more}",
                standard.entry,
                standard.meta,
                ids=[
                    f"period:{month}",
                    "fee:property",
                    *(f"unit:{room}" for room, _, _ in problems if room),
                ],
                amount=sum((diff for _, _, diff in problems), ZERO),
            )
        )
    return errors


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF107 and TF108 over the ledger."""
    index = ensure_index(entries, community, index)
    errors = check_waivers(index)
    errors.extend(check_billing(community, index))
    return entries, errors


plugin = plugin_entry(check)
