"""The one spider: crawls any configured site and yields page facts only.

Hot path, designed for speed from the first line (see bench/RESULTS.md):
links are extracted once per page with lxml (``crawler.extract``), normalised
once (``crawler.urls``, memoised), and dropped against a plain ``set`` before a
``Request`` is ever built. Only pages go through Scrapy; attachments, images
and external links go to the resource lane (``crawler.linkstatus``), a second
process with a lean HEAD client, so both cores work.

The spider never judges: it records what each URL answered as a
``LinkOutcome`` and what each page contains as ``PageFacts``.

Three ways to run besides a plain crawl:

- ``reuse_from`` (last night's run): pages that run read are asked for with
  If-None-Match / If-Modified-Since; a 304 carries their stored facts over
  (``crawler.pageworker.carry_over``) instead of downloading and parsing.
- ``resume``: the run was interrupted (kill -9, power loss). The pages it
  already stored are replayed from the store, not fetched: their links rebuild
  the seen-set and the frontier exactly as the crawl had them, and resources
  that already have an answer are not asked again.
- ``recheck``: only the given pages are fetched; each of their links is asked
  for its status and nothing is followed (``govcrawl recheck``).
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, StopDownload
from twisted.python.failure import Failure

from crawler.extract.pagination import MAX_PAGES as PAGER_LIMIT
from crawler.extract.privacy import mask_bytes
from crawler.failures import failure_reason
from crawler.linkstatus import HostPolicy, LanePlan, ResourceLane, classify
from crawler.pageworker import BATCH as WORKER_BATCH
from crawler.pageworker import Capture, Carried, Evidence, PageWorkers, routing_of
from crawler.robots import RobotsUnreachable
from crawler.seen import SeenUrls
from crawler.traps import QuerySpaceGuard, repetitive_path
from crawler.urls import normalise
from govcrawl.model import LinkOutcome, LinkState, PageFacts
from govcrawl.netclass import intranet_reason

if TYPE_CHECKING:  # the crawl process gets a crawler.plainsite copy and never loads pydantic
    from govcrawl.config import Site

# Extensions of URLs that are pages (crawled) rather than files (status only).
PAGE_EXTENSIONS = frozenset(
    {"", ".html", ".htm", ".shtml", ".shtm", ".xhtml", ".jsp", ".jspx", ".asp", ".aspx", ".php", ".do",
     ".action", ".cgi", ".jhtml", ".phtml"}
)
PAGE_TAGS = frozenset({"a", "iframe", "frame", "area"})
HTML_TYPES = ("text/html", "application/xhtml+xml")
# The meta of a page request as _page_request makes it; such a request waits in the queue as a few values.
_QUEUED_META = frozenset({"gc_page", "gc_url", "gc_depth", "gc_ref", "depth", "gc_conditional"})


def _extension(path: str) -> str:
    ext = posixpath.splitext(path.rsplit("/", 1)[-1])[1].lower()
    return ext if len(ext) <= 8 else ""


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(
        self,
        site: Site,
        site_id: str,
        run_id: str,
        store_path: str,
        today: date | None = None,
        reuse_from: str | None = None,
        resume: bool = False,
        recheck: list[str] | None = None,
        salt: bytes = b"",
        fleet=None,
        lane_fd: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.lane_fd = lane_fd  # the resource lane runs in the parent process, on this descriptor (crawler.apart)
        # A run shared with other workers (crawler.fleet.Fleet): seen-set, budgets, politeness in Redis.
        self.fleet = fleet
        # In a fleet, pages and resources of every worker draw start times from one stream per host
        # (crawler.fleet.reserve), so that stream is spaced by the site's whole delay.
        self.fleet_interval = site.crawl.delay
        self._busy = True
        self._idle_checks = 0
        self.site = site
        self.site_id = site_id
        self.run_id = run_id
        self.store_path = store_path
        self.hosts = {h.lower() for h in site.hosts()}
        self.start_urls = [normalise(u)[0] for u in (recheck or site.start_urls)]  # validated by the caller
        self.reuse_from = reuse_from if site.crawl.conditional else None
        self.salt = salt  # keys privacy digests (govcrawl.salt); never logged
        self.today = today
        self.resume = resume
        self.follow = recheck is None
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.answered: set[str] = set()  # resources already checked by the interrupted run (resume)
        self.seen = SeenUrls()  # every URL routed (pages and resources), as fingerprints: crawler.seen
        self.pager_counts: dict[str, int] = {}  # list (path or folder) -> pager pages scheduled
        self.outcomes: list[LinkOutcome] = []  # pages and excluded URLs; flushed by the pipeline
        self.scheduled_pages = 0
        # Calendars are cut one year past the evaluation date (--today), so a run is reproducible.
        self.query_guard = QuerySpaceGuard(max_year=(today or date.today()).year + 1)
        self.counters = {"pages": 0, "errors": 0, "broken": 0, "excluded": 0, "unchanged": 0, "replayed": 0}
        self.started_at = time.monotonic()
        self.lane: ResourceLane | None = None
        self.workers: PageWorkers | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_headers, signal=signals.headers_received)
        crawler.signals.connect(spider._on_opened, signal=signals.spider_opened)
        if spider.fleet is not None:
            crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

    # -- lifecycle ----------------------------------------------------------
    def _on_opened(self, spider) -> None:
        crawl = self.site.crawl
        ext = self.site.external_links
        lane_concurrency = max(1, crawl.concurrency // 2)
        plan = LanePlan(
            store_path=self.store_path,
            run_id=self.run_id,
            internal_hosts=tuple(self.hosts),
            # The site's politeness budget is shared by the two lanes.
            internal_policy=HostPolicy(lane_concurrency, crawl.delay if self.fleet else crawl.delay * 2),
            external_policy=HostPolicy(ext.concurrency, ext.delay),
            timeout=crawl.timeout,
            external_timeout=ext.timeout,
            retries=ext.retries,
            allow_private=ext.allow_private,
            user_agent=crawl.user_agent,
            cache_since=_cache_since(ext.cache_days),
            unsafe_terms=tuple(ext.unsafe_terms),
            today=self.today.isoformat() if self.today else None,
            attachment_max_bytes=int(self.site.privacy.attachment_max_mb * 1024 * 1024)
            if self.site.privacy.attachments else 0,
            max_attachments=self.site.privacy.max_attachments,
            salt=self.salt,
            redis_url=self.fleet.url if self.fleet is not None else None,
        )
        self.lane = ResourceLane(plan, host_fd=self.lane_fd)
        self.workers = PageWorkers(
            self.store_path, self.run_id, self.crawler.settings.get("GOVCRAWL_PAGE_WORKERS"), salt=self.salt,
            today=self.today, share_above=self.crawler.settings.get("GOVCRAWL_SHARE_ABOVE"),
        )
        if self.reuse_from:
            from govcrawl.store import Store

            with Store(self.store_path) as store:
                self.validators = store.validators(self.reuse_from)
        if self.fleet is not None:
            from twisted.internet import task

            self._heartbeat = task.LoopingCall(self._beat)
            self._heartbeat.start(2.0, now=True)

    def closed(self, reason: str) -> None:
        if self.fleet is not None:
            if self._heartbeat.running:
                self._heartbeat.stop()
            self._busy = False
            self._beat()
        if self.workers is not None:
            self.counters["extracted_here"] = self.workers.extracted_here
            if not self.workers.close():
                self.logger.error("页面解析进程异常退出，最后一批（至多 %d 个）页面的事实可能缺失", WORKER_BATCH)
        if self.lane is not None:
            self.logger.info("等待附件与外部链接检查完成（%d 个待查）", self.lane.pending)
            if not self.lane.finish(timeout=max(600.0, self.site.external_links.timeout * 60)):
                self.logger.error("资源检查进程未正常结束，部分链接状态缺失")

    def _on_headers(self, headers, body_length, request, spider) -> None:
        """A 'page' that turns out to be a file: keep the headers, skip the body."""
        if not request.meta.get("gc_page"):
            return
        content_type = headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if content_type and not any(t in content_type for t in HTML_TYPES):
            raise StopDownload(fail=False)

    # -- a fleet run (crawler.fleet) ------------------------------------------------
    def fleet_busy(self) -> None:
        """This worker took a request from the shared queue (called by FleetScheduler)."""
        if not self._busy:
            self._busy = True
            self._idle_checks = 0
            self._beat()

    def _beat(self) -> None:
        try:
            self.fleet.heartbeat(self._busy, self.counters["pages"])
        except Exception:  # noqa: BLE001 - a missed heartbeat only delays draining
            self.logger.warning("无法向 Redis 报告状态 / heartbeat failed", exc_info=True)

    def _flush_local(self) -> bool:
        """Write out what this worker holds (page batches, outcomes); True when its link lane is empty too."""
        if self.workers is not None:
            self.workers.flush()
        pipeline = getattr(self, "pipeline", None)
        if pipeline is not None:
            pipeline.flush()
        if self.lane is not None:
            self.lane.flush()
            return self.lane.pending == 0
        return True

    def _on_idle(self, spider=None) -> None:
        """Scrapy found nothing to do here: close only when the whole fleet has drained.

        Idle twice in a row (Scrapy asks again every few seconds) with everything
        written out, before telling the fleet: a lane's last answers are written
        within a second of being counted.
        """
        from scrapy.exceptions import DontCloseSpider

        if self.fleet.done():
            return
        lane_empty = self._flush_local()
        self._idle_checks = self._idle_checks + 1 if lane_empty else 0
        if self._idle_checks < 2:
            raise DontCloseSpider
        self._busy = False
        self._beat()
        if self.fleet.idle_everywhere() and self.fleet.lock_reconcile():
            try:
                if self._reconcile():
                    self.fleet.mark_done()
                    return
            finally:
                self.fleet.unlock_reconcile()
        raise DontCloseSpider

    def _reconcile(self) -> bool:
        """Finish what a dead worker left half done; True if it left nothing.

        A worker killed mid-crawl leaves loose ends, looked for once the fleet is idle:

        - links it claimed that the store holds no answer for (requests in flight, its link
          lane's queue, batches not yet written): routed again. A page is answered by its
          stored facts, not by its fetch outcome (``Store.answered_urls``).
        - pages it stored whose links it never claimed: a page worker writes its batch, the
          last page included, before the crawl process has claimed that page's links. Their
          links are claimed and routed from the stored facts, as the crawl would have.
        - pages it stored whose fetch outcome it never wrote (the crawl process and its page
          workers write in separate batches): the outcome is rebuilt from the stored facts.
        """
        from govcrawl.store import Store

        with Store(self.store_path) as store:
            answered = store.answered_urls(self.run_id)
            unrouted = set(self.fleet.unrouted(store.page_urls(self.run_id)))
            unreported = set(store.pages_without_outcome(self.run_id))
            loose = [page for url in sorted(unrouted | unreported)
                     if (page := store.page(self.run_id, url)) is not None]
        missing = self.fleet.missing(answered)
        followed = [page for page in loose if page.url in unrouted and followable(page)]
        self.fleet.mark_routed(page.url for page in loose if page.url in unrouted and not followable(page))
        if not missing and not followed and not unreported:
            return True
        self._busy = True
        self._idle_checks = 0
        self._beat()
        if missing:
            self.logger.warning("补抓：%d 个网址在中断的工作进程中未完成，重新处理", len(missing))
        # imported here, not at the top: a single-machine crawl never loads Redis (10 MiB)
        from crawler.fleet import MAX_ATTEMPTS

        for url, tag, depth, referer in missing:
            if self.fleet.attempt(url) > MAX_ATTEMPTS:
                self.outcomes.append(LinkOutcome(url, LinkState.BROKEN, None, "多次抓取均未完成（工作进程中断）",
                                                 None, self.is_internal(url), None))
                continue
            request = self._route(url, "a" if tag == "pager" else tag, depth, referer, again=True)
            if request is not None:
                self.crawler.engine.crawl(request)
        if followed:
            self.logger.warning("补链：%d 个已保存页面的链接未分派（工作进程中断），按已保存的内容分派", len(followed))
        for page in followed:
            for request in self._follow(routing_of(page), page.depth, page.url):
                self.crawler.engine.crawl(request)
        if unreported:
            self.logger.warning("补记：%d 个已保存页面缺少抓取结果（工作进程中断），按已保存的内容补记", len(unreported))
        self.outcomes.extend(page_outcome(page) for page in loose if page.url in unreported)
        return False

    # -- requests -------------------------------------------------------------
    async def start(self):
        if self.resume:
            for request in self._replay():
                yield request
        starts = [url for url in self.start_urls if url not in self.seen]
        if self.fleet is not None:  # the first worker to start a run schedules its start pages
            claimed = set(self.fleet.claim_routes([(url, "a", 0, None) for url in starts]))
            self.seen.update(starts)
            for url in starts:
                if url in claimed and self.fleet.take_budget(self.site.limits.max_pages):
                    yield self._page_request(url, 0, None)
            return
        for url in starts:
            if url not in self.seen:
                self.seen.add(url)
                self.scheduled_pages += 1
                yield self._page_request(url, 0, None)

    def _replay(self) -> list[scrapy.Request]:
        """Rebuild an interrupted crawl's state from the pages it stored; return its unfinished frontier.

        Stored pages are walked in the order they were stored, each treated as if
        just parsed: same seen-set, same depths, same page budget as the crawl
        had. Pages lost in a worker's unflushed batch were never stored, so they
        are simply fetched again.
        """
        from govcrawl.store import Store

        with Store(self.store_path) as store:
            pages = list(store.pages(self.run_id))
            self.answered = set(store.outcomes(self.run_id))
        requests: list[scrapy.Request] = []
        stored = {p.url for p in pages}
        self.seen.update(stored)
        self.seen.update(p.final_url for p in pages if p.final_url)
        self.scheduled_pages += len(pages)
        for page in pages:
            self.counters["pages"] += 1
            self.counters["replayed"] += 1
            self.counters["errors"] += page.error is not None
            outcome = page_outcome(page)
            self.counters["broken"] += outcome.state is not LinkState.OK
            self.outcomes.append(outcome)
            if not followable(page):
                continue
            routing = routing_of(page)
            for link_url, tag in routing.links:
                if link_url not in self.seen:
                    request = self._route(link_url, tag, page.depth + 1, page.url)
                    if request is not None:
                        requests.append(request)
            for other in routing.pagination:
                if other not in self.seen and self._pager_allowed(other):
                    request = self._route(other, "a", page.depth, page.url)
                    if request is not None:
                        requests.append(request)
        self.logger.warning("续抓：已保存 %d 个页面，继续抓取其余 %d 个", len(pages), len(requests))
        return requests

    def _page_request(self, url: str, depth: int, referer: str | None, *, conditional: bool = True) -> scrapy.Request:
        headers = self._validator_headers(url) if conditional else None
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            headers=headers,
            meta={"gc_page": True, "gc_url": url, "gc_depth": depth, "gc_ref": referer, "depth": depth,
                  "gc_conditional": bool(headers)},
            dont_filter=True,
        )

    def _validator_headers(self, url: str) -> dict[str, str] | None:
        """If-None-Match / If-Modified-Since from last night's answer for ``url`` (``reuse_from``), or None."""
        validators = self.validators.get(url)
        if not validators:
            return None
        etag, modified = validators
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers or None

    # -- the queue (crawler.frontier) ----------------------------------------------------------
    def frontier_entry(self, request: scrapy.Request) -> tuple | None:
        """A page request as the values ``frontier_request`` makes it again from, or None to keep it whole.

        The queue of a breadth-first crawl holds thousands of page requests;
        as these values each is ~0.25 KB instead of ~1.4 KB. Only a request
        exactly as ``_page_request`` made it qualifies, with what the spider
        middlewares add before it is queued (Scrapy's depth priority and
        ``depth``, its Referer header); anything else (a redirect's or a
        retry's meta, another header, a start request) stays a Request.
        """
        meta = request.meta
        if (meta.keys() != _QUEUED_META or meta["gc_url"] != request.url or meta["gc_page"] is not True
                or request.callback != self.parse or request.errback != self.failed
                or request.method != "GET" or request.body or request.cookies or request.flags
                or request.cb_kwargs or not request.dont_filter or request.encoding != "utf-8"):
            return None
        headers = request.headers
        conditional = meta["gc_conditional"]
        expected = self._validator_headers(request.url) if conditional else None
        if expected is None and conditional:
            return None
        referer = headers.getlist(b"Referer")
        if len(headers) != len(expected or ()) + bool(referer) or len(referer) > 1:
            return None
        for name, value in (expected or {}).items():
            if headers.getlist(name) != [value.encode()]:
                return None
        ref = meta["gc_ref"]
        if referer:  # mostly the page the link was on, which the entry holds already
            referer = True if ref is not None and referer[0] == ref.encode() else referer[0]
        return (request.url, meta["gc_depth"], ref, bool(conditional), meta["depth"], request.priority,
                referer or None)

    def frontier_request(self, entry: tuple) -> scrapy.Request:
        """The request ``frontier_entry`` took apart."""
        url, gc_depth, ref, conditional, depth, priority, referer = entry
        request = self._page_request(url, gc_depth, ref, conditional=conditional)
        request.meta["depth"] = depth
        request.priority = priority
        if referer is not None:
            request.headers[b"Referer"] = ref.encode() if referer is True else referer
        return request

    def _submit(self, url: str) -> None:
        """Hand a resource to the lane, unless an interrupted run already has its answer."""
        if url not in self.answered:
            self.lane.submit(url)

    def is_internal(self, url: str) -> bool:
        netloc = urlsplit(url).netloc
        return netloc in self.hosts or netloc.rsplit(":", 1)[0].strip("[]") in self.hosts

    def _exclude(self, url: str, reason: str, *, state: LinkState = LinkState.EXCLUDED, internal: bool) -> None:
        self.outcomes.append(LinkOutcome(url, state, None, reason, None, internal, None))
        self.counters["excluded"] += 1

    def _route(self, url: str, tag: str, depth: int, referer: str, *, again: bool = False) -> scrapy.Request | None:
        """Decide once per URL: crawl as a page, check as a resource, or leave it.

        ``again``: a fleet's reconciliation routes a link a lost worker had claimed;
        its page was counted against ``limits.max_pages`` then, so not again.
        """
        self.seen.add(url)
        host = urlsplit(url).hostname
        internal = self.is_internal(url)
        if not internal:
            reason = intranet_reason(
                host,
                allow_loopback=self.site.external_links.allow_private,
                intranet_hosts=self.site.intranet_hosts,
            )
            if reason:
                self._exclude(url, f"内网地址（{reason}），未访问", internal=False)
                return None
            if not self.site.external_links.check:
                self._exclude(url, "配置为不检查外部链接", internal=False)
                return None
            self._submit(url)
            return None
        path = urlsplit(url).path
        if not self.follow or tag not in PAGE_TAGS or _extension(path) not in PAGE_EXTENSIONS:
            self._submit(url)
            return None
        limits = self.site.limits
        why = None
        if depth > limits.max_depth:
            why = "超过最大抓取深度"
        elif len(url) > limits.max_url_length:
            why = "网址过长"
        elif repetitive_path(path):
            why = "路径重复（疑似链接陷阱）"
        elif (not again and not self.fleet.take_budget(limits.max_pages) if self.fleet is not None
              else self.scheduled_pages >= limits.max_pages):
            why = "达到页面数上限"
        else:
            trap = self.query_guard.refuse(url)
            if trap:
                why = "查询参数空间过大（疑似日历/筛选陷阱）"
        if why:
            self._exclude(url, why, state=LinkState.UNCHECKED, internal=True)
            self.crawler.stats.inc_value(f"govcrawl/unchecked/{why}")
            return None
        self.scheduled_pages += 1
        return self._page_request(url, depth, referer)

    # -- responses ------------------------------------------------------------
    async def parse(self, response) -> AsyncIterator:
        meta = response.meta
        url = meta["gc_url"]
        if response.status == 304 and meta.get("gc_conditional"):
            async for out in self._unchanged(response):
                yield out
            return
        content_type_header = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        final = normalise(response.url)
        page = PageFacts(
            url=url,
            status=response.status,
            final_url=final[0] if final else response.url,
            redirects=_normalised_all(meta.get("redirect_urls", ())[1:]),
            content_type=(content_type_header or "").split(";")[0].strip().lower() or None,
            depth=meta["gc_depth"],
            referer=meta.get("gc_ref"),
            response_ms=int(meta.get("download_latency", 0) * 1000),
        )
        if page.final_url and page.final_url != url:
            self.seen.add(page.final_url)
            if self.fleet is not None:
                self.fleet.claim([page.final_url])
        self.counters["pages"] += 1
        state, reason = classify(response.status, internal=True)
        if state is not LinkState.OK:
            self.counters["broken"] += 1
        self.outcomes.append(
            LinkOutcome(url, state, response.status, reason,
                        page.final_url if page.final_url != url else None, True, "PAGE")
        )
        if not (200 <= response.status < 300 and (page.content_type is None or page.is_html)):
            yield page  # an error page or a file: stored by the pipeline as it is
            return
        if page.content_type is None:
            page.content_type = "text/html"
        if response.status == 200:
            page.etag = _header(response, b"ETag")
            page.last_modified = _header(response, b"Last-Modified")
        capture = _capture(response) if self.site.evidence.keep_raw else None
        routing, stored = await self.workers.extract(page, response.body, content_type_header, capture)
        if routing.error:
            self.counters["errors"] += 1
        if not stored:
            yield page
            if capture is not None:
                masks = self.workers.masks
                yield Evidence(url, capture.with_body(mask_bytes(response.body, masks) if masks else response.body))
        for request in self._follow(routing, page.depth, url):
            yield request

    def _follow(self, routing, depth: int, url: str) -> Iterator[scrapy.Request]:
        seen = self.seen
        links = routing.links
        pagination = routing.pagination if self.follow else []
        claimed = self.fleet is not None
        if claimed:  # only what no worker of the fleet has seen yet; those are ours to route
            fresh = set(self.fleet.claim_routes(
                [(u, tag, depth + 1, url) for u, tag in links if u not in seen]
                + [(u, "pager", depth, url) for u in pagination if u not in seen], page=url))
            seen.update(u for u, _ in links)
            seen.update(pagination)
            links = [(u, tag) for u, tag in links if u in fresh]
            pagination = [u for u in pagination if u in fresh]
        for link_url, tag in links:
            if claimed or link_url not in seen:
                request = self._route(link_url, tag, depth + 1, url)
                if request is not None:
                    yield request
        for other in pagination:
            if claimed or other not in seen:
                if not self._pager_allowed(other):
                    continue
                # Pagination keeps the list page's depth: page 40 of a column is not "deeper".
                request = self._route(other, "a", depth, url)
                if request is not None:
                    yield request

    def _pager_allowed(self, url: str) -> bool:
        """At most MAX_PAGES list pages per list: a pager that always offers page N+1 is a trap.

        Pagination keeps the list's depth, and /list/N.html escapes the query guard, so
        without this count such a pager runs until ``limits.max_pages``.
        """
        parts = urlsplit(url)
        key = parts.path if parts.query else parts.path.rsplit("/", 1)[0]
        count = self.pager_counts.get(key, 0)
        if self.fleet is not None:
            count = PAGER_LIMIT if not self.fleet.pager(key, PAGER_LIMIT) else 0
        if count >= PAGER_LIMIT:
            self.seen.add(url)
            self._exclude(url, f"翻页超过 {PAGER_LIMIT} 页（疑似无限翻页）", state=LinkState.UNCHECKED, internal=True)
            return False
        self.pager_counts[key] = count + 1
        return True

    async def _unchanged(self, response) -> AsyncIterator:
        """304 Not Modified: last night's facts stand for tonight; nothing is downloaded or parsed."""
        meta = response.meta
        url = meta["gc_url"]
        reused, page = await self.workers.reuse(
            url, self.reuse_from, meta["gc_depth"], meta.get("gc_ref"), int(meta.get("download_latency", 0) * 1000)
        )
        if reused is None:  # nothing usable stored after all: ask again, unconditionally
            yield self._page_request(url, meta["gc_depth"], meta.get("gc_ref"), conditional=False)
            return
        if page is not None:
            yield page
            yield Carried(self.reuse_from, url)
        self.counters["pages"] += 1
        self.counters["unchanged"] += 1
        state, reason = classify(reused.status, internal=True)
        self.outcomes.append(LinkOutcome(
            url, state, reused.status, reason,
            reused.final_url if reused.final_url and reused.final_url != url else None, True, "PAGE",
        ))
        if reused.final_url:
            self.seen.add(reused.final_url)
        for request in self._follow(reused.routing, meta["gc_depth"], url):
            yield request

    def failed(self, failure: Failure) -> Iterator:
        request = failure.request
        meta = request.meta
        url = meta["gc_url"]
        if failure.check(RobotsUnreachable):
            self._exclude(url, str(failure.value), internal=True)
            return
        if failure.check(IgnoreRequest) and "robots" in str(failure.value).lower():
            self._exclude(url, "robots.txt 禁止抓取", internal=True)
            return
        reason = failure_reason(failure)
        self.counters["pages"] += 1
        self.counters["errors"] += 1
        self.counters["broken"] += 1
        self.outcomes.append(LinkOutcome(url, LinkState.BROKEN, None, reason, None, True, "PAGE"))
        yield PageFacts(
            url=url, status=None, depth=meta["gc_depth"], referer=meta.get("gc_ref"), error=reason
        )


def page_outcome(page: PageFacts) -> LinkOutcome:
    """A stored page's fetch outcome, rebuilt from its facts (for a crawl that lost the one it had)."""
    state, reason = classify(page.status, internal=True, error=page.error)
    final = page.final_url if page.final_url and page.final_url != page.url else None
    return LinkOutcome(page.url, state, page.status, reason, final, True, "PAGE")


def followable(page: PageFacts) -> bool:
    """Whether the crawl goes on from a stored page: a readable HTML page (an error page or a file has no links)."""
    return page.status is not None and 200 <= page.status < 300 and page.is_html


def _pairs(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]


def _capture(response) -> Capture:
    """The response as the server sent it (headers as received; the body follows separately) for the evidence pack."""
    version = response.protocol or "HTTP/1.1"
    return Capture(
        final_url=response.url,
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        status=response.status,
        response_headers=_pairs(response.headers),
        request_headers=_pairs(response.request.headers),
        method=response.request.method,
        http_version=version if version.startswith("HTTP/") else "HTTP/1.1",
    )


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() or None if value else None


def _normalised_all(urls) -> list[str]:
    out = []
    for raw in urls:
        norm = normalise(raw)
        out.append(norm[0] if norm else raw)
    return out


def _cache_since(days: float) -> str | None:
    """The start time from which external link answers are reused (``external_links.cache_days``)."""
    if not days:
        return None
    from datetime import timedelta

    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
