"""Close a year and start the next one: ``trustfund close-year 2025 [LEDGER]``.

It writes, in one locked, atomic writer transaction (:mod:`ledger.writer`):

* ``2025/2025-close.beancount``, included from the archive's main file: one closing transaction
  per fund, dated 2026-01-01 and tagged ``#year-close``, that moves the year's income and
  expenses to ``Equity:Owners:Common`` / ``Equity:Owners:Maintenance`` (the surplus or deficit
  belongs to the owners). Dated on the first day of the new year, so every report over 2025 read
  from the archive is unchanged (read 2026 from ``2026.beancount``, not from the archive); the
  trust rules do not judge ``#year-close`` entries.
* ``2026/2026-opening.beancount``: everything 2026 needs from the past, with its original dates:
  the chart of accounts still open, the unit and owner register, every contract term (remuneration,
  thresholds, remit days, vote rules, hazards, auto-debit, budgets), contracts still running, the
  approvals, resolutions (with their votes and close), notices and emergencies still relevant (not
  yet used, still open, or cited in 2026), the monthly remuneration figures of 2025
  (``custom "trustfund-carry-remuneration"``), and the opening balances: one transaction per
  account against the owners' equity of its fund, receivables, prepayments and the maintenance
  fund split per unit (``unit:``), and the collections the manager still holds as one
  transaction per collection, dated on the day it was collected, so the remittance window that
  crosses the year boundary is judged as on the full history.
* ``2026.beancount``: the new main file (the old main's ``option``/``plugin`` lines, the opening
  file, and the files of the old main whose entries are all dated in 2026 or later; entries of
  2026 that sit in mixed files are copied into the opening file).
* the seals of every month of 2025 (:mod:`ledger.seal`), unless ``--no-seal`` or already sealed.

The archive keeps every file; ``trustfund check 2026.beancount`` loads only the new year and gives
the same trust-rule results for it as the full history.

Approvals partly used before the close are carried with each role's latest sign-off reduced by the
amount already paid (metadata ``approved:`` and ``paid-before:`` keep the original figures), so
TF304 judges the new year's payments against what is left.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser.grammar import ValueType

from ledger.accounts import MAINTENANCE, classify
from ledger.community import Community
from ledger.entries import (
    CARRY_TYPE,
    GENERATED_KEY,
    SURPLUS_CARRY_TYPE,
    YEAR_CLOSE_TAG,
    YEAR_OPEN_TAG,
    bank_outflow,
    is_payment,
    meta_list,
)
from ledger.errors import error_code, location
from ledger.loader import Ledger, format_error, load, resolve_ledger
from ledger.printer import format_entries
from reports.subledgers import maintenance_ledger
from trustfund.rules.funds import open_collections
from trustfund.rules.remuneration import carried_months

ZERO = Decimal(0)
OPEN_TAG = YEAR_OPEN_TAG
EQUITY = {"common": "Equity:Owners:Common", MAINTENANCE: "Equity:Owners:Maintenance"}
TERM_TYPES = frozenset(
    {
        "tf-remuneration",
        "tf-threshold",
        "tf-remit-days",
        "tf-vote-rule",
        "tf-hazard",
        "tf-auto-debit",
        "tf-procedure",
        "budget",
    }
)
REGISTER_TYPES = frozenset({"tf-unit", "tf-owner"})
INCLUDE_RE = re.compile(r'^\s*include\s+"([^"]+)"')
KEEP_LINE_RE = re.compile(r"^\s*(option|plugin)\s")


class CloseRefused(click.ClickException):
    """The year cannot be closed (already closed, ledger broken, year not over …)."""


@dataclass
class ClosePlan:
    """The files ``close-year`` writes (relative paths under the ledger folder)."""

    year: int
    files: dict[str, str] = field(default_factory=dict)
    include_in_archive: str = ""
    new_main: str = ""
    entries: dict[str, list[data.Directive]] = field(default_factory=dict)  # file -> entries
    surplus: dict[str, Decimal] = field(default_factory=dict)  # fund -> income - expenses
    opening_accounts: int = 0
    carried: dict[str, int] = field(default_factory=dict)


def _money(number: Decimal) -> str:
    return format(number, "f")


def _meta(**keys: Any) -> dict[str, Any]:
    """Metadata of an entry ``close-year`` makes (the printer leaves filename/lineno out)."""
    return data.new_metadata("<trustfund close-year>", 0, keys or None)


def _posting(account: str, number: Decimal, currency: str, unit: str | None = None) -> data.Posting:
    meta = {"unit": unit} if unit is not None else None
    return data.Posting(account, Amount(number, currency), None, None, None, meta)


def _transaction(
    day: date, narration: str, tag: str, postings: list[data.Posting], **meta: Any
) -> data.Transaction:
    return data.Transaction(
        _meta(**meta), day, "*", None, narration, frozenset({tag}), frozenset(), postings
    )


def _number_value(number: Decimal) -> ValueType:
    # Beancount's printer writes a custom value with str(): keep it out of exponent notation.
    return ValueType(Decimal(_money(number)) if number else Decimal(0), Decimal)


def _unit_of(posting: data.Posting, txn: data.Transaction) -> str | None:
    value = (posting.meta or {}).get("unit") or (txn.meta or {}).get("unit")
    return str(value).strip() if value else None


def _is_generated(entry: data.Directive) -> bool:
    meta = entry.meta or {}
    if meta.get(GENERATED_KEY):
        return True
    if isinstance(entry, data.Transaction) and entry.flag == "P":
        return True  # inserted by a pad directive, which is copied itself
    return str(meta.get("filename", "")).startswith("<")


def _custom_values(entry: data.Custom) -> list[Any]:
    return [v.value for v in entry.values]


class _Balances:
    """Balances per account, currency and unit of the entries up to a day."""

    def __init__(self) -> None:
        self.total: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.by_unit: dict[tuple[str, str], dict[str | None, Decimal]] = defaultdict(
            lambda: defaultdict(Decimal)
        )

    def add(self, txn: data.Transaction) -> None:
        for posting in txn.postings:
            units = posting.units
            if units is None or units.number is None:
                continue
            key = (posting.account, units.currency)
            self.total[key] += units.number
            self.by_unit[key][_unit_of(posting, txn)] += units.number


@dataclass
class _Year:
    """The ledger split at the close: the closed year and before, and what comes after."""

    ledger: Ledger
    year: int
    old: list[data.Directive]
    new: list[data.Directive]
    balances: _Balances
    opens: dict[str, data.Open]
    closed: set[str]

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def start(self) -> date:
        return date(self.year + 1, 1, 1)

    @classmethod
    def split(cls, ledger: Ledger, year: int) -> _Year:
        end = date(year, 12, 31)
        old = [e for e in ledger.entries if e.date <= end]
        new = [e for e in ledger.entries if e.date > end]
        balances = _Balances()
        opens: dict[str, data.Open] = {}
        closed: set[str] = set()
        for entry in old:
            if isinstance(entry, data.Transaction) and YEAR_CLOSE_TAG not in entry.tags:
                balances.add(entry)
            elif isinstance(entry, data.Open):
                opens[entry.account] = entry
            elif isinstance(entry, data.Close):
                closed.add(entry.account)
        return cls(ledger, year, old, new, balances, opens, closed)


def plan_close(ledger: Ledger, year: int) -> ClosePlan:
    """Compute every file ``close-year`` writes, without writing anything."""
    split = _Year.split(ledger, year)
    plan = ClosePlan(year)
    closing = _closing_entries(split, plan)
    close_rel = f"{year}/{year}-close.beancount"
    plan.entries[close_rel] = closing
    plan.files[close_rel] = (
        f"; Closing entries of {year}, written by `trustfund close-year {year}`. Do not edit.\n"
        f"; Income and expenses of {year} go to the owners' equity of their fund.\n\n"
        + format_entries(closing)
    )
    plan.include_in_archive = close_rel
    y1 = year + 1
    opening_rel = f"{y1}/{y1}-opening.beancount"
    sections, new_files = _opening_sections(split, plan)
    plan.entries[opening_rel] = [entry for _, block in sections for entry in block]
    plan.files[opening_rel] = (
        f"; {y1}: what the new year carries from the ledger closed on {split.end} "
        f"(`trustfund close-year {year}`). Original dates are kept. Do not edit.\n"
        + "".join(f"\n; -- {title} --\n\n{format_entries(block)}" for title, block in sections)
    )
    plan.new_main = f"{y1}.beancount"
    plan.files[plan.new_main] = _new_main(ledger, year, [opening_rel, *new_files], close_rel)
    return plan


def _closing_entries(split: _Year, plan: ClosePlan) -> list[data.Directive]:
    """One transaction per fund and currency moving the year's income and expenses to the
    owners' equity of the fund (and the ``open`` of an equity account the ledger lacks)."""
    by_fund: dict[tuple[str, str], list[tuple[str, Decimal]]] = defaultdict(list)
    for (account, currency), number in sorted(split.balances.total.items()):
        cls = classify(account)
        if number != 0 and (cls.is_income or cls.is_expense):
            by_fund[(cls.fund, currency)].append((account, number))
    out: list[data.Directive] = [
        data.Open(_meta(), split.start, name, None, None)  # type: ignore[arg-type]
        for name in sorted({EQUITY[fund] for fund, _ in by_fund})
        if name not in split.opens
    ]
    for (fund, currency), rows in sorted(by_fund.items()):
        net = sum((n for _, n in rows), ZERO)
        plan.surplus[fund] = plan.surplus.get(fund, ZERO) - net
        label = "维修资金" if fund == MAINTENANCE else "共同基金"
        postings = [_posting(account, -number, currency) for account, number in rows]
        postings.append(_posting(EQUITY[fund], net, currency))
        narration = f"{split.year} 年度结转: {label}收支结余转入业主权益"
        meta = {"year-close": str(split.year)}
        out.append(_transaction(split.start, narration, YEAR_CLOSE_TAG, postings, **meta))
    return out


