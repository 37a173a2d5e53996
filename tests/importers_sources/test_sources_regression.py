"""Regression: every sample under tests/data/sources/ is identified by the right importer and
extracts exactly the entries in its ``<sample>.beancount`` file.

The expected files are under version control. Regenerate them only on purpose, then review the
diff::

    TRUSTFUND_REGENERATE=1 pytest tests/importers_sources -k regression
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from beancount.parser import printer

from importers.base import ImportContext, SourceImporter
from importers.records import SourceError
from importers.registry import all_importers
from importers.rules import parse_rules

DATA = Path(__file__).resolve().parent.parent / "data" / "sources"
REGENERATE = os.environ.get("TRUSTFUND_REGENERATE") == "1"

#: sample (relative to DATA) → the importer that must take it
SAMPLES: dict[str, str] = {
    "wechat/example-wechat-records.csv": "wechat",
    "wechat/example-wechat-records.xlsx": "wechat",
    "wechat/微信支付账单(20200830-20200906).csv": "wechat",
    "wechat/微信支付账单流水文件(20190801-20190930)——【解压密码可在微信支付公众号查看】.xlsx": "wechat",
    "alipay/example-alipay-records.csv": "alipay",
    "alipay/支付宝交易明细(20201122-20201214).csv": "alipay",
    "wechat-merchant/trade-bill-20250305.csv": "wechat-merchant",
    "alipay-merchant/账务明细-20250301-20250331.csv": "alipay-merchant",
    "camt/camt053.v2.minimal.xml": "camt053",
    "camt/camt053.v2.multi.statement.xml": "camt053",
    "camt/camt053.v8.xml": "camt053",
    "ofx/checking.ofx": "ofx",
    "ofx/bank_medium.ofx": "ofx",
    "ofx/suncorp.ofx": "ofx",
    "mt940/ing.sta": "mt940",
    "mt940/abnamro.sta": "mt940",
    "mt940/raphaelm.sta": "mt940",
    "feesystem/importFeeDetail.xlsx": "fee-system",
    "feesystem/hc.xlsx": "fee-system-master",
    "registers/approvals.csv": "approval-register",
    "registers/resolutions.csv": "resolution-register",
    "registers/votes.csv": "vote-register",
    "registers/votes-english.xlsx": "vote-register",
    "registers/units.csv": "unit-register",
    "registers/notices.csv": "notice-register",
    "registers/emergencies.csv": "emergency-register",
}


#: import rules a sample needs (a multi-account statement maps each account number)
SAMPLE_RULES: dict[str, dict[str, dict[str, str]]] = {
    "mt940/raphaelm.sta": {
        "accounts": {"1222333444": "Assets:Bank:Trust", "3346780111": "Assets:Bank:Maintenance"}
    },
}


def render(importer: SourceImporter, path: Path) -> str:
    """The extraction of ``path`` as text: a short header, then the entries as Beancount prints
    them; for a file the importer refuses as a whole, the refusal."""
    try:
        statement = importer.read(str(path))
    except SourceError as exc:
        return f";; Importer: {importer.importer_name}\n;; Refused: {str(exc).replace(str(DATA) + '/', '')}\n"
    assert not statement.errors, [str(e) for e in statement.errors]
    entries = importer.build(statement, str(path))
    lines = [
        f";; Importer: {importer.importer_name}",
        f";; Rows read: {statement.rows_read}, entries: {len(entries)}",
    ]
    body = "".join(printer.format_entry(entry) + "\n" for entry in entries)
    return "\n".join(lines) + "\n\n" + body


@pytest.fixture(scope="module")
def importers() -> list[SourceImporter]:
    return all_importers(ImportContext())


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_sample_matches_expected(sample: str, importers: list[SourceImporter]) -> None:
    path = DATA / sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        taker = next((imp for imp in importers if imp.identify(str(path))), None)
        assert taker is not None, f"{sample}: no importer identifies it"
        assert taker.importer_name == SAMPLES[sample]
        if sample in SAMPLE_RULES:
            taker = type(taker)(ImportContext(rules=parse_rules(SAMPLE_RULES[sample])))
        actual = render(taker, path)
    expected_path = path.with_name(path.name + ".beancount")
    if REGENERATE:
        expected_path.write_text(actual, encoding="utf-8")
        pytest.skip(f"regenerated {expected_path.name}")
    assert expected_path.exists(), (
        f"{expected_path.name} missing: run with TRUSTFUND_REGENERATE=1 and review it"
    )
    expected = expected_path.read_text(encoding="utf-8")
    assert actual == expected


def test_every_sample_is_covered() -> None:
    """A sample dropped into tests/data/sources/ without a regression case fails here."""
    on_disk = {
        str(p.relative_to(DATA))
        for p in DATA.glob("*/*")
        if p.is_file()
        and p.suffix not in (".beancount", ".md", ".txt")
        and p.parent.name not in ("LICENSES", "bad")
    }
    assert on_disk == set(SAMPLES)


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_expected_file_is_valid_beancount(sample: str) -> None:
    """What an import writes must parse: a printer quirk would otherwise slip into the ledger."""
    from beancount.parser import parser

    expected_path = (DATA / sample).with_name((DATA / sample).name + ".beancount")
    text = expected_path.read_text(encoding="utf-8")
    entries, errors, _ = parser.parse_string(text)
    assert [e.message for e in errors] == []
    assert entries or ";; Refused: " in text, "an expected file with no entries tests nothing"
