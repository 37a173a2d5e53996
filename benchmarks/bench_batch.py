"""District batch audit throughput: communities per minute with 1 and 2 Dask workers.

Usage::

    python benchmarks/bench_batch.py [--communities 8] [--units 200] [--json OUT]

Generates N communities with :func:`trustfund.ops.generator.generate` (seeds 1..N, one year each,
cached under ``benchmarks/out/batch/``), then runs :func:`trustfund.ops.batch.run_batch` on a local
Dask cluster of worker processes, first with 1 worker and then with 2, and prints the
communities audited per minute (wall time, including the cluster's start) and the speed-up.
Every community must come back ``ok`` with zero load errors, otherwise the run fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ledger.writer import atomic_write  # noqa: E402
from trustfund.ops.batch import run_batch  # noqa: E402
from trustfund.ops.generator import generate  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "batch"


def communities(count: int, units: int) -> list[tuple[str, Path]]:
    ledgers = []
    for seed in range(1, count + 1):
        folder = OUT / f"c{seed:03d}-{units}u"
        main = folder / "main.beancount"
        if not main.exists():
            generate(folder, units=units, buildings=4, years=1, seed=seed)
        ledgers.append((folder.name, main))
    return ledgers


def measure(ledgers: list[tuple[str, Path]], workers: int) -> dict[str, float]:
    start = time.perf_counter()
    results = run_batch(ledgers, workers=workers, processes=True)
    seconds = time.perf_counter() - start
    bad = [r for r in results if r.status != "ok" or r.load_errors]
    if bad:
        raise SystemExit(
            f"{len(bad)} communities did not audit cleanly: {[(r.name, r.status, r.error) for r in bad]}"
        )
    return {
        "workers": workers,
        "seconds": round(seconds, 2),
        "per_minute": round(len(ledgers) * 60 / seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=8)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    ledgers = communities(args.communities, args.units)
    measure(ledgers[:2], 2)  # warm-up: worker imports, bytecode, file cache
    rows = []
    for workers in (1, 2):  # best of two runs each
        runs = [measure(ledgers, workers) for _ in range(2)]
        rows.append(min(runs, key=lambda r: r["seconds"]))
    speedup = rows[1]["per_minute"] / rows[0]["per_minute"]
    print(f"{len(ledgers)} communities of {args.units} units (one year each)")
    for row in rows:
        print(
            f"  {row['workers']} worker(s): {row['seconds']:7.1f} s  {row['per_minute']:6.1f} communities/minute"
        )
    print(f"  speed-up with 2 workers: {speedup:.2f}x")
    if args.json:
        figures = {
            "communities": len(ledgers),
            "units": args.units,
            "runs": rows,
            "speedup": round(speedup, 2),
        }
        atomic_write(args.json, json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
