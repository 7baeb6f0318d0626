"""What each process of a single-machine run loads, and what it must not (each measured in MiB of RSS).

- the crawl process: not the fleet's Redis client (about 10 MiB);
- the ``govcrawl`` process, which waits for the crawl: not lxml and the extraction modules (5 MiB);
- a page worker, which reads its socket with plain calls: not asyncio and the ssl it loads (3 MiB).
"""

from __future__ import annotations

import ast
import subprocess
import sys

CRAWL_MODULES = ("crawler.apart", "crawler.runner", "crawler.spiders.portal", "crawler.pipelines",
                 "crawler.download", "crawler.robots", "crawler.progress", "crawler.pageworker",
                 "crawler.linkstatus")


def _loaded(*names: str, modules: tuple[str, ...] = CRAWL_MODULES) -> list[str]:
    script = (f"import {', '.join(modules)}\n"
              "import sys\n"
              f"print(sorted(n for n in {names!r} if n in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return ast.literal_eval(result.stdout)


def test_a_single_machine_crawl_does_not_load_redis():
    assert _loaded("redis", "scrapy_redis", "crawler.fleet") == []


def test_the_probe_sees_what_is_loaded():
    """The same probe does see a module the crawl really imports (so the test above can fail)."""
    assert _loaded("scrapy", "lxml") == ["lxml", "scrapy"]


def test_the_govcrawl_process_reads_the_facts_version_without_the_extraction_modules():
    # what `govcrawl run` holds while it waits for the crawl child (crawler.apart)
    parent = ("govcrawl.cli", "crawler.extract", "crawler.apart")
    assert _loaded("lxml", "crawler.extract.page", "crawler.extract.scan", modules=parent) == []


def test_a_page_worker_does_not_load_asyncio():
    worker = ("crawler.pageworker", "crawler.parentwatch", "govcrawl.store")
    assert _loaded("asyncio", "ssl", modules=worker) == []
    assert _loaded("lxml", "crawler.extract.page", modules=worker) == ["crawler.extract.page", "lxml"]


_CRAWLER_START = """
import sys
from crawler.demo.files import config_data
from crawler.runner import build_settings
from govcrawl.config import parse_config
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.crawler import CrawlerProcess
from crawler.spiders.portal import PortalSpider

site = parse_config(config_data("http://127.0.0.1:9", "http://127.0.0.2:9", "http://127.0.0.2:10")).sites["demo"]
settings = build_settings(site)
crawler = CrawlerProcess(settings).create_crawler(PortalSpider)
crawler._apply_settings()  # the extensions, as a crawl starts them
DownloaderMiddlewareManager.from_crawler(crawler)
SpiderMiddlewareManager.from_crawler(crawler)
names = sys.argv[1:]
print(repr((settings.getbool("REMOTE_CONTROL_ENABLED"), sorted(n for n in names if n in sys.modules))))
"""


def test_a_crawl_starts_without_the_scrapy_parts_it_does_not_use():
    """Scrapy imports every component its lists name, even one set to None: those are left out of its lists
    (crawler.settings GOVCRAWL_LEAVE_OUT). The remote-control server (a Python console over HTTP) stays off."""
    unused = ("tldextract", "requests", "scrapy.core.downloader.contextfactory", "scrapy.extensions.remote_control",
              "aiohttp.web", "scrapy.downloadermiddlewares.cookies")
    used = ("scrapy.downloadermiddlewares.retry", "crawler.robots", "crawler.metarefresh")  # the probe sees these
    result = subprocess.run([sys.executable, "-c", _CRAWLER_START, *unused, *used], capture_output=True, text=True,
                            timeout=120, check=True)
    remote_control, loaded = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert remote_control is False
    assert loaded == sorted(used)
