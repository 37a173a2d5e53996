"""Standard bank statement formats: ISO 20022 CAMT.053, OFX (1.x SGML and 2.x XML) and SWIFT MT940.

For banks that offer them, these are better than a spreadsheet export: the amounts are exact,
the sign is explicit and every entry carries the bank's own reference. Each importer reads a
statement file into :class:`importers.records.Statement`, and the shared builder in
:mod:`importers.base` turns the rows into transactions on the ledger account of that statement
(``--account``, the import rules, or an Open carrying ``account-number:``; the default is
``Assets:Bank:Trust``). A file holding several accounts (a bank's daily MT940 for both the
common-fund and the maintenance-fund account, say) is read as one statement per account
(:class:`MultiAccountStatement`), each posted to the ledger account its number maps to; when
two would land on the same ledger account (no mapping, or ``--account``) the file is refused
rather than mixing two bank accounts.

==========  ===================================  =================================================
format      parsed with                          ``serial:`` (de-duplication key)
==========  ===================================  =================================================
CAMT.053    :mod:`xml.etree.ElementTree`         ``Ntry/AcctSvcrRef``, else ``Ntry/NtryRef``, else
            (namespace-agnostic, any version     the transaction's ``Refs/AcctSvcrRef``, else
            ``camt.053.001.02`` … ``.08``)       ``e2e:`` + ``EndToEndId`` (unless NOTPROVIDED)
OFX         ``ofxparse``                         ``FITID``
MT940       ``mt-940``                           the bank reference (``//…`` in ``:61:``)
==========  ===================================  =================================================

Where there is no reference the builder hashes the row's content (see
:func:`importers.base.content_serial`). Signs: CAMT amounts are unsigned and take their sign
from ``CdtDbtInd`` (``CRDT`` into the account); OFX ``TRNAMT`` and MT940 ``C``/``D`` (``RC``/``RD``
for reversals) are already signed. Only booked CAMT entries (``Sts`` = ``BOOK``) are imported;
pending ones are counted as read and left out. The closing booked balance (CAMT ``CLBD``, OFX
``LEDGERBAL``, MT940 ``:62F:``) becomes a ``balance`` assertion, when its currency is the
statement's.

Row numbers are the line of the file on which the entry starts (``<Ntry>``, ``<STMTTRN>``,
``:61:``), so ``file:row: column: reason`` points an editor at it. A malformed entry (amount
or date that does not parse, missing credit/debit mark) stops the file: the parsers are strict
where the libraries are lenient (``mt-940`` would read ``25,0x3`` as 25.0, so every ``:61:``
line is checked against the SWIFT layout first).
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from beancount.core import data

from importers.base import SourceImporter
from importers.payapps import number_repeats
from importers.records import RowError, SourceError, Statement, StatementRow

DEFAULT_BANK_ACCOUNT = "Assets:Bank:Trust"
_HEAD_BYTES = 4096


def _head(filepath: str, size: int = _HEAD_BYTES) -> str:
    try:
        with open(filepath, "rb") as handle:
            raw = handle.read(size)
    except OSError:
        return ""
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff")


def _read_text(filepath: str) -> str:
    try:
        raw = Path(filepath).read_bytes()
    except OSError as exc:
        raise SourceError(filepath, f"cannot read: {exc.strerror or exc}") from exc
    for encoding in ("utf-8-sig", "gb18030", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(filepath, "wrong encoding: neither UTF-8, GB18030 nor Windows-1252")


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


def _line_numbers(text: str, pattern: re.Pattern[str]) -> list[int]:
    """1-based line numbers of every match of ``pattern`` in ``text``, in order."""
    numbers = []
    for match in pattern.finditer(text):
        numbers.append(text.count("\n", 0, match.start()) + 1)
    return numbers


Closing = tuple[date, Decimal, str]  # day the balance holds at the end of, amount, currency


@dataclass
class MultiAccountStatement(Statement):
    """A file with statements of several accounts: ``parts`` holds one statement per account
    (``rows`` all of them, for counting)."""

    parts: list[Statement] = field(default_factory=list)


def split_by_account(
    out: Statement, accounts: list[str], closings: dict[str, Closing]
) -> Statement:
    """``out`` (rows tagged ``extra["account"]``) as one statement per account, with each
    account's closing balance when its currency is the account's."""
    parts = []
    for number in accounts or [""]:
        rows = (
            [row for row in out.rows if row.extra.get("account", "") == number]
            if accounts
            else out.rows
        )
        closing = closings.get(number)
        currency = rows[0].currency if rows else (closing[2] if closing else out.currency)
        part = Statement(
            file=out.file,
            kind=out.kind,
            rows=rows,
            account_number=number or None,
            currency=currency,
        )
        if closing is not None and closing[2] == currency:
            part.closing_date, part.closing_balance = closing[0], closing[1]
        part.rows_read = len(rows)
        parts.append(part)
    if len(parts) == 1:
        parts[0].rows_read, parts[0].errors = out.rows_read, out.errors
        return parts[0]
    return MultiAccountStatement(
        file=out.file,
        kind=out.kind,
        rows=out.rows,
        errors=out.errors,
        rows_read=out.rows_read,
        currency=out.currency,
        parts=parts,
    )


class _PerAccount(SourceImporter):
    """Builds each account's statement of a multi-account file on its own ledger account."""

    default_account = DEFAULT_BANK_ACCOUNT

    def build(self, statement: Statement, filepath: str) -> list[data.Directive]:
        parts: list[Statement] = getattr(statement, "parts", [])
        if not parts:
            return super().build(statement, filepath)
        targets = [self.statement_account(part) for part in parts]
        if len(set(targets)) < len(targets):
            numbers = ", ".join(part.account_number or "?" for part in parts)
            raise SourceError(
                filepath,
                f"the file holds accounts {numbers}: map each account number to its own ledger account "
                "(import-rules.toml [accounts], or account-number: on its Open)",
            )
        entries: list[data.Directive] = []
        for part in parts:
            entries.extend(super().build(part, filepath))
        return entries


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


