"""Standard bank statement formats: ISO 20022 CAMT.053, OFX (1.x SGML and 2.x XML) and SWIFT MT940.

For banks that offer them, these are better than a spreadsheet export: the amounts are exact,
the sign is explicit and every entry carries the bank's own reference. Each importer reads a
statement file into :class:`importers.records.Statement`, and the shared builder in
:mod:`importers.base` turns the rows into transactions on the ledger account of that statement
(``--account``, the import rules, or an Open carrying ``account-number:``; the default is
``Assets:Bank:Trust``). A file holding several accounts (a bank's daily MT940 for both the
common-fund and the maintenance-fund account, say) is read as one statement per account
(``Statement.parts``), each posted to the ledger account its number maps to; when two would
land on the same ledger account (no mapping, or ``--account``) the file is refused rather than
mixing two bank accounts.

==========  =================================  ===================================================
format      parsed with                        ``serial:`` (de-duplication key)
==========  =================================  ===================================================
CAMT.053    :mod:`xml.etree.ElementTree`       ``Ntry/AcctSvcrRef``, else ``Ntry/NtryRef``, else
            ``iterparse`` (streamed; any       the transaction's ``Refs/AcctSvcrRef``, else
            version ``.001.02`` … ``.08``)     ``e2e:`` + ``EndToEndId`` (unless NOTPROVIDED)
OFX         our reader (SGML and XML)          ``FITID``
MT940       our reader (line by line)          the bank reference (``//…`` in ``:61:``)
==========  =================================  ===================================================

A reference that is empty, ``NONREF`` or ``NOTPROVIDED`` is no serial: such rows are
de-duplicated by their content and its occurrence number in the file
(:func:`importers.base.content_serial`), so four ``//NONREF`` rows stay four rows.

Signs: CAMT amounts are unsigned and take their sign from ``CdtDbtInd`` (``CRDT`` into the
account); OFX ``TRNAMT`` is signed; MT940 ``C``/``D`` (``RC``/``RD`` reversals: ``RC`` takes money
out, ``RD`` puts it back). Only booked CAMT entries (``Sts`` = ``BOOK``) are imported; pending
ones are counted as read and skipped. Balances: the opening balance (CAMT ``OPBD``/``PRCD``,
MT940 ``:60F:``) becomes a ``balance`` assertion at the first row's day and the closing one
(CAMT ``CLBD``, OFX ``LEDGERBAL``, MT940 ``:62F:``) the day after the last, when their currency
is the statement's. The statement's currency is the file's own (``Ccy``, ``CURDEF``,
``:60F:``), never assumed.

Row numbers are the line of the file on which the entry starts (``<Ntry>``, ``<STMTTRN>``,
``:61:``), so ``file:row: column: reason`` points an editor at it. A malformed entry (amount
or date that does not parse, missing credit/debit mark) is a rejected row; the file's other
rows are read (``--skip-bad-rows`` writes them). We read OFX and MT940 ourselves because the
libraries refuse whole files for an empty tag, an empty balance, an amount without decimals
(``107,``), a funds code (``CR``) or SWIFT ``{1:…}{4:`` blocks, some with their internal
messages, and accept ``25,0x3`` as 25.0.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from importers.base import SourceImporter
from importers.payapps import number_repeats
from importers.readers import MAX_ROWS, open_source
from importers.records import RowError, Skipped, SourceError, Statement, StatementRow

DEFAULT_BANK_ACCOUNT = "Assets:Bank:Trust"
NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NONE", "N/A"})


def _head(filepath: str) -> str:
    try:
        return open_source(filepath).text_head()[:4096].lstrip("\ufeff")
    except SourceError:
        return ""


def _encoding(filepath: str) -> str:
    """UTF-8, GB18030 or Windows-1252: the first the file's first bytes decode in."""
    source = open_source(filepath)
    source.check_limits()
    head = source.head
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030", "cp1252"):
        try:
            head[: len(head) - 3 if len(head) == len(head.rstrip()) else len(head)].decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "cp1252"


