"""Live crawl progress: a rich status line on a terminal, plain log lines otherwise.

Shows pages done, pages queued, resources checked, errors, suspected broken
URLs so far and pages/s. "Suspected" because the crawler does not judge: the
checks decide after the crawl what becomes a finding.
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from twisted.internet import task


class Progress:
    def __init__(self, crawler, mode: str):
        self.crawler = crawler
        self.mode = mode
        self.loop: task.LoopingCall | None = None
        self.live = None
        self.started = time.monotonic()
        self.last_line = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        mode = crawler.settings.get("GOVCRAWL_PROGRESS", "auto")
        if mode == "auto":
            mode = "live" if sys.stderr.isatty() else "log"
        ext = cls(crawler, mode)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def snapshot(self) -> str:
        spider = self.crawler.spider
        counters = spider.counters
        queued = self._queued()
        lane = spider.lane
        checked = lane.done if lane else 0
        pending = lane.pending if lane else 0
        broken = counters["broken"] + (lane.failed if lane else 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = counters["pages"] / elapsed
        return (
            f"页面 {counters['pages']} | 待抓 {queued} | 资源已查 {checked} (待查 {pending}) | "
            f"错误 {counters['errors']} | 疑似失效 {broken} | {rate:.1f} 页/秒"
        )

    def _queued(self) -> int:
        """Requests waiting in the scheduler (Scrapy exposes no public counter for it)."""
        try:
            return len(self.crawler.engine._slot.scheduler)
        except (AttributeError, TypeError):
            return 0

    def opened(self, spider) -> None:
        if self.mode == "live":
            from rich.console import Console
            from rich.live import Live

            self.live = Live("开始抓取…", console=Console(stderr=True), refresh_per_second=4, transient=False)
            self.live.start()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(0.5 if self.mode == "live" else 10.0, now=False)

    def tick(self) -> None:
        try:
            line = self.snapshot()
        except Exception as exc:  # a display problem must never stop the crawl
            line = f"（进度显示出错：{exc}）"
        if self.live is not None:
            self.live.update(line)
        else:
            print(time.strftime("%H:%M:%S"), line, file=sys.stderr, flush=True)

    def closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        line = self.snapshot()
        if self.live is not None:
            self.live.update(line)
            self.live.stop()
        else:
            print(time.strftime("%H:%M:%S"), line, file=sys.stderr, flush=True)
