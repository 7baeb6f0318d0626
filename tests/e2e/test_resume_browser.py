"""Killed during the browser pass: the same command finishes it, and no browser outlives the crawl.

The crawl itself is done (run status ``crawled``); the browser pass renders
one page at a time, slowly. SIGKILL lands mid-pass. Chromedriver and Chromium
run in their own process group (so a hung page can be killed as a group): the
reaper must end them when the crawl process dies. Running the same command
again renders only the pages not audited before the kill.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import yaml

from tests.e2e.processes import alive, descendants
from tests.sites import GOVCRAWL, serve

PAGES = 10


def _audited(store: Path) -> set[str]:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
            return {row[0] for row in db.execute("SELECT url FROM audits")}
    except sqlite3.OperationalError:
        return set()


def handler(log: list) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            browser = "HeadlessChrome" in self.headers.get("User-Agent", "")
            if browser and (self.path == "/" or self.path.endswith(".html")):
                log.append(self.path)
                time.sleep(1.0)  # a slow render: the kill lands mid-pass
            if self.path == "/":
                links = "".join(f'<li><a href="/p{i}.html">第{i}篇</a></li>' for i in range(PAGES))
                body = f"<ul>{links}</ul>"
            elif self.path.startswith("/p") and self.path.endswith(".html"):
                body = f"<p>正文 {self.path}</p>"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>页面{self.path}</title>'
                    f"</head><body><main>{body}</main></body></html>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def test_killed_in_the_browser_pass_resumes_without_orphans(tmp_path):
    log: list[str] = []
    with serve(handler(log)) as base:
        config = {"data_dir": str(tmp_path / "data"), "sites": {"t": {
            "name": "测试站", "start_urls": [base + "/"], "owner": "办公室", "external_links": {"check": False},
            "crawl": {"concurrency": 4, "delay": 0, "autothrottle": False},
            "accessibility": {"workers": 1, "page_timeout": 20}}}}
        path = tmp_path / "sites.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        command = [str(GOVCRAWL), "run", "t", "-c", str(path), "--out", str(tmp_path / "out"),
                   "--today", "2023-11-01", "--a11y-all", "--progress", "off"]
        store = tmp_path / "data" / "t.sqlite"
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 180
            while len(_audited(store)) < 5:
                assert proc.poll() is None, "the run ended before it could be interrupted"
                assert time.monotonic() < deadline, "no audit was stored within 180 s"
                time.sleep(0.2)
            family = descendants(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        audited_before = {url.removeprefix(base) for url in _audited(store)}
        assert len(audited_before) < PAGES + 1
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in family if alive(pid)], "chromedriver/Chromium outlived the killed run"
        log.clear()
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]

    assert "继续上次中断的运行" in result.stderr
    pages = {"/"} | {f"/p{i}.html" for i in range(PAGES)}
    assert {url.removeprefix(base) for url in _audited(store)} == pages
    assert set(log) == pages - audited_before  # the rest rendered, nothing audited before the kill again
