"""Load test of the owners' public site: many concurrent GETs against ``trustfund serve --public``.

Usage::

    python benchmarks/load_public.py                       # 100k ledger, 50 clients for 60 s
    python benchmarks/load_public.py --ledger path/main.beancount --concurrency 16 --duration 30
    python benchmarks/load_public.py --units 430 --years 1 # a smaller generated ledger (≈10k)

DESIGN §6: under 50 concurrent clients for 60 s, no errors, p99 ≤ 0.5 s, memory bounded. A
share of the requests (``--random-share``, default 0.2) carry random query strings (unknown
parameters, random values of ``time`` and ``filter``), the way a crawler or a bored visitor
would: they must not grow the server's memory. The server's resident memory is sampled every
second (``/proc/PID/status``) and reported at the start of the load, its end and its peak.

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
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from ledger.writer import atomic_write  # noqa: E402 - after the path above

PAGES = ("PublicBalance", "BudgetExecution", "MaintenanceFund", "Votes", "SpecialAudit")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ledger_for(args: argparse.Namespace, work: Path) -> Path:
    if args.ledger:
        return Path(args.ledger).resolve()
    if args.units is None:
        import bench_ledgers

        source = bench_ledgers.with_codes(bench_ledgers.generated("100k"))
        target = work / "ledger"
        shutil.copytree(source.parent, target)  # a private copy: the server may be touched
        return target / "main.beancount"
    from trustfund.ops.generator import generate

    print(f"generating a ledger: {args.units} units, {args.years or 2} years …", flush=True)
    return generate(work / "ledger", units=args.units, years=args.years or 2)


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


def rss_mb(pid: int) -> float:
    """Resident memory of a process (and its threads), MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def random_query(rng: Any, path: str) -> str:
    """The path with a random query string: junk parameters, random filters and times."""
    junk = f"x{rng.randrange(10**9)}={rng.randrange(10**9)}"
    choice = rng.randrange(3)
    if choice == 0:
        extra = junk
    elif choice == 1:
        extra = f"time=2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}&{junk}"
    else:
        extra = f"filter=%E5%AD%97{rng.randrange(10**6)}"
    return path + ("&" if "?" in path else "?") + extra


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


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ledger", help="main file of the ledger to serve (default: the 100k benchmark ledger)"
    )
    parser.add_argument(
        "--units", type=int, default=None, help="generate a ledger with this many units"
    )
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument(
        "--requests", type=int, default=10**9, help="at most this many GET requests after warm-up"
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--duration", type=float, default=60.0, help="stop sending after this many seconds"
    )
    parser.add_argument(
        "--random-share",
        type=float,
        default=0.2,
        help="share of requests with random query strings (cache pollution)",
    )
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    return parser.parse_args(argv)


