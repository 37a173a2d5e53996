"""A streaming XLSX writer: the few XML parts of a workbook, rows written straight into the zip.

An ``.xlsx`` file is a zip of XML parts (ECMA-376 / ISO/IEC 29500, SpreadsheetML):
``[Content_Types].xml``, ``_rels/.rels``, ``docProps/core.xml``, ``xl/workbook.xml`` and its
``_rels``, ``xl/styles.xml``, ``xl/sharedStrings.xml`` and one ``xl/worksheets/sheetN.xml`` per
sheet. This module writes exactly those, for the tables the reports make: typed cells (text,
numbers, dates), a small set of cell styles (number formats, bold, fills, wrapped headers),
column widths, a frozen pane, an autofilter and ``SUM`` formulas with their cached values.

Why not openpyxl: writing the audit workbook of a 100k-transaction ledger (a 127,624-row general
ledger) took openpyxl ~11 s even in its write-only mode, most of it building a cell object per
value; here a row is one string built from each value's type (~1 s). See docs/performance.md.

What a cell holds:

* ``str``: a shared string (each distinct text stored once); characters XML 1.0 cannot carry
  (control characters other than tab, line feed and carriage return, lone surrogates, U+FFFE,
  U+FFFF) are written as Excel writes them, ``_xHHHH_``, and a literal ``_xHHHH_`` in the text
  is escaped as ``_x005F_xHHHH_`` so that Excel shows it as written;
* ``Decimal``, ``int``, ``float``: a number (non-finite numbers are written as text);
* ``date`` (and ``datetime``): the Excel serial day (1900 date system), with a date format
  (``yyyy-mm-dd`` unless the cell's style has one);
* ``None`` or ``""``: no value (the cell is still written when it has a style, e.g. a fill);
* :class:`Formula`: a formula with its cached value.

The writer never evaluates text as a formula: text is always a string cell. Neutralising text
that a person might paste into a formula bar (``'=…``) is the caller's business
(:func:`reports.format.neutralise`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

__all__ = ["Formula", "Sheet", "Style", "Workbook", "column_letter", "escape_text"]

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Characters XML 1.0 cannot hold, and literal ``_xHHHH_`` sequences (ST_Xstring escapes).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_EPOCH = date(1899, 12, 30)  # serial 0 of the 1900 date system (with its 29 Feb 1900)
_EPOCH_TIME = datetime(1899, 12, 30)
#: Built-in number formats (ECMA-376 §18.8.30) that need no <numFmt> of their own.
_BUILTIN_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, as ZipFile.open gives it: same report, same bytes
#: The width a number or a date asks of its column (characters), as a person formats them.
NUMBER_WIDTH = 14
DATE_WIDTH = 11


def _info(path: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def column_letter(index: int) -> str:
    """``A`` for column 1, ``Z`` for 26, ``AA`` for 27 …"""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unsafe(match: re.Match[str]) -> str:
    char = match.group(0)
    return "_x005F_" if char == "_" else f"_x{ord(char):04X}_"


def escape_text(text: str) -> str:
    """``text`` as the character data of an element: XML-escaped, with what XML 1.0 cannot hold
    written as Excel's ``_xHHHH_`` (and a literal ``_xHHHH_`` kept literal)."""
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_unsafe, text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


class Style(NamedTuple):
    """A cell style: number format, font (bold, size), fill colour (RGB hex), wrapped text."""

    number_format: str = "General"
    bold: bool = False
    size: float = 11
    fill: str | None = None
    wrap: bool = False


#: The style of a date given no style of its own.
DATE_STYLE = Style("yyyy-mm-dd")


class Formula(NamedTuple):
    """A formula (``=SUM(B3:B9)``) and the value it computes, cached for readers that do not
    recalculate."""

    text: str
    value: Any = None


