"""The availability probe: load one URL once, as a visitor would, and say whether it worked.

National inspection indicator 站点无法访问 (国办秘函〔2019〕19号): the homepage is
visited many times a day for a week; a visit that has not loaded within 15 s
counts as failed. ``govcrawl probe`` calls :func:`probe_site` every 15 minutes;
``govcrawl.availability`` does the arithmetic over the stored results.

Why not Scrapy or the resource lane: one request every 15 minutes needs no
engine, and a cron job must not start a reactor. Why http.client and not
urllib: the probe needs the socket (to bound every read by what is left of the
deadline, and to cut it when the deadline passes) and counts redirects itself
(contract: a loop or more than 10 is a failure, with its own reason).

The whole load (DNS, connect, TLS, redirects, body) is bounded by ``timeout``:
the load runs in a daemon thread, every socket read is given only the time
left, and the caller stops waiting at the deadline (plus a little slack for the
thread to report what it got) and shuts the socket down. ``getaddrinfo`` has
no timeout of its own; a hanging resolver only keeps the daemon thread, never
the caller.

A response that arrives is not yet a page: a 200 can be a 网站维护中
placeholder, an error page in disguise (soft 404) or an empty page, and the
rule counts those as failed visits as well. :func:`judge_page` decides, from
the decoded page alone; the exact rules are in its docstring.
"""

from __future__ import annotations

import http.client
import queue
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urljoin, urlsplit

from lxml import etree

from crawler.extract.encoding import decode_html, looks_binary
from crawler.scriptnav import BLANK_TEXT_MAX, script_location
from govcrawl.model import ProbeResult

__all__ = [
    "DEFAULT_TIMEOUT", "DEFAULT_USER_AGENT", "MAX_REDIRECTS", "PageView", "judge_page", "probe_site", "probe_url",
    "read_page",
]

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991: a fixed offset is exact
DEFAULT_TIMEOUT = 15.0  # the national rule: not loaded within 15 s = failed visit
DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; govcrawl-probe/0.1; +站点可用性探测)"
MAX_REDIRECTS = 10  # contract §4 "Broken": more than 10 redirects is a failure
BODY_CAP = 2 * 1024 * 1024  # enough to judge any homepage; past it the page counts as loaded
CHUNK = 64 * 1024
PARSE_CAP = 512 * 1024  # bytes judged: titles and placeholders sit at the top; parsing 2 MB costs seconds
JUDGE_GRACE = 1.0  # seconds the caller still waits for the verdict on a page that loaded in time
REPORT_SLACK = 0.3  # seconds the caller waits past the deadline for the thread's own (richer) report
PROBE_WORKERS = 4  # probes in flight per site: a weak government server must not notice us

PLACEHOLDER_TEXT_MAX = 400  # visible characters outside links, whitespace excluded
PLACEHOLDER_LINKS_MAX = 20  # a real homepage or column page links far more
HEADING_MAX = 40  # a heading longer than this is a headline, not a page's verdict on itself
REFRESH_DELAY_MAX = 10  # a meta refresh later than this is a reload timer, not a redirect stub

