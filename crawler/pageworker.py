"""Page extraction and storage off the crawl's main process, so both cores work.

Scrapy's engine is single-threaded: its own machinery costs about 2.5 ms of
CPU per request, and parsing a 15 KB government page with ~90 links costs
about as much again, plus storing its facts. Done in one process that caps a
crawl at roughly 150 pages/s whatever the server can give. So the spider sends
each HTML body to a worker process, which extracts the facts
(``crawler.extract``), writes them to the store in batches, and answers with
only what the spider needs to go on: the page's outgoing URLs and whether it
failed. The spider keeps scheduling while workers parse.

A worker that dies is not fatal: the spider falls back to extracting in its
own process for the rest of the run (slower, nothing lost).

The crawl process also extracts a page itself when its worker is more than
``GOVCRAWL_SHARE_ABOVE`` pages behind (``PageWorkers.extract``; answers that have
arrived are read first, or a busy event loop would count them as work left): on two cores the
worker, at ~3 ms a page, is the busiest process of a fast crawl while the crawl
process, at ~1.5, has time to spare. Such a page is stored by the crawl process's
pipeline, the same way as when no worker is left.

A page the server says is unchanged (304 to a conditional request) is not
parsed at all: the worker copies last night's stored facts into tonight's run
(``reuse``) and answers with their links.

Workers are plain interpreters on the other end of a socket (``crawler.channel``):
they exit by themselves when the crawl process dies (kill -9, OOM), because an
orphan must not go on writing into a store that a resumed run is using.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date

from crawler.channel import Channel, HelperFailed, HelperLost
from crawler.extract.page import extract_html
from crawler.extract.privacy import mask_bytes
from govcrawl.model import PageFacts, RawResponse

# Pages held before they are written, as in the crawl process's pipeline (crawler.pipelines): 200 held
# 9 MiB more of the worker's 54 at 5,000 pages, and 50 made no difference in speed (bench/RESULTS.md).
BATCH = 50
# A batch is also written once it is this old, so a crawl killed on a slow site
# loses at most a few seconds of pages (they are fetched again on resume).
FLUSH_SECONDS = 5.0


@dataclass(slots=True)
class Routing:
    """What the spider needs back from a parsed page."""

    links: list[tuple[str, str]]  # (normalised URL without fragment, tag), first occurrence per URL
    pagination: list[str]
    error: str | None


@dataclass(slots=True)
class Reused:
    """A page carried over unchanged: its routing and what its link outcome needs."""

    routing: Routing
    status: int | None
    final_url: str | None


@dataclass(slots=True)
class Capture:
    """Everything of a response but its body, which travels separately (it is already on its way to the worker)."""

    final_url: str
    fetched_at: str
    status: int
    response_headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    method: str = "GET"
    http_version: str = "HTTP/1.1"

    def with_body(self, body: bytes) -> RawResponse:
        return RawResponse(self.final_url, self.fetched_at, self.status, self.response_headers, body,
                           self.request_headers, self.method, self.http_version)


@dataclass(slots=True)
class Evidence:
    """Pipeline item: a page's response as sent, to keep (only when no worker stores it)."""

    url: str
    raw: RawResponse


@dataclass(slots=True)
class Carried:
    """Pipeline item: an unchanged page's kept response, copied from the run that downloaded it."""

    source_run: str
    url: str


def extract_and_mask(page: PageFacts, body: bytes, content_type: str | None, salt: bytes,
                     today: date | None) -> dict[str, str]:
    """Extract ``page``; return the personal-number masks (as written -> masked) for its raw response."""
    try:
        return extract_html(page, body, content_type, salt=salt, today=today)
    except Exception as exc:  # one page's failure never stops the crawl
        page.error = f"解析失败：{exc.__class__.__name__}: {exc}"[:300]
        return {}


