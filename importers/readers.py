"""Readers: a downloaded file → sheets of cells, streamed, plus the cell parsers every importer
shares.

:func:`open_source` opens a file once per import: it tells the kind by the first bytes (not the
name), checks the size limits, and hands out :class:`Sheet` objects. A sheet keeps its first
:data:`HEAD_ROWS` rows in memory (what identification and header finding look at) and streams
the rest with :meth:`Sheet.iter_rows`, so a statement is never held twice and identifying a file
with every importer costs one parse. CSV/TXT (UTF-8 with or without BOM, GB18030/GBK detected,
comma or tab) is read line by line; XLSX and XLS with python-calamine (far faster than
openpyxl); HTML tables saved as ``.xls`` in one piece. Row numbers are the ones a person sees in
the spreadsheet.

**Limits** (stated, so that no input makes an import use more than 500 MB): a text file
(CSV, TXT, HTML, XML, OFX, MT940) or an XLS larger than :data:`MAX_FILE_BYTES`, an XLSX whose
parts unpack to more than :data:`MAX_UNPACKED_BYTES` (checked from the zip's directory *and* by
unpacking it in a bounded stream before any parser sees it, so a zip bomb that lies about its
sizes is refused too), and a table with more than :data:`MAX_ROWS` rows are refused with a
:class:`~importers.records.SourceError` that says so. Split such an export by period.

:func:`find_header` locates a header row by column names within the first rows;
:func:`parse_date` and :func:`parse_amount` turn cells into ``date`` and ``Decimal`` (never
float: an Excel number is converted through its shortest repr and rounded to the fen).
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from importers.records import SourceError

Cell = Any  # str | float | int | bool | date | datetime | time | None

HEADER_SCAN_ROWS = 50
#: Rows of each sheet kept in memory for identification, header and preamble.
HEAD_ROWS = 60
PEEK_BYTES = 64 * 1024
#: Data rows a table may have (about 20 years of a busy community's bank account).
MAX_ROWS = 200_000
#: Largest text file (CSV, TXT, HTML, XML, OFX, MT940) or XLS accepted.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Largest total size the parts of an XLSX may unpack to.
MAX_UNPACKED_BYTES = 160 * 1024 * 1024
EMPTY_MARKS = frozenset({"", "-", "--", "/", "—", "－"})
_SPACE_RE = re.compile(r"[\s\u3000\u00a0\ufeff]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "［": "[", "］": "]", "：": ":", "／": "/"})
_ENGLISH_RE = re.compile(r"\[[^\]]*\]")
_YUAN_RE = re.compile(r"/元|\(元\)|\(人民币\)|\(rmb\)|\(cny\)")
FEN = Decimal("0.01")
_MB = 1024 * 1024


@dataclass(slots=True)
class Row:
    number: int  # 1-based, as shown in the sheet (CSV: the record's row in a spreadsheet)
    cells: Sequence[Cell]
    error: str | None = None  # e.g. "wrong encoding" for a CSV line that did not decode


class Sheet:
    """One table: ``head`` holds its first rows; :meth:`iter_rows` streams all of them.

    ``Sheet(file, name, rows)`` makes a sheet that is wholly in memory (tests, HTML tables).
    """

    __slots__ = ("_more", "encoding", "file", "head", "name")

    def __init__(
        self,
        file: str,
        name: str,
        rows: list[Row],
        encoding: str | None = None,
        more: Callable[[], Iterator[Row]] | None = None,
    ) -> None:
        self.file = file
        self.name = name
        self.head = rows
        self.encoding = encoding
        self._more = more  # every row from the first, streamed (None: ``head`` is all)

    @property
    def rows(self) -> list[Row]:
        """The rows held in memory: all of a small sheet, the first :data:`HEAD_ROWS` of a
        streamed one (use :meth:`iter_rows` to read a whole table)."""
        return self.head

    def iter_rows(self, start: int = 0) -> Iterator[Row]:
        """The rows from position ``start`` (0 = the sheet's first row) to the end, streamed.
        Raises :class:`SourceError` once more than :data:`MAX_ROWS` rows follow ``start``."""
        source: Iterable[Row] = self.head if self._more is None else self._more()
        limit = start + MAX_ROWS
        for position, row in enumerate(source):
            if position < start:
                continue
            if position >= limit:
                raise SourceError(
                    self.file,
                    f"more than {MAX_ROWS:,} rows: too large to import in one piece; "
                    "export it again in shorter periods",
                    row=row.number,
                )
            yield row


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
    """ "xlsx", "xls", "html", "xml" or "text", from the file's first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    return _kind(head)


def _kind(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    stripped = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = stripped.lower()
    if (
        lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<meta"))
        or b"<table" in lowered
    ):
        return "html"  # many banks' ".xls" downloads are an HTML table
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<Document"):
        return "xml"
    return "text"


def _size(number: int) -> str:
    return f"{number / _MB:,.0f} MB" if number >= _MB else f"{number:,} bytes"


def check_zip(name: str) -> None:
    """Refuse a zip (XLSX) whose parts unpack to more than :data:`MAX_UNPACKED_BYTES`: first by
    the sizes its directory declares, then by unpacking every part in a bounded stream (a part
    that unpacks to more than it declares fails its CRC check; one that would exceed the limit
    is stopped there). Memory stays at one 1 MB chunk."""
    try:
        with zipfile.ZipFile(name) as archive:
            infos = archive.infolist()
            declared = sum(info.file_size for info in infos)
            if declared > MAX_UNPACKED_BYTES:
                raise SourceError(
                    name,
                    f"the workbook unpacks to {_size(declared)} (packed {_size(os.path.getsize(name))}); "
                    f"the limit is {_size(MAX_UNPACKED_BYTES)}: a zip bomb, or an export too large to "
                    "import in one piece",
                )
            total = 0
            for info in infos:
                with archive.open(info) as part:
                    while chunk := part.read(_MB):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            raise SourceError(
                                name,
                                f"{info.filename} unpacks to more than {_size(MAX_UNPACKED_BYTES)} "
                                f"although the zip declares {_size(info.file_size)}: refused as a zip bomb",
                            )
    except SourceError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        zlib.error,
    ) as exc:
        raise SourceError(
            name, f"not a readable workbook (damaged or disguised zip: {exc})"
        ) from None
    except (OSError, RuntimeError, ValueError) as exc:  # encrypted parts, unsupported methods
        raise SourceError(name, f"not a readable workbook: {exc}") from None


class Source:
    """One input file, opened once: its kind, first bytes and sheets (see the module doc)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            stat = os.stat(self.path)
            with open(self.path, "rb") as handle:
                self.head = handle.read(PEEK_BYTES)
        except OSError as exc:
            raise SourceError(self.path, f"cannot open: {exc.strerror or exc}") from None
        self.key = (os.path.abspath(self.path), stat.st_size, stat.st_mtime_ns)
        self.size = stat.st_size
        self.kind = _kind(self.head)
        self._sheets: list[Sheet] | None = None
        self._workbook: Any = None
        self._checked = False

    # -- limits --------------------------------------------------------------------------
    def check_limits(self) -> None:
        """Raise :class:`SourceError` for a file over the size limits (zip bombs included)."""
        if self._checked:
            return
        if self.kind == "xlsx":
            check_zip(self.path)
        elif self.size > MAX_FILE_BYTES:
            raise SourceError(
                self.path,
                f"{_size(self.size)} is over the limit of {_size(MAX_FILE_BYTES)} for one file: "
                "export it again in shorter periods",
            )
        self._checked = True

    def text_head(self) -> str:
        """The first bytes as text (UTF-8, GB18030 or Windows-1252, as they decode)."""
        data = self.head
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        for encoding in ("utf-8", "gb18030", "cp1252"):
            try:
                return _decode_prefix(data, encoding)
            except UnicodeDecodeError:
                continue
        return data.decode("utf-8", errors="replace")

    # -- tables --------------------------------------------------------------------------
    def sheets(self) -> list[Sheet]:
        """Every sheet of a workbook, or the one table of a CSV/TXT/HTML file."""
        if self._sheets is None:
            self.check_limits()
            if self.kind in ("xlsx", "xls"):
                self._sheets = self._workbook_sheets()
            elif self.kind == "xml":
                raise SourceError(self.path, "an XML file, not a table")
            elif self.kind == "html":
                self._sheets = [_read_html(self.path)]
            else:
                self._sheets = [self._csv_sheet()]
        return self._sheets

    def release(self) -> None:
        """Free the parsed workbook (the next :func:`open_source` of the file parses it again)."""
        self._sheets = None
        if self._workbook is not None:
            with contextlib.suppress(Exception):  # already closed, or calamine's own errors
                self._workbook.close()
            self._workbook = None

    def _workbook_sheets(self) -> list[Sheet]:
        import python_calamine

        try:
            workbook = python_calamine.CalamineWorkbook.from_path(self.path)
            names = list(workbook.sheet_names)
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise SourceError(self.path, f"cannot read the workbook: {exc}") from None
        self._workbook = workbook
        return [
            _CalamineSheet(self.path, name, workbook, index) for index, name in enumerate(names)
        ]

    def _csv_sheet(self) -> Sheet:
        head = self.head
        if b"\x00" in head[:4096]:
            raise SourceError(self.path, "not a text table (binary content)")
        encoding = _guess_encoding(head, complete=self.size <= len(head))
        sample = _decode_prefix(head, encoding, errors="replace")[:4096]
        delimiter = "\t" if sample.count("\t") > sample.count(",") * 2 else ","
        path = self.path

        def rows() -> Generator[Row]:
            return _csv_rows(path, encoding, delimiter)

        first: list[Row] = []
        stream = rows()
        try:
            for row in stream:
                first.append(row)
                if len(first) >= HEAD_ROWS:
                    break
        finally:
            stream.close()
        complete = len(first) < HEAD_ROWS
        return Sheet(path, "", first, encoding, None if complete else rows)


class _CalamineSheet(Sheet):
    """A workbook sheet: parsed by calamine the first time it is looked at, then streamed."""

    __slots__ = ("_index", "_loaded", "_workbook")

    def __init__(self, file: str, name: str, workbook: Any, index: int) -> None:
        super().__init__(file, name, [], None, None)
        self._workbook = workbook
        self._index = index
        self._loaded: Any = None

    def _sheet(self) -> Any:
        if self._loaded is None:
            try:
                self._loaded = self._workbook.get_sheet_by_index(self._index)
            except Exception as exc:
                raise SourceError(self.file, f"cannot read the workbook: {exc}") from None
            head: list[Row] = []
            stream = self._stream()
            try:
                for row in stream:
                    head.append(row)
                    if len(head) >= HEAD_ROWS:
                        break
            finally:
                stream.close()
            self.head = head
            self._more = self._stream
        return self._loaded

    def _stream(self) -> Generator[Row]:
        # iter_rows starts at the sheet's first row (empty leading rows included), so the
        # position is the row number a person sees; columns start at the first used one.
        try:
            for number, cells in enumerate(self._loaded.iter_rows(), 1):
                yield Row(number, cells)
        except Exception as exc:
            raise SourceError(self.file, f"cannot read the workbook: {exc}") from None

    @property
    def rows(self) -> list[Row]:
        self._sheet()
        return self.head

    def iter_rows(self, start: int = 0) -> Iterator[Row]:
        self._sheet()
        return super().iter_rows(start)


#: The source being imported: identification by every importer and the read share one open.
_CURRENT: list[Source] = []


def open_source(path: str | Path) -> Source:
    """The :class:`Source` of ``path``, shared while the same file (path, size, mtime) is
    being imported."""
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise SourceError(str(path), f"cannot open: {exc.strerror or exc}") from None
    key = (os.path.abspath(str(path)), stat.st_size, stat.st_mtime_ns)
    if _CURRENT and _CURRENT[0].key == key:
        return _CURRENT[0]
    clear_cache()
    source = Source(path)
    _CURRENT.append(source)
    return source


def clear_cache() -> None:
    """Forget the open source (the import command calls it after each file)."""
    while _CURRENT:
        _CURRENT.pop().release()


def read_table(path: str | Path, max_rows: int | None = None) -> list[Sheet]:
    """Every sheet of a spreadsheet, or the one table of a CSV/TXT/HTML file (see
    :class:`Sheet`: ``rows`` holds the first rows, :meth:`Sheet.iter_rows` streams them all).
    ``max_rows`` is accepted for compatibility; identification looks at ``rows`` only. Raises
    :class:`SourceError` when the file cannot be read or is over the limits."""
    del max_rows
    sheets = open_source(path).sheets()
    for sheet in sheets:
        _ = sheet.rows  # parse now, so a damaged sheet fails here and not half-way
    return sheets


def _read_html(name: str) -> Sheet:
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
    return Sheet(name, "", rows, encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not) or GB18030; returns (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("gb18030"), "gb18030"


def _decode_prefix(data: bytes, encoding: str, errors: str = "strict") -> str:
    """Decode the first bytes of a file: a multi-byte character cut at the end is dropped."""
    if encoding == "utf-8-sig":
        data, encoding = data.removeprefix(b"\xef\xbb\xbf"), "utf-8"
    for cut in range(4):
        try:
            return data[: len(data) - cut].decode(encoding, errors)
        except UnicodeDecodeError:
            if cut == 3:
                raise
    return ""  # unreachable


def _guess_encoding(head: bytes, complete: bool) -> str:
    """UTF-8 (with or without BOM) or GB18030: the one more lines of ``head`` decode in."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    lines = head.split(b"\n")
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle of a character
    scores = {}
    for encoding in ("utf-8", "gb18030"):
        ok = 0
        for line in lines:
            try:
                line.decode(encoding)
                ok += 1
            except UnicodeDecodeError:
                pass
        scores[encoding] = ok
    return "utf-8" if scores["utf-8"] >= scores["gb18030"] else "gb18030"


def _csv_rows(path: str, encoding: str, delimiter: str) -> Generator[Row]:
    """The records of a CSV/TXT file, one at a time. A line that does not decode in
    ``encoding`` makes its record a bad row ("wrong encoding")."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    bad: dict[int, str] = {}

    def lines(handle: Any) -> Iterator[str]:
        for number, raw in enumerate(handle, 1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode(codec)
            except UnicodeDecodeError as exc:
                bad[number] = (
                    f"wrong encoding: byte {exc.start + 1} of the line is not {codec.upper()}"
                )
                yield "\n"

    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed in finally: this is a generator)
    except OSError as exc:
        raise SourceError(path, f"cannot open: {exc.strerror or exc}") from None
    try:
        reader = csv.reader(lines(handle), delimiter=delimiter)
        last_line = 0
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise SourceError(path, f"not a CSV table: {exc}", row=number + 1) from None
            number += 1  # the record's row in a spreadsheet program
            error = None
            if bad:
                for line in range(last_line + 1, reader.line_num + 1):
                    if line in bad:
                        error = bad.pop(line)
                        break
            last_line = reader.line_num
            yield Row(number, cells, error)
    finally:
        handle.close()


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

    def data_rows(self) -> Iterator[Row]:
        """The rows below the header, streamed (see :meth:`Sheet.iter_rows`)."""
        return self.sheet.iter_rows(self.data_start)

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
