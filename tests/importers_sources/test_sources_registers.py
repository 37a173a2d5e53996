"""Registers and fee-system files: row errors, directives the community model accepts, and
re-import adding nothing (natural keys)."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from beancount.parser import printer

from importers.feesystem import FeeMasterImporter, FeeSystemImporter
from importers.records import SourceError
from importers.registers import (
    ApprovalRegisterImporter,
    EmergencyRegisterImporter,
    NoticeRegisterImporter,
    ResolutionRegisterImporter,
    UnitRegisterImporter,
    VoteRegisterImporter,
)
from ledger.loader import load_string
from trustfund.ops.importing import import_files

DATA = Path(__file__).resolve().parent.parent / "data" / "sources"
REGISTERS = DATA / "registers"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_register_directives_load_into_the_community_without_errors() -> None:
    entries: list[data.Directive] = []
    for importer, name in (
        (UnitRegisterImporter(), "units.csv"),
        (ResolutionRegisterImporter(), "resolutions.csv"),
        (VoteRegisterImporter(), "votes.csv"),
        (ApprovalRegisterImporter(), "approvals.csv"),
        (NoticeRegisterImporter(), "notices.csv"),
        (EmergencyRegisterImporter(), "emergencies.csv"),
    ):
        path = str(REGISTERS / name)
        entries.extend(importer.build(importer.read(path), path))
    text = (
        'option "operating_currency" "CNY"\n2024-01-01 custom "tf-hazard" "roof-leak"\n'
        + "".join(printer.format_entry(e) + "\n" for e in entries)
    )
    ledger = load_string(text)
    assert [e.message for e in ledger.errors] == []
    community = ledger.community
    assert community.approvals["AP-2025-031"].amount() == Decimal("1200.00")
    assert community.approvals["AP-2025-040"].roles() == frozenset(
        {"committee", "manager", "supervisor"}
    )
    assert {vote.room for vote in community.votes["R-2025-01"]} == {
        "3-1-101",
        "3-1-102",
        "3-2-201",
        "3-2-202",
    }
    assert community.resolutions["R-2025-03"].matter == "raise-maintenance-fund"
    assert [n.approval_id for n in community.notices["AP-2025-040"]] == ["AP-2025-040"]
    assert community.emergencies["E-2025-01"].hazard == "roof-leak"
    unit = community.unit_at("3-1-102", date(2025, 1, 1))
    assert unit is not None and unit.area == Decimal("120.30")


@pytest.mark.parametrize(
    ("importer", "text", "error"),
    [
        (ApprovalRegisterImporter(), "审批编号,角色,签批人,日期,金额\nAP-1,会计,李四,2025-03-03,100\n",
         "2: 角色: '会计' is not committee/业委会, manager/物业 or supervisor/监事会"),
        (ApprovalRegisterImporter(), "id,role,name,date,amount\n4.00123E+27,committee,李四,2025-03-03,100\n",
         "2: id: id in scientific notation (4.00123E+27): a spreadsheet lost its digits; export the file again (ids as text)"),
        (ApprovalRegisterImporter(), "审批编号,角色,签批人,日期,金额\nAP-1,业委会,李四,2025-03-03,\n",
         "2: 金额: missing"),
        (VoteRegisterImporter(), "决议编号,房号,表决意见,日期\nR-1,3-1-101,支持,2025-02-20\n",
         "2: 表决意见: '支持' is not yes/同意, no/反对 or abstain/弃权"),
        (VoteRegisterImporter(), "决议编号,房号,表决意见,日期\nR-1,3号楼101,同意,2025-02-20\n",
         "2: 房号: not a room id building-entrance-room (3-1-101): '3号楼101'"),
        (ResolutionRegisterImporter(), "决议编号,事项,标题,日期,截止日期\nR-1,使用维修资金,电梯,2025-02-20,2025-02-01\n",
         "2: 截止日期: closes 2025-02-01 before it opens 2025-02-20"),
        (UnitRegisterImporter(), "房号,面积,业主编号,日期\n3-1-101,-89.5,O-1,2024-01-01\n",
         "2: 面积: an area must be positive, not -89.5"),
        (UnitRegisterImporter(), "房号,面积,业主编号,日期\n3-1-101,89.5,O-1,2024-02-30\n",
         "2: 日期: not a date: '2024-02-30'"),
    ],
)  # fmt: skip
def test_bad_register_row_names_file_row_and_column(
    tmp_path: Path, importer, text: str, error: str
) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "register.csv", text)
    assert importer.identify(path)
    statement = importer.read(path)
    assert [str(e) for e in statement.errors] == [f"{path}:{error}"]
    assert importer.build(statement, path) == []


def test_register_missing_required_column_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "approvals.csv", "审批编号,角色,金额\nAP-1,业委会,100\n")
    importer = ApprovalRegisterImporter()
    assert importer.identify(path)  # found by its id, role and amount columns
    with pytest.raises(SourceError, match="missing column\\(s\\): 签批人, 日期"):
        importer.read(path)


def test_fee_history_bills_and_collects_per_unit(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fees.csv",
        "房屋,收费项目,缴费周期,开始时间,结束时间,缴费时间,应缴金额,实缴金额,收银员,备注\n"
        "3-1-101,物业费,1,2025-03-01,2025-03-31,2025-03-05,268.5,200,王五,手工导入\n"
        "3-1-101,地面停车费,1,45717,45747,45721,150,150,王五,\n",
    )
    importer = FeeSystemImporter()
    assert importer.identify(path)
    statement = importer.read(path)
    assert statement.errors == []
    entries = importer.build(statement, path)
    assert len(entries) == 4
    receivable = Decimal(0)
    for entry in entries:
        assert isinstance(entry, data.Transaction)
        for posting in entry.postings:
            if posting.account == "Assets:Receivable:Fees":
                assert (posting.meta or {}).get("unit") == "3-1-101"
                assert posting.units is not None and posting.units.number is not None
                receivable += posting.units.number
    assert receivable == Decimal("68.50")  # billed 418.50, collected 350.00
    bill, pay = entries[2], entries[3]
    assert isinstance(bill, data.Transaction) and isinstance(pay, data.Transaction)
    assert bill.postings[1].account == "Income:Fees:Parking"
    assert str(bill.date) == "2025-03-01" and str(pay.date) == "2025-03-05"  # Excel serials
    assert pay.postings[0].account == "Assets:Clearing:Manager"
    assert pay.meta["cashier"] == "王五"


def test_fee_history_bad_room_and_amount(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fees.csv",
        "房屋,收费项目,缴费周期,开始时间,结束时间,缴费时间,应缴金额,实缴金额,收银员,备注\n"
        "3栋101,物业费,1,2025-03-01,2025-03-31,2025-03-05,268.5,200,王五,\n"
        "3-1-101,物业费,1,2025-03-01,2025-03-31,2025-03-05,2O8.5,200,王五,\n",
    )
    statement = FeeSystemImporter().read(path)
    assert [str(e) for e in statement.errors] == [
        f"{path}:2: 房屋: not a room id building-entrance-room (1-1-1001): '3栋101'",
        f"{path}:3: 应缴金额: not an amount: '2O8.5'",
    ]


def test_hc_master_owner_ids_and_unit_dates() -> None:
    path = str(DATA / "feesystem" / "hc.xlsx")
    importer = FeeMasterImporter()
    entries = importer.build(importer.read(path), path)
    units = [e for e in entries if isinstance(e, data.Custom) and e.type == "tf-unit"]
    owners = [e for e in entries if isinstance(e, data.Custom) and e.type == "tf-owner"]
    assert len(units) == 8 and len(owners) == 5
    assert [v.value for v in units[0].values] == ["1-1-1011", Decimal("94.56"), "O-0001"]
    assert str(units[0].date) == "2020-06-10"  # first of "2020-06-10#2020-07-10"
    assert [v.value for v in owners[0].values] == ["O-0001", "吴学文"]


def test_reimporting_registers_adds_nothing(tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text('option "operating_currency" "CNY"\n', encoding="utf-8")
    files = []
    for name in ("units.csv", "resolutions.csv", "votes.csv", "approvals.csv"):
        shutil.copy(REGISTERS / name, tmp_path / name)
        files.append(tmp_path / name)
    first = import_files(files, ledger, echo=lambda *a, **k: None)
    # counted in rows: 4 unit rows (7 directives with the owners), 3 resolutions (5 with the
    # closes), 4 votes, 5 sign-offs
    assert [(s.rows_read, s.new) for s in first] == [(4, 4), (3, 3), (4, 4), (5, 5)]
    second = import_files(files, ledger, echo=lambda *a, **k: None)
    assert [(s.new, s.duplicate) for s in second] == [(0, 4), (0, 3), (0, 4), (0, 5)]


def test_hc_payment_export_layout_uses_the_order_number(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "缴费明细表.csv",
        "订单号,房号,业主,费用项,费用类型,费用状态,支付方式,费用开始时间,费用结束时间,缴费时间,应收金额,实收金额,优惠金额\n"
        "102025030100001,3-1-101,张三,物业费,物业费,已缴费,微信,2025-03-01,2025-03-31,2025-03-02 10:00:00,268.50,268.50,0\n"
        "102025030100002,3-1-102,李四,物业费,物业费,欠费,,2025-03-01,2025-03-31,,320.00,0,0\n",
    )
    importer = FeeSystemImporter()
    assert importer.identify(path)
    statement = importer.read(path)
    assert statement.errors == []
    entries = importer.build(statement, path)
    assert [(str(e.date), e.meta["serial"]) for e in entries] == [
        ("2025-03-01", "hc-bill:3-1-101:物业费:2025-03-01:2025-03-31"),
        ("2025-03-02", "hc-order:102025030100001"),
        ("2025-03-01", "hc-bill:3-1-102:物业费:2025-03-01:2025-03-31"),  # arrears: billed, not paid
    ]
    assert entries[1].meta["method"] == "微信"
    assert "张三" not in printer.format_entry(entries[1])  # owners' names are not copied


def test_fee_paid_before_its_period_is_a_prepayment(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fees.csv",
        "房屋,收费项目,缴费周期,开始时间,结束时间,缴费时间,应缴金额,实缴金额,收银员,备注\n"
        "3-1-101,物业费,12,2026-01-01,2026-12-31,2025-12-20,1000,600,王五,\n",
    )
    importer = FeeSystemImporter()
    bill, pay = importer.build(importer.read(path), path)
    assert isinstance(bill, data.Transaction) and isinstance(pay, data.Transaction)
    assert [(p.account, str(p.units)) for p in pay.postings] == [
        ("Assets:Clearing:Manager", "600.00 CNY"),
        ("Liabilities:Prepaid:Fees", "-600.00 CNY"),
    ]
    assert [(p.account, str(p.units), (p.meta or {}).get("unit")) for p in bill.postings] == [
        ("Liabilities:Prepaid:Fees", "600.00 CNY", "3-1-101"),
        ("Assets:Receivable:Fees", "400.00 CNY", "3-1-101"),
        ("Income:Fees:Property", "-1000.00 CNY", None),
    ]