def carry_over(store, source_run: str, url: str, depth: int, referer: str | None,
               response_ms: int | None) -> PageFacts | None:
    """Last night's facts of ``url`` as tonight's (depth and referer are tonight's); None if not stored."""
    page = store.page(source_run, url)
    if page is None or page.error is not None:
        return None
    page.depth, page.referer, page.response_ms, page.unchanged = depth, referer, response_ms, True
    return page


def routing_of(page: PageFacts) -> Routing:
    seen: dict[str, str] = {}
    for link in page.links:
        if link.url not in seen:
            seen[link.url] = link.tag
        elif link.tag in ("a", "iframe", "frame", "area") and seen[link.url] not in ("a", "iframe", "frame", "area"):
            seen[link.url] = link.tag  # a URL both shown as image and linked as page is crawled as a page
    return Routing(list(seen.items()), list(page.pagination), page.error)


# -- worker process side --------------------------------------------------------------
_store = None
_run_id: str | None = None
_buffer: list[PageFacts] = []
_raws: list[tuple[str, RawResponse]] = []
_carried: list[tuple[str, str]] = []
_salt = b""
_today: date | None = None
_last_flush = 0.0


def _init(store_path: str, run_id: str, salt: bytes = b"", today: date | None = None) -> None:
    global _store, _run_id, _last_flush, _salt, _today
    from crawler.parentwatch import watch_parent
    from govcrawl.store import Store

    watch_parent()
    _last_flush = time.monotonic()
    _store = Store(store_path).join_crawl()
    _run_id = run_id
    _salt = salt
    _today = today
    from crawler.collector import tune_for_crawl

    tune_for_crawl()  # a process of its own: for the rest of its life


def _flush() -> int:
    global _last_flush
    count = len(_buffer)
    if _buffer or _raws or _carried:
        _store.add_pages(_run_id, _buffer, _raws, _carried)
        _buffer.clear()
        _raws.clear()
        _carried.clear()
    _last_flush = time.monotonic()
    return count


def _keep(page: PageFacts) -> None:
    _buffer.append(page)
    if len(_buffer) >= BATCH or time.monotonic() - _last_flush > FLUSH_SECONDS:
        try:
            _flush()
        except Exception:  # the batch stays buffered and is written with the next one, or at the end
            import logging

            logging.getLogger(__name__).exception("页面批量写入失败，稍后重试 / batch write failed, will retry")


def _extract_and_store(page: PageFacts, body: bytes, content_type: str | None,
                       capture: Capture | None = None) -> Routing:
    masks = extract_and_mask(page, body, content_type, _salt, _today)
    if capture is not None:
        _raws.append((page.url, capture.with_body(mask_bytes(body, masks) if masks else body)))
    _keep(page)
    return routing_of(page)


def _reuse_and_store(url: str, source_run: str, depth: int, referer: str | None,
                     response_ms: int | None) -> Reused | None:
    page = carry_over(_store, source_run, url, depth, referer, response_ms)
    if page is None:
        return None
    _carried.append((source_run, url))
    _keep(page)
    return Reused(routing_of(page), page.status, page.final_url)


def serve() -> None:
    """The worker process: set up from the first message, then answer the crawl until it says close."""
    from crawler import channel

    sock = channel.helper_socket()
    init = channel.receive(sock)
    if init is None:
        os._exit(channel.ORPHANED)
    _init(*init)
    channel.serve(sock, {"extract": _extract_and_store, "reuse": _reuse_and_store, "flush": _flush,
                         "close": _flush}, last="close")


# -- spider side ------------------------------------------------------------------------
def default_workers() -> int:
    """One worker per core beyond the one the Scrapy engine uses (at least one, at most four)."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def prestart_workers(store_path: str, run_id: str, *, salt: bytes = b"", today: date | None = None) -> None:
    """Start the page workers of a crawl before it imports Scrapy (``crawler.channel.prestart``), as many as
    the project's ``GOVCRAWL_PAGE_WORKERS`` asks; ``PageWorkers`` made with the same arguments takes them."""
    from crawler import settings
    from crawler.channel import prestart

    count = default_workers() if settings.GOVCRAWL_PAGE_WORKERS is None else settings.GOVCRAWL_PAGE_WORKERS
    prestart("crawler.pageworker", "serve", (store_path, run_id, salt, today), count)


