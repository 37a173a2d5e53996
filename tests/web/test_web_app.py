"""The Fava extension pages and endpoints, and the public site's refusals (Flask test client)."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from trustfund.web import app as web_app
from trustfund.web import public as web_public
from trustfund.web.app import create_app
from trustfund.web.extension import PAGES

sys.path.insert(0, str(Path(__file__).parent))
from web_ledgers import CODE_101, SMALL_SECRETS, slug_of, text_of, write_small


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def committee(small: Path) -> Any:
    return create_app(small, public=False).test_client()


@pytest.fixture(scope="module")
def public(small: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return create_app(small, public=True, cache_dir=tmp_path_factory.mktemp("cache")).test_client()


def _pages(client: Any) -> str:
    return slug_of(client)


def _tables(client: Any, page: str, time: str = "2025") -> dict[str, Any]:
    """The tables of an extension page's JSON, by key."""
    payload = client.get(f"/{_pages(client)}/extension/{page}/json?time={time}").get_json()
    return {t["key"]: t for t in payload["tables"]}


@pytest.mark.parametrize("site", ["committee", "public"])
@pytest.mark.parametrize("page", [cls.__name__ for cls in PAGES])
def test_every_page_renders(site: str, page: str, request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue(site)
    slug = _pages(client)
    query = f"?unit=1-1-101&code={CODE_101}" if page == "MyUnit" else ""
    response = client.get(f"/{slug}/extension/{page}/{query}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'class="tf-page"' in body
    assert "Internal Server Error" not in body
    # every page links to the other five
    for other in PAGES:
        assert f"/extension/{other.__name__}/" in body
    if site == "public":
        for secret in SMALL_SECRETS:
            assert secret not in body


@pytest.mark.parametrize("page", [cls.__name__ for cls in PAGES])
def test_json_and_xlsx_endpoints(public: Any, page: str) -> None:
    slug = _pages(public)
    query = f"?unit=1-1-101&code={CODE_101}&time=2025" if page == "MyUnit" else "?time=2025"
    response = public.get(f"/{slug}/extension/{page}/json{query}")
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["period"] == "2025"
    assert isinstance(payload["tables"], list) and payload["tables"]
    xlsx = public.get(f"/{slug}/extension/{page}/xlsx{query}")
    assert xlsx.status_code == 200
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames
    text = json.dumps(
        [[str(c.value) for row in ws.iter_rows() for c in row] for ws in book.worksheets],
        ensure_ascii=False,
    )
    for secret in SMALL_SECRETS:
        assert secret not in text


def test_maintenance_page_shows_the_vote_and_allocation(public: Any) -> None:
    tables = _tables(public, "MaintenanceFund")
    project = tables["projects"]["rows"][0]
    assert project["amount"] == "1000.00"
    assert project["resolution"] == "R-2025-01"
    assert project["price_audit"] == "SJ-2025-01"
    assert project["vote"].startswith("通过")
    shares = {r["room"]: r["share"] for r in tables["allocation"]["rows"]}
    assert shares == {"1-1-101": "450.00", "1-1-102": "550.00"}  # 90 and 110 m2 of 200


def test_votes_page_tally(public: Any) -> None:
    tables = _tables(public, "Votes")
    row = tables["resolutions"]["rows"][0]
    assert row["id"] == "R-2025-01"
    assert row["passed"] == "True"
    assert row["participating_area"] == "200.00"
    assert row["participation_area_ratio"] == "1.0000"
    # no "votes-by-unit" switch: the tally only, no ballots by room
    assert "ballots" not in tables


def test_committee_votes_page_shows_ballots(committee: Any) -> None:
    tables = _tables(committee, "Votes")
    assert [b["room"] for b in tables["ballots"]["rows"]] == ["1-1-101", "1-1-102"]


def test_period_follows_the_time_filter(committee: Any) -> None:
    slug = _pages(committee)
    body = committee.get(f"/{slug}/extension/PublicBalance/?time=2025-01").get_data(as_text=True)
    assert 'data-value="2025-01"' in body
    assert "time=2025-01" in body  # the XLSX link keeps the period
    payload = committee.get(f"/{slug}/extension/MaintenanceFund/json?time=2025-01").get_json()
    assert payload["period"] == "2025-01"
    assert {t["key"]: t for t in payload["tables"]}["projects"][
        "rows"
    ] == []  # the project is in February


def test_unit_page_asks_for_a_room_and_rejects_unknown(committee: Any) -> None:
    slug = _pages(committee)
    body = committee.get(f"/{slug}/extension/MyUnit/").get_data(as_text=True)
    assert 'name="unit"' in body and 'name="code"' not in body  # the committee needs no code
    body = committee.get(f"/{slug}/extension/MyUnit/?room=9-9-999").get_data(as_text=True)
    assert "没有房号 9-9-999" in body
    body = committee.get(f"/{slug}/extension/MyUnit/?room=%3Cscript%3E").get_data(as_text=True)
    assert "<script>" not in body.split('class="tf-page"', 1)[1]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize(
    "path", ["extension/PublicBalance/json", "api/source", "api/add_entries", "income_statement/"]
)
def test_public_refuses_every_write(public: Any, method: str, path: str) -> None:
    slug = _pages(public)
    response = getattr(public, method)(f"/{slug}/{path}", json={"source": "x", "entries": []})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "api/source?filename=x",
        "api/source_slice?entry_hash=x",
        "api/context?entry_hash=x",
        "download-journal/",
        "download-query/query_result.csv?query_string=SELECT%20*",
        "api/query?query_string=SELECT%20*",
        "api/journal",
        "api/extract?filename=x&importer=y",
        "api/imports",
        "api/options",
        "api/narrations",
        "api/payee_accounts?payee=x",
        "api/payee_transaction?payee=x",
        "editor/",
        "query/",
        "import/",
        "options/",
        "statement/?entry_hash=x&key=y",
        "extension/TrustPage/json",
        "no/such/page",
    ],
)
def test_public_refuses_source_downloads_and_queries(public: Any, path: str) -> None:
    slug = _pages(public)
    response = public.get(f"/{slug}/{path}")
    assert response.status_code in (403, 404)


