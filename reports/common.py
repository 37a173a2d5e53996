"""What the reports share: the loaded source, funds, labels, allocation, payments.

Everything here is a pure function over entries already loaded (no I/O, no reloading).
"""

from __future__ import annotations

import bisect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, TypeVar, cast

from beancount.core import data

from ledger.accounts import REMUNERATION, classify
from ledger.community import Community, build_community
from ledger.entries import meta_str
from ledger.index import LedgerIndex, Payment, index_of

T = TypeVar("T")
ZERO = Decimal(0)
Day = date
FEN = Decimal("0.01")

COMMON = "common"
MAINTENANCE = "maintenance"
COMMITTEE = "committee"
FUNDS = (COMMON, MAINTENANCE, COMMITTEE)
FUND_LABELS = {
    COMMON: ("共同基金", "Common fund"),
    MAINTENANCE: ("专项维修资金", "Maintenance fund"),
    COMMITTEE: ("业委会工作经费", "Committee working fund"),
}


def fen(value: Decimal) -> Decimal:
    """Round to the fen, half-up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------
# Sharing work between reports computed from the same entries (write_all, the Fava pages)

_MEMO: dict[int, tuple[Sequence[data.Directive], OrderedDict[Any, Any]]] = {}
_MEMO_LOCK = threading.Lock()
#: Results kept per entries list, least recently used dropped first: a long-running site asked
#: for many periods (a crawler) stays bounded; one command's reports fit many times over.
MEMO_KEYS = 400


def memo(entries: Sequence[data.Directive], key: Any, compute: Callable[[], T]) -> T:
    """``compute()`` once per entries list and key (the results are never mutated)."""
    with _MEMO_LOCK:
        slot = _MEMO.get(id(entries))
        if slot is None or slot[0] is not entries:
            if len(_MEMO) >= 2:
                _MEMO.clear()
            slot = _MEMO[id(entries)] = (entries, OrderedDict())
        cache = slot[1]
        if key in cache:
            cache.move_to_end(key)
            return cast(T, cache[key])
    value = compute()
    with _MEMO_LOCK:
        if key in cache:
            return cast(T, cache[key])
        cache[key] = value
        while len(cache) > MEMO_KEYS:
            cache.popitem(last=False)
    return value


def forget() -> None:
    """Drop every shared result (and the per-load index): they hold the entries they were
    computed from, which can then be freed (``trustfund batch`` between communities)."""
    from ledger import index

    with _MEMO_LOCK:
        _MEMO.clear()
    index.forget()


def transactions(
    entries: Sequence[data.Directive], start: date | None = None, end: date | None = None
) -> Sequence[data.Transaction]:
    """The transactions dated in ``[start, end)``, in order (the list is built once)."""

    def build() -> tuple[list[data.Transaction], list[date]]:
        txns = [e for e in entries if type(e) is data.Transaction]
        return txns, [t.date for t in txns]

    txns, dates = memo(entries, "transactions", build)
    lo = bisect.bisect_left(dates, start) if start is not None else 0
    hi = bisect.bisect_left(dates, end) if end is not None else len(txns)
    return txns[lo:hi]


# ---------------------------------------------------------------------------------------
# The source of a report


@dataclass
class Source:
    """Entries plus what reports need beside them; built from a Ledger or a list of entries."""

    entries: Sequence[data.Directive]
    community: Community
    errors: list[Any] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    root: str = ""  # the ledger's folder: locations are shown relative to it

    def relative(self, location: str) -> str:
        """``/abs/ledger/2025/2025-03.beancount:12`` -> ``2025/2025-03.beancount:12``."""
        if self.root and location.startswith(self.root + os.sep):
            return location[len(self.root) + 1 :]
        return location


def rules_ran(options: dict[str, Any]) -> bool:
    """Whether the load ran the trust plugins (so their errors are in the ledger's errors)."""
    return any(str(name).startswith("trustfund") for name, _ in options.get("plugin", []) or [])


def resolve(source: Any, community: Community | None = None) -> Source:
    """Accept a ``ledger.loader.Ledger``, a :class:`Source` or a sequence of entries."""
    if isinstance(source, Source):
        return source
    if hasattr(source, "entries") and hasattr(source, "community"):
        if community is None:  # the loaded ledger's community: no report builds it again
            memo(source.entries, "community", lambda: source.community)
        options = getattr(source, "options", {}) or {}
        title = str(options.get("title", "") or "")
        path = getattr(source, "path", None)
        root = os.path.dirname(str(path)) if path and str(path) != "<string>" else ""
        return Source(
            source.entries,
            community or source.community,
            list(getattr(source, "errors", [])),
            options,
            "" if title == "Beancount" else title,
            root,
        )
    entries = source if isinstance(source, list) else list(source)
    if community is None:
        community = community_of(entries)
    return Source(entries, community)


# ---------------------------------------------------------------------------------------
# Funds and labels


@cache
def fund_of(account: str) -> str:
    """The fund of an account: maintenance, committee (any ``Committee*`` component) or common."""
    parts = account.split(":")
    if any(part.startswith("Committee") for part in parts[1:]):
        return COMMITTEE
    return classify(account).fund


ACCOUNT_LABELS = {
    "Income:Fees:Property": "物业费",
    "Income:Fees:Parking": "停车费",
    "Income:Fees": "物业服务费",
    "Income:Public:Parking": "公共车位收益",
    "Income:Public:Advertising": "广告收益",
    "Income:Public:Leasing": "公共场地租赁",
    "Income:Public": "公共收益",
    "Income:Interest": "利息收入",
    "Income:Maintenance:Deposits": "维修资金缴存",
    "Income:Maintenance:Interest": "维修资金利息",
    "Expenses:Service:Cleaning": "保洁",
    "Expenses:Service:Security": "秩序维护",
    "Expenses:Service:Greenery": "绿化",
    "Expenses:Service:Elevator": "电梯维保",
    "Expenses:Service:Utilities": "公共能耗",
    "Expenses:Service": "服务支出",
    "Expenses:Manager:Remuneration": "物业酬金",
    "Expenses:Manager": "物业费用",
    "Expenses:Maintenance": "维修工程",
    "Expenses:Admin:BankFees": "银行手续费",
    "Expenses:Admin": "行政支出",
    "Expenses:Committee": "业委会经费",
    "Expenses:Suspense": "待分类支出",
    "Income:Suspense": "待分类收入",
}


def account_labels(entries: Iterable[data.Directive]) -> dict[str, str]:
    """Chinese labels from ``name:`` (or ``zh:``) metadata on Open directives (read once per
    entries list; a copy each time)."""

    def build() -> dict[str, str]:
        labels: dict[str, str] = {}
        for entry in entries:
            if type(entry) is data.Open:
                name = meta_str(entry, "name") or meta_str(entry, "zh")
                if name:
                    labels[entry.account] = name
        return labels

    if isinstance(entries, Sequence):
        return dict(memo(entries, "account-labels", build))
    return build()


def label_of(account: str, labels: dict[str, str] | None = None) -> str:
    """``物业费 Income:Fees:Property``: the nearest known Chinese label, then the account."""
    if labels and account in labels:
        return labels[account]
    probe = account
    while probe:
        if probe in ACCOUNT_LABELS:
            zh = ACCOUNT_LABELS[probe]
            if probe != account:
                zh += "·" + account[len(probe) + 1 :].replace(":", "·")
            return zh
        probe = probe.rpartition(":")[0]
    return account.split(":", 1)[-1]


# Masking private persons: reports.publication (the one publication policy, DESIGN.md §7)


# ---------------------------------------------------------------------------------------
# Allocation by weight, to the fen, summing exactly to the total


def allocate(total: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Split ``total`` by ``weights`` to the fen (largest remainder; ties by key order).

    The shares add up to ``total`` exactly when ``total`` is a whole number of fen.
    """
    positive = {k: w for k, w in weights.items() if w > 0}
    whole = sum(positive.values(), ZERO)
    if not positive or whole <= 0:
        return {}
    sign = -1 if total < 0 else 1
    cents = int((abs(total) / FEN).to_integral_value(rounding=ROUND_HALF_UP))
    exact = {k: Decimal(cents) * w / whole for k, w in positive.items()}
    floors = {k: int(v) for k, v in exact.items()}
    left = cents - sum(floors.values())
    order = sorted(positive, key=lambda k: (-(exact[k] - floors[k]), k))
    for key in order[:left]:
        floors[key] += 1
    return {k: sign * Decimal(v) * FEN for k, v in floors.items()}


# ---------------------------------------------------------------------------------------
# Location of an entry


def unit_of(posting: data.Posting, txn: data.Transaction) -> str | None:
    value = (posting.meta or {}).get("unit") if posting.meta else None
    if value is None:
        value = (txn.meta or {}).get("unit")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------------------
# Payments (DESIGN.md §3), with their evidence: the per-load index's facts (ledger.index)


def ledger_index(
    entries: Sequence[data.Directive], community: Community | None = None
) -> LedgerIndex:
    """The per-load index the rules built (:func:`ledger.index.index_of`), or one pass now."""
    return index_of(entries, community or community_of(entries))


def community_of(entries: Sequence[data.Directive]) -> Community:
    """The community of ``entries`` (built once per entries list)."""
    return memo(entries, "community", lambda: build_community(entries)[0])


def waived(entries: Sequence[data.Directive]) -> dict[int, Decimal]:
    """``id(transaction)`` -> the part of its credit to receivables that is a waiver or
    write-off (:class:`ledger.index.Waiver`): never collected."""
    return memo(
        entries, "waived", lambda: {id(w.txn): w.amount for w in ledger_index(entries).waivers}
    )


@dataclass
class PaymentInfo:
    """One payment (:class:`ledger.index.Payment`) and what reports show of its evidence."""

    date: Day
    payee: str
    narration: str
    amount: Decimal  # the outflow from the owners' bank accounts
    fund: str
    bank: str
    accounts: tuple[str, ...]  # the accounts it pays (not the banks it lowers)
    approvals: tuple[str, ...]
    resolution: str  # the first resolution cited ("" for none); every one in ``resolutions``
    emergency: str
    contract: str
    price_audit: str
    invoice: str
    notice_date: Day | None  # the earliest tf-notice citing one of its approvals
    large: bool  # at or above the tf-threshold in force
    related: bool  # flagged ``related-party: TRUE`` by the ledger
    auto_debit: bool
    remuneration: bool  # pays the remuneration of a ``period:``
    location: str
    entry: data.Transaction
    invoices: tuple[str, ...] = ()
    contracts: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    acceptances: tuple[str, ...] = ()
    payee_role: str | None = None  # the payee's roster role on the day (tf-member)
    payee_kind: str | None = None  # the payee's tf-party kind on the day
    fact: Payment | None = field(default=None, repr=False)

    @property
    def related_party(self) -> bool:
        """Paid to a roster member or a party marked "related" (DESIGN.md §3, TF310)."""
        return self.payee_role is not None or self.payee_kind == "related"


def payment_info(pay: Payment, community: Community) -> PaymentInfo:
    """What reports show of one payment of the index."""
    threshold = community.thresholds.at(pay.date)
    notices = [n.date for aid in pay.approvals for n in community.notices.get(aid, [])]
    payee = pay.payee
    return PaymentInfo(
        date=pay.date,
        payee=payee,
        narration=pay.narration,
        amount=pay.outflow,
        fund=pay.fund,
        bank=pay.bank,
        accounts=pay.accounts,
        approvals=pay.approvals,
        resolution=pay.resolutions[0] if pay.resolutions else "",
        emergency=pay.emergencies[0] if pay.emergencies else "",
        contract=", ".join(pay.contracts),
        price_audit=", ".join(pay.price_audits),
        invoice=", ".join(pay.invoices),
        notice_date=min(notices) if notices else None,
        large=threshold is not None and pay.outflow >= threshold.amount,
        related=pay.related_flag,
        auto_debit=pay.auto_debit,
        remuneration="period" in (pay.txn.meta or {}) and pay.debit_to(REMUNERATION) > 0,
        location=pay.location,
        entry=pay.txn,
        invoices=pay.invoices,
        contracts=pay.contracts,
        resolutions=pay.resolutions,
        acceptances=pay.acceptances,
        payee_role=community.member_role(payee, pay.date) if payee else None,
        payee_kind=community.party_kind(payee, pay.date) if payee else None,
        fact=pay,
    )


def payments_in(
    entries: Sequence[data.Directive], community: Community, start: date, end: date
) -> list[PaymentInfo]:
    """Every payment dated in ``[start, end)``, as the index defines them."""

    def build() -> list[PaymentInfo]:
        index = ledger_index(entries, community)
        return [payment_info(p, community) for p in index.payments_between(start, end)]

    return memo(entries, ("payments", id(community), start, end), build)


# ---------------------------------------------------------------------------------------
# What the rules compute that reports show (layer 3, imported when used)


def remuneration_schedule(entries: Sequence[data.Directive], community: Community) -> list[Any]:
    """``trustfund.rules.remuneration.remuneration_schedule``, once per entries."""
    from trustfund.rules.remuneration import remuneration_schedule as schedule

    return memo(
        entries, ("remuneration", id(community)), lambda: list(schedule(entries, community))
    )


def tally(community: Community, resolution_id: str, as_of: date | None = None) -> Any | None:
    """``trustfund.rules.tally.tally``, or None for an unknown resolution."""
    from trustfund.rules.tally import tally as tally_of

    if resolution_id not in community.resolutions:
        return None
    return tally_of(community, resolution_id, as_of)
