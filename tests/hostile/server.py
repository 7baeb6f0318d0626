"""A hostile portal on 127.0.0.1: one route per attack, all linked from the homepage.

Why one site: a govcrawl run costs seconds of start-up (Scrapy, worker
processes, the resource lane), so a single crawl covers every attack and the
tests then read, route by route, what the run made of each (``pages`` and
``link_status`` in the store, ``findings.json``).

Two servers: the main one (its ``robots.txt`` is 5 MB) and a second host on
another port (its ``robots.txt`` is malformed and GBK-encoded). Both are on
127.0.0.1, so both count as the site (``allowed_hosts`` defaults to the host
of ``start_urls``, ports aside).

Large bodies are produced lazily, chunk by chunk: the 50 MB page is never held
in memory, and the gzip bomb (about 1 MB that inflates to 1 GiB) is built once
from a repeated deflate block rather than by compressing a gigabyte. Handlers
that stream stop as soon as the client goes away or the site is stopped, so a
crawler that gives up does not leave threads writing into dead sockets.
"""

from __future__ import annotations

import io
import re
import struct
import threading
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MB = 1 << 20
HUGE_BYTES = 50 * MB
BOMB_INFLATED = 1 << 30  # 1 GiB of zeros behind ~1 MB of gzip
ROBOTS_BYTES = 5 * MB
MANY_LINKS = 10_000
DEEP_NESTING = 20_000
UNCLOSED_ITEMS = 400  # libxml2 stops at depth 256 without XML_PARSE_HUGE
DRIP_SECONDS = 120  # the slow page would take this long; the crawl must give up far sooner

# -- payloads the report must show as inert text ------------------------------------------------
# Each payload calls alert with its own number, so a test that catches one knows which leaked.
XSS_TITLE = '<script>alert(1)</script>" onmouseover="alert(2)'
XSS_LINK_TEXT = "<script>alert(3)</script>"
XSS_ATTR = '" onmouseover="alert(4)'
XSS_JS_HREF = "javascript:alert(5)"
XSS_IMG = "<img src=x onerror=alert(6)>"

CHARSET_TITLE = "关于开展2023年政务公开工作的通知"
NUL_TITLE = "通\x00知公告"
MALFORMED_TITLE = "残缺页面"


# Plain pages that attack pages link to: reaching them shows the link survived the attack.
TARGETS = frozenset({"/deep-tail.html", "/unclosed-tail.html", "/malformed-ok.html", "/malformed-unquoted.html",
                     "/malformed-after.html", "/nul-head-target.html", "/nul-target.html", "/private/secret.html"})


def _page(title: str, body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>{head}"
            f"</head><body>{body}</body></html>")


@cache
def gzip_bomb() -> bytes:
    """A valid gzip body of ~1 MB that inflates to ``BOMB_INFLATED`` zero bytes.

    After a full flush a deflate compressor starts from a clean state, so every
    further MiB of zeros compresses to the same bytes: compress three, repeat
    the middle one. Building it costs well under a second instead of the ten
    a plain ``zlib.compress`` of a gigabyte takes.
    """
    chunk = bytes(MB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    middle = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert middle == again, "deflate output after a full flush is not repeatable"
    count = BOMB_INFLATED // MB
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, BOMB_INFLATED & 0xFFFFFFFF)
    return header + first + middle * (count - 1) + deflate.flush(zlib.Z_FINISH) + trailer


