"""The baseline of the crawl benchmark: the plain Scrapy crawler anyone would write first.

Why it exists: "govcrawl is fast" means nothing without a reference. This is
the textbook CrawlSpider: one ``Rule(LinkExtractor(allow_domains=[host]),
callback="parse_item", follow=True)`` and a tiny item, with the same
concurrency that govcrawl's benchmark config gets (32 requests in flight, no
delay, no AutoThrottle, no robots.txt, no cookies, no telnet). It fetches
pages only: LinkExtractor follows ``<a>``/``<area>`` links and by default
skips attachments and images (IGNORED_EXTENSIONS), so it does strictly less
work than govcrawl, which also checks every attachment and image.

Run by bench/crawl_bench.py as::

    scrapy runspider bench/plain_spider.py -a start_url=http://127.0.0.1:PORT/ -o items.jsonl

from a directory outside any Scrapy project, so that no project settings
(scrapy.cfg) leak into the baseline.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class PlainSpider(CrawlSpider):
    """A CrawlSpider that follows every same-host link and records url, status and title."""

    name = "plain"
    custom_settings = {
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "INFO",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Explicit so the log line "Overridden settings" shows the whole baseline at a glance.
        "FEED_EXPORT_ENCODING": "utf-8",
    }

    def __init__(self, start_url: str = "", *args, **kwargs):
        if not start_url:
            raise ValueError("pass the portal with -a start_url=http://127.0.0.1:PORT/")
        parts = urlsplit(start_url)
        self.start_urls = [start_url]
        self.allowed_domains = [parts.hostname or ""]
        # LinkExtractor's allow_domains compares the netloc, port included.
        self.rules = (Rule(LinkExtractor(allow_domains=[parts.netloc]), callback="parse_item", follow=True),)
        super().__init__(*args, **kwargs)

    def parse_item(self, response) -> Iterator[dict]:
        yield {"url": response.url, "status": response.status, "title": response.css("title::text").get()}
