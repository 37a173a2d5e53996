"""Both Fava sites at scale: paged account journals, a bounded response cache, the landing page."""

from __future__ import annotations

import functools
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from trustfund.web import app as web_app
from trustfund.web.app import create_app

sys.path.insert(0, str(Path(__file__).parent))
from web_ledgers import slug_of, write_small

DAYS = 40  # a long journal: 5 payments a day for 40 days, 3 on the first


def _long_ledger(folder: Path) -> Path:
    main = write_small(folder)
    lines = []
    day = date(2025, 2, 1)
    for number in range(DAYS):
        for k in range(3 if number == 0 else 5):
            lines.append(
                f'{day + timedelta(days=number)} * "成都洁美保洁有限公司" "保洁 {number}-{k}"\n'
                '  approval: "AP-1"\n'
                "  Expenses:Service:Cleaning  1.00 CNY\n"
                "  Assets:Bank:Trust\n"
            )
    with main.open("a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(lines))
    return main


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _long_ledger(tmp_path_factory.mktemp("long"))


@pytest.mark.parametrize("public", [False, True])
def test_account_journal_is_paged_by_whole_days_with_links_to_the_rest(
    ledger: Path, public: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app, "ACCOUNT_JOURNAL_LIMIT", 12)
    client = create_app(ledger, public=public).test_client()
    slug = slug_of(client)
    journal = client.get(f"/{slug}/api/account_report?a=Expenses:Service:Cleaning").get_json()[
        "data"
    ]["journal"]
    assert journal.count("<li class='transaction") == 10  # two whole days of five (not 12)
    assert "tf-journal-pager" in journal and "显示 10 条" in journal
    last = date(2025, 2, 1) + timedelta(days=DAYS - 1)
    assert f"+-+{last - timedelta(days=2)}'>更早 Earlier" in journal  # up to the day before
    assert "2025-02</a>" in journal  # a link per month
    # following "earlier": the time filter the link sets shows the days before, paged again
    older = client.get(
        f"/{slug}/api/account_report?a=Expenses:Service:Cleaning&time=2025-02-01 - {last - timedelta(days=2)}"
    ).get_json()["data"]["journal"]
    assert older.count("<li class='transaction") == 10
    assert f"保洁 {DAYS - 3}-4" in older and f"保洁 {DAYS - 1}-4" not in older
    assert "最新 Latest" in older


def test_a_day_over_the_budget_is_cut_and_says_so(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app, "ACCOUNT_JOURNAL_LIMIT", 3)
    client = create_app(ledger, public=False).test_client()
    slug = slug_of(client)
    journal = client.get(f"/{slug}/api/account_report?a=Expenses:Service:Cleaning").get_json()[
        "data"
    ]["journal"]
    assert journal.count("<li class='transaction") == 3
    assert "另有 2 条未显示" in journal


def test_a_short_journal_has_no_pager(ledger: Path) -> None:
    client = create_app(ledger, public=False).test_client()
    slug = slug_of(client)
    journal = client.get(f"/{slug}/api/account_report?a=Income:Fees:Property").get_json()["data"][
        "journal"
    ]
    assert "tf-journal-pager" not in journal


def test_the_cache_key_keeps_only_what_pages_read() -> None:
    from werkzeug.datastructures import MultiDict

    key = web_app.cache_key
    assert key("/x/", MultiDict([("time", " 2025 "), ("junk", "1")])) == "/x/?time=2025"
    assert key("/x/", MultiDict([("b", "1"), ("time", "2025")])) == key(
        "/x/", MultiDict([("time", "2025"), ("c", "2")])
    )
    assert key("/x/", MultiDict([("a", "Assets"), ("time", "2025")])) == "/x/?time=2025&a=Assets"
    assert key("/x/", MultiDict()) == "/x/"


def test_random_query_strings_do_not_grow_the_cache(small_public: Any) -> None:
    client, cache = small_public
    slug = slug_of(client)
    base = f"/{slug}/extension/PublicBalance/?time=2025"
    client.get(base)
    entries = len(cache)
    for number in range(40):
        response = client.get(f"{base}&x{number}={number}&utm_source=wechat{number}")
        assert response.status_code == 200
        assert response.headers.get(web_app.CACHE_HEADER) == "hit"
    assert len(cache) == entries


def test_the_cache_is_bounded_in_bytes_and_entries(small_public: Any) -> None:
    client, cache = small_public
    slug = slug_of(client)
    cache.clear()
    cache.max_entries = 3
    try:
        for month in range(1, 7):
            assert (
                client.get(f"/{slug}/api/income_statement?time=2025-{month:02d}").status_code == 200
            )
        assert len(cache) == 3
        assert cache.size <= cache.max_bytes
        cache.max_bytes = 1  # nothing fits: nothing is kept, everything still answers
        cache.clear()
        assert client.get(f"/{slug}/api/income_statement?time=2025-01").status_code == 200
        assert len(cache) == 0
    finally:
        cache.max_entries = web_app.RESPONSE_CACHE_ENTRIES
        cache.max_bytes = web_app.RESPONSE_CACHE_BYTES


def test_the_owners_land_on_the_public_balance(small_public: Any) -> None:
    client, _ = small_public
    slug = slug_of(client)
    response = client.get(f"/{slug}/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/extension/PublicBalance/")


@pytest.fixture(scope="module")
def small_public(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = create_app(write_small(tmp_path_factory.mktemp("small")), public=True)
    return app.test_client(), app.config["TRUSTFUND_RESPONSE_CACHE"]


def test_the_owners_pages_take_months_quarters_and_years_of_the_ledger(small_public: Any) -> None:
    """A bounded set of periods: a crawler cannot make the site compute a report per day."""
    client, _ = small_public
    slug = slug_of(client)
    for good in ("2025", "2025-03", "2025-Q1", ""):
        assert client.get(f"/{slug}/extension/PublicBalance/?time={good}").status_code == 200
    for bad in ("2025-03-17", "2025-01 - 2025-02", "2031", "1999-12"):
        response = client.get(f"/{slug}/extension/PublicBalance/?time={bad}")
        assert response.status_code == 400, bad
        assert "invalid filter" in response.get_data(as_text=True)
    # Fava's own pages keep any range (they filter the small published ledger)
    assert client.get(f"/{slug}/api/income_statement?time=2025-03-17").status_code == 200


def test_the_reports_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from reports import common

    monkeypatch.setattr(common, "MEMO_KEYS", 5)
    entries: list[Any] = []
    for number in range(20):
        assert common.memo(entries, ("k", number), functools.partial(int, number)) == number
    assert len(common._MEMO[id(entries)][1]) == 5
    calls: list[int] = []
    common.memo(entries, ("k", 19), lambda: calls.append(1))  # still there: not recomputed
    assert calls == []
