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
