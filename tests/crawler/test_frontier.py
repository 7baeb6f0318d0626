"""A single-machine crawl queues the pages it has still to fetch on disk, not in memory.

Breadth-first over a large portal, the queue of discovered pages holds tens of
thousands of requests at once; in memory they grew the crawl process with the
portal (crawler.runner). The run records where its page requests were queued.
"""

from __future__ import annotations

import json
import sqlite3

from tests.sites import crawl, serve, static_handler

ARTICLES = 60


def _portal() -> dict[str, tuple[int, str]]:
    """A home page listing every article at once: after it, the whole portal is queued."""
    items = "".join(f'<li><a href="/a{i}.html">政务公开文章{i}</a></li>' for i in range(ARTICLES))
    home = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head>'
            f"<body><h1>区人民政府</h1><ul>{items}</ul></body></html>")
    pages = {"/": (200, home), "/robots.txt": (404, "")}
    for i in range(ARTICLES):
        pages[f"/a{i}.html"] = (200, f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                                     f"<title>文章{i}</title></head><body><h1>文章{i}</h1><p>正文。</p>"
                                     f'<a href="/">首页</a></body></html>')
    return pages


def test_the_queue_of_pages_is_on_disk_and_gone_after_the_crawl(tmp_path):
    with serve(static_handler(_portal())) as base:
        _, urls = crawl(base, tmp_path)
    assert len(urls) == ARTICLES + 1
    db = sqlite3.connect(tmp_path / "data" / "t.sqlite")
    stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    db.close()
    # every page request went through the disk queue (the start page included), none stayed in memory
    assert stats["frontier"] == {"on_disk": ARTICLES + 1, "in_memory": 0}
    assert not list((tmp_path / "data").glob(".frontier-*"))  # removed when the crawl ended
