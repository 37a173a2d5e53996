"""District batch audit on a local Dask cluster: XLSX and Parquet read back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")

import openpyxl
import pandas as pd

from trustfund.ops.batch import audit_community, batch, find_ledgers, run_batch

CLEAN = """\
option "title" "{title}"
plugin "trustfund.xinyi"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Maintenance:Deposits CNY
2025-01-01 custom "tf-owner" "O-1" "张三"
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 80.00 "O-1"
2025-03-01 * "开票"
  Assets:Receivable:Fees  400.00 CNY
    unit: "1-1-101"
  Income:Fees:Property
2025-03-05 * "物业费"
  Assets:Bank:Trust  300.00 CNY
  Assets:Receivable:Fees
    unit: "1-1-101"
2025-03-06 * "维修资金"
  Assets:Bank:Maintenance  1000.00 CNY
  Income:Maintenance:Deposits
    unit: "1-1-101"
"""

VIOLATING = (
    CLEAN
    + """\
2025-01-01 open Expenses:Service:Cleaning CNY
2025-03-10 * "保洁 (no approval: TF301)"
  Expenses:Service:Cleaning  50.00 CNY
  Assets:Bank:Trust
2025-03-11 * "停车费抵保洁 (TF101)"
  Expenses:Service:Cleaning  20.00 CNY
  Income:Fees:Property
"""
)


@pytest.fixture()
def district(tmp_path: Path) -> Path:
    root = tmp_path / "district"
    for name, text in (
        ("a-clean", CLEAN.format(title="甲小区")),
        ("b-bad", VIOLATING.format(title="乙小区")),
    ):
        (root / name).mkdir(parents=True)
        (root / name / "main.beancount").write_text(text, encoding="utf-8")
    (root / "c-broken").mkdir()
    (root / "c-broken" / "main.beancount").write_text("this is {{ not a ledger\n", encoding="utf-8")
    return root


def test_find_ledgers(district: Path, tmp_path: Path) -> None:
    found = find_ledgers([district, district / "a-clean", tmp_path / "nowhere"])
    assert [name for name, _ in found] == ["a-clean", "b-bad", "c-broken", "a-clean", "nowhere"]


def test_audit_community_never_raises(tmp_path: Path) -> None:
    result = audit_community("x", str(tmp_path / "missing.beancount"))
    assert result.status == "failed" and "no such ledger file" in result.error


def test_audit_counts_rules_and_figures(district: Path) -> None:
    result = audit_community("b", str(district / "b-bad" / "main.beancount"))
    assert result.status == "ok", result.error
    assert result.rule_exceptions == {"TF101": 1, "TF301": 1}
    assert result.units == 2 and result.transactions == 5
    assert result.common_balance == Decimal("400.00") - Decimal(
        "50.00"
    )  # bank 250 + receivable 100
    assert result.common_cash == Decimal("250.00")
    assert result.maintenance_balance == Decimal("1000.00")
    assert result.period == "2025"
    assert {e["code"] for e in result.exceptions if e["kind"] == "rule"} == {"TF101", "TF301"}
    assert all(
        e["location"].endswith(tuple(f":{n}" for n in range(1, 40)))
        for e in result.exceptions
        if e["kind"] == "rule"
    )


def test_run_batch_on_a_thread_cluster_keeps_order_and_survives_failures(district: Path) -> None:
    seen: list[str] = []
    results = run_batch(
        find_ledgers([district]), workers=2, processes=False, on_done=lambda r: seen.append(r.name)
    )
    assert [r.name for r in results] == ["a-clean", "b-bad", "c-broken"]
    assert sorted(seen) == ["a-clean", "b-bad", "c-broken"]
    assert [r.status for r in results] == ["ok", "ok", "failed"]
    assert "c-broken" not in results[0].error and results[2].error


def test_batch_command_writes_xlsx_and_parquet(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "summary.xlsx"
    result = CliRunner().invoke(
        batch, [str(district), "--threads", "--workers", "2", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "3 communities, 1 failed, 2 rule exceptions" in result.output

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["summary", "exceptions"]
    rows = list(book["summary"].iter_rows(values_only=True))
    header = list(rows[0])
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"a-clean", "b-bad", "c-broken"}
    assert by_name["a-clean"]["status"] == "ok" and by_name["a-clean"]["title"] == "甲小区"
    assert (
        by_name["b-bad"]["TF301"] == 1
        and by_name["b-bad"]["TF101"] == 1
        and by_name["a-clean"]["TF301"] == 0
    )
    assert by_name["c-broken"]["status"] == "failed"
    assert by_name["a-clean"]["maintenance_cash"] == 1000
    exceptions = list(book["exceptions"].iter_rows(values_only=True))
    assert exceptions[0][:3] == ("community", "kind", "code")
    assert {(row[0], row[2]) for row in exceptions[1:] if row[1] == "rule"} == {
        ("b-bad", "TF101"),
        ("b-bad", "TF301"),
    }

    frame = pd.read_parquet(out.with_suffix(".parquet"))
    assert list(frame["community"]) == ["a-clean", "b-bad", "c-broken"]
    assert frame.loc[frame.community == "b-bad", "rule_exceptions"].item() == 2
    assert frame.loc[frame.community == "a-clean", "common_cash"].item() == Decimal("300.00")
    excs = pd.read_parquet(out.with_name("summary-exceptions.parquet"))
    assert set(excs.loc[excs.kind == "rule", "code"]) == {"TF101", "TF301"}


def test_batch_rejects_a_bad_period(district: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        batch, [str(district), "--period", "2025-13", "-o", str(tmp_path / "s.xlsx")]
    )
    assert result.exit_code != 0 and "2025-13" in result.output


def test_run_batch_on_worker_processes_with_a_generated_community(tmp_path: Path) -> None:
    import trustfund.ops.generator as generator

    main = generator.generate(tmp_path / "gen", units=16, buildings=2, years=1, seed=3)
    (tmp_path / "bad").mkdir()
    results = run_batch(
        [("gen", main), ("bad", tmp_path / "bad" / "main.beancount")], workers=1, processes=True
    )
    gen, bad = results
    assert gen.status == "ok", gen.error
    assert gen.units == 16 and gen.transactions > 100 and gen.load_errors == 0
    assert gen.rule_exceptions == {}
    assert gen.collection_rate is not None and Decimal("0.5") < gen.collection_rate <= 1
    assert bad.status == "failed"


def test_run_batch_on_a_given_scheduler(district: Path) -> None:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        results = run_batch(find_ledgers([district / "b-bad"]), scheduler=cluster.scheduler_address)
        assert cluster.scheduler is not None and cluster.scheduler.status.name == "running"
    assert [r.rule_exceptions for r in results] == [{"TF101": 1, "TF301": 1}]
