"""Never-ending URL spaces that only a long crawl would reveal, walked through the spider's own routing.

The hostile crawl (test_crawl_attacks) shows the calendar, session-id and
repeated-segment traps cut on a real server. One trap needs thousands of
pages to show itself: a list whose 下一页 ("next page") link always points one
page further (a CMS that answers any page number with the last page). Pager
links keep their page's depth, by design (page 40 of a column is not
"deeper"), so neither max_depth nor the query guard ends such a chain. Walking
the spider's ``_follow`` decision a few thousand times shows where it stops,
without fetching anything.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from crawler.extract.pagination import MAX_PAGES
from crawler.pageworker import Routing
from crawler.spiders.portal import PortalSpider
from govcrawl.config import parse_config

HOST = "http://www.example.gov.cn"
WALK = 5000  # far past any sensible bound, far short of max_pages (100,000)


def _spider() -> PortalSpider:
    config = parse_config({"sites": {"x": {"name": "测试", "start_urls": [HOST + "/"], "owner": "办公室"}}})
    spider = PortalSpider(site=config.sites["x"], site_id="x", run_id="x.1", store_path="/nonexistent",
                          today=date(2023, 11, 1))
    spider.crawler = SimpleNamespace(stats=SimpleNamespace(inc_value=lambda *args, **kwargs: None))
    return spider


def _walk(spider: PortalSpider, first: str, next_of: callable, *, pager: bool) -> int:
    """Follow ``next_of`` from ``first`` as the spider would; return how many pages it agreed to fetch."""
    url, depth, followed = first, 1, 0
    spider.seen.add(first)
    for n in range(WALK):
        nxt = next_of(n)
        routing = Routing([], [nxt], None) if pager else Routing([(nxt, "a")], [], None)
        requests = list(spider._follow(routing, depth, url))
        if not requests:
            break
        followed += 1
        url = nxt
        depth = requests[0].meta["gc_depth"]
    return followed


def test_plain_next_links_stop_at_max_depth() -> None:
    followed = _walk(_spider(), HOST + "/n/0.html", lambda n: f"{HOST}/n/{n + 1}.html", pager=False)
    assert followed == 29  # depth 1 -> 30 (limits.max_depth)


def test_calendar_behind_a_pager_link_stops_a_year_ahead() -> None:
    def month(n: int) -> str:
        year, mon = divmod(2023 * 12 + 10 + n + 1, 12)
        return f"{HOST}/cal.jsp?month={year}-{mon + 1:02d}"

    followed = _walk(_spider(), month(-1), month, pager=True)
    assert followed == 13  # from 2023-11: 2023-12 … 2024-12; 2025-01 is refused


def test_query_pager_stops_at_the_per_path_budget() -> None:
    followed = _walk(_spider(), HOST + "/list.jsp?page=0", lambda n: f"{HOST}/list.jsp?page={n + 1}", pager=True)
    assert followed <= 1000


def test_endless_path_pager_is_cut() -> None:
    followed = _walk(_spider(), HOST + "/list/0.html", lambda n: f"{HOST}/list/{n + 1}.html", pager=True)
    assert followed <= MAX_PAGES
