"""Account classes of the trust model, computed once per account name.

DESIGN.md §3: funds are told apart by account; ``Assets:Bank:*`` are the owners' accounts;
``Assets:Clearing:Manager`` holds what the manager collected and has not yet remitted.
Classifying an account costs a few string tests; rules call :func:`classify`, which caches the
result, so a rule pass over 100k transactions does that work only once per distinct account.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

COMMON = "common"
MAINTENANCE = "maintenance"

BANK = "Assets:Bank"
MAINTENANCE_BANK = "Assets:Bank:Maintenance"
CLEARING_MANAGER = "Assets:Clearing:Manager"
RECEIVABLE_FEES = "Assets:Receivable:Fees"
PREPAID_FEES = "Liabilities:Prepaid:Fees"
DEPOSITS = "Liabilities:Deposits"
PAYABLE_MANAGER = "Liabilities:Payable:Manager"
REMUNERATION = "Expenses:Manager:Remuneration"
SUSPENSE = "Expenses:Suspense"


def under(account: str, parent: str) -> bool:
    """``account`` is ``parent`` or one of its sub-accounts."""
    return account == parent or account.startswith(parent + ":")


@dataclass(frozen=True, slots=True)
class AccountClass:
    """What the trust rules need to know about one account."""

    account: str
    fund: str  # COMMON | MAINTENANCE
    is_bank: bool  # Assets:Bank:*  (owners' bank accounts)
    is_clearing: bool  # Assets:Clearing:Manager
    is_owners_cash: bool  # bank or manager clearing: money the owners hold
    is_income: bool
    is_fee_income: bool  # Income:Fees:*
    is_public_income: bool  # Income:Public:*
    is_fee_base: bool  # credits here count as fees collected (TF201)
    is_receivable: bool  # Assets:Receivable:*
    is_prepaid: bool  # Liabilities:Prepaid:*
    is_deposits: bool  # Liabilities:Deposits
    is_manager: bool  # Liabilities:Payable:Manager or Expenses:Manager:*
    is_remuneration: bool  # Expenses:Manager:Remuneration
    is_expense: bool
    is_owners_fund: bool  # belongs to an owners' fund (assets/liabilities/equity/income/expenses)
    is_suspense: bool  # unclassified imports (Expenses:Suspense, Income:Suspense)


@cache
def classify(account: str) -> AccountClass:
    """The :class:`AccountClass` of ``account`` (cached)."""
    maintenance = (
        under(account, MAINTENANCE_BANK)
        or under(account, "Income:Maintenance")
        or under(account, "Expenses:Maintenance")
        or under(account, "Equity:Owners:Maintenance")
        or under(account, "Liabilities:Maintenance")
    )
    is_bank = under(account, BANK)
    is_clearing = under(account, CLEARING_MANAGER)
    is_income = under(account, "Income")
    is_fee_income = under(account, "Income:Fees")
    is_public = under(account, "Income:Public")
    is_receivable_fees = under(account, RECEIVABLE_FEES)
    is_prepaid_fees = under(account, PREPAID_FEES)
    is_manager = under(account, PAYABLE_MANAGER) or under(account, "Expenses:Manager")
    return AccountClass(
        account=account,
        fund=MAINTENANCE if maintenance else COMMON,
        is_bank=is_bank,
        is_clearing=is_clearing,
        is_owners_cash=is_bank or is_clearing,
        is_income=is_income,
        is_fee_income=is_fee_income,
        is_public_income=is_public,
        is_fee_base=is_fee_income or is_receivable_fees or is_prepaid_fees,
        is_receivable=under(account, "Assets:Receivable"),
        is_prepaid=under(account, "Liabilities:Prepaid"),
        is_deposits=under(account, DEPOSITS),
        is_manager=is_manager,
        is_remuneration=under(account, REMUNERATION),
        is_expense=under(account, "Expenses"),
        is_owners_fund=not is_manager,
        is_suspense=account.endswith(":Suspense"),
    )