class PageWorkers:
    """Round-robin over worker processes, each flushed at the end."""

    def __init__(self, store_path: str, run_id: str, workers: int | None = None, *, salt: bytes = b"",
                 today: date | None = None, share_above: int | None = None):
        self.store_path = store_path
        self.share_above = share_above  # see extract; None: every page goes to a worker while one lives
        self.extracted_here = 0  # pages this process extracted itself while its workers lived
        self.salt = salt
        self.today = today
        self.masks: dict[str, str] = {}  # of the last page extracted here (no workers), for its raw response
        self._store = None  # the crawl process's own reader, only when there are no workers
        count = default_workers() if workers is None else workers
        self.channels = [Channel("crawler.pageworker", "serve", (store_path, run_id, salt, today))
                         for _ in range(count)]
        self.turn = 0
        self.broken = False  # a worker died: extract in the crawl process from now on

    def _next(self) -> Channel | None:
        if not self.channels or self.broken:
            return None
        channel = self.channels[self.turn % len(self.channels)]
        self.turn += 1
        return channel

    async def extract(self, page: PageFacts, body: bytes, content_type: str | None,
                      capture: Capture | None = None) -> tuple[Routing, bool]:
        """Extract ``page``; return its routing and whether a worker stored it.

        When the workers are gone the page is extracted here and the caller
        must store it and its evidence (the spider yields both to the pipeline).
        """
        channel = self._next()
        if channel is not None and self.share_above is not None and channel.pending > self.share_above:
            channel.collect()  # answers waiting in the socket are not pages the worker is behind on
            if channel.pending > self.share_above:
                # The worker is behind and this process, which only downloads and routes, has a core's spare
                # time: it extracts this page itself and its pipeline stores it (bench/RESULTS.md, session 13).
                self.extracted_here += 1
                channel = None
        if channel is not None:
            try:
                return await channel.request("extract", page, body, content_type, capture), True
            except HelperLost:
                self.broken = True
        self.masks = extract_and_mask(page, body, content_type, self.salt, self.today)
        return routing_of(page), False

    async def reuse(
        self, url: str, source_run: str, depth: int, referer: str | None, response_ms: int | None
    ) -> tuple[Reused | None, PageFacts | None]:
        """Carry ``url``'s stored facts over to tonight's run.

        Returns (routing, None) when a worker stored the page, (routing, page) when
        the caller must store it (no workers), and (None, None) when nothing was
        stored for that URL (the caller then fetches the page in full).
        """
        channel = self._next()
        if channel is not None:
            try:
                return await channel.request("reuse", url, source_run, depth, referer, response_ms), None
            except HelperLost:
                self.broken = True
        if self._store is None:
            from govcrawl.store import Store

            self._store = Store(self.store_path)
        page = carry_over(self._store, source_run, url, depth, referer, response_ms)
        if page is None:
            return None, None
        return Reused(routing_of(page), page.status, page.final_url), page

    def flush(self) -> None:
        """Write every worker's batch now (a fleet worker does before it reports idle)."""
        if self.broken:
            return
        for channel in self.channels:
            try:
                channel.wait(channel.request("flush"), timeout=300)
            except (HelperLost, HelperFailed, TimeoutError):  # reported by close(); reconciliation refetches
                self.broken = True

    def close(self) -> bool:
        """Flush every worker's last batch and stop them; False if a worker had died."""
        if self._store is not None:
            self._store.close()
        ok = not self.broken
        for channel in self.channels:
            try:
                channel.wait(channel.request("close"), timeout=300)
            except (HelperLost, HelperFailed, TimeoutError):
                ok = False
            channel.close()
        return ok
