"""Sealed periods: `trustfund seal`, `trustfund verify` and the TF501 rule."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from beancount.core.amount import Amount
from click.testing import CliRunner

from ledger import seal as seal_mod
from ledger.entries import GENERATED_KEY
from ledger.errors import error_code
from ledger.loader import format_error, load, load_string
from trustfund.ops.sealing import seal, verify

HEAD = """option "operating_currency" "CNY"
plugin "trustfund.rules.seal"

2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 custom "tf-unit" "1-1-101" 89.50 "O-0001"
"""


def fee(day: str, amount: str, payee: str, unit: str = "1-1-101") -> str:
    return (
        f'{day} * "{payee}" "物业费"\n  serial: "{day}-{payee}"\n'
        f'  Assets:Bank:Trust  {amount} CNY\n    unit: "{unit}"\n  Income:Fees:Property  -{amount} CNY\n\n'
    )


JAN = fee("2025-01-05", "100.00", "张三") + fee("2025-01-20", "200.00", "李四")
FEB = (
    fee("2025-02-03", "300.00", "王五")
    + fee("2025-02-03", "310.00", "赵六")
    + '2025-02-10 custom "tf-vote" "R-1" "1-1-101" "yes"\n\n'
)
MAR = fee("2025-03-09", "400.00", "钱七")


def make(tmp_path: Path, body: str = JAN + FEB + MAR) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "main.beancount").write_text(
        HEAD + '\ninclude "txns.beancount"\n', encoding="utf-8"
    )
    (tmp_path / "txns.beancount").write_text(body, encoding="utf-8")
    return tmp_path / "main.beancount"


def run(cmd, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cmd, list(args), catch_exceptions=False)


def tf501(main: Path) -> list[str]:
    ledger = load(main, cache=False)
    assert [e for e in ledger.errors if error_code(e) not in ("TF501",)] == []
    return [format_error(e) for e in ledger.errors]


def sealed(tmp_path: Path) -> Path:
    main = make(tmp_path)
    for month in ("2025-01", "2025-02"):
        result = run(seal, month, str(main), "--today", "2025-04-05")
        assert result.exit_code == 0, result.output
    assert tf501(main) == []
    return main


def edit(main: Path, old: str, new: str) -> None:
    path = main.parent / "txns.beancount"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_seal_writes_directive_manifest_and_include(tmp_path: Path) -> None:
    main = sealed(tmp_path)
    seals = (tmp_path / "seals.beancount").read_text(encoding="utf-8")
    assert '2025-02-01 custom "tf-seal" "2025-01" "sha256:' in seals
    assert '2025-03-01 custom "tf-seal" "2025-02" "sha256:' in seals
    assert 'sealed-on: "2025-04-05"' in seals
    assert main.read_text(encoding="utf-8").count('include "seals.beancount"') == 1
    manifest = (tmp_path / "seals" / "2025-02.sha256").read_text(encoding="utf-8").splitlines()
    assert manifest[0] == "# trustfund seal v1 2025-02"
    assert manifest[1].startswith("# previous sha256:")
    assert len(manifest) == 2 + 3  # two fees and one vote
    ledger = load(main, cache=False)
    status = seal_mod.seal_status(ledger.entries, ledger.community)
    assert [(s.period, s.sealed_on, s.ok) for s in status] == [
        ("2025-01", date(2025, 4, 5), True),
        ("2025-02", date(2025, 4, 5), True),
    ]
    assert all(s.digest.startswith("sha256:") and len(s.digest) == 71 for s in status)
    out = run(verify, str(main))
    assert out.exit_code == 0 and "2 seals, chain intact" in out.output


def test_refusals(tmp_path: Path) -> None:
    main = make(tmp_path)
    not_over = run(seal, "2025-03", str(main), "--today", "2025-03-31")
    assert not_over.exit_code == 1 and "not over" in not_over.output
    gap = run(seal, "2025-03", str(main), "--today", "2025-04-01")
    assert gap.exit_code == 1 and "2025-01, 2025-02" in gap.output
    assert not (tmp_path / "seals.beancount").exists()  # refused: nothing written
    bad = run(seal, "2025-13", str(main), "--today", "2026-04-01")
    assert bad.exit_code == 1 and "not a month" in bad.output
    ok = run(seal, "2025-03", str(main), "--today", "2025-04-01", "--include-earlier")
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("sealed 2025-") == 3
    again = run(seal, "2025-02", str(main), "--today", "2025-04-01")
    assert again.exit_code == 1 and "already sealed" in again.output
    assert tf501(main) == []


def test_broken_ledger_is_not_sealed(tmp_path: Path) -> None:
    main = make(tmp_path, JAN + "2025-01-25 * broken line without postings\n  Assets:Nowhere\n")
    result = run(seal, "2025-01", str(main), "--today", "2025-02-02")
    assert result.exit_code == 1 and "error" in result.output
    assert not (tmp_path / "seals.beancount").exists()


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ("300.00 CNY", "301.00 CNY", "differs"),  # amount (both postings)
        ('serial: "2025-02-03-王五"', 'serial: "2025-02-03-王五X"', "differs"),  # metadata
        ('2025-02-03 * "王五"', '2025-02-04 * "王五"', "王五"),  # date within the month
        ('"1-1-101" "yes"', '"1-1-101" "no"', "differs"),  # a vote
        (
            '  unit: "1-1-101"\n  Income:Fees:Property  -300.00',
            '  unit: "1-1-102"\n  Income:Fees:Property  -300.00',
            "differs",
        ),
    ],
)
def test_edit_in_sealed_month_is_tf501(tmp_path: Path, old: str, new: str, expect: str) -> None:
    main = sealed(tmp_path)
    edit(main, old, new)
    errors = tf501(main)
    assert len(errors) == 1, errors
    assert "TF501 sealed period 2025-02 was changed" in errors[0]
    assert expect in errors[0]
    assert errors[0].startswith(str(tmp_path / "txns.beancount"))  # points at the entry


def test_insert_delete_reorder(tmp_path: Path) -> None:
    main = sealed(tmp_path)
    edit(main, MAR, fee("2025-02-27", "5.00", "孙八") + MAR)
    errors = tf501(main)
    assert len(errors) == 1 and "孙八" in errors[0] and "was added" in errors[0]

    main = sealed(tmp_path / "b")
    edit(main, fee("2025-02-03", "310.00", "赵六"), "")
    errors = tf501(main)
    assert len(errors) == 1 and "赵六" in errors[0] and "was removed" in errors[0]

    main = sealed(tmp_path / "c")
    a, b = fee("2025-02-03", "300.00", "王五"), fee("2025-02-03", "310.00", "赵六")
    edit(main, a + b, b + a)
    errors = tf501(main)
    assert len(errors) == 1 and "2025-02" in errors[0]

    main = sealed(tmp_path / "d")  # moving an entry out of the month into an unsealed one
    edit(main, '2025-02-03 * "赵六"', '2025-03-03 * "赵六"')
    errors = tf501(main)
    assert len(errors) == 1 and "was removed" in errors[0]


def test_formatting_and_comments_are_not_changes(tmp_path: Path) -> None:
    main = sealed(tmp_path)
    path = tmp_path / "txns.beancount"
    text = path.read_text(encoding="utf-8")
    text = "; a new comment at the top\n\n\n" + text.replace(
        "  Assets:Bank:Trust  300.00 CNY",
        "  Assets:Bank:Trust          300.00   CNY ; paid at the counter",
    )
    text = text.replace("2025-02-10 custom", "; moved down a line\n2025-02-10   custom")
    path.write_text(text, encoding="utf-8")
    assert tf501(main) == []
    # an elided amount that books to the same number is not a change either
    edit(main, "Income:Fees:Property  -310.00 CNY", "Income:Fees:Property")
    assert tf501(main) == []
    # changes outside sealed months are free
    edit(main, "Assets:Bank:Trust  400.00 CNY", "Assets:Bank:Trust  401.00 CNY")
    edit(main, "Income:Fees:Property  -400.00 CNY", "Income:Fees:Property  -401.00 CNY")
    assert tf501(main) == []


def test_chain_breaks_visibly_when_old_seal_edited(tmp_path: Path) -> None:
    main = sealed(tmp_path)
    seals_file = tmp_path / "seals.beancount"
    text = seals_file.read_text(encoding="utf-8")
    start = text.index('"2025-01" "sha256:') + len('"2025-01" "sha256:')
    forged = text[:start] + ("0" if text[start] != "0" else "1") + text[start + 1 :]
    seals_file.write_text(forged, encoding="utf-8")
    errors = tf501(main)
    assert len(errors) == 2, errors
    assert any("2025-01" in e for e in errors) and any(
        "2025-02" in e and "chain" in e for e in errors
    )
    out = CliRunner().invoke(verify, [str(main)])
    assert out.exit_code == 1
    lines = [line for line in out.output.splitlines() if line.startswith("2025-")]
    assert [line.split()[-1] for line in lines] == ["BROKEN", "BROKEN"]
    assert "2 of 2 seals are broken" in out.output


def test_edited_manifest_is_reported_without_naming(tmp_path: Path) -> None:
    main = sealed(tmp_path)
    edit(main, "Assets:Bank:Trust  300.00 CNY", "Assets:Bank:Trust  301.00 CNY")
    edit(main, "Income:Fees:Property  -300.00 CNY", "Income:Fees:Property  -301.00 CNY")
    manifest = tmp_path / "seals" / "2025-02.sha256"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("a", "b"), encoding="utf-8")
    errors = tf501(main)
    assert len(errors) == 1 and "2025-02" in errors[0] and "manifest" in errors[0]
    manifest.unlink()
    errors = tf501(main)
    assert len(errors) == 1 and "missing or unreadable" in errors[0]


def test_generated_entries_and_constants() -> None:
    assert seal_mod.GENERATED_KEY == GENERATED_KEY
    ledger = load_string(HEAD + JAN)
    txn = next(e for e in ledger.entries if isinstance(e, data.Transaction))
    assert seal_mod.is_sealable(txn)
    generated = txn._replace(meta={**txn.meta, GENERATED_KEY: True})
    assert not seal_mod.is_sealable(generated)
    # the canonical text ignores filename/lineno and sorts metadata keys
    moved = txn._replace(
        meta={
            "lineno": 999,
            "filename": "/elsewhere.beancount",
            **{
                k: v for k, v in reversed(list(txn.meta.items())) if k not in ("filename", "lineno")
            },
        }
    )
    assert seal_mod.entry_digest(moved) == seal_mod.entry_digest(txn)
    first = txn.postings[0]
    changed = txn._replace(
        postings=[first._replace(units=Amount(Decimal("100.01"), "CNY")), txn.postings[1]]
    )
    assert seal_mod.entry_digest(changed) != seal_mod.entry_digest(txn)


def test_public_publication_carries_the_source_verdict(tmp_path: Path) -> None:
    """The owners' site cannot re-hash redacted entries: it shows the source's verdict."""
    from trustfund.web.public import publish

    main = sealed(tmp_path)
    public = load_string(publish(load(main, cache=False)))
    assert [format_error(e) for e in public.errors if error_code(e) == "TF501"] == []
    assert [s.ok for s in seal_mod.seal_status(public.entries, public.community)] == [True, True]
    assert "王五" not in publish(load(main, cache=False))  # an owner's receipt: paid by 业主

    edit(main, "310.00 CNY", "311.00 CNY")
    text = publish(load(main, cache=False))
    public = load_string(text)
    errors = [format_error(e) for e in public.errors if error_code(e) == "TF501"]
    assert len(errors) == 1 and "2025-02" in errors[0] and "source ledger" in errors[0]
    assert "赵六" not in text  # the verdict does not carry the source's names
    assert [s.ok for s in seal_mod.seal_status(public.entries, public.community)] == [True, False]


SYNTHESISED = """option "operating_currency" "CNY"
option "documents" "docs"
plugin "trustfund.rules.seal"
plugin "beancount.plugins.auto_accounts"
plugin "beancount.plugins.implicit_prices"

