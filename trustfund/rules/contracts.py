"""Money follows the contracts and the votes: TF105, TF311, TF406.

Enable on its own with ``plugin "trustfund.rules.contracts"`` (``trustfund.xinyi`` includes it).

A ``tf-contract`` names its account, counterparty, amount per period and term (from the
directive's date to its end date, both included)::

    2025-01-01 custom "tf-contract" "C-PUB-02" Income:Public:Advertising "分众楼宇传媒有限公司" 3360.00 CNY "monthly" 2025-12-31
    2025-01-01 custom "tf-contract" "C-SVC-03" Expenses:Service:Greenery "绿源园林工程有限公司" 3136.00 CNY "monthly" 2025-12-31
    2025-03-20 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "2号楼电梯更换" "2"
      budget: "504000.00 CNY"

    2025-03-12 * "新潮传媒有限公司" "电梯广告"          ; TF105: no contract with 新潮 on the account
      contract: "C-PUB-02"                            ; (citing 分众's contract changes nothing)
      Assets:Bank:Trust           3000.00 CNY
      Income:Public:Advertising

    2025-03-25 * "绿源园林工程有限公司" "绿化养护"      ; TF311: 3835.00 in March, 699.00 over
      approval: "AP-2025-033"
      Expenses:Service:Greenery   3835.00 CNY
      Assets:Bank:Trust

    2025-06-18 * "通达电梯工程有限公司" "电梯更换 尾款"  ; TF406 when the payments citing
      resolution: "R-2025-01"                         ; R-2025-01 pass its budget
      ...

Codes:

- **TF105** a receipt credited to an ``Income:Public:*`` account that some ``tf-contract`` names
  does not come from the counterparty (the transaction's payee) of a contract on that account
  in force on its date, and cites no ``resolution:`` that passed (vote closed on or before
  it). What contract it cites does not matter: income from a firm with no contract is not
  made good by citing another firm's. Income on an account no contract names (visitor parking
  the community collects itself) is not judged.
- **TF311** payments under an expense contract (any account outside ``Income:``) add up to more
  than its amount in one period: "monthly" a calendar month, "quarterly" a calendar quarter,
  "yearly" a calendar year, "once" the whole term. A payment is under a contract when it cites
  ``contract:`` with its id, or, citing none of the expense contracts, is to the contract's
  counterparty, debits the contract's account and falls within its term. What counts is the
  payment's debit to the contract's account (the whole payment when it cites the contract and
  debits none of it). Reported on the payment that goes over, with the excess.
- **TF406** the maintenance-fund uses citing a resolution add up to more than its ``budget:``
  (an amount, or text holding one such as "504000.00 CNY"). Reported on the payment that goes
  over, with the excess.

DESIGN.md §3 names only "monthly" and "once" for expense contracts; the parser accepts
"quarterly" and "yearly" too (income contracts use them), so they are judged by calendar
quarter and calendar year rather than rejected (docs/departures.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.community import Community, Contract
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex, Payment
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry
from trustfund.rules.tally import resolutions

__plugins__ = ("plugin",)

ZERO = Decimal(0)


def is_income_contract(contract: Contract) -> bool:
    return contract.account == "Income" or contract.account.startswith("Income:")


def period_of(frequency: str, day: date) -> str:
    """The period a payment of ``day`` falls in: "2025-03", "2025-Q1", "2025" or "" (once)."""
    if frequency == "monthly":
        return f"{day.year:04d}-{day.month:02d}"
    if frequency == "quarterly":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if frequency == "yearly":
        return f"{day.year:04d}"
    return ""


def check_income(community: Community, index: LedgerIndex, errors: list[TrustError]) -> None:
    """TF105: public income comes from a contract's counterparty (or a passed resolution)."""
    by_account: dict[str, list[Contract]] = {}
    for contract in community.contracts.values():
        if contract.account.startswith("Income:Public"):
            by_account.setdefault(contract.account, []).append(contract)
    if not by_account:
        return
    votes = resolutions(community)
    for receipt in index.public_receipts:
        for account, amount in receipt.credits:
            contracts = by_account.get(account)
            if not contracts:
                continue
            payee, day = receipt.payee, receipt.date
            if any(c.counterparty.strip() == payee and c.start <= day <= c.end for c in contracts):
                continue
            passed, why = votes.basis(receipt.resolutions, day)
            if passed:
                continue
            parties = "; ".join(
                f"{c.id} {c.counterparty} {c.start}–{c.end}" for c in sorted(contracts, key=_key)
            )
            errors.append(
                make_error(
                    "TF105",
                    f"public income {amount} on {account} from {payee or '(no payee)'} on {day}: "
                    f"no contract with that counterparty in force ({parties}) and "
                    + ("no resolution cited" if not receipt.resolutions else why),
                    receipt.txn,
                    ids=[
                        f"account:{account}",
                        *([f"payee:{payee}"] if payee else []),
                        *(f"contract:{c}" for c in receipt.contracts),
                        *(f"resolution:{r}" for r in receipt.resolutions),
                    ],
                    amount=amount,
                )
            )


