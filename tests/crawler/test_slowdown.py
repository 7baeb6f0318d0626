"""429 / 503 ("too many requests", "come back later"): the crawl waits as asked and asks again.

Real servers on 127.0.0.1: one that refuses the first request for every address (as a cloud WAF does
for a burst), where nothing may be reported broken; one whose attachment always refuses, which is
reported, with the run saying why it may be a false alarm.
"""

from __future__ import annotations

import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

import pytest

from crawler.slowdown import SLOW_DOWN_MAX, retry_after, slow_down_wait, slow_downs_for
from govcrawl.model import LinkOutcome, LinkState
from govcrawl.outcomes import Outcomes
from tests.sites import crawl, serve, static_handler

HOME = ('<html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body>'
        '<a href="/a.html">通知</a><a href="/files/a.pdf">附件</a><a href="/ghb/">长者模式</a></body></html>')
PAGE = '<html lang="zh-CN"><head><meta charset="utf-8"><title>通知</title></head><body>正文</body></html>'


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after("120") == 120.0 and retry_after(b" 3 ") == 3.0
    now = time.time()
    assert retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0  # a date already past: no wait
    for unusable in (None, "", "soon", "-5", "1.5", "Fri, 32 Nov 2026 25:00:00"):
        assert retry_after(unusable) is None


def test_wait_is_what_was_asked_capped_else_doubling():
    assert slow_down_wait("5", 0) == 5.0
    assert slow_down_wait("86400", 0) == SLOW_DOWN_MAX  # a day: the night's crawl does not sleep through it
    assert [slow_down_wait(None, n) for n in range(3)] == [2.0, 4.0, 8.0]


def test_how_often_each_answer_is_waited_out():
    assert slow_downs_for(429, None) == 3 and slow_downs_for(429, "5") == 3
    assert slow_downs_for(503, "5") == 3  # an overloaded server saying when to come back
    assert slow_downs_for(503, None) == 1  # nginx limit_req, or a backend that is simply dead
    assert slow_downs_for(500, None) == 0 and slow_downs_for(404, "5") == 0 and slow_downs_for(200, None) == 0


def test_outcomes_count_statuses_without_making_answers():
    answers = Outcomes([
        LinkOutcome("http://a/1", LinkState.BROKEN, 429, "HTTP 429", None, True, "HEAD"),
        LinkOutcome("http://a/2", LinkState.BROKEN, 429, "HTTP 429", None, True, "HEAD"),
        LinkOutcome("http://a/3", LinkState.BROKEN, 503, "HTTP 503", "http://a/3/", True, "GET"),  # a rich answer
        LinkOutcome("http://b/4", LinkState.UNVERIFIED, 429, "HTTP 429", None, False, "HEAD"),  # external
        LinkOutcome("http://a/5", LinkState.OK, 200, "HTTP 200", None, True, "HEAD"),
    ])
    assert answers.count_status(frozenset({429, 503}), internal=True) == 3
    assert answers.count_status(frozenset({429, 503}), internal=False) == 1
    assert answers.count_status(frozenset({404}), internal=True) == 0


def _refusing(always: frozenset[str], log: list, dead: frozenset[str] = frozenset(),
              home: str = HOME) -> type[BaseHTTPRequestHandler]:
    """Refuses (429, Retry-After: 1) the first request for every path, and every request for ``always``;
    answers every request for ``dead`` with a bare 503, as a backend that is down does. ``log`` gets
    (monotonic time, method, path) of every request."""
    seen: set[str] = set()
    lock = threading.Lock()

    def refuse(method: str, path: str) -> tuple[int, dict[str, str]] | None:
        with lock:
            first = path not in seen
            seen.add(path)
            log.append((time.monotonic(), method, path))
        if path in dead:
            return 503, {}
        if path != "/robots.txt" and (first or path in always):
            return 429, {"Retry-After": "1"}
        return None

    pages = {"/": (200, home), "/a.html": (200, PAGE), "/ghb/": (200, PAGE), "/files/a.pdf": (200, "%PDF-1.4\n%%EOF\n")}
    return static_handler(pages, refuse=refuse)


def test_a_server_that_refuses_a_burst_is_waited_out(tmp_path):
    log: list = []
    with serve(_refusing(frozenset(), log)) as base:
        findings, urls = crawl(base, tmp_path)
    assert {base + "/", base + "/a.html", base + "/ghb/"} <= set(urls)
    assert [f for f in findings["findings"] if f["check"] == "broken-link"] == []
    assert findings["run"]["stats"]["slow_down_answers"] == 0
    # Every address was refused once and then asked again, no sooner than the second it asked for.
    for path in ("/", "/a.html", "/files/a.pdf"):
        times = [t for t, _, p in log if p == path]
        assert len(times) >= 2 and times[1] - times[0] >= 0.9, (path, times)


def test_an_address_that_keeps_refusing_is_reported_and_the_run_says_why(tmp_path):
    log: list = []
    with serve(_refusing(frozenset({"/files/a.pdf"}), log)) as base:
        findings, _ = crawl(base, tmp_path)
    broken = [f for f in findings["findings"] if f["check"] == "broken-link"]
    assert [(f["target"], f["evidence"].get("http_status")) for f in broken] == [(base + "/files/a.pdf", 429)]
    assert findings["run"]["stats"]["slow_down_answers"] == 1
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "有 1 个站内地址在按服务器要求等待并重试后仍回答 HTTP 429/503" in html
    # Asked once, then three more times after growing waits (Retry-After: 1 each), never in a burst.
    times = [t for t, _, p in log if p == "/files/a.pdf"]
    assert len(times) == 4 and all(b - a >= 0.9 for a, b in zip(times, times[1:], strict=False))


def test_a_dead_backend_costs_one_short_wait_not_three(tmp_path):
    # A planted dead link answering a bare 503: reported as broken, after one 2-second wait only.
    home = HOME.replace('<a href="/ghb/">', '<a href="/files/dead.pdf">死链</a><a href="/ghb/">')
    log: list = []
    with serve(_refusing(frozenset(), log, dead=frozenset({"/files/dead.pdf"}), home=home)) as base:
        findings, _ = crawl(base, tmp_path)
    broken = [(f["target"], f["evidence"].get("http_status")) for f in findings["findings"] if f["check"] == "broken-link"]
    assert broken == [(base + "/files/dead.pdf", 503)]
    times = [t for t, _, p in log if p == "/files/dead.pdf"]
    # One GET (an attachment never read is read at once, crawler.linkstatus); once more after 2 s.
    assert len(times) == 2 and times[1] - times[0] >= 1.9
