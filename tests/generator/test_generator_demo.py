"""The committed demo (examples/xinyi) equals a fresh generation and loads cleanly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from ledger.community import build_community
from ledger.loader import format_error, load
from trustfund.ops.generator import generate
from trustfund.rules.plugin import Config, run_all
from trustfund.xinyi import rule_checks

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi"
NOT_GENERATED = {
    "README.md",
    "import-rules.toml",
    "make_downloads.py",
}  # written by hand / by the importers


def _generated_files(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if (
            path.is_file()
            and rel not in NOT_GENERATED
            and not rel.startswith("downloads/")
            and not path.name.startswith(".")
        ):
            files[rel] = path.read_bytes()
    return files


def test_committed_demo_equals_fresh_generation(tmp_path: Path) -> None:
    main = generate(tmp_path / "demo")
    assert main == tmp_path / "demo" / "main.beancount"
    fresh = _generated_files(tmp_path / "demo")
    committed = _generated_files(DEMO)
    assert sorted(committed) == sorted(fresh)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, (
        f"examples/xinyi differs from a fresh generation in {changed}; regenerate on purpose (see its README)"
    )


@pytest.fixture(scope="module")
def plain_entries(tmp_path_factory: pytest.TempPathFactory) -> list[data.Directive]:
    """The demo loaded by Beancount without the trust plugin (its own checks only)."""
    text = (DEMO / "main.beancount").read_text(encoding="utf-8")
    assert 'plugin "trustfund.xinyi"' in text
    text = text.replace('plugin "trustfund.xinyi"', "").replace('include "', f'include "{DEMO}/')
    plain = tmp_path_factory.mktemp("plain") / "main.beancount"
    plain.write_text(text, encoding="utf-8")
    loader.initialize(use_cache=False)
    entries, errors, _ = loader.load_file(str(plain))
    assert [format_error(e) for e in errors] == []
    return entries


def test_demo_shape(plain_entries: list[data.Directive]) -> None:
    community, errors = build_community(plain_entries)
    assert errors == []
    assert len(community.units) >= 300
    buildings = {lines[0].building for lines in community.units.values()}
    assert len(buildings) >= 3
    start = community.first_date
    assert start is not None
    per_owner = Counter(unit.owner_id for unit in community.register_at(start).values())
    assert sum(1 for n in per_owner.values() if n >= 2) >= 5
    areas = [lines[0].area for lines in community.units.values()]
    assert min(areas) >= 60 and max(areas) <= 180
    txns = [e for e in plain_entries if isinstance(e, data.Transaction)]
    assert len(txns) > 5000
    months = {e.date.strftime("%Y-%m") for e in txns}
    assert {f"2025-{m:02d}" for m in range(1, 13)} <= months
    assert any(e.meta.get("resolution") for e in txns) and any(
        e.meta.get("emergency") for e in txns
    )
    assert sum(isinstance(e, data.Balance) for e in plain_entries) == 24


def test_demo_passes_the_rules_that_exist(plain_entries: list[data.Directive]) -> None:
    _, errors = run_all(plain_entries, rule_checks(), Config())
    assert [format_error(e) for e in errors] == []


def test_demo_loads_with_zero_errors_under_xinyi() -> None:
    ledger = load(DEMO / "main.beancount", cache=False)
    assert [format_error(e) for e in ledger.errors] == []
    assert len(ledger.community.units) >= 300
