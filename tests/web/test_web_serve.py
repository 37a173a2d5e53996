"""``trustfund serve --public`` as a real server (cheroot) in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from web_ledgers import ROOT, SMALL_SECRETS, write_small


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(url: str, method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=b"{}" if method != "GET" else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_public_command(tmp_path: Path) -> None:
    source = write_small(tmp_path / "src")
    port = _free_port()
    env = dict(
        os.environ, TRUSTFUND_CACHE_DIR=str(tmp_path / "cache"), BEANCOUNT_DISABLE_LOAD_CACHE="1"
    )
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "cli.py"),
            "serve",
            str(source),
            "--public",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline:
            try:
                status, body = _status(base + "/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200  # urllib follows the redirects to the 公示 page
        text = body.decode("utf-8")
        assert "测试小区" in text
        assert 'data-page="PublicBalance"' in text  # owners land on the 公示
        for secret in SMALL_SECRETS:
            assert secret not in text
        slug = urllib.parse.quote("测试小区")
        assert _status(f"{base}/{slug}/extension/PublicBalance/")[0] == 200
        assert _status(f"{base}/{slug}/download-journal/")[0] == 403
        assert _status(f"{base}/{slug}/api/source?filename=x")[0] == 403
        assert _status(f"{base}/{slug}/api/source", "PUT")[0] == 405
        assert _status(f"{base}/{slug}/extension/PublicBalance/json", "POST")[0] == 405
        # the publication is held in memory: nothing is written for it
        assert not list((tmp_path / "cache").rglob("*.beancount"))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
