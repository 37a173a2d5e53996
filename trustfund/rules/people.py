"""Who signs and who is paid: the roster (TF309) and related parties (TF310).

Enable on its own with ``plugin "trustfund.rules.people"`` (``trustfund.xinyi`` includes it).

The roster names who may sign for each role; later lines supersede earlier ones, and "none"
ends a membership. Counterparties tied to a member are marked "related"::

    2025-01-01 custom "tf-member" "赵一" "committee"
    2025-01-01 custom "tf-member" "王五" "manager"
    2025-06-15 custom "tf-member" "赵一" "none"              ; 赵一 leaves the committee
    2025-06-15 custom "tf-member" "钱二" "committee"
    2025-01-01 custom "tf-party" "赵一装修工作室" "related"   ; 赵一's own business

    2025-06-20 custom "tf-approval" "AP-7" "committee" "赵一" 800.00 CNY   ; TF309: left on 06-15

    2025-07-02 * "赵一装修工作室" "楼道修补"                   ; TF310: related party, no flag
      approval: "AP-8"
      Expenses:Service:Repairs   800.00 CNY
      Assets:Bank:Trust

    2025-07-09 * "赵一装修工作室" "楼道修补 (经业主大会表决)"   ; ok: flagged and voted
      approval: "AP-9"
      related-party: TRUE
      resolution: "R-2025-03"
      Expenses:Service:Repairs   800.00 CNY
      Assets:Bank:Trust

Codes:

- **TF309** a ``tf-approval`` sign-off by a person whose latest ``tf-member`` line dated on or
  before the sign-off does not name that role (or who is not on the roster at all). Judged only
  when the ledger has a roster (any ``tf-member`` line, whatever its date). Reported on the
  ``tf-approval`` line.
- **TF310** a related-party payment (its payee is a roster member on the payment's date, or a
  ``tf-party`` whose kind in force is "related") without both ``related-party: TRUE`` and a
  resolution that passed its vote, closed on or before the payment. Returning the payee's own
  money (a payment whose other postings only debit ``Liabilities:Prepaid:Fees`` or
  ``Liabilities:Deposits``: a refund of a prepayment or a deposit) is not a related-party
  payment, nor is a bank charge (``tf-auto-debit``).
"""

from __future__ import annotations

from datetime import date

from ledger.community import Community
from ledger.errors import TrustError, make_error
from ledger.index import LedgerIndex
from trustfund.rules.plugin import Config, Entries, ensure_index, plugin_entry
from trustfund.rules.tally import resolutions

__plugins__ = ("plugin",)


def check_roster(community: Community) -> list[TrustError]:
    """TF309 for every sign-off by someone the roster does not name for its role."""
    if not community.has_roster:
        return []
    errors: list[TrustError] = []
    for approval in community.approvals.values():
        for signoff in approval.signoffs:
            name = signoff.name.strip()
            role = community.member_role(name, signoff.date)
            if role == signoff.role:
                continue
            where = _standing(community, name, signoff.date, role, signoff.role)
            errors.append(
                make_error(
                    "TF309",
                    f"approval {approval.id}: {name} signed as {signoff.role} on {signoff.date} "
                    f"but is {where}",
                    None,
                    signoff.meta,
                    ids=[f"approval:{approval.id}", f"member:{name}"],
                    amount=signoff.amount,
                )
            )
    return errors


def _standing(community: Community, name: str, day: date, role: str | None, signed: str) -> str:
    """Why ``name`` may not sign as ``signed`` on ``day``: their roster standing then."""
    if role is not None:
        return f"on the roster as {role}, not {signed}"
    lines = community.members.get(name, [])
    before = [line for line in lines if line.date <= day]
    if before:
        return f"off the roster since {before[-1].date}"
    if lines:
        return f"not on the roster until {lines[0].date}"
    return "not on the roster"


def check(
    entries: Entries,
    community: Community,
    config: Config,
    index: LedgerIndex | None = None,
) -> tuple[Entries, list[TrustError]]:
    """TF309 on the sign-offs, TF310 on the payments."""
    index = ensure_index(entries, community, index)
    errors = check_roster(community)
    if not community.members and not community.parties:
        return entries, errors
    votes = resolutions(community)
    for pay in index.payments:
        payee = pay.payee
        if not payee or pay.auto_debit or pay.own_money:
            continue
        role = community.member_role(payee, pay.date)
        kind = community.party_kind(payee, pay.date)
        if role is None and kind != "related":
            continue
        missing: list[str] = []
        if not pay.related_flag:
            missing.append("related-party: TRUE")
        passed, why = votes.basis(pay.resolutions, pay.date)
        if not passed:
            missing.append(f"a passed owners' resolution ({why})")
        if not missing:
            continue
        who = f"a {role} member" if role is not None else 'a "related" party'
        errors.append(
            make_error(
                "TF310",
                f"payment of {pay.outflow} to {payee}, {who} on {pay.date}, is a related-party "
                f"payment without {' and '.join(missing)}",
                pay.txn,
                ids=[
                    f"payee:{payee}",
                    f"member:{payee}" if role is not None else f"party:{payee}",
                    *(f"resolution:{r}" for r in pay.resolutions),
                ],
                amount=pay.outflow,
            )
        )
    return entries, errors


plugin = plugin_entry(check)
