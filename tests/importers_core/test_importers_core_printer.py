"""ledger/printer.py: one printer (Beancount's) for every entry an import writes, and what it
prints parses back to the same entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from beancount.core import amount, data
from beancount.parser import parser

from importers.testing import extract
from ledger.printer import format_entries

DATA = Path(__file__).resolve().parent.parent / "data"


def _strip(entry: data.Directive) -> data.Directive:
    meta = {k: v for k, v in (entry.meta or {}).items() if k not in ("filename", "lineno")}
    if isinstance(entry, data.Transaction):
        postings = [
            p._replace(
                meta={k: v for k, v in (p.meta or {}).items() if k not in ("filename", "lineno")}
                or None
            )
            for p in entry.postings
        ]
        return entry._replace(meta=meta, postings=postings)
    return entry._replace(meta=meta)  # type: ignore[call-overload, no-any-return]


def roundtrip(entries: list[data.Directive]) -> None:
    text = format_entries(entries)
    parsed, errors, _ = parser.parse_string(text)
    assert errors == []
    assert [_strip(e) for e in parsed] == [_strip(e) for e in entries]


def test_every_kind_of_imported_entry_round_trips() -> None:
    samples = [
        "bank/CIB_01.xlsx",  # transactions with unit: and rule metadata, balances
        "sources/wechat/zero-and-card-rows.csv",  # fee postings
        "sources/registers/units.csv",  # tf-unit / tf-owner customs
        "sources/registers/approvals.csv",  # amounts in customs
        "sources/feesystem/importFeeDetail.xlsx",  # bills and prepayments
        "sources/mt940/raphaelm.sta",  # two accounts, DEM
    ]
    for sample in samples:
        entries = extract(DATA / sample).entries
        assert entries
        roundtrip(entries)


def test_strings_that_could_inject_a_directive_are_escaped() -> None:
    meta = data.new_metadata("x", 1)
    meta["serial"] = 'S"1\\'
    entry = data.Transaction(
        meta,
        date(2026, 1, 3),
        "*",
        'pay"ee\\',
        'memo "quoted"\n2026-01-01 open Assets:Evil',
        data.EMPTY_SET,
        data.EMPTY_SET,
        [
            data.Posting(
                "Assets:Bank:Trust", amount.Amount(Decimal("1.00"), "CNY"), None, None, None, None
            ),
            data.Posting(
                "Income:Suspense", amount.Amount(Decimal("-1.00"), "CNY"), None, None, None, None
            ),
        ],
    )
    pad = data.Pad(
        data.new_metadata("x", 2), date(2026, 1, 2), "Assets:Bank:Trust", "Equity:Owners:Common"
    )
    roundtrip([pad, entry])
    parsed, _, _ = parser.parse_string(format_entries([entry]))
    assert not any(isinstance(e, data.Open) for e in parsed)
