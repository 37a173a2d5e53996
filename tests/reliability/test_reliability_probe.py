"""Probe the owners' public site: every Fava route × every method, traversal and query tricks.

Nothing may return ledger source, a private name or a 500 with a traceback; every write is
refused. Uses the Flask test client on ``trustfund.web.app.create_app(..., public=True)``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from trustfund.web.app import create_app
from trustfund.web.extension import PAGES

SECRETS = (
    "张三丰",
    "欧阳小明",
    "13812345678",
    "510104199001011234",
    "zhang@example.com",
    "成都市武侯区某街1号",
    "SOURCE-COMMENT-7f3a9c",
    "docs/contract-secret.pdf",
)

LEDGER = """\
option "title" "探测小区"
option "operating_currency" "CNY"
; SOURCE-COMMENT-7f3a9c: a comment only the source file holds

2025-01-01 custom "fava-extension" "trustfund.web.extension"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Equity:Owners:Common
2025-01-01 custom "tf-unit" "1-1-101" 90.00 "O-0001"
2025-01-01 custom "tf-owner" "O-0001" "张三丰"
  phone: "13812345678"
  id-number: "510104199001011234"
  address: "成都市武侯区某街1号"
2025-01-01 custom "tf-unit" "1-1-102" 110.00 "O-0002"
2025-01-01 custom "tf-owner" "O-0002" "欧阳小明"
  email: "zhang@example.com"
2025-01-05 * "张三丰" "物业费 1-1-101 张三丰 13812345678"
  Assets:Bank:Trust  300.00 CNY
  Income:Fees:Property  -300.00 CNY
    unit: "1-1-101"
2025-01-06 * "欧阳小明" "物业费"
  document: "docs/contract-secret.pdf"
  Assets:Bank:Trust  400.00 CNY
  Income:Fees:Property  -400.00 CNY