_MAINTENANCE = re.compile(
    r"网站维护|系统维护|正在维护|升级维护|停机维护|服务器维护|系统升级|改版升级|升级改版|网站改版"
    r"|暂停访问|暂停服务|暂时关闭|临时关闭|网站建设中|正在建设"
    # bare 维护中/建设中 only as the end of a phrase: not 维护中央权威, 城市建设中心
    r"|(?:维护|建设|升级)中(?=$|[\s，。！!、,.…)）])"
    r"|under\s+(?:maintenance|construction)|site\s+maintenance",
    re.I,
)
_ERROR_PHRASE = (
    r"页面不存在|网页不存在|页面未找到|信息不存在|不存在或已(?:被)?删除|找不到(?:网页|页面|该页|您要|您所|相关)"
    r"|无法找到(?:该|您|页面|网页)|(?:访问|请求|页面|系统|程序)出错|出错了|访问错误|错误提示|系统错误|系统繁忙"
    r"|服务器(?:内部)?错误|服务不可用|网关错误|网关超时|访问被拒绝|禁止访问|已被拦截|网站防火墙"
    r"|not\s+found|bad\s+gateway|service\s+(?:temporarily\s+)?unavailable|internal\s+server\s+error"
    r"|gateway\s+time-?out|forbidden"
    # a bare web server's default page: the site is not there
    r"|welcome\s+to\s+nginx|it\s+works!|iis\s+windows\s+server|apache2?\s+\w*\s*default\s+page|test\s+page\s+for"
)
_STATUS_CODE = r"(?<!\d)(?:40[034]|50[0-4])(?!\d)"
_CODE_ALONE = r"(?=$|\W|_|错误|页面|not|error)"  # "404", "404 - ...", "404错误" but not "500强"
# Title or heading: a known phrase, or a status code at its start or next to an error word.
_ERROR_TITLE = re.compile(
    rf"{_ERROR_PHRASE}|^\W*(?:http\s*|error\s*|错误\s*)?{_STATUS_CODE}{_CODE_ALONE}"
    rf"|{_STATUS_CODE}\s*(?:错误|error|页面)",
    re.I,
)
# Anywhere in a placeholder-sized page a bare status code is evidence enough.
_ERROR_TEXT = re.compile(rf"{_ERROR_PHRASE}|{_STATUS_CODE}", re.I)
_HTMLISH = re.compile(r"html|xml|text/plain", re.I)
_SKIP_TAGS = ("script", "style", "noscript", "template", "head")
# Anything a visitor can see or a browser will render without text.
_CONTENT_XPATH = "//img|//a[@href]|//iframe|//frame|//embed|//object|//video|//canvas|//svg|//form|//input"
_REFRESH = re.compile(r"^\s*(\d+)?\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"]*)", re.I)


class _Failure(Exception):
    """The load ended without a judgeable page: ``kind`` and a Chinese ``reason``."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(slots=True)
class _Attempt:
    """What the loading thread has got so far, shared with the caller who may give up on it.

    The caller reads it to report a timeout with whatever arrived (status,
    time to first byte, bytes); it shuts ``sock`` down so that a thread blocked
    in ``recv`` wakes at once instead of at its own socket timeout.
    """

    timeout: float
    started: float = field(default_factory=time.monotonic)
    ttfb: float | None = None
    done: float | None = None  # when the last byte of the latest response was read
    loaded: bool = False  # the final page is in: only judging is left
    status: int | None = None
    final_url: str | None = None
    size: int = 0
    sock: socket.socket | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    abandoned: bool = False

    def remaining(self) -> float:
        """Seconds left of the deadline; raises the timeout failure when none are."""
        left = self.started + self.timeout - time.monotonic()
        if left <= 0 or self.abandoned:
            raise _Failure("timeout", f"{self.timeout:g} 秒内未加载完成")
        return left

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def arm(self) -> None:
        """Give the next socket operation only the time that is left."""
        left = self.remaining()
        with self.lock:
            if self.sock is not None:
                self.sock.settimeout(left)

    def attach(self, sock: socket.socket | None) -> None:
        with self.lock:
            self.sock = sock
            abandoned = self.abandoned
        if abandoned:
            self._shutdown(sock)

    def abandon(self) -> None:
        with self.lock:
            self.abandoned = True
            sock = self.sock
        self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket | None) -> None:
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@dataclass(slots=True)
class _Response:
    status: int
    url: str
    content_type: str | None
    location: str | None
    body: bytes


@dataclass(slots=True)
class PageView:
    """The few things :func:`judge_page` looks at, read once from the decoded page."""

    title: str = ""
    headings: list[str] = field(default_factory=list)  # h1-h3 outside links, in order
    text_chars: int = 0  # visible characters, whitespace excluded
    own_text: str = ""  # visible text outside links (plus image alt texts), whitespace collapsed
    own_chars: int = 0  # characters of own_text, whitespace excluded (alt texts not counted)
    links: int = 0
    has_content: bool = False  # images, links, frames, media, forms: something to see without text
    has_script: bool = False
    redirect: str | None = None  # target of a meta refresh / location stub, as written

    @property
    def placeholder_sized(self) -> bool:
        """Small enough that one sentence on it is the page's message, not a headline among many."""
        return self.own_chars <= PLACEHOLDER_TEXT_MAX and self.links < PLACEHOLDER_LINKS_MAX


