"""A real HTTP server for the demo portal: the main site and the "external world".

Two ``ThreadingHTTPServer`` instances on loopback — the portal on 127.0.0.1,
the outside world on 127.0.0.2 — because a crawler must be tested against
real sockets (keep-alive, HEAD, redirects, refused connections, slow answers),
as Scrapy tests against its mockserver, never against the internet. A third
address, ``refused``, is a port on 127.0.0.2 that is bound but never listens,
so connecting to it is refused and no other process can take the port while
the demo runs.

Everything is built once in memory by ``build_portal`` and served from there.

    python -m crawler.demo.server [--port-main N] [--port-ext M] [--port-refused R] [--night 1|2] [--write-config FILE]
                                  [--homepage-mode MODE] [--homepage-delay SECONDS]
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo.files import config_text
from crawler.demo.portal import Resource, build_portal, lookup

MAIN_HOST = "127.0.0.1"
EXT_HOST = "127.0.0.2"

_NOT_FOUND = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
    "<body><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p></body></html>"
).encode()


# What the homepage answers in each ``DemoServer.homepage_mode`` (site-unavailable probes).
HOMEPAGE_MODES = ("ok", "down", "maintenance", "error-page", "blank")
_MAINTENANCE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>网站维护中</title></head>'
    "<body><h1>网站维护中</h1><p>系统升级维护，暂停访问，请稍后再试。给您带来不便，敬请谅解。</p></body></html>"
).encode()
_SOFT_404 = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>错误提示</title></head>'
    "<body><h1>出错了</h1><p>抱歉，您访问的页面不存在或已被删除。</p>"
    '<p><a href="javascript:history.back();">返回上一页</a></p></body></html>'
).encode()


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the demo answered: which host, method and target (path with query)."""

    host: str  # "main" or "ext"
    method: str
    target: str
    status: int
    at: float = 0.0  # when the request arrived (time.time()), for politeness measurements


