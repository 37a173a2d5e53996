"""Fixtures of the static-site tests: a copy of the demo with access codes, published once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from publish_ledgers import copy_demo


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo community (a year, 7,600 transactions) with access codes."""
    return copy_demo(tmp_path_factory.mktemp("demo") / "xinyi")


@pytest.fixture(scope="session")
def demo_ledger(demo_copy: Path):  # type: ignore[no-untyped-def]
    from ledger.loader import load

    return load(demo_copy)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, demo_ledger) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """The demo published once (shared by the tests that only read it)."""
    from trustfund.ops.publish import publish

    folder = tmp_path_factory.mktemp("site") / "site"
    publish(demo_ledger, folder)
    yield folder
