from datetime import date

import pytest

from reports.period import Period


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2025-03", "month", date(2025, 3, 1), date(2025, 4, 1), "2025-03"),
        ("2025-12", "month", date(2025, 12, 1), date(2026, 1, 1), "2025-12"),
        ("2025-3", "month", date(2025, 3, 1), date(2025, 4, 1), "2025-03"),
        ("2025Q1", "quarter", date(2025, 1, 1), date(2025, 4, 1), "2025Q1"),
        ("2025-q4", "quarter", date(2025, 10, 1), date(2026, 1, 1), "2025Q4"),
        ("2025", "year", date(2025, 1, 1), date(2026, 1, 1), "2025"),
    ],
)
def test_parse(text: str, kind: str, start: date, end: date, label: str) -> None:
    period = Period.parse(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)


@pytest.mark.parametrize("text", ["2025-13", "2025Q5", "25", "March", "", "2025-03-01"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(text)


def test_months_and_membership() -> None:
    quarter = Period.parse("2025Q2")
    assert [m.label for m in quarter.months()] == ["2025-04", "2025-05", "2025-06"]
    assert date(2025, 6, 30) in quarter and date(2025, 7, 1) not in quarter
    assert quarter.last_day == date(2025, 6, 30)
    assert quarter.year_start == date(2025, 1, 1)
    assert "第2季度" in quarter.title
