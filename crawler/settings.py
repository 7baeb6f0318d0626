"""Scrapy project defaults for govcrawl, each chosen for a weak government server.

The CLI loads this module with ``Settings().setmodule(..., priority="project")``
and then applies the site's ``crawl`` keys on top (see ``crawler.runner``), so
a cron job started in ``/`` gets the same settings as ``scrapy crawl`` run from
the project folder.
"""

BOT_NAME = "govcrawl"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: the contract's defaults (crawl.concurrency 4, delay 0.25 s,
# AutoThrottle on, robots.txt obeyed). Per-host values are set per site as
# download slots; these globals apply to hosts a site does not name.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_DELAY_JITTER = 0  # exact spacing: the config's delay is a promise to the site
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# The spider keeps its own seen-set before a Request is even built (cheaper than
# fingerprinting), and redirects must be able to land on an already-seen URL
# (Scrapy's dupefilter would silently drop them).
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"

# Every status reaches the spider: a 404 page is a fact, not an error.
HTTPERROR_ALLOW_ALL = True
REDIRECT_MAX_TIMES = 10  # contract: more than 10 redirects is broken
RETRY_TIMES = 2
# A 500 from a CMS is almost always persistent: retrying it only triples the load. 429 and 503 are
# asked again by the download handler after the wait the server asks for (crawler.slowdown), not at once.
RETRY_HTTP_CODES = [502, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10_000_000
DOWNLOAD_WARNSIZE = 0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts an HTTP server in every crawl that runs the Python code POSTed to it (token-guarded,
# on localhost), and writes its port and token to ~/.local/state/scrapy/job_files: one file per crawl,
# left behind by every crawl that is killed. A nightly inspection on a shared server has no use for a
# code-execution endpoint; off, like the telnet console.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# Scrapy logs the versions of its dependencies at start-up, and the platform's name costs a `uname -p` process
# forked from the crawl process when it is largest (crawler.channel.prestart says why that matters).
LOG_VERSIONS: list[str] = []
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Breadth-first: list pages and recent documents come before deep archives, so a
# run cut short by max_pages still covers what inspectors look at first.
DEPTH_PRIORITY = 1
# Scrapy starts this many asyncio tasks for the output of every response, however
# little the callback yields; the default 100 cost ~40% of the main process's CPU
# in the 20k-page benchmark (bench/RESULTS.md). The spider yields one item per page.
CONCURRENT_ITEMS = 4
# Bytes of responses the crawl process holds while they wait for the page worker before it stops
# taking new requests from the scheduler. Scrapy's 5 MB let ~400 pages of the 5,000-page benchmark wait
# at once on a page worker that cannot keep up with loopback downloads (crawl process 114 MiB; 97 with
# 1 MB, the same pages/s in alternating runs: bench/RESULTS.md). A polite crawl of a real portal never
# comes near either: its page worker waits for downloads, not the other way round.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
# Page parsing and storing run in this many worker processes (None: one per spare
# core, 0: in the crawl process itself). See crawler.pageworker.
GOVCRAWL_PAGE_WORKERS = None
# Pages waiting at a page worker beyond which the crawl process extracts the next page itself (None:
# never while a worker lives); answers already back in the socket do not count (Channel.collect).
# The page worker is the busiest process of a fast crawl and the crawl process has time to spare: at
# 5,000 pages 24-64 all gave ~255 pages/s against ~230 without, about 28 % of the pages extracted here; 96 shared less and gained less (bench/RESULTS.md, session 13).
# A polite crawl of a real portal never gets its worker that far behind, and nothing changes for it.
GOVCRAWL_SHARE_ABOVE = 48
# Pages still to fetch: the next ones in memory, past a budget on disk (JOBDIR, crawler.runner); the start
# pages too. 10,000 units is ~2.5 MB; keeping every request on disk cost the 5,000-page run ~2 % more CPU
# (crawler.frontier).
SCHEDULER_DISK_QUEUE = "crawler.frontier.Frontier"
SCHEDULER_START_DISK_QUEUE = "crawler.frontier.Frontier"
GOVCRAWL_FRONTIER_IN_MEMORY = 10_000
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Scrapy's per-request byte and status counts (``downloader/*`` stats): nothing reads them, and rebuilding
# each request's raw HTTP text to count its bytes was ~2 % of the crawl process's event loop (py-spy).
DOWNLOADER_STATS = False
DEPTH_STATS_VERBOSE = False
# Our own middlewares in place of two of Scrapy's.
DOWNLOADER_MIDDLEWARES = {
    # Meta refresh redirects are followed, without decoding every page to look for one (crawler.metarefresh).
    "crawler.metarefresh.MetaRefreshMiddleware": 580,
    # robots.txt as RFC 9309 reads it (an unreachable one forbids, a 404 allows), one verdict per fleet run.
    "crawler.robots.RobotsPolicyMiddleware": 100,
}
# Scrapy's components and settings entries this crawler does not use, taken out of Scrapy's own lists by
# crawler.runner. Not set to None in DOWNLOADER_MIDDLEWARES and the like: Scrapy imports every class such
# a list names, None or not, to normalise its key. The crawl process's start then loaded, for nothing,
# tldextract and requests (the cookie middleware), Scrapy's HTTP/1.1 handler and TLS context factory (the
# proxy TunnelError named in RETRY_EXCEPTIONS, which our aiohttp-based handler, crawler.download, never
# raises) and aiohttp's web server (the remote control, off above): ~0.23 s of CPU at every crawl's start.
GOVCRAWL_LEAVE_OUT = {
    "DOWNLOADER_MIDDLEWARES_BASE": [
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",  # no crawl logs in
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
        "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",  # crawler.metarefresh instead
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",  # crawler.robots instead
    ],
    "SPIDER_MIDDLEWARES_BASE": [
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware",
        # A spider author's lint (Scrapy 2.19: warns when meta copied from a response is yielded again). Our
        # spider builds every request's meta itself; the check was one more wrapper around each page's output.
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware",
    ],
    "EXTENSIONS_BASE": [
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.extensions.memusage.MemoryUsage",
        "scrapy.extensions.remote_control.RemoteControl",
    ],
    "RETRY_EXCEPTIONS": ["scrapy.core.downloader.handlers.http11.TunnelError"],
}
# Each host held to its slot's concurrency, connections kept alive (see crawler.download).
DOWNLOAD_HANDLERS = {"http": "crawler.download.PoliteDownloadHandler",
                     "https": "crawler.download.PoliteDownloadHandler"}
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
