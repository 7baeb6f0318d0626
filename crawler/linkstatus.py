"""The resource lane: status of attachments, images and external links, on the second core.

Pages go through Scrapy; everything the crawl only needs a *status* for
(attachments, images, stylesheets, scripts, external links) goes here. Scrapy
costs about 2.5 ms of CPU per request, which for ~4 resources per page would
cap a 2-core machine well below the page rate, so this lane runs outside the
crawl process (see "Where the lane runs") with lean asyncio clients: HEAD
first (``crawler.headclient``, which reads only a status line and headers), GET
through aiohttp (headers only, body never read) when HEAD is refused or answers
an error, per-host concurrency and spacing, retries on timeouts. Each URL is
checked once per run. Internal PDF/DOCX/XLSX attachments are the exception to
"status only": they are read for personal numbers (privacy-leak), with one GET
when never read before, and a HEAD that finds them unchanged otherwise
(``_Checker._read_attachment``).

Outcomes are written straight into the run's store, so the spider process only
sends URLs and reads two counters.

Where the lane runs. A crawl started by ``govcrawl`` (``crawler.apart``) runs
in a child process while the ``govcrawl`` process waits for it; the lane is a
thread of that waiting process (``LaneHost``), on a socket whose other end the
crawl process inherits. As a process of its own it weighed 55 MiB at 5,000
pages, 44 of them imports; in the waiting process, which already has Python,
SQLite and the store loaded, it adds what only it uses. The lane is a
process of its own (``_lane_main``) when a crawl runs in the calling process
(``crawler.runner.run_crawl``, tests) and for a site whose runs are checked
streamed, whose check phase in the waiting process is the run's peak
(``govcrawl.cli.lane_in_this_process``). Either way the lane's code is the
same (``_lane``); hosted, it ends its thread where the process would exit.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import os
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from crawler import headclient
from crawler.slowdown import SLOW_DOWN_STATUSES, slow_down_wait, slow_downs_for
from govcrawl.model import LinkOutcome, LinkState
from govcrawl.netclass import address_kind

MAX_REDIRECTS = 10

BROKEN_STATUSES = frozenset({404, 410})
UNVERIFIED_STATUSES = frozenset({401, 403, 429})


def classify(status: int | None, *, internal: bool, error: str | None = None) -> tuple[LinkState, str]:
    """Contract §4 "Broken": the one place a status becomes ok / broken / unverified."""
    if status is None:
        return LinkState.BROKEN, error or "无响应"
    if 200 <= status < 400:
        return LinkState.OK, f"HTTP {status}"
    if internal:
        return LinkState.BROKEN, f"HTTP {status}"
    if status in UNVERIFIED_STATUSES:
        return LinkState.UNVERIFIED, f"HTTP {status}"
    if status in BROKEN_STATUSES or status >= 500:
        return LinkState.BROKEN, f"HTTP {status}"
    # Other 4xx from an external host (400, 405, 406, 451...) after the GET retry: the
    # contract calls them neither broken nor a bot block; recorded, not reported.
    return LinkState.UNJUDGED, f"HTTP {status}"


@dataclass(frozen=True)
class HostPolicy:
    concurrency: int
    interval: float  # minimum seconds between request starts to the host


@dataclass(frozen=True)
class LanePlan:
    """Everything the lane needs (its first message, as a process or a thread); plain data that pickles."""

    store_path: str
    run_id: str
    internal_hosts: tuple[str, ...]
    internal_policy: HostPolicy
    external_policy: HostPolicy
    timeout: float
    external_timeout: float
    retries: int
    allow_private: bool
    user_agent: str
    # Reuse external links that answered fine in runs started at or after this ISO time (None: never).
    cache_since: str | None = None
    # unsafe-link: external pages are read (up to this many bytes) and searched for these terms
    # besides the built-in list (crawler.unsafe_terms); None: external pages are not read.
    unsafe_terms: tuple[str, ...] | None = ()
    page_read_bytes: int = 256 * 1024
    # privacy-leak: internal PDF/DOCX/XLSX attachments up to this size are read (0: never).
    attachment_max_bytes: int = 0
    max_attachments: int = 1000  # read per run at most; the rest keep for later nights
    salt: bytes = b""  # keys the privacy digests (govcrawl.salt)
    today: str | None = None  # the run's evaluation date (birth dates after it are not plausible)
    redis_url: str | None = None  # a fleet run: the site's host is spaced fleet-wide (crawler.fleet)
    extra: dict = field(default_factory=dict)


class _HostGate:
    """Per-host concurrency and spacing of request starts.

    In a fleet run (``reserve`` given) the spacing of the site's own host is the
    fleet's: start times come from Redis (``crawler.fleet``), shared with the
    page requests of every worker.
    """

    def __init__(self, policy: HostPolicy, reserve=None, key: str = ""):
        self.sem = asyncio.Semaphore(policy.concurrency)
        self.interval = policy.interval
        self.next_start = 0.0
        self.lock = asyncio.Lock()
        self.reserve = reserve
        self.key = key
        self.paused_until = 0.0  # the host asked us to slow down (429/503): no request starts before this

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    async def __aenter__(self) -> None:
        while (wait := self.paused_until - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        await self.sem.acquire()
        if self.reserve is not None:
            from crawler.fleet import wait_for_slot

            await wait_for_slot(lambda: self.reserve(self.key, self.interval), self.interval, asyncio.sleep)
        elif self.interval > 0:
            async with self.lock:
                now = time.monotonic()
                wait = self.next_start - now
                self.next_start = max(now, self.next_start) + self.interval
            if wait > 0:
                await asyncio.sleep(wait)

    async def __aexit__(self, *exc: object) -> None:
        self.sem.release()


def _error_reason(exc: BaseException) -> str:
    import aiohttp

    if isinstance(exc, aiohttp.TooManyRedirects | headclient.TooManyRedirects):
        return f"重定向循环或超过{MAX_REDIRECTS}次"
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "请求超时"
    if isinstance(exc, aiohttp.ClientConnectorDNSError | socket.gaierror):
        return "域名无法解析"
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = getattr(exc, "os_error", None)
        if isinstance(os_error, ConnectionRefusedError):
            return "连接被拒绝"
        return f"无法连接（{exc.__class__.__name__}）"
    if isinstance(exc, aiohttp.ServerDisconnectedError | ConnectionResetError):
        return "连接被服务器中断"
    # The lean HEAD client's failures to connect are plain OSErrors (crawler.headclient); worded as a page's are.
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, ssl.SSLError):
        return "HTTPS 握手失败（证书或加密协议问题）"
    if isinstance(exc, OSError) and exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "网络不可达，无法连接服务器"
    if isinstance(exc, OSError):
        return "无法连接服务器"
    return f"请求失败（{exc.__class__.__name__}）"


class _Checker:
    def __init__(self, plan: LanePlan, previous: dict[str, LinkOutcome] | None = None,
                 heads: headclient.HeadClient | None = None):
        self.plan = plan
        self.heads = heads  # HEAD requests go here, aiohttp's session is for GET (and what this cannot read)
        self.gates: dict[str, _HostGate] = {}
        self.private_cache: dict[str, str | None] = {}
        self.previous = previous or {}  # the last completed run's answers (attachments read then)
        self._reader = None
        self.reads = 0
        self._fleet_script = None

    def gate(self, host: str, internal: bool) -> _HostGate:
        gate = self.gates.get(host)
        if gate is None:
            policy = self.plan.internal_policy if internal else self.plan.external_policy
            reserve = self.fleet_reserve if internal and self.plan.redis_url else None
            gate = self.gates[host] = _HostGate(policy, reserve, host)
        return gate

    async def fleet_reserve(self, host: str, interval: float) -> float:
        """Seconds to wait for the fleet's next start slot on ``host`` (crawler.fleet's script, async client)."""
        if interval <= 0:
            return 0.0
        if self._fleet_script is None:
            import redis.asyncio as aioredis

            from crawler.fleet import RESERVE_SCRIPT

            self._fleet_script = aioredis.Redis.from_url(self.plan.redis_url).register_script(RESERVE_SCRIPT)
        start, now = await self._fleet_script(keys=[f"govcrawl:host:{host}"], args=[int(interval * 1_000_000)])
        return max(0.0, (int(start) - int(now)) / 1_000_000)

    async def private_reason(self, host: str) -> str | None:
        """Non-public address an external host resolves to (when not allowed), cached per host."""
        if host in self.private_cache:
            return self.private_cache[host]
        reason = None
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
            for info in infos:
                kind = address_kind(ipaddress.ip_address(info[4][0]))
                if kind:
                    reason = f"解析到{kind} {info[4][0]}，未访问"
                    break
        except OSError:
            reason = None  # let the request itself report the DNS failure
        self.private_cache[host] = reason
        return reason

    async def check(self, session, url: str, internal: bool) -> LinkOutcome:
        import aiohttp

        host = urlsplit(url).hostname or ""
        if not internal and not self.plan.allow_private:
            reason = await self.private_reason(host)
            if reason:
                return LinkOutcome(url, LinkState.EXCLUDED, None, reason, None, internal, None)
        timeout = aiohttp.ClientTimeout(total=self.plan.timeout if internal else self.plan.external_timeout)
        gate = self.gate(urlsplit(url).netloc, internal)
        slowdown = 0
        while True:
            outcome, asked = await self._ask(session, url, internal, timeout, gate)
            if not internal or outcome.http_status is None or slowdown >= slow_downs_for(outcome.http_status, asked):
                return outcome
            # The site says "too many requests" / "come back later": its whole host waits, then this URL is
            # asked again. Judged on a busy server's refusal, a working attachment would be reported as broken.
            # (Not for other sites: their 429 is "unverified" anyway, and a bot-blocking social platform that
            # refuses every link would hold the night's crawl for minutes.)
            gate.pause(slow_down_wait(asked, slowdown))
            slowdown += 1

    async def _ask(self, session, url: str, internal: bool, timeout, gate: _HostGate) -> tuple[LinkOutcome, str | None]:
        """One answer for ``url`` (retried on timeouts and resets), and the Retry-After it came with."""
        import aiohttp

        last_error: BaseException | None = None
        for attempt in range(self.plan.retries + 1):
            if attempt:
                await asyncio.sleep(min(4.0, 0.5 * 2**attempt))
            try:
                async with gate:
                    if internal and self.plan.attachment_max_bytes and _attachment_like(url):
                        return await self._read_attachment(session, url, timeout)
                    if not internal and self.plan.unsafe_terms is not None and _page_like(url):
                        # An external page is read (a capped GET instead of HEAD): an expired domain
                        # re-registered by a casino answers 200 like any other (unsafe-link).
                        return await self._read_external(session, url, timeout)
                    method = "HEAD"
                    status, final, asked = await self._fetch(session, "HEAD", url, timeout)
                    if status >= 400 and status != 429:
                        # Many CMS answer HEAD with 404/405/501; only GET is authoritative.
                        method = "GET"
                        status, final, asked = await self._fetch(session, "GET", url, timeout)
                state, reason = classify(status, internal=internal)
                outcome = LinkOutcome(url, state, status, reason, final if final != url else None, internal, method)
                return outcome, asked
            except (aiohttp.TooManyRedirects, headclient.TooManyRedirects) as exc:
                state, reason = classify(None, internal=internal, error=_error_reason(exc))
                return LinkOutcome(url, state, None, reason, None, internal, "HEAD"), None
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                last_error = exc
                if isinstance(exc, aiohttp.ClientConnectorDNSError | socket.gaierror):
                    break
        state, reason = classify(None, internal=internal, error=_error_reason(last_error or TimeoutError()))
        return LinkOutcome(url, state, None, reason, None, internal, None), None

    async def _read_external(self, session, url: str, timeout) -> tuple[LinkOutcome, str | None]:
        """GET an external page, read at most ``page_read_bytes`` of it, and look for unsafe content."""
        from crawler.unsafe_terms import find_unsafe_terms, visible_title_and_text

        async with session.request(
            "GET", url, allow_redirects=True, max_redirects=MAX_REDIRECTS + 1, timeout=timeout
        ) as resp:
            status, final = resp.status, str(resp.url)
            asked = _asked(status, resp.headers)
            content_type = resp.headers.get("Content-Type")
            body = b""
            if 200 <= status < 300 and (content_type is None or "html" in content_type.lower()):
                body = await read_capped(resp.content, self.plan.page_read_bytes)
        state, reason = classify(status, internal=False)
        title, terms = None, []
        if body:
            title, text = visible_title_and_text(body, content_type)
            terms = find_unsafe_terms(title, text, self.plan.unsafe_terms or ())
        return LinkOutcome(url, state, status, reason, final if final != url else None, False, "GET",
                           title=title[:200] if title else None, terms=terms), asked

    async def _read_attachment(self, session, url: str, timeout) -> tuple[LinkOutcome, str | None]:
        """Check an attachment and, when it changed since it was last read, read its text for personal data.

        Never read before (and tonight's reading budget not spent): one GET, which
        answers everything a HEAD would and brings the text. Read before: HEAD
        first, and an attachment whose ETag / Last-Modified / length equal the
        last reading keeps that reading's result (most attachments never change,
        and reading a PDF costs far more than asking for it).
        """
        earlier = self.previous.get(url)
        if earlier is None and self.reads < self.plan.max_attachments:
            return await self._get_attachment(session, url, timeout)
        status, final, headers = await self._fetch_headers(session, "HEAD", url, timeout)
        if status >= 400 and status != 429:
            status, final, headers = await self._fetch_headers(session, "GET", url, timeout)
        state, reason = classify(status, internal=True)
        outcome = LinkOutcome(url, state, status, reason, final if final != url else None, True, "HEAD")
        if not 200 <= status < 300:
            return outcome, _asked(status, headers)
        validator = _validator(headers)
        if validator and earlier is not None and earlier.validator == validator:
            outcome.privacy, outcome.validator = list(earlier.privacy), validator
            return outcome, None
        if _too_large(headers, self.plan.attachment_max_bytes) or self.reads >= self.plan.max_attachments:
            return outcome, None  # reachable is all that is known tonight; unread, it is read on a later night
        return await self._get_attachment(session, url, timeout)

    async def _get_attachment(self, session, url: str, timeout) -> tuple[LinkOutcome, str | None]:
        """GET an attachment: its status, and the personal numbers in its text when it is small enough to read."""
        limit = self.plan.attachment_max_bytes
        body = None
        async with session.request("GET", url, allow_redirects=True, max_redirects=MAX_REDIRECTS + 1,
                                   timeout=timeout) as resp:
            status, final, headers = resp.status, str(resp.url), resp.headers
            if 200 <= status < 300 and not _too_large(headers, limit):
                self.reads += 1
                body = await read_capped(resp.content, limit + 1)
            # A body not read (an error page, a file over the limit) is not downloaded: leaving closes the connection.
        state, reason = classify(status, internal=True)
        outcome = LinkOutcome(url, state, status, reason, final if final != url else None, True, "GET")
        if body is None or len(body) > limit:
            return outcome, _asked(status, headers)
        hits = await asyncio.get_running_loop().run_in_executor(
            self.reader(), _attachment_privacy, body, url, headers.get("Content-Type"), self.plan.salt,
            self.plan.today)
        outcome.privacy, outcome.validator = hits, _validator(headers)
        return outcome, None

    def reader(self):
        """One thread reads attachments, so the event loop keeps checking links meanwhile.

        A thread, not a process: the lane is itself a daemon process, which may
        not have children; and reading is bounded (``attachment_text`` caps
        pages, characters and seconds), so the loop is slowed, never stopped.
        """
        if self._reader is None:
            from concurrent.futures import ThreadPoolExecutor

            self._reader = ThreadPoolExecutor(1, thread_name_prefix="govcrawl-attachments")
        return self._reader

    async def _fetch_headers(self, session, method: str, url: str, timeout):
        """(status, final URL, headers) of one request: HEAD by the lean client, else (and GET) by aiohttp."""
        if method == "HEAD" and self.heads is not None:
            try:
                answer = await self.heads.head(url, timeout.total)
                return answer.status, answer.url, answer.headers
            except headclient.Unsupported:
                pass  # an answer only aiohttp reads as aiohttp does: ask it
        async with session.request(
            method, url, allow_redirects=True, max_redirects=MAX_REDIRECTS + 1, timeout=timeout
        ) as resp:
            # The body is never read: leaving the context closes the connection
            # for a GET, which costs a reconnect but no download.
            return resp.status, str(resp.url), resp.headers.copy()

    async def _fetch(self, session, method: str, url: str, timeout) -> tuple[int, str, str | None]:
        """(status, final URL, Retry-After of a 429/503) of one request."""
        status, final, headers = await self._fetch_headers(session, method, url, timeout)
        return status, final, _asked(status, headers)


class _Orphaned(Exception):
    """The crawl process is gone (end-of-file on the lane's socket)."""


# URLs being checked at once, at most. Beyond the hosts' own limits (HostPolicy) more only wait, each as a
# task of a few KB. On a second night the crawl (pages answer 304) outruns a lane that re-asks every
# attachment, all the more when the lane shares the crawl's GIL: with every URL sent made a task, the
# crawling process grew to 802 MiB on the 100,000-page portal and 274 on the 20,000-page one (178 with
# this bound; bench/RESULTS.md). The URLs not yet taken wait in the socket and the crawl's backlog.
MAX_PENDING = 1024


async def _lane(plan: LanePlan, sock, hosted: bool = False) -> None:
    """Check every URL the crawl sends until it asks to finish; report counts as answers are written.

    When the crawl process goes away first, nothing more is written (a resumed run may be using
    the store): a lane process exits at once, a hosted lane raises ``_Orphaned``.
    """
    import aiohttp

    from crawler import channel
    from crawler.tls import client_context
    from govcrawl.store import Store

    internal_hosts = set(plan.internal_hosts)
    pending: set[asyncio.Task] = set()
    slots = asyncio.Semaphore(MAX_PENDING)
    results: list[LinkOutcome] = []
    counts = [0, 0]  # checked, broken
    # Certificates unverified, old servers' renegotiation allowed: as the page downloads (crawler.tls).
    connector = aiohttp.TCPConnector(limit=256, limit_per_host=0, ttl_dns_cache=600, ssl=client_context())
    headers = {"User-Agent": plan.user_agent, "Accept": "*/*"}
    store = Store(plan.store_path).join_crawl()
    last_flush = time.monotonic()
    cached = _cached_outcomes(store, plan)
    heads = headclient.HeadClient(headers, client_context(), max_redirects=MAX_REDIRECTS + 1)
    checker = _Checker(plan, _previous_attachments(store, plan), heads)
    reader, writer = await asyncio.open_connection(sock=sock)

    def flush() -> None:
        """Write the answers, then tell the crawl how many are written (so "none pending" means stored)."""
        nonlocal last_flush
        if results:
            store.add_outcomes(plan.run_id, results)
            results.clear()
            writer.write(channel.frame((None, tuple(counts))))
        last_flush = time.monotonic()

    async def one(url: str) -> None:
        host = urlsplit(url).hostname or ""
        port_host = urlsplit(url).netloc
        internal = host in internal_hosts or port_host in internal_hosts
        reuse = None if internal else cached.get(url)
        if reuse is not None and reuse.method == "HEAD" and plan.unsafe_terms is not None and _page_like(url):
            reuse = None  # answered before pages were read: read it once now
        try:
            if reuse is not None:  # what the page said (title, unsafe terms) is reused with its answer
                outcome = LinkOutcome(url, reuse.state, reuse.http_status, reuse.reason, reuse.final_url, False,
                                      "CACHE", title=reuse.title, terms=list(reuse.terms))
            else:
                outcome = await checker.check(session, url, internal)
        except Exception as exc:  # never lose a URL: record why it could not be checked
            outcome = LinkOutcome(url, LinkState.BROKEN, None, _error_reason(exc), None, internal, None)
        results.append(outcome)
        counts[0] += 1
        if outcome.state is LinkState.BROKEN:
            counts[1] += 1

    async def receive() -> object:
        """Start a check for each URL sent; return the id of the crawl's request to finish."""
        while True:
            message = await channel.read_message(reader)
            if message is None:  # the crawl process is gone: a resumed run may be using the store
                if not hosted:
                    os._exit(channel.ORPHANED)
                raise _Orphaned
            ident, (name, args) = message
            if name == "finish":
                return ident
            for url in args[0]:
                await slots.acquire()  # the rest waits in the socket and the crawl's backlog, as plain URLs
                task = asyncio.ensure_future(one(url))
                pending.add(task)
                task.add_done_callback(_settled)

    def _settled(task: asyncio.Task) -> None:
        pending.discard(task)
        slots.release()

    try:
        async with aiohttp.ClientSession(
            connector=connector, headers=headers, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
        ) as session:
            receiving = asyncio.ensure_future(receive())
            while not receiving.done() or pending:
                await asyncio.sleep(0.05)
                if receiving.done() and receiving.exception() is not None:  # orphaned: write nothing more
                    for task in pending:
                        task.cancel()
                    raise receiving.exception()
                if len(results) >= 500 or time.monotonic() - last_flush > 1.0:
                    flush()
            flush()
    finally:
        heads.close()
        store.close()
        if checker._reader is not None:
            checker._reader.shutdown(cancel_futures=True)
    writer.write(channel.frame((receiving.result(), True, tuple(counts))))
    await writer.drain()
    writer.close()


def _previous_attachments(store, plan: LanePlan) -> dict[str, LinkOutcome]:
    """Attachments read by the last completed run, with what was found in them (privacy-leak)."""
    if not plan.attachment_max_bytes:
        return {}
    earlier = [r for r in store.runs() if r.id != plan.run_id and r.status == "completed"]
    if not earlier:
        return {}
    # an answer with a validator is never a plain one (govcrawl.outcomes): no need to make the other ~99 %
    return {o.url: o for o in store.outcomes(earlier[-1].id).rich_answers() if o.internal and o.validator}


async def read_capped(content, limit: int) -> bytes:
    """The first ``limit`` bytes of a response body (all of it when shorter), however many reads it takes.

    ``StreamReader.read(n)`` returns only what has arrived so far, at most ``n``: on a
    loopback server that is the first ~110 KB of a 3 MB file. A PDF or DOCX cut there
    has lost its cross-reference table or zip directory, and so its text.
    """
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await content.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _asked(status: int, headers) -> str | None:
    """The Retry-After of a "too many requests" / "come back later" answer (crawler.slowdown waits it out)."""
    return headers.get("Retry-After") if status in SLOW_DOWN_STATUSES else None


def _too_large(headers, limit: int) -> bool:
    """Whether the response declares a body longer than ``limit`` bytes (then it is not read)."""
    length = headers.get("Content-Length")
    return bool(length and length.isdigit() and int(length) > limit)


def _validator(headers) -> str | None:
    """What identifies one version of a file: ETag, else Last-Modified with the length."""
    etag, modified = headers.get("ETag"), headers.get("Last-Modified")
    if not etag and not modified:
        return None
    return f"{etag or ''}|{modified or ''}|{headers.get('Content-Length') or ''}"


def _attachment_privacy(body: bytes, url: str, content_type: str | None, salt: bytes, today: str | None) -> list:
    """In the reader process: the attachment's text, searched for personal numbers (masked hits only)."""
    from datetime import date

    from crawler.attachments import attachment_kind, attachment_text
    from crawler.extract.privacy import scan_text

    kind = attachment_kind(url, content_type, body)
    if kind is None:
        return []
    text = attachment_text(body, kind).text
    day = date.fromisoformat(today) if today else None
    return scan_text(text, salt or os.urandom(32), where="attachment", today=day) if text else []


def _cached_outcomes(store, plan: LanePlan) -> dict[str, LinkOutcome]:
    """External links that answered fine in recent runs of this site (``external_links.cache_days``).

    Other sites' servers are asked once a week rather than every night about a
    link that works; a link that failed is always asked again.
    """
    if plan.cache_since is None:
        return {}
    since = datetime.fromisoformat(plan.cache_since)
    recent = [r.id for r in store.runs() if r.id != plan.run_id and datetime.fromisoformat(r.started) >= since]
    return store.reusable_outcomes(recent)


# Extensions of external URLs read as pages for unsafe-link (files are only asked with HEAD).
_PAGE_EXTENSIONS = frozenset({"", ".html", ".htm", ".shtml", ".shtm", ".xhtml", ".jsp", ".asp", ".aspx", ".php",
                              ".do", ".action", ".cgi"})


def _page_like(url: str) -> bool:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    ext = name[name.rfind("."):].lower() if "." in name else ""
    return ext in _PAGE_EXTENSIONS or len(ext) > 8


def _attachment_like(url: str) -> bool:
    from crawler.attachments import attachment_kind

    return attachment_kind(url, None) is not None


def _lane_main() -> None:
    """The lane process: its plan is the first message, then URLs until the crawl asks it to finish."""
    from crawler import channel
    from crawler.parentwatch import watch_parent

    watch_parent()
    sock = channel.helper_socket()
    plan = channel.receive(sock)
    if plan is None:
        os._exit(channel.ORPHANED)
    from crawler.collector import tune_for_crawl

    tune_for_crawl()  # a process of its own: for the rest of its life
    asyncio.run(_lane(plan, sock))


def host_lane(sock: socket.socket) -> None:
    """A hosted lane (``LaneHost``'s thread): its plan is the first message on ``sock``, as for ``_lane_main``."""
    from crawler import channel

    try:
        plan = channel.receive(sock)
        if plan is not None:  # None: the crawl process ended before it opened the spider
            asyncio.run(_lane(plan, sock, hosted=True))
    except _Orphaned:
        pass
    finally:
        sock.close()


class LaneHost:
    """The resource lane as a thread, of the process that waits for the crawl process or of the crawl's own.

    ``child_fd`` is the descriptor the crawl process inherits (``pass_fds``) and gives to
    ``ResourceLane``; ``started`` closes this process's copy once the crawl process has it, so
    that the lane sees end-of-file when the crawl process ends, however it ends. A crawl in
    this very process is given a duplicate (``crawler.apart.run_crawl_here``).
    """

    def __init__(self) -> None:
        import threading

        ours, self._theirs = socket.socketpair()
        self._ours = ours
        self.child_fd = self._theirs.fileno()
        self.thread = threading.Thread(target=host_lane, args=(ours,), name="resource-lane", daemon=True)
        self.thread.start()

    def started(self) -> None:
        self._theirs.close()

    def join(self, timeout: float) -> bool:
        """Wait for the lane to end (it has written its last answer by then); whether it did."""
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def stop(self) -> None:
        """End a lane whose crawl stopped without ending it (it failed before opening its spider)."""
        try:
            self._ours.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed already: the lane has ended


class ResourceLane:
    """Spider-side handle: submit URLs in batches, read progress, wait at the end.

    ``host_fd``: the lane runs in the parent process (``LaneHost``) on the other end of this
    inherited descriptor; without it the lane is started as a process of its own.
    """

    def __init__(self, plan: LanePlan, batch_size: int = 64, host_fd: int | None = None):
        from crawler.channel import Channel

        self.done = 0  # answers written to the store (reported by the lane)
        self.failed = 0  # of which broken
        self.submitted = 0
        self.batch: list[str] = []
        self.batch_size = batch_size
        sock = socket.socket(fileno=host_fd) if host_fd is not None else None
        self.channel = Channel("crawler.linkstatus", "_lane_main", plan, on_notice=self._counted, sock=sock)

    def _counted(self, counts: tuple[int, int]) -> None:
        self.done, self.failed = counts

    def submit(self, url: str) -> None:
        self.batch.append(url)
        self.submitted += 1
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.channel.notify("urls", self.batch)
            self.batch = []

    @property
    def pending(self) -> int:
        return self.submitted - self.done

    def finish(self, timeout: float | None = None) -> bool:
        """Send the rest, tell the lane to stop when drained, wait. True if it finished."""
        from crawler.channel import HelperLost

        self.flush()
        try:
            self._counted(self.channel.wait(self.channel.request("finish"), timeout=timeout or 1e9))
        except (HelperLost, TimeoutError):
            self.channel.close(timeout=5)
            return False
        return self.channel.close(timeout=30) == 0
