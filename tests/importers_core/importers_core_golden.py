"""Shared helpers of the importers-core tests (not collected: no ``test_`` prefix)."""

from __future__ import annotations

import os
from pathlib import Path

from importers.base import ImportContext
from importers.registry import all_importers
from importers.rules import parse_rules
from trustfund.ops.importing import format_entries, identify

DATA = Path(__file__).resolve().parent.parent / "data"
OWN = "5101 0188 0000 1234 5678"
RULES = parse_rules(
    {
        "accounts": {OWN: "Assets:Bank:Trust", "default": "Assets:Bank:Other"},
        "units": {"known-only": False},
        "extract": [{"key": "approval", "pattern": r"(AP-\d{4}-\d+)"}],
        "rule": [
            {
                "counterparty": "传媒",
                "direction": "in",
                "account": "Income:Public:Advertising",
                "meta": {"contract": "C-PUB-02"},
            },
            {"memo": "保洁", "direction": "out", "account": "Expenses:Service:Cleaning"},
        ],
    },
    "<test rules>",
)


def regenerate() -> bool:
    return os.environ.get("TF_REGENERATE") == "1"


def extract_text(path: Path) -> str:
    """What the regression files hold: the importer's name and its entries, as Beancount text."""
    context = ImportContext(rules=RULES)
    importer = identify(path, all_importers(context))
    assert importer is not None, f"{path.name}: not identified"
    statement = importer.read(str(path))
    errors = "".join(
        f";; rejected: row {e.row}: {e.column}: {e.reason}\n" for e in statement.errors
    )
    entries = importer.build(statement, str(path))
    return f";; importer: {importer.importer_name}\n{errors}\n" + format_entries(entries)


def compare_golden(path: Path) -> None:
    expected_path = path.with_name(path.name + ".beancount")
    actual = extract_text(path)
    if regenerate() or not expected_path.exists():
        if not regenerate():
            raise AssertionError(
                f"{expected_path.name} missing: run with TF_REGENERATE=1 and review it"
            )
        expected_path.write_text(actual, encoding="utf-8")
        return
    expected = expected_path.read_text(encoding="utf-8")
    if actual != expected:
        import difflib

        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "expected", "actual"
            )
        )
        raise AssertionError(
            f"{path.name}: extracted entries differ from {expected_path.name}:\n{diff}"
        )
