"""A district's batch audit: ``trustfund batch DIR... [--scheduler ADDRESS] [--workers N] [-o summary.xlsx]``.

A street office (街道办) or district housing bureau supervises dozens of trust-model communities.
This command loads each community's ledger, runs every trust rule and the special audit
(:func:`reports.audit.compute`), and writes one row per community, plus every exception, to:

* ``summary.xlsx`` (sheets ``summary`` and ``exceptions``, openpyxl), and
* ``summary.parquet`` / ``summary-exceptions.parquet`` (pyarrow), for further analysis.

Each DIR is a community folder (with ``main.beancount``), a ledger file, or a folder whose
sub-folders are communities. The work runs in parallel on Dask: a ``LocalCluster`` of
``--workers`` processes by default, or the cluster whose scheduler is at ``--scheduler
tcp://host:8786``. A community that fails to load (or whose audit crashes) is reported as
``failed`` with the reason, and the batch goes on.

A row holds: units, transactions, the funds' balances at the end of the period as the 公示
shows them (:func:`reports.public.fund_flows`: net assets, i.e. assets less liabilities, and the
owners' cash: their bank accounts and what the manager still holds for them), the collection
rate of the period's fee bills, the rule exceptions per code (``TF101`` … ``TF501``) and the audit exceptions
per check (``M01`` … ``C13``). The period is the calendar year of the ledger's last transaction
unless ``--period`` says otherwise.
"""

from __future__ import annotations

import gc
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from ledger.accounts import COMMON, MAINTENANCE
from ledger.errors import error_code, location
from ledger.writer import atomic_file

ZERO = Decimal(0)
MAIN_FILE = "main.beancount"


@dataclass
class CommunityResult:
    """One community's figures (plain values, so it travels between Dask workers)."""

    name: str
    path: str
    status: str = "ok"  # ok | failed
    error: str = ""
    title: str = ""
    period: str = ""
    units: int = 0
    transactions: int = 0
    common_balance: Decimal | None = None
    common_cash: Decimal | None = None
    maintenance_balance: Decimal | None = None
    maintenance_cash: Decimal | None = None
    collection_rate: Decimal | None = None
    load_errors: int = 0  # Beancount's own errors (syntax, balance assertions)
    rule_exceptions: dict[str, int] = field(default_factory=dict)  # TFnnn -> count
    audit_exceptions: dict[str, int] = field(default_factory=dict)  # check id -> count
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0  # wall time in the worker
    cpu_seconds: float = 0.0  # the worker's CPU time for this community


