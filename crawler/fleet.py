"""A run shared by several crawl workers (province scale): its common state in Redis.

On one machine the spider keeps its seen-set, page budget and pager counts in
memory. When several ``govcrawl worker`` processes, on any number of machines,
crawl one site together, the request queue lives in Redis through scrapy-redis
(``SCHEDULER = scrapy_redis.scheduler.Scheduler``, see ``fleet_settings``) and
everything that decides *whether* a URL is crawled lives here, so that the fleet
crawls exactly the pages one process would have:

- ``claim``: the seen-set. ``SADD`` answers atomically which of a page's links
  no worker has seen yet; one round trip per page.
- ``take_budget`` / ``pager``: ``limits.max_pages`` and the per-list pager cap,
  counted fleet-wide (``INCR`` / ``HINCRBY``).
- ``reserve``: per-host politeness across the fleet. A Lua script on the Redis
  server's clock hands out request start times ``interval`` apart per host, so
  ten workers together keep the site's ``crawl.delay``, not ten times it.
- Every claimed link keeps its route (tag, depth, referer) in ``routes``,
  written in the same transaction as the claim, which also marks the page the
  links were found on as ``routed``. A worker that dies takes its in-flight
  requests, its link lane's queue and its unflushed batches with it; when the
  fleet is idle, one worker (``reconcile`` lock) looks for claimed links the
  store holds no answer for and routes them again (pages back into the queue,
  resources to its lane), and for stored pages not marked routed, whose links
  it claims and routes from their stored facts. So losing a worker loses no
  page, and no lease bookkeeping sits on the hot path.
- Workers report ``busy``/``idle`` with a heartbeat; the crawl has drained when
  the queue is empty and every live worker is idle (twice, a moment apart), and
  nothing is missing. Then ``done`` is set and every worker's spider closes; the
  coordinator (``govcrawl run --redis``) checks and reports once.

Keys are ``govcrawl:run:RUN_ID:*`` and expire a day after the run's last write.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy_redis.scheduler import Scheduler

from crawler.download import PoliteDownloadHandler

# scrapy-redis 0.9 still calls APIs Scrapy 2.13 deprecates (Spider.log, stats with spider=);
# harmless, and a worker's log should show the crawl, not them.
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis\.")

KEY_TTL = 24 * 3600  # seconds: a finished or abandoned run's keys go away by themselves
HEARTBEAT_SECONDS = 2.0
STALE_SECONDS = 15.0  # a worker silent this long is taken for dead (its work is reconciled)
MAX_ATTEMPTS = 3  # a page requeued this often by reconciliation is given up (recorded as broken)
RUNS_KEY = "govcrawl:runs"  # run id -> descriptor (JSON) of runs open for workers to join

# Next start time per host, on the server's clock (microseconds), ``interval`` apart.
RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nxt)
redis.call('SET', KEYS[1], start + tonumber(ARGV[1]), 'PX', 60000)
return {start, now}
"""


@dataclass(frozen=True, slots=True)
class RunDescriptor:
    """What a joining worker needs to crawl a run: which site, which store, which evaluation date."""

    run_id: str
    site_id: str
    store: str  # the shared store's location (a PostgreSQL URL; a file path on one machine)
    today: str
    config_hash: str
    reuse_from: str | None = None
    salt_id: str = ""  # govcrawl.salt.salt_fingerprint of the site's secret: workers must hold the same one

    def dumps(self) -> str:
        return json.dumps({k: getattr(self, k) for k in self.__slots__}, ensure_ascii=False)

    @classmethod
    def loads(cls, text: str | bytes) -> RunDescriptor:
        return cls(**json.loads(text))


