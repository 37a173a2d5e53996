"""Regression: every sample document under tests/data/ against its expected extraction
``<doc>.beancount`` (beangulp's format), through the one harness of :mod:`importers.testing`.

Regenerate on purpose only, then review the diff::

    TRUSTFUND_REGENERATE=1 pytest tests/importers_core -k golden
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount.parser import parser

from importers.testing import compare, importer_for

DATA = Path(__file__).resolve().parent.parent / "data"
#: Files beside the samples that are not samples.
NOT_SAMPLES = {".beancount", ".md", ".txt", ".toml", ".py", ".json"}


def samples() -> list[Path]:
    return sorted(
        path
        for path in DATA.rglob("*")
        if path.is_file()
        and path.suffix not in NOT_SAMPLES
        and not path.name.startswith(("LICENSE", "NOTICE", "."))
        and not path.name.endswith(".rejected.csv")
        and not {"unsupported", "bad"} & set(path.relative_to(DATA).parts)
        and "LICENSES" not in path.relative_to(DATA).parts
    )


SAMPLES = samples()


def _id(path: Path) -> str:
    return str(path.relative_to(DATA))


@pytest.mark.parametrize("document", SAMPLES, ids=_id)
def test_extraction_matches_expected(document: Path) -> None:
    diff = compare(document)
    assert not diff, "".join(diff)


@pytest.mark.parametrize("document", SAMPLES, ids=_id)
def test_expected_file_is_valid_beancount(document: Path) -> None:
    """What an import writes must parse back: a printer quirk would otherwise reach a ledger."""
    text = document.with_name(document.name + ".beancount").read_text(encoding="utf-8")
    assert text.startswith(";; Account: ")
    entries, errors, _ = parser.parse_string(text)
    assert [e.message for e in errors] == []
    assert entries, "an expected file with no entries tests nothing"


def test_unsupported_files_are_taken_by_no_importer() -> None:
    unsupported = sorted((DATA / "unsupported").iterdir())
    assert unsupported
    for path in unsupported:
        if path.suffix in NOT_SAMPLES:
            continue
        assert importer_for(path) is None, path.name
