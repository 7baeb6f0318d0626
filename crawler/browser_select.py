"""Which pages the browser pass renders.

Rendering all 100k pages of a portal in Chromium every night would take hours;
the static rules already read every page. What the browser adds (axe's full
rule set, rendered font sizes, focus, reflow, floating layers) is mostly a
property of the template, so the pass renders:

1. the homepage, always;
2. the first list page of every column, always (columns are where inspectors
   click first, and list templates differ from article templates);
3. the first ``per_template`` pages of every template (``PageFacts.template``,
   the DOM-skeleton fingerprint), in crawl order — shallow pages first, since the
   crawl is breadth-first;

up to ``max_pages``, one page of every template first so that a cap never leaves a
template unseen. ``all_pages`` (``--a11y-all``)
renders every readable HTML page instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from govcrawl.model import PageFacts

_LATER_LIST_PAGE = re.compile(r"/index_\d+\.s?html?$|[?&](?:page|pageindex|pagenum|pn)=\d+", re.I)


def _readable(page: PageFacts) -> bool:
    return page.is_html and page.status is not None and 200 <= page.status < 300 and not page.error


def _column_first_page(page: PageFacts) -> bool:
    return bool(page.list_items or page.pagination) and not _LATER_LIST_PAGE.search(page.url)


def choose_pages(
    pages: Iterable[PageFacts],
    homepage: str | None,
    *,
    per_template: int = 3,
    max_pages: int = 2000,
    all_pages: bool = False,
) -> list[str]:
    """URLs to render, most important first, without repeats."""
    readable = [p for p in pages if _readable(p)]
    if all_pages:
        return [p.url for p in readable]
    chosen: dict[str, None] = {}
    if homepage is not None and any(p.url == homepage for p in readable):
        chosen[homepage] = None
    by_template: dict[str, list[str]] = {}
    for page in sorted(readable, key=lambda p: p.depth):  # stable: crawl order within a depth
        by_template.setdefault(page.template or page.url, []).append(page.url)
    # One page of every template before anything else, so a cap never leaves a template unseen;
    # then every column's first page; then the other samples of each template.
    for urls in by_template.values():
        chosen.setdefault(urls[0], None)
    for page in readable:
        if _column_first_page(page):
            chosen.setdefault(page.url, None)
    for urls in by_template.values():
        for url in urls[1:per_template]:
            chosen.setdefault(url, None)
    return list(chosen)[:max_pages]