class _Styles:
    """The workbook's cell formats (``cellXfs``), each an index a cell's ``s`` names."""

    def __init__(self) -> None:
        self.formats: dict[str, int] = {}
        self.fonts: dict[tuple[bool, float], int] = {(False, 11): 0}
        self.fills: dict[str | None, int] = {None: 0}  # 1 is the reserved gray125 pattern
        self.xfs: dict[Style, int] = {Style(): 0}

    def index(self, style: Style) -> int:
        found = self.xfs.get(style)
        if found is None:
            found = self.xfs[style] = len(self.xfs)
            if style.number_format not in _BUILTIN_FORMATS:
                self.formats.setdefault(style.number_format, 164 + len(self.formats))
            self.fonts.setdefault((style.bold, style.size), len(self.fonts))
            if style.fill is not None:
                self.fills.setdefault(style.fill, len(self.fills) + 1)
        return found

    def xml(self) -> str:
        out = [_XML_HEAD, f'<styleSheet xmlns="{_NS}">']
        if self.formats:
            out.append(f'<numFmts count="{len(self.formats)}">')
            out += [
                f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>'
                for code, i in self.formats.items()
            ]
            out.append("</numFmts>")
        out.append(f'<fonts count="{len(self.fonts)}">')
        for bold, size in self.fonts:
            out.append(
                f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/><name val="Calibri"/>'
                '<family val="2"/></font>'
            )
        out.append(f'</fonts><fills count="{len(self.fills) + 1}">')
        out.append('<fill><patternFill patternType="none"/></fill>')
        out.append('<fill><patternFill patternType="gray125"/></fill>')
        for colour in list(self.fills)[1:]:
            out.append(
                f'<fill><patternFill patternType="solid"><fgColor rgb="FF{colour}"/>'
                '<bgColor indexed="64"/></patternFill></fill>'
            )
        out.append('</fills><borders count="1"><border><left/><right/><top/><bottom/>')
        out.append('<diagonal/></border></borders><cellStyleXfs count="1">')
        out.append('<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>')
        out.append(f'<cellXfs count="{len(self.xfs)}">')
        for style in self.xfs:
            number = _BUILTIN_FORMATS.get(style.number_format)
            if number is None:
                number = self.formats[style.number_format]
            font = self.fonts[(style.bold, style.size)]
            fill = self.fills[style.fill]
            applied = (
                (' applyNumberFormat="1"' if number else "")
                + (' applyFont="1"' if font else "")
                + (' applyFill="1"' if fill else "")
            )
            head = f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            if style.wrap:
                out.append(
                    f'{head}{applied} applyAlignment="1"><alignment vertical="top" wrapText="1"/>'
                    "</xf>"
                )
            else:
                out.append(f"{head}{applied}/>")
        out.append('</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" ')
        out.append('builtinId="0"/></cellStyles></styleSheet>')
        return "".join(out)


class _Slot(NamedTuple):
    """The constant parts of a column's cells: ``<c r="D``, then after the row number, for a
    number, a date, a text (before its ``<v>``), an empty styled cell (None: left out)."""

    open: str
    number: str
    date: str
    text: str
    empty: str | None
    style: int  # the number style, for formulas


def _s(style: int) -> str:
    return f' s="{style}"' if style else ""


class _Nowhere(list[int]):
    """Widths nobody keeps: every column reads as wide enough."""

    def __getitem__(self, index: Any) -> Any:
        return 1 << 30

    def __setitem__(self, index: Any, value: Any) -> None:
        pass


_NOWHERE = _Nowhere()


