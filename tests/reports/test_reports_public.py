"""The public balance on the small community of conftest.SMALL, March 2025, by hand."""

from datetime import date
from decimal import Decimal as D

import pytest
from beancount import loader as bc_loader

from ledger import seal
from ledger.loader import load_string
from reports import public
from reports.common import allocate
from reports.period import Period
from reports.publication import Policy, mask_name

MARCH = Period.parse("2025-03")


def test_fund_balances_by_hand(small) -> None:
    report = public.compute(small, MARCH)
    common, maintenance = report.fund("common"), report.fund("maintenance")
    # common: before March, bank 1000 + Jan/Feb bills 300 receivable
    assert common.opening == D("1300.00")
    assert common.income == D("400.00")  # fees billed 200 + advertising 200
    assert common.expense == D("210.00")  # cleaning 200 + refund 10
    assert common.closing == D("1490.00")
    assert common.cash == D("1190.00")  # 1000 + 200 + 150 + 50 - 200 - 10
    assert maintenance.opening == D("1200.00")
    assert (maintenance.income, maintenance.expense, maintenance.closing) == (
        D("12.00"),
        D("750.00"),
        D("462.00"),
    )
    for row in report.funds:
        assert row.closing == row.opening + row.income - row.expense + row.transfers + row.equity
    with pytest.raises(KeyError):
        report.fund("committee")


def test_categories(small) -> None:
    report = public.compute(small, MARCH)
    amounts = {(r.fund, r.account): r.amount for r in report.categories}
    assert amounts == {
        ("common", "Income:Fees:Property"): D("200.00"),
        ("common", "Income:Public:Advertising"): D("200.00"),
        ("common", "Expenses:Refunds"): D("10.00"),
        ("common", "Expenses:Service:Cleaning"): D("200.00"),
        ("maintenance", "Income:Maintenance:Interest"): D("12.00"),
        ("maintenance", "Expenses:Maintenance:Elevator"): D("750.00"),
    }


def test_payments_with_evidence_and_masking(small) -> None:
    report = public.compute(small, MARCH)
    assert [p.amount for p in report.payments] == [D("200.00"), D("10.00"), D("750.00")]
    cleaning, refund, elevator = report.payments
    assert cleaning.approval == "AP-1"
    # signers not on a roster (no tf-member) are private: 姓*
    assert cleaning.signoffs == "committee 李* 2025-03-03; manager 王* 2025-03-04"
    assert cleaning.invoice == "INV-1" and not cleaning.large
    assert refund.payee == "孙*"  # a private person's name, masked
    # a private payee's memo is replaced by a generated description
    assert refund.purpose == "退款 Refunds 2025-03"
    assert elevator.purpose == "电梯维修 赵*报修"
    assert elevator.large  # 750 >= threshold 500
    assert elevator.notice_date is None
    text = repr(report.to_dict())
    for name in ("赵六", "钱七", "孙八", "李四", "王五"):
        assert name not in text


def test_contract_shortfall(small) -> None:
    (row,) = public.compute(small, MARCH).contracts
    assert (row.contract, row.due, row.received, row.shortfall) == (
        "C-1",
        D("300.00"),
        D("200.00"),
        D("100.00"),
    )
    q1 = public.compute(small, Period.parse("2025Q1")).contracts[0]
    assert (q1.due, q1.received, q1.shortfall) == (D("900.00"), D("200.00"), D("700.00"))


def test_arrears_aging_and_collection_rate(small) -> None:
    report = public.compute(small, MARCH)
    by_building = {r.building: r for r in report.arrears}
    # 1-1-101: Jan bill has 50 left (89 days old), Feb 100 (58 days), Mar 100 (30 days)
    b1 = by_building["1"]
    assert (b1.units, b1.amount, b1.d30, b1.d90, b1.d180, b1.over180) == (
        1,
        D("250.00"),
        D("100.00"),
        D("150.00"),
        0,
        0,
    )
    b2 = by_building["2"]
    assert (b2.units, b2.amount, b2.d30) == (1, D("50.00"), D("50.00"))
    col = report.collection
    assert col.billed == D("200.00") and col.collected_of_period == D("50.00")
    assert col.rate == D("0.25")
    assert col.collected_in_period == D("200.00")
    assert "1-1-101" not in repr([r.to_dict() for r in report.arrears])


def test_maintenance_by_building_unless_published_by_unit(small) -> None:
    report = public.compute(small, MARCH)
    assert not report.maintenance_by_unit
    rows = {r.room: r for r in report.maintenance_units}
    assert set(rows) == {"1号楼 (2户)", "2号楼 (1户)"}
    assert rows["1号楼 (2户)"].costs == D("750.00")
    assert sum(r.balance for r in rows.values()) == D("462.00")
    assert "1-1-101" not in repr(report.to_dict())