def connect(url: str):
    """A Redis client for ``url`` (redis://host:port/db); raises at once when the server does not answer."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)
    client.ping()
    return client


class Fleet:
    """One run's shared state; every method is one round trip (pipelined where it is several commands)."""

    def __init__(self, client, run_id: str, worker: str, url: str | None = None):
        self.r = client
        self.url = url  # for the link lane's own (async) connection
        self.run_id = run_id
        self.worker = worker
        self.prefix = f"govcrawl:run:{run_id}:"
        self._reserve = client.register_script(RESERVE_SCRIPT)

    def key(self, name: str) -> str:
        return self.prefix + name

    @property
    def queue_key(self) -> str:
        """The scrapy-redis request queue of this run."""
        return self.key("requests")

    # -- the seen-set and budgets -------------------------------------------------------------
    def claim(self, urls: Iterable[str]) -> list[str]:
        """The URLs of ``urls`` no worker had seen; they are now seen (for every worker), with no route kept.

        For URLs that are not to be fetched (a redirect's final URL); links use ``claim_routes``.
        """
        urls = list(dict.fromkeys(urls))
        if not urls:
            return []
        pipe = self.r.pipeline(transaction=False)
        for url in urls:
            pipe.sadd(self.key("seen"), url)
        pipe.expire(self.key("seen"), KEY_TTL)
        added = pipe.execute()[:-1]
        return [url for url, new in zip(urls, added, strict=True) if new]

    def claim_routes(self, entries: Iterable[tuple[str, str, int, str | None]], page: str | None = None) -> list[str]:
        """Claim links (url, tag, depth, referer): the URLs no worker had seen, now this worker's to route.

        The claim and the link's route are written in one MULTI/EXEC, all or nothing:
        a worker killed right after claiming a URL cannot leave it seen but unknown,
        because reconciliation finds every claimed URL in ``routes`` and, when the
        store holds no answer for it, routes it again.

        ``page``, the page these links were found on, is marked routed in the same
        transaction: a page worker may store a page before the crawl process has
        claimed its links, and reconciliation must tell such a page from one whose
        links are claimed (``unrouted``).
        """
        entries = list({e[0]: e for e in entries}.values())
        if not entries and page is None:
            return []
        pipe = self.r.pipeline(transaction=True)
        for url, tag, depth, referer in entries:
            pipe.sadd(self.key("seen"), url)
            pipe.hsetnx(self.key("routes"), url, json.dumps([tag, depth, referer]))
        if page is not None:
            pipe.sadd(self.key("routed"), page)
            pipe.expire(self.key("routed"), KEY_TTL)
        pipe.expire(self.key("seen"), KEY_TTL)
        pipe.expire(self.key("routes"), KEY_TTL)
        added = pipe.execute()[0:2 * len(entries):2]
        return [e[0] for e, new in zip(entries, added, strict=True) if new]

    def mark_routed(self, pages: Iterable[str]) -> None:
        """Pages with no links to claim (an error page, a file): nothing is left to route from them."""
        pages = list(pages)
        if pages:
            pipe = self.r.pipeline(transaction=False)
            pipe.sadd(self.key("routed"), *pages)
            pipe.expire(self.key("routed"), KEY_TTL)
            pipe.execute()

    def unrouted(self, pages: Iterable[str], chunk: int = 5000) -> list[str]:
        """The pages of ``pages`` (stored ones) whose links no worker has claimed."""
        pages = list(pages)
        out = []
        for i in range(0, len(pages), chunk):  # chunked: no single huge request or reply
            part = pages[i:i + chunk]
            pipe = self.r.pipeline(transaction=False)
            for url in part:  # SISMEMBER, not SMISMEMBER: that needs Redis 6.2, and older servers are common
                pipe.sismember(self.key("routed"), url)
            out += [url for url, known in zip(part, pipe.execute(), strict=True) if not known]
        return sorted(out)

    def take_budget(self, limit: int) -> bool:
        """One more page of the run's ``limits.max_pages``; False when the fleet has scheduled them all."""
        pipe = self.r.pipeline(transaction=False)
        pipe.incr(self.key("scheduled"))
        pipe.expire(self.key("scheduled"), KEY_TTL)
        count = pipe.execute()[0]
        return count <= limit

    def pager(self, key: str, limit: int) -> bool:
        """One more list page of the list ``key``; False past ``limit`` (an endless pager)."""
        pipe = self.r.pipeline(transaction=False)
        pipe.hincrby(self.key("pagers"), key, 1)
        pipe.expire(self.key("pagers"), KEY_TTL)
        return pipe.execute()[0] <= limit

    def robots(self, netloc: str, offer: tuple[str, bytes] | None = None) -> tuple[str, bytes] | None:
        """The run's robots.txt verdict for ``netloc`` as (kind, body); ``offer`` is kept if none was yet.

        The first verdict stands for every worker (``crawler.robots``): otherwise a
        worker whose fetch failed would crawl what the others refuse.
        """
        key = self.key("robots")
        if offer is not None:
            pipe = self.r.pipeline(transaction=True)
            pipe.hsetnx(key, netloc, offer[0].encode("ascii") + b"\n" + offer[1])
            pipe.expire(key, KEY_TTL)
            pipe.execute()
        stored = self.r.hget(key, netloc)
        if stored is None:
            return None
        kind, _, body = stored.partition(b"\n")
        return kind.decode("ascii"), body

    # -- politeness ---------------------------------------------------------------------------
    def reserve(self, host: str, interval: float) -> float:
        """Seconds to wait before starting a request to ``host`` so the fleet keeps ``interval`` between starts."""
        return self.reserve_slot(host, interval)[1]

    def reserve_slot(self, host: str, interval: float) -> tuple[float, float]:
        """The request start time granted (server clock, seconds) and how long to wait for it."""
        if interval <= 0:
            return 0.0, 0.0
        start, now = self._reserve(keys=[f"govcrawl:host:{host}"], args=[int(interval * 1_000_000)])
        return int(start) / 1_000_000, max(0.0, (int(start) - int(now)) / 1_000_000)

    # -- workers and draining -----------------------------------------------------------------
    def heartbeat(self, busy: bool, pages: int = 0) -> None:
        state = json.dumps({"busy": busy, "at": time.time(), "pages": pages})
        pipe = self.r.pipeline(transaction=False)
        pipe.hset(self.key("workers"), self.worker, state)
        pipe.expire(self.key("workers"), KEY_TTL)
        pipe.execute()

    def workers(self) -> dict[str, dict]:
        return {k.decode(): json.loads(v) for k, v in self.r.hgetall(self.key("workers")).items()}

    def live_busy(self) -> list[str]:
        """Workers that are busy and alive (a heartbeat within STALE_SECONDS)."""
        now = time.time()
        return [w for w, s in self.workers().items() if s["busy"] and now - s["at"] < STALE_SECONDS]

    def queued(self) -> int:
        return int(self.r.zcard(self.queue_key))

    def idle_everywhere(self) -> bool:
        return self.queued() == 0 and not self.live_busy()

    def lock_reconcile(self, seconds: float = 60.0) -> bool:
        return bool(self.r.set(self.key("reconcile"), self.worker, nx=True, px=int(seconds * 1000)))

    def unlock_reconcile(self) -> None:
        if self.r.get(self.key("reconcile")) == self.worker.encode():
            self.r.delete(self.key("reconcile"))

    def missing(self, stored: set[str]) -> list[tuple[str, str, int, str | None]]:
        """Links the fleet claimed (url, tag, depth, referer) for which the store holds no answer."""
        out = []
        # HSCAN, not HGETALL: a province portal has hundreds of thousands of links, and one reply
        # that large would stall Redis for every other worker and run.
        for raw_url, raw in self.r.hscan_iter(self.key("routes"), count=5000):
            url = raw_url.decode()
            if url not in stored:
                tag, depth, referer = json.loads(raw)
                out.append((url, tag, depth, referer))
        return sorted(out)

    def attempt(self, url: str) -> int:
        """Count one more requeue of ``url``; the count after it."""
        return int(self.r.hincrby(self.key("attempts"), url, 1))

    def mark_done(self) -> None:
        self.r.set(self.key("done"), "1", ex=KEY_TTL)

    def done(self) -> bool:
        return bool(self.r.exists(self.key("done")))

    def counters(self) -> dict[str, int]:
        """Pages each worker crawled (its last heartbeat)."""
        return {w: int(s.get("pages", 0)) for w, s in self.workers().items()}

    # -- the runs workers may join --------------------------------------------------------------
    def publish(self, descriptor: RunDescriptor) -> None:
        self.r.hset(RUNS_KEY, descriptor.run_id, descriptor.dumps())

    def retire(self) -> None:
        self.r.hdel(RUNS_KEY, self.run_id)


