"""`trustfund codes` with a static site: the slip's QR code opens the unit's encrypted page."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from publish_ledgers import DEMO

from cli import main


def test_codes_point_at_the_static_unit_page_and_publish_encrypts_for_them(tmp_path: Path) -> None:
    import shutil

    from ledger.loader import load
    from reports.publication import access_digest
    from trustfund.ops import unitpages

    folder = tmp_path / "xinyi"
    shutil.copytree(DEMO.parent, folder, ignore=shutil.ignore_patterns("downloads", ".*"))
    ledger = folder / "main.beancount"
    original = ledger.read_text(encoding="utf-8")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write('\n2025-01-01 custom "tf-site" "https://xinyi.example.org/公示/"\n')
    out = tmp_path / "codes.csv"
    rooms = ["1-1-101", "3-1-202"]
    args = ["codes", str(ledger), "-o", str(out)] + [x for r in rooms for x in ("--rotate", r)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    codes = {row["unit"]: row["code"] for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert sorted(codes) == sorted(rooms)
    sheet = out.with_suffix(".html").read_text(encoding="utf-8")
    loaded = load(ledger)
    site = tmp_path / "site"
    assert CliRunner().invoke(main, ["publish", str(ledger), "-o", str(site)]).exit_code == 0
    for room, code in codes.items():
        digest = access_digest(loaded.community, room)
        assert digest is not None and digest.startswith("pbkdf2-sha256:600000:")
        secret = unitpages.parse(digest)
        assert secret is not None
        url = f"https://xinyi.example.org/公示/unit.html#{secret.name}.{code}"
        assert url in sheet  # the QR code's address, printed under it
        assert f"<b>{secret.name}</b>" in sheet  # the page number, to type in
        blob = json.loads((site / "u" / f"{secret.name}.json").read_text(encoding="utf-8"))
        statement = unitpages.decrypt(secret, blob)
        assert statement is not None and statement["unit"] == room
    assert not re.search(r"extension/MyUnit", sheet)

    # without a site address the slips keep pointing at `serve --public`
    plain = tmp_path / "plain.csv"
    ledger.write_text(original, encoding="utf-8")  # no tf-site line
    result = CliRunner().invoke(
        main,
        [
            "codes",
            str(ledger),
            "-o",
            str(plain),
            "--rotate",
            "1-1-101",
            "--url",
            "https://fava.example.org",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "https://fava.example.org/" in plain.with_suffix(".html").read_text(encoding="utf-8")
    assert "extension/MyUnit/?unit=1-1-101" in plain.with_suffix(".html").read_text(
        encoding="utf-8"
    )