2025-01-07 document Assets:Bank:Trust "docs/contract-secret.pdf"
"""

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
TRAVERSAL = (
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/main.beancount",
    "....//....//main.beancount",
    "main.beancount",
    "/etc/passwd",
    "%00",
    "..\\..\\main.beancount",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str, Path]:
    folder = tmp_path_factory.mktemp("probe")
    (folder / "docs").mkdir()
    (folder / "docs" / "contract-secret.pdf").write_bytes(b"%PDF-1.4 SOURCE-COMMENT-7f3a9c")
    main = folder / "main.beancount"
    main.write_text(LEDGER, encoding="utf-8")
    app = create_app(main, public=True, cache_dir=tmp_path_factory.mktemp("cache"))
    app.config["TESTING"] = False  # exceptions become 500 pages, as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    location = client.get("/").headers.get("Location", "")
    slug = location.strip("/").split("/")[0]
    assert slug, location
    return client, slug, main


def _urls(app: Any, slug: str, main: Path) -> list[str]:
    values = {
        "bfile": slug,
        "report_name": "income_statement",
        "name": "Assets:Bank:Trust",
        "extension_name": "PublicBalance",
        "endpoint": "json",
        "result_format": "csv",
        "aggregation_key": "account",
        "page_slug": "features",
        "filename": "x",
    }
    urls = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for arg in rule.arguments:
            pattern = re.compile(r"<(?:[^:<>]+:)?" + re.escape(arg) + r">")
            path = pattern.sub(values.get(arg, "x"), path)
        path = re.sub(r"<any\([^)]*\):[^>]+>", "account", path)
        urls.append(path)
    extra = (
        [
            f"/{slug}/{name}/"
            for name in (
                "editor",
                "query",
                "import",
                "options",
                "errors",
                "journal",
                "documents",
                "balance_sheet",
                "statistics",
                "commodities",
                "events",
                "trial_balance",
            )
        ]
        + [f"/{slug}/extension/{cls.__name__}/" for cls in PAGES]
        + [
            f"/{slug}/extension/{cls.__name__}/{ep}"
            for cls in PAGES
            for ep in ("json", "xlsx", "source", "x")
        ]
        + [
            f"/{slug}/api/source?filename={quote(str(main))}",
            f"/{slug}/document/?filename={quote(str(main))}",
            f"/{slug}/document/?filename={quote(str(main.parent / 'docs' / 'contract-secret.pdf'))}",
            f"/{slug}/statement/?entry_hash=x&key=document",
            f"/{slug}/api/query?query_string={quote('SELECT payee, narration, filename')}",
            f"/{slug}/download-query/query_result.csv?query_string={quote('SELECT *')}",
            f"/{slug}/download-journal/",
            f"/{slug}/api/context?entry_hash=x",
            f"/{slug}/api/narrations",
            f"/{slug}/api/payee_accounts?payee={quote('张三丰')}",
            f"/{slug}/journal/?filter={quote('张三丰')}",
            f"/{slug}/api/journal_page?page=abc",
            f"/{slug}/api/journal_page?page=-1",
            f"/{slug}/api/journal_page?page=99999999999999999999",
            f"/{slug}/api/account_report?a={quote('Assets:Bank:Trust')}&r=journal",
            f"/{slug}/account/Assets:Bank:Trust/?time={quote('9999-99')}",
            f"/{slug}/income_statement/?time={quote('2025-13')}&conversion=x&interval=bogus",
            f"/{slug}/extension/MyUnit/?room={quote('<script>alert(1)</script>')}",
            f"/{slug}/extension/MyUnit/?room=1-1-101",
            "/jump?link=" + quote("http://evil.example/"),
        ]
    )
    for trick in TRAVERSAL:
        extra += [
            f"/static/{trick}",
            f"/{slug}/{trick}",
            f"/{slug}/document/?filename={trick}",
            f"/{slug}/extension/{trick}/",
            f"/{slug}/help/{trick}",
            f"/{trick}/income_statement/",
            f"/{slug}/extension_js_module/{trick}.js",
        ]
    return urls + extra


def _body(response: Any) -> str:
    data = response.get_data()
    if response.mimetype and "json" in response.mimetype:
        try:
            return json.dumps(response.get_json(), ensure_ascii=False)
        except Exception:
            pass
    return data.decode("utf-8", errors="replace")


def test_probe_every_route_and_method(site: tuple[Any, str, Path]) -> None:
    client, slug, main = site
    urls = _urls(client.application, slug, main)
    assert len(urls) > 100
    source_text = main.read_text(encoding="utf-8")
    problems: list[str] = []
    seen_ok = 0
    for url in urls:
        for method in METHODS:
            response = client.open(
                url, method=method, json={"source": "x", "entries": [], "file_path": str(main)}
            )
            body = _body(response)
            status = response.status_code
            where = f"{method} {url} -> {status}"
            if status >= 500:
                problems.append(f"{where}: server error")
            if "Traceback" in body or 'File "/' in body:
                problems.append(f"{where}: traceback in body")
            for secret in SECRETS:
                if secret in body:
                    problems.append(f"{where}: leaks {secret!r}")
            if str(main) in body or source_text[:200] in body:
                problems.append(f"{where}: leaks the source ledger")
            if method not in ("GET", "HEAD", "OPTIONS") and status < 400:
                problems.append(f"{where}: write not refused")
            if method == "GET" and status == 200:
                seen_ok += 1
    assert problems == [], "\n".join(problems[:40])
    assert seen_ok >= 20  # the probe did reach real pages
    assert main.read_text(encoding="utf-8") == source_text  # nothing written


def test_public_pages_still_show_the_money(site: tuple[Any, str, Path]) -> None:
    client, slug, _ = site
    body = _body(client.get(f"/{slug}/extension/PublicBalance/"))
    assert "700.00" in body or "700" in body
    journal = _body(client.get(f"/{slug}/api/journal_page?page=1"))
    assert ("张*" in journal or "业主" in journal) and "张三丰" not in journal
