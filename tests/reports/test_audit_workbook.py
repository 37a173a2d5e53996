"""The audit workbook read back with openpyxl: summary, findings, working papers; figures tie
to beanquery on the same ledger."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from audit_ledgers import CLEAN, change, load, sealed
from beanquery.query import run_query
from click.testing import CliRunner

from reports import audit, render_xlsx
from reports.period import Period
from trustfund.ops.reporting import report as report_command

MARCH = Period.parse("2025-03")
# The clean month, plus an unpaid bill in February (arrears) and a write-off without approval.
LEDGER = sealed(
    change(
        change(
            change(
                CLEAN,
                '2025-03-01 * "物业费" "2025-03 bills"',
                '2025-02-01 * "物业费" "2025-02 back bill"\n'
                '  Assets:Receivable:Fees  80.00 CNY\n    unit: "2-1-101"\n'
                "  Income:Fees:Property  -80.00 CNY\n\n"
                '2025-03-01 * "物业费" "2025-03 bills"',
            ),
            '2025-03-06 * "钱七" "物业费 1-1-102"\n  Assets:Bank:Trust  100.00 CNY',
            '2025-03-06 * "钱七" "核销 1-1-102"\n  Income:Fees:Property  100.00 CNY',
        ),
        "Assets:Bank:Trust  5458.00 CNY",
        "Assets:Bank:Trust  5358.00 CNY",
    )
)
PAPERS = (
    "wp-billing",
    "wp-waivers",
    "wp-ageing",
    "wp-units",
    "wp-contracts",
    "wp-public",
    "wp-receipts",
    "wp-projects",
    "wp-interest",
    "wp-tb",
    "wp-gl",
)


@pytest.fixture(scope="module")
def ledger():
    return load(LEDGER)


@pytest.fixture(scope="module")
def result(ledger) -> audit.AuditReport:
    return audit.compute(ledger, MARCH, general_ledger=True)


@pytest.fixture(scope="module")
def workbook(result, tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("audit") / "audit.xlsx"
    render_xlsx.write(result, path)
    return openpyxl.load_workbook(path)


def query(ledger, text: str) -> list[tuple]:
    _, rows = run_query(ledger.entries, ledger.options, text)
    return rows


def sheet(workbook, key: str):
    return workbook[next(n for n in workbook.sheetnames if n.split(" ")[0] == key)]


def records(ws) -> list[dict]:
    """The rows of a sheet as dicts by English header, without the total row."""
    headers = [c.value for c in ws[2]]
    rows = [dict(zip(headers, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)]
    return rows[:-1] if rows and rows[-1][headers[0]] == "合计 Total" else rows


def test_the_workbook_has_summary_checks_and_papers(workbook, result) -> None:
    keys = [name.split(" ")[0] for name in workbook.sheetnames]
    assert keys == ["summary", *(c.id for c in result.checks), *PAPERS]
    summary = records(sheet(workbook, "summary"))
    by_id = {row["编号 Check"]: row for row in summary}
    assert by_id["C17"]["结论 Result"] == "例外 exception"
    assert by_id["C17"]["涉及金额 At stake"] == 100  # the write-off without approval
    assert by_id["M01"]["结论 Result"] == "通过 pass" and by_id["M01"]["涉及金额 At stake"] == 0
    waiver_sheet = records(sheet(workbook, "C17"))
    assert [r["结果 Result"] for r in waiver_sheet] == ["例外 exception"]


def test_trial_balance_sums_to_zero_and_ties_to_beanquery(workbook, ledger) -> None:
    ws = sheet(workbook, "wp-tb")
    rows = records(ws)
    assert sum(D(str(r["期末余额 Closing"])) for r in rows) == 0
    assert sum(D(str(r["期初余额 Opening"])) for r in rows) == 0
    assert sum(D(str(r["本期借方 Debit"])) for r in rows) == sum(
        D(str(r["本期贷方 Credit"])) for r in rows
    )
    closing = {
        account: number
        for account, number in query(
            ledger, "SELECT account, sum(number) WHERE date < 2025-04-01 GROUP BY account"
        )
        if number
    }
    assert {
        r["科目 Account"]: D(str(r["期末余额 Closing"])) for r in rows if r["期末余额 Closing"]
    } == {a: n for a, n in closing.items()}
    debits = dict(
        query(
            ledger,
            "SELECT account, sum(number) WHERE date >= 2025-03-01 AND date < 2025-04-01 "
            "AND number > 0 GROUP BY account",
        )
    )
    for row in rows:
        assert D(str(row["本期借方 Debit"])) == debits.get(row["科目 Account"], 0)


def test_per_unit_receivables_tie_to_beanquery(workbook, ledger) -> None:
    rows = {r["房号 Unit"]: r for r in records(sheet(workbook, "wp-units"))}
    by_unit = dict(
        query(
            ledger,
            "SELECT meta('unit') AS u, sum(number) WHERE account = 'Assets:Receivable:Fees' "
            "AND date < 2025-04-01 GROUP BY u",
        )
    )
    assert {u: D(str(r["期末应收 Closing"])) for u, r in rows.items()} == by_unit
    assert rows["2-1-101"]["期初应收 Opening"] == 80  # February's unpaid bill
    assert (rows["1-1-102"]["本期实收 Collected"], rows["1-1-102"]["减免核销 Waived"]) == (0, 100)
    collected = query(
        ledger,
        "SELECT sum(number) WHERE account ~ '^Assets:Bank' AND date >= 2025-03-01 "
        "AND date < 2025-04-01 AND 'Assets:Receivable:Fees' IN other_accounts",
    )[0][0]
    assert sum(D(str(r["本期实收 Collected"])) for r in rows.values()) == collected


def test_general_ledger_has_every_posting_with_running_balances(workbook, ledger) -> None:
    rows = records(sheet(workbook, "wp-gl"))
    postings = query(
        ledger, "SELECT count(position) WHERE date >= 2025-03-01 AND date < 2025-04-01"
    )[0][0]
    openings = [r for r in rows if r["摘要 Narration"] == "期初余额 opening balance"]
    assert len(rows) - len(openings) == postings
    trust = [r for r in rows if r["科目 Account"] == "Assets:Bank:Trust"]
    assert D(str(trust[-1]["余额 Balance"])) == D("5358.00")


def test_ageing_and_billing_papers(workbook) -> None:
    (arrears,) = records(sheet(workbook, "wp-ageing"))
    # March's payment of 160 settled February's 80 first (FIFO): 80 of March is open
    assert arrears["房号 Unit"] == "2-1-101" and arrears["30天内 ≤30 days"] == 80
    assert arrears["最早欠费 Oldest bill"].date().isoformat() == "2025-03-01"
    (march,) = records(sheet(workbook, "wp-billing"))
    assert march["差额 Difference"] == 0 and march["月份 Month"] == "2025-03"


def test_the_report_command_writes_the_workbook_with_the_general_ledger(tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(LEDGER, encoding="utf-8")
    out = tmp_path / "audit.xlsx"
    result = CliRunner().invoke(
        report_command, ["audit", "-p", "2025-03", "-f", "xlsx", "-o", str(out), str(ledger)]
    )
    assert result.exit_code == 0, result.output
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[0].startswith("summary") and any(n.startswith("wp-gl") for n in names)
    text = CliRunner().invoke(report_command, ["audit", "-p", "2025-03", str(ledger)])
    assert "总账明细" not in text.output and "试算平衡表 Trial balance" in text.output
