"""``trustfund codes``: random codes per unit, hashes in the ledger, plain codes written once."""

from __future__ import annotations

import csv
import os
import stat
import sys
from pathlib import Path

from click.testing import CliRunner

from cli import main
from ledger.loader import load
from reports.publication import CODE_ALPHABET, access_digest, verify_code

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from web_ledgers import write_small


def _codes(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["unit"]: row["code"] for row in csv.DictReader(handle)}


def test_codes_for_units_without_one_then_rotate(tmp_path: Path) -> None:
    ledger = write_small(tmp_path / "ledger")  # 1-1-101 has a code already, 1-1-102 not
    runner = CliRunner()
    out = tmp_path / "codes.csv"
    result = runner.invoke(main, ["codes", str(ledger), "-o", str(out), "--url", "https://x.org"])
    assert result.exit_code == 0, result.output
    codes = _codes(out)
    assert list(codes) == ["1-1-102"]
    code = codes["1-1-102"]
    assert len(code.replace("-", "")) == 10 and set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    sheet = out.with_suffix(".html").read_text(encoding="utf-8")
    assert code in sheet and "<svg" in sheet and "unit=1-1-102" in sheet
    text = (ledger.parent / "access.beancount").read_text(encoding="utf-8")
    assert code not in text and code.replace("-", "") not in text  # only the hash
    assert 'include "access.beancount"' in ledger.read_text(encoding="utf-8")
    loaded = load(ledger, cache=False)
    assert [e for e in loaded.errors if "tf-access" in str(getattr(e, "message", ""))] == []
    digest = access_digest(loaded.community, "1-1-102")
    assert digest and digest.startswith("pbkdf2-sha256:") and verify_code(code, digest)

    # a second run: every unit has a code; nothing is written
    again = runner.invoke(main, ["codes", str(ledger), "-o", str(tmp_path / "again.csv")])
    assert again.exit_code != 0 and "--rotate" in again.output
    assert not (tmp_path / "again.csv").exists()

    # the file is written once: never overwritten
    refused = runner.invoke(main, ["codes", str(ledger), "-o", str(out), "--rotate", "1-1-102"])
    assert refused.exit_code != 0 and "exists" in refused.output
    assert _codes(out) == codes

    rotated = tmp_path / "rotated.csv"
    result = runner.invoke(main, ["codes", str(ledger), "-o", str(rotated), "--rotate", "1-1-102"])
    assert result.exit_code == 0, result.output
    new = _codes(rotated)["1-1-102"]
    assert new != code
    digest = access_digest(load(ledger, cache=False).community, "1-1-102")
    assert digest and verify_code(new, digest) and not verify_code(code, digest)


def test_codes_refuse_a_file_inside_the_ledger_folder_and_unknown_units(tmp_path: Path) -> None:
    ledger = write_small(tmp_path / "ledger")
    runner = CliRunner()
    inside = runner.invoke(main, ["codes", str(ledger), "-o", str(ledger.parent / "c.csv")])
    assert inside.exit_code != 0 and "inside the ledger folder" in inside.output
    unknown = runner.invoke(
        main, ["codes", str(ledger), "-o", str(tmp_path / "c.csv"), "--rotate", "9-9-999"]
    )
    assert unknown.exit_code != 0 and "9-9-999" in unknown.output
    assert not (tmp_path / "c.csv").exists()
    assert not (ledger.parent / "access.beancount").exists()


def test_code_works_on_the_owners_site(tmp_path: Path) -> None:
    from trustfund.web.access import LIMITER
    from trustfund.web.app import create_app

    ledger = write_small(tmp_path / "ledger")
    out = tmp_path / "codes.csv"
    assert CliRunner().invoke(main, ["codes", str(ledger), "-o", str(out)]).exit_code == 0
    code = _codes(out)["1-1-102"]
    LIMITER.reset()
    client = create_app(ledger, public=True).test_client()
    slug = client.get("/").headers["Location"].strip("/").split("/")[0]
    ok = client.get(f"/{slug}/extension/MyUnit/json?unit=1-1-102&code={code}")
    assert ok.status_code == 200
    wrong = client.get(f"/{slug}/extension/MyUnit/json?unit=1-1-102&code=AAAAAAAAAA")
    assert wrong.status_code == 403
