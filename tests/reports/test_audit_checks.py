"""Every audit check passes on a clean month and fails on a ledger that breaks it.

A check that can only pass is worse than none ("a wrong 通过 pass is worse than no audit"):
:data:`BREAKS` holds, for each check id of :data:`reports.audit.CHECKS`, one change to the
clean ledger that the check must report as an exception, with the amount at stake.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

import pytest
from audit_ledgers import CLEAN, change, clean_text, load, sealed

from reports import audit
from reports.period import Period

MARCH = Period.parse("2025-03")
MAINT_PAY = '2025-03-20 * "电梯工程有限公司" "1号楼电梯维修"\n'
CLEANING = '2025-03-15 * "洁净保洁有限公司" "保洁 2025-03"\n'


def report_of(text: str) -> audit.AuditReport:
    return audit.compute(load(text), MARCH)


def test_the_clean_month_passes_every_check_with_evidence() -> None:
    report = report_of(clean_text())
    failed = {
        c.id: [f.reason for f in c.findings if not f.ok] for c in report.checks if not c.passed
    }
    assert failed == {}
    ids = [c.id for c in report.checks]
    assert ids == [spec.id for spec in audit.CHECKS] + ["X01"]
    with_evidence = {c.id for c in report.checks if c.items}
    assert {"M01", "M02", "M05", "M07", "M09", "C01", "C05", "C13", "C16", "C19"} <= with_evidence
    assert {"G01", "G02", "G03", "G04"} <= with_evidence
    summary = report.tables()[0]
    assert summary.total is not None and summary.total["exceptions"] == 0
    assert {row.status for row in report.checks} == {audit.PASS}


def _add(text: str) -> Callable[[str], str]:
    return lambda ledger: ledger + "\n" + text


# check id -> (how to break the clean ledger, the amount at stake the summary shows)
BREAKS: dict[str, tuple[Callable[[str], str], D | None]] = {
    "M01": (lambda t: change(t, '  resolution: "R-1"\n', ""), D("950.00")),
    "M02": (lambda t: change(t, '"1-1-102" "yes"', '"1-1-102" "no"').replace('"1-1-101" "yes"', '"1-1-101" "no"'), D("950.00")),
    "M03": (lambda t: change(t, '2025-03-05 custom "tf-close" "R-1"', '2025-03-25 custom "tf-close" "R-1"'), D("950.00")),
    "M04": (lambda t: change(t, '  price-audit: "SJ-1"\n', ""), D("950.00")),
    "M05": (lambda t: change(t, '2025-03-18 custom "tf-approval" "AP-3" "manager" "王五" 950.00 CNY\n', ""), D("950.00")),
    "M06": (lambda t: change(t, '  invoice: "INV-3"\n', ""), D("950.00")),
    "M07": (lambda t: change(t, 'budget: "1000.00 CNY"', 'budget: "900.00 CNY"'), D("50.00")),
    "M08": (lambda t: change(t, '"1号楼电梯" "1"', '"1号楼电梯" "9"'), D("950.00")),
    "M09": (lambda t: change(t, "Income:Maintenance:Interest  -3.00 CNY", "Income:Interest  -3.00 CNY"), D("3.00")),
    "M10": (lambda t: change(t, "Assets:Bank:Maintenance  1353.00 CNY", "Assets:Bank:Maintenance  1350.00 CNY"), D("1350.00")),
    "M11": (_add('2025-03-25 * "转账" "维修资金转共同基金"\n  Assets:Bank:Maintenance  -100.00 CNY\n  Assets:Bank:Trust  100.00 CNY\n'), D("100.00")),
    "C01": (lambda t: change(t, "Assets:Bank:Trust  500.00 CNY\n  Income:Public:Advertising  -500.00 CNY", "Assets:Bank:Trust  400.00 CNY\n  Income:Public:Advertising  -400.00 CNY"), D("100.00")),
    "C02": (_add('2025-03-11 * "某某科技公司" "电梯广告"\n  Assets:Bank:Trust  800.00 CNY\n  Income:Public:Advertising  -800.00 CNY\n'), D("800.00")),
    "C03": (_add('2025-03-11 * "分众传媒有限公司" "广告费抵保洁"\n  Expenses:Service:Cleaning  50.00 CNY\n  Income:Public:Leasing  -50.00 CNY\n'), D("50.00")),
    "C04": (_add('2025-03-12 custom "tf-approval" "AP-9" "committee" "李四" 80.00 CNY\n2025-03-12 custom "tf-approval" "AP-9" "manager" "王五" 80.00 CNY\n2025-03-22 * "礼品店有限公司" "慰问品"\n  approval: "AP-9"\n  invoice: "INV-9"\n  Assets:Bank:Trust  -80.00 CNY\n  Expenses:Gifts  80.00 CNY\n'), D("80.00")),
    "C05": (lambda t: change(t, '2025-03-13 custom "tf-approval" "AP-1" "manager" "王五" 300.00 CNY\n', ""), D("300.00")),
    "C06": (lambda t: change(t, '  invoice: "INV-1"\n', ""), D("300.00")),
    "C07": (lambda t: change(t, '  invoice: "INV-2"\n', '  invoice: "INV-1"\n'), D("200.00")),
    "C08": (lambda t: change(t, "Assets:Bank:Trust  5458.00 CNY", "Assets:Bank:Trust  5400.00 CNY"), D("5400.00")),
    "C09": (_add('2025-03-08 * "孙八" "微信代收 预缴"\n  Assets:Clearing:Manager  30.00 CNY\n  Liabilities:Prepaid:Fees  -30.00 CNY\n    unit: "2-1-101"\n'), D("30.00")),
    "C10": (_add('2025-03-12 custom "tf-approval" "AP-8" "committee" "李四" 1200.00 CNY\n2025-03-12 custom "tf-approval" "AP-8" "manager" "王五" 1200.00 CNY\n2025-03-26 * "绿源园林有限公司" "补种"\n  approval: "AP-8"\n  invoice: "INV-8"\n  Assets:Bank:Trust  -1200.00 CNY\n  Expenses:Service:Greenery  1200.00 CNY\n'), D("1200.00")),
    "C11": (_add('2025-03-12 custom "tf-approval" "AP-6" "committee" "李四" 1200.00 CNY\n2025-03-12 custom "tf-approval" "AP-6" "manager" "王五" 1200.00 CNY\n2025-03-22 * "某装饰有限公司" "门厅装修一期"\n  approval: "AP-6"\n  invoice: "INV-61"\n  Assets:Bank:Trust  -600.00 CNY\n  Expenses:Gifts  600.00 CNY\n2025-03-23 * "某装饰有限公司" "门厅装修二期"\n  approval: "AP-6"\n  invoice: "INV-62"\n  Assets:Bank:Trust  -600.00 CNY\n  Expenses:Gifts  600.00 CNY\n'), D("1200.00")),
    "C12": (_add('2025-03-12 custom "tf-approval" "AP-7" "committee" "李四" 90.00 CNY\n2025-03-12 custom "tf-approval" "AP-7" "manager" "王五" 90.00 CNY\n2025-03-22 * "李四" "会议用品"\n  approval: "AP-7"\n  invoice: "INV-7"\n  Assets:Bank:Trust  -90.00 CNY\n  Expenses:Service:Cleaning  90.00 CNY\n'), D("90.00")),
    "C13": (lambda t: change(change(t, "Assets:Bank:Trust  -200.00 CNY\n  Expenses:Service:Greenery  200.00 CNY", "Assets:Bank:Trust  -260.00 CNY\n  Expenses:Service:Greenery  260.00 CNY"), 'Greenery "monthly" 200.00 CNY', 'Greenery "monthly" 300.00 CNY').replace('"AP-2" "committee" "李四" 200.00', '"AP-2" "committee" "李四" 260.00').replace('"AP-2" "manager" "王五" 200.00', '"AP-2" "manager" "王五" 260.00'), D("60.00")),
    "C14": (lambda t: change(t, 'Cleaning "monthly" 300.00 CNY', 'Cleaning "monthly" 250.00 CNY'), D("50.00")),
    "C15": (lambda t: change(t, "Expenses:Manager:Remuneration  46.00 CNY\n  Liabilities:Payable:Manager  -46.00 CNY", "Expenses:Manager:Remuneration  40.00 CNY\n  Liabilities:Payable:Manager  -40.00 CNY"), D("6.00")),
    "C16": (lambda t: change(t, '  Assets:Receivable:Fees  160.00 CNY\n    unit: "2-1-101"\n  Income:Fees:Property  -460.00 CNY', '  Income:Fees:Property  -300.00 CNY'), D("160.00")),
    "C17": (lambda t: change(t, '2025-03-06 * "钱七" "物业费 1-1-102"\n  Assets:Bank:Trust  100.00 CNY', '2025-03-06 * "钱七" "核销 1-1-102"\n  Income:Fees:Property  100.00 CNY').replace("Assets:Bank:Trust  5458.00 CNY", "Assets:Bank:Trust  5358.00 CNY"), D("100.00")),
    "C18": (_add('2025-03-09 * "邻里便利店" "租赁押金"\n  Assets:Bank:Trust  1000.00 CNY\n  Income:Public:Leasing  -1000.00 CNY\n'), D("1000.00")),
    "C19": (lambda t: t, None),  # the month not sealed (see break_ledger)
    "C20": (_add('2025-03-25 * "转账" "共同基金转维修资金"\n  Assets:Bank:Trust  -100.00 CNY\n  Assets:Bank:Maintenance  100.00 CNY\n'), D("100.00")),
    "C21": (_add('2025-03-24 * "未知" "银行转出"\n  Assets:Bank:Trust  -20.00 CNY\n  Expenses:Suspense  20.00 CNY\n'), D("20.00")),
    "G01": (lambda t: change(t, '2025-03-06 custom "tf-stage" "R-1" "publish-decision"\n', ""), D("950.00")),
    "G02": (lambda t: change(t, '"N-1" "AP-1" 2025-03-14', '"N-1" "AP-1" 2025-03-20'), D("300.00")),
    "G03": (lambda t: change(t, '2024-12-20 custom "tf-stage" "R-0" "resolve"\n', ""), None),
    "G04": (lambda t: change(t, '"reserve" 500.00 CNY', '"reserve" 900.00 CNY'), D("100.00")),
    "X01": (_add('2025-03-24 custom "tf-unit" "3-1-101" -5.00 "O-9"\n'), None),
}  # fmt: skip


def break_ledger(check_id: str) -> str:
    mutate, _ = BREAKS[check_id]
    if check_id == "C19":
        return CLEAN  # never sealed
    return sealed(mutate(CLEAN))  # sealed after the change: only the break itself differs


def test_every_check_has_a_break() -> None:
    assert set(BREAKS) == {spec.id for spec in audit.CHECKS} | {"X01"}


@pytest.mark.parametrize("check_id", sorted(BREAKS))
def test_check_fails_on_its_break(check_id: str) -> None:
    _, amount = BREAKS[check_id]
    report = report_of(break_ledger(check_id))
    check = report.check(check_id)
    summary = {row["id"]: row for row in report.tables()[0].dicts()}
    assert not check.passed and summary[check_id]["status"] == audit.FAIL, check.findings
    if amount is not None:
        assert check.exception_amount == amount, [f for f in check.findings if not f.ok]
        assert summary[check_id]["exception_amount"] == amount


@pytest.mark.parametrize(
    ("signer", "codes"),
    [("李四", {"TF302", "TF309"}), ("周九", {"TF309"})],  # the committee signer twice; no member
)
def test_signers_are_two_persons_on_the_roster(signer: str, codes: set[str]) -> None:
    manager_line = '2025-03-13 custom "tf-approval" "AP-1" "manager" "王五" 300.00 CNY'
    text = sealed(change(CLEAN, manager_line, manager_line.replace("王五", signer)))
    check = report_of(text).check("C05")
    (failure,) = [f for f in check.findings if not f.ok]  # one row: the payment
    assert {code for code in codes if code in failure.reason} == codes
    assert check.exception_amount == D("300.00")


@pytest.mark.parametrize(
    ("check_id", "old", "new", "code"),
    [
        # a stage out of order, though the trail is complete before the payment
        ("G01", '2025-03-02 custom "tf-stage" "R-1" "discuss"', '2025-03-04 custom "tf-stage" "R-1" "discuss"', "TF602"),
        # the objection upheld: the payment under the notice stands against it
        ("G02", '"OB-1" "dismissed"', '"OB-1" "upheld"', "TF605"),
        # a budget change within the adopted year without a resolution
        ("G03", 'Greenery "monthly" 200.00 CNY\n', 'Greenery "monthly" 200.00 CNY\n2025-03-10 custom "budget" Expenses:Service:Greenery "monthly" 250.00 CNY\n', "TF606"),
        # the disposition's resolution decided only after it
        ("G04", '2025-03-25 custom "tf-stage" "R-2" "resolve"', '2025-03-28 custom "tf-stage" "R-2" "resolve"', "TF607"),
    ],
)  # fmt: skip
def test_governance_checks_read_each_of_their_codes(
    check_id: str, old: str, new: str, code: str
) -> None:
    check = report_of(sealed(change(CLEAN, old, new))).check(check_id)
    failures = [f for f in check.findings if not f.ok]
    assert failures and all(f.reason.startswith(code) for f in failures), check.findings
