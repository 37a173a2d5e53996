"""CAMT.053, OFX and MT940: signs, references, and strict row errors where the libraries are lenient."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data

from importers.base import ImportContext
from importers.iso import Camt053Importer, Mt940Importer, OfxImporter
from importers.records import SourceError
from importers.rules import parse_rules

DATA = Path(__file__).resolve().parent.parent / "data" / "sources"

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <Stmt>
      <Acct><Id><Othr><Id>6222021000001234</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{closing}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2025-03-31</Dt></Dt></Bal>
      <Ntry>
        <NtryRef>N-1</NtryRef>
        <Amt Ccy="CNY">{first}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-03-02</Dt></BookgDt>
        <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>张三</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>3-1-101 3月物业费</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <AcctSvcrRef>BANK-2</AcctSvcrRef>
        <Amt Ccy="CNY">80.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><DtTm>2025-03-03T23:30:00+08:00</DtTm></BookgDt>
        <NtryDtls><TxDtls><RltdPties><Cdtr><Pty><Nm>保洁公司</Nm></Pty></Cdtr></RltdPties></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>
        <BookgDt><Dt>2025-03-04</Dt></BookgDt>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def test_camt_signs_references_and_pending(tmp_path: Path) -> None:
    path = tmp_path / "stmt.xml"
    path.write_text(CAMT.format(first="268.50", closing="12.00"), encoding="utf-8")
    importer = Camt053Importer()
    assert importer.identify(str(path))
    assert not OfxImporter().identify(str(path))
    statement = importer.read(str(path))
    assert statement.errors == []
    assert statement.account_number == "6222021000001234"
    assert [(r.row, r.serial, r.amount, r.counterparty) for r in statement.rows] == [
        (7, "N-1", Decimal("268.50"), "张三"),
        (14, "BANK-2", Decimal("-80.00"), "保洁公司"),
    ]
    assert statement.rows[0].memo == "3-1-101 3月物业费"
    assert statement.rows_read == 3  # the pending entry is read, not imported
    assert (statement.closing_balance, str(statement.closing_date)) == (
        Decimal("-12.00"),
        "2025-03-31",
    )


def test_camt_bad_amount_is_a_row_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "stmt.xml"
    path.write_text(CAMT.format(first="26８.50", closing="12.00"), encoding="utf-8")
    statement = Camt053Importer().read(str(path))
    assert [str(e) for e in statement.errors] == [f"{path}:7: Amt: not an amount: '26８.50'"]


def test_camt_not_well_formed_is_a_file_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text(
        CAMT.format(first="1.00", closing="1.00").replace("</Ntry>", "", 1), encoding="utf-8"
    )
    with pytest.raises(SourceError, match="not well-formed XML"):
        Camt053Importer().read(str(broken))


def test_camt_with_two_accounts_posts_each_to_its_own_ledger_account(tmp_path: Path) -> None:
    text = (DATA / "camt" / "camt053.v2.multi.statement.xml").read_text(encoding="utf-8")
    two = tmp_path / "two.xml"
    two.write_text(
        text.replace("<IBAN>NL26VAYB8060476890</IBAN>", "<IBAN>NL00OTHER0000000001</IBAN>", 1),
        encoding="utf-8",
    )
    statement = Camt053Importer().read(str(two))
    assert [p.account_number for p in getattr(statement, "parts", [])] == [
        "NL00OTHER0000000001",
        "NL26VAYB8060476890",
    ]
    with pytest.raises(SourceError, match="map each account number to its own ledger account"):
        Camt053Importer().build(statement, str(two))  # both would land on Assets:Bank:Trust
    rules = parse_rules(
        {
            "accounts": {
                "NL00OTHER0000000001": "Assets:Bank:Trust",
                "NL26VAYB8060476890": "Assets:Bank:Maintenance",
            }
        }
    )
    entries = Camt053Importer(ImportContext(rules=rules)).build(statement, str(two))

    def target(entry: data.Directive) -> str:
        return (
            entry.postings[0].account
            if isinstance(entry, data.Transaction)
            else str(getattr(entry, "account", ""))
        )

    assert [(type(e).__name__, target(e)) for e in entries] == [
        ("Transaction", "Assets:Bank:Trust"),
        ("Balance", "Assets:Bank:Trust"),  # opening (OPBD)
        ("Balance", "Assets:Bank:Trust"),  # closing (CLBD)
        ("Transaction", "Assets:Bank:Maintenance"),
        ("Balance", "Assets:Bank:Maintenance"),
        ("Balance", "Assets:Bank:Maintenance"),
    ]


def test_ofx_bad_amount_and_date_name_the_transaction_line(tmp_path: Path) -> None:
    text = (DATA / "ofx" / "checking.ofx").read_text(encoding="utf-8")
    path = tmp_path / "bad.ofx"
    path.write_text(
        text.replace("<TRNAMT>-34.51", "<TRNAMT>-34,5x").replace(
            "<DTPOSTED>20110407", "<DTPOSTED>2011x407"
        )
    )
    statement = OfxImporter().read(str(path))
    assert [str(e) for e in statement.errors] == [
        f"{path}:54: TRNAMT: not an amount: '-34,5x'",
        f"{path}:62: DTPOSTED: not a date (YYYYMMDD[HHMMSS]): '2011x407120000.000'",
    ]
    assert [row.serial for row in statement.rows] == ["0000486"]  # the good row stays


def test_ofx_uses_fitid_and_the_banks_local_day() -> None:
    statement = OfxImporter().read(str(DATA / "ofx" / "bank_medium.ofx"))
    first = statement.rows[0]
    assert (first.serial, str(first.date), first.amount) == (
        "0000123456782009040100001",
        "2009-04-01",
        Decimal("-6.60"),
    )
    assert statement.currency == "CAD"


def test_mt940_rejects_what_the_library_would_misread(tmp_path: Path) -> None:
    text = (DATA / "mt940" / "ing.sta").read_text(encoding="utf-8")
    path = tmp_path / "bad.sta"
    path.write_text(
        text.replace(":61:100722D25,03NTRFNONREF", ":61:100722D25,0x3NTRFNONREF"), encoding="utf-8"
    )
    statement = Mt940Importer().read(str(path))
    assert [str(e) for e in statement.errors] == [
        f"{path}:8: field 61: amount is not digits with a decimal comma: '25,0x3'"
    ]
    good = Mt940Importer().read(str(DATA / "mt940" / "ing.sta"))
    assert good.rows[0].amount == Decimal("-25.03")
    assert (good.closing_balance, good.currency) == (Decimal("3.47"), "EUR")


def test_mt940_bank_reference_is_the_serial(tmp_path: Path) -> None:
    path = tmp_path / "ref.sta"
    path.write_text(
        ":20:STMT\n:25:6222021000001234\n:28C:1\n:60F:C250301CNY100,00\n"
        ":61:2503020302C268,50NTRF3-1-101//BR250302001\n:86:3-1-101 3月物业费\n"
        ":62F:C250302CNY368,50\n",
        encoding="utf-8",
    )
    importer = Mt940Importer()
    assert importer.identify(str(path))
    statement = importer.read(str(path))
    assert statement.errors == []
    (row,) = statement.rows
    assert (row.serial, row.amount, row.currency, row.row) == (
        "BR250302001",
        Decimal("268.50"),
        "CNY",
        5,
    )
    assert statement.account_number == "6222021000001234"


def test_camt_follows_the_declared_xml_encoding(tmp_path: Path) -> None:
    text = (DATA / "camt" / "camt053.v2.minimal.xml").read_text(encoding="utf-8")
    text = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(
        "NAME NAME", "Müller Café"
    )
    path = tmp_path / "latin.xml"
    path.write_bytes(text.encode("latin-1"))
    (row,) = Camt053Importer().read(str(path)).rows
    assert (row.counterparty, row.row) == ("Müller Café", 90)


def test_mt940_with_two_accounts_splits_by_field_25(tmp_path: Path) -> None:
    block = ":20:STMT\n:25:{}\n:28C:1\n:60F:C250301CNY0,00\n:61:250302C{},00NTRFNONREF\n:62F:C250302CNY{},00\n"
    path = tmp_path / "two.sta"
    path.write_text(block.format("111", 1, 1) + block.format("222", 2, 2), encoding="utf-8")
    statement = Mt940Importer().read(str(path))
    parts = getattr(statement, "parts", [])
    assert [(p.account_number, [r.amount for r in p.rows], p.closing_balance) for p in parts] == [
        ("111", [Decimal("1.00")], Decimal("1.00")),
        ("222", [Decimal("2.00")], Decimal("2.00")),
    ]
    with pytest.raises(SourceError, match="the file holds accounts 111, 222"):
        Mt940Importer(ImportContext(account="Assets:Bank:Trust")).build(statement, str(path))