@cache
def huge_robots() -> bytes:
    """5 MB of robots.txt: one real rule at the top, then megabytes of comments and junk."""
    head = b"User-agent: *\nDisallow: /private/\n"
    filler = b"# " + b"x" * 100 + b"\nAllow: /nothing-" + b"y" * 60 + b"\n"
    return head + filler * ((ROBOTS_BYTES - len(head)) // len(filler) + 1)


def malformed_robots() -> bytes:
    """A robots.txt as some portals really serve it: GBK comments, HTML, NULs, lines without colons."""
    text = ("# 本站禁止抓取涉密栏目\r\n<html><body>robots</body></html>\r\nUser-agent *\r\nDisallow /nocolon/\r\n"
            "User-agent: *\r\nDisallow: /secret/\r\nCrawl-delay: banana\r\nSitemap: ::::\r\n")
    return text.encode("gbk") + b"\x00\xff\xfe garbage \x00\n" + b"Allow: /secret/allowed-after-junk\n"


def png_bytes() -> bytes:
    """A small but real PNG (signature, IHDR, IDAT, IEND): binary served as text/html."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(64)) for y in range(64))
    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def zip_bytes() -> bytes:
    """A zip archive (what a misconfigured download servlet sends as text/html)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("附件/说明.txt", "政务公开附件" * 200)
        archive.writestr("data.bin", bytes(range(256)) * 16)
    return buffer.getvalue()


# -- the attack pages ------------------------------------------------------------------------------
def deep_page() -> bytes:
    body = "<div>" * DEEP_NESTING + '<a href="/deep-tail.html">深处的链接</a>深处的正文' + "</div>" * DEEP_NESTING
    return _page("嵌套两万层", body).encode()


def unclosed_page() -> bytes:
    """A list whose template never closes its <span>: every browser renders it, libxml2 nests it."""
    items = "".join(f'<li><span><a href="/unclosed/{i}.html">信息{i}</a><br>' for i in range(UNCLOSED_ITEMS))
    return _page("未闭合标签", f'<ul>{items}</ul><div class="footer"><a href="/unclosed-tail.html">页脚链接</a></div>'
                 ).encode()


def malformed_page() -> bytes:
    """Tag soup: a stray <body> inside a tag, unquoted and unterminated attributes, misnested and
    unmatched end tags, junk angle brackets, CDATA and PHP in HTML, an unterminated comment.

    The links before and between the garbage are what a browser shows; the ones inside the
    unterminated quote and comment are not links in a browser either.
    """
    return (
        f"<html><head><title>{MALFORMED_TITLE}</title><meta charset=utf-8 <body>"
        '<p>开头<a href="/malformed-ok.html">正常链接</a>'
        "<table><td><a href=/malformed-unquoted.html>无引号</a></tr></tbody></table></table></html>"
        "<div <p =\"\" ><<<>>></b></i></u><b><i>错误嵌套</b></i>"
        '<a href="/malformed-after.html">垃圾之后</a>'
        "<![CDATA[ x ]]><?php echo 1; ?></body></html></html><!-- 未结束的注释 <a href=\"/never.html\">"
        "<a href='/malformed-broken.html>未闭合的引号"
    ).encode()


def charset_conflict_page() -> bytes:
    """The header says gbk, the meta says utf-8, the bytes are utf-8 (a CMS moved to UTF-8)."""
    return _page(CHARSET_TITLE, "<p>编码冲突</p>").encode("utf-8")


def charset_unknown_page() -> bytes:
    """The header names a charset nobody knows; the meta says gb2312 and the bytes are GBK."""
    html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"<title>{CHARSET_TITLE}</title></head><body><p>未知编码</p></body></html>")
    return html.encode("gbk")


def nul_head_page() -> bytes:
    """A NUL inside the <title>, in the first kilobyte (a CMS that stores C strings badly)."""
    return _page(NUL_TITLE, '<a href="/nul-head-target.html">目\x00标</a>').encode()


def nul_body_page() -> bytes:
    """NULs far into the page: in text and inside an attribute value."""
    filler = "<p>" + "政务公开" * 400 + "</p>"
    return _page("空字符正文", filler + '<a href="/nul-\x00target.html" title="a\x00b">链\x00接</a><p>尾\x00部</p>').encode()


def xss_page() -> bytes:
    """Payloads in the title, in link text, in an href, in attribute values and in an image."""
    from html import escape

    body = (
        f'<a href="{escape(XSS_JS_HREF)}">{escape(XSS_LINK_TEXT)}</a>'
        f"<a href='/xss/{escape(XSS_ATTR, quote=False)}.html'>{escape(XSS_ATTR)}</a>"
        f'<a href="/xss/missing.html?q={escape(XSS_LINK_TEXT)}">{escape(XSS_LINK_TEXT)}失效</a>'
        f"{XSS_IMG}"
        f'<a href="{escape(XSS_JS_HREF)}" onmouseover="alert(7)"></a>'
    )
    return _page(escape(XSS_TITLE), body).encode()