def _cited(new: list[data.Directive], community: Community, year: int) -> dict[str, set[str]]:
    """The approvals, resolutions, emergencies and contracts the new year cites (and the
    resolutions of budgets adopted in advance for it)."""
    cited: dict[str, set[str]] = {
        k: set() for k in ("approval", "resolution", "emergency", "contract")
    }
    for entry in new:
        if isinstance(entry, data.Custom):
            values = _custom_values(entry)
            if entry.type == "tf-notice" and len(values) > 1:
                cited["approval"].add(str(values[1]))
            elif entry.type == "tf-approval" and values:
                cited["approval"].add(str(values[0]))
            elif entry.type in ("tf-vote", "tf-close", "tf-stage") and values:
                cited["resolution"].add(str(values[0]))
            elif entry.type in ("tf-objection", "tf-objection-outcome") and values:
                cited["approval"].update(_objection_approvals(community, entry.type, values))
        for key, ids in cited.items():
            ids.update(meta_list(entry, key))
    for adoptions in community.governance.budgets.values():
        for adoption in adoptions:
            if int(adoption.year) > year:
                cited["resolution"].add(adoption.resolution_id)
    return cited


def _objection_approvals(community: Community, kind: str, values: list[Any]) -> list[str]:
    """The approvals behind an objection (or its outcome): those its notice cites."""
    gov = community.governance
    if kind == "tf-objection":
        notice_id = str(values[1]) if len(values) > 1 else ""
    else:
        objection = gov.objections.get(str(values[0]) if values else "")
        notice_id = objection.notice_id if objection else ""
    return [n.approval_id for n in gov.notices.get(notice_id, ())]


