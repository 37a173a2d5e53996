"""Privacy: crawl every page, download and JSON endpoint of the demo's public site.

No owner's full name, no signer's name, no phone number and no ID number of the source ledger
may appear anywhere the owners' site answers (JSON is decoded, XLSX cells are read).
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest

from ledger.loader import load
from trustfund.web.app import PUBLIC_REPORTS, create_app
from trustfund.web.extension import PAGES

sys.path.insert(0, str(Path(__file__).parent))
from web_ledgers import DEMO, slug_of, write_small

_SOURCES: dict[Path, Any] = {}
ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


def _secrets(path: Path) -> set[str]:
    ledger = load(path, cache=False)
    _SOURCES[path] = ledger
    community = ledger.community
    secrets = {o.name for lines in community.owners.values() for o in lines if len(o.name) >= 2}
    secrets |= {
        s.name for a in community.approvals.values() for s in a.signoffs if len(s.name) >= 2
    }
    for lines in community.owners.values():
        for owner in lines:
            for key, value in owner.meta.items():
                if key not in ("filename", "lineno") and isinstance(value, str):
                    secrets.add(value)
    for file in ledger.files:
        text = Path(file).read_text(encoding="utf-8")
        secrets |= set(ID_RE.findall(text)) | set(PHONE_RE.findall(text))
    return secrets


def _readable(response: Any) -> str:
    data = response.get_data()
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    if data[:2] == b"PK":  # xlsx
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(
                book.read(name).decode("utf-8", "replace")
                for name in book.namelist()
                if name.endswith(".xml")
            )
    return str(data.decode("utf-8", "replace"))


def crawl(
    client: Any, secrets: set[str], *, rooms: list[str], limit: int = 2000
) -> tuple[int, list[tuple[str, str]]]:
    slug = slug_of(client)
    base = f"/{slug}/"
    seeds = [f"{base}{name}/" for name in sorted(PUBLIC_REPORTS)]
    seeds += [
        f"{base}api/{name}"
        for name in (
            "income_statement",
            "balance_sheet",
            "trial_balance",
            "ledger_data",
            "events",
            "errors",
            "documents",
            "commodities",
            "statistics",
            "changed",
        )
    ]
    seeds += [f"{base}api/journal_page?page={n}&order=desc" for n in range(1, 4)]
    for cls in PAGES:
        for endpoint in ("", "json", "xlsx"):
            seeds.append(f"{base}extension/{cls.__name__}/{endpoint}")
        seeds.append(f"{base}extension/{cls.__name__}/?time=2025-06")
    for room in rooms:
        for endpoint in ("", "json", "xlsx"):
            seeds.append(f"{base}extension/MyUnit/{endpoint}?room={room}")
    ledger_data = client.get(f"{base}api/ledger_data").get_json()["data"]
    for number, account in enumerate(ledger_data["accounts"]):
        seeds.append(f"{base}account/{account}/")
        seeds.append(f"{base}api/account_report?a={quote(account)}")
        if number < 3:  # the interval tables hold amounts only: a few are enough
            seeds.append(f"{base}api/account_report?a={quote(account)}&r=changes")
    seen: set[str] = set()
    queue = deque(seeds)
    leaks: list[tuple[str, str]] = []
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response.headers["Location"]))
            continue
        text = _readable(response)
        leaks += [(url, secret) for secret in secrets if secret in text]
        if response.mimetype == "text/html":
            parser = _Links()
            parser.feed(text)
            for link in parser.links:
                target = urljoin(url, link)
                parts = urlsplit(target)
                if (
                    parts.netloc
                    or "/static/" in parts.path
                    or not parts.path.startswith(base.rstrip("/"))
                ):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return len(seen), leaks


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    path = DEMO
    if not path.exists():  # before the demo lands: a generated community of the same shape
        from trustfund.ops.generator import generate

        path = generate(tmp_path_factory.mktemp("gen"), units=40, years=1)
    client = create_app(path, public=True, cache_dir=tmp_path_factory.mktemp("cache")).test_client()
    return client, path


def test_demo_public_site_leaks_nothing(demo_site: tuple[Any, Path]) -> None:
    client, path = demo_site
    secrets = _secrets(path)
    assert len(secrets) > 20  # names, phones: the demo has private data to hide
    rooms = sorted(_SOURCES[path].community.units)[:6]
    visited, leaks = crawl(client, secrets, rooms=rooms)
    assert visited > 100
    assert leaks == []


def test_demo_public_site_shows_masked_names(demo_site: tuple[Any, Path]) -> None:
    client, _path = demo_site
    slug = slug_of(client)
    payees = client.get(f"/{slug}/api/ledger_data").get_json()["data"]["payees"]
    masked = [p for p in payees if re.fullmatch(r".\*", p)]
    assert masked, "the owners' payments should show masked payees"


def test_small_site_leaks_nothing(tmp_path: Path) -> None:
    source = write_small(tmp_path / "src")
    client = create_app(source, public=True, cache_dir=tmp_path / "cache").test_client()
    secrets = _secrets(source) | {"张三丰", "510104199001011234", "zhang@example.com"}
    visited, leaks = crawl(client, secrets, rooms=["1-1-101", "1-1-102"])
    assert visited > 50
    assert leaks == []
