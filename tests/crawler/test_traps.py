"""Crawler traps: unit rules, and a real crawl of a trap site that must end on its own."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.traps import QuerySpaceGuard, repetitive_path
from tests.sites import crawl, serve


@pytest.mark.parametrize(
    "path", ["/a/a/a/a/index.html", "/zwgk/list/zwgk/list/zwgk/list/x.html", "/x/y/z/x/y/z/x/y/z/"]
)
def test_repetitive_paths_refused(path):
    assert repetitive_path(path)


@pytest.mark.parametrize("path", ["/zwgk/zcwj/202310/t20231009_1.html", "/a/b/a/c.html", "/"])
def test_ordinary_paths_allowed(path):
    assert not repetitive_path(path)


def test_query_space_guard():
    guard = QuerySpaceGuard(per_path=5, max_year=2024)
    assert guard.refuse("http://x.cn/cal.jsp?month=1&year=2031") == "calendar"
    assert guard.refuse("http://x.cn/cal.jsp?year=1850") == "calendar"
    assert guard.refuse("http://x.cn/list.jsp?year=2023") is None
    assert [guard.refuse(f"http://x.cn/s.jsp?page={i}") for i in range(7)][-2:] == ["query_space"] * 2
    assert guard.refuse("http://x.cn/other.jsp?page=1") is None


class _TrapHandler(BaseHTTPRequestHandler):
    """A site of traps: an endless calendar, a relative-link loop, session ids in links."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/robots.txt":
            self._send(404, "")
            return
        if parts.path == "/":
            body = ('<a href="/cal.jsp?year=2023&month=10">日历</a> <a href="loop/">循环</a>'
                    '<a href="/s.jsp;jsessionid=ABC?id=1">会话</a><a href="/s.jsp;jsessionid=XYZ?id=1">会话2</a>'
                    '<a href="/s.jsp?id=1&PHPSESSID=q">会话3</a>')
        elif parts.path == "/cal.jsp":
            year, month = int(query["year"][0]), int(query["month"][0])
            nxt = (year + (month == 12), month % 12 + 1)
            body = f'<a href="/cal.jsp?year={nxt[0]}&month={nxt[1]}">下月</a>'
        elif parts.path.startswith("/loop/"):
            body = '<a href="loop/">下一层</a>'
        elif parts.path == "/s.jsp":
            body = "会话页"
        else:
            self._send(404, "not found")
            return
        self._send(200, f"<html><head><title>陷阱</title></head><body>{body}</body></html>")

    def _send(self, status, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def trap_site():
    with serve(_TrapHandler) as base:
        yield base


def _crawl(base: str, tmp: Path, **limits) -> tuple[dict, list[str]]:
    return crawl(base, tmp, "traps", limits=limits)


def test_trap_site_crawl_ends_and_stays_bounded(trap_site, tmp_path):
    findings, urls = _crawl(trap_site, tmp_path)
    # The calendar stops one year past --today (2023), the loop after 3 repeats,
    # and the three session-id variants collapse into one page.
    assert len(urls) < 40
    assert not any("loop/loop/loop/loop" in u for u in urls)
    assert [u for u in urls if "/s.jsp" in u] == [trap_site + "/s.jsp?id=1"]
    assert any("year=2024" in u for u in urls) and not any("year=2025" in u for u in urls)
    assert findings["run"]["pages_crawled"] == len(urls)


def test_max_pages_is_honoured(trap_site, tmp_path):
    _, urls = _crawl(trap_site, tmp_path, max_pages=15)
    assert len(urls) == 15