@dataclass
class _Carried:
    """The entries of the past the new year needs, by section (see :func:`_carry`)."""

    head: list[data.Directive] = field(default_factory=list)
    register: list[data.Directive] = field(default_factory=list)
    terms: list[data.Directive] = field(default_factory=list)
    governance: list[data.Directive] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _carry(split: _Year, cited: dict[str, set[str]], used: dict[str, Decimal]) -> _Carried:
    """Sort the past's directives into what the new year carries (see the module docstring)."""
    community, start = split.ledger.community, split.start
    main_file = str(split.ledger.path)
    resolutions = {
        rid
        for rid in community.resolutions
        if rid in cited["resolution"]
        or rid not in community.closes
        or community.closes[rid].date >= start
    }
    approvals = {aid for aid in community.approvals if aid in cited["approval"] or aid not in used}
    out = _Carried()
    for entry in split.old:
        if _is_generated(entry):
            continue
        if isinstance(entry, data.Commodity) or (
            isinstance(entry, data.Open) and entry.account not in split.closed
        ):
            out.head.append(entry)
        elif isinstance(entry, data.Custom):
            _carry_custom(
                entry, out, cited, resolutions, approvals, used, start, main_file, community
            )
    for aid in sorted(approvals & set(used)):
        out.governance.extend(_reduced_approval(community, aid, used[aid], split.end))
        out.counts["tf-approval (partly used)"] += 1
    return out


