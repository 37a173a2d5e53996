"""The substance checks on the demo: a copy with nine defects reports each at its file:line.

The defects are what a special audit looks for: one person signing for both roles, a payment
split below the threshold, an invoice paid twice, a committee member paid as an ordinary
expense, advertising income from a firm with no contract, a write-off without approval (not
counted as collected), a deleted monthly bill, greenery paid over its contract, a maintenance
project paid beyond its voted budget. The clean demo reports nothing (tests/generator); each
defect adds exactly its own error (and the one person signing as manager is also off the
roster for that role: TF309 on the sign-off).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from beancount.core import data
from click.testing import CliRunner

from cli import main
from ledger.index import build_index
from ledger.loader import load

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi"
DELETED_BILL = '2025-03-01 * "物业费" "2025-03 物业费 1-1-101"'


def _roster(folder: Path) -> tuple[list[str], str]:
    ledger = load(folder / "main.beancount", cache=False)
    on = ledger.community.members_on(date(2026, 1, 5))
    committee = sorted(name for name, role in on.items() if role == "committee")
    manager = next(name for name, role in on.items() if role == "manager")
    return committee, manager


def _approve(aid: str, amount: str, committee: str, manager: str) -> str:
    return (
        f'2026-01-05 custom "tf-approval" "{aid}" "committee" "{committee}" {amount} CNY\n'
        f'2026-01-05 custom "tf-approval" "{aid}" "manager" "{manager}" {amount} CNY\n'
    )


def _pay(day: str, payee: str, what: str, account: str, amount: str, meta: str) -> str:
    lines = [f'{day} * "{payee}" "{what}"']
    lines += [f"  {m}" for m in meta.split("\n") if m]
    bank = (
        "Assets:Bank:Maintenance"
        if account.startswith("Expenses:Maintenance")
        else "Assets:Bank:Trust"
    )
    return "\n".join([*lines, f"  {account}  {amount} CNY", f"  {bank}  -{amount} CNY", ""]) + "\n"


def _defects(committee: list[str], manager: str) -> str:
    a, b = committee[0], committee[1]
    return "".join(
        [
            "; Nine defects injected into a copy of the demo.\n",
            # 1. one person signs as committee and as manager (TF302; TF309 on the sign-off)
            _approve("AP-X-1", "900.00", a, a),
            _pay(
                "2026-01-06",
                "洁美保洁服务有限公司",
                "defect 1 one signer",
                "Expenses:Service:Cleaning",
                "900.00",
                'approval: "AP-X-1"',
            ),
            # 2. two 60,000 payments to one firm on consecutive days (TF307 on the second)
            _approve("AP-X-2", "60000.00", b, manager),
            _approve("AP-X-3", "60000.00", b, manager),
            _pay(
                "2026-01-07",
                "鼎盛建筑工程有限公司",
                "defect 2 part one",
                "Expenses:Service:Repairs",
                "60000.00",
                'approval: "AP-X-2"',
            ),
            _pay(
                "2026-01-08",
                "鼎盛建筑工程有限公司",
                "defect 2 part two",
                "Expenses:Service:Repairs",
                "60000.00",
                'approval: "AP-X-3"',
            ),
            # 3. an invoice of January 2025 paid again (TF308)
            _approve("AP-X-4", "500.00", b, manager),
            _pay(
                "2026-01-09",
                "洁美保洁服务有限公司",
                "defect 3 invoice again",
                "Expenses:Service:Cleaning",
                "500.00",
                'approval: "AP-X-4"\ninvoice: "FP-2025-000001"',
            ),
            # 4. a committee member paid as an ordinary expense (TF310)
            _approve("AP-X-5", "800.00", b, manager),
            _pay(
                "2026-01-10",
                a,
                "defect 4 member paid",
                "Expenses:Service:Cleaning",
                "800.00",
                'approval: "AP-X-5"',
            ),
            # 5. advertising income from a firm with no contract, citing another's (TF105)
            '2026-01-11 * "新潮传媒有限公司" "defect 5 advertising without contract"\n'
            '  contract: "C-PUB-02"\n'
            "  Assets:Bank:Trust  2500.00 CNY\n"
            "  Income:Public:Advertising  -2500.00 CNY\n\n",
            # 6. a write-off of a unit's arrears without approval (TF107)
            '2026-01-12 * "物业费" "defect 6 write-off"\n'
            "  Income:Fees:Property  264.00 CNY\n"
            '  Assets:Receivable:Fees  -264.00 CNY\n    unit: "{arrears}"\n\n',
            # 8. greenery paid over its monthly contract (TF311)
            _approve("AP-X-6", "3835.00", b, manager),
            _pay(
                "2026-01-13",
                "绿源园林工程有限公司",
                "defect 8 greenery over contract",
                "Expenses:Service:Greenery",
                "3835.00",
                'approval: "AP-X-6"\ncontract: "C-SVC-03"',
            ),
            # 9. the elevator project paid beyond its voted budget (TF406)
            _approve("AP-X-7", "20000.00", b, manager),
            _pay(
                "2026-01-14",
                "通达电梯工程有限公司",
                "defect 9 beyond the budget",
                "Expenses:Maintenance:Elevator",
                "20000.00",
                'approval: "AP-X-7"\nresolution: "R-2025-01"\ncontract: "C-2025-M02"\nprice-audit: "SJ-2025-044"',
            ),
        ]
    )


def _errors(output: str) -> set[tuple[str, int, str]]:
    found = set()
    for line in output.splitlines():
        match = re.match(r"^(.+?):(\d+): (TF\d{3}) ", line)
        assert match, line
        found.add((Path(match.group(1)).name, int(match.group(2)), match.group(3)))
    return found


def _line(path: Path, needle: str) -> int:
    hits = [
        n
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in text
    ]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def test_nine_defects_each_reported_with_its_code_at_its_line(tmp_path: Path) -> None:
    copy = tmp_path / "xinyi"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns("downloads", ".*"))
    committee, manager = _roster(copy)
    clean = load(copy / "main.beancount", cache=False)
    before = build_index(clean.entries, clean.community)
    arrears = next(room for room, owed in sorted(_owed(clean.entries).items()) if owed >= 264)

    # 7. a deleted monthly bill (TF108, reported at the fee standard)
    march = copy / "2025" / "2025-03.beancount"
    text = march.read_text(encoding="utf-8")
    start = text.index(DELETED_BILL)
    end = text.index("\n\n", start)
    march.write_text(text[:start] + text[end + 2 :], encoding="utf-8")

    defects = copy / "defects.beancount"
    defects.write_text(_defects(committee, manager).replace("{arrears}", arrears), encoding="utf-8")
    main_file = copy / "main.beancount"
    main_file.write_text(
        main_file.read_text(encoding="utf-8") + 'include "defects.beancount"\n', encoding="utf-8"
    )

    result = CliRunner().invoke(main, ["check", "--quiet", str(copy)])
    assert result.exit_code == 1, result.output
    terms = copy / "terms.beancount"
    governance = copy / "governance.beancount"
    assert _errors(result.output) == {
        ("defects.beancount", _line(defects, "defect 1 one signer"), "TF302"),
        ("defects.beancount", _line(defects, f'"AP-X-1" "manager" "{committee[0]}"'), "TF309"),
        ("defects.beancount", _line(defects, "defect 2 part two"), "TF307"),
        ("defects.beancount", _line(defects, "defect 3 invoice again"), "TF308"),
        ("defects.beancount", _line(defects, "defect 4 member paid"), "TF310"),
        ("defects.beancount", _line(defects, "defect 5 advertising"), "TF105"),
        ("defects.beancount", _line(defects, "defect 6 write-off"), "TF107"),
        ("terms.beancount", _line(terms, '"tf-fee" "property"'), "TF108"),
        ("defects.beancount", _line(defects, "defect 8 greenery"), "TF311"),
        ("defects.beancount", _line(defects, "defect 9 beyond the budget"), "TF406"),
        # the deleted bill also lowers 2025's surplus below what the owners disposed of
        ("governance.beancount", _line(governance, '"2025" "carry-forward"'), "TF607"),
    }, result.output

    # The write-off is never collected: January's collections are what they were.
    after_ledger = load(main_file, cache=False)
    after = build_index(after_ledger.entries, after_ledger.community)
    assert after.collected_by_month() == before.collected_by_month()
    assert after.waived_by_month() == {"2026-01": 264}
    assert "period:2025-03" in next(
        e.ids for e in after_ledger.errors if getattr(e, "code", "") == "TF108"
    )


def _owed(entries: Sequence[object]) -> dict[str, Decimal]:
    """What each unit owes at the end (its Assets:Receivable:Fees balance)."""
    owed: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account == "Assets:Receivable:Fees" and posting.units is not None:
                    room = str((posting.meta or {}).get("unit"))
                    owed[room] = owed.get(room, Decimal(0)) + Decimal(posting.units.number or 0)
    return owed
