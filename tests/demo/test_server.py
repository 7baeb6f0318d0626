"""The demo server really serves the portal over loopback sockets.

Everything here talks HTTP to 127.0.0.1 / 127.0.0.2 with urllib and
http.client, because the crawler will meet these behaviours through real
sockets (keep-alive, HEAD, redirects, refused ports, slow answers).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from crawler.demo.server import DemoServer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, method: str = "GET", timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """One request, redirects NOT followed; returns (status, headers, body)."""
    request = urllib.request.Request(url, method=method)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def follow(url: str, limit: int = 30) -> tuple[list[str], int]:
    """Follow redirects by hand; return the chain of URLs visited and the last status."""
    chain = [url]
    for _ in range(limit):
        status, headers, _ = fetch(chain[-1], method="HEAD")
        if status not in (301, 302, 303, 307, 308):
            return chain, status
        chain.append(headers["Location"])
        if chain.count(chain[-1]) > 1:
            return chain, status
    return chain, -1


@pytest.fixture(scope="module")
def demo():
    with DemoServer() as server:
        yield server


def test_base_urls_are_loopback(demo):
    assert urlsplit(demo.main).hostname == "127.0.0.1"
    assert urlsplit(demo.ext).hostname == "127.0.0.2"
    assert urlsplit(demo.refused).hostname == "127.0.0.2"
    assert len({urlsplit(u).port for u in (demo.main, demo.ext, demo.refused)}) == 3


@pytest.mark.parametrize(
    ("where", "path", "status"),
    [
        ("main", "/", 200),
        ("main", "/zwgk/tzgg/", 200),
        ("main", "/zwgk/tzgg/index_3.html", 200),
        ("main", "/sfj/zcwj/202305/t20230512_1001.html", 200),
        ("main", "/sfj/zcwj/202305/P020230512368541.pdf", 404),
        ("main", "/wzdt/index.html", 404),
        ("main", "/zwgk/sjfb/data.jsp?type=2&id=3", 500),
        ("main", "/zwgk/sjfb/data.jsp?id=3&type=2", 500),
        ("main", "/uploadfiles/nbgl/2023_nbtz.xls", 403),
        ("main", "/hdjl/ldxx/detail.jsp?type=1&id=1705", 200),
        ("ext", "/gone404.html", 404),
        ("ext", "/removed410.html", 410),
        ("ext", "/error500.html", 500),
        ("ext", "/forbidden403.html", 403),
        ("ext", "/auth401.html", 401),
        ("ext", "/expired-domain/", 200),
    ],
)
def test_planted_statuses(demo, where, path, status):
    base = demo.main if where == "main" else demo.ext
    assert fetch(base + path)[0] == status


def test_429_has_retry_after(demo):
    status, headers, _ = fetch(demo.ext + "/ratelimit429.html")
    assert status == 429
    assert headers["Retry-After"] == "1"


def test_content_types_and_attachment_bytes(demo):
    status, headers, body = fetch(demo.main + "/zwgk/czzj/202306/P020230620501234.pdf")
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    status, headers, body = fetch(demo.main + "/sfj/zcwj/202305/P020230512368542.docx")
    assert headers["Content-Type"].endswith("wordprocessingml.document")
    assert body.startswith(b"PK\x03\x04")
    status, headers, body = fetch(demo.main + "/images/logo.png")
    assert headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")
    status, headers, body = fetch(demo.main + "/zwgk/czzj/202308/P020230825401234.xls")
    assert headers["Content-Type"] == "application/vnd.ms-excel" and body.startswith(
        bytes.fromhex("D0CF11E0A1B11AE1")
    )
    status, headers, body = fetch(demo.main + "/uploadfiles/video/202306/t20230614_1303.mp4")
    assert headers["Content-Type"] == "video/mp4" and body[4:8] == b"ftyp"


def test_head_matches_get_without_body(demo):
    get_status, get_headers, get_body = fetch(demo.main + "/zwgk/tzgg/")
    head_status, head_headers, head_body = fetch(demo.main + "/zwgk/tzgg/", method="HEAD")
    assert head_status == get_status == 200
    assert head_body == b""
    assert int(head_headers["Content-Length"]) == len(get_body) == int(get_headers["Content-Length"])


def test_head_405_but_get_200(demo):
    assert fetch(demo.ext + "/head405.html", method="HEAD")[0] == 405
    assert fetch(demo.ext + "/head405.html")[0] == 200


def test_redirect_chain_ends_in_200(demo):
    chain, status = follow(demo.ext + "/redirect/a")
    assert status == 200 and len(chain) == 3


def test_redirect_loop_loops(demo):
    chain, _ = follow(demo.ext + "/loop/a")
    assert chain[-1] == chain[0] == demo.ext + "/loop/a"
    assert chain[1] == demo.ext + "/loop/b"


def test_more_than_ten_redirects_and_exactly_ten(demo):
    chain, status = follow(demo.ext + "/hops/1")
    assert (len(chain) - 1, status) == (11, 200)
    chain, status = follow(demo.ext + "/ten/1")
    assert (len(chain) - 1, status) == (10, 200)


def test_internal_redirects(demo):
    status, headers, _ = fetch(demo.main + "/zwgk/old_tzgg/")
    assert status == 301 and headers["Location"] == demo.main + "/zwgk/tzgg/"
    chain, status = follow(demo.main + "/zwgk/xxgkzn/old.html")
    assert status == 404 and len(chain) == 2
    # a directory without its slash gets the slash, like a real web server
    status, headers, _ = fetch(demo.main + "/zwgk/tzgg")
    assert status == 301 and headers["Location"] == demo.main + "/zwgk/tzgg/"


def test_refused_port_refuses(demo):
    with pytest.raises(urllib.error.URLError) as info:
        urllib.request.urlopen(demo.refused + "/czj/yjsgk/", timeout=5)
    assert isinstance(info.value.reason, ConnectionRefusedError)


def test_slow_page_answers_after_a_second(demo):
    started = time.monotonic()
    assert fetch(demo.ext + "/slow.html")[0] == 200
    assert 0.9 <= time.monotonic() - started < 4


def test_gbk_pages(demo):
    status, headers, body = fetch(demo.main + "/jyj/")
    assert headers["Content-Type"] == "text/html; charset=gbk"
    text = body.decode("gbk")
    assert '<meta charset="gbk">' in text and "兴庆区教育局" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    # declared only by the meta tag
    status, headers, body = fetch(demo.main + "/jyj/zcwj/202309/t20230905_3003.html")
    assert headers["Content-Type"] == "text/html"
    assert 'content="text/html; charset=gbk"' in body.decode("gbk")
    # declared nowhere
    status, headers, body = fetch(demo.main + "/jyj/tzgg/202310/t20231011_3005.html")
    assert headers["Content-Type"] == "text/html" and b"charset" not in body.lower()
    assert "按装" in body.decode("gbk")


def test_robots_txt(demo):
    status, headers, body = fetch(demo.main + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert b"Disallow: /admin/" in body


def test_keep_alive_serves_several_requests_on_one_connection(demo):
    parts = urlsplit(demo.main)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        for path in ("/", "/zwgk/", "/nonexistent.html", "/robots.txt"):
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            assert len(body) == int(response.headers["Content-Length"])
            assert response.status in (200, 404)
        assert connection.sock is not None  # never closed by the server in between
    finally:
        connection.close()


def test_fifty_parallel_connections(demo):
    urls = [demo.main + p for p in ("/", "/zwgk/tzgg/", "/jyj/", "/wjj/col/col2102/", "/zwgk/zcjd/")] * 20
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda u: fetch(u)[0], urls))
    assert statuses == [200] * len(urls)


def test_request_log_and_homepage_down(demo):
    fetch(demo.main + "/zwgk/zdly/")
    assert any(r.host == "main" and r.target == "/zwgk/zdly/" for r in demo.requests)
    demo.homepage_down = True
    try:
        assert fetch(demo.main + "/")[0] == 503
    finally:
        demo.homepage_down = False
    assert fetch(demo.main + "/")[0] == 200


def test_switching_nights():
    with DemoServer(night=1) as server:
        new_item = server.main + "/zwgk/tzgg/202309/t20230915_1010.html"
        changed = server.main + "/zwgk/tzgg/202310/t20231020_1004.html"
        assert fetch(new_item)[0] == 404
        assert "2023年10月20日" in fetch(changed)[2].decode() or "2023-10-20" in fetch(changed)[2].decode()
        server.set_night(2)
        assert fetch(new_item)[0] == 200
        assert "2023-10-25" in fetch(changed)[2].decode()