def _carry_custom(
    entry: data.Custom,
    out: _Carried,
    cited: dict[str, set[str]],
    resolutions: set[str],
    approvals: set[str],
    used: dict[str, Decimal],
    start: date,
    main_file: str,
    community: Community,
) -> None:
    kind = entry.type
    values = _custom_values(entry)
    first = str(values[0]) if values else ""
    if kind in REGISTER_TYPES:
        out.register.append(entry)
        out.counts["register"] += 1
    elif kind in TERM_TYPES:
        out.terms.append(entry)
        out.counts["terms"] += 1
    elif kind == "tf-contract":
        ends = values[-1] if values else None
        if first in cited["contract"] or (isinstance(ends, date) and ends >= start):
            out.terms.append(entry)
            out.counts["contracts"] += 1
    elif kind in ("tf-resolution", "tf-vote", "tf-close", "tf-stage"):
        if first in resolutions:
            out.governance.append(entry)
            out.counts[kind] += 1
    elif kind == "tf-approval":
        if first in approvals and first not in used:
            out.governance.append(entry)
            out.counts[kind] += 1
    elif kind == "tf-notice":
        if len(values) > 1 and str(values[1]) in approvals:
            out.governance.append(entry)
    elif kind in ("tf-objection", "tf-objection-outcome"):
        if set(_objection_approvals(community, kind, values)) & approvals:
            out.governance.append(entry)
            out.counts[kind] += 1
    elif kind == "tf-budget":
        if first.isdigit() and int(first) >= start.year:  # adopted in advance for the new year
            out.governance.append(entry)
            out.counts[kind] += 1
    elif kind == "tf-emergency":
        if first in cited["emergency"]:
            out.governance.append(entry)
            out.counts[kind] += 1
    elif kind.startswith("tf-") or kind in (CARRY_TYPE, SURPLUS_CARRY_TYPE):
        return  # seals and dispositions stay with the archive; carries are recomputed
    elif entry.meta.get("filename") == main_file:
        out.head.append(entry)  # fava-option, fava-extension …


def _new_year_files(split: _Year) -> tuple[list[str], list[data.Directive]]:
    """The files holding only entries of the new year, and the new year's entries that sit in
    files with older ones (they are copied into the opening file)."""
    main_file = str(split.ledger.path)
    file_dates: dict[str, list[date]] = defaultdict(list)
    for entry in split.ledger.entries:
        if not _is_generated(entry):
            file_dates[str(entry.meta.get("filename", ""))].append(entry.date)
    new_files = sorted(
        name
        for name, days in file_dates.items()
        if name != main_file and days and min(days) >= split.start and Path(name).exists()
    )
    copied = []
    for entry in split.new:
        if _is_generated(entry) or str(entry.meta.get("filename", "")) in new_files:
            continue
        if isinstance(entry, data.Custom) and entry.type == "tf-seal":
            values = _custom_values(entry)
            if values and str(values[0]) < f"{split.year + 1}-01":
                continue
        copied.append(entry)
    return new_files, copied


