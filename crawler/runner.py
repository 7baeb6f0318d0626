"""Run the spider in-process for the CLI, with settings built explicitly.

``get_project_settings()`` looks for scrapy.cfg from the current directory,
and cron starts in ``/``; so the project defaults are loaded by module name
and the site's ``crawl`` keys applied on top at ``cmdline`` priority.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

if TYPE_CHECKING:  # the crawl process gets a crawler.plainsite copy and never loads pydantic
    from govcrawl.config import Site


def build_settings(site: Site, *, log_level: str = "WARNING", progress: str | None = None,
                   fleet: tuple[str, str] | None = None, frontier: str | None = None) -> Settings:
    """Scrapy settings for one site; ``fleet`` = (Redis URL, run id) for a crawl shared by workers.

    ``frontier``: a folder for the queue of pages still to fetch (``JOBDIR``). A breadth-first crawl
    of a large portal holds tens of thousands of discovered pages at once; as Request objects in
    memory that is ~1.5 KB each and grew the crawl process by about 3 KB a crawled page on the
    100,000-page bench portal. Past a budget they wait on disk and the process stays flat
    (``crawler.frontier``).
    """
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    _leave_out(settings)
    crawl = site.crawl
    # The site's politeness budget is shared with the resource lane (see
    # crawler.linkstatus): pages get the larger half of the concurrency and
    # half of the request rate, so both lanes together stay within the config.
    page_concurrency = max(1, crawl.concurrency - crawl.concurrency // 2)
    slots = {
        host: {"concurrency": page_concurrency, "delay": crawl.delay * 2}
        for host in site.hosts()
    }
    values = {
        "DOWNLOAD_SLOTS": slots,
        "CONCURRENT_REQUESTS": max(16, crawl.concurrency * 2),
        "CONCURRENT_REQUESTS_PER_DOMAIN": page_concurrency,
        "DOWNLOAD_DELAY": crawl.delay * 2,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.delay * 2, 0.1),
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "USER_AGENT": crawl.user_agent,
        "DOWNLOAD_MAXSIZE": site.limits.max_page_bytes,
        "LOG_LEVEL": log_level,
        "LOG_FORMAT": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        "LOG_DATEFORMAT": "%H:%M:%S",
    }
    if fleet is not None:
        from crawler.fleet import fleet_settings

        # Request starts are spaced fleet-wide by crawler.fleet.FleetDownloadHandler instead of per process.
        values["DOWNLOAD_SLOTS"] = {host: {"concurrency": page_concurrency, "delay": 0} for host in site.hosts()}
        values["DOWNLOAD_DELAY"] = 0
        values.update(fleet_settings(*fleet))
    if frontier is not None:
        values["JOBDIR"] = frontier
    if progress and progress != "off":
        values["EXTENSIONS"] = {**settings.getdict("EXTENSIONS"), "crawler.progress.Progress": 500}
        values["GOVCRAWL_PROGRESS"] = progress
    settings.setdict(values, priority="cmdline")
    return settings


def _leave_out(settings: Settings) -> None:
    """Take the entries ``GOVCRAWL_LEAVE_OUT`` names out of Scrapy's lists (see crawler.settings for why)."""
    for name, unused in settings.getdict("GOVCRAWL_LEAVE_OUT").items():
        value = settings[name]
        if isinstance(value, list):
            kept: object = [entry for entry in value if entry not in unused]
        else:
            kept = {key: order for key, order in settings.getdict(name).items() if key not in unused}
        settings.set(name, kept, priority="project")


def run_crawl(
    site: Site,
    *,
    site_id: str,
    run_id: str,
    store_path: str,
    today: date | None = None,
    progress: str | None = "auto",
    log_level: str = "WARNING",
    reuse_from: str | None = None,
    resume: bool = False,
    recheck: list[str] | None = None,
    salt: bytes = b"",
    redis_url: str | None = None,
    lane_fd: int | None = None,
) -> dict:
    """Crawl one site into the store; return Scrapy's final stats.

    ``reuse_from``, ``resume`` and ``recheck``: see ``crawler.spiders.portal``.
    ``redis_url``: crawl as one worker of a fleet sharing this run (``crawler.fleet``).
    ``lane_fd``: the resource lane runs in the parent process on this descriptor (``crawler.apart``);
    without it the lane is a process of its own.
    One Twisted reactor per process: call this once per process (the CLI does).
    """
    from crawler.spiders.portal import PortalSpider

    fleet = None
    frontier = None
    if redis_url is not None:  # the fleet's queue is in Redis
        import os
        import socket

        from crawler.fleet import Fleet, connect

        fleet = Fleet(connect(redis_url), run_id, f"{socket.gethostname()}:{os.getpid()}", redis_url)
    else:
        frontier = _frontier_folder(store_path, run_id)
        # A folder left by a killed crawl is not resumed from: --resume rebuilds the queue from the store.
        shutil.rmtree(frontier, ignore_errors=True)
    process = CrawlerProcess(build_settings(site, log_level=log_level, progress=progress,
                                            fleet=(redis_url, run_id) if redis_url else None,
                                            frontier=str(frontier) if frontier else None))
    # Scrapy leaves the root logger at NOTSET and filters in its handler, so every DEBUG line it writes
    # ("Crawled (200)", "Scraped from", one or two a page) was made into a record and then dropped: ~1 % of
    # the crawl process's time at 5,000 pages (py-spy). Its loggers now stop them before.
    logging.getLogger("scrapy").setLevel(log_level)
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, site=site, site_id=site_id, run_id=run_id, store_path=store_path, today=today,
                  reuse_from=reuse_from, resume=resume, recheck=recheck, salt=salt, fleet=fleet,
                  lane_fd=lane_fd)
    from crawler.collector import tuned_for_crawl

    try:
        with tuned_for_crawl():  # the collector took 14 % of this process's CPU (crawler.collector)
            process.start()
    finally:
        if frontier is not None:
            shutil.rmtree(frontier, ignore_errors=True)
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    spider = crawler.spider
    if spider is not None:
        stats["govcrawl/counters"] = dict(spider.counters)
        stats["govcrawl/resources_checked"] = spider.lane.done if spider.lane else 0
    return stats


def _frontier_folder(store_path: str, run_id: str) -> Path:
    """Where a single-machine crawl queues its pages: beside a SQLite store (the site's data folder, on
    disk), else in the system's temporary folder; one folder per run, removed when the crawl ends."""
    from govcrawl._storedialect import is_postgres

    if is_postgres(store_path):
        return Path(tempfile.gettempdir()) / f"govcrawl-frontier-{run_id}"
    return Path(store_path).parent / f".frontier-{run_id}"
