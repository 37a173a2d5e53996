"""The stated limits of importers/readers.py: a zip bomb is refused before any parser unpacks
it (by its declared sizes, and by a bounded unpack when the sizes lie); a file too large or
with too many rows is refused with a message that says so; nothing is written. (Memory for a
200 MB CSV and a 2 MB zip bomb is measured by benchmarks/bench_import.py, not here.)"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

import importers.iso
import importers.readers
from importers.pipeline import ImportFailed, import_files

LEDGER = "2020-01-01 open Assets:Bank:Trust CNY\n2020-01-01 open Income:Suspense\n"


@pytest.fixture
def main(tmp_path: Path) -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "main.beancount").write_text(LEDGER, encoding="utf-8")
    return folder / "main.beancount"


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to parse the workbook fails the test: the refusal must come first."""
    import python_calamine

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("calamine was asked to parse a refused file")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def bomb(path: Path, unpacked: int) -> Path:
    """An XLSX-shaped zip whose sheet is ``unpacked`` bytes of the same character."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"0" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                sheet.write(chunk)
    return path


def lie_about_sizes(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size of ``member`` in both zip headers (a bomb that lies)."""
    raw = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := raw.find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", raw, at + offset, size)
            start = at + 4
    path.write_bytes(bytes(raw))


def ledger_files(main: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in main.parent.rglob("*") if not p.name.startswith(".")}


def refused(paths: list[Path], main: Path) -> str:
    before = ledger_files(main)
    with pytest.raises(ImportFailed) as failed:
        import_files(paths, main)
    assert ledger_files(main) == before
    return failed.value.details[0]


def test_zip_bomb_refused_by_its_declared_size(
    tmp_path: Path, main: Path, monkeypatch: pytest.MonkeyPatch, no_calamine: None
) -> None:
    monkeypatch.setattr(importers.readers, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    path = bomb(tmp_path / "statement.xlsx", 8 * 1024 * 1024)
    assert path.stat().st_size < 100_000
    message = refused([path], main)
    assert message.startswith(f"{path}: the workbook unpacks to 8 MB")
    assert "a zip bomb, or an export too large to import in one piece" in message


def test_zip_bomb_that_lies_about_its_size_is_refused_before_parsing(
    tmp_path: Path, main: Path, monkeypatch: pytest.MonkeyPatch, no_calamine: None
) -> None:
    monkeypatch.setattr(importers.readers, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    path = bomb(tmp_path / "statement.xlsx", 8 * 1024 * 1024)
    lie_about_sizes(path, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(path) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 2000  # what it declares
    message = refused([path], main)
    assert message.startswith(f"{path}: not a readable workbook (damaged or disguised zip")


def test_text_file_over_the_size_limit_is_refused(
    tmp_path: Path, main: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers.readers, "MAX_FILE_BYTES", 4096)
    path = tmp_path / "big.csv"
    path.write_text("交易日期,借方金额,贷方金额\n" + "2026-01-05,,1.00\n" * 500, encoding="utf-8")
    message = refused([path], main)
    assert "is over the limit of 4,096 bytes for one file" in message
    assert "export it again in shorter periods" in message


def test_table_with_too_many_rows_is_refused_while_streaming(
    tmp_path: Path, main: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers.readers, "MAX_ROWS", 100)
    path = tmp_path / "long.csv"
    path.write_text("交易日期,借方金额,贷方金额\n" + "2026-01-05,,1.00\n" * 150, encoding="utf-8")
    message = refused([path], main)
    assert message.startswith(f"{path}:102: more than 100 rows")


def test_mt940_with_too_many_entries_is_refused(
    tmp_path: Path, main: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers.iso, "MAX_ROWS", 3)
    path = tmp_path / "long.sta"
    path.write_text(
        ":20:S\n:25:1\n:28C:1\n:60F:C260101CNY0,00\n" + ":61:260102C1,00NTRFNONREF\n" * 5,
        encoding="utf-8",
    )
    assert "more than 3 entries" in refused([path], main)


def test_a_damaged_workbook_is_a_message_not_a_traceback(tmp_path: Path, main: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert refused([path], main).startswith(f"{path}: not a readable workbook")
