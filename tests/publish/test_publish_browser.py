"""The static site as an owner meets it: headless Chromium at 390 px, with and without JavaScript."""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from publish_ledgers import CODES

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def host(site: Path) -> Iterator[str]:
    """Any static host: here Python's own file server on the published folder."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _driver(javascript: bool = True) -> Any:
    import os

    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        if os.environ.get("TRUSTFUND_REQUIRE_BROWSER"):
            pytest.fail(
                "chromium and chromedriver are required (apt-get install chromium chromium-driver)"
            )
        pytest.skip("no browser installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="tf-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(60)
    browser._tf_profile = profile  # type: ignore[attr-defined]
    return browser


@pytest.fixture(scope="module")
def phone() -> Iterator[Any]:
    browser = _driver()
    browser.set_window_size(390, 844)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(browser._tf_profile, ignore_errors=True)


def _pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site)) for p in site.rglob("*.html") if not p.name.startswith(".")
    )


def _errors(browser: Any) -> list[dict[str, Any]]:
    return [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]


def _wait(browser: Any, script: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = browser.execute_script(script)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_every_page_fits_a_phone_without_console_errors(phone: Any, host: str, site: Path) -> None:
    pages = _pages(site)
    assert len(pages) >= 19
    ARTIFACTS.mkdir(exist_ok=True)
    phone.get_log("browser")
    for page in pages:
        phone.get(f"{host}/{page}")
        _wait(phone, "return document.readyState === 'complete'")
        width = phone.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, (page, width)
        assert _errors(phone) == [], page
        if page in ("index.html", "m/2025-03.html"):
            phone.save_screenshot(str(ARTIFACTS / f"static-390-{page.replace('/', '-')}.png"))
            assert _wait(
                phone, "return document.querySelectorAll('figure.chart svg rect').length > 3"
            )


def test_unit_page_opens_with_its_code_and_shows_nothing_with_a_wrong_one(
    phone: Any, host: str, demo_ledger: Any
) -> None:
    from reports.publication import access_digest
    from trustfund.ops import unitpages

    room, code = next(iter(CODES.items()))
    secret = unitpages.parse(access_digest(demo_ledger.community, room))
    assert secret is not None
    phone.get("about:blank")
    phone.get_log("browser")
    phone.get(f"{host}/unit.html#{unitpages.fragment(secret, code)}")
    shown = _wait(phone, "return document.querySelector('#unit-statement h2')?.textContent")
    assert shown == f"房号 {room}"
    text = phone.execute_script("return document.getElementById('unit-statement').innerText")
    assert "账单与缴费" in text and "维修资金余额" in text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
    phone.save_screenshot(str(ARTIFACTS / "static-390-unit.png"))
    assert _errors(phone) == []

    phone.get("about:blank")
    phone.get(f"{host}/unit.html#{secret.name}.AAAAA-AAAAA")
    message = _wait(phone, "return document.querySelector('#unit-status.error')?.textContent")
    assert message and "不正确" in message
    assert phone.execute_script("return document.getElementById('unit-statement').innerText") == ""
    # the code never reaches the host: the fragment is not part of any request
    assert _errors(phone) == []


def test_pages_read_without_javascript(host: str) -> None:
    browser = _driver(javascript=False)
    try:
        browser.set_window_size(390, 844)
        browser.get(f"{host}/m/2025-03.html")
        text = browser.find_element("tag name", "main").text
        assert "基金收支" in text and "支出明细" in text and "欠费" in text
        assert "保洁" in text  # a category and its amounts: plain HTML tables
        assert browser.find_elements("css selector", "figure.chart svg") == []  # no chart
        browser.get(f"{host}/unit.html")
        assert "需要启用 JavaScript" in browser.find_element("tag name", "main").text
    finally:
        browser.quit()
        shutil.rmtree(browser._tf_profile, ignore_errors=True)
