"""robots.txt read the way RFC 9309 says, and read once per run for a whole fleet.

Scrapy's own ``RobotsTxtMiddleware`` parses whatever body comes back, so a 500
error page, or a robots.txt that timed out, silently means "everything allowed"
and the crawler walks into ``/admin/``. RFC 9309 §2.3.1 distinguishes three
outcomes, and this middleware follows them:

* **successful download** (2xx, after redirects): the rules apply;
* **unavailable** (4xx, §2.3.1.3): there are no rules, everything may be crawled;
* **unreachable** (5xx or a network error, §2.3.1.4): the crawler MUST assume
  complete disallow. 429 Too Many Requests is counted here as well: it is the
  server asking to be left alone, and Google's crawler treats it the same way
  (developers.google.com/search/docs/crawling-indexing/robots/robots_txt,
  "Handling of errors and HTTP status codes").

An unreachable robots.txt is asked again a few times before the verdict stands:
one dropped connection must not cost the night's crawl. When it still fails, the
host's pages are not fetched, each is recorded as excluded with the reason, and
the log says so in one line; findings on pages the run could not re-check stay
open rather than fixed (``govcrawl.lifecycle``).

In a fleet every worker would otherwise fetch robots.txt on its own, and one
worker's failed fetch would let it crawl what the others refuse. The first
verdict for a host is written to the run's Redis state and every worker uses
that one (``Fleet.robots``).

Only the first ``MAX_BYTES`` of a robots.txt are parsed, the limit RFC 9309
§2.5 sets as the least a crawler must read (500 KiB), cut at a line end.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from crawler.failures import failure_reason

logger = logging.getLogger(__name__)

MAX_BYTES = 500 * 1024
ROUNDS = 3  # fetches of an unreachable robots.txt before it counts as unreachable
PAUSE = 2.0  # seconds between them

RULES, NONE, UNREACHABLE = "rules", "none", "unreachable"


class RobotsUnreachable(IgnoreRequest):
    """A request refused because its host's robots.txt could not be read (RFC 9309: complete disallow)."""


def verdict_of(status: int | None) -> str:
    """RFC 9309's reading of a robots.txt answer: its HTTP status, None for a network error."""
    if status is None or status == 429 or status >= 500:
        return UNREACHABLE
    if 400 <= status < 500:
        return NONE
    return RULES


def clip(body: bytes, limit: int = MAX_BYTES) -> bytes:
    """The first ``limit`` bytes of ``body``, ending at a line end (no half rule is parsed)."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    end = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[: end + 1] if end >= 0 else b""


class _DisallowAll:
    """The parser of an unreachable robots.txt."""

    def __init__(self, why: str):
        self.why = why

    def allowed(self, url, user_agent) -> bool:  # noqa: ANN001 - Scrapy's RobotParser signature
        return False


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's three outcomes and one verdict per fleet run."""

    def process_request_2(self, rp, request: Request) -> None:  # noqa: ANN001 - Scrapy's signature
        if isinstance(rp, _DisallowAll):
            self._stats.inc_value("robotstxt/forbidden")
            raise RobotsUnreachable(rp.why)
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request):
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            waiting: Deferred = Deferred()
            self._parsers[netloc] = waiting
            try:
                kind, body = await self._verdict(request, netloc)
                parser = self._parser(kind, body, netloc)
            except Exception as exc:  # noqa: BLE001 - a bug here must not open the site to the crawler
                logger.exception("robots.txt 处理出错：%s", exc)
                parser = _DisallowAll(f"robots.txt 处理出错（{type(exc).__name__}），按全部禁止处理")
            self._parsers[netloc] = parser
            waiting.callback(parser)
            return parser
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _verdict(self, request: Request, netloc: str) -> tuple[str, bytes]:
        """(kind, body) for ``netloc``: the fleet's if it has one, else fetched here (and offered to the fleet)."""
        fleet = getattr(self.crawler.spider, "fleet", None)
        if fleet is not None:
            known = fleet.robots(netloc)
            if known is not None:
                return known
        kind, body = await self._fetch(request, netloc)
        if fleet is not None:
            return fleet.robots(netloc, (kind, body))
        return kind, body

    async def _fetch(self, request: Request, netloc: str) -> tuple[str, bytes]:
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        url = f"{urlparse_cached(request).scheme}://{netloc}/robots.txt"
        why = ""
        for round_ in range(ROUNDS):
            if round_:
                await maybe_deferred_to_future(deferLater(reactor, PAUSE, lambda: None))
            # dont_retry: these rounds are the retries (the download handler's 429/503 waits would multiply them).
            fetch = Request(url, priority=self.DOWNLOAD_PRIORITY, meta={"dont_obey_robotstxt": True, "dont_retry": True},
                            callback=NO_CALLBACK, dont_filter=True)
            self._stats.inc_value("robotstxt/request_count")
            try:
                response = await self.crawler.engine.download_async(fetch)
            except IgnoreRequest:
                return NONE, b""  # refused by the crawl's own rules (e.g. off the allowed hosts): no rules
            except Exception as exc:  # noqa: BLE001 - every network failure means the same here
                why = failure_reason(exc)
                continue
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            kind = verdict_of(response.status)
            if kind != UNREACHABLE:
                return kind, clip(response.body) if kind == RULES else b""
            why = f"HTTP {response.status}"
        self._stats.inc_value("govcrawl/robots_unreachable")
        return UNREACHABLE, why.encode("utf-8")

    def _parser(self, kind: str, body: bytes, netloc: str):
        if kind == UNREACHABLE:
            why = f"robots.txt 无法获取（{body.decode('utf-8', 'replace')}），按 RFC 9309 视为全部禁止"
            logger.error("%s 的 %s；本次不抓取该主机的页面", netloc, why)
            return _DisallowAll(why)
        parser = build_from_crawler(self._parserimpl, self.crawler, body if kind == RULES else b"")
        return parser
