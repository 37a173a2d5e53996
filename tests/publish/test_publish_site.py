"""`trustfund publish`: the owners' static site of the demo community, read back."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from publish_ledgers import CODES, DEMO, WEAK_UNIT

from cli import main


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_page_is_there_small_and_in_the_manifest(site: Path) -> None:
    manifest = json.loads(_text(site / "manifest.json"))
    assert manifest["generator"] == "trustfund publish"
    files = manifest["files"]
    for page in (
        "index.html",
        "maintenance.html",
        "votes.html",
        "notices.html",
        "seals.html",
        "checks.html",
    ):
        assert page in files
    assert [p for p in files if p.startswith("m/")] == [
        f"m/2025-{m:02d}.html" for m in range(1, 13)
    ]
    assert "y/2025.html" in files and "unit.html" in files
    on_disk = {
        str(p.relative_to(site))
        for p in site.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert on_disk == set(files) | {"manifest.json"}
    for path, digest in files.items():
        data = (site / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, path
        if path.endswith(".html"):
            assert len(gzip.compress(data)) <= 200_000, path
            assert '<html lang="zh-CN">' in data.decode()


def test_nothing_private_is_published(site: Path, demo_ledger) -> None:  # type: ignore[no-untyped-def]
    community = demo_ledger.community
    names = {line.name for lines in community.owners.values() for line in lines}
    phones: set[str] = set()
    for lines in community.owners.values():
        for line in lines:
            phones.update(str(v) for k, v in line.meta.items() if k in ("phone", "id-number"))
    assert names and phones
    blob = "\n".join(
        _text(p) for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json")
    )
    leaked = sorted(n for n in names if len(n) >= 2 and n in blob)
    assert leaked == []
    assert not [p for p in phones if p in blob]
    assert str(demo_ledger.path.parent) not in blob
    assert ".beancount" not in blob
    for room in CODES:  # the unit files name no unit
        assert not list(site.glob(f"u/*{room}*"))


def _cells(html: str, section: str) -> list[list[str]]:
    """The data-value (else text) of each cell of a section's table rows."""
    block = re.search(
        rf'<section class="tbl" id="{re.escape(section)}">(.*?)</section>', html, re.S
    )
    assert block, section
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", block.group(1), re.S):
        cells = re.findall(
            r'<td class="[^"]*" data-label="[^"]*"(?: data-value="([^"]*)")?>(.*?)</td>', row, re.S
        )
        if cells:
            rows.append([value or text for value, text in cells])
    return rows


def _csv_tables(text: str) -> dict[str, list[list[str]]]:
    import csv
    import io

    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text)):
        if row and row[0].startswith("# "):
            current = tables.setdefault(row[0][2:], [])
            continue
        if not row:
            current = None
            continue
        if current is not None:
            current.append(row)
    return {key: rows[1:] for key, rows in tables.items()}  # without the header row


def test_figures_equal_those_of_report_public(site: Path, demo_copy: Path, demo_ledger) -> None:  # type: ignore[no-untyped-def]
    """The month pages show what `trustfund report public` prints (its CSV, read back)."""
    from reports import public
    from reports.period import Period

    ledger = demo_ledger
    for period in ("2025-03", "2025-12"):
        result = CliRunner().invoke(
            main, ["report", "public", str(demo_copy), "--period", period, "--format", "csv"]
        )
        assert result.exit_code == 0, result.output
        report = _csv_tables(result.stdout)
        html = _text(site / "m" / f"{period}.html")
        funds = _cells(html, "funds")
        assert len(funds) == len(report["funds"])
        for shown, expected in zip(funds, report["funds"], strict=True):
            assert [Decimal(v) for v in shown[1:]] == [Decimal(v) for v in expected[1:]]
        kinds = {
            t.key: [c.kind for c in t.columns]
            for t in public.compute(ledger, Period.parse(period)).tables()
        }
        for key in ("arrears", "contracts", "remuneration", "maintenance_units", "collection"):
            shown_rows = _cells(html, key)
            assert len(shown_rows) == len(report[key]), key
            numeric = [
                i
                for i, kind in enumerate(kinds[key])
                if kind in ("money", "int", "area", "percent")
            ]
            for shown, expected in zip(shown_rows, report[key], strict=True):
                assert [Decimal(shown[i]) if shown[i] else None for i in numeric] == [
                    Decimal(expected[i]) if expected[i] else None for i in numeric
                ], (key, shown, expected)
        paid = [
            Decimal(v) for v in re.findall(r'class="card payment[^"]*" data-value="([^"]+)"', html)
        ]
        expected_paid = [Decimal(row[3]) for row in report["payments"][:-1]]  # last row: total
        assert paid == expected_paid
        categories = {}
        for key in re.findall(r'id="(cat-[^"]+)"', html):
            for row in _cells(html, key)[:-1]:
                categories[(key, row[0])] = Decimal(row[1])
        assert sorted(categories.values()) == sorted(Decimal(r[4]) for r in report["categories"])


def test_unit_pages_only_for_usable_codes(site: Path, demo_ledger) -> None:  # type: ignore[no-untyped-def]
    from reports.publication import access_digest
    from trustfund.ops import unitpages

    files = sorted(p.name for p in (site / "u").iterdir())
    assert len(files) == len(CODES)
    for room, code in CODES.items():
        secret = unitpages.parse(access_digest(demo_ledger.community, room))
        assert secret is not None and unitpages.code_matches(secret, code)
        blob = json.loads(_text(site / "u" / f"{secret.name}.json"))
        assert room not in json.dumps(blob)
        assert blob["iter"] == 100_000 and len(blob["salt"]) == 32
        statement = unitpages.decrypt(secret, blob)
        assert statement is not None and statement["unit"] == room
        titles = [t["title"] for t in statement["years"][0]["tables"]]
        assert titles[:2] == ["概要", "账单与缴费"]
        other = unitpages.parse(
            access_digest(demo_ledger.community, next(r for r in CODES if r != room))
        )
        assert other is not None and unitpages.decrypt(other, blob) is None
    assert unitpages.parse(access_digest(demo_ledger.community, WEAK_UNIT)) is None


