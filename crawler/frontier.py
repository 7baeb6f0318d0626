"""The queue of pages a single-machine crawl has still to fetch: the next ones in memory, the rest on disk.

Breadth-first over a 100,000-page portal the queue holds tens of thousands of
requests at once, ~1.4 KB each as Scrapy ``Request`` objects; that is why a
single-machine crawl queues on disk (``JOBDIR``, crawler.runner). But putting
every request on disk costs the crawl process, whose event loop is the busiest
thread of a fast crawl, a ``to_dict`` (Scrapy looks the callback up among all
the spider's methods, each time), a pickle, a file write, and the reverse when
the request is due: 7 % of that loop's samples at 5,000 pages (py-spy), and
~2 % more CPU for the whole command than with the queue in memory, in
alternating runs (bench/RESULTS.md, session 22).

So a queue keeps the requests due next in memory, up to a budget shared by all
the queues of the crawl (Scrapy keeps one per priority and host),
``GOVCRAWL_FRONTIER_IN_MEMORY`` units; beyond it a request goes to Scrapy's own
pickled disk queue, and every later one of that queue after it, so the order
stays first in, first out. A page request the spider can make again from a few
values (``frontier_entry`` / ``frontier_request``, crawler.spiders.portal) is
kept as those values, ~0.25 KB, and costs one unit; any other request (a
redirect, a retry) is kept as it is and costs ``WHOLE_REQUEST``. The default
budget, 10,000 units, is ~2.5 MB.

The frontier is never resumed from (a crawl deletes it before and after;
``--resume`` rebuilds the queue from the store), so requests in memory when a
crawl stops are dropped with the rest of the folder.
"""

from __future__ import annotations

import weakref
from collections import deque
from typing import Any

from scrapy.squeues import PickleFifoDiskQueue

DEFAULT_IN_MEMORY = 10_000
WHOLE_REQUEST = 5  # units of the budget for a Request kept as it is (~1.4 KB against ~0.25 KB)

# Units held in memory by all queues of a crawl, per crawler: Scrapy makes and closes queues as priorities
# and hosts come and go, and the budget is the crawl's, not each queue's.
_held: weakref.WeakKeyDictionary[Any, list[int]] = weakref.WeakKeyDictionary()


class Frontier:
    """One of the scheduler's queues (``SCHEDULER_DISK_QUEUE``): a deque first, Scrapy's disk queue past the budget."""

    def __init__(self, crawler: Any, key: str) -> None:
        self.crawler = crawler
        self.key = key
        self.budget = crawler.settings.getint("GOVCRAWL_FRONTIER_IN_MEMORY", DEFAULT_IN_MEMORY)
        self.held = _held.setdefault(crawler, [0])
        spider = crawler.spider
        self.compact = getattr(spider, "frontier_entry", None)
        self.expand = getattr(spider, "frontier_request", None)
        self.head: deque = deque()
        self.tail: Any = None  # the disk queue, made on first use: most queues never need one

    @classmethod
    def from_crawler(cls, crawler: Any, key: str, *args: Any, **kwargs: Any) -> Frontier:
        return cls(crawler, key)

    def push(self, request: Any) -> None:
        if not self._spilling() and self.held[0] < self.budget:
            values = self.compact(request) if self.compact is not None else None  # a tuple, or None
            if values is not None:
                self.head.append(values)
                self.held[0] += 1
            else:
                self.head.append(request)
                self.held[0] += WHOLE_REQUEST
            return
        if self.tail is None:
            self.tail = PickleFifoDiskQueue.from_crawler(self.crawler, self.key)
        self.tail.push(request)  # ValueError for a request that cannot be pickled: the scheduler keeps it in memory
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("govcrawl/frontier/on_disk")

    def pop(self) -> Any:
        if self.head:
            return self._taken(self.head.popleft())
        if self._spilling():
            return self.tail.pop()
        return None

    def peek(self) -> Any:
        if self.head:
            first = self.head[0]
            return self.expand(first) if type(first) is tuple else first
        return self.tail.peek() if self._spilling() else None

    def close(self) -> None:
        while self.head:
            self._taken(self.head.popleft(), expand=False)
        if self.tail is not None:
            self.tail.close()

    def __len__(self) -> int:
        return len(self.head) + (len(self.tail) if self.tail is not None else 0)

    def _taken(self, held: Any, *, expand: bool = True) -> Any:
        if type(held) is tuple:
            self.held[0] -= 1
            return self.expand(held) if expand else None
        self.held[0] -= WHOLE_REQUEST
        return held

    def _spilling(self) -> bool:
        """Whether older requests of this queue wait on disk: then a new one goes after them, to disk too."""
        return self.tail is not None and len(self.tail) > 0
