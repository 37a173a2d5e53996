"""The real-export check: every supported file under tests/data, imported through the whole
pipeline into a fresh ledger, gives the right rows, signed sum, currency and serials; a second
import adds nothing and changes no file; unsupported files are refused with a clear message and
nothing written.

Each sample is imported alone (with ``--pad-opening``: a first statement) into a ledger that
opens the accounts of tests/data/import-rules.toml without currency constraints, then loaded
with Beancount. The counts and sums were checked against the files by other means (``grep -c
':61:'``, ``<STMTTRN>``, ``<Ntry>``, the sheets' own rows, awk sums of the amounts; see
docs/importing.md); ``balance_errors`` is the number of balance assertions Beancount reports
failing: 0, except for public samples whose running or closing balances were hand-edited and do
not add up (ING/ABN AMRO MT940, the CCB and ICBC credit-card exports), where the import states
what the bank file says and ``check`` shows the disagreement.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from beancount import loader
from beancount.core import data

from importers.pipeline import ImportFailed, ImportOptions, import_files

DATA = Path(__file__).resolve().parent.parent / "data"
OPENS = (
    "Assets:Bank:Trust",
    "Assets:Bank:Other",
    "Assets:Bank:Maintenance",
    "Assets:Clearing:Manager",
    "Assets:Receivable:Fees",
    "Liabilities:Prepaid:Fees",
    "Income:Fees:Property",
    "Income:Fees:Parking",
    "Income:Public:Advertising",
    "Expenses:Service:Cleaning",
    "Expenses:Admin:BankFees",
    "Equity:Owners:Common",
    "Equity:Owners:Maintenance",
)


class Expect(NamedTuple):
    importer: str
    read: int  # rows read = new + skipped (no duplicates, nothing rejected in a fresh ledger)
    new: int
    skipped: int
    sums: dict[str, str]  # "account currency" -> signed sum of the statement account's postings
    serials: int  # entries with serial:
    first: str  # first and last serial, in ledger order
    last: str
    balance_errors: int


EXPECTED: dict[str, Expect] = {
    "bank/ABC_01_acct1.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/ABC_01_acct2.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/ABC_01_noacct.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Other CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/ABC_02_acct.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/ABC_02_noacct.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Other CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/BCM_01.utf8.csv": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/BCM_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/BOC_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CBHB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/CBHB_02.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CBHB_03.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CCB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CCB_02.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CCB_03.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CDB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CDB_02.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CIB_01.bom.csv": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CIB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CIB_02.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CIB_personal_footer.xlsx": Expect(
        "bank-statement",
        2,
        2,
        0,
        {"Assets:Bank:Other CNY": "1260.00"},
        2,
        "h:48e9b3b215bdef5c",
        "h:86a848c62383b484",
        0,
    ),
    "bank/CIB_personal_usd.xlsx": Expect(
        "bank-statement",
        2,
        2,
        0,
        {"Assets:Bank:Other USD": "-198.80"},
        2,
        "h:66759b08963b7337",
        "h:0800b98c59559de4",
        0,
    ),
    "bank/CMBC_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CMB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/CQRCB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Other CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/FC_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/HXB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/ICBC_01.gbk.csv": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/ICBC_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/ICBC_02.gbk.csv": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/ICBC_02.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/ICBC_04.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "h:b96b0d34d5be6365",
        "h:5665d1ac7b4f3add",
        0,
    ),
    "bank/PAB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/PSBC_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/SCRCB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "bank/SPDB_01.xlsx": Expect(
        "bank-statement",
        5,
        5,
        0,
        {"Assets:Bank:Trust CNY": "-8280.00"},
        5,
        "B2026010300017",
        "B2026010800023",
        0,
    ),
    "deb-sig/ccb-交易明细_xxxx_2025xxxx_2025xxxx.xls": Expect(
        "bank-statement",
        6,
        6,
        0,
        {"Assets:Bank:Other CNY": "-703.26"},
        6,
        "h:6fd687b3c3fc3f66",
        "h:d543a7f47ba24d56",
        1,
    ),
    "deb-sig/example-abc_debit-records.csv": Expect(
        "bank-statement",
        5,
        4,
        1,
        {"Assets:Bank:Other CNY": "-2355.88"},
        4,
        "369396693",
        "0000000000",
        0,
    ),
    "deb-sig/example-citic-records.xls": Expect(
        "bank-statement",
        13,
        13,
        0,
        {"Assets:Bank:Other CNY": "-1097.39"},
        13,
        "h:764d287d4e23029b",
        "h:4363224603cd699b",
        0,
    ),
    "deb-sig/example-icbc-credit-records.csv": Expect(
        "bank-statement",
        9,
        9,
        0,
        {"Assets:Bank:Other CNY": "4257.88"},
        9,
        "h:8eee546bb6e4b224",
        "h:3c195fb1b28a99d9",
        1,
    ),
    "deb-sig/example-icbc-debit-v1-records.csv": Expect(
        "bank-statement",
        11,
        11,
        0,
        {"Assets:Bank:Other CNY": "-1399.34"},
        11,
        "h:db664e34f1b5f3bb",
        "h:367b1463f7b626c6",
        0,
    ),
    "deb-sig/example-icbc-debit-v2-records.csv": Expect(
        "bank-statement",
        11,
        11,
        0,
        {"Assets:Bank:Other CNY": "-1399.34"},
        11,
        "h:d7f9d6edd5af9414",
        "h:9dabeedbef0769da",
        0,
    ),
    "deb-sig/example-spdb_debit-records.xls": Expect(
        "bank-statement",
        4,
        4,
        0,
        {"Assets:Bank:Other CNY": "-1.64"},
        4,
        "h:aa4317c2823d9c9c",
        "h:b4245223cb3024ce",
        0,
    ),
    "sources/alipay/example-alipay-records.csv": Expect(
        "alipay",
        10,
        4,
        6,
        {"Assets:Clearing:Manager CNY": "222116.60"},
        4,
        "2xxxxxxxxxxxxxxxxxxxxxxxxx9",
        "xxxx#2",
        0,
    ),
    "sources/alipay/支付宝交易明细(20201122-20201214).csv": Expect(
        "alipay",
        24,
        22,
        2,
        {"Assets:Clearing:Manager CNY": "-1677.16"},
        22,
        "2020112622001155631441013611",
        "2020121522001155631440286574",
        0,
    ),
    "sources/alipay-merchant/账务明细-20250301-20250331.csv": Expect(
        "alipay-merchant",
        3,
        3,
        0,
        {"Assets:Clearing:Manager CNY": "-1000.00"},
        3,
        "202503010000001",
        "202503050000003",
        0,
    ),
    "sources/camt/camt053-cny-opening.xml": Expect(
        "camt053",
        3,
        2,
        1,
        {"Assets:Bank:Trust CNY": "188.50"},
        2,
        "N-20260203-1",
        "h:a306e66bc613818a",
        0,
    ),
    "sources/camt/camt053.v2.minimal.xml": Expect(
        "camt053",
        1,
        1,
        0,
        {"Assets:Bank:Trust EUR": "8.85"},
        1,
        "h:05f488120e5e05cf",
        "h:05f488120e5e05cf",
        0,
    ),
    "sources/camt/camt053.v2.multi.statement.xml": Expect(
        "camt053",
        2,
        2,
        0,
        {"Assets:Bank:Trust EUR": "1.85"},
        2,
        "e2e:000000001",
        "e2e:000000002",
        0,
    ),
    "sources/camt/camt053.v8.xml": Expect(
        "camt053",
        1,
        1,
        0,
        {"Assets:Bank:Trust EUR": "8.85"},
        1,
        "AAAASESS-FP-CN_98765/01",
        "AAAASESS-FP-CN_98765/01",
        0,
    ),
    "sources/feesystem/hc.xlsx": Expect(
        "fee-system-master",
        13,
        13,
        0,
        {},
        13,
        "owner:O-0001:2020-06-10",
        "unit:1-1-1024:2020-06-10",
        0,
    ),
    "sources/feesystem/importFeeDetail.xlsx": Expect(
        "fee-system",
        3,
        3,
        0,
        {
            "Assets:Receivable:Fees CNY": "2000.00",
            "Assets:Clearing:Manager CNY": "3000.00",
            "Liabilities:Prepaid:Fees CNY": "1000.00",
        },
        6,
        "hc-bill:1-1-1001:和HC费用项费用名称一致:2016-01-01:2017-01-01",
        "hc-bill:1-1-1001:和HC费用项费用名称一致:2018-01-01:2019-01-01",
        0,
    ),
    "sources/mt940/abnamro.sta": Expect(
        "mt940",
        10,
        10,
        0,
        {"Assets:Bank:Trust EUR": "-345.93"},
        10,
        "h:ef0eed82026cd5f7",
        "h:b677e37c5a053f40",
        1,
    ),
    "sources/mt940/ing.sta": Expect(
        "mt940",
        7,
        7,
        0,
        {"Assets:Bank:Trust EUR": "-45.59"},
        7,
        "h:ea8caaa1bad36a16",
        "h:f399879f06547ef8",
        1,
    ),
    "sources/mt940/postfinance-nonref.sta": Expect(
        "mt940",
        4,
        4,
        0,
        {"Assets:Bank:Trust CHF": "442.00"},
        4,
        "h:f03c3b659412bda3",
        "h:f5c64b0faae91e83",
        0,
    ),
    "sources/mt940/raphaelm.sta": Expect(
        "mt940",
        9,
        9,
        0,
        {"Assets:Bank:Trust DEM": "145000.00", "Assets:Bank:Maintenance DEM": "-50000.00"},
        9,
        "h:2053784f93468cb8",
        "h:ec71ced337f10f30",
        0,
    ),
    "sources/ofx/bank_medium.ofx": Expect(
        "ofx",
        3,
        3,
        0,
        {"Assets:Bank:Trust CAD": "-345.27"},
        3,
        "0000123456782009040100001",
        "0000123456782009040300005",
        0,
    ),
    "sources/ofx/checking.ofx": Expect(
        "ofx", 3, 3, 0, {"Assets:Bank:Trust USD": "-59.50"}, 3, "0000486", "0000488", 0
    ),
    "sources/ofx/empty-tags.ofx": Expect(
        "ofx",
        3,
        3,
        0,
        {"Assets:Bank:Trust CNY": "457.00"},
        3,
        "h:5ca8c7b6a1b0dabc",
        "20260205-0001",
        0,
    ),
    "sources/ofx/suncorp.ofx": Expect(
        "ofx", 1, 1, 0, {"Assets:Bank:Trust AUD": "-16.85"}, 1, "1", "1", 0
    ),
    "sources/registers/approvals.csv": Expect(
        "approval-register",
        5,
        5,
        0,
        {},
        5,
        "approval:AP-2025-031:committee:2025-03-03",
        "approval:AP-2025-040:supervisor:2025-03-11",
        0,
    ),
    "sources/registers/emergencies.csv": Expect(
        "emergency-register", 1, 1, 0, {}, 1, "emergency:E-2025-01", "emergency:E-2025-01", 0
    ),
    "sources/registers/notices.csv": Expect(
        "notice-register", 1, 1, 0, {}, 1, "notice:N-2025-004", "notice:N-2025-004", 0
    ),
    "sources/registers/resolutions.csv": Expect(
        "resolution-register", 3, 3, 0, {}, 5, "resolution:R-2025-01", "close:R-2025-03", 0
    ),
    "sources/registers/units.csv": Expect(
        "unit-register", 4, 4, 0, {}, 7, "owner:O-0001:2024-01-01", "unit:3-2-202:2024-01-01", 0
    ),
    "sources/registers/votes-english.xlsx": Expect(
        "vote-register", 3, 3, 0, {}, 3, "vote:R-2025-01:3-1-101", "vote:R-2025-01:3-2-201", 0
    ),
    "sources/registers/votes.csv": Expect(
        "vote-register", 4, 4, 0, {}, 4, "vote:R-2025-01:3-1-101", "vote:R-2025-01:3-2-202", 0
    ),
    "sources/wechat/example-wechat-records.csv": Expect(
        "wechat",
        27,
        18,
        9,
        {"Assets:Clearing:Manager CNY": "-6651.64"},
        18,
        "4200000069201710299246843141",
        "180000737623062310106004541373333333333333333",
        0,
    ),
    "sources/wechat/example-wechat-records.xlsx": Expect(
        "wechat",
        27,
        18,
        9,
        {"Assets:Clearing:Manager CNY": "-6651.64"},
        18,
        "4200000069201710299246843141",
        "180000737623062310106004541373333333333333333",
        0,
    ),
    "sources/wechat/zero-and-card-rows.csv": Expect(
        "wechat",
        5,
        2,
        3,
        {"Assets:Clearing:Manager CNY": "68.70"},
        2,
        "10001000000000000001",
        "10001000000000000005",
        0,
    ),
    "sources/wechat/微信支付账单(20200830-20200906).csv": Expect(
        "wechat",
        7,
        1,
        6,
        {"Assets:Clearing:Manager CNY": "670.00"},
        1,
        "10000499012020090500751007550211",
        "10000499012020090500751007550211",
        0,
    ),
    "sources/wechat/微信支付账单流水文件(20190801-20190930)——【解压密码可在微信支付公众号查看】.xlsx": Expect(
        "wechat",
        28,
        18,
        10,
        {"Assets:Clearing:Manager CNY": "-6651.64"},
        18,
        "4200000069201710299246843141",
        "180000737623062310106004541373333333333333333",
        0,
    ),
    "sources/wechat-merchant/trade-bill-20250305.csv": Expect(
        "wechat-merchant",
        4,
        3,
        1,
        {"Assets:Clearing:Manager CNY": "268.50"},
        3,
        "4200000001202503010000000001",
        "50000000012025030500000000001",
        0,
    ),
}


def new_ledger(tmp_path: Path) -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "main.beancount").write_text(
        "".join(f"1990-01-01 open {account}\n" for account in OPENS), encoding="utf-8"
    )
    shutil.copy(DATA / "import-rules.toml", folder / "import-rules.toml")
    return folder / "main.beancount"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_every_sample_has_an_expectation() -> None:
    """A file dropped into tests/data without a line here fails."""
    on_disk = {
        str(p.relative_to(DATA))
        for p in DATA.rglob("*")
        if p.is_file()
        and p.suffix not in {".beancount", ".md", ".txt", ".toml", ".py"}
        and not p.name.startswith(("LICENSE", "NOTICE", "."))
        and not {"LICENSES", "bad", "unsupported"} & set(p.relative_to(DATA).parts)
    }
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_real_export(sample: str, tmp_path: Path) -> None:
    expect = EXPECTED[sample]
    main = new_ledger(tmp_path)
    (summary,) = import_files([DATA / sample], main, ImportOptions(pad_opening=True)).summaries
    assert summary.importer == expect.importer
    assert (
        summary.rows_read,
        summary.new,
        summary.duplicate,
        summary.skipped,
        summary.rejected,
    ) == (
        expect.read,
        expect.new,
        0,
        expect.skipped,
        0,
    )
    entries, errors, _ = loader.load_file(str(main))
    sums: dict[str, Decimal] = defaultdict(Decimal)
    serials = []
    for entry in entries:
        if isinstance(entry, data.Transaction) and "serial" in entry.meta:
            first = entry.postings[0]
            assert first.units is not None and first.units.number is not None
            sums[f"{first.account} {first.units.currency}"] += first.units.number
            serials.append(entry.meta["serial"])
        elif isinstance(entry, data.Custom) and "serial" in entry.meta:
            serials.append(entry.meta["serial"])
    assert {key: str(value) for key, value in sums.items()} == expect.sums
    assert len(serials) == len(set(serials)) == expect.serials
    assert (serials[0] if serials else "", serials[-1] if serials else "") == (
        expect.first,
        expect.last,
    )
    messages = [e.message for e in errors]
    assert len(errors) == expect.balance_errors, messages
    assert all(m.startswith("Balance failed") for m in messages), messages

    # a second import of the same file adds nothing and writes nothing
    before = snapshot(main.parent)
    (again,) = import_files([DATA / sample], main, ImportOptions(pad_opening=True)).summaries
    assert (again.new, again.duplicate, again.skipped) == (0, expect.new, expect.skipped)
    assert snapshot(main.parent) == before


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("京东交易流水(20250301-20250331).csv", "It looks like a 京东 (JD) bill"),
        ("members.csv", "Found columns: 姓名, 角色, 电话, 备注"),
        ("scores.csv", "Found columns: date, player, score"),
    ],
)
def test_unsupported_file_is_refused_and_nothing_written(
    name: str, says: str, tmp_path: Path
) -> None:
    main = new_ledger(tmp_path)
    before = snapshot(main.parent)
    with pytest.raises(ImportFailed) as failed:
        import_files([DATA / "unsupported" / name], main)
    (detail,) = failed.value.details
    assert detail.startswith(f"{DATA / 'unsupported' / name}: no importer takes this file.")
    assert says in detail
    assert "bank-statement: a header row with a date column" in detail
    assert snapshot(main.parent) == before
