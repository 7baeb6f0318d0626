"""Browser-pass throughput: pages/s with 1 and 2 workers on 40 simple loopback pages.

Run: ``.venv/bin/python bench/browser_bench.py`` (real Chromium, loopback server only).
Browser start-up is excluded (one warm-up page per worker), as in a run where the pool stays open.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.browser import BrowserPool  # noqa: E402
from govcrawl.config import Accessibility  # noqa: E402
from tests.sites import serve, static_handler  # noqa: E402

PAGES = 40


def main() -> None:
    body = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>第{i}页</title></head><body>'
            '<div class="header"><a href="/">首页</a> <a href="/xw/">新闻</a></div><main><h1>标题 {i}</h1>'
            '<p>正文内容，政务公开。</p><ul><li><a href="/a{i}">文章一</a></li><li><a href="/b{i}">文章二</a></li>'
            '</ul></main><div class="footer">版权所有</div></body></html>')
    pages = {f"/p{i}": (200, body.format(i=i)) for i in range(PAGES + 2)}
    with serve(static_handler(pages)) as base:
        for workers in (1, 2):
            with BrowserPool(Accessibility(workers=workers, screenshots=False)) as pool:
                list(pool.audit([f"{base}/p{PAGES + k}" for k in range(workers)]))  # start the browsers
                started = time.monotonic()
                audits = list(pool.audit([f"{base}/p{i}" for i in range(PAGES)]))
                elapsed = time.monotonic() - started
            per_page = sorted(a.elapsed_ms for a in audits)
            print(f"workers={workers}: {PAGES / elapsed:.2f} pages/s, median {per_page[len(per_page) // 2]} ms/page, "
                  f"statuses {sorted({a.status for a in audits})}")


if __name__ == "__main__":
    main()