def test_committee_fava_keeps_its_editor(committee: Any) -> None:
    slug = _pages(committee)
    assert committee.get(f"/{slug}/api/source?filename=").status_code in (
        200,
        404,
    )  # not 403: committee's Fava
    assert committee.get(f"/{slug}/editor/").status_code == 200


def test_public_fava_pages_are_served_in_chinese(public: Any) -> None:
    slug = _pages(public)
    for report in ("income_statement", "balance_sheet", "journal", "trial_balance"):
        response = public.get(f"/{slug}/{report}/")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert 'id="trustfund-public"' in body  # links to switched-off pages hidden
        assert '"language": "zh"' in body or '"language":"zh"' in body
    for api in (
        "income_statement",
        "balance_sheet",
        "trial_balance",
        "ledger_data",
        "events",
        "errors",
    ):
        response = public.get(f"/{slug}/api/{api}")
        assert response.status_code == 200, api
        text = text_of(response)
        if api == "ledger_data":
            payees = response.get_json()["data"]["payees"]
            assert "业主" in payees and "成都洁美保洁有限公司" in payees
        for secret in SMALL_SECRETS:
            assert secret not in text


def test_public_account_journal_is_capped(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app, "ACCOUNT_JOURNAL_LIMIT", 1)
    monkeypatch.setattr(web_app, "JOURNAL_PAGE_SIZE", 2)
    client = create_app(small, public=True, cache_dir=tmp_path).test_client()
    slug = _pages(client)
    journal = client.get(f"/{slug}/api/account_report?a=Assets:Bank:Trust").get_json()["data"][
        "journal"
    ]
    assert journal.count("<li class='transaction") == 1  # the latest of two
    assert "保洁费" in journal
    page = client.get(f"/{slug}/api/journal_page?page=1&order=desc").get_json()["data"]
    assert page["total_pages"] > 1


def test_publication_is_regenerated_when_the_ledger_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_public, "CHECK_INTERVAL", 0.0)
    source = write_small(tmp_path / "src")
    client = create_app(source, public=True, cache_dir=tmp_path / "cache").test_client()
    slug = _pages(client)
    assert "花园修剪" not in text_of(client.get(f"/{slug}/api/journal_page?page=1&order=desc"))
    with source.open("a", encoding="utf-8") as handle:
        handle.write(
            '2025-03-01 * "赵六" "花园修剪 赵六"\n  approval: "AP-1"\n  Expenses:Service:Cleaning  10.00 CNY\n'
            "  Assets:Bank:Trust\n"
        )
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    time.sleep(0.01)
    client.get(f"/{slug}/income_statement/")  # notices the change
    body = text_of(client.get(f"/{slug}/api/journal_page?page=1&order=desc"))
    # a private payee: masked, and the memo replaced by a generated description
    assert "赵*" in body and "付款 保洁 2025-03" in body
    assert "赵六" not in body and "花园修剪" not in body