def open_runs(client) -> list[RunDescriptor]:
    """Runs a worker may join, oldest first."""
    runs = [RunDescriptor.loads(v) for v in client.hgetall(RUNS_KEY).values()]
    return sorted(runs, key=lambda d: d.run_id)


def fleet_settings(redis_url: str, run_id: str) -> dict:
    """Scrapy settings of a fleet crawl: the run's request queue in Redis (scrapy-redis)."""
    return {
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"govcrawl:run:{run_id}:requests",
        # Our requests are deduplicated by Fleet.claim before they exist (dont_filter=True);
        # scrapy-redis still builds its filter, so it gets a key of the run's.
        "SCHEDULER_DUPEFILTER_KEY": f"govcrawl:run:{run_id}:dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # One worker closing must never clear the queue the others still work from.
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "SCHEDULER": "crawler.fleet.FleetScheduler",
        "DOWNLOAD_HANDLERS": {"http": "crawler.fleet.FleetDownloadHandler",
                              "https": "crawler.fleet.FleetDownloadHandler"},
    }


class FleetDownloadHandler(PoliteDownloadHandler):
    """The crawl's HTTP handler, waiting for the fleet's turn on the site's host before each request leaves.

    Scrapy's own per-slot delay spaces the requests of one process; across a
    fleet it would multiply the rate by the number of workers, so in a fleet
    crawl the slot delay is 0 and request starts are spaced through
    ``Fleet.reserve`` instead (on the Redis server's clock, one for all
    machines). It is done here, in the download handler, because this is the
    moment a request really leaves: a downloader middleware runs before
    Scrapy's slot queue, and requests spaced there still left in bursts
    whenever several responses freed the slot at once (measured:
    bench/fleet_bench.py, 205 starts in one second against a cap of 100).
    """

    async def before_sending(self, request) -> None:  # noqa: ANN001 - scrapy.Request
        import asyncio
        from urllib.parse import urlsplit

        spider = self.crawler.spider
        fleet = getattr(spider, "fleet", None)
        if fleet is not None and spider.is_internal(request.url):
            host = urlsplit(request.url).netloc.lower()
            interval = spider.fleet_interval
            await wait_for_slot(lambda: fleet.reserve(host, interval), interval, asyncio.sleep)


async def wait_for_slot(reserve, interval: float, sleep) -> None:
    """Wait for a start slot; a slot missed by more than ``interval`` is given back for a new one.

    Slots are granted ``interval`` apart, but a process that stalls (a busy
    core, a long parse) would otherwise wake late and send several overdue
    requests at once, a burst the site never agreed to. At most a few retries:
    a request is never starved.
    """
    import time

    for _ in range(5):
        result = reserve()
        wait = await result if hasattr(result, "__await__") else result
        due = time.monotonic() + wait
        if wait > 0:
            await sleep(wait)
        if interval <= 0 or time.monotonic() - due <= interval:
            return


class FleetScheduler(Scheduler):
    """scrapy-redis's scheduler, telling the fleet at once when this worker takes a request.

    The fleet has drained when the queue is empty and no worker is busy; a worker
    must therefore be busy from the moment it pops a request, not from when the
    download starts.
    """

    def next_request(self):
        request = super().next_request()
        if request is not None:
            mark = getattr(self.spider, "fleet_busy", None)
            if mark is not None:
                mark()
        return request
