"""Benchmark: ``trustfund publish`` (the static owners' site) against a plain Beancount load.

DESIGN §6: ``trustfund publish`` takes at most 2× Beancount's own load of the ledger; every
static page is at most 200 KB compressed; re-publishing after one more month rewrites only the
pages whose content changed. For a generated ledger (``benchmarks/ledgers.py``: the generator of
``benchmarks/run.py``, an access code per unit) this measures, each run in a fresh process and
interleaved, best of ``--repeat``:

- ``plain_s``: Beancount's ``load_file`` of the ledger without the plugin line;
- ``publish_s``: ``trustfund publish`` into an empty folder (the command as a treasurer runs it:
  interpreter start, imports, load with the trust rules, every page, every unit's encrypted
  statement, writing);
- the pages: how many, the largest compressed (gzip -6) size;
- the re-publish: the ledger without its last month published first, then the full ledger into
  the same folder: which files were rewritten (content hashes before and after) and its time;
  then once more unchanged (nothing may be written).

Usage::

    python benchmarks/bench_publish.py                  # 100k
    python benchmarks/bench_publish.py --size 10k --repeat 3 --json out.json

Not a test: read the ratios against the targets; note the machine's load (printed).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench_ledgers as ledgers  # noqa: E402

from ledger.writer import atomic_write  # noqa: E402 - after the path above

PLAIN = """
import sys, time
from beancount import loader
loader.initialize(use_cache=False)
start = time.perf_counter()
loader.load_file(sys.argv[1])
print(time.perf_counter() - start)
"""
TARGET_RATIO = 2.0
MAX_GZIP = 200_000


def _env() -> dict[str, str]:
    return dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1", PYTHONHASHSEED="0")


def plain_load(main: Path) -> float:
    """Wall time of a plain Beancount load in a fresh process (the process start excluded)."""
    out = subprocess.run(
        [sys.executable, "-c", PLAIN, str(ledgers.plain(main))],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    )
    return float(out.stdout.strip().splitlines()[-1])


def publish(main: Path, folder: Path) -> tuple[float, str]:
    """Wall time of ``trustfund publish`` (the whole command) and what it printed."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "publish", str(main), "-o", str(folder)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"publish failed: {out.stdout}{out.stderr}")
    return seconds, out.stdout.strip()


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def pages(folder: Path) -> dict[str, Any]:
    sizes = {
        str(p.relative_to(folder)): len(gzip.compress(p.read_bytes(), 6))
        for p in folder.rglob("*.html")
    }
    largest = max(sizes.items(), key=lambda kv: kv[1])
    units = list((folder / "u").glob("*.json")) if (folder / "u").exists() else []
    return {
        "pages": len(sizes),
        "unit_pages": len(units),
        "largest_page": largest[0],
        "largest_gzip_bytes": largest[1],
        "largest_unit_page_bytes": max((p.stat().st_size for p in units), default=0),
        "site_bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
    }


def run(label: str, repeat: int) -> dict[str, Any]:
    main = ledgers.with_codes(ledgers.generated(label))
    work = ledgers.OUT / "sites" / label
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"== publish {label}: {main} (load average {os.getloadavg()[0]:.1f})", flush=True)
    plain_runs: list[float] = []
    publish_runs: list[float] = []
    printed = ""
    for index in range(repeat):
        plain_runs.append(plain_load(main))
        folder = work / f"fresh-{index}"
        seconds, printed = publish(main, folder)
        publish_runs.append(seconds)
        print(f"   run {index + 1}: plain load {plain_runs[-1]:.2f} s, publish {seconds:.2f} s")
    site = pages(work / "fresh-0")

    shorter = ledgers.without_last_month(main)
    folder = work / "republish"
    first_s, _ = publish(shorter, folder)
    before = hashes(folder)
    again_s, again_out = publish(main, folder)
    after = hashes(folder)
    rewritten = sorted(p for p in after if before.get(p) != after[p])
    removed = sorted(p for p in before if p not in after)
    same_s, same_out = publish(main, folder)
    unchanged_after = hashes(folder)

    result = {
        "label": label,
        "load_average": os.getloadavg(),
        "plain_s": min(plain_runs),
        "plain_runs": plain_runs,
        "publish_s": min(publish_runs),
        "publish_runs": publish_runs,
        "ratio": round(min(publish_runs) / min(plain_runs), 2),
        "printed": printed,
        **site,
        "republish": {
            "one_month_less_s": first_s,
            "one_more_month_s": again_s,
            "printed": again_out,
            "rewritten": rewritten,
            "removed": removed,
            "unchanged_run_s": same_s,
            "unchanged_printed": same_out,
            "unchanged_rewrote": sorted(
                p for p in unchanged_after if unchanged_after[p] != after.get(p)
            ),
        },
        "targets": {"ratio": TARGET_RATIO, "gzip_bytes": MAX_GZIP},
    }
    print(
        f"   plain load {result['plain_s']:.2f} s, publish {result['publish_s']:.2f} s: "
        f"{result['ratio']}x (target ≤ {TARGET_RATIO}x)"
    )
    print(
        f"   {site['pages']} pages, largest {site['largest_page']} "
        f"{site['largest_gzip_bytes']:,} bytes gzip (target ≤ {MAX_GZIP:,}); "
        f"{site['unit_pages']} unit pages"
    )
    pages_rewritten = [p for p in rewritten if not p.startswith("u/")]
    print(
        f"   one more month: {len(rewritten)} file(s) rewritten in {again_s:.2f} s: "
        f"{len(rewritten) - len(pages_rewritten)} unit pages (a new month bills every unit) and "
        f"{', '.join(pages_rewritten)}; unchanged re-publish {same_s:.2f} s "
        f"({len(result['republish']['unchanged_rewrote'])} rewritten)"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", choices=sorted(ledgers.SIZES))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path, default=ledgers.OUT / "publish.json")
    args = parser.parse_args(argv)
    result = run(args.size, args.repeat)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(args.json, json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