2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 open Income:Fees:Property CNY
include "txns.beancount"
"""
SYNTHESISED_TXNS = """
2025-01-02 pad Assets:Bank:Trust Equity:Owners:Common
2025-01-03 balance Assets:Bank:Trust 1000.00 CNY

2025-01-10 * "张三" "物业费"
  Assets:Bank:Trust  100.00 CNY
  Income:Fees:Property  -100.00 CNY

2025-01-12 * "货币基金" "申购"
  Assets:Invest:Fund  10 FUND {1.00 CNY}
  Assets:Bank:Trust  -10.00 CNY

2025-01-15 document Assets:Bank:Trust "docs/receipt-2025-01.pdf"

2025-02-02 pad Assets:Bank:Trust Equity:Owners:Common
2025-02-03 balance Assets:Bank:Trust 1200.00 CNY
"""


def synthesised_ledger(folder: Path) -> Path:
    """Entries the load makes, not reads: a padding transaction (made after the plugins ran),
    accounts opened by auto_accounts and prices implied by a posting (plugins after the seal
    rule), a document Beancount finds in the documents folder, a document directive."""
    (folder / "docs" / "Assets" / "Bank" / "Trust").mkdir(parents=True)
    (folder / "docs" / "Assets" / "Bank" / "Trust" / "2025-01-20.statement.pdf").write_bytes(
        b"%PDF"
    )
    (folder / "docs" / "receipt-2025-01.pdf").write_bytes(b"%PDF")
    (folder / "main.beancount").write_text(SYNTHESISED, encoding="utf-8")
    (folder / "txns.beancount").write_text(SYNTHESISED_TXNS, encoding="utf-8")
    return folder / "main.beancount"


def test_a_ledger_with_pad_checks_clean_after_seal(tmp_path: Path) -> None:
    """Issue 13: sealing a month with a `pad` made `check` report TF501 while `verify` said ok."""
    main = synthesised_ledger(tmp_path / "L")
    ledger = load(main, cache=False)
    assert ledger.errors == []
    kinds = {(type(e).__name__, getattr(e, "flag", None)) for e in ledger.entries}
    assert ("Transaction", "P") in kinds and ("Price", None) in kinds  # the load made them
    for month in ("2025-01", "2025-02"):
        result = run(seal, month, str(main), "--today", "2025-03-05")
        assert result.exit_code == 0, result.output
    assert tf501(main) == []  # check (the TF501 plugin) agrees with seal …
    out = run(verify, str(main))  # … and so do verify …
    assert out.exit_code == 0 and "2 seals, chain intact" in out.output, out.output
    ledger = load(main, cache=False)
    assert seal_mod.published_statuses(ledger.entries, ledger.community) == {
        "2025-01": "ok",
        "2025-02": "ok",
    }  # … and the owners' site
    from reports.period import Period
    from reports.public import compute

    report = compute(ledger, Period.parse("2025"))
    statuses = {row.month: row.status for row in report.seals}
    assert statuses["2025-01"] == statuses["2025-02"] == "已封存 sealed", statuses
    # only what is written in the files is sealed: 3 opens, pad, balance, 2 transactions, document
    manifest = (tmp_path / "L" / "seals" / "2025-01.sha256").read_text(encoding="utf-8")
    assert len(manifest.splitlines()) == 2 + 8, manifest
    assert "Padding" not in manifest
    # the same ledger in another folder (a copy, a clone) still verifies: document paths
    # are sealed relative to their file
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(tmp_path / "L", copy)
    assert tf501(copy / "main.beancount") == []
    assert run(verify, str(copy)).exit_code == 0
    # and a change of what the pad pads to (the balance) is a change of the sealed month
    text = (copy / "txns.beancount").read_text(encoding="utf-8")
    (copy / "txns.beancount").write_text(
        text.replace("1000.00 CNY", "1001.00 CNY"), encoding="utf-8"
    )
    errors = tf501(copy / "main.beancount")
    assert len(errors) == 1 and "TF501" in errors[0] and "2025-01" in errors[0], errors
    assert "balance" in errors[0]
    broken = run(verify, str(copy))
    assert broken.exit_code == 1 and "BROKEN" in broken.output


def test_is_sealable_is_the_one_rule() -> None:
    ledger = load_string(
        SYNTHESISED.replace('option "documents" "docs"\n', "").replace(
            'include "txns.beancount"\n',
            SYNTHESISED_TXNS.replace(
                '2025-01-15 document Assets:Bank:Trust "docs/receipt-2025-01.pdf"\n', ""
            ),
        )
    )
    assert ledger.errors == []
    made = [e for e in ledger.entries if not seal_mod.is_sealable(e)]
    assert sorted(type(e).__name__ for e in made) == ["Open", "Price", "Transaction", "Transaction"]
    written = [e for e in ledger.entries if seal_mod.is_sealable(e)]
    assert all(e.meta["filename"] == "<string>" and e.meta["lineno"] > 0 for e in written)
    assert len(written) == 3 + 2 + 2 + 2  # opens, pads, balances, transactions