def _opening_sections(
    split: _Year, plan: ClosePlan
) -> tuple[list[tuple[str, list[data.Directive]]], list[str]]:
    """The opening file's sections (title, entries) and the new year's own files."""
    community = split.ledger.community
    used = _approvals_used(split.old, community)
    carried = _carry(split, _cited(split.new, community, split.year), used)
    new_files, copied = _new_year_files(split)
    root = split.ledger.path.parent
    opening = _opening_balances(split.balances, community, split.old, split.end, root, plan)
    for name in sorted(set(EQUITY.values()) - set(split.opens)):
        if any(p.account == name for txn in opening for p in txn.postings):
            first = min((txn.date for txn in opening), default=split.end)
            carried.head.append(data.Open(_meta(), first, name, None, None))  # type: ignore[arg-type]
    carry: list[data.Directive] = [
        data.Custom(
            _meta(),
            split.end,
            CARRY_TYPE,
            [ValueType(month, str), *(_number_value(n) for n in (base, due, posted))],
        )
        for month, (base, due, posted) in carried_months(split.old, community).items()
        if month.startswith(f"{split.year}-")
    ]
    carried.counts["remuneration months"] = len(carry)
    # the year's surplus per fund: a disposition of it (tf-disposition) made in the new year is
    # judged against it once the year is no longer in the ledger (TF607, the 决算 report)
    surplus: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (account, currency), number in split.balances.total.items():
        cls = classify(account)
        if cls.is_income or cls.is_expense:
            surplus[(cls.fund, currency)] -= number
    carry += [
        data.Custom(
            _meta(),
            split.end,
            SURPLUS_CARRY_TYPE,
            [
                ValueType(str(split.year), str),
                ValueType(fund, str),
                ValueType(Amount(Decimal(_money(amount)), currency), Amount),
            ],
        )
        for (fund, currency), amount in sorted(surplus.items())
    ]
    plan.carried = dict(carried.counts)
    year = split.year
    sections: list[tuple[str, list[data.Directive]]] = [
        ("accounts", carried.head),
        ("unit and owner register", carried.register),
        ("contract terms, budgets, running contracts", carried.terms),
        ("approvals, resolutions, votes, notices, emergencies still relevant", carried.governance),
        (
            f"remuneration of {year} by month (collected base, amount due unrounded, posted); "
            "surplus per fund",
            carry,
        ),
        (f"opening balances on {split.end}", list(opening)),
    ]
    if copied:
        sections.append((f"entries of {year + 1} from files that also hold earlier years", copied))
    return sections, [str(Path(name).resolve().relative_to(root)) for name in new_files]


def _new_main(ledger: Ledger, year: int, includes: list[str], close_rel: str) -> str:
    """The new main file: the old one's option and plugin lines, then its includes."""
    main_text = ledger.path.read_text(encoding="utf-8")
    kept = [line for line in main_text.splitlines() if KEEP_LINE_RE.match(line)]
    return "\n".join(
        [
            f"; The ledger from {year + 1}-01-01, started by `trustfund close-year {year}`.",
            f"; Earlier years: {ledger.path.name} (closing entries in {close_rel}).",
            "",
            *kept,
            "",
            *[f'include "{name}"' for name in includes],
            "",
        ]
    )


def _approvals_used(old: Iterable[data.Directive], community: Community) -> dict[str, Decimal]:
    """Approval id -> amount paid against it before the close (as trustfund.rules.approval counts)."""
    used: dict[str, Decimal] = defaultdict(Decimal)
    for entry in old:
        if not isinstance(entry, data.Transaction) or _is_generated(entry) or not is_payment(entry):
            continue
        ids = [aid for aid in meta_list(entry, "approval") if aid in community.approvals]
        left = bank_outflow(entry)
        for index, aid in enumerate(ids):
            approval = community.approvals[aid]
            amount = approval.amount(entry.date) or ZERO
            take = left if index == len(ids) - 1 else min(left, max(amount - used[aid], ZERO))
            used[aid] += take
            left -= take
    return {aid: amount for aid, amount in used.items() if amount > 0}


def _reduced_approval(
    community: Community, aid: str, paid: Decimal, end: date
) -> list[data.Custom]:
    """An approval partly used before the close, each role's sign-off reduced by what was paid."""
    approval = community.approvals[aid]
    out = []
    for role, signoff in sorted(approval.latest_by_role(end).items()):
        left = signoff.amount - paid
        if left <= 0:
            left = Decimal("0.01")
        meta = {
            "approved": f"{_money(signoff.amount)} {signoff.currency}",
            "paid-before": f"{_money(paid)} {signoff.currency}",
        }
        values = [
            ValueType(aid, str),
            ValueType(role, str),
            ValueType(signoff.name, str),
            ValueType(Amount(left, signoff.currency), Amount),
        ]
        out.append(data.Custom(_meta(**meta), signoff.date, "tf-approval", values))
    return out


