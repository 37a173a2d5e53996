"""Load test of the owners' public site: many concurrent GETs against ``trustfund serve --public``.

Usage::

    python benchmarks/load_public.py                       # 100k-transaction generated ledger
    python benchmarks/load_public.py --ledger path/main.beancount --requests 2000 --concurrency 16
    python benchmarks/load_public.py --units 430 --years 1 # a smaller generated ledger (≈10k)

It starts ``trustfund serve --public`` on 127.0.0.1 (a free port, a private publication cache),
waits until the site answers (the first load of a 100k ledger takes a while: the source is
loaded once to write the redacted publication, then Fava loads the publication), fetches every
page once to warm it, then sends a fixed number of GET requests (``--requests``) from
``--concurrency`` threads, each with its own keep-alive connection, over a mix of the public
pages (the six trust pages, Fava's reports, the journal and account APIs), stopping early at
``--duration`` seconds. It prints the cold and warm time and size of each page, latency
percentiles per page and overall, throughput, and every non-200 answer; ``--json OUT`` writes
the same figures. Bounded in count and time; it never writes to the ledger.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGES = ("PublicBalance", "BudgetExecution", "MaintenanceFund", "Votes", "SpecialAudit")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ledger_for(args: argparse.Namespace, work: Path) -> Path:
    if args.ledger:
        return Path(args.ledger).resolve()
    cached = HERE / "out" / "ledgers" / "100k" / "main.beancount"
    if args.units is None and cached.exists():
        target = work / "ledger"
        shutil.copytree(
            cached.parent, target
        )  # a private copy: the benchmark may regenerate its own
        return target / "main.beancount"
    from trustfund.ops.generator import generate

    print(f"generating a ledger: {args.units or 2200} units, {args.years or 2} years …", flush=True)
    return generate(work / "ledger", units=args.units or 2200, years=args.years or 2)


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body), time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float) -> tuple[str, float]:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            conn.request("GET", "/")
            response = conn.getresponse()
            response.read()
            location = response.getheader("Location") or ""
            conn.close()
            if response.status in (301, 302, 303, 307, 308) and location:
                slug = location.split("://", 1)[-1].split("/", 1)[-1].strip("/").split("/")[0]
                return slug, time.perf_counter() - started
            if response.status == 200:
                return "", time.perf_counter() - started
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ledger", help="main file of the ledger to serve (default: the 100k benchmark ledger)"
    )
    parser.add_argument(
        "--units", type=int, default=None, help="generate a ledger with this many units"
    )
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument("--requests", type=int, default=1000, help="GET requests after warm-up")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--duration", type=float, default=180.0, help="stop sending after this many seconds"
    )
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="tf-load-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        ledger = ledger_for(args, work)
        port = free_port()
        env = dict(os.environ, TRUSTFUND_CACHE_DIR=str(work / "cache"), PYTHONUNBUFFERED="1")
        log = open(work / "server.log", "wb")  # noqa: SIM115 - closed with the process
        started = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "cli.py"),
                "serve",
                "--public",
                "--port",
                str(port),
                str(ledger),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        slug, ready = wait_ready(port, proc, args.startup_timeout)
        size = sum(p.stat().st_size for p in ledger.parent.rglob("*.beancount"))
        print(f"ledger {ledger} ({size / 2**20:.1f} MiB of .beancount files)")
        print(f"server ready after {ready:.1f} s (slug {slug!r})")
        base = f"/{slug}" if slug else ""  # already percent-encoded by Fava

        def short(path: str) -> str:
            return (path[len(base) :] if base and path.startswith(base) else path)[:60]

        paths = [f"{base}/extension/{page}/" for page in PAGES] + [
            f"{base}/extension/MyUnit/?room=1-1-101",
            f"{base}/income_statement/",
            f"{base}/balance_sheet/",
            f"{base}/journal/",
            f"{base}/api/journal_page?page=1",
            f"{base}/api/account_report?a=Assets:Bank:Trust&r=journal",
            f"{base}/api/errors",
        ]
        cold: dict[str, tuple[int, int, float]] = {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for path in paths:  # first (cold) request of each page
            cold[path] = get(conn, path)
        warm = {path: get(conn, path) for path in paths}
        conn.close()
        print(f"\n{'page':<60} {'cold s':>8} {'warm s':>8} {'bytes':>10} status")
        for path in paths:
            print(
                f"{short(path):<60} {cold[path][2]:>8.2f} {warm[path][2]:>8.3f} {warm[path][1]:>10} {warm[path][0]}"
            )

        latencies: dict[str, list[float]] = {path: [] for path in paths}
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        counter = iter(range(args.requests))
        deadline = time.perf_counter() + args.duration

        def worker() -> None:
            local = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            while time.perf_counter() < deadline:
                with lock:
                    index = next(counter, None)
                if index is None:
                    break
                path = paths[index % len(paths)]
                try:
                    status, _, seconds = get(local, path)
                except (OSError, http.client.HTTPException):
                    local.close()
                    local = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    status, seconds = -1, 0.0
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies[path].append(seconds)
            local.close()

        load_started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            for _ in range(args.concurrency):
                pool.submit(worker)
        elapsed = time.perf_counter() - load_started
        everything = [s for values in latencies.values() for s in values]
        done = sum(statuses.values())
        print(
            f"\n{done} requests from {args.concurrency} threads in {elapsed:.1f} s: {done / elapsed:.1f} req/s; statuses {dict(sorted(statuses.items()))}"
        )
        print(f"{'page':<60} {'n':>5} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}")
        rows: dict[str, Any] = {}
        for path in [*paths, "all"]:
            values = everything if path == "all" else latencies[path]
            figures = {
                q: percentile(values, f)
                for q, f in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))
            }
            rows[path] = {"n": len(values), **figures}
            print(
                f"{short(path):<60} {len(values):>5} "
                + " ".join(f"{figures[q]:>7.3f}" for q in ("p50", "p90", "p99", "max"))
            )
        result = {
            "ledger": str(ledger),
            "ready_seconds": ready,
            "concurrency": args.concurrency,
            "requests": done,
            "elapsed": elapsed,
            "throughput": done / elapsed if elapsed else 0,
            "statuses": statuses,
            "cold": {p: {"status": c[0], "bytes": c[1], "seconds": c[2]} for p, c in cold.items()},
            "warm": {p: {"status": w[0], "bytes": w[1], "seconds": w[2]} for p, w in warm.items()},
            "latency": rows,
            "mean": statistics.mean(everything) if everything else None,
            "server_started": started,
        }
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
        failures = sum(n for status, n in statuses.items() if status != 200)
        return 1 if failures else 0
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
