"""Readers: a downloaded file → a grid of cells, plus the cell parsers every importer shares.

:func:`read_table` reads CSV/TXT (UTF-8 with or without BOM, GB18030/GBK detected), XLSX and
XLS (python-calamine, far faster than openpyxl) into :class:`Sheet` objects whose rows keep the
row number a person sees in the spreadsheet. The kind of file is told by its first bytes, not
its name. :func:`find_header` locates a header row by column names within the first rows;
:func:`parse_date` and :func:`parse_amount` turn cells into ``date`` and ``Decimal`` (never
float: an Excel number is converted through its shortest repr and rounded to the fen).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from importers.records import SourceError

Cell = Any  # str | float | int | bool | date | datetime | time | None

HEADER_SCAN_ROWS = 50
PEEK_BYTES = 64 * 1024
EMPTY_MARKS = frozenset({"", "-", "--", "/", "—", "－"})
_SPACE_RE = re.compile(r"[\s\u3000\u00a0\ufeff]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "［": "[", "］": "]", "：": ":", "／": "/"})
_ENGLISH_RE = re.compile(r"\[[^\]]*\]")
_YUAN_RE = re.compile(r"/元|\(元\)|\(人民币\)|\(rmb\)|\(cny\)")
FEN = Decimal("0.01")


@dataclass
class Row:
    number: int  # 1-based, as shown in the sheet (CSV: line number)
    cells: list[Cell]
    error: str | None = None  # e.g. "wrong encoding" for a CSV line that did not decode


@dataclass
class Sheet:
    file: str
    name: str
    rows: list[Row]
    encoding: str | None = None


# --------------------------------------------------------------------------------------
# cells


def cell_text(value: Cell) -> str:
    """A cell as stripped text (spaces, tabs, U+3000 and NBSP trimmed; placeholders empty)."""
    if type(value) is str:
        text = value.strip(" \t\r\n\u3000\u00a0\ufeff")
        return "" if text in EMPTY_MARKS else text
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        if text.endswith(".0"):
            text = text[:-2]
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip(" \t\r\n\u3000\u00a0\ufeff")
    return "" if text in EMPTY_MARKS else text


def norm_label(value: Cell) -> str:
    """A header label normalised for matching: no spaces, half-width brackets, no English
    gloss in square brackets, no "/元" unit, lower-case."""
    text = _SPACE_RE.sub("", cell_text(value)).translate(_BRACKETS)
    text = _ENGLISH_RE.sub("", text).lower()
    return _YUAN_RE.sub("", text)


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*$"
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Cell) -> date:
    """A date from a date cell, ``YYYY-MM-DD``/``YYYY/MM/DD``/``YYYYMMDD``/``YYYY年M月D日``
    text (an optional time after it is ignored), or an Excel serial number. Raises
    ``ValueError`` with a reason."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        return _serial_or_compact(float(value))
    text = cell_text(value)
    if not text:
        raise ValueError("missing")
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial_or_compact(float(text))
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None


def _serial_or_compact(number: float) -> date:
    if 19000101 <= number <= 21001231 and number == int(number):
        text = str(int(number))
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise ValueError(f"not a date: {text}") from None
    if 1 <= number < 2958466:  # Excel serial (1900 date system, 1900-02-29 bug folded in)
        return _EXCEL_EPOCH + timedelta(days=int(number))
    raise ValueError(f"not a date: {number!r}")


_AMOUNT_STRIP = re.compile(r"[,\s\u3000¥￥元]|cny|rmb", re.IGNORECASE)
_AMOUNT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_amount(value: Cell) -> Decimal | None:
    """A money amount as ``Decimal`` rounded to the fen; ``None`` for an empty cell. Accepts
    thousands separators, ``¥``/``￥``/``CNY`` marks, a leading ``+`` and ``(123.00)`` as a
    negative. Raises ``ValueError`` with a reason."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"not an amount: {value!r}")
        try:  # an absurd number (1e308) does not fit the fen: a bad cell, not a crash
            return Decimal(value if isinstance(value, int) else repr(value)).quantize(
                FEN, ROUND_HALF_UP
            )
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    text = cell_text(value)
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    cleaned = _AMOUNT_STRIP.sub("", text)
    if cleaned.endswith("-") and cleaned[:-1] and cleaned[0] not in "+-":  # "1,234.56-" (a debit)
        negative, cleaned = not negative, cleaned[:-1]
    if not _AMOUNT_RE.match(cleaned):
        raise ValueError(f"not an amount: {text!r}")
    try:
        number = Decimal(cleaned).quantize(FEN, ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    return -number if negative else number


# --------------------------------------------------------------------------------------
# files


def file_kind(path: str | Path) -> str:
    """ "xlsx", "xls", "xml" or "text", from the file's first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = stripped[:512].lower()
    if (
        lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<meta"))
        or b"<table" in lowered
    ):
        return "html"  # many banks' ".xls" downloads are an HTML table
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<Document"):
        return "xml"
    return "text"


