"""TF105 (public income under contracts), TF308 (invoices), TF311 (contract amounts), TF406
(maintenance budgets)."""

from __future__ import annotations

from decimal import Decimal

from ruleledger import load_rules

CONTRACTS = """\
2025-01-01 custom "tf-contract" "C-AD" Income:Public:Advertising "分众楼宇传媒有限公司" 3000.00 CNY "monthly" 2025-06-30
2025-01-01 custom "tf-contract" "C-GR" Expenses:Service:Greenery "绿源园林工程有限公司" 3136.00 CNY "monthly" 2025-06-30
"""


def approval(aid: str, amount: str = "50000.00") -> str:
    return (
        f'2025-01-02 custom "tf-approval" "{aid}" "committee" "李四" {amount} CNY\n'
        f'2025-01-02 custom "tf-approval" "{aid}" "manager" "王五" {amount} CNY\n'
    )


def receipt(day: str, payer: str, narration: str, amount: str, meta: str = "") -> str:
    lines = [f'{day} * "{payer}" "{narration}"']
    lines += [f"  {m.strip()}" for m in meta.split("\n") if m.strip()]
    lines += [f"  Assets:Bank:Trust  {amount} CNY", "  Income:Public:Advertising"]
    return "\n".join(lines) + "\n"


def pay(
    day: str,
    payee: str,
    narration: str,
    amount: str,
    meta: str = "",
    account: str = "Expenses:Service:Greenery",
    bank: str = "Assets:Bank:Trust",
) -> str:
    lines = [f'{day} * "{payee}" "{narration}"']
    lines += [f"  {m.strip()}" for m in meta.split("\n") if m.strip()]
    lines += [f"  {account}  {amount} CNY", f"  {bank}"]
    return "\n".join(lines) + "\n"


# -- TF105 -------------------------------------------------------------------------------


def test_income_from_the_contract_counterparty_in_force_passes() -> None:
    result = load_rules(
        CONTRACTS
        + receipt("2025-01-01", "分众楼宇传媒有限公司", "first day", "3000.00")
        + receipt("2025-06-30", "分众楼宇传媒有限公司", "last day", "3000.00")
    )
    assert result.codes() == []


def test_tf105_advertising_income_from_a_firm_with_no_contract() -> None:
    result = load_rules(
        CONTRACTS
        + receipt(
            "2025-03-12",
            "新潮传媒有限公司",
            "another firm citing C-AD",
            "2500.00",
            'contract: "C-AD"',
        )
    )
    assert result.at() == [("TF105", result.line_of("another firm citing C-AD"))]
    error = result["TF105"][0]
    assert error.ids == (
        "account:Income:Public:Advertising",
        "payee:新潮传媒有限公司",
        "contract:C-AD",
    )
    assert error.amount == Decimal("2500.00")


def test_tf105_outside_the_contract_term() -> None:
    result = load_rules(
        CONTRACTS
        + receipt("2024-12-31", "分众楼宇传媒有限公司", "before it starts", "3000.00")
        + receipt("2025-07-01", "分众楼宇传媒有限公司", "after it ends", "3000.00")
    )
    assert result.lines("TF105") == [
        result.line_of("before it starts"),
        result.line_of("after it ends"),
    ]


def test_tf105_a_passed_resolution_stands_in_for_a_contract() -> None:
    resolution = (
        '2025-02-01 custom "tf-resolution" "R-AD" "change-use" "临时广告" ""\n'
        + "".join(
            f'2025-02-02 custom "tf-vote" "R-AD" "{room}" "yes"\n'
            for room in ("1-1-101", "1-1-102", "2-1-101")
        )
        + '2025-02-05 custom "tf-close" "R-AD"\n'
    )
    result = load_rules(
        CONTRACTS
        + resolution
        + receipt("2025-02-05", "新潮传媒有限公司", "voted", "2500.00", 'resolution: "R-AD"')
        + receipt(
            "2025-02-04", "新潮传媒有限公司", "before the close", "2500.00", 'resolution: "R-AD"'
        )
    )
    assert result.at() == [("TF105", result.line_of("before the close"))]


def test_income_on_an_account_no_contract_names_is_not_judged() -> None:
    body = CONTRACTS + (
        '2025-03-01 * "临时停车" "visitors"\n  Assets:Bank:Trust  300.00 CNY\n'
        "  Income:Public:Parking\n"
    )
    assert load_rules(body).codes() == []


