"""One unit's statement on the small community (figures by hand)."""

from decimal import Decimal as D

from reports import unit
from reports.period import Period


def test_unit_statement_1_1_101(small) -> None:
    report = unit.compute(small, Period.parse("2025-03"), "1-1-101")
    assert report.area == D("100.00") and report.owner == "赵*"
    assert report.value("期初欠费") == D("200.00")  # Jan + Feb bills, unpaid before March
    assert report.value("本期账单") == D("100.00")
    assert report.value("本期缴费") == D("50.00")
    assert report.value("期末欠费") == D("250.00") == report.arrears
    assert [(b.date.isoformat(), b.amount, b.age_days) for b in report.open_bills] == [
        ("2025-01-01", D("50.00"), 89),
        ("2025-02-01", D("100.00"), 58),
        ("2025-03-01", D("100.00"), 30),
    ]
    assert [(line.kind, line.amount) for line in report.lines] == [
        ("账单 bill", D("100.00")),
        ("缴费 payment", D("50.00")),
    ]
    (project,) = report.projects
    assert (project.cost, project.share) == (D("750.00"), D("500.00"))
    assert report.maintenance_balance == D("105.83")  # 600 - 500 + 5.83 (interest by 积数)
    assert "赵六" not in repr(report.to_dict())


def test_unit_outside_the_project_scope(small) -> None:
    report = unit.compute(small, Period.parse("2025Q1"), "2-1-101")
    assert report.projects == [] and report.maintenance_balance == D("303.25")
    assert report.value("本期账单") == D("50.00") and report.arrears == D("50.00")


def test_unknown_unit_is_a_note(small) -> None:
    report = unit.compute(small, Period.parse("2025-03"), "9-9-999")
    assert report.area is None and any("9-9-999" in note for note in report.notes)


PART_WAIVED = """
option "operating_currency" "CNY"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 custom "tf-owner" "O-1" "钱七"
2025-01-01 custom "tf-unit" "1-1-102" 50.00 "O-1"
2025-03-01 * "物业费" "2025-03"
  Assets:Receivable:Fees  150.00 CNY
    unit: "1-1-102"
  Income:Fees:Property  -150.00 CNY
2025-03-05 custom "tf-approval" "AP-W" "committee" "李四" 40.00 CNY
2025-03-05 custom "tf-approval" "AP-W" "manager" "王五" 40.00 CNY
2025-03-12 * "钱七" "物业费 1-1-102, 余额减免"
  approval: "AP-W"
  Assets:Bank:Trust  110.00 CNY
  Income:Fees:Property  40.00 CNY
  Assets:Receivable:Fees  -150.00 CNY
    unit: "1-1-102"
"""


def test_a_waiver_is_not_a_payment_on_the_statement() -> None:
    """DESIGN §3: the waived part of a credit is a 减免 line, never 缴费 (collected)."""
    from ledger.loader import load_string

    report = unit.compute(load_string(PART_WAIVED), Period.parse("2025-03"), "1-1-102")
    assert [(line.kind, line.amount) for line in report.lines] == [
        ("账单 bill", D("150.00")),
        ("减免 waiver", D("40.00")),
        ("缴费 payment", D("110.00")),
    ]
    assert report.value("本期缴费") == D("110.00") and report.value("本期减免") == D("40.00")
    assert report.arrears == 0
