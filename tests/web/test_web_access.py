"""The unit page behind its access code; bad parameters are 400s; Fava's internals checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from trustfund.web import access
from trustfund.web.app import create_app

sys.path.insert(0, str(Path(__file__).parent))
from web_ledgers import CODE_101, CODE_102, slug_of, text_of, write_hostile


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = write_hostile(tmp_path_factory.mktemp("access") / "ledger")
    return create_app(path, public=True).test_client()


@pytest.fixture(autouse=True)
def fresh_limiter() -> None:
    access.LIMITER.reset()


def _unit(client: Any, query: str, endpoint: str = "") -> Any:
    return client.get(f"/{slug_of(client)}/extension/MyUnit/{endpoint}{query}")


def test_right_code_shows_bills_payments_prepaid_and_arrears(client: Any) -> None:
    response = _unit(client, f"json?unit=1-1-102&code={CODE_102.lower()}&time=2025")
    assert response.status_code == 200
    tables = {t["key"]: t for t in response.get_json()["tables"]}
    summary = {r["item"]: r["amount"] for r in tables["summary"]["rows"]}
    assert summary["本期账单 Billed"] == "300.00"
    assert summary["本期缴费 Paid"] == "200.00"
    assert summary["期末欠费 Arrears at end"] == "100.00"
    assert summary["预缴余额 Prepaid balance"] == "120.00"
    assert [r["amount"] for r in tables["open_bills"]["rows"]] == ["100.00"]
    assert [r["choice"] for r in tables["votes"]["rows"]] == ["反对 no"]
    page = _unit(client, f"?unit=1-1-102&code={CODE_102}&time=2025").get_data(as_text=True)
    assert 'data-table="lines"' in page and "120.00" in page


@pytest.mark.parametrize(
    "query",
    [
        "?unit=1-1-102",
        "?unit=1-1-102&code=",
        f"?unit=1-1-102&code={CODE_101}",  # another unit's code
        "?unit=1-1-102&code=AAAAA-AAAAA",
        "?room=1-1-102&code=AAAAA-AAAAA",
        f"?unit=2-1-101&code={CODE_101}",  # a unit without a code
        f"?unit=9-9-999&code={CODE_101}",
    ],
)
def test_no_or_wrong_code_shows_nothing_of_the_unit(client: Any, query: str) -> None:
    body = _unit(client, query + "&time=2025").get_data(as_text=True)
    assert 'data-table="' not in body
    assert "300.00" not in body and "120.00" not in body
    assert "访问码" in body  # says how to get a code
    json = _unit(client, query + "&time=2025", "json")
    assert json.status_code in (400, 403)
    assert "tables" not in (json.get_json() or {})
    assert _unit(client, query, "xlsx").status_code in (400, 403)


def test_wrong_codes_are_rate_limited_per_client(client: Any) -> None:
    for _ in range(access.CLIENT_LIMIT):
        assert _unit(client, "json?unit=1-1-101&code=AAAAA-AAAAA").status_code == 403
    limited = _unit(client, "json?unit=1-1-102&code=AAAAA-AAAAA")
    assert limited.status_code == 429
    # even the right code waits: nothing is checked while the client is over its limit
    assert _unit(client, f"json?unit=1-1-101&code={CODE_101}").status_code == 429
    other = client.get(
        f"/{slug_of(client)}/extension/MyUnit/json?unit=1-1-101&code={CODE_101}",
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 200


def test_wrong_codes_are_rate_limited_per_unit(client: Any) -> None:
    for n in range(access.UNIT_LIMIT):
        response = client.get(
            f"/{slug_of(client)}/extension/MyUnit/json?unit=1-1-101&code=AAAAA-AAAAA",
            environ_base={"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250}"},
        )
        assert response.status_code == 403
    response = client.get(
        f"/{slug_of(client)}/extension/MyUnit/json?unit=1-1-101&code=BBBBB-BBBBB",
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 429
    assert _unit(client, f"json?unit=1-1-102&code={CODE_102}").status_code == 200


def test_unit_pages_are_never_served_from_the_cache(client: Any) -> None:
    url = f"json?unit=1-1-101&code={CODE_101}"
    assert _unit(client, url).status_code == 200
    assert _unit(client, url).headers.get("X-Trustfund-Cache") is None


BAD = [
    "time=0001",
    "time=9999-13",
    "time=2025-02-30",
    "time=0001-01-01 - 0001-01-02",
    "time=%00",
    "time=" + "9" * 600,
    "filter=(((",
    "filter=#",
    "filter=payee:%22",
    "account=Assets:Nope(",
    "conversion=%3Cscript%3E",
    "interval=fortnight",
    "page=x",
    "page=0",
    "page=-1",
]
PUBLIC_URLS = [
    "api/income_statement",
    "api/balance_sheet",
    "api/trial_balance",
    "api/journal_page",
    "api/account_report?a=Assets:Bank:Trust",
    "api/events",
    "api/documents",
    "api/statistics",
    "income_statement/",
    "journal/",
    "extension/PublicBalance/",
    "extension/PublicBalance/json",
    "extension/BudgetExecution/xlsx",
    "extension/MaintenanceFund/",
    "extension/Votes/json",
    "extension/SpecialAudit/",
    f"extension/MyUnit/?unit=1-1-101&code={CODE_101}",
]


@pytest.mark.parametrize("bad", BAD)
def test_bad_parameters_are_400_never_500(client: Any, bad: str) -> None:
    slug = slug_of(client)
    for url in PUBLIC_URLS:
        joiner = "&" if "?" in url else "?"
        response = client.get(f"/{slug}/{url}{joiner}{bad}")
        assert response.status_code < 500, (url, bad, response.status_code)
        if response.status_code == 400:
            assert text_of(response).strip(), (url, bad)


def test_time_0001_is_a_400_with_a_message(client: Any) -> None:
    slug = slug_of(client)
    response = client.get(f"/{slug}/api/income_statement?time=0001")
    assert response.status_code == 400
    assert "invalid filter" in response.get_json()["error"]
    page = client.get(f"/{slug}/extension/PublicBalance/?time=0001")
    assert page.status_code == 400 and "invalid filter" in page.get_data(as_text=True)


def test_fava_internals_are_as_expected() -> None:
    """Fails loudly when a Fava release changes an internal the owners' site relies on."""
    from trustfund.web import fava_compat

    fava_compat.check()


def test_fava_compat_check_names_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    import fava.json_api

    from trustfund.web import fava_compat

    monkeypatch.delattr(fava.json_api, "JournalPage")
    with pytest.raises(fava_compat.FavaIncompatible, match="JournalPage"):
        fava_compat.check()
