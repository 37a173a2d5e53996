"""The publication policy (reports.publication): what owners see, and what they do not."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from ledger.loader import load, load_string
from reports.publication import (
    PRIVATE_DOCUMENT,
    Policy,
    format_code,
    hash_code,
    mask_name,
    mask_numbers,
    new_code,
    publish_entries,
    render,
    segments,
    verify_code,
)

BASE = """
option "operating_currency" "CNY"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Liabilities:Deposits:D王建国 CNY
2025-01-01 open Liabilities:Deposits:Advertisers CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Expenses:Service:Cleaning-保洁外包 CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 custom "tf-owner" "O-1" "买买提·艾力"
2025-01-01 custom "tf-unit" "1-1-101" 90.00 "O-1"
2025-01-01 custom "tf-member" "曹敏锦" "committee"
2025-01-01 custom "tf-party" "洁美" "organisation"
2025-01-01 custom "tf-party" "阳光物业有限公司" "person"
2025-01-02 custom "tf-approval" "AP-1" "committee" "曹敏锦" 100.00 CNY
2025-01-02 custom "tf-approval" "AP-1" "manager" "王五" 100.00 CNY
2025-01-02 * "期初余额" "期初余额"
  Assets:Bank:Trust  100.00 CNY
  Equity:Owners:Common
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    ledger = load_string(BASE)
    return Policy.of(ledger)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678", "电话138****5678"),
        ("电话 138 1234 5678", "电话 138****5678"),
        ("电话 138-1234-5678", "电话 138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("tel13812345678", "tel138****5678"),
        ("身份证 510104199001011234", "身份证 51**************34"),
        ("身份证 510104 19900101 1234", "身份证 51**************34"),
        ("身份证 51010419900101123X", "身份证 51****************"),
        ("卡号 6222 0212 3456 7890 123", "卡号 ***************0123"),
        ("卡号 6222-0212-3456-7890", "卡号 ************7890"),
        ("座机 028-85551234", "座机 028-****1234"),
        ("1-1-101 13812345678", "1-1-101 138****5678"),
        ("mail zhang@example.com", "mail ***@example.com"),
    ],
)
def test_numbers_are_masked_with_spaces_and_hyphens(text: str, expected: str) -> None:
    assert mask_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-05 3-1-1101 物业费",
        "AP-2025-0310 FP-2025-000012 C-SVC-01",
        "ICBC202503050000815 153.89",
        "2025-01-01至2025-03-31 共 12 笔 1,234,567.89",
        "2025 03 05 20250305",
        "期初余额",
    ],
)
def test_ordinary_text_is_not_masked(text: str) -> None:
    assert mask_numbers(text) == text


def test_vocabulary_keeps_bookkeeping_words(policy: Policy) -> None:
    for label in ("期初余额", "物业费", "2025-03 利息", "维修资金利息", "银行", "期初", "结转"):
        assert policy.party(label) == label
        assert policy.text(label) == label
    assert segments("期初余额") and segments("保洁外包") and not segments("王建国")


def test_persons_of_every_shape_are_masked(policy: Policy) -> None:
    assert policy.party("买买提·艾力") == "买*"
    assert policy.party("John Smith") == "J*"
    assert policy.party("王建国") == "王*"
    assert policy.party("王建国", owner=True) == "业主"
    assert mask_name("欧阳小明") == "欧*"
    # a part of a known name is masked in free text too
    assert policy.text("买买提 交物业费") == "买* 交物业费"


def test_organisations_are_published(policy: Policy) -> None:
    assert policy.party("成都洁美保洁服务有限公司") == "成都洁美保洁服务有限公司"
    assert policy.party("中国工商银行成都分行") == "中国工商银行成都分行"
    assert policy.party("洁美") == "洁美"  # tf-party organisation
    assert policy.party("Acme Cleaning Co., Ltd") == "Acme Cleaning Co., Ltd"
    # tf-party says person: private even with a company-like name
    assert policy.party("阳光物业有限公司") == "阳*"


def test_signers_by_roster(policy: Policy) -> None:
    assert policy.signer("曹敏锦") == "曹敏锦"
    assert policy.signer("王五") == "王*"
    assert policy.signoffs(["AP-1"]) == "committee 曹敏锦 2025-01-02; manager 王* 2025-01-02"


def test_accounts_naming_a_person_are_masked(policy: Policy) -> None:
    assert policy.account("Liabilities:Deposits:D王建国") == "Liabilities:Deposits:D王某"
    assert policy.account("Liabilities:Deposits:Advertisers") == "Liabilities:Deposits:Advertisers"
    assert (
        policy.account("Expenses:Service:Cleaning-保洁外包") == "Expenses:Service:Cleaning-保洁外包"
    )
    assert policy.account("Assets:Bank:ICBC-工商银行") == "Assets:Bank:ICBC-工商银行"


