"""The owners' side: the path of decisions is published, who objected is not; the settlement
(决算) is a public page of the owners' site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from beancount.core import data

from ledger.loader import load_string
from reports.publication import OWNER, Policy, publish_entries
from trustfund.web.app import create_app

LEDGER = """\
option "title" "公开小区"
option "operating_currency" "CNY"
2025-01-01 custom "fava-extension" "trustfund.web.extension"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 custom "tf-unit" "1-1-101" 100.00 "O-1"
2025-01-01 custom "tf-unit" "1-1-102" 100.00 "O-2"
2025-01-01 custom "tf-owner" "O-1" "张三丰"
2025-01-01 custom "tf-owner" "O-2" "欧阳小明"
2025-01-01 custom "tf-procedure" "five-two" 90
2025-01-02 custom "tf-stage" "R-1" "propose"
  by: "张三丰提议"
2025-01-03 custom "tf-resolution" "R-1" "budget" "2025年度预算" ""
2025-01-05 custom "tf-vote" "R-1" "1-1-101" "yes"
2025-01-05 custom "tf-vote" "R-1" "1-1-102" "yes"
2025-01-10 custom "tf-close" "R-1"
2025-01-10 custom "tf-budget" "2025" "R-1"
2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 1000.00 CNY
2025-01-11 custom "tf-approval" "AP-1" "committee" "甲" 900.00 CNY
2025-01-11 custom "tf-approval" "AP-1" "manager" "乙" 900.00 CNY
2025-01-12 custom "tf-notice" "N-1" "AP-1" 2025-01-20
2025-01-13 custom "tf-objection" "OB-1" "N-1" "1-1-102"
2025-01-14 custom "tf-objection" "OB-2" "N-1" "欧阳小明"
2025-01-15 custom "tf-objection-outcome" "OB-1" "dismissed"
2025-01-03 * "业主" "物业费"
  Assets:Bank:Trust  3000.00 CNY
  Income:Fees:Property
    unit: "1-1-101"
2025-01-25 * "洁美保洁服务有限公司" "保洁"
  approval: "AP-1"
  Assets:Bank:Trust  -900.00 CNY
  Expenses:Service:Cleaning
2026-01-05 custom "tf-resolution" "R-D" "surplus" "2025年度结余处置" ""
2026-01-06 custom "tf-vote" "R-D" "1-1-101" "yes"
2026-01-06 custom "tf-vote" "R-D" "1-1-102" "yes"
2026-01-08 custom "tf-close" "R-D"
2026-01-09 custom "tf-disposition" "2025" "refund-by-area" 2100.00 CNY "R-D"
"""
NAMES = ("张三丰", "欧阳小明")


def test_the_trail_is_published_and_who_objected_is_not() -> None:
    ledger = load_string(LEDGER)
    published = publish_entries(ledger.entries, Policy.of(ledger)).entries
    customs = {(e.type, str(e.values[0].value)): e for e in published if isinstance(e, data.Custom)}
    for key in (
        ("tf-procedure", "five-two"),
        ("tf-stage", "R-1"),
        ("tf-budget", "2025"),
        ("tf-disposition", "2025"),
        ("tf-objection-outcome", "OB-1"),
    ):
        assert key in customs, key
    assert "by" not in (customs[("tf-stage", "R-1")].meta or {})
    assert customs[("tf-objection", "OB-1")].values[2].value == OWNER  # a unit objected
    shown = customs[("tf-objection", "OB-2")].values[2].value
    assert shown != "欧阳小明" and shown.startswith("欧")
    text = repr(published)
    assert not [name for name in NAMES if name in text]


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("public")
    (folder / "main.beancount").write_text(LEDGER, encoding="utf-8")
    app = create_app(folder / "main.beancount", public=True, cache_dir=folder / "cache")
    return app.test_client()


def _slug(client: Any) -> str:
    response = client.get("/")
    assert response.status_code == 302
    return str(response.headers["Location"]).strip("/").split("/")[0]


def test_the_settlement_is_a_page_of_the_owners_site(public: Any) -> None:
    slug = _slug(public)
    response = public.get(f"/{slug}/extension/Settlement/?time=2025")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "年度决算" in body and "结余处置" in body and "2,100.00" in body
    assert "按面积退还" in body  # the refund per unit (unit ids and areas, no names)
    assert not [name for name in NAMES if name in body]
    month = public.get(f"/{slug}/extension/Settlement/json?time=2025-06")
    assert month.status_code == 200 and month.get_json()["period"] == "2025"
    keys = [t["key"] for t in month.get_json()["tables"]]
    assert keys[0] == "funds" and "dispositions" in keys and "refunds" in keys


def test_the_static_site_year_page_holds_the_settlement(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "main.beancount").write_text(LEDGER, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["publish", str(tmp_path / "ledger" / "main.beancount"), "-o", str(tmp_path / "site")]
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "y" / "2025.html").read_text(encoding="utf-8")
    assert 'id="settlement"' in page and "结余处置" in page and "按面积退还" in page
    assert "2,100.00" in page and "1-1-102" in page
    assert not [name for name in NAMES if name in page]
