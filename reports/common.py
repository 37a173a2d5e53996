"""What the reports share: the loaded source, funds, labels, allocation, payments.

Everything here is a pure function over entries already loaded (no I/O, no reloading).
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, TypeVar, cast

from beancount.core import data

from ledger.accounts import classify
from ledger.community import Community, build_community
from ledger.entries import bank_outflow, ids, is_payment, meta_list, meta_str

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

_MEMO: dict[int, tuple[Sequence[data.Directive], dict[Any, Any]]] = {}


def memo(entries: Sequence[data.Directive], key: Any, compute: Callable[[], T]) -> T:
    """``compute()`` once per entries list and key (the results are never mutated)."""
    slot = _MEMO.get(id(entries))
    if slot is None or slot[0] is not entries:
        if len(_MEMO) >= 2:
            _MEMO.clear()
        slot = _MEMO[id(entries)] = (entries, {})
    cache = slot[1]
    if key not in cache:
        cache[key] = compute()
    return cast(T, cache[key])


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
        community = memo(entries, "community", lambda: build_community(entries)[0])
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
    """Chinese labels from ``name:`` (or ``zh:``) metadata on Open directives."""
    labels: dict[str, str] = {}
    for entry in entries:
        if type(entry) is data.Open:
            name = meta_str(entry, "name") or meta_str(entry, "zh")
            if name:
                labels[entry.account] = name
    return labels


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


def where(entry: Any) -> str:
    """``file:line`` of an entry (or error source)."""
    meta = getattr(entry, "meta", None) if not isinstance(entry, dict) else entry
    if not meta:
        return ""
    return f"{meta.get('filename', '?')}:{meta.get('lineno', 0)}"


def unit_of(posting: data.Posting, txn: data.Transaction) -> str | None:
    value = (posting.meta or {}).get("unit") if posting.meta else None
    if value is None:
        value = (txn.meta or {}).get("unit")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------------------
# Payments (DESIGN.md §3), with their evidence


@dataclass
class PaymentInfo:
    """One payment and the evidence it cites (names not yet masked)."""

    date: Day
    payee: str
    narration: str
    amount: Decimal
    fund: str
    bank: str
    accounts: tuple[str, ...]  # the non-bank accounts it pays
    approvals: tuple[str, ...]
    signoffs: str  # "committee 2025-03-03; manager 2025-03-04"
    resolution: str
    emergency: str
    contract: str
    price_audit: str
    invoice: str
    notice_date: Day | None
    large: bool
    related: bool  # flagged ``related-party: TRUE`` by the ledger
    auto_debit: bool
    remuneration: bool
    location: str
    entry: data.Transaction
    invoices: tuple[str, ...] = ()  # every invoice number cited
    contracts: tuple[str, ...] = ()  # every contract id cited
    resolutions: tuple[str, ...] = ()  # every resolution id cited
    payee_role: str | None = None  # the payee's roster role on the day (tf-member)
    payee_kind: str | None = None  # the payee's tf-party kind on the day

    @property
    def related_party(self) -> bool:
        """Paid to a roster member or a party marked "related" (DESIGN.md §3, TF310)."""
        return self.payee_role is not None or self.payee_kind == "related"


def _signoff_text(community: Community, approval_ids: Sequence[str]) -> str:
    parts = []
    for aid in approval_ids:
        approval = community.approvals.get(aid)
        if approval is None:
            parts.append(f"{aid}: 未找到 unknown")
            continue
        latest = approval.latest_by_role()
        roles = "; ".join(f"{role} {s.date.isoformat()}" for role, s in sorted(latest.items()))
        parts.append(roles if len(approval_ids) == 1 else f"{aid}: {roles}")
    return " | ".join(parts)


def payment_info(txn: data.Transaction, community: Community) -> PaymentInfo:
    """The :class:`PaymentInfo` of a transaction that :func:`is_payment`."""
    amount = bank_outflow(txn)
    bank = ""
    others: list[str] = []
    for posting in txn.postings:
        cls = classify(posting.account)
        if (
            cls.is_bank
            and posting.units is not None
            and posting.units.number is not None
            and posting.units.number < 0
        ):
            bank = bank or posting.account
        elif not cls.is_bank:
            others.append(posting.account)
    approvals = tuple(meta_list(txn, "approval"))
    threshold = community.thresholds.at(txn.date)
    large = threshold is not None and amount >= threshold.amount
    notice_date = None
    for aid in approvals:
        for notice in community.notices.get(aid, []):
            if notice_date is None or notice.date < notice_date:
                notice_date = notice.date
    related_value = (
        str((txn.meta or {}).get("related-party", (txn.meta or {}).get("related", "")))
        .strip()
        .lower()
    )
    remuneration = "period" in (txn.meta or {}) and any(classify(a).is_remuneration for a in others)
    payee = (txn.payee or "").strip()
    return PaymentInfo(
        date=txn.date,
        payee=payee,
        narration=(txn.narration or "").strip(),
        amount=amount,
        fund=fund_of(bank) if bank else COMMON,
        bank=bank,
        accounts=tuple(dict.fromkeys(others)),
        approvals=approvals,
        signoffs=_signoff_text(community, approvals) if approvals else "",
        resolution=meta_str(txn, "resolution") or "",
        emergency=meta_str(txn, "emergency") or "",
        contract=meta_str(txn, "contract") or "",
        price_audit=meta_str(txn, "price-audit") or "",
        invoice=meta_str(txn, "invoice") or "",
        notice_date=notice_date,
        large=large,
        related=related_value in ("true", "yes", "1"),
        auto_debit=bool(others) and all(community.is_auto_debit(a, txn.date) for a in others),
        remuneration=remuneration,
        location=where(txn),
        entry=txn,
        invoices=tuple(ids(txn, "invoice")),
        contracts=tuple(ids(txn, "contract")),
        resolutions=tuple(ids(txn, "resolution")),
        payee_role=community.member_role(payee, txn.date) if payee else None,
        payee_kind=community.party_kind(payee, txn.date) if payee else None,
    )


def payments_in(
    entries: Sequence[data.Directive], community: Community, start: date, end: date
) -> list[PaymentInfo]:
    """Every payment dated in ``[start, end)``."""

    def build() -> list[PaymentInfo]:
        return [
            payment_info(t, community) for t in transactions(entries, start, end) if is_payment(t)
        ]

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