class Sheet:
    """One worksheet: rows are appended in order; nothing is written to the zip until the
    workbook moves on to the next sheet or closes (the column widths come first in the XML)."""

    def __init__(
        self,
        book: Workbook,
        name: str,
        freeze_rows: int,
        autofilter_row: int | None,
        measure: Callable[[str], int] | None,
    ) -> None:
        self.book = book
        self.name = name
        self.freeze_rows = freeze_rows
        self.autofilter_row = autofilter_row
        #: per column, the width (characters) of its widest measured value
        self.widths: list[int] = []
        #: per column (1-based), the width it is given; else its widest value's
        self.column_widths: dict[int, float] = {}
        self._measure = measure
        self._rows: list[str] = []
        self._count = 0
        self._letters: list[str] = []
        self._plans: dict[int, tuple[object, list[_Slot]]] = {}

    @property
    def row_count(self) -> int:
        return self._count

    def _plan(self, styles: Sequence[int | tuple[int, int, int]] | int, count: int) -> list[_Slot]:
        """Per column, the constant parts of its cells (remembered per ``styles`` object)."""
        key = id(styles)
        found = self._plans.get(key)
        if found is not None and found[0] is styles and len(found[1]) >= count:
            return found[1]
        if count > len(self._letters):
            self._letters += [column_letter(i) for i in range(len(self._letters) + 1, count + 1)]
            self.widths += [0] * (count - len(self.widths))
        plan = []
        for i in range(count):
            style = styles if isinstance(styles, int) else styles[i]
            number, day, text = (style, style, style) if isinstance(style, int) else style
            if not day:  # a date without a date format would read as a number
                day = self.book.style(DATE_STYLE)
            plan.append(
                _Slot(
                    f'<c r="{self._letters[i]}',
                    f'"{_s(number)}><v>',
                    f'"{_s(day)}><v>',
                    f'"{_s(text)} t="s"><v>',
                    f'"{_s(text)}/>' if text else None,
                    number,
                )
            )
        self._plans[key] = (styles, plan)
        return plan

    def append(
        self,
        values: Sequence[Any],
        styles: Sequence[int | tuple[int, int, int]] | int = 0,
        measure: bool = True,
    ) -> None:
        """Write one row. ``styles`` is one style index for every cell, or one per column:
        an index (from :meth:`Workbook.style`) or a triple of indexes (for a number, a date,
        text) so that a column's style follows what each value is. A cell without a value is
        written only when it has a style. With ``measure`` the row widens :attr:`widths`.
        Pass the same ``styles`` object for rows styled alike: its plan is kept."""
        plan = self._plan(styles, len(values))
        n = self._count = self._count + 1
        book = self.book
        strings = book._strings
        sizes = book._sizes
        serials = book._serials
        widths = self.widths if measure else _NOWHERE
        parts = [f'<row r="{n}">']
        add = parts.append
        i = -1
        for value in values:
            i += 1
            kind = type(value)
            if kind is str:
                if value:
                    index = strings.get(value)
                    if index is None:
                        index = book._add_string(value)
                    slot = plan[i]
                    add(f"{slot.open}{n}{slot.text}{index}</v></c>")
                    if sizes[index] > widths[i]:
                        widths[i] = sizes[index]
                    continue
            elif value is None:
                pass
            elif kind is Decimal or kind is int:
                text = str(value)
                if text[-1].isdigit():  # finite (NaN, Infinity and sNaN end in a letter)
                    slot = plan[i]
                    add(f"{slot.open}{n}{slot.number}{text}</v></c>")
                    if widths[i] < NUMBER_WIDTH:
                        widths[i] = NUMBER_WIDTH
                    continue
                value = text
            elif kind is date:
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = _serial(value)
                if serial is not None:
                    slot = plan[i]
                    add(f"{slot.open}{n}{slot.date}{serial}</v></c>")
                    if widths[i] < DATE_WIDTH:
                        widths[i] = DATE_WIDTH
                    continue
                value = value.isoformat()
            else:
                value = self._rare(value, i, n, plan[i], add, widths)
                if value is None:
                    continue
            if value:  # text made of what was not text
                index = strings.get(value)
                if index is None:
                    index = book._add_string(value)
                slot = plan[i]
                add(f"{slot.open}{n}{slot.text}{index}</v></c>")
                if sizes[index] > widths[i]:
                    widths[i] = sizes[index]
                continue
            slot = plan[i]
            if slot.empty is not None:
                add(f"{slot.open}{n}{slot.empty}")
        add("</row>")
        self._rows.append("".join(parts))

    def _rare(
        self,
        value: Any,
        i: int,
        n: int,
        slot: _Slot,
        add: Callable[[str], None],
        widths: list[int],
    ) -> str | None:
        """A float, a datetime or a formula is written here (None returned); anything else is
        returned as the text to write."""
        kind = type(value)
        if kind is float:
            number = _number(value)
            if number is None:
                return repr(value)
        elif kind is datetime:
            serial = _serial(value)
            if serial is None:
                return str(value.isoformat())
            add(f"{slot.open}{n}{slot.date}{serial}</v></c>")
            widths[i] = max(widths[i], DATE_WIDTH)
            return None
        elif kind is Formula:
            add(_formula(f"{column_letter(i + 1)}{n}", slot.style, value))
            widths[i] = max(widths[i], NUMBER_WIDTH)
            return None
        else:
            return self.book._other(value) or ""
        add(f"{slot.open}{n}{slot.number}{number}</v></c>")
        widths[i] = max(widths[i], NUMBER_WIDTH)
        return None

    def _column_widths(self) -> list[float]:
        widths: list[float] = list(self.widths)
        for column, width in self.column_widths.items():
            widths += [0] * (column - len(widths))
            widths[column - 1] = width
        return widths

    def write(self, archive: zipfile.ZipFile, path: str) -> None:
        """The sheet's part, into ``archive`` (streamed in pieces)."""
        columns = max(len(self._letters), max(self.column_widths, default=0))
        last = f"{column_letter(max(columns, 1))}{max(self._count, 1)}"
        head = [
            _XML_HEAD,
            f'<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">',
            f'<dimension ref="A1:{last}"/>',
            '<sheetViews><sheetView workbookViewId="0"',
            ' tabSelected="1"' if self.book._sheets and self.book._sheets[0] is self else "",
            ">",
        ]
        if self.freeze_rows:
            top = f"A{self.freeze_rows + 1}"
            head.append(
                f'<pane ySplit="{self.freeze_rows}" topLeftCell="{top}" activePane="bottomLeft"'
                f' state="frozen"/><selection pane="bottomLeft" activeCell="{top}"'
                f' sqref="{top}"/>'
            )
        head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        widths = self._column_widths()
        if any(widths):
            head.append("<cols>")
            for index, width in enumerate(widths, start=1):
                if width:
                    head.append(
                        f'<col min="{index}" max="{index}" width="{width:g}" customWidth="1"/>'
                    )
            head.append("</cols>")
        head.append("<sheetData>")
        with archive.open(path, "w", force_zip64=True) as out:
            out.write("".join(head).encode())
            rows = self._rows
            for start in range(0, len(rows), 2048):
                out.write("".join(rows[start : start + 2048]).encode())
            tail = ["</sheetData>"]
            if self.autofilter_row is not None:
                tail.append(f'<autoFilter ref="{self.autofilter_ref()}"/>')
            tail.append(
                '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5"'
                ' footer="0.5"/></worksheet>'
            )
            out.write("".join(tail).encode())
        self._rows = []

    def autofilter_ref(self, absolute: bool = False) -> str:
        """The autofilter's range: from its header row to the last row, every column."""
        column = column_letter(max(len(self._letters), 1))
        first = self.autofilter_row or 1
        last = max(first, self._count)
        if absolute:
            return f"$A${first}:${column}${last}"
        return f"A{first}:{column}{last}"


