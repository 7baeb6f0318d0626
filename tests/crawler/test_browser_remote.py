"""``accessibility.remote_url``: the browser pass drives a remote WebDriver endpoint (Selenium Grid's protocol).

A Selenium Grid node is a W3C WebDriver server in front of a browser; chromedriver
started with ``--port`` is exactly such a server. The test starts one on
127.0.0.1 and points ``remote_url`` at it, so the Remote code path runs against a
real endpoint and a real Chromium, with no Grid software needed on the machine.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from crawler.browser import BrowserPool
from govcrawl.config import Accessibility
from tests.sites import serve, static_handler

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>远程检测</title></head>
<body><main><h1>远程检测</h1><p>正文文字。</p><img src="/chart.png" width="40" height="20"></main></body></html>"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def webdriver_endpoint() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        ["/usr/bin/chromedriver", f"--port={port}", "--allowed-ips=127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/status", timeout=2) as answer:
                    if json.load(answer)["value"]["ready"]:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chromedriver did not become ready")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def test_remote_url_audits_through_a_webdriver_endpoint(webdriver_endpoint):
    settings = Accessibility(remote_url=webdriver_endpoint, workers=1, page_timeout=30, screenshots=False)
    with serve(static_handler({"/": (200, PAGE)})) as base:
        with BrowserPool(settings) as pool:
            audits = list(pool.audit([base + "/"]))
    assert [a.status for a in audits] == ["ok"], audits[0].error
    rules = {(n.rule, n.source) for n in audits[0].nodes}
    assert ("image-alt", "axe") in rules
    assert audits[0].axe_version