class Camt053Importer(_PerAccount):
    """ISO 20022 ``camt.053`` bank-to-customer statement (any minor version)."""

    importer_name = "camt053"
    needs = "XML in namespace urn:iso:std:iso:20022:tech:xsd:camt.053.* with BkToCstmrStmt"
    default_account = DEFAULT_BANK_ACCOUNT

    def identify(self, filepath: str) -> bool:
        head = _head(filepath)
        return "camt.053" in head and "BkToCstmrStmt" in head

    def read(self, filepath: str) -> Statement:
        text = _read_text(filepath)  # for the line numbers of the entries
        try:
            root = ET.fromstring(Path(filepath).read_bytes())  # the XML declaration's encoding
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            raise SourceError(filepath, f"not well-formed XML: {exc}", row=line) from exc
        container = _child(root, "BkToCstmrStmt")
        if container is None:
            raise SourceError(filepath, "no BkToCstmrStmt element: not a camt.053 statement")
        statements = list(_children(container, "Stmt"))
        if not statements:
            raise SourceError(filepath, "no Stmt element")
        lines = iter(_line_numbers(text, _NTRY))
        out = Statement(file=filepath, kind=self.importer_name, rows=[])
        accounts: list[str] = []
        closings: dict[str, Closing] = {}
        for stmt in statements:
            number = _account_id(_child(stmt, "Acct"))
            if number not in accounts:
                accounts.append(number)
            for entry in _children(stmt, "Ntry"):
                line = next(lines, 0)
                out.rows_read += 1
                row = self._entry(entry, line, filepath, out)
                if row is not None:
                    row.extra["account"] = number
                    out.rows.append(row)
            found = self._closing(stmt)
            if found is not None and (number not in closings or found[0] >= closings[number][0]):
                closings[number] = found  # the latest statement's closing balance holds
        out.rows = number_repeats(out.rows)
        return split_by_account(out, accounts, closings)

    @staticmethod
    def _closing(stmt: ET.Element) -> tuple[date, Decimal, str] | None:
        """The statement's closing booked balance (CLBD): (day, signed amount, currency)."""
        for bal in _children(stmt, "Bal"):
            if _text(bal, "Tp", "CdOrPrtry", "Cd") != "CLBD":
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
    def _entry(entry: ET.Element, line: int, filepath: str, out: Statement) -> StatementRow | None:
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
            return None  # pending or informational: not money yet
        currency = (amt.get("Ccy", "") if amt is not None else "") or "CNY"
        signed = _cents(amount if mark == "CRDT" else -amount)
        details = _child(entry, "NtryDtls", "TxDtls")
        refs = _child(details, "Refs")
        serial = (
            _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef") or _text(refs, "AcctSvcrRef")
        )
        if not serial:
            e2e = _text(refs, "EndToEndId")
            if e2e and e2e.upper() != "NOTPROVIDED":
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
            serial=serial or None,
        )


# --------------------------------------------------------------------------------------------
# OFX

_STMTTRN = re.compile(r"<STMTTRN>", re.IGNORECASE)
_OFX_FIELD = {
    name: re.compile(rf"<{name}>\s*([^<\r\n]*)", re.IGNORECASE)
    for name in ("TRNAMT", "DTPOSTED", "FITID")
}
_OFX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")