def as_text(value: Any) -> str | None:
    """What is not a number, a date or text, as text (``True`` as ``TRUE``, as Excel shows it)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):  # a subclass of str
        return str.__str__(value)
    if isinstance(value, date):  # outside Excel's years
        return value.isoformat()
    return str(value)


def _number(value: Any) -> str | None:
    """A finite number as a cell's ``<v>``; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return None
    text = repr(value) if isinstance(value, float) else str(value)
    return text if text[-1].isdigit() else None


def _formula(ref: str, s: int, formula: Formula) -> str:
    text = formula.text[1:] if formula.text.startswith("=") else formula.text
    style = f' s="{s}"' if s else ""
    cached = _number(formula.value)
    value = f"<v>{cached}</v>" if cached is not None else ""
    return f'<c r="{ref}"{style}><f>{escape_text(text)}</f>{value}</c>'


def _serial(value: date) -> int | float | None:
    """The Excel serial of a date (or datetime), None outside what Excel can show."""
    if value.year < 1900 or value.year > 9999:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        delta = value - _EPOCH_TIME
        serial: int | float = (
            delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
        )
    else:
        serial = (value - _EPOCH).days
    return serial - 1 if serial < 61 else serial  # Excel's 29 February 1900


class Workbook:
    """Write ``target`` (a path or a binary file): :meth:`add_sheet`, rows, :meth:`close`.

    ``measure`` gives a text's width in characters (CJK text counts two; printable ASCII is
    taken as its length without asking); with it each sheet records the widest value of each
    column (``Sheet.widths``) for the caller to size columns.
    ``text`` rewrites every text before it is stored (once per distinct text: e.g. to
    neutralise formulas); ``other`` turns a value of any other type (``bool``, an enum …) into
    text or None (default :func:`as_text`). Sheets are compressed at ``compresslevel`` (1: the
    XML of a long sheet is repetitive, and level 6 costs three times as long for ~15 % less).
    """

    def __init__(
        self,
        target: Any,
        title: str = "",
        measure: Callable[[str], int] | None = None,
        text: Callable[[str], str] | None = None,
        other: Callable[[Any], str | None] = as_text,
        compresslevel: int = 1,
    ) -> None:
        self._zip = zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self.title = title
        self._measure = measure
        self._text = text
        self._other = other
        self._sheets: list[Sheet] = []
        self._names: set[str] = set()
        self._strings: dict[str, int] = {}
        self._serials: dict[date, int | float | None] = {}
        self._sizes: list[int] = []
        self._xml: list[str] = []  # each shared string as written
        self._styles = _Styles()
        self._open: Sheet | None = None
        self._closed = False

    def style(self, style: Style) -> int:
        """The index of ``style`` for :meth:`Sheet.append`."""
        return self._styles.index(style)

    def _add_string(self, text: str) -> int:
        index = self._strings[text] = len(self._xml)
        if self._text is not None:
            text = self._text(text)
        if not text.isprintable() or "&" in text or "<" in text or ">" in text or "_x" in text:
            body, plain = escape_text(text), False
            spaced = text[:1].isspace() or text[-1:].isspace() or "\n" in text
        else:  # most texts: nothing to escape, no space but " " (not printable otherwise)
            body, plain = text, True
            spaced = text[:1] == " " or text[-1:] == " "
        if spaced:
            self._xml.append(f'<si><t xml:space="preserve">{body}</t></si>')
        else:
            self._xml.append(f"<si><t>{body}</t></si>")
        if self._measure is None:
            self._sizes.append(0)
        elif plain and text.isascii():  # printable ASCII: a character a column
            self._sizes.append(len(text))
        else:
            self._sizes.append(self._measure(text))
        return index

    def add_sheet(
        self, name: str, freeze_rows: int = 0, autofilter_row: int | None = None
    ) -> Sheet:
        """A new sheet named ``name`` (at most 31 characters, none of ``[]:*?/\\``, unique
        ignoring case; a ValueError otherwise). The sheet before it is written out."""
        if not name or len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
            raise ValueError(f"not a sheet name Excel accepts: {name!r}")
        if name.startswith("'") or name.endswith("'"):
            raise ValueError(f"a sheet name cannot begin or end with an apostrophe: {name!r}")
        if name.lower() in self._names:
            raise ValueError(f"two sheets named {name!r}")
        self._names.add(name.lower())
        self._flush()
        sheet = Sheet(self, name, freeze_rows, autofilter_row, self._measure)
        self._sheets.append(sheet)
        self._open = sheet
        return sheet

    def _flush(self) -> None:
        if self._open is not None:
            number = self._sheets.index(self._open) + 1
            self._open.write(self._zip, f"xl/worksheets/sheet{number}.xml")
            self._open = None

    def _put(self, path: str, text: str) -> None:
        self._zip.writestr(_info(path), text.encode(), compresslevel=6)

    def close(self) -> None:
        """Write the remaining parts and close the file (a workbook needs one sheet)."""
        if self._closed:
            return
        if not self._sheets:
            raise ValueError("a workbook needs at least one sheet")
        self._flush()
        count = len(self._sheets)
        sheet_types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        self._put(
            "[Content_Types].xml",
            f"{_XML_HEAD}<Types "
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{sheet_types}"
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            "</Types>",
        )
        self._put(
            "_rels/.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            "</Relationships>",
        )
        self._put(
            "docProps/core.xml",
            f"{_XML_HEAD}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape_text(self.title)}</dc:title><dc:creator>trustfund</dc:creator>"
            "</cp:coreProperties>",
        )
        sheets, names = [], []
        for i, sheet in enumerate(self._sheets):
            sheets.append(
                f'<sheet name="{_attr(sheet.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            )
            if sheet.autofilter_row is not None:
                quoted = "'" + sheet.name.replace("'", "''")
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                    f"{escape_text(quoted)}'!{sheet.autofilter_ref(True)}</definedName>"
                )
        self._put(
            "xl/workbook.xml",
            f'{_XML_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_NS_R}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{''.join(sheets)}</sheets>"
            + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
            + '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        self._put(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG}">{rels}'
            f'<Relationship Id="rId{count + 1}" Type="{_NS_R}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{count + 2}" Type="{_NS_R}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        )
        self._put("xl/styles.xml", self._styles.xml())
        with self._zip.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(
                f'{_XML_HEAD}<sst xmlns="{_NS}" count="{len(self._xml)}" '
                f'uniqueCount="{len(self._xml)}">'.encode()
            )
            for start in range(0, len(self._xml), 4096):
                out.write("".join(self._xml[start : start + 4096]).encode())
            out.write(b"</sst>")
        self._zip.close()
        self._closed = True

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._zip.close()
