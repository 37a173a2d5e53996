"""The redacted publication: names masked, private metadata dropped, documents unlinked."""

from __future__ import annotations

import sys
from pathlib import Path

from beancount import loader
from beancount.core import data

from ledger.loader import load
from trustfund.web.public import (
    Redactor,
    looks_like_person,
    mask_name,
    mask_patterns,
    publish,
    write_publication,
)

sys.path.insert(0, str(Path(__file__).parent))
from web_ledgers import SMALL_SECRETS, write_small


def test_mask_name_keeps_the_first_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧*"
    assert mask_name("李") == "*"


def test_person_or_organisation() -> None:
    assert looks_like_person("张三丰")
    assert looks_like_person("金曦宇")
    assert not looks_like_person("成都洁美保洁有限公司")
    assert not looks_like_person("工商银行")
    assert not looks_like_person("物业费")
    assert not looks_like_person("Zhang San")


def test_patterns_are_masked() -> None:
    text = mask_patterns(
        "电话13812345678 身份证510104199001011234 mail zhang@example.com 028-85551234"
    )
    assert "13812345678" not in text and "138****5678" in text
    assert "510104199001011234" not in text and text.count("*") >= 11
    assert "zhang@" not in text and "***@example.com" in text
    assert "85551234" not in text
    # bank serials and amounts are not phone numbers
    assert mask_patterns("ICBC202506190000201 153.89") == "ICBC202506190000201 153.89"


def test_redactor_masks_known_names_inside_text() -> None:
    redactor = Redactor()
    redactor.add("张三丰")
    redactor.add("王五")
    redactor.freeze()
    assert redactor.text("张三丰交王五的物业费") == "张*交王*的物业费"
    assert redactor.party("张三丰") == "张*"
    assert redactor.party("成都洁美保洁有限公司") == "成都洁美保洁有限公司"


def test_publication_has_no_private_data(tmp_path: Path) -> None:
    ledger = load(write_small(tmp_path / "src"), cache=False)
    text = publish(ledger)
    for secret in SMALL_SECRETS:
        assert secret not in text, secret
    assert '"tf-owner" "O-0001" "张*"' in text
    assert '"tf-owner" "O-0002" "欧*"' in text
    assert '"committee" "李*"' in text
    assert '* "张*" "1-1-101 物业费 张* 电话138****5678"' in text
    assert "phone:" not in text and "id-number:" not in text and "address:" not in text
    # a document path keeps its (masked) name, not its folder; the private document is gone
    assert 'receipt: "张*-身份证.pdf"' in text
    assert "docs/receipts" not in text
    assert "private-statement.pdf" not in text
    # options that reach files are dropped; the interface is Chinese
    assert "import-config" not in text
    assert '"fava-option" "language" "zh"' in text
    # companies stay named
    assert "成都洁美保洁有限公司" in text


def test_publication_loads_and_keeps_every_amount(tmp_path: Path) -> None:
    ledger = load(write_small(tmp_path / "src"), cache=False)
    target = write_publication(ledger, tmp_path / "cache" / "public.beancount")
    entries, errors, options = loader.load_file(str(target))
    assert errors == []
    assert options["title"] == "测试小区"

    def postings(items: list[data.Directive]) -> list[tuple[object, ...]]:
        return sorted(
            (e.date, p.account, p.units.number if p.units else None)
            for e in items
            if isinstance(e, data.Transaction)
            for p in e.postings
        )

    assert postings(entries) == postings(ledger.entries)
    units = [
        p.meta.get("unit")
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if p.meta
    ]
    assert "1-1-101" in units


def test_public_document_is_kept(tmp_path: Path) -> None:
    source = write_small(tmp_path / "src")
    doc = tmp_path / "审价报告.pdf"
    doc.write_bytes(b"%PDF-1.4")
    with source.open("a", encoding="utf-8") as handle:
        handle.write(f'2025-02-02 document Assets:Bank:Maintenance "{doc}"\n  public: TRUE\n')
    text = publish(load(source, cache=False))
    assert str(doc) in text
    assert "private-statement.pdf" not in text