class OfxImporter(_PerAccount):
    """OFX bank statement (``OFXHEADER:100`` SGML or ``<?OFX …?>`` XML), one account."""

    importer_name = "ofx"
    needs = "OFXHEADER:100 or <?OFX ...?> header with <STMTRS>"
    default_account = DEFAULT_BANK_ACCOUNT

    def identify(self, filepath: str) -> bool:
        head = _head(filepath).upper()
        return "OFXHEADER" in head or "<?OFX" in head or "<OFX>" in head

    def read(self, filepath: str) -> Statement:
        import ofxparse

        text = _read_text(filepath)
        out = Statement(file=filepath, kind=self.importer_name, rows=[])
        blocks = self._blocks(text)
        days = [self._check_block(filepath, line, block, out) for line, block in blocks]
        if out.errors:
            out.rows_read = len(blocks)
            return out
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # bs4's "XML parsed as HTML" on OFX 2 files
                with open(filepath, "rb") as handle:
                    ofx = ofxparse.OfxParser.parse(handle)
        except Exception as exc:  # ofxparse raises bare Exceptions on malformed headers
            raise SourceError(filepath, f"not a readable OFX statement: {exc}") from exc
        accounts = list(getattr(ofx, "accounts", []) or [])
        if not accounts:
            raise SourceError(filepath, "no account statement (<STMTRS>) in the file")
        blocks_left = iter(zip(blocks, days, strict=True))
        numbers: list[str] = []
        closings: dict[str, Closing] = {}
        for account in accounts:
            statement = account.statement
            currency = (
                getattr(statement, "currency", "") or getattr(account, "curdef", "") or "CNY"
            ).upper()
            number = str(account.account_id or "")
            numbers.append(number)
            for txn in statement.transactions:
                (line, _block), day = next(blocks_left, ((0, ""), None))
                out.rows_read += 1
                counterparty = (txn.payee or "").strip()
                memo = (txn.memo or "").strip()
                if memo == counterparty:
                    memo = ""
                extra = {"type": str(txn.type or ""), "account": number}
                if txn.checknum:
                    extra["check"] = str(txn.checknum)
                out.rows.append(
                    StatementRow(
                        row=line,
                        date=day or txn.date.date(),  # the bank's local day, not ofxparse's UTC
                        amount=_cents(Decimal(txn.amount)),
                        currency=currency,
                        counterparty=counterparty,
                        memo=memo,
                        serial=(str(txn.id).strip() or None) if txn.id else None,
                        extra=extra,
                    )
                )
            balance = getattr(statement, "balance", None)
            balance_date = getattr(statement, "balance_date", None)
            if balance is not None and balance_date is not None:
                closings[number] = (balance_date.date(), _cents(Decimal(balance)), currency)
        if out.rows_read != len(blocks):
            raise SourceError(
                filepath,
                f"ofxparse read {out.rows_read} transactions, the file has {len(blocks)} <STMTTRN>",
            )
        return split_by_account(out, numbers, closings)

    @staticmethod
    def _blocks(text: str) -> list[tuple[int, str]]:
        starts = [m.start() for m in _STMTTRN.finditer(text)]
        blocks = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            close = text.upper().find("</STMTTRN>", start, end)
            blocks.append(
                (text.count("\n", 0, start) + 1, text[start : close if close >= 0 else end])
            )
        return blocks

    @staticmethod
    def _check_block(filepath: str, line: int, block: str, out: Statement) -> date | None:
        """Check one ``<STMTTRN>`` block's amount and date; return its posting day."""
        values = {}
        for name, pattern in _OFX_FIELD.items():
            match = pattern.search(block)
            values[name] = match.group(1).strip() if match else ""
        if not values["TRNAMT"]:
            out.errors.append(RowError(filepath, line, "TRNAMT", "missing"))
        elif not _NUMBER.fullmatch(values["TRNAMT"]):
            out.errors.append(
                RowError(filepath, line, "TRNAMT", f"not an amount: {values['TRNAMT']!r}")
            )
        match = _OFX_DATE.match(values["DTPOSTED"])
        day = None
        if match:
            try:
                day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                day = None
        if day is None:
            shown = values["DTPOSTED"]
            reason = f"not a date (YYYYMMDD[HHMMSS]): {shown!r}" if shown else "missing"
            out.errors.append(RowError(filepath, line, "DTPOSTED", reason))
        return day


# --------------------------------------------------------------------------------------------
# MT940

# :61: value date YYMMDD, optional entry date MMDD, mark (C, D, RC, RD), optional funds code
# letter, amount with decimal comma, transaction type (N/S/F + 3 characters), customer
# reference, optional //bank reference.
_MT940_61 = re.compile(
    r"^:61:(?P<date>\d{6})(?P<entry>\d{4})?(?P<mark>R?[CD])(?P<funds>[A-Z])?"
    r"(?P<amount>\d{1,15},\d{0,2})(?P<type>[NSF][A-Z0-9]{3})(?P<rest>.*)$"
)
_MT940_62F = re.compile(
    r"^:62F:(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d{1,15},\d{0,2})$"
)