def test_unit_statement_equals_report_unit(site: Path, demo_ledger) -> None:  # type: ignore[no-untyped-def]
    from reports import unit
    from reports.period import Period
    from reports.publication import access_digest
    from trustfund.ops import unitpages

    room = "1-1-101"
    secret = unitpages.parse(access_digest(demo_ledger.community, room))
    assert secret is not None
    statement = unitpages.decrypt(secret, json.loads(_text(site / "u" / f"{secret.name}.json")))
    assert statement is not None
    report = unit.compute(demo_ledger, Period.parse("2025"), room)
    summary = statement["years"][0]["tables"][0]
    assert [row[1] for row in summary["rows"]] == [f"{r.amount:,.2f}" for r in report.summary]
    lines = statement["years"][0]["tables"][1]
    assert len(lines["rows"]) == len(report.lines)


def test_the_rules_findings_are_published_without_locations(tmp_path: Path) -> None:
    """A payment without its approval: the finding is on checks.html, code and masked text."""
    import shutil

    from ledger.loader import load
    from trustfund.ops.publish import publish

    folder = tmp_path / "xinyi"
    shutil.copytree(DEMO.parent, folder, ignore=shutil.ignore_patterns("downloads", ".*"))
    with (folder / "2025" / "2025-12.beancount").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n2025-12-30 * "王小明" "修理 王小明 13812345678"\n'
            "  Expenses:Service:Cleaning  10.00 CNY\n"
            "  Assets:Bank:Trust  -10.00 CNY\n"
        )
    site = tmp_path / "site"
    publish(load(folder / "main.beancount"), site)
    html = _text(site / "checks.html")
    assert "TF301" in html
    assert "王小明" not in html and "13812345678" not in html
    assert ".beancount" not in html and str(folder) not in html
    assert "项问题" in _text(site / "index.html")


WAIVED = """
option "operating_currency" "CNY"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 custom "tf-owner" "O-1" "赵六"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 50.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-103" 50.00 "O-1"
2025-03-01 * "物业费" "2025-03"
  Assets:Receivable:Fees  100.00 CNY
    unit: "1-1-101"
  Assets:Receivable:Fees  50.00 CNY
    unit: "1-1-102"
  Assets:Receivable:Fees  50.00 CNY
    unit: "1-1-103"
  Income:Fees:Property  -200.00 CNY
2025-03-05 custom "tf-approval" "AP-W" "committee" "李四" 50.00 CNY
2025-03-05 custom "tf-approval" "AP-W" "manager" "王五" 50.00 CNY
2025-03-10 * "赵六" "物业费 1-1-101"
  Assets:Bank:Trust  100.00 CNY
  Assets:Receivable:Fees  -100.00 CNY
    unit: "1-1-101"
2025-03-12 * "减免" "1-1-102 困难户减免"
  approval: "AP-W"
  Income:Fees:Property  50.00 CNY
  Assets:Receivable:Fees  -50.00 CNY
    unit: "1-1-102"
"""


def test_a_waiver_is_never_collected(tmp_path: Path) -> None:
    """DESIGN §3: a waived bill is not 实收 in the public report (text, XLSX) nor on the site."""
    import openpyxl

    from ledger.loader import load
    from reports import public, render_text, render_xlsx
    from reports.period import Period
    from trustfund.ops.publish import publish

    main_file = tmp_path / "ledger" / "main.beancount"
    main_file.parent.mkdir()
    main_file.write_text(WAIVED, encoding="utf-8")
    ledger = load(main_file, cache=False)
    assert ledger.errors == []
    march = Period.parse("2025-03")
    report = public.compute(ledger, march)
    col = report.collection
    # billed 200 = collected 100 (1-1-101) + waived 50 (1-1-102) + unpaid 50 (1-1-103)
    assert (col.billed, col.collected_of_period, col.waived_of_period) == (
        Decimal("200.00"),
        Decimal("100.00"),
        Decimal("50.00"),
    )
    assert col.rate == Decimal("0.5") and col.collected_in_period == Decimal("100.00")

    text = render_text.render(report)
    line = next(x for x in text.splitlines() if "200.00" in x and "%" in x)
    assert "150.00" not in line and "100.00" in line and "50.00" in line and "50.00%" in line
    path = tmp_path / "public.xlsx"
    render_xlsx.write(report, path)
    book = openpyxl.load_workbook(path)
    sheet = book[next(n for n in book.sheetnames if n.startswith("collection"))]
    values = dict(zip([c.value for c in sheet[2]], [c.value for c in sheet[3]], strict=True))
    assert values["本期应收已收 Of which paid"] == 100
    assert values["本期应收减免 Of which waived"] == 50
    assert values["收缴率 Collection rate"] == 0.5
    assert values["本期实收(含往期) Collected in period (all bills)"] == 100

    publish(ledger, tmp_path / "site")
    (shown,) = _cells(_text(tmp_path / "site" / "m" / "2025-03.html"), "collection")
    kinds = [c.kind for c in public.CollectionRow.columns]
    keys = [c.key for c in public.CollectionRow.columns]
    figures = {
        k: Decimal(v) for k, v, kind in zip(keys, shown, kinds, strict=True) if kind == "money"
    }
    assert figures == {
        "billed": Decimal("200.00"),
        "collected_of_period": Decimal("100.00"),
        "waived_of_period": Decimal("50.00"),
        "collected_in_period": Decimal("100.00"),
    }