# -- TF311 -------------------------------------------------------------------------------


def test_tf311_greenery_paid_over_its_monthly_contract() -> None:
    body = (
        CONTRACTS
        + approval("AP-1")
        + pay("2025-03-25", "绿源园林工程有限公司", "march", "3835.00", 'approval: "AP-1"')
        + pay("2025-04-25", "绿源园林工程有限公司", "april", "3136.00", 'approval: "AP-1"')
    )
    result = load_rules(body)
    assert result.at() == [("TF311", result.line_of('"march"'))]
    error = result["TF311"][0]
    assert error.ids == ("contract:C-GR", "period:2025-03")
    assert error.amount == Decimal("699.00")


def test_tf311_two_payments_in_one_month_excess_on_the_second() -> None:
    body = (
        CONTRACTS
        + approval("AP-1")
        + pay("2025-03-05", "绿源园林工程有限公司", "first", "2000.00", 'approval: "AP-1"')
        + pay("2025-03-25", "绿源园林工程有限公司", "second", "2000.00", 'approval: "AP-1"')
        + pay("2025-03-28", "绿源园林工程有限公司", "third", "100.00", 'approval: "AP-1"')
    )
    result = load_rules(body)
    assert result.lines("TF311") == [result.line_of('"second"'), result.line_of('"third"')]
    assert [e.amount for e in result["TF311"]] == [Decimal("864.00"), Decimal("100.00")]


def test_tf311_contract_last_day_counts_the_day_after_does_not() -> None:
    body = (
        CONTRACTS
        + approval("AP-1")
        + pay("2025-06-30", "绿源园林工程有限公司", "last day", "3500.00", 'approval: "AP-1"')
        + pay("2025-07-01", "绿源园林工程有限公司", "day after", "3500.00", 'approval: "AP-1"')
    )
    result = load_rules(body)
    assert result.at() == [("TF311", result.line_of("last day"))]
    cited = load_rules(
        CONTRACTS
        + approval("AP-1")
        + pay(
            "2025-07-01",
            "绿源园林工程有限公司",
            "cited after the end",
            "3500.00",
            'approval: "AP-1"\ncontract: "C-GR"',
        )
    )
    assert cited.at() == [("TF311", cited.line_of("cited after the end"))]


def test_tf311_citing_the_contract_counts_the_whole_payment() -> None:
    body = (
        CONTRACTS
        + approval("AP-1")
        + pay(
            "2025-03-25",
            "绿源园林有限公司(个体)",
            "other account, cited",
            "3200.00",
            'approval: "AP-1"\ncontract: "C-GR"',
            account="Expenses:Service:Cleaning",
        )
    )
    result = load_rules(body)
    assert result.codes() == ["TF311"]
    assert result["TF311"][0].amount == Decimal("64.00")


def test_tf311_once_quarterly_and_yearly() -> None:
    body = (
        '2025-01-01 custom "tf-contract" "C-ONCE" Expenses:Service:Elevator "通达电梯" 10000.00 CNY "once" 2025-12-31\n'
        '2025-01-01 custom "tf-contract" "C-Q" Expenses:Service:Security "安泰保安" 9000.00 CNY "quarterly" 2025-12-31\n'
        '2025-01-01 custom "tf-contract" "C-Y" Expenses:Service:Cleaning "洁美保洁" 20000.00 CNY "yearly" 2025-12-31\n'
        + approval("AP-1", "99999.00")
        + pay(
            "2025-02-01",
            "通达电梯",
            "once a",
            "6000.00",
            'approval: "AP-1"',
            "Expenses:Service:Elevator",
        )
        + pay(
            "2025-11-01",
            "通达电梯",
            "once b",
            "6000.00",
            'approval: "AP-1"',
            "Expenses:Service:Elevator",
        )
        + pay(
            "2025-01-10",
            "安泰保安",
            "q1 a",
            "5000.00",
            'approval: "AP-1"',
            "Expenses:Service:Security",
        )
        + pay(
            "2025-03-31",
            "安泰保安",
            "q1 b",
            "5000.00",
            'approval: "AP-1"',
            "Expenses:Service:Security",
        )
        + pay(
            "2025-04-01",
            "安泰保安",
            "q2 a",
            "5000.00",
            'approval: "AP-1"',
            "Expenses:Service:Security",
        )
        + pay(
            "2025-01-10",
            "洁美保洁",
            "y a",
            "15000.00",
            'approval: "AP-1"',
            "Expenses:Service:Cleaning",
        )
        + pay(
            "2025-12-31",
            "洁美保洁",
            "y b",
            "15000.00",
            'approval: "AP-1"',
            "Expenses:Service:Cleaning",
        )
    )
    result = load_rules(body)
    assert result.at() == [
        ("TF311", result.line_of("once b")),
        ("TF311", result.line_of("q1 b")),
        ("TF311", result.line_of("y b")),
    ]
    ids = {e.ids for e in result["TF311"]}
    assert ids == {
        ("contract:C-ONCE",),
        ("contract:C-Q", "period:2025-Q1"),
        ("contract:C-Y", "period:2025"),
    }