def _key(contract: Contract) -> tuple[date, str]:
    return (contract.start, contract.id)


def _under(
    pay: Payment,
    by_id: dict[str, Contract],
    by_party: dict[str, list[Contract]],
) -> tuple[list[Contract], bool]:
    """The expense contracts a payment is under, and whether it cites them."""
    cited = [by_id[c] for c in pay.contracts if c in by_id]
    if cited:
        return cited, True
    day = pay.date
    return [
        c
        for c in by_party.get(pay.payee, ())
        if c.start <= day <= c.end and pay.debit_to(c.account) > 0
    ], False


def check_spending(community: Community, index: LedgerIndex, errors: list[TrustError]) -> None:
    """TF311: payments under an expense contract stay within its amount per period."""
    by_id = {c.id: c for c in community.contracts.values() if not is_income_contract(c)}
    if not by_id:
        return
    by_party: dict[str, list[Contract]] = {}
    for contract in by_id.values():
        by_party.setdefault(contract.counterparty.strip(), []).append(contract)
    paid: dict[tuple[str, str], Decimal] = {}
    for pay in index.payments:
        if not pay.contracts and pay.payee not in by_party:
            continue
        contracts, cited = _under(pay, by_id, by_party)
        for contract in contracts:
            counted = pay.debit_to(contract.account)
            if counted <= 0 and cited:
                counted = pay.outflow
            if counted <= 0:
                continue
            period = period_of(contract.frequency, pay.date)
            before = paid.get((contract.id, period), ZERO)
            after = paid[(contract.id, period)] = before + counted
            if after <= contract.amount:
                continue
            excess = after - max(before, contract.amount)
            span = f"in {period}" if period else "in total"
            errors.append(
                make_error(
                    "TF311",
                    f"payments under contract {contract.id} ({contract.counterparty}, "
                    f"{contract.amount} {contract.currency} {contract.frequency}) reach {after} "
                    f"{span}: {excess} over the contract",
                    pay.txn,
                    ids=[f"contract:{contract.id}", *([f"period:{period}"] if period else [])],
                    amount=excess,
                )
            )


def check_budgets(community: Community, index: LedgerIndex, errors: list[TrustError]) -> None:
    """TF406: maintenance-fund uses citing a resolution stay within its budget."""
    budgets = {r.id: r.budget for r in community.resolutions.values() if r.budget is not None}
    if not budgets:
        return
    spent: dict[str, Decimal] = {}
    for pay in index.payments:
        if not pay.maintenance or not pay.resolutions:
            continue
        for resolution_id in pay.resolutions:
            budget = budgets.get(resolution_id)
            if budget is None:
                continue
            before = spent.get(resolution_id, ZERO)
            after = spent[resolution_id] = before + pay.outflow
            if after <= budget:
                continue
            excess = after - max(before, budget)
            errors.append(
                make_error(
                    "TF406",
                    f"maintenance-fund uses citing {resolution_id} reach {after}, over its budget "
                    f"{budget} by {excess}",
                    pay.txn,
                    ids=[f"resolution:{resolution_id}"],
                    amount=excess,
                )
            )


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF105, TF311 and TF406 over the ledger."""
    index = ensure_index(entries, community, index)
    errors: list[TrustError] = []
    if community.contracts:
        check_income(community, index, errors)
        check_spending(community, index, errors)
    check_budgets(community, index, errors)
    return entries, errors


plugin = plugin_entry(check)
