"""robots.txt as RFC 9309 reads it: rules, no rules (4xx), and complete disallow when unreachable.

Real crawls of sites served on 127.0.0.1 whose robots.txt answers each way; the
server's request log shows what the crawler asked for.
"""

from __future__ import annotations

import sqlite3
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.robots import MAX_BYTES, NONE, RULES, UNREACHABLE, clip, verdict_of
from tests.sites import crawl, serve

PAGES = {
    "/": '<a href="/news.html">新闻</a> <a href="/private/admin.html">后台</a>',
    "/news.html": "<p>新闻</p>",
    "/private/admin.html": "<p>后台</p>",
}


@pytest.mark.parametrize(("status", "kind"), [
    (200, RULES), (204, RULES), (404, NONE), (403, NONE), (401, NONE), (410, NONE),
    (429, UNREACHABLE), (500, UNREACHABLE), (503, UNREACHABLE), (None, UNREACHABLE),
])
def test_rfc_9309_reading_of_each_answer(status, kind):
    assert verdict_of(status) == kind


def test_clip_keeps_whole_lines_within_the_limit():
    body = b"User-agent: *\nDisallow: /private/\n" + b"# x\n" * (MAX_BYTES // 4)
    clipped = clip(body)
    assert len(clipped) <= MAX_BYTES and clipped.endswith(b"\n") and clipped.startswith(b"User-agent: *\n")
    assert clip(b"Disallow: /a\n") == b"Disallow: /a\n"
    assert clip(b"x" * 10 + b"\n" + b"y" * 10, limit=15) == b"x" * 10 + b"\n"


def _site(robots: list[tuple[int | None, str]], log: list[str]) -> type[BaseHTTPRequestHandler]:
    """A three-page site whose robots.txt gives the answers of ``robots`` in turn (the last one repeats).

    A status of None closes the connection without an answer (a network error).
    """
    answers = list(robots)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            log.append(self.path)
            if self.path == "/robots.txt":
                status, body = answers.pop(0) if len(answers) > 1 else answers[0]
            elif self.path in PAGES:
                status, body = 200, f"<html><head><title>页</title></head><body>{PAGES[self.path]}</body></html>"
            else:
                status, body = 404, "not found"
            if status is None:
                self.close_connection = True
                self.connection.close()
                return
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8" if self.path == "/robots.txt"
                             else "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _crawl(tmp: Path, robots: list[tuple[int | None, str]]) -> tuple[list[str], list[str], dict[str, str]]:
    """(requests the server saw, pages stored, {url path: excluded reason})."""
    log: list[str] = []
    with serve(_site(robots, log)) as base:
        _, urls = crawl(base, tmp)
    db = sqlite3.connect(tmp / "data" / "t.sqlite")
    excluded = {url.removeprefix(base): reason
                for url, reason in db.execute("SELECT url, reason FROM link_status WHERE state='excluded'")}
    db.close()
    return log, [u.removeprefix(base) for u in urls], excluded


DISALLOW = "User-agent: *\nDisallow: /private/\n"


def test_rules_are_obeyed(tmp_path):
    log, pages, excluded = _crawl(tmp_path, [(200, DISALLOW)])
    assert sorted(pages) == ["/", "/news.html"]
    assert "/private/admin.html" not in log
    assert excluded == {"/private/admin.html": "robots.txt 禁止抓取"}


@pytest.mark.parametrize("status", [404, 403])
def test_a_missing_or_forbidden_robots_txt_allows_everything(tmp_path, status):
    """A look-alike of the failure below: 4xx is "unavailable", RFC 9309 §2.3.1.3 — crawl everything."""
    log, pages, excluded = _crawl(tmp_path, [(status, "<html>无此页</html>")])
    assert sorted(pages) == ["/", "/news.html", "/private/admin.html"]
    assert excluded == {}
    assert log.count("/robots.txt") == 1


@pytest.mark.parametrize("failure", [500, None])
def test_an_unreachable_robots_txt_forbids_the_whole_host(tmp_path, failure):
    """A 500 error page parsed as rules would allow everything (Scrapy's default); RFC 9309 says disallow all."""
    log, pages, excluded = _crawl(tmp_path, [(failure, "<html>Internal Server Error</html>")])
    assert pages == []
    assert set(log) == {"/robots.txt"} and log.count("/robots.txt") >= 3  # asked again before giving up
    assert list(excluded) == ["/"]
    assert excluded["/"].startswith("robots.txt 无法获取") and "RFC 9309" in excluded["/"]


def test_one_failed_answer_is_asked_again(tmp_path):
    """A robots.txt that fails once and then answers: its rules apply, the night's crawl is not lost."""
    log, pages, excluded = _crawl(tmp_path, [(500, "busy"), (200, DISALLOW)])
    assert sorted(pages) == ["/", "/news.html"]
    assert "/private/admin.html" not in log
    assert excluded == {"/private/admin.html": "robots.txt 禁止抓取"}