def test_masked_accounts_stay_distinct() -> None:
    ledger = load_string(
        BASE
        + "2025-01-01 open Liabilities:Deposits:D王小明 CNY\n"
        + '2025-01-03 * "x" "y"\n  Assets:Bank:Trust  1.00 CNY\n  Liabilities:Deposits:D王小明\n'
        + '2025-01-03 * "x" "y"\n  Assets:Bank:Trust  2.00 CNY\n  Liabilities:Deposits:D王建国\n'
    )
    policy = Policy.build(ledger.entries, ledger.community)
    a = policy.account("Liabilities:Deposits:D王建国")
    b = policy.account("Liabilities:Deposits:D王小明")
    assert (
        a != b
        and a.startswith("Liabilities:Deposits:D王某")
        and b.startswith("Liabilities:Deposits:D王某")
    )


def test_metadata_allowlist(policy: Policy) -> None:
    meta = {
        "qq": "2876543210",
        "wx": "wxid_x",
        "bank": "6222 0212 3456 7890 123",
        "note": "成都市武侯区某街1号",
        "approval": "AP-1",
        "invoice": "INV-1",
        "unit": "1-1-101",
        "price-audit": "/abs/private/审价.pdf",
    }
    out = policy.meta(meta)
    assert out == {
        "approval": "AP-1",
        "invoice": "INV-1",
        "unit": "1-1-101",
        "price-audit": PRIVATE_DOCUMENT,
    }


def test_access_codes() -> None:
    code = new_code()
    assert len(code) == 10 and not set(code) & set("01ILO")
    stored = hash_code(code, iterations=1000)
    assert stored.startswith("pbkdf2-sha256:1000:")
    assert verify_code(code, stored)
    assert verify_code(format_code(code).lower(), stored)  # as a person types it
    assert not verify_code("AAAAAAAAAA", stored)
    assert not verify_code("", stored)
    assert new_code() != code


def test_published_ledger_loads_and_keeps_every_balance(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from web_ledgers import write_hostile

    ledger = load(write_hostile(tmp_path / "src"), cache=False)
    policy = Policy.of(ledger)
    published = publish_entries(
        ledger.entries, policy, errors=ledger.errors, options=ledger.options
    )
    text = render(published)
    entries, errors, _ = loader.load_string(text)
    assert errors == []

    def balances(items: list[data.Directive], rename: bool) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for entry in items:
            if isinstance(entry, data.Transaction):
                for p in entry.postings:
                    account = policy.account(p.account) if rename else p.account
                    assert p.units is not None and p.units.number is not None
                    out[account] = out.get(account, Decimal(0)) + p.units.number
        return {k: v for k, v in out.items() if v}

    assert balances(entries, False) == balances(ledger.entries, True)
    # owners' receipts are aggregated: fewer transactions, no unit metadata
    assert not any(
        p.meta and "unit" in p.meta
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
    )


def test_receipts_by_unit_switch(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from web_ledgers import write_hostile

    path = write_hostile(tmp_path / "src")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('2025-01-01 custom "tf-publish" "receipts-by-unit" TRUE\n')
    ledger = load(path, cache=False)
    published = publish_entries(ledger.entries, Policy.of(ledger), options=ledger.options)
    narrations = [e.narration for e in published.entries if isinstance(e, data.Transaction)]
    assert "业主缴费 1-1-102 2025-01" in narrations
    assert not any("刘德华" in (n or "") or "买买提" in (n or "") for n in narrations)


def test_published_errors_keep_only_public_ids_and_seals_read_them(policy: Policy) -> None:
    """A published error carries its month or year ids (never a person or a unit), and the
    seal rows read a TF501's month from its ids, not from the message's words."""
    from ledger.errors import TrustError, error_ids
    from reports.common import resolve
    from reports.period import Period
    from reports.public import seal_rows
    from reports.publication import publish_errors

    seal = TrustError(
        {"filename": "main.beancount", "lineno": 3},
        "TF501 sealed month changed: 2025-02 entry edited",  # names another month in words
        None,
        "TF501",
        ("period:2025-01",),
    )
    people = TrustError(
        {"filename": "main.beancount", "lineno": 4},
        "TF302 one person signed both roles",
        None,
        "TF302",
        ("person:曹敏锦", "unit:1-1-101", "approval:AP-1", "year:2025"),
    )
    published = publish_errors([seal, people], policy)
    assert [e.ids for e in published] == [("period:2025-01",), ("year:2025",)]
    assert error_ids(published[0], "period") == ("2025-01",)
    assert error_ids(published[1], "person") == ()

    src = resolve(
        load_string(BASE + '2025-02-01 custom "tf-seal" "2025-01" "sha256:' + "0" * 64 + '"\n')
    )
    rows = seal_rows(src, Period.parse("2025Q1"), [seal, people])
    status = {row.month: row.status for row in rows}
    assert "changed" in status["2025-01"]
    assert "changed" not in status["2025-02"]