#: The last workbook read in full: identifying a file (every importer peeks at its first rows)
#: and reading it then cost one parse of the workbook, not one per importer. Keyed on the
#: file's path, size and modification time.
_WORKBOOK_CACHE: dict[tuple[str, int, int], list[Sheet]] = {}


def clear_cache() -> None:
    """Forget the cached workbook (the import command calls it after each file)."""
    _WORKBOOK_CACHE.clear()


def read_table(path: str | Path, max_rows: int | None = None) -> list[Sheet]:
    """Every sheet of a spreadsheet, or the one table of a CSV/TXT file. ``max_rows`` limits the
    rows returned (for identification; a CSV is then only peeked at, a workbook is parsed once
    and kept for the full read). Raises :class:`SourceError` when the file cannot be read.
    Treat the returned rows as read-only: they may be shared with the cache."""
    name = str(path)
    try:
        kind = file_kind(path)
        stat = os.stat(path)
    except OSError as exc:
        raise SourceError(name, f"cannot open: {exc.strerror or exc}") from None
    if kind in ("xlsx", "xls"):
        key = (os.path.abspath(name), stat.st_size, stat.st_mtime_ns)
        sheets = _WORKBOOK_CACHE.get(key)
        if sheets is None:
            sheets = _read_workbook(name, None)
            _WORKBOOK_CACHE.clear()
            _WORKBOOK_CACHE[key] = sheets
        if max_rows is None:
            return [Sheet(s.file, s.name, list(s.rows), s.encoding) for s in sheets]
        return [Sheet(s.file, s.name, s.rows[:max_rows], s.encoding) for s in sheets]
    if kind == "xml":
        raise SourceError(name, "an XML file, not a table")
    if kind == "html":
        return [_read_html(name, max_rows)]
    return [_read_csv(name, max_rows)]


def _read_html(name: str, max_rows: int | None) -> Sheet:
    """The rows of the first table of an HTML "spreadsheet" (``<tr>``/``<td>``/``<th>`` text)."""
    from html.parser import HTMLParser

    try:
        with open(name, "rb") as handle:
            text, encoding = decode_text(handle.read())
    except UnicodeDecodeError:
        raise SourceError(name, "wrong encoding: neither UTF-8 nor GB18030") from None
    except OSError as exc:
        raise SourceError(name, f"cannot open: {exc.strerror or exc}") from None

    class _Table(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                if not self.rows:
                    self.rows.append([])
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = _Table()
    parser.feed(text)
    rows = [Row(number, cells) for number, cells in enumerate(parser.rows, 1)]
    if max_rows is not None:
        rows = rows[:max_rows]
    return Sheet(name, "", rows, encoding)


def _read_workbook(name: str, max_rows: int | None) -> list[Sheet]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(name)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise SourceError(name, f"cannot read the workbook: {exc}") from None
    sheets: list[Sheet] = []
    try:
        for index, sheet_name in enumerate(workbook.sheet_names):
            sheet = workbook.get_sheet_by_index(index)
            rows: list[Row] = []
            # iter_rows starts at the sheet's first row (empty leading rows included), so the
            # position is the row number a person sees; columns start at the first used one.
            for number, cells in enumerate(sheet.iter_rows(), 1):
                if max_rows is not None and number > max_rows:
                    break
                rows.append(Row(number, cells))
            sheets.append(Sheet(name, sheet_name, rows))
    except Exception as exc:
        raise SourceError(name, f"cannot read the workbook: {exc}") from None
    finally:
        workbook.close()
    return sheets


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not) or GB18030; returns (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("gb18030"), "gb18030"


def _read_csv(name: str, max_rows: int | None) -> Sheet:
    try:
        with open(name, "rb") as handle:
            data = handle.read(PEEK_BYTES if max_rows is not None else -1)
    except OSError as exc:
        raise SourceError(name, f"cannot open: {exc.strerror or exc}") from None
    truncated = max_rows is not None and len(data) == PEEK_BYTES
    try:
        text, encoding = decode_text(data)
        bad_lines: dict[int, str] = {}
    except UnicodeDecodeError:
        if truncated:  # a multi-byte character cut at the peek boundary
            data = data[: data.rfind(b"\n") + 1]
        text, encoding, bad_lines = _decode_lines(data)
    if truncated:
        text = text[: text.rfind("\n") + 1]
    if "\x00" in text[:4096]:
        raise SourceError(name, "not a text table (binary content)")
    delimiter = "\t" if text[:4096].count("\t") > text[:4096].count(",") * 2 else ","
    rows: list[Row] = []
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=False)
    try:
        for number, cells in enumerate(reader, 1):  # the record's row in a spreadsheet program
            if max_rows is not None and len(rows) >= max_rows:
                break
            rows.append(Row(number, list(cells), bad_lines.get(reader.line_num)))
    except csv.Error as exc:
        raise SourceError(name, f"not a CSV table: {exc}", row=reader.line_num) from None
    del lines
    return Sheet(name, "", rows, encoding)