class _PortalHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: DemoServer, label: str):
        self.owner = owner
        self.label = label
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - stdlib signature
        """Clients that hang up (a crawler's timeout, a HEAD on a slow page) are not errors."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer carries Content-Length
    server_version = "TRS-WCM-Demo/7.0"
    sys_version = ""
    timeout = 30  # close idle keep-alive connections so threads do not pile up
    server: _PortalHTTPServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        """Quiet: a crawl makes thousands of requests; the request log is kept in memory instead."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._answer(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def do_POST(self) -> None:  # noqa: N802
        self._send(
            405, {"Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"}, b"405\n", head=False
        )

    def _resolve(self) -> tuple[int, dict[str, str], bytes, Resource | None]:
        owner = self.server.owner
        base = owner.main if self.server.label == "main" else owner.ext
        target = self.path if self.path.startswith("/") else "/"
        if self.server.label == "main" and owner.is_homepage(target):
            mode = owner.homepage_mode
            if mode == "down":
                return 503, {"Content-Type": "text/html; charset=utf-8", "Retry-After": "60"}, b"503\n", None
            if mode == "maintenance":
                return 200, {"Content-Type": "text/html; charset=utf-8"}, _MAINTENANCE, None
            if mode == "error-page":
                return 200, {"Content-Type": "text/html; charset=utf-8"}, _SOFT_404, None
            if mode == "blank":
                return 200, {"Content-Type": "text/html; charset=utf-8"}, b"", None
        found = lookup(owner.resources, base, target)
        if found is None:
            # Real servers add the slash to a directory URL with a 301.
            path = target.split("?", 1)[0]
            if not path.endswith("/") and lookup(owner.resources, base, path + "/") is not None:
                query = target[len(path) :]
                return (
                    301,
                    {"Location": base + path + "/" + query, "Content-Type": "text/html; charset=utf-8"},
                    b"",
                    None,
                )
            return 404, {"Content-Type": "text/html; charset=utf-8"}, _NOT_FOUND, None
        resource = found[1]
        headers = dict(resource.headers)
        if resource.redirect:
            headers["Location"] = resource.redirect
        return resource.status, headers, resource.body, resource

    def _answer(self, *, head: bool) -> None:
        arrived = time.time()
        status, headers, body, resource = self._resolve()
        if resource is not None and resource.delay:
            time.sleep(resource.delay)
        owner = self.server.owner
        target = self.path if self.path.startswith("/") else "/"
        if self.server.label == "main" and owner.homepage_delay and owner.is_homepage(target):
            time.sleep(owner.homepage_delay)
        if self.server.label == "main" and self.server.owner.slow:
            time.sleep(self.server.owner.slow)
        if head and resource is not None and resource.head_not_allowed:
            status, headers, body = 405, {"Allow": "GET", "Content-Type": "text/html; charset=utf-8"}, b""
        if status == 200 and self.server.owner.validators and _static(self.path):
            status, headers, body = self._conditional(headers, body)
        self.server.owner._record(RequestRecord(self.server.label, self.command, self.path, status, arrived))
        self._send(status, headers, body, head=head)

    def _conditional(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        """ETag and Last-Modified as a static web server sends them, and 304 when the client's copy is current.

        If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
        """
        etag, modified = self.server.owner._validators(body)
        headers = {**headers, "ETag": etag, "Last-Modified": modified}
        match = self.headers.get("If-None-Match")
        since = self.headers.get("If-Modified-Since")
        if match is not None:
            current = match.strip() == "*" or etag in {tag.strip().removeprefix("W/") for tag in match.split(",")}
        elif since is not None:
            try:
                current = parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
            except (TypeError, ValueError):
                current = False
        else:
            current = False
        if current:
            return 304, {k: v for k, v in headers.items() if k != "Content-Type"}, b""
        return 200, headers, body

    def _send(self, status: int, headers: dict[str, str], body: bytes, *, head: bool) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class DemoServer:
    """The demo portal on loopback: ``.main``, ``.ext`` and ``.refused`` base URLs.

    Use as a context manager (``with DemoServer() as demo: ...``) or call
    ``start()`` / ``stop()``. Ports default to free ones (bind port 0); when
    one of the three is taken, ``start()`` raises ``OSError`` and binds none.
    ``night`` selects the 2023-10-31 (1) or 2023-11-01 (2, default) version;
    ``set_night`` switches a running server so a test can crawl both nights.
    ``homepage_mode`` and ``homepage_delay`` shape what the homepage answers, so
    that site-unavailable probe tests can make failures one probe at a time
    (they can be changed while the server runs; only the main site's "/" and
    "/index.html" are affected, every other page answers as usual):

    - ``homepage_delay`` — seconds to wait before the homepage answers
      (default 0; e.g. 16 exceeds the 15-second probe limit), in every mode;
    - ``homepage_mode`` — ``"ok"`` (default, the real homepage); ``"down"``
      (503 with Retry-After: 60); ``"maintenance"`` (200 with a small
      网站维护中 placeholder page); ``"error-page"`` (200 with a soft-404 page,
      "页面不存在或已被删除"); ``"blank"`` (200 with an empty body).
    - ``homepage_down`` is the older switch, kept as an alias:
      ``homepage_down = True`` is ``homepage_mode = "down"``, ``False`` sets
      ``"ok"`` (when the mode was ``"down"``).
    ``requests`` is the in-memory log of answered requests (bounded).
    ``validators`` (default on) sends ETag / Last-Modified on static URLs and
    answers conditional requests with 304, as nginx or Apache in front of a
    TRS/Hanweb site's published static files do; dynamic URLs (``.jsp``,
    ``.do``, a query string) get none, as a CMS's scripts usually send none.
    """

    def __init__(
        self,
        port_main: int = 0,
        port_ext: int = 0,
        port_refused: int = 0,
        *,
        night: int = 2,
        host_main: str = MAIN_HOST,
        host_ext: str = EXT_HOST,
        homepage_mode: str = "ok",
        homepage_delay: float = 0.0,
    ):
        self._ports = (port_main, port_ext, port_refused)
        self._hosts = (host_main, host_ext)
        self.night = night
        self.main = ""
        self.ext = ""
        self.refused = ""
        self.resources: dict[str, Resource] = {}
        self.homepage_mode = homepage_mode
        self.homepage_delay = homepage_delay  # seconds before the homepage answers (probe timeouts)
        self.validators = True
        self.slow = 0.0  # seconds added to every answer of the portal (to interrupt a crawl mid-way in tests)
        self._modified: dict[str, str] = {}  # body hash -> when the server first served that version
        self.requests: deque[RequestRecord] = deque(maxlen=200_000)
        self._servers: list[_PortalHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._refused_socket: socket.socket | None = None
        self._lock = threading.Lock()

    @property
    def homepage_mode(self) -> str:
        return self._homepage_mode

    @homepage_mode.setter
    def homepage_mode(self, mode: str) -> None:
        if mode not in HOMEPAGE_MODES:
            raise ValueError(f"homepage_mode must be one of {', '.join(HOMEPAGE_MODES)}, not {mode!r}")
        self._homepage_mode = mode

    @property
    def homepage_down(self) -> bool:
        """Alias of ``homepage_mode == "down"`` (the homepage answers 503)."""
        return self._homepage_mode == "down"

    @homepage_down.setter
    def homepage_down(self, down: bool) -> None:
        if down:
            self.homepage_mode = "down"
        elif self._homepage_mode == "down":
            self.homepage_mode = "ok"

    def is_homepage(self, target: str) -> bool:
        """Is a request target (path with query) the main site's homepage: "/" or "/index.html"?"""
        path = target.split("?", 1)[0].split("#", 1)[0] or "/"
        if path == "/":
            return True
        return path == "/index.html" and (self.main + "/index.html") in self.resources

    def _validators(self, body: bytes) -> tuple[str, str]:
        digest = hashlib.sha1(body).hexdigest()[:20]
        with self._lock:
            modified = self._modified.setdefault(digest, formatdate(time.time(), usegmt=True))
        return f'"{digest}"', modified

    def _record(self, record: RequestRecord) -> None:
        self.requests.append(record)  # deque.append is atomic

    def start(self) -> DemoServer:
        if self._servers:
            return self
        servers: list[_PortalHTTPServer] = []
        # Bound but never listening: connections are refused, and the port stays ours.
        refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:  # all three ports or none: a port in use leaves nothing bound behind
            servers.append(_PortalHTTPServer((self._hosts[0], self._ports[0]), self, "main"))
            servers.append(_PortalHTTPServer((self._hosts[1], self._ports[1]), self, "ext"))
            refused.bind((self._hosts[1], self._ports[2]))
        except OSError:
            for server in servers:
                server.server_close()
            refused.close()
            raise
        self._servers = servers
        self.main = f"http://{self._hosts[0]}:{servers[0].server_address[1]}"
        self.ext = f"http://{self._hosts[1]}:{servers[1].server_address[1]}"
        self._refused_socket = refused
        self.refused = f"http://{self._hosts[1]}:{refused.getsockname()[1]}"
        self.resources = build_portal(self.main, self.ext, self.refused, night=self.night)
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"demo-{server.label}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def set_night(self, night: int) -> None:
        """Serve the portal as it looks on another night (the swap is atomic for readers)."""
        resources = build_portal(self.main, self.ext, self.refused, night=night)
        with self._lock:
            self.night = night
            self.resources = resources

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._refused_socket is not None:
            self._refused_socket.close()
        self._servers, self._threads, self._refused_socket = [], [], None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


_DYNAMIC = (".jsp", ".do", ".action", ".php", ".asp", ".aspx", ".cgi")


def _static(target: str) -> bool:
    path, _, query = target.partition("?")
    return not query and not path.lower().endswith(_DYNAMIC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo.server", description="Serve the govcrawl demo portal on loopback."
    )
    parser.add_argument(
        "--port-main", type=int, default=0, help="port of the portal on 127.0.0.1 (default: free)"
    )
    parser.add_argument("--port-ext", type=int, default=0, help="port of the external world on 127.0.0.2")
    parser.add_argument(
        "--port-refused", type=int, default=0, help="port on 127.0.0.2 that refuses connections (default: free)"
    )
    parser.add_argument(
        "--night",
        type=int,
        choices=(1, 2),
        default=2,
        help="1 = the site on 2023-10-31, 2 = on 2023-11-01 (default)",
    )
    parser.add_argument(
        "--write-config", metavar="FILE", help="also write the demo config (placeholders filled in) to FILE"
    )
    parser.add_argument(
        "--homepage-mode",
        choices=HOMEPAGE_MODES,
        default="ok",
        help="what the homepage answers: ok (default), down (503), maintenance, error-page (soft 404), blank",
    )
    parser.add_argument(
        "--homepage-delay", type=float, default=0.0, help="seconds before the homepage answers (default 0)"
    )
    args = parser.parse_args(argv)
    with DemoServer(
        args.port_main,
        args.port_ext,
        args.port_refused,
        night=args.night,
        homepage_mode=args.homepage_mode,
        homepage_delay=args.homepage_delay,
    ) as demo:
        if args.write_config:
            with open(args.write_config, "w", encoding="utf-8") as out:
                out.write(config_text(demo.main, demo.ext, demo.refused))
            print(f"配置已写入 / config written: {args.write_config}")
        pages = sum(1 for url in demo.resources if url.startswith(demo.main))
        print(
            f"演示门户已启动：主站 {demo.main}/ ，外部站点 {demo.ext}/ ，拒绝连接地址 {demo.refused}/ （共 {pages} 个地址，按 Ctrl+C 停止）"
        )
        print(
            f"Demo portal running: main {demo.main}/  external {demo.ext}/  refused {demo.refused}/  "
            f"({pages} URLs; Ctrl+C to stop)",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("已停止 / stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
