"""A lean HEAD client for the resource lane: keep-alive connections, a status line and headers, nothing else.

Why not aiohttp, which the lane uses for everything else: at 5,000 pages the lane
asks ~18,000 HEADs (attachments and images), and aiohttp's request machinery
(session, connector, tracing hooks, llhttp parser, response object) costs
~0.11 ms of CPU per request on the benchmark machine against ~0.06 for this
client (``bench/head_bench.py``, bench/RESULTS.md): ~0.9 CPU seconds a
5,000-page run. The lane is a thread of the crawling process, whose single GIL
limits a fast crawl, so that difference is crawl time.

A HEAD answer has no body (RFC 9110 §9.3.2), so there is little to do: write
the request, read up to the empty line, parse the status line and the headers.
The request is the one aiohttp would send: the URL is parsed and requoted by
yarl (aiohttp's own URL library), the same target, ``Host`` and headers go out,
redirects are followed as aiohttp follows them (301/302/303/307/308 with a
``Location``, HEAD stays HEAD, at most ``max_redirects`` answers) and the final
URL is yarl's. Anything this client does not handle the way aiohttp would
raises ``Unsupported`` and the caller asks with aiohttp instead: a status line
that is not HTTP/1.x, an oversized or malformed header block, a redirect to a
URL that is not http(s).

Connections are kept per scheme, host and port and reused while the server
allows it (HTTP/1.1 without ``Connection: close``, HTTP/1.0 with
``keep-alive``). A connection is never reused after anything but one clean
header block: a server that sends a body with its HEAD answer, or speaks
while idle, has its connection closed. A request on a reused connection that
the server closed meanwhile (its keep-alive timeout) is asked once more on a
new connection, as HTTP clients do for idempotent requests.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from dataclasses import dataclass

from multidict import CIMultiDict
from yarl import URL

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# aiohttp's own limits on a response head (8,190-byte lines); a longer head goes to aiohttp, which refuses it.
MAX_HEAD_BYTES = 64 * 1024
MAX_LINE_BYTES = 8190
# Idle connections: how long one is kept (aiohttp's default keep-alive) and how many in all.
IDLE_SECONDS = 15.0
MAX_IDLE = 256
# Requests (so connections) in flight at once, as the lane's aiohttp connector allows: hundreds of
# external hosts asked at once must not run the process out of file descriptors.
LIMIT = 256


class Unsupported(Exception):
    """An answer this client does not read as aiohttp would: ask with aiohttp instead."""


class TooManyRedirects(Exception):
    """More redirects than allowed (a loop, most often)."""


@dataclass(slots=True)
class HeadAnswer:
    status: int
    url: str  # the final URL, after redirects, as aiohttp reports it (``str(response.url)``)
    headers: CIMultiDict


class _Connection(asyncio.Protocol):
    """One HTTP/1.x connection: hands over each header block to the request waiting for it."""

    __slots__ = ("transport", "buffer", "waiter", "busy", "closed", "idle_since")

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.busy = False  # a request is out and its answer not all read
        self.closed = False
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if not self.busy:
            self.close()  # spoken to while idle, or a late body after a HEAD answer: not safe to reuse
            return
        self.buffer += data
        self._deliver()

    def _deliver(self) -> None:
        """Resolve the waiting read when a whole header block is in the buffer."""
        if self.waiter is None or self.waiter.done():
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end >= 0:
            head = bytes(self.buffer[:end])
            del self.buffer[:end + 4]
            self.waiter.set_result((head, len(self.buffer)))
        elif b"\n\n" in self.buffer or len(self.buffer) > MAX_HEAD_BYTES:
            self.waiter.set_exception(Unsupported("bare line feeds or an oversized head"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionResetError("server closed the connection without answering"))

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    async def ask(self, request: bytes) -> tuple[bytes, int]:
        """Write ``request``; its first header block (see ``next_head``)."""
        if self.closed:
            raise ConnectionResetError("connection closed while idle")
        self.busy = True
        self.transport.write(request)  # type: ignore[union-attr]
        return await self.next_head()

    async def next_head(self) -> tuple[bytes, int]:
        """The next header block (without its empty line) and how many bytes came after it so far."""
        self.waiter = asyncio.get_running_loop().create_future()
        self._deliver()
        try:
            return await self.waiter
        finally:
            self.waiter = None


# A response head as llhttp (aiohttp's parser) reads one, checked and split by regular expressions in C
# rather than a Python loop over its lines: the head is the whole answer, and this is the client's hot path.
_HEAD = re.compile(r"HTTP/1\.([01]) ([0-9]{3})(?: [^\r\n]*)?(?:\r\n[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*)*")
_FIELDS = re.compile(r"\r\n([^:\r\n]+):[ \t]*([^\r\n]*)")
_TRAILING_BLANK = re.compile(r"[ \t](?:\r\n|\Z)")


def _parse_head(head: bytes) -> tuple[bool, int, CIMultiDict]:
    """(HTTP/1.1 or not, status, headers) of a response head, or ``Unsupported``."""
    text = head.decode("utf-8", "surrogateescape")
    match = _HEAD.fullmatch(text)
    if match is None:  # not HTTP/1.x, a folded or malformed field: aiohttp decides what it is
        raise Unsupported(f"response head {text[:60]!r}")
    if len(head) > MAX_LINE_BYTES and max(map(len, head.split(b"\r\n"))) > MAX_LINE_BYTES:
        raise Unsupported("header line too long")
    fields = _FIELDS.findall(text)
    if _TRAILING_BLANK.search(text):
        fields = [(name, value.rstrip(" \t")) for name, value in fields]
    return match[1] == "1", int(match[2]), CIMultiDict(fields)


def _keeps_alive(http11: bool, headers: CIMultiDict) -> bool:
    connection = headers.get("Connection")
    if connection is None:
        return http11
    tokens = {t.strip().lower() for value in headers.getall("Connection") for t in value.split(",")}
    return "close" not in tokens if http11 else "keep-alive" in tokens


class HeadClient:
    """HEAD requests with pooled connections; ``close`` at the end (the lane's session does the same)."""

    def __init__(self, headers: dict[str, str], ssl_context: ssl.SSLContext | None = None,
                 max_redirects: int = 11, limit: int = LIMIT):
        self.ssl_context = ssl_context
        self.max_redirects = max_redirects
        self.in_flight = asyncio.Semaphore(limit)
        self.extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items()
                             if name.lower() != "host")
        if "accept-encoding" not in {name.lower() for name in headers}:
            self.extra += "Accept-Encoding: gzip, deflate\r\n"
        self.idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self.idle_count = 0
        self.last_sweep = time.monotonic()

    async def head(self, url: str, timeout: float | None) -> HeadAnswer:
        """``url``'s answer to HEAD, redirects followed; TimeoutError after ``timeout`` seconds in all."""
        async with self.in_flight, asyncio.timeout(timeout):
            return await self._follow(URL(url))

    async def _follow(self, current: URL) -> HeadAnswer:
        answers = 0
        while True:
            if current.scheme not in ("http", "https") or not current.raw_host:
                raise Unsupported(f"not an http(s) URL: {current}")
            current = current.with_fragment(None)
            status, headers = await self._ask(current)
            location = headers.get("Location") or headers.get("URI")
            if status not in REDIRECT_STATUSES or location is None:
                return HeadAnswer(status, str(current), headers)
            answers += 1
            if answers >= self.max_redirects:
                raise TooManyRedirects(f"{answers} redirects from {current}")
            try:
                target = URL(location)
            except ValueError as exc:
                raise Unsupported(f"Location {location[:60]!r}") from exc
            if target.scheme not in ("http", "https", ""):
                raise Unsupported(f"redirect to {target.scheme}:")
            current = current.join(target)

    async def _ask(self, url: URL) -> tuple[int, CIMultiDict]:
        key = (url.scheme, url.raw_host or "", url.port or 0)
        request = (f"HEAD {url.raw_path_qs} HTTP/1.1\r\nHost: {url.host_port_subcomponent}\r\n"
                   f"{self.extra}\r\n").encode("utf-8", "surrogateescape")  # as aiohttp writes headers
        while True:
            connection = self._take(key)
            reused = connection is not None
            if connection is None:
                connection = await self._connect(key)
            done = False
            try:
                head, rest = await connection.ask(request)
                http11, status, headers = _parse_head(head)
                while 100 <= status < 200 and status != 101:  # informational (103 Early Hints): the answer follows
                    head, rest = await connection.next_head()
                    http11, status, headers = _parse_head(head)
                done = True
            except ConnectionResetError:
                if reused:
                    continue  # the server had closed it while idle: once more on a new connection
                raise
            finally:
                if not done:
                    connection.close()
            if rest == 0 and status != 101 and _keeps_alive(http11, headers):
                self._give_back(key, connection)
            else:
                connection.close()
            return status, headers

    async def _connect(self, key: tuple[str, str, int]) -> _Connection:
        scheme, host, port = key
        loop = asyncio.get_running_loop()
        context = (self.ssl_context or ssl.create_default_context()) if scheme == "https" else None
        _, connection = await loop.create_connection(_Connection, host, port, ssl=context,
                                                     server_hostname=host if context else None)
        return connection

    def _take(self, key: tuple[str, str, int]) -> _Connection | None:
        pool = self.idle.get(key)
        now = time.monotonic()
        while pool:
            connection = pool.pop()
            self.idle_count -= 1
            if not connection.closed and now - connection.idle_since < IDLE_SECONDS:
                return connection
            connection.close()
        return None

    def _give_back(self, key: tuple[str, str, int], connection: _Connection) -> None:
        now = time.monotonic()
        if now - self.last_sweep > IDLE_SECONDS / 3:
            self._sweep(now)
        if self.idle_count >= MAX_IDLE:
            connection.close()
            return
        connection.busy = False
        connection.idle_since = now
        self.idle.setdefault(key, []).append(connection)
        self.idle_count += 1

    def _sweep(self, now: float) -> None:
        """Close connections idle longer than a server would keep them (hosts asked once, mostly)."""
        self.last_sweep = now
        for key, pool in list(self.idle.items()):
            keep = []
            for connection in pool:
                if not connection.closed and now - connection.idle_since < IDLE_SECONDS:
                    keep.append(connection)
                else:
                    connection.close()
            self.idle_count -= len(pool) - len(keep)
            if keep:
                self.idle[key] = keep
            else:
                del self.idle[key]

    def close(self) -> None:
        for pool in self.idle.values():
            for connection in pool:
                connection.close()
        self.idle.clear()
        self.idle_count = 0