def many_links_page() -> bytes:
    """10,000 distinct links. Images, not PDFs: internal PDF/DOCX/XLSX attachments are downloaded and read
    for privacy-leak, which is another test's subject and would multiply this run's time by ten."""
    links = "".join(f'<a href="/many/{i}.jpg">图片{i}</a>\n' for i in range(MANY_LINKS))
    return _page("一万个链接", links).encode()


# -- never-ending URL spaces -----------------------------------------------------------------------
def calendar_page(month: str) -> bytes:
    """A calendar with previous/next month links, forever in both directions."""
    year, mon = (int(part) for part in month.split("-"))
    prev = (year - (mon == 1), (mon - 2) % 12 + 1)
    nxt = (year + (mon == 12), mon % 12 + 1)
    body = (f'<a href="/cal.jsp?month={prev[0]}-{prev[1]:02d}">上月</a>'
            f'<a href="/cal.jsp?month={nxt[0]}-{nxt[1]:02d}">下月</a><p>{month} 暂无活动</p>')
    return _page(f"活动日历 {month}", body).encode()


def session_page(counter: Iterator[int]) -> bytes:
    """Every visit hands out links with fresh session ids (path parameter and query)."""
    n = next(counter)
    body = (f'<a href="/sess.jsp;jsessionid=A{n:08d}">会话</a>'
            f'<a href="/sess.jsp;JSESSIONID=B{n:08d}?id=1">会话2</a>'
            f'<a href="/sess.jsp?id=1&amp;sid=C{n:08d}">会话3</a>'
            f'<a href="/sess.jsp?PHPSESSID=D{n:08d}&amp;id=1">会话4</a>')
    return _page("会话", body).encode()


def repeat_page() -> bytes:
    """A soft 404 under /a/: the relative link a/ builds /a/a/a/a/… forever."""
    return _page("重复路径", '<a href="a/">下一级</a><a href="b/a/">交错</a>').encode()


# -- the server -----------------------------------------------------------------------------------
Answer = Callable[["_Handler", str, dict[str, list[str]]], None]