def test_publication_is_held_in_memory(small: Path, tmp_path: Path) -> None:
    app = create_app(small, public=True, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()  # nothing written anywhere
    client = app.test_client()
    slug = _pages(client)
    data = client.get(f"/{slug}/api/ledger_data").get_json()["data"]
    text = json.dumps(data, ensure_ascii=False)
    assert str(small.parent) not in text and "main.beancount" not in text
    assert data["options"]["include"] == [] and data["options"]["documents"] == []


def test_public_answers_are_cached_until_the_ledger_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_public, "CHECK_INTERVAL", 0.0)
    source = write_small(tmp_path / "src")
    app = create_app(source, public=True, cache_dir=tmp_path / "cache")
    client = app.test_client()
    slug = _pages(client)
    url = f"/{slug}/extension/PublicBalance/?time=2025"
    first = client.get(url)
    second = client.get(url)
    assert first.headers.get(web_app.CACHE_HEADER) is None
    assert second.headers.get(web_app.CACHE_HEADER) == "hit"
    assert second.data == first.data
    assert second.headers["X-Frame-Options"] == "DENY"
    assert second.data.count(b'id="trustfund-public"') == 1
    with source.open("a", encoding="utf-8") as handle:
        handle.write(
            '2025-03-01 * "赵六" "花园修剪"\n  approval: "AP-1"\n  Expenses:Service:Cleaning  10.00 CNY\n'
            "  Assets:Bank:Trust\n"
        )
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    third = client.get(url)
    assert third.headers.get(web_app.CACHE_HEADER) is None
    assert third.data != first.data  # the new payment is in the year's figures


def test_background_regeneration_swaps_the_site_when_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_public, "CHECK_INTERVAL", 0.0)
    source = write_small(tmp_path / "src")
    app = create_app(source, public=True, cache_dir=tmp_path / "cache", background=True)
    publication = app.config["TRUSTFUND_PUBLICATION"]
    client = app.test_client()
    slug = _pages(client)
    url = f"/{slug}/api/journal_page?page=1&order=desc"
    assert "花园修剪" not in text_of(client.get(url))
    first = publication.fava_ledger
    with source.open("a", encoding="utf-8") as handle:
        handle.write(
            '2025-03-01 * "赵六" "花园修剪"\n  approval: "AP-1"\n  Expenses:Service:Cleaning  10.00 CNY\n'
            "  Assets:Bank:Trust\n"
        )
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert "赵*" not in text_of(client.get(url))  # still the current publication: no wait
    assert publication._worker is not None
    publication._worker.join(timeout=60)
    assert publication.fava_ledger is not first
    body = text_of(client.get(url))
    assert "赵*" in body and "赵六" not in body and "花园修剪" not in body


@pytest.mark.parametrize(
    ("time_filter", "label"),
    [
        ("2025-Q1", "2025Q1"),
        ("2025-01 - 2025-02", "2025-01-01~2025-02-28"),
        ("2025-01-03", "2025-01-03~2025-01-03"),
    ],
)
def test_any_time_filter_is_a_period(committee: Any, time_filter: str, label: str) -> None:
    slug = _pages(committee)
    body = committee.get(f"/{slug}/extension/PublicBalance/?time={time_filter}").get_data(
        as_text=True
    )
    assert f'data-value="{label}"' in body
    if "~" in label:
        assert "年度" not in body.split('id="tf-period"', 1)[1].split("</span>", 1)[0]


def test_unreadable_time_filter_is_explained(committee: Any) -> None:
    slug = _pages(committee)
    response = committee.get(f"/{slug}/extension/PublicBalance/?time=bogus")
    assert response.status_code == 400
    assert "invalid filter" in response.get_data(as_text=True)
    assert committee.get(f"/{slug}/extension/PublicBalance/json?time=bogus").status_code == 400