def test_maintenance_per_unit(small_text) -> None:
    by_unit = load_string(small_text + '\n2024-01-01 custom "tf-publish" "receipts-by-unit" TRUE\n')
    rows = {r.room: r for r in public.compute(by_unit, MARCH).maintenance_units}
    # elevator 750 in building 1 by area 100:50 -> 500 / 250; interest 12 by 积数 (balance ×
    # days since 31 Dec): 600×79 + 100×11 : 300×79 + 50×11 : 300×90 = 48500 : 24250 : 27000
    assert (rows["1-1-101"].costs, rows["1-1-102"].costs, rows["2-1-101"].costs) == (
        D("500.00"),
        D("250.00"),
        0,
    )
    assert (rows["1-1-101"].interest, rows["1-1-102"].interest, rows["2-1-101"].interest) == (
        D("5.83"),
        D("2.92"),
        D("3.25"),
    )
    assert rows["1-1-101"].balance == D("105.83") and rows["1-1-101"].low  # < 30% of 600
    assert rows["1-1-102"].low and not rows["2-1-101"].low
    assert sum(r.balance for r in rows.values()) == D("462.00")  # = the fund's closing balance
    assert rows["1-1-101"].area == D("100.00")


def test_seals(small, small_text) -> None:
    rows = public.compute(small, Period.parse("2025Q1")).seals
    assert [r.month for r in rows] == ["2025-01", "2025-02", "2025-03"]
    assert rows[0].status.startswith("未封存")
    # the conftest seal's hash is made up: the chain does not hold
    assert rows[2].status.startswith("已变更") and rows[2].digest.startswith("sha256:a")
    # with the real hash of March, the month reads as sealed
    month = seal.month_entries(small.entries, "2025-03")
    digest = seal.month_digest("2025-03", None, [seal.entry_digest(e) for e in month])
    text = small_text.replace("sha256:" + "a" * 64, digest)
    good = public.compute(load_string(text), Period.parse("2025-03")).seals
    assert good[0].status.startswith("已封存") and good[0].digest == digest
    assert good[0].sealed_on == date(2025, 4, 5)


def test_allocate_is_exact() -> None:
    shares = allocate(D("100.00"), {"a": D(1), "b": D(1), "c": D(1)})
    assert sum(shares.values()) == D("100.00")
    assert sorted(shares.values()) == [D("33.33"), D("33.33"), D("33.34")]
    assert allocate(D("-10.00"), {"a": D(1), "b": D(3)}) == {"a": D("-2.50"), "b": D("-7.50")}
    assert allocate(D("5"), {}) == {}


def test_masking_helpers(small) -> None:
    policy = Policy.of(small)
    assert mask_name("赵六") == "赵*"
    assert policy.party("孙八") == "孙*"
    assert policy.party("洁美保洁服务有限公司") == "洁美保洁服务有限公司"
    assert policy.party("中国工商银行") == "中国工商银行"


def test_compute_from_entries_list(small_text) -> None:
    entries, errors, _ = bc_loader.load_string(small_text)
    assert not errors
    report = public.compute(entries, MARCH)
    assert report.fund("common").closing == D("1490.00")


def test_committee_fund_and_transfers_between_funds() -> None:
    ledger = load_string("""
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Bank:Committee CNY
2025-01-01 open Expenses:Committee:Office CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 * "opening"
  Assets:Bank:Trust  1000.00 CNY
  Equity:Owners:Common  -1000.00 CNY
2025-03-01 * "working fund for the year"
  resolution: "R-9"
  Assets:Bank:Trust  -300.00 CNY
  Assets:Bank:Committee  300.00 CNY
2025-03-10 * "文具店" "office supplies"
  Assets:Bank:Committee  -45.50 CNY
  Expenses:Committee:Office  45.50 CNY
""")
    report = public.compute(ledger, MARCH)
    common, committee = report.fund("common"), report.fund("committee")
    assert (common.opening, common.transfers, common.closing) == (
        D("1000.00"),
        D("-300.00"),
        D("700.00"),
    )
    assert (committee.opening, committee.transfers, committee.expense, committee.closing) == (
        0,
        D("300.00"),
        D("45.50"),
        D("254.50"),
    )
    assert committee.name.startswith("业委会工作经费")
    # the rules count the committee's account as an owners' common-fund account (DESIGN.md §3):
    # moving money to it is a transfer, spending from it a payment
    assert [p.amount for p in report.payments] == [D("45.50")]