def _now_shanghai() -> datetime:
    return datetime.now(SHANGHAI)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _chars(text: str) -> int:
    return len("".join(text.split()))


def _text_of(element) -> str:
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _texts(elements: list) -> list[str]:
    return [_squash(_text_of(element)) for element in elements]


def _meta_refresh(root) -> str | None:
    """The target of a ``<meta http-equiv=refresh>`` that fires soon enough to be a redirect."""
    for meta in root.xpath("//meta[translate(@http-equiv,'REFSH','refsh')='refresh'][@content]"):
        match = _REFRESH.match(meta.get("content", ""))
        if match and match.group(2).strip() and int(match.group(1) or 0) <= REFRESH_DELAY_MAX:
            return match.group(2).strip()
    return None


def read_page(body: bytes, content_type: str | None) -> PageView | None:
    """Parse a body into a :class:`PageView`; None for a non-text body (image, PDF, ...), which is not judged."""
    if content_type and not _HTMLISH.search(content_type) or looks_binary(body[:4096]):
        return None
    text = decode_html(body[:PARSE_CAP], content_type).text
    if content_type and "text/plain" in content_type.lower():
        return PageView(text_chars=_chars(text), own_text=_squash(text), own_chars=_chars(text))
    root = etree.fromstring(text.encode("utf-8"), etree.HTMLParser(recover=True, encoding="utf-8"))
    if root is None:
        return PageView()
    view = PageView(
        title=_squash(" ".join(root.xpath("//title//text()"))),
        has_script=bool(root.xpath("//script")),
        links=len(root.xpath("//a[@href]")),
        has_content=bool(root.xpath(_CONTENT_XPATH)),
        redirect=_meta_refresh(root),
    )
    alts = [img.get("alt", "") for img in root.iter("img") if img.get("alt")]
    scripts = [script.text for script in root.iter("script") if script.text]
    etree.strip_elements(root, *_SKIP_TAGS, with_tail=False)
    view.text_chars = _chars(_text_of(root))
    if view.redirect is None and view.text_chars < BLANK_TEXT_MAX:
        # only a page with nothing to read is a pure script stub; elsewhere location= may be conditional
        view.redirect = script_location(scripts)
    etree.strip_elements(root, "a", with_tail=False)
    view.headings = [heading for heading in _texts(root.xpath("//h1|//h2|//h3")) if heading]
    own = _squash(_text_of(root))
    view.own_chars = _chars(own)
    view.own_text = _squash(" ".join([own, *alts]))
    return view


_SENTENCE_END = re.compile(r"[。！!？?；;\n]")
QUOTE_MAX = 40  # characters of page text quoted in a reason