def find_ledgers(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """(name, main file) of every community under ``paths`` (see the module docstring)."""
    found: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_file():
            found.append((path.parent.name if path.name == MAIN_FILE else path.stem, path))
        elif (path / MAIN_FILE).is_file():
            found.append((path.name, path / MAIN_FILE))
        elif path.is_dir():
            subs = sorted(p for p in path.iterdir() if (p / MAIN_FILE).is_file())
            if subs:
                found.extend((p.name, p / MAIN_FILE) for p in subs)
            else:
                found.append((path.name, path / MAIN_FILE))  # reported as failed
        else:
            found.append((path.name, path))
    return found


def audit_community(name: str, path: str, period: str | None = None) -> CommunityResult:
    """Load, check and audit one community. Never raises: a failure is a ``failed`` row."""
    started, cpu = time.perf_counter(), time.process_time()
    result = CommunityResult(name, path)
    # A loaded ledger is millions of objects and no reference cycles: the garbage collector's
    # passes over them during the load find nothing and cost a fifth of it. They are paused
    # for one community's work; what is left is freed when it ends.
    gc.collect()
    gc.disable()
    try:
        _audit(result, Path(path), period)
    except Exception as exc:  # one community's failure must not stop the batch
        result.status = "failed"
        result.error = f"{type(exc).__name__}: {exc}"
        result.exceptions.append(
            {
                "community": name,
                "kind": "failure",
                "code": "",
                "location": path,
                "date": None,
                "message": traceback.format_exc(limit=3).strip().splitlines()[-1],
            }
        )
    finally:
        from reports import common

        common.forget()  # the reports' shared results hold the ledger: let it go now
        gc.enable()
    result.seconds = round(time.perf_counter() - started, 3)
    result.cpu_seconds = round(time.process_time() - cpu, 3)
    return result


def _audit(result: CommunityResult, path: Path, period_text: str | None) -> None:
    from beancount.core import data

    from ledger.loader import format_error, load
    from reports import audit, public
    from reports.period import Period
    from reports.subledgers import receivables

    if not path.is_file():
        result.status = "failed"
        result.error = f"{path}: no such ledger file"
        return
    ledger = load(path)
    entries = ledger.entries
    title = str(ledger.options.get("title", "") or "")
    result.title = "" if title == "Beancount" else title
    result.units = len(ledger.community.units)
    result.transactions = sum(1 for e in entries if type(e) is data.Transaction)
    if not entries:
        result.status = "failed"
        result.error = "; ".join(format_error(e) for e in ledger.errors[:3]) or "empty ledger"
        return
    for error in ledger.errors:
        code = error_code(error)
        if code is None:
            result.load_errors += 1
            kind = "load"
        else:
            result.rule_exceptions[code] = result.rule_exceptions.get(code, 0) + 1
            kind = "rule"
        entry = getattr(error, "entry", None)
        result.exceptions.append(
            {
                "community": result.name,
                "kind": kind,
                "code": code or "beancount",
                "location": location(getattr(error, "source", None)) or "?:0",
                "date": getattr(entry, "date", None),
                "message": str(getattr(error, "message", error)).strip().splitlines()[0]
                if str(getattr(error, "message", error)).strip()
                else "",
            }
        )
    last = max(
        (e.date for e in entries if type(e) is data.Transaction), default=ledger.community.last_date
    )
    period = Period.parse(period_text or str(last.year if last else date.today().year))
    result.period = period.label
    # the 公示's own figures: net assets and owners' cash per fund at the period's end
    _opening, closing, *_flows, cash = public.fund_flows(entries, period.start, period.end)
    result.common_balance = closing.get(COMMON, ZERO)
    result.common_cash = cash.get(COMMON, ZERO)
    result.maintenance_balance = closing.get(MAINTENANCE, ZERO)
    result.maintenance_cash = cash.get(MAINTENANCE, ZERO)
    result.collection_rate = receivables(entries, period.start, period.end).collection_rate
    report = audit.compute(ledger, period, papers=False)  # the checks: the papers go unread
    for check in report.checks:
        result.audit_exceptions[check.id] = check.exceptions
        for finding in check.findings:
            if finding.ok:
                continue
            result.exceptions.append(
                {
                    "community": result.name,
                    "kind": "audit",
                    "code": check.id,
                    "location": finding.location,
                    "date": finding.date,
                    "message": f"{check.zh}: {finding.reason}"
                    + (f" ({finding.amount})" if finding.amount is not None else ""),
                }
            )


# ---------------------------------------------------------------------------------------
# Running on Dask


def run_batch(
    ledgers: Sequence[tuple[str, Path]],
    *,
    scheduler: str | None = None,
    workers: int = 2,
    processes: bool = True,
    period: str | None = None,
    on_done: Callable[[CommunityResult], None] | None = None,
) -> list[CommunityResult]:
    """Audit every ledger on a Dask cluster; results in the order of ``ledgers``."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=40,
        )
        client = Client(cluster)
    try:
        futures = [
            client.submit(
                audit_community,
                name,
                str(path),
                period,
                key=f"trustfund-audit-{i}-{name}",
                pure=False,
            )
            for i, (name, path) in enumerate(ledgers)
        ]
        index = {future.key: i for i, future in enumerate(futures)}
        results: list[CommunityResult | None] = [None] * len(futures)
        for future in as_completed(futures):
            i = index[future.key]
            name, path = ledgers[i]
            try:
                result = future.result()
            except Exception as exc:  # the worker died (memory, killed): still one row
                result = CommunityResult(
                    name, str(path), status="failed", error=f"{type(exc).__name__}: {exc}"
                )
            results[i] = result
            if on_done is not None:
                on_done(result)
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------------------
# Output


FIXED_COLUMNS = (
    "community",
    "status",
    "error",
    "title",
    "period",
    "units",
    "transactions",
    "common_balance",
    "common_cash",
    "maintenance_balance",
    "maintenance_cash",
    "collection_rate",
    "load_errors",
    "rule_exceptions",
    "audit_exceptions",
    "seconds",
    "path",
)
EXCEPTION_COLUMNS = ("community", "kind", "code", "location", "date", "message")


def summary_rows(results: Sequence[CommunityResult]) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and one dict per community (rule codes and audit checks as columns)."""
    codes = sorted({code for r in results for code in r.rule_exceptions})
    checks = sorted({check for r in results for check in r.audit_exceptions})
    columns = [*FIXED_COLUMNS[:-1], *codes, *(f"audit {c}" for c in checks), FIXED_COLUMNS[-1]]
    rows = []
    for r in results:
        row: dict[str, Any] = {
            "community": r.name,
            "status": r.status,
            "error": r.error,
            "title": r.title,
            "period": r.period,
            "units": r.units,
            "transactions": r.transactions,
            "common_balance": r.common_balance,
            "common_cash": r.common_cash,
            "maintenance_balance": r.maintenance_balance,
            "maintenance_cash": r.maintenance_cash,
            "collection_rate": r.collection_rate,
            "load_errors": r.load_errors,
            "rule_exceptions": sum(r.rule_exceptions.values()),
            "audit_exceptions": sum(r.audit_exceptions.values()),
            "seconds": r.seconds,
            "path": r.path,
        }
        for code in codes:
            row[code] = r.rule_exceptions.get(code, 0)
        for check in checks:
            row[f"audit {check}"] = r.audit_exceptions.get(check, 0)
        rows.append(row)
    return columns, rows


def write_xlsx(path: Path, results: Sequence[CommunityResult]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    columns, rows = summary_rows(results)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "summary"
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        if column.endswith(("_balance", "_cash")):
            for cell in sheet[letter][1:]:
                cell.number_format = "#,##0.00"
        elif column == "collection_rate":
            for cell in sheet[letter][1:]:
                cell.number_format = "0.00%"
    sheet.freeze_panes = "B2"
    exceptions = book.create_sheet("exceptions")
    exceptions.append(list(EXCEPTION_COLUMNS))
    for result in results:
        for item in result.exceptions:
            exceptions.append([item.get(c) for c in EXCEPTION_COLUMNS])
    exceptions.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as handle:
        book.save(handle)


def write_parquet(path: Path, results: Sequence[CommunityResult]) -> tuple[Path, Path]:
    """``<stem>.parquet`` (one row per community) and ``<stem>-exceptions.parquet``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns, rows = summary_rows(results)
    money = {"common_balance", "common_cash", "maintenance_balance", "maintenance_cash"}
    fields = []
    for column in columns:
        if column in money:
            kind = pa.decimal128(20, 2)
        elif column == "collection_rate":
            kind = pa.decimal128(12, 6)
        elif column in ("community", "status", "error", "title", "period", "path"):
            kind = pa.string()
        elif column == "seconds":
            kind = pa.float64()  # a timing, not money
        else:
            kind = pa.int64()
        fields.append(pa.field(column, kind))
    schema = pa.schema(fields)

    def fit(column: str, value: Any) -> Any:
        if value is None:
            return None
        if column in money:
            return Decimal(value).quantize(Decimal("0.01"))
        if column == "collection_rate":
            return Decimal(value).quantize(Decimal("0.000001"))
        return value

    table = pa.Table.from_pylist(
        [{c: fit(c, row.get(c)) for c in columns} for row in rows], schema=schema
    )
    summary_path = path.with_suffix(".parquet")
    with atomic_file(summary_path) as handle:
        pq.write_table(table, handle)
    exc_schema = pa.schema(
        [
            pa.field("community", pa.string()),
            pa.field("kind", pa.string()),
            pa.field("code", pa.string()),
            pa.field("location", pa.string()),
            pa.field("date", pa.date32()),
            pa.field("message", pa.string()),
        ]
    )
    items = [{c: item.get(c) for c in EXCEPTION_COLUMNS} for r in results for item in r.exceptions]
    exceptions_path = path.with_name(path.stem + "-exceptions.parquet")
    with atomic_file(exceptions_path) as handle:
        pq.write_table(pa.Table.from_pylist(items, schema=exc_schema), handle)
    return summary_path, exceptions_path


@click.command("batch")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="A running Dask scheduler (tcp://host:8786); default: a local cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Worker processes of the local cluster.",
)
@click.option(
    "--period",
    help="Audit period (2025, 2025Q1, 2025-03); default: the year of each ledger's last transaction.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("summary.xlsx"),
    show_default=True,
    help="The XLSX summary; the Parquet files are written next to it.",
)
@click.option(
    "--threads",
    is_flag=True,
    hidden=True,
    help="Local cluster with threads instead of processes (tests).",
)
def batch(
    dirs: tuple[Path, ...],
    scheduler: str | None,
    workers: int,
    period: str | None,
    output: Path,
    threads: bool,
) -> None:
    """Check and audit many community ledgers in parallel (Dask); one row per community.

    DIR is a community folder (with main.beancount), a ledger file, or a folder of communities.
    Writes OUTPUT (XLSX: summary, exceptions) and OUTPUT.parquet / OUTPUT-exceptions.parquet.
    """
    if period:
        try:
            from reports.period import Period

            Period.parse(period)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--period") from None
    ledgers = find_ledgers(dirs)
    if not ledgers:
        raise click.ClickException("no community ledgers found")
    with click.progressbar(
        length=len(ledgers), label=f"auditing {len(ledgers)} communities", file=sys.stderr
    ) as bar:
        results = run_batch(
            ledgers,
            scheduler=scheduler,
            workers=workers,
            processes=not threads,
            period=period,
            on_done=lambda _result: bar.update(1),
        )
    write_xlsx(output, results)
    summary_path, exceptions_path = write_parquet(output, results)
    failed = [r for r in results if r.status != "ok"]
    total = sum(sum(r.rule_exceptions.values()) for r in results)
    click.echo(f"{len(results)} communities, {len(failed)} failed, {total} rule exceptions")
    for result in failed:
        click.echo(f"  failed: {result.name}: {result.error}", err=True)
    click.echo(f"wrote {output}, {summary_path}, {exceptions_path}")
