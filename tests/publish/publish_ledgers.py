"""Ledgers of the static-site tests: a copy of the demo with access codes."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi" / "main.beancount"
#: Units with a code the static site can use (PBKDF2, 100,000 iterations: the minimum).
CODES = {"1-1-101": "ABCDE-FGHJK", "2-1-201": "MNPQR-STUVW"}
#: A unit whose code is a plain sha256 hash: no static page.
WEAK_UNIT = "1-1-102"
WEAK_CODE = "WXYZ2-34567"


def add_codes(main: Path) -> None:
    """Append tf-access lines for :data:`CODES` (and one weak hash) to a ledger."""
    import hashlib

    from reports.publication import hash_code

    lines = [
        f'2025-01-01 custom "tf-access" "{room}" "{hash_code(code, iterations=100_000)}"'
        for room, code in CODES.items()
    ]
    weak = hashlib.sha256(WEAK_CODE.replace("-", "").encode()).hexdigest()
    lines.append(f'2025-01-01 custom "tf-access" "{WEAK_UNIT}" "sha256:{weak}"')
    (main.parent / "access.beancount").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = main.read_text(encoding="utf-8")
    main.write_text(text + '\ninclude "access.beancount"\n', encoding="utf-8")


def copy_demo(target: Path) -> Path:
    shutil.copytree(DEMO.parent, target, ignore=shutil.ignore_patterns("downloads", ".*"))
    main = target / "main.beancount"
    add_codes(main)
    return main
