"""Benchmark ledgers shared by the publication benchmarks: generated once, with access codes.

``ledger(label)`` returns the main file of the generated community of that size (the same
generator and sizes as ``benchmarks/run.py``; its copy is reused when there is one), with an
access code for every unit (``access.beancount``: hashes of random codes with the lowest
iteration count the static site accepts, 100,000, to keep making them quick; what publishing
costs does not depend on it). ``without_last_month(main)`` writes a sibling main file that leaves
the last month out (the re-publish benchmark).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ledger.writer import atomic_write  # noqa: E402 - after the path above

SIZES: dict[str, dict[str, int]] = {
    "10k": {"units": 430, "years": 1},
    "100k": {"units": 2200, "years": 2},
}
ACCESS = "access.beancount"
CODE_ITERATIONS = 100_000


def generated(label: str) -> Path:
    from trustfund.ops.generator import generate

    folder = OUT / "ledgers-fava" / label
    main = folder / "main.beancount"
    if not main.exists():
        generate(folder, **SIZES[label])
    return main


def with_codes(main: Path) -> Path:
    """``main`` with a code per unit (written once; the plain codes are not kept)."""
    from concurrent.futures import ThreadPoolExecutor

    from ledger.community import build_community
    from reports.publication import hash_code, new_code

    access = main.parent / ACCESS
    text = main.read_text(encoding="utf-8")
    if not access.exists():
        from beancount import loader

        entries, _, _ = loader.load_file(str(main))
        rooms = sorted(build_community(entries)[0].units)
        with ThreadPoolExecutor(4) as pool:
            digests = list(
                pool.map(lambda _: hash_code(new_code(), iterations=CODE_ITERATIONS), rooms)
            )
        lines = [
            f'2025-01-01 custom "tf-access" "{room}" "{digest}"'
            for room, digest in zip(rooms, digests, strict=True)
        ]
        atomic_write(access, "\n".join(lines) + "\n")
    if f'include "{ACCESS}"' not in text:
        atomic_write(main, text.rstrip("\n") + f'\ninclude "{ACCESS}"\n')
    return main


def without_last_month(main: Path) -> Path:
    """A main file beside ``main`` without its last monthly include (one month less)."""
    lines = main.read_text(encoding="utf-8").splitlines()
    months = [i for i, line in enumerate(lines) if line.startswith('include "20')]
    shorter = main.with_name("main_one_month_less.beancount")
    atomic_write(shorter, "\n".join(lines[: months[-1]] + lines[months[-1] + 1 :]) + "\n")
    return shorter


def plain(main: Path) -> Path:
    """A main file beside ``main`` without the plugin line: plain Beancount."""
    target = main.with_name("main_plain.beancount")
    text = main.read_text(encoding="utf-8")
    atomic_write(
        target,
        "\n".join(line for line in text.splitlines() if not line.startswith("plugin ")) + "\n",
    )
    return target