def _decode_lines(data: bytes) -> tuple[str, str, dict[int, str]]:
    """A file that is neither valid UTF-8 nor GB18030 as a whole: decode it line by line in the
    encoding most lines accept; lines that do not decode become bad rows."""
    raw_lines = data.split(b"\n")
    scores = {}
    for encoding in ("utf-8", "gb18030"):
        ok = 0
        for line in raw_lines:
            try:
                line.decode(encoding)
                ok += 1
            except UnicodeDecodeError:
                pass
        scores[encoding] = ok
    encoding = max(scores, key=lambda enc: scores[enc])
    bad: dict[int, str] = {}
    out: list[str] = []
    for number, line in enumerate(raw_lines, 1):
        try:
            out.append(line.decode(encoding))
        except UnicodeDecodeError as exc:
            bad[number] = (
                f"wrong encoding: byte {exc.start + 1} of the line is not {encoding.upper()}"
            )
            out.append("")
    return "\n".join(out), encoding, bad


# --------------------------------------------------------------------------------------
# header rows


@dataclass
class Header:
    """A header row found by its column names: ``columns`` maps field name → column index."""

    sheet: Sheet
    index: int  # position of the header row in sheet.rows
    columns: dict[str, int]
    labels: list[str]  # the normalised labels of the (merged) header
    data_start: int  # position in sheet.rows of the first data row
    preamble: list[Row] = field(default_factory=list)

    @property
    def row_number(self) -> int:
        return self.sheet.rows[self.index].number

    def label(self, field_name: str) -> str:
        """The column's label as the file writes it (for ``file:row: column: reason``)."""
        col = self.columns.get(field_name)
        if col is None:
            return field_name
        raw = self.raw_labels.get(col) if self.raw_labels else None
        return raw or self.labels[col] or field_name

    raw_labels: dict[int, str] = field(default_factory=dict)


def match_columns(labels: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """field → column index, taking for each field its first alias (in priority order) present."""
    positions: dict[str, int] = {}
    for index, label in enumerate(labels):
        if label and label not in positions:
            positions[label] = index
    found: dict[str, int] = {}
    used: set[int] = set()
    for field_name, names in aliases.items():
        for alias in names:
            col = positions.get(alias)
            if col is not None and col not in used:
                found[field_name] = col
                used.add(col)
                break
    return found


def find_header(
    sheet: Sheet,
    aliases: Mapping[str, Sequence[str]],
    accept: Any,
    sub_labels: Iterable[str] = (),
    scan: int = HEADER_SCAN_ROWS,
) -> Header | None:
    """The first row within the first ``scan`` rows whose labels give a column set ``accept``
    (a predicate on the field → column dict) takes. A following row holding only
    ``sub_labels`` (CCB's 借方/贷方 under 发生额) is merged into it as a two-row header."""
    subs = set(sub_labels)
    for index, row in enumerate(sheet.rows[:scan]):
        labels = [norm_label(cell) for cell in row.cells]
        if sum(1 for label in labels if label) < 2:
            continue
        raw = {i: cell_text(c) for i, c in enumerate(row.cells) if cell_text(c)}
        data_start = index + 1
        if subs and index + 1 < len(sheet.rows):
            below = [norm_label(cell) for cell in sheet.rows[index + 1].cells]
            if any(below) and all(not label or label in subs for label in below):
                merged = list(labels) + [""] * max(0, len(below) - len(labels))
                for col, label in enumerate(below):
                    if label:
                        merged[col] = label
                        raw[col] = cell_text(sheet.rows[index + 1].cells[col])
                labels = merged
                data_start = index + 2
        columns = match_columns(labels, aliases)
        if accept(columns):
            return Header(sheet, index, columns, labels, data_start, sheet.rows[:index], raw)
    return None


def found_labels(sheets: Sequence[Sheet], scan: int = HEADER_SCAN_ROWS) -> list[str]:
    """The most header-like row of the first rows (most non-empty text cells), for telling the
    user what a file nobody took contains."""
    best: list[str] = []
    for sheet in sheets:
        for row in sheet.rows[:scan]:
            texts = [cell_text(c) for c in row.cells]
            texts = [t for t in texts if t and not re.fullmatch(r"[\d.,:\-/ ]+", t)]
            if len(texts) > len(best):
                best = texts
    return best


# --------------------------------------------------------------------------------------
# key/value preambles ("账　　号：6222…", "账号 | 6222…", "期初余额 1,000.00")


def preamble_values(rows: Iterable[Row], labels: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """field → value for labels found in the preamble, the value being the rest of the same
    cell after a colon or the next non-empty cell to the right."""
    wanted = {
        norm_label(label).rstrip(":"): key for key, names in labels.items() for label in names
    }
    out: dict[str, str] = {}
    for row in rows:
        texts = [cell_text(c) for c in row.cells]
        for col, text in enumerate(texts):
            if not text:
                continue
            for piece in re.split(r"[ \t]{2,}|\n", text):
                label, sep, rest = piece.replace("：", ":").partition(":")
                key = wanted.get(norm_label(label).rstrip(":"))
                if key is None or key in out:
                    continue
                value = rest.strip().strip("[]").strip() if sep else ""
                if not value:
                    value = next((t for t in texts[col + 1 :] if t), "")
                if value:
                    out[key] = value
    return out
