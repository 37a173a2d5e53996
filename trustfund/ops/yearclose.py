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

import contextlib
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
from beancount.parser import printer

from ledger.accounts import MAINTENANCE, classify
from ledger.community import Community
from ledger.entries import (
    CARRY_TYPE,
    GENERATED_KEY,
    YEAR_CLOSE_TAG,
    YEAR_OPEN_TAG,
    bank_outflow,
    is_payment,
    meta_list,
)
from ledger.errors import error_code
from ledger.loader import Ledger, format_error, load, resolve_ledger
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
    surplus: dict[str, Decimal] = field(default_factory=dict)  # fund -> income - expenses
    opening_accounts: int = 0
    carried: dict[str, int] = field(default_factory=dict)


def _money(number: Decimal) -> str:
    return format(number, "f")


def _print(entry: data.Directive) -> str:
    return printer.format_entry(entry).rstrip("\n") + "\n"


def _source(entry: Any, root: Path) -> str:
    meta = getattr(entry, "meta", None) or {}
    filename = str(meta.get("filename", "?"))
    with contextlib.suppress(ValueError):
        filename = str(Path(filename).resolve().relative_to(root))
    return f"{filename}:{meta.get('lineno', 0)}"


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


def plan_close(ledger: Ledger, year: int) -> ClosePlan:
    """Compute every file ``close-year`` writes, without writing anything."""
    root = ledger.path.parent
    end = date(year, 12, 31)
    start = end + timedelta(days=1)
    community = ledger.community
    entries = ledger.entries
    plan = ClosePlan(year)
    old = [e for e in entries if e.date <= end]
    new = [e for e in entries if e.date >= start]

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

    # -- closing entries (archive) -------------------------------------------------------
    close_lines = [
        f"; Closing entries of {year}, written by `trustfund close-year {year}`. Do not edit.",
        f"; Income and expenses of {year} go to the owners' equity of their fund.",
        "",
    ]
    by_fund: dict[tuple[str, str], list[tuple[str, Decimal]]] = defaultdict(list)
    for (account, currency), number in sorted(balances.total.items()):
        cls = classify(account)
        if number != 0 and (cls.is_income or cls.is_expense):
            by_fund[(cls.fund, currency)].append((account, number))
    for name in sorted({EQUITY[f] for f, _ in by_fund}):
        if name not in opens:
            close_lines += [f"{start} open {name}", ""]
    for (fund, currency), rows in sorted(by_fund.items()):
        net = sum((n for _, n in rows), ZERO)
        plan.surplus[fund] = plan.surplus.get(fund, ZERO) - net
        label = "维修资金" if fund == MAINTENANCE else "共同基金"
        close_lines.append(
            f'{start} * "{year} 年度结转: {label}收支结余转入业主权益" #{YEAR_CLOSE_TAG}'
        )
        close_lines.append(f'  year-close: "{year}"')
        for account, number in rows:
            close_lines.append(f"  {account}  {_money(-number)} {currency}")
        close_lines.append(f"  {EQUITY[fund]}  {_money(net)} {currency}")
        close_lines.append("")
    close_rel = f"{year}/{year}-close.beancount"
    plan.files[close_rel] = "\n".join(close_lines)
    plan.include_in_archive = close_rel

    # -- what the new year cites ---------------------------------------------------------
    cited: dict[str, set[str]] = {
        "approval": set(),
        "resolution": set(),
        "emergency": set(),
        "contract": set(),
    }
    for entry in new:
        if isinstance(entry, data.Custom):
            values = _custom_values(entry)
            if entry.type == "tf-notice" and len(values) > 1:
                cited["approval"].add(str(values[1]))
            elif entry.type == "tf-approval" and values:
                cited["approval"].add(str(values[0]))
            elif entry.type in ("tf-vote", "tf-close") and values:
                cited["resolution"].add(str(values[0]))
        for key, ids in cited.items():
            ids.update(meta_list(entry, key))

    used = _approvals_used(old, community)

    # -- the opening file ----------------------------------------------------------------
    head: list[str] = []
    register: list[str] = []
    terms: list[str] = []
    governance: list[str] = []
    copied: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    main_file = str(ledger.path)
    relevant_resolutions = {
        rid
        for rid in community.resolutions
        if rid in cited["resolution"]
        or rid not in community.closes
        or community.closes[rid].date >= start
    }
    relevant_approvals = {
        aid for aid in community.approvals if aid in cited["approval"] or aid not in used
    }
    for entry in old:
        if _is_generated(entry):
            continue
        if isinstance(entry, data.Commodity):
            head.append(_print(entry))
        elif isinstance(entry, data.Open):
            if entry.account not in closed:
                head.append(_print(entry))
        elif isinstance(entry, data.Custom):
            kind = entry.type
            values = _custom_values(entry)
            first = str(values[0]) if values else ""
            if kind in REGISTER_TYPES:
                register.append(_print(entry))
                counts["register"] += 1
            elif kind in TERM_TYPES:
                terms.append(_print(entry))
                counts["terms"] += 1
            elif kind == "tf-contract":
                ends = values[-1] if values else None
                if first in cited["contract"] or (isinstance(ends, date) and ends >= start):
                    terms.append(_print(entry))
                    counts["contracts"] += 1
            elif kind in ("tf-resolution", "tf-vote", "tf-close"):
                if first in relevant_resolutions:
                    governance.append(_print(entry))
                    counts[kind] += 1
            elif kind == "tf-approval":
                if first in relevant_approvals and first not in used:
                    governance.append(_print(entry))
                    counts[kind] += 1
            elif kind == "tf-notice":
                if len(values) > 1 and str(values[1]) in relevant_approvals:
                    governance.append(_print(entry))
            elif kind == "tf-emergency":
                if first in cited["emergency"]:
                    governance.append(_print(entry))
                    counts[kind] += 1
            elif kind.startswith("tf-") or kind == CARRY_TYPE:
                continue  # seals stay with the archive; carries are recomputed
            elif entry.meta.get("filename") == main_file:
                head.append(_print(entry))  # fava-option, fava-extension …
    for aid in sorted(relevant_approvals & set(used)):
        governance.append(_reduced_approval(community, aid, used[aid], end))
        counts["tf-approval (partly used)"] += 1

    # entries of the new year that live in files holding older entries too
    file_dates: dict[str, list[date]] = defaultdict(list)
    for entry in entries:
        if not _is_generated(entry):
            file_dates[str(entry.meta.get("filename", ""))].append(entry.date)
    new_files = sorted(
        name
        for name, days in file_dates.items()
        if name != main_file and days and min(days) >= start and Path(name).exists()
    )
    for entry in new:
        if _is_generated(entry) or str(entry.meta.get("filename", "")) in new_files:
            continue
        if isinstance(entry, data.Custom) and entry.type == "tf-seal":
            values = _custom_values(entry)
            if values and str(values[0]) < f"{year + 1}-01":
                continue
        copied.append(_print(entry))

    opening = _opening_balances(balances, community, old, end, root, plan)
    opened = {name for name in EQUITY.values() if name in opens}
    for name in sorted(set(EQUITY.values()) - opened):
        if any(name in block for block in opening):
            first = min((block[:10] for block in opening), default=str(end))
            head.append(f"{first} open {name}\n")
    carry = [
        f'{end} custom "{CARRY_TYPE}" "{month}" {_money(base)} {_money(due)} {_money(posted)}\n'
        for month, (base, due, posted) in carried_months(old, community).items()
        if month.startswith(f"{year}-")
    ]
    counts["remuneration months"] = len(carry)
    plan.carried = dict(counts)

    y1 = year + 1
    opening_rel = f"{y1}/{y1}-opening.beancount"
    sections = [
        (
            f"; {y1}: what the new year carries from the ledger closed on {end} "
            f"(`trustfund close-year {year}`). Original dates are kept. Do not edit.\n"
        ),
        "; -- accounts -----------------------------------------------------------------\n",
        *head,
        "; -- unit and owner register -----------------------------------------------------\n",
        *register,
        "; -- contract terms, budgets, running contracts ------------------------------------\n",
        *terms,
        "; -- approvals, resolutions, votes, notices, emergencies still relevant --------------\n",
        *governance,
        f"; -- remuneration of {year} by month: collected base, amount due (unrounded), posted ---\n",
        *carry,
        f"; -- opening balances on {end} ----------------------------------------------------\n",
        *opening,
    ]
    if copied:
        sections += [
            f"; -- entries of {y1} from files that also hold earlier years ---------------\n",
            *copied,
        ]
    plan.files[opening_rel] = "\n".join(sections)

    # -- the new main file ---------------------------------------------------------------
    main_text = ledger.path.read_text(encoding="utf-8")
    kept = [line for line in main_text.splitlines() if KEEP_LINE_RE.match(line)]
    includes = [opening_rel] + [str(Path(name).resolve().relative_to(root)) for name in new_files]
    plan.new_main = f"{y1}.beancount"
    plan.files[plan.new_main] = "\n".join(
        [
            f"; The ledger from {start}, started by `trustfund close-year {year}`.",
            f"; Earlier years: {ledger.path.name} (closing entries in {close_rel}).",
            "",
            *kept,
            "",
            *[f'include "{name}"' for name in includes],
            "",
        ]
    )
    return plan


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


