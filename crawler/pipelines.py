"""Facts -> store. Opened with the spider, flushed in batches, closed with it.

Batches keep SQLite's per-transaction cost off the hot path (one commit per
~50 pages instead of per page); the spider's page outcomes ride along.
"""

from __future__ import annotations

import time

from crawler.pageworker import Carried, Evidence
from govcrawl.model import PageFacts
from govcrawl.store import Store

# Pages this process extracted itself (its page workers store theirs) are held until written: 50 of
# them weigh ~2 MiB, the 200 of a page worker's batch held 9 more at the crawl process's peak.
BATCH = 50
FLUSH_SECONDS = 5.0  # error pages of a slow crawl are written at least this often (resume loses little)


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store: Store | None = None
        self.buffer: list[PageFacts] = []
        self.raws: list = []  # (page URL, RawResponse): evidence of pages no worker stored
        self.carried: list = []  # (source run, page URL) of unchanged pages stored here
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.crawler.spider.pipeline = self  # a fleet worker flushes before it reports idle
        self.store = Store(self.crawler.spider.store_path).join_crawl()

    def process_item(self, item):
        if isinstance(item, Evidence):
            self.raws.append((item.url, item.raw))
            return item
        if isinstance(item, Carried):
            self.carried.append((item.source_run, item.url))
            return item
        if isinstance(item, PageFacts):
            self.buffer.append(item)
            if len(self.buffer) >= BATCH or time.monotonic() - self.last_flush > FLUSH_SECONDS:
                self.flush()
        return item

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        spider = self.crawler.spider
        if self.buffer or self.raws or self.carried:
            self.store.add_pages(spider.run_id, self.buffer, self.raws, self.carried)
            self.buffer, self.raws, self.carried = [], [], []
        if spider.outcomes:
            self.store.add_outcomes(spider.run_id, spider.outcomes)
            spider.outcomes = []

    def close_spider(self) -> None:
        self.flush()
        self.store.close()
