"""ledger.index: the one classification of every transaction that rules and reports read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ruleledger import HEADER

from ledger.index import build_index, index_of
from ledger.loader import load_string


def index_for(body: str, plugin: str = ""):  # type: ignore[no-untyped-def]
    ledger = load_string(plugin + HEADER + body)
    assert not [e for e in ledger.errors if not getattr(e, "code", "")], ledger.errors
    return ledger, build_index(ledger.entries, ledger.community)


BODY = """\
2024-01-01 open Assets:Bank:Trust:Savings CNY
2025-01-01 custom "tf-remuneration" 0.10 "fees+public"
2025-01-01 * "物业费" "bill"
  Assets:Receivable:Fees  215.00 CNY
    unit: "1-1-101"
  Income:Fees:Property
2025-01-02 * "张三" "pays the bill and parking"
  Assets:Bank:Trust  365.00 CNY
  Assets:Receivable:Fees  -215.00 CNY
    unit: "1-1-101"
  Income:Fees:Parking  -150.00 CNY
2025-01-03 * "李五" "wechat to the manager"
  Assets:Clearing:Manager  100.00 CNY
  Liabilities:Prepaid:Fees
2025-01-04 * "物业" "remits"
  Assets:Bank:Trust  100.00 CNY
  Assets:Clearing:Manager
2025-01-05 * "分众传媒" "ads"
  contract: "C-AD"
  Assets:Bank:Trust  3000.00 CNY
  Income:Public:Advertising
2025-01-06 * "物业费减免" "write-off"
  approval: "AP-W"
  Expenses:Fees:Waivers  80.00 CNY
  Assets:Receivable:Fees  -80.00 CNY
    unit: "1-1-102"
2025-01-07 * "洁美保洁" "cleaning"
  approval: "AP-1, AP-2"
  invoice: "FP-1"
  contract: "C-1"
  related-party: TRUE
  Expenses:Service:Cleaning  700.00 CNY
  Expenses:Service:Greenery  300.00 CNY
  Assets:Bank:Trust
2025-01-08 * "工商银行" "charges"
  Expenses:Admin:BankFees  5.00 CNY
  Assets:Bank:Trust
2025-01-09 * "张三" "refund of prepayment"
  approval: "AP-3"
  Liabilities:Prepaid:Fees  50.00 CNY
  Assets:Bank:Trust
2025-01-10 * "通达电梯" "elevator"
  resolution: "R-1"
  emergency: "E-1"
  price-audit: "SJ-1"
  acceptance: "YS-1"
  Expenses:Maintenance:Elevator  9000.00 CNY
  Assets:Bank:Maintenance
2025-01-11 * "内部" "between own accounts of one fund"
  Assets:Bank:Trust  10.00 CNY
  Assets:Bank:Trust:Savings  -10.00 CNY
2025-01-12 * "维修资金" "cross-fund"
  Assets:Bank:Trust  500.00 CNY
  Assets:Bank:Maintenance  -500.00 CNY
