"""External links that answered fine are not asked again for ``cache_days``; broken ones always are."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.sites import crawl, serve, static_handler


def test_second_night_asks_other_sites_only_about_failures(tmp_path):
    asked: Counter[str] = Counter()

    class Outside(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self):
            asked[self.path] += 1
            status = 404 if self.path == "/gone.html" else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_GET = _answer

    outside = ThreadingHTTPServer(("127.0.0.2", 0), Outside)  # another host on loopback: "another site"
    threading.Thread(target=outside.serve_forever, daemon=True).start()
    ext = f"http://127.0.0.2:{outside.server_address[1]}"
    home = (f'<html lang="zh-CN"><head><title>首页</title></head><body><a href="{ext}/ok.html">友情链接</a>'
            f'<a href="{ext}/gone.html">失效链接</a></body></html>')
    try:
        with serve(static_handler({"/": (200, home)})) as base:
            settings = {"external_links": {"check": True, "allow_private": True, "retries": 0, "delay": 0}}
            first, _ = crawl(base, tmp_path, **settings)
            after_first = Counter(asked)
            second, _ = crawl(base, tmp_path, **settings)
    finally:
        outside.shutdown()
        outside.server_close()
    assert after_first["/ok.html"] >= 1 and after_first["/gone.html"] >= 1
    assert asked["/ok.html"] == after_first["/ok.html"]  # answered fine last night: not asked again
    assert asked["/gone.html"] > after_first["/gone.html"]  # broken: asked again, a fix would show
    broken = [f["target"] for f in second["findings"] if f["check"] == "broken-link"]
    assert broken == [f"{ext}/gone.html"]