def _lines(filepath: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of a text file, streamed, in the encoding its first bytes show."""
    encoding = _encoding(filepath)
    try:
        handle = open(filepath, encoding=encoding, errors="replace", newline="")  # noqa: SIM115
    except OSError as exc:
        raise SourceError(filepath, f"cannot read: {exc.strerror or exc}") from None
    with handle:
        for number, line in enumerate(handle, 1):
            yield number, line.rstrip("\r\n")


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)


def _decimal(text: str | None) -> Decimal | None:
    """An ASCII decimal number (``Decimal`` alone would also take full-width digits)."""
    if text is None or not _NUMBER.fullmatch(text.strip()):
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _cents(value: Decimal) -> Decimal:
    """At least two decimals (``9`` → ``9.00``), more kept as the bank gave them."""
    return value.quantize(Decimal("0.01")) if value.as_tuple().exponent > -2 else value  # type: ignore[operator]


def _reference(text: str | None) -> str | None:
    """A bank reference, or None for an empty one or a placeholder (NONREF, NOTPROVIDED)."""
    value = (text or "").strip()
    return None if value.upper() in NO_REFERENCE else value


Balance = tuple[date, Decimal, str]  # day, signed amount, currency


def split_by_account(
    out: Statement,
    accounts: list[str],
    closings: dict[str, Balance],
    openings: dict[str, Balance] | None = None,
    currencies: dict[str, str] | None = None,
    derive_opening: bool = False,
) -> Statement:
    """``out`` (rows tagged ``extra["account"]``) as one statement per account, with each
    account's opening and closing balance when its currency is the account's (with
    ``derive_opening``, a file that states no opening balance gets the closing balance less
    the rows up to its day)."""
    openings = openings or {}
    currencies = currencies or {}
    parts = []
    for number in accounts or [""]:
        rows = (
            [row for row in out.rows if row.extra.get("account", "") == number]
            if accounts
            else out.rows
        )
        closing, opening = closings.get(number), openings.get(number)
        currency = currencies.get(number) or (
            rows[0].currency
            if rows
            else (closing[2] if closing else opening[2] if opening else out.currency)
        )
        part = Statement(
            file=out.file,
            kind=out.kind,
            rows=rows,
            account_number=number or None,
            currency=currency,
            currency_source="file" if currency else "",
            date_column=out.date_column,
        )
        if closing is not None and closing[2] == currency:
            part.closing_date, part.closing_balance = closing[0], closing[1]
        if opening is not None and opening[2] == currency:
            part.opening_date, part.opening_balance = opening[0], opening[1]
        elif derive_opening and part.closing_balance is not None and part.closing_date:
            # no opening balance in the file (OFX): the closing one less the rows up to it
            moved = sum((r.amount for r in rows if r.date <= part.closing_date), Decimal(0))
            part.opening_balance = part.closing_balance - moved
        part.rows_read = len(rows)
        parts.append(part)
    if len(parts) == 1:
        parts[0].rows_read, parts[0].errors = out.rows_read, out.errors
        parts[0].skipped = out.skipped
        return parts[0]
    return Statement(
        file=out.file,
        kind=out.kind,
        rows=out.rows,
        errors=out.errors,
        rows_read=out.rows_read,
        currency=out.currency,
        date_column=out.date_column,
        skipped=out.skipped,
        parts=parts,
    )


class _StatementFile(SourceImporter):
    default_account = DEFAULT_BANK_ACCOUNT

    @staticmethod
    def _count(out: Statement, line: int) -> None:
        out.rows_read += 1
        if out.rows_read > MAX_ROWS:
            raise SourceError(
                out.file,
                f"more than {MAX_ROWS:,} entries: too large to import in one piece; "
                "export it again in shorter periods",
                row=line,
            )


# --------------------------------------------------------------------------------------------
# CAMT.053


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, *path: str) -> ET.Element | None:
    """The first descendant along ``path`` (local names, namespace ignored)."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _children(element: ET.Element | None, name: str) -> Iterator[ET.Element]:
    if element is None:
        return iter(())
    return (c for c in element if _local(c.tag) == name)


def _text(element: ET.Element | None, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _camt_date(element: ET.Element | None) -> date | None:
    """A ``DateAndDateTimeChoice``: ``<Dt>2014-12-31</Dt>`` or ``<DtTm>2014-12-31T13:15:00+01:00</DtTm>``."""
    text = _text(element, "Dt") or _text(element, "DtTm")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _party_name(party: ET.Element | None) -> str:
    # camt.053.001.02 puts Nm directly under Dbtr/Cdtr; .08 wraps it in Pty.
    return _text(party, "Nm") or _text(party, "Pty", "Nm")


def _account_id(account: ET.Element | None) -> str:
    return _text(account, "Id", "IBAN") or _text(account, "Id", "Othr", "Id")


_NTRY = re.compile(r"<(?:[\w.-]+:)?Ntry[\s>]")


class Camt053Importer(_StatementFile):
    """ISO 20022 ``camt.053`` bank-to-customer statement (any minor version)."""

    importer_name = "camt053"
    needs = "XML in namespace urn:iso:std:iso:20022:tech:xsd:camt.053.* with BkToCstmrStmt"

    def identify(self, filepath: str) -> bool:
        head = _head(filepath)
        return "camt.053" in head and "BkToCstmrStmt" in head

    def read(self, filepath: str) -> Statement:
        open_source(filepath).check_limits()
        # the line of every <Ntry> (iterparse gives none), in document order
        lines = iter([n for n, text in _lines(filepath) for _ in _NTRY.finditer(text)])
        out = Statement(file=filepath, kind=self.importer_name, rows=[], date_column="BookgDt")
        accounts: list[str] = []
        currencies: dict[str, str] = {}
        closings: dict[str, Balance] = {}
        openings: dict[str, Balance] = {}
        path: list[str] = []
        statement: dict[str, object] = {}
        seen_root = False
        try:
            for event, element in ET.iterparse(filepath, events=("start", "end")):
                tag = _local(element.tag)
                if event == "start":
                    path.append(tag)
                    if tag == "BkToCstmrStmt":
                        seen_root = True
                    elif tag == "Stmt":
                        statement = {"number": "", "bals": []}
                    elif tag == "Ntry":
                        element.set("__line__", str(next(lines, 0)))
                    continue
                parent = path[-2] if len(path) > 1 else ""
                path.pop()
                if tag == "Stmt":
                    self._balances(statement, closings, openings)
                    element.clear()
                elif parent != "Stmt":
                    continue
                elif tag == "Acct":
                    number = _account_id(element)
                    statement["number"] = number
                    if number not in accounts:
                        accounts.append(number)
                    if _text(element, "Ccy"):
                        currencies.setdefault(number, _text(element, "Ccy"))
                elif tag == "Bal":
                    statement["bals"].append(element)  # type: ignore[attr-defined]
                elif tag == "Ntry":
                    line = int(element.get("__line__") or 0)
                    self._count(out, line)
                    row = self._entry(element, line, out)
                    if row is not None:
                        row.extra["account"] = str(statement["number"])
                        out.rows.append(row)
                    element.clear()  # an entry is done: memory stays at one entry
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            raise SourceError(filepath, f"not well-formed XML: {exc}", row=line) from None
        if not seen_root:
            raise SourceError(filepath, "no BkToCstmrStmt element: not a camt.053 statement")
        if not accounts:
            raise SourceError(filepath, "no Stmt element")
        out.rows = number_repeats(out.rows)
        return split_by_account(out, accounts, closings, openings, currencies)

    def _balances(
        self,
        statement: dict[str, object],
        closings: dict[str, Balance],
        openings: dict[str, Balance],
    ) -> None:
        number = str(statement["number"])
        bals: list[ET.Element] = statement["bals"]  # type: ignore[assignment]
        closing = self._balance(bals, ("CLBD",))
        if closing is not None and (number not in closings or closing[0] >= closings[number][0]):
            closings[number] = closing  # the latest statement's closing balance holds
        opening = self._balance(bals, ("OPBD", "PRCD"))
        if opening is not None and (number not in openings or opening[0] < openings[number][0]):
            openings[number] = opening  # the earliest statement's opening balance

    @staticmethod
    def _balance(bals: list[ET.Element], codes: tuple[str, ...]) -> Balance | None:
        """The statement's balance of the first type in ``codes``: (day, signed amount, currency)."""
        for code in codes:
            for bal in bals:
                if _text(bal, "Tp", "CdOrPrtry", "Cd") != code:
                    continue
                amount = _decimal(_text(bal, "Amt"))
                day = _camt_date(_child(bal, "Dt"))
                if amount is None or day is None:
                    return None
                if _text(bal, "CdtDbtInd") == "DBIT":
                    amount = -amount
                amt = _child(bal, "Amt")
                return day, _cents(amount), (amt.get("Ccy", "") if amt is not None else "")
        return None

    @staticmethod
    def _entry(entry: ET.Element, line: int, out: Statement) -> StatementRow | None:
        filepath = out.file
        status = _text(entry, "Sts") or _text(entry, "Sts", "Cd")
        amt = _child(entry, "Amt")
        amount = _decimal(amt.text if amt is not None else None)
        if amount is None:
            shown = (amt.text or "").strip() if amt is not None else ""
            out.errors.append(
                RowError(filepath, line, "Amt", f"not an amount: {shown!r}" if shown else "missing")
            )
            return None
        mark = _text(entry, "CdtDbtInd")
        if mark not in ("CRDT", "DBIT"):
            out.errors.append(
                RowError(filepath, line, "CdtDbtInd", f"must be CRDT or DBIT, not {mark!r}")
            )
            return None
        day = _camt_date(_child(entry, "BookgDt")) or _camt_date(_child(entry, "ValDt"))
        if day is None:
            out.errors.append(
                RowError(filepath, line, "BookgDt", "missing or not a date (YYYY-MM-DD)")
            )
            return None
        if status and status != "BOOK":
            out.skipped.append(Skipped(line, f"not booked yet (Sts {status})"))
            return None
        currency = amt.get("Ccy", "") if amt is not None else ""
        if not re.fullmatch(r"[A-Z]{3}", currency):
            out.errors.append(RowError(filepath, line, "Amt", "no currency (Ccy) on the amount"))
            return None
        signed = _cents(amount if mark == "CRDT" else -amount)
        details = _child(entry, "NtryDtls", "TxDtls")
        refs = _child(details, "Refs")
        serial = (
            _reference(_text(entry, "AcctSvcrRef"))
            or _reference(_text(entry, "NtryRef"))
            or _reference(_text(refs, "AcctSvcrRef"))
        )
        if not serial:
            e2e = _reference(_text(refs, "EndToEndId"))
            if e2e:
                serial = "e2e:" + e2e
        parties = _child(details, "RltdPties")
        if mark == "CRDT":
            counterparty = _party_name(_child(parties, "Dbtr"))
            counter_account = _account_id(_child(parties, "DbtrAcct"))
        else:
            counterparty = _party_name(_child(parties, "Cdtr"))
            counter_account = _account_id(_child(parties, "CdtrAcct"))
        remittance = " ".join(
            (u.text or "").strip() for u in _children(_child(details, "RmtInf"), "Ustrd") if u.text
        )
        memo = remittance or _text(entry, "AddtlNtryInf") or _text(details, "AddtlTxInf")
        return StatementRow(
            row=line,
            date=day,
            amount=signed,
            currency=currency,
            counterparty=counterparty,
            counter_account=counter_account,
            memo=memo,
            serial=serial,
        )


# --------------------------------------------------------------------------------------------
# OFX

_OFX_TAG = re.compile(r"<(/?)([A-Za-z0-9.]+)>")
_OFX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def _ofx_value(text: str) -> str:
    """An OFX element's value: up to the next tag or line end; CDATA and entities undone."""
    cdata = _CDATA.match(text.lstrip())
    if cdata:
        return cdata.group(1).strip()
    value = re.split(r"[<\r\n]", text, maxsplit=1)[0]
    return html.unescape(value).strip()


class OfxImporter(_StatementFile):
    """OFX bank or credit-card statement (``OFXHEADER:100`` SGML or ``<?OFX …?>`` XML)."""

    importer_name = "ofx"
    needs = "OFXHEADER:100 or <?OFX ...?> header with <STMTRS>"

    def identify(self, filepath: str) -> bool:
        head = _head(filepath).upper()
        return "OFXHEADER" in head or "<?OFX" in head or "<OFX>" in head

    def read(self, filepath: str) -> Statement:
        out = Statement(file=filepath, kind=self.importer_name, rows=[], date_column="DTPOSTED")
        accounts: list[str] = []
        currencies: dict[str, str] = {}
        closings: dict[str, Balance] = {}
        number, curdef = "", ""
        block: dict[str, str] | None = None
        block_line = 0
        aggregate: list[str] = []  # open aggregates (STMTRS, LEDGERBAL …) for the balance
        balance: dict[str, str] = {}
        found_statement = False
        for line, text in _lines(filepath):
            for match in _OFX_TAG.finditer(text):
                closing, tag = match.group(1) == "/", match.group(2).upper()
                if closing:
                    if tag == "STMTTRN" and block is not None:
                        self._transaction(block, block_line, number, currencies, out)
                        block = None
                    elif tag in ("LEDGERBAL",):
                        self._closing(balance, number, currencies, closings)
                        balance = {}
                    if aggregate and aggregate[-1] == tag:
                        aggregate.pop()
                    continue
                value = _ofx_value(text[match.end() :])
                if tag in ("STMTRS", "CCSTMTRS"):
                    found_statement = True
                    number, curdef = "", ""
                elif tag == "STMTTRN":
                    if block is not None:  # SGML without </STMTTRN>
                        self._transaction(block, block_line, number, currencies, out)
                    block, block_line = {}, line
                elif tag in ("BANKTRANLIST", "LEDGERBAL", "AVAILBAL"):
                    if block is not None:
                        self._transaction(block, block_line, number, currencies, out)
                        block = None
                    aggregate.append(tag)
                elif tag == "ACCTID" and block is None:
                    number = value
                    if number not in accounts:
                        accounts.append(number)
                    if curdef:
                        currencies.setdefault(number, curdef)
                elif tag == "CURDEF" and block is None:
                    curdef = value.upper()
                    if number:
                        currencies[number] = curdef
                elif block is not None:
                    block.setdefault(tag, value)
                elif aggregate and aggregate[-1] == "LEDGERBAL" and tag in ("BALAMT", "DTASOF"):
                    balance[tag] = value
        if block is not None:
            self._transaction(block, block_line, number, currencies, out)
        if not found_statement:
            raise SourceError(filepath, "no account statement (<STMTRS> or <CCSTMTRS>) in the file")
        out.rows = number_repeats(
            [
                row
                if row.currency
                else replace(row, currency=currencies.get(row.extra["account"], ""))
                for row in out.rows
            ]
        )
        return split_by_account(out, accounts, closings, None, currencies, derive_opening=True)

    def _transaction(
        self,
        block: dict[str, str],
        line: int,
        number: str,
        currencies: dict[str, str],
        out: Statement,
    ) -> None:
        self._count(out, line)
        amount_text = block.get("TRNAMT", "")
        errors = []
        amount = _decimal(amount_text)
        if not amount_text:
            errors.append(RowError(out.file, line, "TRNAMT", "missing"))
        elif amount is None:
            errors.append(RowError(out.file, line, "TRNAMT", f"not an amount: {amount_text!r}"))
        posted = block.get("DTPOSTED", "")
        match = _OFX_DATE.match(posted)
        day = None
        if match:
            try:
                day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                day = None
        if day is None:
            reason = f"not a date (YYYYMMDD[HHMMSS]): {posted!r}" if posted else "missing"
            errors.append(RowError(out.file, line, "DTPOSTED", reason))
        if errors or amount is None or day is None:
            out.errors.extend(errors)
            return
        counterparty = block.get("NAME", "") or block.get("PAYEE", "")
        memo = block.get("MEMO", "")
        if memo == counterparty:
            memo = ""
        extra = {"type": block.get("TRNTYPE", ""), "account": number}
        if block.get("CHECKNUM"):
            extra["check"] = block["CHECKNUM"]
        currency = (block.get("CURSYM") or "").upper()  # a foreign-currency transaction
        out.rows.append(
            StatementRow(
                row=line,
                date=day,  # the bank's local day, as written
                amount=_cents(amount),
                currency=currency or currencies.get(number, ""),
                counterparty=counterparty,
                memo=memo,
                serial=_reference(block.get("FITID")),
                extra=extra,
            )
        )

    @staticmethod
    def _closing(
        balance: dict[str, str],
        number: str,
        currencies: dict[str, str],
        closings: dict[str, Balance],
    ) -> None:
        amount = _decimal(balance.get("BALAMT"))
        match = _OFX_DATE.match(balance.get("DTASOF", ""))
        if amount is None or match is None:
            return  # an empty balance asserts nothing
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return
        closings[number] = (day, _cents(amount), currencies.get(number, ""))


# --------------------------------------------------------------------------------------------
# MT940

#: ``{1:…}{2:…}{3:{…}}{4:`` before the first field of a message, and ``-}`` / ``{5:…}`` after it
_SWIFT_OPEN = re.compile(r"^(?:\{[1-3]:(?:[^{}]|\{[^{}]*\})*\})*\{4:")
_SWIFT_END = re.compile(r"^-\}?(\{5:.*)?$|^\{5:")
_FIELD = re.compile(r"^:(\d{2}[A-Z]?|NS):")
# :61: value date YYMMDD, optional entry date MMDD, mark (C, D, RC, RD, EC, ED), optional funds
# code, amount (decimal comma; "107," or "107" without decimals too), transaction type (N/S/F
# + 3 characters), customer reference, optional //bank reference.
_MT940_61 = re.compile(
    r"^(?P<date>\d{6})(?P<entry>\d{4})?(?P<mark>R?[CD]|E[CD])(?P<funds>[A-Z])?"
    r"(?P<amount>\d{1,15}(?:[,.]\d*)?)(?P<type>[NSF][A-Z0-9]{3})(?P<refs>.*)$"
)
_MT940_BALANCE = re.compile(
    r"^(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d{1,15}(?:[,.]\d*)?)$"
)
_SUBFIELD = re.compile(r"\?(\d{2})")
_SLASH_CODE = re.compile(r"/(CNTP|NAME|REMI|IBAN|BIC|EREF|TRTP|ADDR|MARF|CSID|ORDP|BENM|ID)/")


def _mt940_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%y%m%d").date()
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    return _decimal(text.replace(",", ".").rstrip(".") or "0")


def _entry_day(value: date, entry: str) -> date:
    """The booking day ``MMDD`` near the value day (a year boundary may lie between them)."""
    month, day = int(entry[:2]), int(entry[2:])
    year = value.year
    if month - value.month > 6:
        year -= 1
    elif value.month - month > 6:
        year += 1
    try:
        return date(year, month, day)
    except ValueError:
        return value


def _details(text: str) -> tuple[str, str, str]:
    """(memo, counterparty, counter account) from a ``:86:`` field: structured ``?NN`` subfields
    (German GVC: ?20–?29 and ?60–?63 purpose, ?32/?33 name, ?31 account), ``/NAME/…/REMI/…``
    codes (Dutch banks), else the text itself."""
    flat = " ".join(part.strip() for part in text.splitlines())
    if _SUBFIELD.search(flat) and flat.find("?") < 8:
        parts: dict[str, list[str]] = {}
        pieces = _SUBFIELD.split(flat)
        for code, value in zip(pieces[1::2], pieces[2::2], strict=False):
            parts.setdefault(code, []).append(value.strip())
        purpose = [
            v for c in sorted(parts) if "20" <= c <= "29" or "60" <= c <= "63" for v in parts[c]
        ]
        memo = " ".join(v for v in purpose if v) or " ".join(parts.get("00", []))
        name = " ".join(v for c in ("32", "33") for v in parts.get(c, []) if v)
        return memo, name, " ".join(parts.get("31", []))
    if _SLASH_CODE.search(flat):
        codes: dict[str, str] = {}
        pieces = _SLASH_CODE.split(flat)
        for code, value in zip(pieces[1::2], pieces[2::2], strict=False):
            codes.setdefault(code, value.strip().strip("/").strip())
        return codes.get("REMI", flat), codes.get("NAME", ""), codes.get("IBAN", "")
    return " ".join(flat.split()), "", ""


class _Mt940Reader:
    """The state of reading one MT940 file: field by field, statement by statement."""

    def __init__(self, out: Statement) -> None:
        self.out = out
        self.account = ""
        self.started = False
        self.accounts: list[str] = []
        self.currencies: dict[str, str] = {}
        self.closings: dict[str, Balance] = {}
        self.openings: dict[str, Balance] = {}
        self.last: int | None = None  # index in out.rows of the row the next :86: belongs to

    def field(self, tag: str, line: int, text: str) -> None:
        if tag == "20":
            self.started = True
            self.last = None
        elif tag == "25":
            self.account = text.strip()
            if self.account not in self.accounts:
                self.accounts.append(self.account)
            self.last = None
        elif tag[:2] in ("60", "62"):
            self.balance(tag, text)
            self.last = None
        elif tag == "61":
            self.out.rows_read += 1
            if self.out.rows_read > MAX_ROWS:
                raise SourceError(
                    self.out.file,
                    f"more than {MAX_ROWS:,} entries: too large to import in one piece; "
                    "export it again in shorter periods",
                    row=line,
                )
            row = self.statement_line(text, line)
            self.last = None
            if row is not None:
                self.out.rows.append(row)
                self.last = len(self.out.rows) - 1
        elif tag in ("86", "NS") and self.last is not None:
            self.details(tag, text)

    def balance(self, tag: str, text: str) -> None:
        match = _MT940_BALANCE.match(text.strip())
        if match is None:
            return  # a malformed or currency-less balance asserts nothing
        day = _mt940_day(match.group("date"))
        amount = _amount(match.group("amount"))
        if day is None or amount is None:
            return
        signed = _cents(-amount if match.group("mark") == "D" else amount)
        balance = (day, signed, match.group("currency"))
        account = self.account
        self.currencies.setdefault(account, match.group("currency"))
        if tag == "60F" and (account not in self.openings or day < self.openings[account][0]):
            self.openings[account] = balance
        elif tag == "62F" and (account not in self.closings or day >= self.closings[account][0]):
            self.closings[account] = balance

    def statement_line(self, text: str, line: int) -> StatementRow | None:
        out = self.out
        first, _, supplementary = text.partition("\n")
        match = _MT940_61.match(first.strip())
        if match is None:
            reason = "not a SWIFT statement line (YYMMDD[MMDD] C|D|RC|RD amount,dd Nxxx reference)"
            shape = re.match(r"^\d{6}(\d{4})?(R?[CD]|E[CD])[A-Z]?([^NSF]*)", first.strip())
            if shape and not re.fullmatch(r"\d{1,15}([,.]\d*)?", shape.group(3)):
                reason = f"amount is not digits with a decimal comma: {shape.group(3)!r}"
            out.errors.append(RowError(out.file, line, "field 61", reason, (first,)))
            return None
        value = _mt940_day(match.group("date"))
        if value is None:
            reason = f"not a date (YYMMDD): {match.group('date')!r}"
            out.errors.append(RowError(out.file, line, "field 61", reason, (first,)))
            return None
        day = _entry_day(value, match.group("entry")) if match.group("entry") else value
        amount = _amount(match.group("amount"))
        if amount is None:
            reason = f"not an amount: {match.group('amount')!r}"
            out.errors.append(RowError(out.file, line, "field 61", reason, (first,)))
            return None
        mark = match.group("mark")
        # C and RD (reversal of a debit) put money in; D and RC take it out
        signed = amount if mark in ("C", "RD", "EC") else -amount
        customer, _, bank = match.group("refs").partition("//")
        extra = {"code": match.group("type"), "account": self.account}
        if _reference(customer):
            extra["reference"] = customer.strip()
        return StatementRow(
            row=line,
            date=day,
            amount=_cents(signed),
            currency=self.currencies.get(self.account, ""),
            memo=" ".join(supplementary.split()),
            serial=_reference(bank.strip()[:16] if bank else ""),
            extra=extra,
        )

    def details(self, tag: str, text: str) -> None:
        assert self.last is not None
        row = self.out.rows[self.last]
        if tag == "86":
            memo, name, counter = _details(text)
        else:  # :NS: lines "01Verwendungszweck 1": a two-digit code, then the text
            memo = " ".join(
                part[2:].strip() if part[:2].isdigit() else part.strip()
                for part in text.splitlines()
                if part.strip()
            )
            name, counter = "", ""
        memo = " ".join(f"{row.memo} {memo}".split())
        self.out.rows[self.last] = replace(
            row,
            memo=memo,
            counterparty=name or row.counterparty,
            counter_account=counter or row.counter_account,
        )


class Mt940Importer(_StatementFile):
    """SWIFT MT940 customer statement (``.sta``/``.mt940``), one or more accounts."""

    importer_name = "mt940"
    needs = "SWIFT MT940 tags :20:, :25:, :60F: and :61: lines"

    def identify(self, filepath: str) -> bool:
        head = _head(filepath)
        head = re.sub(r"(?m)^(?:\{[1-3]:(?:[^{}]|\{[^{}]*\})*\})*\{4:", "", head)
        return bool(
            re.search(r"^:20:", head, re.M)
            and re.search(r"^:25:", head, re.M)
            and re.search(r"^:6[01]", head, re.M)
        )

    def read(self, filepath: str) -> Statement:
        out = Statement(file=filepath, kind=self.importer_name, rows=[], date_column="field 61")
        reader = _Mt940Reader(out)
        tag, start = "", 0
        lines: list[str] = []
        for number, raw in _lines(filepath):
            text = _SWIFT_OPEN.sub("", raw)
            match = _FIELD.match(text)
            if match or _SWIFT_END.match(text.strip()):
                if tag:
                    reader.field(tag, start, "\n".join(lines))
                tag, start, lines = "", 0, []
                if match:
                    tag, start, lines = match.group(1), number, [text[match.end() :]]
            elif tag:
                lines.append(text)
        if tag:
            reader.field(tag, start, "\n".join(lines))
        if not reader.started:
            raise SourceError(filepath, "no :20: field: not an MT940 statement")
        out.rows = [
            row
            if row.currency
            else replace(row, currency=reader.currencies.get(row.extra["account"], ""))
            for row in out.rows
        ]
        return split_by_account(
            out, reader.accounts, reader.closings, reader.openings, reader.currencies
        )