"""


def test_payments_and_their_facts() -> None:
    _, index = index_for(BODY)
    by_narration = {p.narration: p for p in index.payments}
    assert list(by_narration) == [
        "cleaning",
        "charges",
        "refund of prepayment",
        "elevator",
        "cross-fund",
    ]
    cleaning = by_narration["cleaning"]
    assert cleaning.date == date(2025, 1, 7)
    assert cleaning.payee == "洁美保洁"
    assert cleaning.outflow == Decimal("1000.00")
    assert cleaning.fund == "common" and not cleaning.maintenance
    assert cleaning.approvals == ("AP-1", "AP-2")
    assert cleaning.invoices == ("FP-1",) and cleaning.contracts == ("C-1",)
    assert cleaning.related_flag and not cleaning.auto_debit and not cleaning.own_money
    assert cleaning.debits == (
        ("Expenses:Service:Cleaning", Decimal("700.00")),
        ("Expenses:Service:Greenery", Decimal("300.00")),
    )
    assert cleaning.debit_to("Expenses:Service") == Decimal("1000.00")
    assert cleaning.location.endswith(f":{cleaning.txn.meta['lineno']}")
    assert by_narration["charges"].auto_debit
    assert by_narration["refund of prepayment"].own_money
    elevator = by_narration["elevator"]
    assert elevator.maintenance and elevator.fund == "maintenance"
    assert elevator.resolutions == ("R-1",) and elevator.emergencies == ("E-1",)
    assert elevator.price_audits == ("SJ-1",) and elevator.acceptances == ("YS-1",)
    assert by_narration["cross-fund"].fund == "maintenance"


def test_collections_waivers_bills_public_clearing_cross_fund() -> None:
    _, index = index_for(BODY)
    # fees: 215 (bill) + 150 (parking) + 100 (prepaid by WeChat); the remittance is not counted.
    assert index.collected_by_month("fees") == {"2025-01": Decimal("465.00")}
    assert index.collected_by_month("fees+public") == {"2025-01": Decimal("3465.00")}
    assert [(w.amount, w.units, w.approvals) for w in index.waivers] == [
        (Decimal("80.00"), ("1-1-102",), ("AP-W",))
    ]
    assert index.bills == {"2025-01": {"1-1-101": Decimal("215.00")}}
    assert [(r.payee, r.credits, r.contracts) for r in index.public_receipts] == [
        ("分众传媒", (("Income:Public:Advertising", Decimal("3000.00")),), ("C-AD",))
    ]
    assert [net for _, net in index.clearing] == [Decimal("100.00"), Decimal("-100.00")]
    assert [c.txn.narration for c in index.cross_fund] == ["cross-fund"]
    assert index.cross_fund[0].moved == Decimal("500.00")
    assert index.currency == "CNY"


def test_index_of_reuses_the_index_the_plugin_built() -> None:
    ledger, _ = index_for(BODY, plugin='plugin "trustfund.xinyi"\n')
    first = index_of(ledger.entries, ledger.community)
    assert index_of(ledger.entries, ledger.community) is first
    assert first.payments[0].narration == "cleaning"


def test_index_of_takes_the_plugins_index_through_beancounts_own_plugins(monkeypatch) -> None:
    """Beancount's pad and balance plugins run after trustfund.xinyi and hand back a new list;
    the index still holds for the same transactions, and is built anew when they differ."""
    from ledger import index as module

    ledger, _ = index_for(BODY, plugin='plugin "trustfund.xinyi"\n')
    built: list[int] = []
    real = module.build_index

    def counted(*args):  # type: ignore[no-untyped-def]
        built.append(1)
        return real(*args)

    monkeypatch.setattr(module, "build_index", counted)
    first = index_of(ledger.entries, ledger.community)
    assert built == []  # the plugin's own index, no second pass
    assert first.payments[0].narration == "cleaning"

    padded, _ = index_for(
        BODY + "2025-01-01 pad Assets:Bank:Trust:Savings Equity:Owners:Common\n"
        "2025-02-01 balance Assets:Bank:Trust:Savings  10.00 CNY\n",
        plugin='plugin "trustfund.xinyi"\n',
    )
    built.clear()
    index_of(padded.entries, padded.community)
    assert built == [1]  # a padding transaction the plugin never saw: built anew

    changed = list(ledger.entries)
    changed.pop(next(i for i, e in enumerate(changed) if getattr(e, "narration", "") == "ads"))
    module.remember(ledger.entries, first)
    built.clear()
    assert not index_of(changed, ledger.community).public_receipts
    assert built == [1]


def test_a_posting_without_units_does_not_raise() -> None:
    from beancount.core import data

    ledger, _ = index_for(BODY)
    txn = next(e for e in ledger.entries if isinstance(e, data.Transaction))
    broken = txn._replace(postings=[txn.postings[0]._replace(units=None), txn.postings[1]])
    index = build_index([broken], ledger.community)
    assert index.payments == []
