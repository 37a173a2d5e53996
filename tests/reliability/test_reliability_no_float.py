"""Money and area are Decimal: no float on the code paths that touch them.

An AST scan of ``ledger/ importers/ reports/ trustfund/`` for ``float(...)`` calls, float
literals and ``/`` true division of ``Decimal`` by a float. Every hit must be on the allow-list
below, keyed by file and enclosing function, with the reason it is not money.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "importers", "reports", "trustfund")

#: (file, enclosing function or "*") -> why a float there is not money or area.
ALLOWED: dict[tuple[str, str], str] = {
    ("ledger/writer.py", "*"): "lock timeouts and retry sleeps, in seconds",
    ("ledger/loader.py", "*"): "none expected; timing only if ever added",
    ("importers/command.py", "_prepare"): "progress-bar threshold in seconds",
    ("importers/readers.py", "parse_date"): "Excel serial day numbers (dates, not money)",
    (
        "importers/readers.py",
        "parse_amount",
    ): "detects NaN/inf spreadsheet cells; the amount goes through Decimal(repr(x))",
    (
        "trustfund/ops/generator.py",
        "*",
    ): "random probabilities of the synthetic data; every amount is Decimal",
    ("trustfund/web/app.py", "*"): "reload-check interval and timestamps, in seconds",
    ("trustfund/ops/batch.py", "*"): "timings and dask settings, in seconds",
}


def _hits(path: Path) -> list[tuple[int, str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id == "float"
            ):
                found.append((child.lineno, name, "float() call"))
            elif isinstance(child, ast.Constant) and type(child.value) is float:
                found.append((child.lineno, name, f"float literal {child.value!r}"))
            elif (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id == "Decimal"
                and child.args
                and isinstance(child.args[0], ast.Constant)
                and type(child.args[0].value) is float
            ):
                found.append((child.lineno, name, "Decimal(float literal)"))
            visit(child, name)

    visit(tree, "<module>")
    return found


def scan() -> list[str]:
    problems = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for lineno, function, what in _hits(path):
                if (rel, function) in ALLOWED or (rel, "*") in ALLOWED:
                    continue
                problems.append(f"{rel}:{lineno}: {what} in {function}()")
    return problems


def test_no_float_on_money_paths() -> None:
    problems = scan()
    assert problems == [], (
        "float found where money or area is computed; use Decimal, or add (file, function) to "
        "ALLOWED in tests/reliability/test_reliability_no_float.py with the reason:\n"
        + "\n".join(problems)
    )


def test_scanner_catches_float(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from decimal import Decimal\n"
        "def fee(area):\n    return float(area) * 2.5\n"
        "def ok(area):\n    return Decimal(area) * Decimal('2.50')\n"
        "RATE = Decimal(0.1)\n",
        encoding="utf-8",
    )
    hits = _hits(sample)
    assert (3, "fee", "float() call") in hits
    assert (3, "fee", "float literal 2.5") in hits
    assert any(h[1] == "<module>" and "0.1" in h[2] for h in hits)
    assert not any(h[1] == "ok" for h in hits)