def _serve(ledger: Path, port: int, work: Path) -> subprocess.Popen[bytes]:
    """``trustfund serve --public`` of ``ledger`` on ``port``, in a session of its own."""
    env = dict(os.environ, TRUSTFUND_CACHE_DIR=str(work / "cache"), PYTHONUNBUFFERED="1")
    log = open(work / "server.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
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


def _pages_of(base: str) -> list[str]:
    return [f"{base}/extension/{page}/" for page in PAGES] + [
        f"{base}/extension/MyUnit/?unit=1-1-101",
        f"{base}/income_statement/",
        f"{base}/balance_sheet/",
        f"{base}/journal/",
        f"{base}/api/journal_page?page=1",
        f"{base}/api/account_report?a=Assets:Bank:Trust&r=journal",
        f"{base}/api/errors",
    ]


Answer = tuple[int, int, float]  # status, bytes, seconds


def _cold_and_warm(port: int, paths: list[str]) -> tuple[dict[str, Answer], dict[str, Answer]]:
    """Each page asked once (cold), then once more (warm), one after the other."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    cold = {path: get(conn, path) for path in paths}
    warm = {path: get(conn, path) for path in paths}
    conn.close()
    return cold, warm


class _Load:
    """``concurrency`` clients asking the pages (a share with random query strings) for
    ``duration`` seconds, the server's memory sampled every second."""

    def __init__(self, args: argparse.Namespace, port: int, paths: list[str], pid: int) -> None:
        self.args, self.port, self.paths, self.pid = args, port, paths, pid
        self.latencies: dict[str, list[float]] = {path: [] for path in paths}
        self.latencies["random query strings"] = []
        self.statuses: dict[int, int] = {}
        self.lock = threading.Lock()
        self.counter = iter(range(args.requests))
        self.memory: list[float] = [rss_mb(pid)]
        self.elapsed = 0.0
        self.deadline = 0.0

    def run(self) -> None:
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(1.0):
                self.memory.append(rss_mb(self.pid))

        threading.Thread(target=sample, daemon=True).start()
        self.deadline = time.perf_counter() + self.args.duration
        started = time.perf_counter()
        with ThreadPoolExecutor(self.args.concurrency) as pool:
            for number in range(self.args.concurrency):
                pool.submit(self.worker, number)
        self.elapsed = time.perf_counter() - started
        stop.set()
        self.memory.append(rss_mb(self.pid))

    def worker(self, seed: int) -> None:
        import random

        rng = random.Random(seed)
        local = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        while time.perf_counter() < self.deadline:
            with self.lock:
                index = next(self.counter, None)
            if index is None:
                break
            path = self.paths[index % len(self.paths)]
            key = path
            if rng.random() < self.args.random_share:
                key = "random query strings"
                path = random_query(rng, path)
            try:
                status, _, seconds = get(local, path)
            except (OSError, http.client.HTTPException):
                local.close()
                local = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                status, seconds = -1, 0.0
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status in (200, 400):  # a bad random filter is a 400, as it should be
                    self.latencies[key].append(seconds)
        local.close()


def _percentiles(load: _Load, paths: list[str], short: Any) -> dict[str, Any]:
    """p50, p90, p99 and max per page, of the random query strings and of all; printed."""
    everything = [s for values in load.latencies.values() for s in values]
    print(f"{'page':<60} {'n':>5} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}")
    rows: dict[str, Any] = {}
    for path in [*paths, "random query strings", "all"]:
        values = everything if path == "all" else load.latencies[path]
        figures = {
            q: percentile(values, f)
            for q, f in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))
        }
        rows[path] = {"n": len(values), **figures}
        print(
            f"{short(path):<60} {len(values):>5} "
            + " ".join(f"{figures[q]:>7.3f}" for q in ("p50", "p90", "p99", "max"))
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    work = Path(tempfile.mkdtemp(prefix="tf-load-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        ledger = ledger_for(args, work)
        port = free_port()
        started = time.perf_counter()
        proc = _serve(ledger, port, work)
        slug, ready = wait_ready(port, proc, args.startup_timeout)
        size = sum(p.stat().st_size for p in ledger.parent.rglob("*.beancount"))
        print(f"ledger {ledger} ({size / 2**20:.1f} MiB of .beancount files)")
        print(f"server ready after {ready:.1f} s (slug {slug!r})")
        base = f"/{slug}" if slug else ""  # already percent-encoded by Fava

        def short(path: str) -> str:
            return (path[len(base) :] if base and path.startswith(base) else path)[:60]

        paths = _pages_of(base)
        cold, warm = _cold_and_warm(port, paths)
        print(f"\n{'page':<60} {'cold s':>8} {'warm s':>8} {'bytes':>10} status")
        for path in paths:
            print(
                f"{short(path):<60} {cold[path][2]:>8.2f} {warm[path][2]:>8.3f} {warm[path][1]:>10} {warm[path][0]}"
            )
        load = _Load(args, port, paths, proc.pid)
        load.run()
        done, elapsed, memory = sum(load.statuses.values()), load.elapsed, load.memory
        print(
            f"\n{done} requests from {args.concurrency} threads in {elapsed:.1f} s: {done / elapsed:.1f} req/s; statuses {dict(sorted(load.statuses.items()))}"
        )
        rows = _percentiles(load, paths, short)
        everything = [s for values in load.latencies.values() for s in values]
        result = {
            "ledger": str(ledger),
            "ready_seconds": ready,
            "concurrency": args.concurrency,
            "requests": done,
            "elapsed": elapsed,
            "throughput": done / elapsed if elapsed else 0,
            "statuses": load.statuses,
            "cold": {p: {"status": c[0], "bytes": c[1], "seconds": c[2]} for p, c in cold.items()},
            "warm": {p: {"status": w[0], "bytes": w[1], "seconds": w[2]} for p, w in warm.items()},
            "latency": rows,
            "mean": statistics.mean(everything) if everything else None,
            "server_started": started,
            "load_average": os.getloadavg(),
            "rss_mb": {"start": memory[0], "end": memory[-1], "peak": max(memory)},
        }
        quarters = [memory[min(len(memory) - 1, len(memory) * q // 4)] for q in (1, 2, 3)]
        print(
            f"server memory: {memory[0]:.0f} MB at the start of the load, "
            f"{' / '.join(f'{m:.0f}' for m in quarters)} MB at each quarter, {memory[-1]:.0f} MB "
            f"at its end, peak {max(memory):.0f} MB; load average {os.getloadavg()[0]:.1f}"
        )
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(args.json, json.dumps(result, indent=1, default=str))
        failures = sum(n for status, n in load.statuses.items() if status not in (200, 400))
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
