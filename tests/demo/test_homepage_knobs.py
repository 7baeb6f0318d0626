"""DemoServer's homepage knobs for site-unavailable probe tests, over real loopback HTTP."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

import pytest

from crawler.demo.portal import SITE_NAME
from crawler.demo.server import HOMEPAGE_MODES, DemoServer


def fetch(url: str, method: str = "GET", timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def server():
    with DemoServer() as demo:
        yield demo


@pytest.fixture
def demo(server):
    yield server
    server.homepage_mode = "ok"
    server.homepage_delay = 0.0


def test_default_is_the_real_homepage(demo):
    assert (demo.homepage_mode, demo.homepage_delay, demo.homepage_down) == ("ok", 0.0, False)
    for path in ("/", "/index.html"):
        status, _headers, body = fetch(demo.main + path)
        assert status == 200 and SITE_NAME in body.decode() and "友情链接" in body.decode()


def test_down_is_503_and_homepage_down_is_its_alias(demo):
    demo.homepage_mode = "down"
    assert demo.homepage_down
    for path in ("/", "/index.html"):
        status, headers, _body = fetch(demo.main + path)
        assert status == 503 and headers["Retry-After"] == "60"
    demo.homepage_down = False
    assert demo.homepage_mode == "ok" and fetch(demo.main + "/")[0] == 200
    demo.homepage_down = True
    assert demo.homepage_mode == "down" and fetch(demo.main + "/")[0] == 503
    # switching the alias off leaves another mode alone
    demo.homepage_mode = "blank"
    demo.homepage_down = False
    assert demo.homepage_mode == "blank"


def test_maintenance_placeholder(demo):
    demo.homepage_mode = "maintenance"
    for path in ("/", "/index.html"):
        status, headers, body = fetch(demo.main + path)
        text = body.decode("utf-8")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert "网站维护中" in text and SITE_NAME not in text and len(body) < 1024


def test_error_page_is_a_soft_404(demo):
    demo.homepage_mode = "error-page"
    status, _headers, body = fetch(demo.main + "/")
    text = body.decode("utf-8")
    assert status == 200 and "页面不存在" in text and SITE_NAME not in text


def test_blank_is_an_empty_200(demo):
    demo.homepage_mode = "blank"
    for method in ("GET", "HEAD"):
        status, headers, body = fetch(demo.main + "/", method=method)
        assert (status, body, headers["Content-Length"]) == (200, b"", "0")


@pytest.mark.parametrize("mode", [m for m in HOMEPAGE_MODES if m != "ok"])
def test_only_the_homepage_is_affected(demo, mode):
    demo.homepage_mode = mode
    status, _headers, body = fetch(demo.main + "/zwgk/tzgg/")
    assert status == 200 and SITE_NAME in body.decode()
    assert fetch(demo.main + "/hdjl/zxts/")[0] == 200
    assert fetch(demo.ext + "/www.gov.cn/")[0] == 200  # the outside world's "/" paths are not the homepage
    assert any(r.host == "main" and r.target == "/zwgk/tzgg/" and r.status == 200 for r in demo.requests)


def test_unknown_mode_is_refused(demo):
    with pytest.raises(ValueError, match="homepage_mode"):
        demo.homepage_mode = "offline"
    assert demo.homepage_mode == "ok"


def test_homepage_delay_is_measured(demo):
    demo.homepage_delay = 0.6
    started = time.monotonic()
    assert fetch(demo.main + "/")[0] == 200
    assert 0.6 <= time.monotonic() - started < 3
    started = time.monotonic()
    assert fetch(demo.main + "/zwgk/")[0] == 200
    assert time.monotonic() - started < 0.5  # other pages answer at once
    # a probe with a shorter timeout than the delay fails
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(demo.main + "/index.html", timeout=0.2)


def test_delay_applies_in_every_mode(demo):
    demo.homepage_delay = 0.4
    demo.homepage_mode = "down"
    started = time.monotonic()
    assert fetch(demo.main + "/")[0] == 503
    assert time.monotonic() - started >= 0.4


def test_constructor_arguments():
    with DemoServer(homepage_mode="maintenance", homepage_delay=0.3) as demo:
        started = time.monotonic()
        status, _headers, body = fetch(demo.main + "/")
        assert status == 200 and "网站维护中" in body.decode() and time.monotonic() - started >= 0.3
    with pytest.raises(ValueError):
        DemoServer(homepage_mode="nope")