def _sentence(text: str, match: re.Match[str]) -> str:
    """The sentence around a match, so the webmaster sees what the page said, not only the keyword."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())]
    start = starts[-1] if starts else 0
    end_match = _SENTENCE_END.search(text, match.end())
    end = end_match.start() if end_match else len(text)
    sentence = text[start:end].strip()
    if len(sentence) > QUOTE_MAX:
        offset = max(0, match.start() - start - 10)
        sentence = sentence[offset : offset + QUOTE_MAX] + "…"
    return sentence


def judge_page(status: int, body: bytes, content_type: str | None, view: PageView | None = None) -> tuple[str, str]:
    """The verdict on a 2xx response: ``(kind, reason)``, kind one of ok, blank, error-page, maintenance.

    Rules, in order (PageView fields; "placeholder-sized" = at most 400 visible
    characters outside links and fewer than 20 links):

    - ``blank``: an empty (or all-whitespace) body.
    - ``error-page``: the title, or a short (<= 40 characters) h1-h3 heading
      outside a link, reads as an error (页面不存在, 找不到页面, 出错了, 访问出错,
      Not Found, 服务器错误, 502 Bad Gateway, a status code leading the title, a
      bare web server's default page); or the page is placeholder-sized and its
      text outside links says so anywhere (there a bare 404/500/502/503 counts).
    - ``maintenance``: the title names maintenance or construction (网站维护中,
      系统维护, 升级维护, 改版升级, 暂停访问, 暂停服务, 网站建设中, 正在建设 ...);
      or the page is placeholder-sized and its text outside links (or an image
      alt text) does. Headings alone do not count: homepages headline notices
      such as 关于网站改版升级的公告.
    - ``blank``: an HTML page with fewer than 10 visible characters and no
      image, link, frame, media, form and no script at all (after the two
      above, so that a terse 出错了！ is an error page, not a blank one). A
      page with a script is never blank: a JavaScript application shell or a
      redirect we cannot follow renders in a browser, and the probe does not
      run JavaScript; benefit of the doubt rather than a false veto.
    - ``ok`` otherwise, and for bodies that are not text (an image, a PDF).

    Words inside links never count (news items 关于系统维护的通知, a link
    404错误页面说明), nor words on a long page outside its title: a real page
    mentioning maintenance stays ok.
    """
    if not body.strip():
        return "blank", f"HTTP {status}，页面内容为空"
    view = view if view is not None else read_page(body, content_type)
    if view is None:
        return "ok", ""
    for text in [view.title, *(h for h in view.headings if len(h) <= HEADING_MAX)]:
        if _ERROR_TITLE.search(text):
            return "error-page", f"页面是错误提示页：“{text[:QUOTE_MAX]}”"
    if view.placeholder_sized and (match := _ERROR_TEXT.search(view.own_text)):
        return "error-page", f"页面是错误提示页：“{_sentence(view.own_text, match)}”"
    if _MAINTENANCE.search(view.title):
        return "maintenance", f"页面显示维护或建设中：“{view.title[:QUOTE_MAX]}”"
    if view.placeholder_sized and (match := _MAINTENANCE.search(view.own_text)):
        return "maintenance", f"页面显示维护或建设中：“{_sentence(view.own_text, match)}”"
    if view.text_chars < BLANK_TEXT_MAX and not view.has_content and not view.has_script:
        return "blank", "页面没有可见内容"
    return "ok", ""


def _ssl_context() -> ssl.SSLContext:
    """Verify certificates as a browser does, but accept legacy renegotiation as browsers still do."""
    context = ssl.create_default_context()
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
    return context


def _target(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Failure("network", f"不支持的地址：{url[:200]}")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (UnicodeError, ValueError) as exc:
        raise _Failure("network", f"地址无效：{url[:200]}") from exc
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return parts.scheme, host, port, path


def _decoder(encoding: str | None) -> Callable[[bytes], bytes]:
    """Undo gzip/deflate, which the probe asks for so that it loads what a browser loads."""
    encoding = (encoding or "").strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return lambda chunk: chunk
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
    raw: list = []  # deflate sent without a zlib header (old IIS)

    def decode(chunk: bytes) -> bytes:
        if raw:
            return raw[0].decompress(chunk, BODY_CAP)
        try:
            return inflater.decompress(chunk, BODY_CAP)
        except zlib.error:
            if encoding != "deflate" or inflater.total_in:
                raise
            raw.append(zlib.decompressobj(-zlib.MAX_WBITS))
            return raw[0].decompress(chunk, BODY_CAP)

    return decode


def _request(url: str, attempt: _Attempt, user_agent: str) -> _Response:
    """One GET, no redirects followed, body read up to the cap within the deadline."""
    scheme, host, port, path = _target(url)
    left = attempt.remaining()
    if scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(host, port, timeout=left, context=_ssl_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=left)
    try:
        conn.connect()
        attempt.attach(conn.sock)
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in (
            ("User-Agent", user_agent),
            ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("Accept-Language", "zh-CN,zh;q=0.9"),
            ("Accept-Encoding", "gzip, deflate"),
            ("Connection", "close"),
        ):
            conn.putheader(name, value.encode("utf-8"))
        conn.endheaders()
        attempt.arm()
        response = conn.getresponse()
        attempt.ttfb = time.monotonic()
        attempt.status = response.status
        attempt.final_url = url
        body = _read_body(response, attempt) if 200 <= response.status < 300 else b""
        attempt.done = time.monotonic()
        return _Response(response.status, url, response.getheader("Content-Type"), response.getheader("Location"), body)
    finally:
        attempt.attach(None)
        conn.close()


def _read_body(response: http.client.HTTPResponse, attempt: _Attempt) -> bytes:
    decode = _decoder(response.getheader("Content-Encoding"))
    attempt.size = 0
    parts: list[bytes] = []
    kept = 0
    while kept < BODY_CAP:
        attempt.arm()
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        attempt.size += len(chunk)
        try:
            part = decode(chunk)
        except zlib.error as exc:
            raise _Failure("network", "页面压缩数据损坏，无法解压") from exc
        parts.append(part)
        kept += len(part)
    return b"".join(parts)[:BODY_CAP]


def _next_hop(current: str, target: str, seen: set[str], hops: int) -> str:
    url = urljoin(current, target.strip())
    if url in seen:
        raise _Failure("network", "重定向循环")
    if hops > MAX_REDIRECTS:
        raise _Failure("network", f"重定向超过 {MAX_REDIRECTS} 次")
    seen.add(url)
    return url


def _load(url: str, attempt: _Attempt, user_agent: str) -> tuple[str, str]:
    """Follow redirects (HTTP and redirect stubs) to the final page and judge it."""
    seen = {url}
    current = url
    hops = 0
    while True:
        response = _request(current, attempt, user_agent)
        if 300 <= response.status < 400 and response.location:
            hops += 1
            current = _next_hop(current, response.location, seen, hops)
            continue
        if not 200 <= response.status < 300:
            return "http-error", f"HTTP {response.status}"
        attempt.loaded = True
        view = read_page(response.body, response.content_type) if response.body.strip() else None
        if view is not None and view.redirect and view.placeholder_sized:
            target = urljoin(current, view.redirect)
            if target != current and urlsplit(target).scheme in ("http", "https"):
                attempt.loaded = False
                hops += 1
                current = _next_hop(current, view.redirect, seen, hops)
                continue
        return judge_page(response.status, response.body, response.content_type, view)


def _network_reason(exc: BaseException) -> str:
    """Name the network failure in words a webmaster can act on."""
    if isinstance(exc, socket.gaierror):
        return "域名无法解析"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"HTTPS 证书无效（{exc.verify_message or exc.reason}）"
    if isinstance(exc, ssl.SSLError):
        return f"HTTPS 握手失败（{exc.reason or exc.__class__.__name__}）"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, ConnectionResetError | http.client.RemoteDisconnected | http.client.IncompleteRead):
        return "连接被服务器中断"
    if isinstance(exc, http.client.HTTPException):
        return f"服务器响应不是有效的 HTTP（{exc.__class__.__name__}）"
    if isinstance(exc, OSError) and exc.strerror:
        return f"无法连接（{exc.strerror}）"
    return f"无法连接（{exc.__class__.__name__}）"


def _run(url: str, attempt: _Attempt, user_agent: str) -> tuple[str, str]:
    """The loading thread's body: never raises, always a verdict."""
    try:
        return _load(url, attempt, user_agent)
    except _Failure as failure:
        return failure.kind, failure.reason
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        if isinstance(exc, TimeoutError) or attempt.abandoned or _expired(attempt):
            return "timeout", f"{attempt.timeout:g} 秒内未加载完成"
        return "network", _network_reason(exc)
    except Exception as exc:  # a bug or a pathological page must not turn into a false failed visit
        if attempt.loaded:
            return "ok", f"页面已按时加载，内容判断出错（{exc.__class__.__name__}）"
        return "network", f"探测出错（{exc.__class__.__name__}）"


def _expired(attempt: _Attempt) -> bool:
    try:
        attempt.remaining()
    except _Failure:
        return True
    return False


def _result(url: str, at: str, homepage: bool, attempt: _Attempt, verdict: tuple[str, str]) -> ProbeResult:
    kind, reason = verdict
    ttfb = None if attempt.ttfb is None else int((attempt.ttfb - attempt.started) * 1000)
    if kind == "timeout":
        total = min(attempt.elapsed_ms(), int(attempt.timeout * 1000))
    elif attempt.done is not None:
        total = int((attempt.done - attempt.started) * 1000)  # judging the page is not loading it
    else:
        total = attempt.elapsed_ms()
    return ProbeResult(
        url=url, at=at, ok=kind == "ok", kind=kind, status=attempt.status, ttfb_ms=ttfb, total_ms=total,
        size=attempt.size, final_url=attempt.final_url, reason=reason, homepage=homepage,
    )


def probe_url(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    homepage: bool = True,
    now: Callable[[], datetime] | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
) -> ProbeResult:
    """Load ``url`` once (redirects followed) and judge it; returns within ``timeout`` + ~0.3 s
    (+ at most 1 s more to judge a page that loaded in time).

    ``at`` is when the probe started, ISO-8601 in Asia/Shanghai (``now`` for
    tests). ``ttfb_ms`` runs from that start to the status line of the final
    response (DNS, connect and redirects included: what a visitor waits for);
    ``total_ms`` to its last byte read, or to the deadline on a timeout.
    """
    started_at = (now or _now_shanghai)().astimezone(SHANGHAI).isoformat(timespec="seconds")
    attempt = _Attempt(timeout=timeout)
    box: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
    worker = threading.Thread(target=lambda: box.put(_run(url, attempt, user_agent)), daemon=True,
                              name=f"probe {url[:60]}")
    worker.start()
    verdict = _await(box, timeout + REPORT_SLACK)
    if verdict is None and attempt.loaded:
        # loaded in time, still judging a heavy page: the visit did not fail, give judging a moment
        verdict = _await(box, JUDGE_GRACE) or ("ok", "页面已按时加载，内容未及判断")
    if verdict is None:
        attempt.abandon()
        verdict = ("timeout", f"{timeout:g} 秒内未加载完成")
    return _result(url, started_at, homepage, attempt, verdict)


def _await(box: queue.SimpleQueue[tuple[str, str]], seconds: float) -> tuple[str, str] | None:
    try:
        return box.get(timeout=seconds)
    except queue.Empty:
        return None


def probe_site(
    urls: Sequence[str],
    homepage_url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    now: Callable[[], datetime] | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    workers: int = PROBE_WORKERS,
) -> list[ProbeResult]:
    """Probe the homepage and the key pages concurrently; homepage first, then ``urls`` in order, each once.

    Concurrent so that a round of probes takes one timeout, not one per page,
    every 15 minutes; few at a time so that the probe itself never loads a weak
    server.
    """
    ordered = list(dict.fromkeys([homepage_url, *urls]))
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(ordered))), thread_name_prefix="probe") as pool:
        futures = [
            pool.submit(probe_url, url, timeout=timeout, homepage=url == homepage_url, now=now, user_agent=user_agent)
            for url in ordered
        ]
        return [future.result() for future in futures]