# -- TF406 -------------------------------------------------------------------------------

MAINTENANCE = """\
2025-01-05 custom "tf-resolution" "R-EL" "use-maintenance-fund" "电梯更换" ""
  budget: "10000.00 CNY"
2025-01-06 custom "tf-vote" "R-EL" "1-1-101" "yes"
2025-01-06 custom "tf-vote" "R-EL" "1-1-102" "yes"
2025-01-06 custom "tf-vote" "R-EL" "2-1-101" "yes"
2025-01-10 custom "tf-close" "R-EL"
"""


def use(day: str, narration: str, amount: str) -> str:
    return pay(
        day,
        "通达电梯工程有限公司",
        narration,
        amount,
        'approval: "AP-1"\nresolution: "R-EL"\ncontract: "C-1"\nprice-audit: "SJ-1"',
        account="Expenses:Maintenance:Elevator",
        bank="Assets:Bank:Maintenance",
    )


def test_tf406_maintenance_payments_beyond_the_voted_budget() -> None:
    result = load_rules(
        MAINTENANCE
        + approval("AP-1")
        + use("2025-02-01", "first instalment", "6000.00")
        + use("2025-03-01", "up to the budget", "4000.00")
        + use("2025-04-01", "beyond it", "500.00")
    )
    assert result.at() == [("TF406", result.line_of("beyond it"))]
    error = result["TF406"][0]
    assert error.ids == ("resolution:R-EL",)
    assert error.amount == Decimal("500.00")


def test_tf406_budget_written_as_a_number() -> None:
    result = load_rules(
        MAINTENANCE.replace('budget: "10000.00 CNY"', "budget: 10000.00")
        + approval("AP-1")
        + use("2025-02-01", "over at once", "10000.01")
    )
    assert result.codes() == ["TF406"]
    assert result["TF406"][0].amount == Decimal("0.01")


# -- TF308 -------------------------------------------------------------------------------


def test_tf308_an_invoice_paid_twice_on_the_later_payment() -> None:
    body = (
        CONTRACTS
        + approval("AP-1")
        + pay(
            "2025-03-05",
            "绿源园林工程有限公司",
            "paid",
            "1000.00",
            'approval: "AP-1"\ninvoice: "FP-1"',
        )
        + pay(
            "2025-03-06", "另一家公司", "again", "700.00", 'approval: "AP-1"\ninvoice: "FP-2, FP-1"'
        )
        + pay(
            "2025-03-07",
            "绿源园林工程有限公司",
            "fine",
            "1000.00",
            'approval: "AP-1"\ninvoice: "FP-3"',
        )
    )
    result = load_rules(body)
    assert result.at() == [("TF308", result.line_of('"again"'))]
    error = result["TF308"][0]
    assert error.ids == ("invoice:FP-1", "payee:另一家公司")
    assert error.amount == Decimal("700.00")
    first = result.line_of('"paid"')
    assert f":{first})" in error.message


def test_a_proper_payment_reports_nothing() -> None:
    body = (
        '2025-01-01 custom "tf-member" "李四" "committee"\n'
        '2025-01-01 custom "tf-member" "王五" "manager"\n'
        '2025-01-01 custom "tf-party" "绿源园林工程有限公司" "organisation"\n'
        '2025-01-01 custom "budget" Expenses:Service:Greenery "monthly" 3200.00 CNY\n'
        + CONTRACTS
        + approval("AP-1", "3136.00")
        + pay(
            "2025-03-25",
            "绿源园林工程有限公司",
            "greenery, properly",
            "3136.00",
            'approval: "AP-1"\ncontract: "C-GR"\ninvoice: "FP-9"',
        )
    )
    assert load_rules(body).codes() == []