def _maintenance_per_unit(
    old: list[data.Directive], community: Community, start: date, balances: _Balances
) -> dict[str, Decimal]:
    """Each unit's share of the maintenance fund: its opening equity (``unit:`` postings on
    ``Equity:Owners:Maintenance``) plus deposits, less allocated costs, plus interest
    (``reports.subledgers.maintenance_ledger``)."""
    shares: dict[str, Decimal] = defaultdict(Decimal)
    for (account, _currency), parts in balances.by_unit.items():
        if account == EQUITY[MAINTENANCE]:
            for unit, number in parts.items():
                if unit is not None:
                    shares[unit] -= number
    ledger = maintenance_ledger(old, community, start)
    for room, fund in ledger.units.items():
        shares[room] += fund.balance
    return {room: n for room, n in sorted(shares.items()) if n}


def _clearing_lots(
    account: str, currency: str, lots: list[Any], advance: Decimal, end: date, root: Path
) -> list[data.Transaction]:
    """The collections the manager still holds, one per day collected (TF103 across the year)."""
    equity = EQUITY[classify(account).fund]
    out = [
        _transaction(
            lot.day,
            f"期初: 物业代收未上缴 ({lot.day})",
            OPEN_TAG,
            [
                _posting(account, lot.remaining, currency),
                _posting(equity, -lot.remaining, currency),
            ],
            **{"carried-from": location(lot.txn.meta, root)},
        )
        for lot in lots
    ]
    if advance:
        postings = [_posting(account, -advance, currency), _posting(equity, advance, currency)]
        out.append(_transaction(end, "期初: 物业多缴上缴款", OPEN_TAG, postings))
    return out


def _opening_balances(
    balances: _Balances,
    community: Community,
    old: list[data.Directive],
    end: date,
    root: Path,
    plan: ClosePlan,
) -> list[data.Transaction]:
    """One opening transaction per asset and liability account against its fund's equity:
    receivables, prepayments and deposits per unit, the maintenance fund per unit."""
    out: list[data.Transaction] = []
    lots, advance = open_collections(old, community, end)
    clearing = [key for key, n in balances.total.items() if n != 0 and classify(key[0]).is_clearing]
    lots_ok = (
        len(clearing) == 1
        and sum((lot.remaining for lot in lots), ZERO) - advance == balances.total[clearing[0]]
    )
    for (account, currency), number in sorted(balances.total.items()):
        cls = classify(account)
        if number == 0 or not account.startswith(("Assets:", "Liabilities:")):
            continue
        plan.opening_accounts += 1
        if cls.is_clearing and lots_ok:
            out.extend(_clearing_lots(account, currency, lots, advance, end, root))
            continue
        equity = EQUITY[cls.fund]
        postings = [_posting(account, number, currency)]
        parts = balances.by_unit[(account, currency)]
        per_unit = cls.is_receivable or cls.is_prepaid or cls.is_deposits
        if per_unit and any(unit is not None and n != 0 for unit, n in parts.items()):
            for unit, n in sorted(parts.items(), key=lambda item: item[0] or ""):
                if n != 0:
                    postings.append(_posting(equity, -n, currency, unit))
        elif cls.fund == MAINTENANCE and account.startswith("Assets:"):
            shares = _maintenance_per_unit(old, community, end + timedelta(days=1), balances)
            for unit, n in shares.items():
                postings.append(_posting(equity, -n, currency, unit))
            rest = number - sum(shares.values(), ZERO)
            if rest:
                postings.append(_posting(equity, -rest, currency))
        else:
            postings.append(_posting(equity, -number, currency))
        out.append(_transaction(end, f"期初余额 {account}", OPEN_TAG, postings))
    return out


def _refuse_if_broken(ledger: Ledger, year: int) -> None:
    broken = [e for e in ledger.errors if error_code(e) is None]
    if broken:
        shown = "\n  ".join(format_error(e) for e in broken[:5])
        raise CloseRefused(
            f"cannot close {year}: the ledger has {len(broken)} error(s); fix them first:\n  {shown}"
        )


_resolve = resolve_ledger


