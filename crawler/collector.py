"""Python's cyclic garbage collector, set for the long-running processes of a crawl.

Why: with the interpreter's defaults (a young collection every 700 net new
container objects, a full one every hundred of those) the crawl process spent
2.7 s of its ~19 s of CPU in the collector on the 5,000-page bench portal: 1,857
young, 168 middle and 15 full collections, each full one walking every object
Scrapy, Twisted, lxml and aiohttp had created since the process started, the
modules' own included. A crawl allocates in bursts (a response, its requests,
its lane answers) that reference counting frees; cycles are rare. So:

- what the process holds when the crawl starts (imported modules, settings, the
  spider) is frozen: the collector never walks it again (``gc.freeze``);
- a young collection waits for 10,000 net new objects instead of 700.

Measured the same way: 0.32 s (186 young, 17 middle, 1 full, most of them after
the crawl, with the settings back); the page worker 0.28 s before, 0.01 after.
Cycles are still collected at the next young collection, a few thousand objects
later than before: peak memory moved by 1-3 MiB at 5,000 and 20,000 pages
(bench/RESULTS.md, session 20).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000


def tune_for_crawl() -> None:
    """Freeze what this process holds now and make young collections rarer, for the rest of its life."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


@contextmanager
def tuned_for_crawl() -> Iterator[None]:
    """``tune_for_crawl`` for a block, then the interpreter's thresholds and nothing frozen (a crawl run inside
    a longer-lived process: what the crawl held becomes collectable again)."""
    before = gc.get_threshold()
    tune_for_crawl()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
