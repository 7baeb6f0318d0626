"""Scrapy's download handler on aiohttp, holding each host to the crawl's concurrency.

**Transport.** Scrapy 2.19 ships an aiohttp-based handler next to its Twisted one
(``scrapy.core.downloader.handlers._aiohttp``, marked experimental); this crawl runs on
it. The Twisted client parsed every response line by line in Python and switched the
socket's write interest on and off around each request (``epoll_ctl`` under the asyncio
reactor); aiohttp parses in C (llhttp) and writes at once. On the 5,000-page benchmark
portal the whole command used 29.6 CPU seconds instead of 31.7 (medians of 14 alternating
runs, about 0.4 ms a page), most of it in the crawl process, which limits a fast crawl
(bench/RESULTS.md, session 21). The resource lane already asks
with aiohttp, so pages and attachments now meet a server with the same client. It is
built on the first request (``lazy``), because aiohttp's connector belongs to the running
event loop. Scrapy's middlewares (redirects, retries, compression, robots.txt) work on
its responses as on the Twisted ones; failures arrive as Scrapy's own exceptions, with
aiohttp's as their cause (``crawler.failures`` reads both).

**TLS.** Scrapy's Twisted handler allowed legacy renegotiation (``OP_LEGACY_SERVER_CONNECT``),
which OpenSSL 3 refuses by default and old government servers still need
(``crawler.tls``); this handler's context gets the same, as does the resource lane's.

**Concurrency.** A download slot's ``concurrency`` (``DOWNLOAD_SLOTS`` /
``CONCURRENT_REQUESTS_PER_DOMAIN``) is meant to cap the requests in flight to
one host. Scrapy 2.19 under the asyncio reactor does not hold it: the slot's
queue loop (``Downloader._process_queue``) starts each download as a task
(``loop.create_task``) and the task only marks itself as transferring once it
runs, so one pass of the loop starts everything queued. Measured on the 2,000-page
benchmark portal with a slot concurrency of 16: 64 page downloads in flight at
once, the global ``CONCURRENT_REQUESTS``. A site's agreed concurrency is a
politeness promise, so the handler keeps it itself with one semaphore per slot.
Connections stay open between requests (aiohttp's pool; ``tests/crawler/test_download_concurrency.py``
counts them at the server).

**Slowing down.** A 429 or 503 answer pauses the host's slot for as long as it asked and the
request is asked again (``crawler.slowdown``), here rather than in Scrapy's retry middleware,
which asks again at once.
"""

from __future__ import annotations

import asyncio
import logging
import time

from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler
from scrapy.utils.httpobj import urlparse_cached

from crawler.slowdown import slow_down_wait, slow_downs_for
from crawler.tls import allow_legacy_servers

logger = logging.getLogger(__name__)


class PoliteDownloadHandler(AiohttpDownloadHandler):
    """HTTP/1.1 downloads with each slot's concurrency enforced and connections reused."""

    lazy = True  # aiohttp's connector needs the running event loop: made at the first request
    # Scrapy marks its aiohttp handler experimental and says so in every crawl's log. This crawl
    # chose it and tests it with its own (redirects, limits, failures, slowing down, concurrency);
    # a webmaster reading the night's log has nothing to act on.
    experimental = False

    def __init__(self, crawler) -> None:  # noqa: ANN001 - Scrapy's signature
        super().__init__(crawler)
        settings = crawler.settings
        self._default = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self._per_slot = {key: int(value.get("concurrency", self._default))
                          for key, value in settings.getdict("DOWNLOAD_SLOTS").items()}
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._paused_until: dict[str, float] = {}  # slot -> monotonic time its host asked us to wait until
        allow_legacy_servers(self._ssl_context)

    def concurrency(self, key: str) -> int:
        """Requests allowed in flight to slot ``key`` (a host name, as Scrapy keys its slots)."""
        return self._per_slot.get(key, self._default)

    @staticmethod
    def _slot_key(request) -> str:  # noqa: ANN001 - scrapy.Request
        return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""

    def _gate(self, request) -> asyncio.Semaphore:  # noqa: ANN001 - scrapy.Request
        key = self._slot_key(request)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = asyncio.Semaphore(self.concurrency(key))
        return gate

    async def download_request(self, request):  # noqa: ANN001, ANN201 - Scrapy's signature
        key = self._slot_key(request)
        slowdown = 0
        while True:
            while (wait := self._paused_until.get(key, 0.0) - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            async with self._gate(request):
                await self.before_sending(request)
                response = await super().download_request(request)
            asked = response.headers.get(b"Retry-After")
            if slowdown >= slow_downs_for(response.status, asked) or request.meta.get("dont_retry"):
                return response
            # The host asked for less (crawler.slowdown): every request to it waits, then this one is asked again.
            wait = slow_down_wait(asked, slowdown)
            slowdown += 1
            self._paused_until[key] = max(self._paused_until.get(key, 0.0), time.monotonic() + wait)
            logger.info("%s 回答 HTTP %s（请求过多/暂不可用），该主机暂停 %.0f 秒后重试：%s",
                        key, response.status, wait, request.url)

    async def before_sending(self, request) -> None:  # noqa: ANN001 - scrapy.Request
        """Hook run inside the host's gate, right before the request leaves (the fleet's start slots)."""
