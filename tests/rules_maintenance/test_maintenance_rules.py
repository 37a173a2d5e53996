"""TF401–TF405: use of the special maintenance fund (trustfund.rules.maintenance)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ledger.loader import format_error, load, load_string

HEADER = """\
plugin "trustfund.rules.maintenance"
2024-01-01 open Assets:Bank:Maintenance CNY
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Expenses:Maintenance:Elevator CNY
2024-01-01 open Expenses:Admin:BankFees CNY
2024-01-01 open Equity:Owners:Maintenance CNY
2024-01-01 custom "tf-unit" "3-1-101" 100 "O-1"
2024-01-01 custom "tf-unit" "3-1-102" 100 "O-2"
2024-01-01 custom "tf-unit" "3-1-103" 100 "O-3"
2024-01-01 custom "tf-unit" "1-1-101" 900 "O-4"
2024-01-01 custom "tf-hazard" "elevator-fault"
2024-01-01 custom "tf-auto-debit" Expenses:Admin:BankFees
2024-12-01 * "deposits"
  Assets:Bank:Maintenance   500000.00 CNY
  Equity:Owners:Maintenance
2025-02-01 custom "tf-resolution" "R-1" "use-maintenance-fund" "3号楼电梯更换" "3"
2025-02-05 custom "tf-vote" "R-1" "3-1-101" "yes"
2025-02-05 custom "tf-vote" "R-1" "3-1-102" "yes"
2025-02-05 custom "tf-vote" "R-1" "3-1-103" "no"
"""
CLOSE = '2025-02-28 custom "tf-close" "R-1"\n'
DOCS = 'contract: "C-1"\nprice-audit: "审价报告 1"\n'


def use(
    day: str,
    narration: str,
    meta: str,
    amount: str = "80000.00",
    bank: str = "Assets:Bank:Maintenance",
    account: str = "Expenses:Maintenance:Elevator",
) -> str:
    lines = [f'{day} * "电梯公司" "{narration}"']
    lines += [f"  {m}" for m in meta.split("\n") if m.strip()]
    lines += [f"  {account}  {amount} CNY", f"  {bank}"]
    return "\n".join(lines) + "\n"


def run(body: str, header: str = HEADER) -> tuple[str, list[tuple[str, int]], list[str]]:
    text = header + body
    ledger = load_string(text)
    found, messages = [], []
    for error in ledger.errors:
        code = error.message.split()[0]
        assert code.startswith("TF"), error.message
        found.append((code, error.source["lineno"]))
        messages.append(error.message)
    return text, sorted(found), messages


def line_of(text: str, needle: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def test_use_with_passed_resolution_and_documents_is_clean() -> None:
    _, errors, _ = run(CLOSE + use("2025-03-10", "更换工程款", 'resolution: "R-1"\n' + DOCS))
    assert errors == []


def test_closing_on_the_payment_day_counts_as_before() -> None:
    _, errors, _ = run(CLOSE + use("2025-02-28", "更换工程款", 'resolution: "R-1"\n' + DOCS))
    assert errors == []


def test_tf401_no_resolution_nor_emergency() -> None:
    text, errors, _ = run(CLOSE + use("2025-03-10", "更换工程款", DOCS))
    assert errors == [("TF401", line_of(text, "更换工程款"))]


def test_common_fund_payment_is_not_a_maintenance_use() -> None:
    body = '2024-12-01 * "x"\n  Assets:Bank:Trust 1000.00 CNY\n  Equity:Owners:Maintenance\n'
    _, errors, _ = run(
        body + use("2025-03-10", "common", "", bank="Assets:Bank:Trust", amount="10.00")
    )
    assert errors == []


def test_auto_debit_charge_on_the_maintenance_account_is_not_a_use() -> None:
    _, errors, _ = run(
        use("2025-03-10", "fee", "", amount="5.00", account="Expenses:Admin:BankFees")
    )
    assert errors == []


def test_tf002_unknown_resolution_and_emergency() -> None:
    text, errors, messages = run(
        use("2025-03-10", "更换工程款", 'resolution: "R-9"\nemergency: "E-9"\n' + DOCS)
    )
    line = line_of(text, "更换工程款")
    assert errors == [("TF002", line), ("TF002", line)]
    assert any('"R-9"' in m for m in messages) and any('"E-9"' in m for m in messages)


def test_tf402_failed_vote_gives_ratios() -> None:
    header = HEADER.replace('"3-1-102" "yes"', '"3-1-102" "no"')
    text, errors, messages = run(
        CLOSE + use("2025-03-10", "更换工程款", 'resolution: "R-1"\n' + DOCS), header
    )
    assert errors == [("TF402", line_of(text, "更换工程款"))]
    assert "approval-area" in messages[0] and "approval-headcount" in messages[0]
    assert "area 100/300" in messages[0] and "headcount 1/3" in messages[0]


def test_tf402_scope_is_the_listed_building() -> None:
    # With the whole community in scope, 1-1-101 (900 m2, did not vote) breaks the quorum.
    header = HEADER.replace('"3号楼电梯更换" "3"', '"3号楼电梯更换" ""')
    text, errors, messages = run(
        CLOSE + use("2025-03-10", "更换工程款", 'resolution: "R-1"\n' + DOCS), header
    )
    assert errors == [("TF402", line_of(text, "更换工程款"))]
    assert "participation-area" in messages[0]


def test_tf403_vote_closed_after_the_payment() -> None:
    text, errors, messages = run(
        CLOSE + use("2025-02-27", "更换工程款", 'resolution: "R-1"\n' + DOCS)
    )
    assert errors == [("TF403", line_of(text, "更换工程款"))]
    assert "2025-02-28" in messages[0]


def test_tf403_vote_not_closed() -> None:
    text, errors, messages = run(use("2025-03-10", "更换工程款", 'resolution: "R-1"\n' + DOCS))
    assert errors == [("TF403", line_of(text, "更换工程款"))]
    assert "not closed" in messages[0]


def test_tf404_missing_documents() -> None:
    text, errors, messages = run(
        CLOSE + use("2025-03-10", "更换工程款", 'resolution: "R-1"\ncontract: "C-1"')
    )
    assert errors == [("TF404", line_of(text, "更换工程款"))]
    assert "price-audit:" in messages[0] and "contract:" not in messages[0]
    text, errors, messages = run(CLOSE + use("2025-03-10", "更换工程款", 'resolution: "R-1"'))
    assert errors == [("TF404", line_of(text, "更换工程款"))]
    assert "contract: and price-audit:" in messages[0]


EMERGENCIES = textwrap.dedent("""\
    2025-03-01 custom "tf-emergency" "E-1" "elevator-fault" "街道办确认函 2025-03-01"
    2025-03-01 custom "tf-emergency" "E-2" "roof-leak" "街道办确认函"
    2025-03-01 custom "tf-emergency" "E-3" "elevator-fault" ""
    2025-03-05 custom "tf-hazard" "roof-leak"
    """)


def test_tf405_on_the_directive_and_no_tf401_for_its_use() -> None:
    body = EMERGENCIES + use("2025-03-02", "紧急维修", 'emergency: "E-2"\n' + DOCS)
    text, errors, messages = run(body)
    # E-2's hazard was listed only after it; E-3 has no confirmation. Both are TF405 even
    # though E-3 is never used; the use citing E-2 is not also TF401.
    assert errors == [
        ("TF405", line_of(text, '"tf-emergency" "E-2"')),
        ("TF405", line_of(text, '"tf-emergency" "E-3"')),
    ]
    assert any("roof-leak" in m and "not on the list" in m for m in messages)
    assert any("confirmation" in m for m in messages)


def test_valid_emergency_needs_no_vote_but_documents() -> None:
    body = EMERGENCIES.replace('"E-2" "roof-leak"', '"E-2" "elevator-fault"').replace(
        '"E-3" "elevator-fault" ""', '"E-3" "elevator-fault" "确认"'
    )
    _, errors, _ = run(body + use("2025-03-02", "紧急维修", 'emergency: "E-1"\n' + DOCS))
    assert errors == []
    text, errors, _ = run(body + use("2025-03-02", "紧急维修", 'emergency: "E-1"'))
    assert errors == [("TF404", line_of(text, "紧急维修"))]


def test_hazards_accumulate() -> None:
    body = EMERGENCIES.replace('2025-03-05 custom "tf-hazard"', '2025-03-01 custom "tf-hazard"')
    text, errors, _ = run(body)
    assert errors == [("TF405", line_of(text, '"tf-emergency" "E-3"'))]


def test_errors_render_as_file_line_from_a_ledger_file(tmp_path: Path) -> None:
    path = tmp_path / "main.beancount"
    path.write_text(
        HEADER + CLOSE + use("2025-02-27", "更换工程款", 'resolution: "R-1"'), encoding="utf-8"
    )
    ledger = load(path, cache=False)
    rendered = sorted(format_error(e) for e in ledger.errors)
    line = line_of(path.read_text(encoding="utf-8"), "更换工程款")
    assert [r.split(" ", 2)[:2] for r in rendered] == [
        [f"{path}:{line}:", "TF403"],
        [f"{path}:{line}:", "TF404"],
    ]
