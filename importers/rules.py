"""Categorisation rules: which ledger account an imported row's other side goes to.

The rules live with the community's ledger, in ``import-rules.toml`` beside ``main.beancount``
(found by :func:`find_rules`). Format (TOML)::

    # ledger account of each bank account number seen in a statement's preamble
    [accounts]
    "6222 0210 0000 1234" = "Assets:Bank:Trust"
    default = "Assets:Bank:Trust"          # a bank statement that names no account number
    fee = "Expenses:Admin:BankFees"        # where a payment app's fee goes
    opening = "Equity:Owners:Common"       # `--pad-opening` pads from here (default: the
                                           # fund's Equity:Owners:Common / :Maintenance)

    # a room number in the memo ("3-1-1001 3月物业费") of money coming in
    [units]
    pattern = '(?<![\\d-])(\\d{1,3}-\\d{1,2}-\\d{3,4})(?![\\d-])'
    account = "Assets:Receivable:Fees"     # the fees receivable; the posting gets unit: "3-1-1001"
    known-only = true                      # only rooms in the unit register (tf-unit)

    # metadata copied from the memo, e.g. the approval id a payment cites
    [[extract]]
    key = "approval"
    pattern = '(AP-\\d{4}-\\d+)'

    # explicit rules, first match wins; every condition given must hold
    [[rule]]
    counterparty = "电梯广告"              # regex searched in the counterparty name
    memo = "广告"                          # regex searched in the memo
    counter-account = "1100 2233"          # the counterparty's account number (exact, spaces ignored)
    direction = "in"                       # "in" | "out" (default: either)
    statement-account = "Assets:Bank:Trust"  # the statement's own ledger account (or a parent
                                             # such as "Assets:Bank"; a list for several)
    account = "Income:Public:Advertising"  # the counter posting's account
    meta = { contract = "C-2025-01" }      # extra transaction metadata (strings)

    # interest credited to the maintenance-fund account stays in that fund
    [[rule]]
    memo = "结息|利息"
    statement-account = "Assets:Bank:Maintenance"
    account = "Income:Maintenance:Interest"

A row no rule matches goes to ``Income:Suspense`` (money in) or ``Expenses:Suspense`` (money
out); ``trustfund check`` reports those as TF106, so nothing is lost and nothing is silently
misfiled. Existing postings teach nothing: only these rules decide. After adding a rule,
``trustfund import --recategorize`` applies the rules to the entries still in suspense
(:mod:`importers.recategorize`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from importers.records import SourceError, StatementRow
from ledger.accounts import under

if TYPE_CHECKING:
    from ledger.community import Community

RULES_FILENAME = "import-rules.toml"
INCOME_SUSPENSE = "Income:Suspense"
EXPENSE_SUSPENSE = "Expenses:Suspense"
DEFAULT_UNIT_PATTERN = r"(?<![\d-])(\d{1,3}-\d{1,2}-\d{2,5})(?![\d-])"
ACCOUNT_RE = re.compile(r"^(Assets|Liabilities|Equity|Income|Expenses)(:[A-Z0-9][\w\-]*)+$")
_META_KEY_RE = re.compile(r"^[a-z][a-zA-Z0-9\-_]+$")


@dataclass(frozen=True)
class Categorised:
    account: str
    posting_meta: dict[str, Any] = field(default_factory=dict)
    txn_meta: dict[str, Any] = field(default_factory=dict)
    narration: str = ""
    rule: str = ""  # which rule decided ("rule 3", "unit", "suspense")


@dataclass(frozen=True)
class Rule:
    index: int
    account: str
    counterparty: re.Pattern[str] | None = None
    memo: re.Pattern[str] | None = None
    counter_account: str | None = None
    direction: str | None = None  # "in" | "out"
    meta: tuple[tuple[str, str], ...] = ()
    statement_accounts: tuple[str, ...] = ()  # the statement's ledger account (or a parent)

    def matches(self, row: StatementRow, source_account: str = "") -> bool:
        if self.direction == "in" and row.amount <= 0:
            return False
        if self.direction == "out" and row.amount >= 0:
            return False
        if self.statement_accounts and not any(
            under(source_account, account) for account in self.statement_accounts
        ):
            return False
        if self.counterparty is not None and not self.counterparty.search(row.counterparty or ""):
            return False
        if self.memo is not None and not self.memo.search(row.memo or ""):
            return False
        return not (
            self.counter_account is not None
            and _digits(row.counter_account) != self.counter_account
        )


def _looks_like_date(room: str) -> bool:
    """``DD-MM-YYYY`` (or ``YYYY-MM-DD`` cut to the pattern): a date, not a room id."""
    parts = room.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return False
    day, month, year = (int(p) for p in parts)
    return len(parts[2]) == 4 and 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _digits(text: str | None) -> str:
    return re.sub(r"[\s\-\u3000]", "", text or "")


@dataclass
class Rules:
    """The parsed rules file (see the module docstring)."""

    accounts: dict[str, str] = field(default_factory=dict)  # normalised number -> account
    default_account: str | None = None
    fee_account: str | None = None
    opening_account: str | None = None
    unit_pattern: re.Pattern[str] | None = field(
        default_factory=lambda: re.compile(DEFAULT_UNIT_PATTERN)
    )
    unit_account: str = "Assets:Receivable:Fees"
    unit_known_only: bool = True
    extract: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    path: str | None = None

    def account_for_number(self, number: str) -> str | None:
        return self.accounts.get(_digits(number))

    def categorise(
        self, row: StatementRow, source_account: str, community: Community | None = None
    ) -> Categorised:
        txn_meta: dict[str, Any] = {}
        text = f"{row.memo or ''} {row.counterparty or ''}"
        for key, pattern in self.extract:
            match = pattern.search(text)
            if match:
                txn_meta[key] = match.group(1) if pattern.groups else match.group(0)
        room = self._room(row, community)
        for rule in self.rules:
            if rule.matches(row, source_account):
                txn_meta.update(dict(rule.meta))
                posting_meta = {"unit": room} if room and row.amount > 0 else {}
                return Categorised(rule.account, posting_meta, txn_meta, rule=f"rule {rule.index}")
        if room and row.amount > 0:
            return Categorised(self.unit_account, {"unit": room}, txn_meta, rule="unit")
        suspense = INCOME_SUSPENSE if row.amount > 0 else EXPENSE_SUSPENSE
        return Categorised(suspense, {}, txn_meta, rule="suspense")

    def _room(self, row: StatementRow, community: Community | None) -> str | None:
        if self.unit_pattern is None:
            return None
        for text in (row.memo, row.counterparty):
            for match in self.unit_pattern.finditer(text or ""):
                room = match.group(1) if self.unit_pattern.groups else match.group(0)
                if _looks_like_date(room):
                    continue  # "transactiedatum: 22-07-2010" is a day, not building 22
                if not self.unit_known_only or community is None or not community.units:
                    return room
                if room in community.units:
                    return room
        return None


def find_rules(ledger_path: Path) -> Path | None:
    """``import-rules.toml`` beside the main ledger file, if there is one."""
    candidate = ledger_path.parent / RULES_FILENAME
    return candidate if candidate.exists() else None


def load_rules(path: Path | None) -> Rules:
    """Parse a rules file; ``None`` gives the defaults (room numbers, everything else suspense).
    A malformed file raises :class:`SourceError` naming the file and the rule."""
    if path is None:
        return Rules()
    name = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(name, f"cannot read import rules: {exc}") from None
    return parse_rules(raw, name)


def _account(value: Any, name: str, where: str) -> str:
    if not isinstance(value, str) or not ACCOUNT_RE.match(value):
        raise SourceError(name, f"{where}: {value!r} is not a ledger account")
    return value


def _regex(value: Any, name: str, where: str) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise SourceError(name, f"{where}: pattern must be a string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise SourceError(name, f"{where}: bad pattern {value!r}: {exc}") from None


def parse_rules(raw: dict[str, Any], name: str = "<rules>") -> Rules:
    rules = Rules(path=name)
    accounts = raw.get("accounts", {})
    if not isinstance(accounts, dict):
        raise SourceError(name, "[accounts] must be a table")
    for key, value in accounts.items():
        if key == "default":
            rules.default_account = _account(value, name, "accounts.default")
        elif key == "fee":
            rules.fee_account = _account(value, name, "accounts.fee")
        elif key == "opening":
            rules.opening_account = _account(value, name, "accounts.opening")
        else:
            rules.accounts[_digits(key)] = _account(value, name, f"accounts.{key}")
    units = raw.get("units", {})
    if not isinstance(units, dict):
        raise SourceError(name, "[units] must be a table")
    if units.get("pattern") == "":
        rules.unit_pattern = None
    elif "pattern" in units:
        rules.unit_pattern = _regex(units["pattern"], name, "units.pattern")
    if "account" in units:
        rules.unit_account = _account(units["account"], name, "units.account")
    if "known-only" in units:
        rules.unit_known_only = bool(units["known-only"])
    for i, item in enumerate(raw.get("extract", []), 1):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("key"), str)
            or not re.fullmatch(r"[a-z][a-zA-Z0-9\-_]+", item["key"])
        ):
            raise SourceError(name, f"extract {i}: needs key (a metadata key) and pattern")
        rules.extract.append((item["key"], _regex(item.get("pattern"), name, f"extract {i}")))
    known = {
        "counterparty",
        "memo",
        "counter-account",
        "direction",
        "statement-account",
        "account",
        "meta",
    }
    for i, item in enumerate(raw.get("rule", []), 1):
        where = f"rule {i}"
        if not isinstance(item, dict):
            raise SourceError(name, f"{where}: must be a table")
        unknown = set(item) - known
        if unknown:
            raise SourceError(name, f"{where}: unknown keys {', '.join(sorted(unknown))}")
        direction = item.get("direction")
        if direction not in (None, "in", "out"):
            raise SourceError(name, f'{where}: direction must be "in" or "out"')
        meta = item.get("meta", {})
        if not isinstance(meta, dict):
            raise SourceError(name, f"{where}: meta must be a table")
        bad_keys = [str(key) for key in meta if not _META_KEY_RE.match(str(key))]
        if bad_keys:
            raise SourceError(
                name,
                f"{where}: metadata keys must be ASCII, lower-case first: {', '.join(bad_keys)}",
            )
        statement_accounts = item.get("statement-account", ())
        if isinstance(statement_accounts, str):
            statement_accounts = (statement_accounts,)
        if not isinstance(statement_accounts, list | tuple):
            raise SourceError(name, f"{where}: statement-account must be an account or a list")
        rules.rules.append(
            Rule(
                index=i,
                account=_account(item.get("account"), name, where),
                counterparty=_regex(item["counterparty"], name, where)
                if "counterparty" in item
                else None,
                memo=_regex(item["memo"], name, where) if "memo" in item else None,
                counter_account=_digits(str(item["counter-account"]))
                if "counter-account" in item
                else None,
                direction=direction,
                meta=tuple((str(k), str(v)) for k, v in meta.items()),
                statement_accounts=tuple(
                    _account(a, name, f"{where}: statement-account") for a in statement_accounts
                ),
            )
        )
    return rules