def _mt940_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%y%m%d").date()
    except ValueError:
        return None


class Mt940Importer(_PerAccount):
    """SWIFT MT940 customer statement (``.sta``/``.mt940``), one account."""

    importer_name = "mt940"
    needs = "SWIFT MT940 tags :20:, :25:, :60F: and :61: lines"
    default_account = DEFAULT_BANK_ACCOUNT

    def identify(self, filepath: str) -> bool:
        head = _head(filepath)
        return bool(
            re.search(r"^:20:", head, re.M)
            and re.search(r"^:25:", head, re.M)
            and re.search(r"^:6[01]", head, re.M)
        )

    def read(self, filepath: str) -> Statement:
        import mt940

        text = _read_text(filepath)
        out = Statement(file=filepath, kind=self.importer_name, rows=[])
        lines = []
        for number, content in enumerate(text.splitlines(), 1):
            if not content.startswith(":61:"):
                continue
            lines.append(number)
            match = _MT940_61.match(content.rstrip())
            if match is None:
                reason = (
                    "not a SWIFT statement line (YYMMDD[MMDD] C|D|RC|RD amount,dd Nxxx reference)"
                )
                amount = re.match(r"^:61:\d{6}(\d{4})?R?[CD][A-Z]?([^NSF]*)", content)
                if amount and not re.fullmatch(r"\d{1,15},\d{0,2}", amount.group(2)):
                    reason = f"amount is not digits with a decimal comma: {amount.group(2)!r}"
                out.errors.append(RowError(filepath, number, "field 61", reason))
            elif _mt940_day(match.group("date")) is None:
                out.errors.append(
                    RowError(
                        filepath,
                        number,
                        "field 61",
                        f"not a date (YYMMDD): {match.group('date')!r}",
                    )
                )
        if out.errors:
            out.rows_read = len(lines)
            return out
        try:
            transactions = mt940.models.Transactions()
            transactions.parse(text)
        except Exception as exc:  # the library raises plain exceptions on malformed tags
            raise SourceError(filepath, f"not a readable MT940 statement: {exc}") from exc
        items = list(transactions)
        if len(items) != len(lines):
            raise SourceError(
                filepath,
                f"mt-940 read {len(items)} transactions, the file has {len(lines)} :61: lines",
            )
        account_at, accounts, closings = self._accounts(text)
        for line, item in zip(lines, items, strict=True):
            out.rows_read += 1
            info = item.data
            amount = info["amount"]
            day = info.get("date")
            if day is None:
                raise SourceError(
                    filepath,
                    "mt-940 gave a statement line without a date",
                    row=line,
                    column="field 61",
                )
            memo = str(info.get("transaction_details") or info.get("non_swift_text") or "").strip()
            customer = str(info.get("customer_reference") or "").strip()
            bank = str(info.get("bank_reference") or "").strip()
            extra = {"code": str(info.get("id") or ""), "account": account_at(line)}
            if customer and customer.upper() != "NONREF":
                extra["reference"] = customer
            out.rows.append(
                StatementRow(
                    row=line,
                    date=date(day.year, day.month, day.day),
                    amount=_cents(Decimal(amount.amount)),
                    currency=str(amount.currency or "CNY"),
                    memo=" ".join(memo.split()),
                    serial=bank or None,
                    extra=extra,
                )
            )
        return split_by_account(out, accounts, closings)

    @staticmethod
    def _accounts(text: str) -> tuple[Callable[[int], str], list[str], dict[str, Closing]]:
        """(account in force at a line, accounts in file order, last final closing balance
        ``:62F:`` of each account). A ``:62F:`` without a currency code is ignored."""
        starts: list[tuple[int, str]] = []
        closings: dict[str, Closing] = {}
        current = ""
        for number, content in enumerate(text.splitlines(), 1):
            if content.startswith(":25:"):
                current = content[4:].strip()
                starts.append((number, current))
            match = _MT940_62F.match(content.strip())
            if match:
                day = _mt940_day(match.group("date"))
                amount = _decimal(match.group("amount").replace(",", "."))
                if day is not None and amount is not None:
                    signed = -amount if match.group("mark") == "D" else amount
                    closings[current] = (day, _cents(signed), match.group("currency"))
        accounts = list(dict.fromkeys(account for _, account in starts))

        def account_at(line: int) -> str:
            found = ""
            for start, account in starts:
                if start > line:
                    break
                found = account
            return found

        return account_at, accounts, closings
