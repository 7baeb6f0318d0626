"""The crawl keeps a host's concurrency, counted by the server itself, and reuses its connections.

A real site on 127.0.0.1 whose pages answer slowly and link to many others, so
the crawler always has more pages queued than it may fetch at once; the server
counts the crawl's requests it is answering at the same moment and the TCP
connections it accepted (the browser pass that follows the crawl is not counted).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from tests.sites import crawl, serve

PAGES = 120


class _Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0
        self.requests = 0
        self.connections: set[tuple[str, int]] = set()
        self.current: list[str] = []
        self.at_most: list[str] = []  # what was in flight when the most were


def _site(counter: _Counter) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def log_message(self, *args):
            pass

        def do_GET(self):
            if not self.headers.get("User-Agent", "").startswith("govcrawl/"):  # the browser pass after the crawl
                return self._answer()
            with counter.lock:
                counter.now += 1
                counter.current.append(self.path)
                if counter.now > counter.most:
                    counter.most, counter.at_most = counter.now, list(counter.current)
                counter.requests += 1
                counter.connections.add(self.client_address)
            time.sleep(0.03)
            # Counted out before the answer leaves: the crawler may send its next request the
            # moment it has this one, and that must not look like two at once.
            with counter.lock:
                counter.now -= 1
                counter.current.remove(self.path)
            self._answer()

        def _answer(self):
            if self.path == "/robots.txt":
                status, body = 404, ""
            elif self.path == "/":
                status, body = 200, "".join(f'<a href="/p{i}.html">第{i}页</a>' for i in range(PAGES))
            else:
                status, body = 200, f"<p>{self.path}</p>"
            data = f"<html><head><title>页</title></head><body>{body}</body></html>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.mark.parametrize("concurrency", [2, 8])
def test_pages_in_flight_never_exceed_the_configured_share(tmp_path, concurrency):
    """``crawl.concurrency`` N gives pages ceil(N/2) requests at a time (the resource lane has the rest)."""
    counter = _Counter()
    with serve(_site(counter)) as base:
        _, urls = crawl(base, tmp_path, crawl={"concurrency": concurrency, "delay": 0, "autothrottle": False})
    page_share = concurrency - concurrency // 2
    assert len(urls) == PAGES + 1
    assert counter.most == page_share, (counter.most, page_share, counter.at_most)  # reached, never passed
    # Keep-alive: a connection per request in flight at most, not a new one for most requests.
    assert len(counter.connections) <= 2 * page_share + 1, (len(counter.connections), counter.requests)
