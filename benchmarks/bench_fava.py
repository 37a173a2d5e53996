"""Benchmark: the owners' public site (``trustfund serve --public``) on big ledgers.

DESIGN §6: every public page stays under 2 MB at 100k transactions and answers warm in ≤ 0.5 s.
For each ledger this measures, in one process with the Flask test client (no HTTP overhead):

- ``plain_start_s``: plain Fava on the source ledger, in the same run: its load and first
  page (the income statement), and ``plain_warm_s`` of that page;
- ``publish_s``: loading the source ledger, publishing it (``reports.publication``) and building
  Fava's ledger of the published entries in memory;
- ``fava_load_s``: the site's first request; ``start_ratio`` = (publish + first request +
  first income statement) / plain Fava's start;
- ``source_entries`` / ``published_entries``: owners' receipts are daily totals per building;
- per page: the first response time (``first_s``), the warm time (median of ``--repeat`` more
  requests, ``warm_s``: served from the site's response cache), the time once more with that
  cache cleared (``uncached_s``: Fava recomputes; the extension keeps its computed report), its
  size in bytes and HTTP status;
- ``regenerate_s``: the first request after the source ledger changed (regeneration + reload);
- ``committee``: the committee's Fava (``trustfund serve`` without ``--public``) on the same
  ledger: each page's size and time, the account journals of the bank and the receivables
  included (paged: Fava's own are 164 MB and 311 MB at 100k), against 2 MB.

Usage::

    python benchmarks/bench_fava.py                         # generated 10k and 100k ledgers
    python benchmarks/bench_fava.py --sizes 10k             # one size
    python benchmarks/bench_fava.py --ledger MAIN --size 100k --json OUT   (benchmarks/run.py)

:func:`run` returns the results as a dict (``benchmarks/run.py`` includes it). Not a test: the
machine is shared, read the figures against the targets, not to the millisecond.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from ledger.writer import atomic_write  # noqa: E402 - after the path above

#: Generator arguments per size (≈ 24 transactions per unit and year); as benchmarks/run.py.
SIZES: dict[str, dict[str, int]] = {
    "10k": {"units": 430, "years": 1},
    "100k": {"units": 2200, "years": 2},
}
MAX_BYTES = 2_000_000
MAX_WARM_S = 0.5


def _pages(last_year: int, room: str) -> list[str]:
    pages = [
        "income_statement/",
        "balance_sheet/",
        "journal/",
        "trial_balance/",
        "api/ledger_data",
        "api/income_statement",
        "api/balance_sheet",
        "api/trial_balance",
        "api/journal_page?page=1&order=desc",
        "api/account_report?a=Assets:Bank:Trust",
        "api/account_report?a=Assets:Bank:Maintenance",
        "api/account_report?a=Assets:Receivable:Fees",
        "api/account_report?a=Income:Fees:Property&r=changes",
    ]
    for page, args in (
        ("PublicBalance", ""),
        ("BudgetExecution", ""),
        ("MaintenanceFund", ""),
        ("Votes", ""),
        ("SpecialAudit", ""),
        ("MyUnit", f"unit={room}"),
    ):
        query = f"?time={last_year}" + (f"&{args}" if args else "")
        pages.append(f"extension/{page}/{query}")
        pages.append(f"extension/{page}/xlsx{query}")
    pages.append(f"extension/PublicBalance/?time={last_year}-12")
    return pages


def _expected_status(path: str) -> int:
    """200, except the unit page's download without the unit's code (403: the benchmark has
    none; the page itself answers 200 with the code form)."""
    return 403 if path.startswith("extension/MyUnit/xlsx") else 200


def run(
    ledger: Path, label: str = "", repeat: int = 3, cache_dir: Path | None = None
) -> dict[str, Any]:
    """Measure the public site of ``ledger``; return (and print) the results."""
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    from trustfund.web.app import create_app

    del cache_dir  # the publication is held in memory
    import gc

    load_average = os.getloadavg()
    plain_start_s, plain_warm = _plain_fava(ledger, repeat)
    gc.collect()

    start = time.perf_counter()
    app = create_app(ledger, public=True)
    publish_s = time.perf_counter() - start
    publication = app.config["TRUSTFUND_PUBLICATION"]
    client = app.test_client()

    start = time.perf_counter()
    first = client.get("/")
    slug = str(first.headers["Location"]).strip("/").split("/")[0]
    client.get(f"/{slug}/api/income_statement").get_data()
    fava_load_s = time.perf_counter() - start

    from beancount.core import data as bc_data

    site = publication.site
    fava_ledger = publication.fava_ledger
    transactions = sum(1 for e in site.ledger.entries if isinstance(e, bc_data.Transaction))
    rooms = sorted(site.ledger.community.units)
    transactions_list = fava_ledger.all_entries_by_type.Transaction
    last_year = (
        transactions_list[-1].date
        if transactions_list
        else max(e.date for e in fava_ledger.all_entries)
    ).year
    cache = app.config["TRUSTFUND_RESPONSE_CACHE"]
    pages = [
        _page(client, cache, f"/{slug}/{path}", path, repeat)
        for path in _pages(last_year, rooms[0] if rooms else "1-1-101")
    ]
    regenerate_s = _regenerate(client, ledger, slug)
    del client, app
    gc.collect()
    committee = committee_pages(ledger, last_year, repeat)

    result = {
        "label": label,
        "load_average": load_average,
        "committee": committee,
        "committee_max_bytes": max(p["bytes"] for p in committee),
        "ledger": str(ledger),
        "transactions": transactions,
        "source_entries": len(site.ledger.entries),
        "published_entries": len(fava_ledger.all_entries),
        "plain_start_s": round(plain_start_s, 3),
        "plain_warm_s": round(statistics.median(plain_warm), 4) if plain_warm else None,
        "publish_s": round(publish_s, 3),
        "fava_load_s": round(fava_load_s, 3),
        "start_ratio": round((publish_s + fava_load_s) / plain_start_s, 2),
        "regenerate_s": round(regenerate_s, 3),
        "pages": pages,
        "max_bytes": max(p["bytes"] for p in pages),
        "max_warm_s": max(p["warm_s"] for p in pages),
        "targets": {"bytes": MAX_BYTES, "warm_s": MAX_WARM_S},
        "all_ok": all(p["ok"] for p in pages),
    }
    _print(result)
    return result


def _plain_fava(ledger: Path, repeat: int) -> tuple[float, list[float]]:
    """Plain Fava on the same ledger: its start to the first page, and the warm page times."""
    import gc

    from fava.application import create_app as fava_create_app

    gc.collect()
    start = time.perf_counter()
    plain = fava_create_app([ledger], load=True).test_client()
    plain_slug = str(plain.get("/").headers["Location"]).strip("/").split("/")[0]
    plain.get(f"/{plain_slug}/api/income_statement").get_data()
    plain_start_s = time.perf_counter() - start
    plain_warm = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        plain.get(f"/{plain_slug}/api/income_statement").get_data()
        plain_warm.append(time.perf_counter() - t0)
    return plain_start_s, plain_warm


def _page(client: Any, cache: Any, url: str, path: str, repeat: int) -> dict[str, Any]:
    """One page: first answer, median warm answer, and once more without the response cache."""
    start = time.perf_counter()
    response = client.get(url)
    first_s = time.perf_counter() - start
    size = len(response.get_data())
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url).get_data()
        warm.append(time.perf_counter() - start)
    warm_s = statistics.median(warm) if warm else first_s
    cache.clear()  # once more without the response cache: the cost of computing it again
    start = time.perf_counter()
    client.get(url).get_data()
    uncached_s = time.perf_counter() - start
    return {
        "page": path,
        "status": response.status_code,
        "bytes": size,
        "first_s": round(first_s, 4),
        "warm_s": round(warm_s, 4),
        "uncached_s": round(uncached_s, 4),
        "ok": response.status_code == _expected_status(path)
        and size <= MAX_BYTES
        and warm_s <= MAX_WARM_S,
    }


def _regenerate(client: Any, ledger: Path, slug: str) -> float:
    """A change of the source ledger: regeneration and Fava's reload on the next request."""
    from trustfund.web import public as web_public

    web_app_interval = web_public.CHECK_INTERVAL
    web_public.CHECK_INTERVAL = 0
    stat = ledger.stat()
    try:
        os.utime(ledger, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        start = time.perf_counter()
        client.get(f"/{slug}/income_statement/")
        return time.perf_counter() - start
    finally:
        os.utime(ledger, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        web_public.CHECK_INTERVAL = web_app_interval


COMMITTEE_PAGES = (
    "income_statement/",
    "journal/",
    "api/income_statement",
    "api/balance_sheet",
    "api/ledger_data",
    "api/journal_page?page=1&order=desc",
    "api/account_report?a=Assets:Bank:Trust",
    "api/account_report?a=Assets:Receivable:Fees",
    "api/account_report?a=Income:Fees:Property",
    "api/account_report?a=Assets:Bank:Maintenance",
    "api/account_report?a=Assets:Bank:Trust&time={year}-06",
    "api/account_report?a=Assets:Receivable:Fees&time={year}-06",
    "extension/PublicBalance/?time={year}",
    "extension/MaintenanceFund/?time={year}",
    "extension/Votes/?time={year}",
    "extension/SpecialAudit/?time={year}",
    "extension/MyUnit/?time={year}&unit=1-1-101",
)


def committee_pages(ledger: Path, year: int, repeat: int) -> list[dict[str, Any]]:
    """The committee's Fava: size and time of its biggest pages (no page over 2 MB)."""
    from trustfund.web.app import create_app

    client = create_app(ledger, public=False, load=True).test_client()
    slug = str(client.get("/").headers["Location"]).strip("/").split("/")[0]
    out = []
    for page in COMMITTEE_PAGES:
        url = f"/{slug}/{page.format(year=year)}"
        start = time.perf_counter()
        response = client.get(url)
        first_s = time.perf_counter() - start
        size = len(response.get_data())
        warm = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url).get_data()
            warm.append(time.perf_counter() - start)
        out.append(
            {
                "page": page.format(year=year),
                "status": response.status_code,
                "bytes": size,
                "first_s": round(first_s, 3),
                "warm_s": round(statistics.median(warm), 3),
                "ok": response.status_code == 200 and size <= MAX_BYTES,
            }
        )
    return out


def _print(result: dict[str, Any]) -> None:
    print(
        f"== public site {result['label']}: {result['transactions']:,} transactions, "
        f"{result['source_entries']:,} entries published as {result['published_entries']:,}"
    )
    print(
        f"   plain Fava start {result['plain_start_s']:.2f} s (warm income statement "
        f"{result['plain_warm_s']} s); site: publish {result['publish_s']:.2f} s + first page "
        f"{result['fava_load_s']:.2f} s = {result['start_ratio']}x plain Fava; "
        f"regenerate after a change {result['regenerate_s']:.2f} s"
    )
    print(
        f"   {'page':<58} {'status':>6} {'bytes':>11} {'first s':>8} {'warm s':>8} {'uncached':>8}"
    )
    for page in result["pages"]:
        flag = "" if page["ok"] else "  <-- over target"
        print(
            f"   {page['page'][:58]:<58} {page['status']:>6} {page['bytes']:>11,} "
            f"{page['first_s']:>8.3f} {page['warm_s']:>8.3f} {page['uncached_s']:>8.3f}{flag}"
        )
    print(
        f"   max {result['max_bytes']:,} bytes (target ≤ {MAX_BYTES:,}), "
        f"max warm {result['max_warm_s']:.3f} s (target ≤ {MAX_WARM_S}); all ok: {result['all_ok']}"
    )
    print("   committee's Fava:")
    for page in result["committee"]:
        flag = "" if page["ok"] else "  <-- over target"
        print(
            f"   {page['page'][:58]:<58} {page['status']:>6} {page['bytes']:>11,} "
            f"{page['first_s']:>8.3f} {page['warm_s']:>8.3f}{flag}"
        )


def _generated(label: str) -> Path:
    import bench_ledgers

    return bench_ledgers.with_codes(bench_ledgers.generated(label))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ledger", type=Path, default=None, help="a ledger to measure (else generated ones)"
    )
    parser.add_argument(
        "--size", default="", help="label of --ledger (benchmarks/run.py passes it)"
    )
    parser.add_argument("--sizes", default="10k,100k", help="generated sizes when no --ledger")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    if args.ledger is not None:
        results[args.size or args.ledger.stem] = run(args.ledger.resolve(), args.size, args.repeat)
    else:
        for label in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            results[label] = run(_generated(label), label, args.repeat)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.json, json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