def _reduced_approval(community: Community, aid: str, paid: Decimal, end: date) -> str:
    approval = community.approvals[aid]
    lines = []
    for role, signoff in sorted(approval.latest_by_role(end).items()):
        left = signoff.amount - paid
        if left <= 0:
            left = Decimal("0.01")
        lines.append(
            f'{signoff.date} custom "tf-approval" "{aid}" "{role}" "{signoff.name}" '
            f"{_money(left)} {signoff.currency}\n"
            f'  approved: "{_money(signoff.amount)} {signoff.currency}"\n'
            f'  paid-before: "{_money(paid)} {signoff.currency}"\n'
        )
    return "".join(lines)


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
    try:
        from reports.subledgers import maintenance_ledger
    except ImportError:  # the reports area has not landed: opening equity only
        return {room: n for room, n in sorted(shares.items()) if n}
    ledger = maintenance_ledger(old, community, start)
    for room, fund in ledger.units.items():
        shares[room] += fund.balance
    return {room: n for room, n in sorted(shares.items()) if n}


def _opening_balances(
    balances: _Balances,
    community: Community,
    old: list[data.Directive],
    end: date,
    root: Path,
    plan: ClosePlan,
) -> list[str]:
    out: list[str] = []
    lots, advance = open_collections(old, community, end)
    clearing = [key for key, n in balances.total.items() if n != 0 and classify(key[0]).is_clearing]
    lots_ok = (
        len(clearing) == 1
        and sum((lot.remaining for lot in lots), ZERO) - advance == balances.total[clearing[0]]
    )
    equity_totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (account, currency), number in sorted(balances.total.items()):
        cls = classify(account)
        if number == 0 or not (account.startswith("Assets:") or account.startswith("Liabilities:")):
            if number != 0 and account.startswith("Equity:"):
                equity_totals[(cls.fund, currency)] += number
            continue
        plan.opening_accounts += 1
        equity = EQUITY[cls.fund]
        if cls.is_clearing and lots_ok:
            for lot in lots:
                out.append(
                    f'{lot.day} * "期初: 物业代收未上缴 ({lot.day})" #{OPEN_TAG}\n'
                    f'  carried-from: "{_source(lot.txn, root)}"\n'
                    f"  {account}  {_money(lot.remaining)} {currency}\n"
                    f"  {equity}  {_money(-lot.remaining)} {currency}\n"
                )
            if advance:
                out.append(
                    f'{end} * "期初: 物业多缴上缴款" #{OPEN_TAG}\n'
                    f"  {account}  {_money(-advance)} {currency}\n"
                    f"  {equity}  {_money(advance)} {currency}\n"
                )
            continue
        lines = [
            f'{end} * "期初余额 {account}" #{OPEN_TAG}',
            f"  {account}  {_money(number)} {currency}",
        ]
        parts = balances.by_unit[(account, currency)]
        per_unit = cls.is_receivable or cls.is_prepaid or cls.is_deposits
        if per_unit and any(unit is not None and n != 0 for unit, n in parts.items()):
            for unit, n in sorted(parts.items(), key=lambda item: item[0] or ""):
                if n == 0:
                    continue
                if unit is None:
                    lines.append(f"  {equity}  {_money(-n)} {currency}")
                else:
                    lines.append(f'  {equity}  {_money(-n)} {currency}\n    unit: "{unit}"')
        elif cls.fund == MAINTENANCE and account.startswith("Assets:"):
            shares = _maintenance_per_unit(old, community, end + timedelta(days=1), balances)
            rest = number
            for unit, n in shares.items():
                lines.append(f'  {equity}  {_money(-n)} {currency}\n    unit: "{unit}"')
                rest -= n
            if rest:
                lines.append(f"  {equity}  {_money(-rest)} {currency}")
        else:
            lines.append(f"  {equity}  {_money(-number)} {currency}")
        out.append("\n".join(lines) + "\n")
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
    try:
        from ledger.seal import MANIFEST_DIR, SEALS_FILE, SealRefused, plan_seals
    except ImportError:
        return "not sealed (ledger.seal is not available)"
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
