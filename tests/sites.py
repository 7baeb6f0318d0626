"""Small real sites for crawl tests: a loopback HTTP server and a govcrawl run against it."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

GOVCRAWL = Path(sys.executable).with_name("govcrawl")


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free 127.0.0.1 port; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def static_handler(pages: dict[str, tuple[int, str | bytes]], log: list | None = None,
                   refuse: Callable[[str, str], tuple[int, dict[str, str]] | None] | None = None,
                   ) -> type[BaseHTTPRequestHandler]:
    """A handler serving ``{path: (status, html)}``; anything else is 404. ``log`` collects (method, path).

    A body given as bytes is a file: served with the type its name suggests and an ETag, as a
    web server serves an attachment.

    ``refuse(method, path)`` is asked first: a ``(status, headers)`` it returns is the answer, with an
    empty body (a server that says "too many requests" or "unavailable").
    """

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self._answer(head=True)

        def do_GET(self):
            self._answer(head=False)

        def _answer(self, head: bool):
            if log is not None:
                log.append((self.command, self.path))
            refused = refuse(self.command, self.path) if refuse is not None else None
            if refused is not None:
                self.send_response(refused[0])
                for name, value in refused[1].items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, body = pages.get(self.path, (404, "<html><title>404</title></html>"))
            self.send_response(status)
            if isinstance(body, bytes):
                data = body
                self.send_header("Content-Type", mimetypes.guess_type(self.path)[0] or "application/octet-stream")
                self.send_header("ETag", f'"{hashlib.sha1(data).hexdigest()[:16]}"')
            else:
                data = body.encode("utf-8")
                self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not head:
                self.wfile.write(data)

    return Handler


def hooked_env(folder: Path, code: str) -> dict[str, str]:
    """This process's environment, in which every Python process started runs ``code`` first.

    ``code`` becomes ``folder/sitecustomize.py``, and ``folder`` goes first on PYTHONPATH: each image of
    a ``govcrawl`` command (CLI, crawl, page worker, check) imports it at start-up.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(code, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}


def crawl(base: str, tmp: Path, site_id: str = "t", *, settings: dict | None = None, **site) -> tuple[dict, list[str]]:
    """Run ``govcrawl run`` on ``base``; return findings.json and the stored page URLs.

    ``settings``: values for ``crawler.settings`` in this run, set in every process (``hooked_env``).
    """
    config = {
        "data_dir": str(tmp / "data"),
        "sites": {site_id: {
            "name": "测试站", "start_urls": [base + "/"], "owner": "办公室",
            "external_links": {"check": False},
            "crawl": {"concurrency": 4, "delay": 0, "autothrottle": False},
            **site,
        }},
    }
    path = tmp / "sites.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = None
    if settings:
        lines = ["import crawler.settings"] + [f"crawler.settings.{key} = {value!r}" for key, value in settings.items()]
        env = hooked_env(tmp / "settings-hook", "\n".join(lines) + "\n")
    result = subprocess.run(
        [str(GOVCRAWL), "run", site_id, "-c", str(path), "--out", str(tmp / "out"), "--today", "2023-11-01",
         "--progress", "off"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite3.connect(tmp / "data" / f"{site_id}.sqlite")
    urls = [row[0] for row in db.execute("SELECT url FROM pages ORDER BY id")]
    db.close()
    return json.loads((tmp / "out" / "findings.json").read_text(encoding="utf-8")), urls