def close(
    main: Path, year: int, today: date | None = None, seal: bool = True, echo: Any = click.echo
) -> ClosePlan:
    """Close ``year`` of the ledger ``main`` (see the module docstring); returns what was written."""
    from ledger.writer import LedgerWriter

    today = today or date.today()
    root = main.parent
    if today <= date(year, 12, 31):
        raise CloseRefused(f"cannot close {year}: it is not over (today is {today})")
    if (root / f"{year}/{year}-close.beancount").exists():
        raise CloseRefused(f"{year} is already closed ({year}/{year}-close.beancount exists)")
    if (root / f"{year + 1}.beancount").exists():
        raise CloseRefused(
            f"{year + 1}.beancount exists already; move it away to close {year} again"
        )
    writer = LedgerWriter(root)
    with writer.transaction(f"close {year}, open {year + 1}") as ws:
        ledger = load(main)
        _refuse_if_broken(ledger, year)
        plan = plan_close(ledger, year)
        for rel, text in plan.files.items():
            ws.write(root / rel, text)
        ws.ensure_include(main, root / plan.include_in_archive)
        sealed = _seal_year(ledger, year, today, ws, main) if seal else "not sealed (--no-seal)"
    for fund, amount in sorted(plan.surplus.items()):
        echo(f"{year} {fund} fund: {'surplus' if amount >= 0 else 'deficit'} {_money(abs(amount))}")
    echo(f"wrote {plan.include_in_archive} (closing entries, included from {main.name})")
    echo(
        f"wrote {plan.new_main} and {year + 1}/{year + 1}-opening.beancount: {plan.opening_accounts} opening balances, "
        + ", ".join(f"{n} {k}" for k, n in sorted(plan.carried.items()))
    )
    echo(f"seals: {sealed}")
    warnings = [e for e in ledger.errors if error_code(e) is not None]
    if warnings:
        echo(
            f"note: the ledger has {len(warnings)} trust-rule error(s); `trustfund check` lists them",
            err=True,
        )
    if ws.git_error:
        echo(f"note: written, but not committed: {ws.git_error}", err=True)
    elif ws.git_note:
        echo(f"note: {ws.git_note}", err=True)
    return plan


def _seal_year(ledger: Ledger, year: int, today: date, ws: Any, main: Path) -> str:
    from ledger.seal import MANIFEST_DIR, SEALS_FILE, SealRefused, plan_seals
    from ledger.writer import uncommitted_changes

    edits = uncommitted_changes(main.parent, [Path(name) for name in ledger.files])
    if edits:  # a seal over edits a clone does not have would show as broken there
        shown = ", ".join(path for path, _ in edits[:5]) + (" …" if len(edits) > 5 else "")
        return (
            f"not sealed: edits not committed ({shown}); commit them, then "
            f"`trustfund seal {year}-12 --include-earlier`"
        )
    try:
        plans = plan_seals(
            ledger.entries, ledger.community, f"{year}-12", today, include_earlier=True
        )
    except SealRefused as exc:
        return f"not sealed: {exc}"
    root = main.parent
    seals_file = root / SEALS_FILE
    if not seals_file.exists():
        ws.write(seals_file, "; Sealed months, written by `trustfund seal`. Do not edit.\n")
    for seal_plan in plans:
        manifest_rel = f"{MANIFEST_DIR}/{seal_plan.period}.sha256"
        ws.write(root / manifest_rel, seal_plan.manifest())
        ws.append(seals_file, seal_plan.directive(today, manifest_rel))
    ws.ensure_include(main, seals_file)
    return f"sealed {', '.join(p.period for p in plans)}" if plans else "nothing to seal"


@click.command("close-year")
@click.argument("year", type=int)
@click.argument("ledger_path", metavar="[LEDGER]", required=False, default="main.beancount")
@click.option("--no-seal", is_flag=True, help="Do not seal the months of the closed year.")
def close_year(year: int, ledger_path: str, no_seal: bool) -> None:
    """Close YEAR: closing entries, and a new main file YEAR+1.beancount with opening balances.

    The archive (the old main file and its includes) stays as it is, plus the closing entries;
    `trustfund check YEAR+1.beancount` then loads only the new year.
    """
    close(_resolve(ledger_path), year, seal=not no_seal)