class HostileSite:
    """Both servers, their hit counters and a stop flag; use as a context manager."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.sessions = iter(range(1, 1 << 30))
        self.servers: list[ThreadingHTTPServer] = []
        self.main = self.side = ""

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> HostileSite:
        gzip_bomb()  # build before the clock of any crawl starts
        self.main = self._start(self.main_routes)
        self.side = self._start(self.side_routes)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def _start(self, routes: Callable[[str], Answer | None]) -> str:
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        Handler.routes = staticmethod(routes)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    def count(self, path: str) -> None:
        with self.lock:
            self.hits[path] += 1

    def hits_under(self, prefix: str) -> int:
        with self.lock:
            return sum(n for path, n in self.hits.items() if path.startswith(prefix))

    # -- routes --------------------------------------------------------------------------------
    def homepage(self) -> bytes:
        links = [
            "/deep.html", "/unclosed.html", "/malformed.html", "/huge.html", "/huge-chunked.html", "/bomb.html",
            "/binary.html", "/archive.html", "/charset-conflict.html", "/charset-unknown.html", "/nul-head.html",
            "/nul-body.html", "/xss.html", "/slow.html", "/r/1", "/cal.jsp?month=2023-11", "/sess.jsp",
            "/a/", "/many.html", "/private/secret.html", self.side + "/",
        ]
        body = "".join(f'<li><a href="{href}">攻击 {href}</a></li>' for href in links)
        return _page("恶意测试门户", f"<ul>{body}</ul>").encode()

    def main_routes(self, path: str) -> Answer | None:
        static: dict[str, Callable[[], bytes]] = {
            "/": self.homepage, "/deep.html": deep_page, "/unclosed.html": unclosed_page,
            "/malformed.html": malformed_page, "/nul-head.html": nul_head_page, "/nul-body.html": nul_body_page,
            "/xss.html": xss_page, "/many.html": many_links_page,
        }
        if path in static:
            make = static[path]
            return lambda h, p, q: h.send(200, make())
        special: dict[str, Answer] = {
            "/robots.txt": lambda h, p, q: h.send(200, huge_robots(), "text/plain"),
            "/huge.html": lambda h, p, q: h.stream(HUGE_BYTES, chunked=False),
            "/huge-chunked.html": lambda h, p, q: h.stream(HUGE_BYTES, chunked=True),
            "/bomb.html": lambda h, p, q: h.send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"}),
            "/binary.html": lambda h, p, q: h.send(200, png_bytes()),
            "/archive.html": lambda h, p, q: h.send(200, zip_bytes()),
            "/charset-conflict.html": lambda h, p, q: h.send(200, charset_conflict_page(), "text/html; charset=gbk"),
            "/charset-unknown.html": lambda h, p, q: h.send(
                200, charset_unknown_page(), "text/html; charset=x-no-such-charset"),
            "/slow.html": lambda h, p, q: h.drip(),
            "/cal.jsp": lambda h, p, q: h.send(200, calendar_page(q.get("month", ["2023-11"])[0])),
            "/sess.jsp": lambda h, p, q: h.send(200, session_page(self.sessions)),
        }
        if path in special:
            return special[path]
        if re.fullmatch(r"/r/\d+", path):
            return lambda h, p, q: h.redirect(f"/r/{int(p.rsplit('/', 1)[1]) + 1}")
        if re.fullmatch(r"/(?:[ab]/)+", path):
            return lambda h, p, q: h.send(200, repeat_page())
        if path.startswith("/many/"):
            return lambda h, p, q: h.send(200, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg")
        if path in TARGETS or path.startswith("/unclosed/"):
            return lambda h, p, q: h.send(200, _page("目标", f"<p>{p}</p>").encode())
        return None

    def side_routes(self, path: str) -> Answer | None:
        if path == "/robots.txt":
            return lambda h, p, q: h.send(200, malformed_robots(), "text/plain")
        if path == "/":
            return lambda h, p, q: h.send(200, _page("第二主机", '<a href="/secret/page.html">涉密</a>'
                                                                '<a href="/open.html">公开</a>').encode())
        if path in ("/secret/page.html", "/open.html"):
            return lambda h, p, q: h.send(200, _page("第二主机页面", "<p>正文</p>").encode())
        return None


class _Handler(BaseHTTPRequestHandler):
    """Dispatches to the route table of its HostileSite; unknown paths are 404."""

    protocol_version = "HTTP/1.1"
    site: HostileSite
    routes: Callable[[str], Answer | None]

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path.split(";", 1)[0] if parts.path.startswith("/sess.jsp") else parts.path
        self.site.count(path)
        answer = type(self).routes(path)
        try:
            if answer is None:
                self.send(404, _page("404", "<p>找不到页面</p>").encode())
            else:
                answer(self, path, parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True

    # -- answers -----------------------------------------------------------------------------
    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream(self, total: int, *, chunked: bool) -> None:
        """``total`` bytes of HTML made on the fly, 64 KiB at a time, never held whole."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        if self.command == "HEAD":
            return
        piece = (("<p>" + "超大页面填充内容" * 10 + "</p>\n").encode() * 300)[: 64 * 1024]
        sent = 0
        while sent < total and not self.site.stop.is_set():
            data = piece[: total - sent]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            sent += len(data)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def drip(self) -> None:
        """Headers at once, then one byte per second: only a total-time limit ends it."""
        self.close_connection = True
        body = _page("慢速页面", "<p>" + "慢" * 200 + "</p>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        deadline = time.monotonic() + DRIP_SECONDS
        for byte in body:
            if self.site.stop.wait(1.0) or time.monotonic() > deadline:
                return
            self.wfile.write(bytes((byte,)))
            self.wfile.flush()
