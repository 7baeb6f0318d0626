"""The queue of pages still to fetch: in memory up to a budget, on disk past it, first in, first out.

Breadth-first over a large portal, the queue of discovered pages holds tens of
thousands of requests at once; in memory they grew the crawl process with the
portal, so past ``GOVCRAWL_FRONTIER_IN_MEMORY`` they wait on disk. Below it they
stay in memory, a page request as the few values the spider makes it again from
(crawler.frontier). The run records where its page requests were queued.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
import scrapy
from scrapy.utils.test import get_crawler

from crawler.frontier import WHOLE_REQUEST, Frontier
from crawler.spiders.portal import PortalSpider
from govcrawl.config import parse_config
from tests.sites import crawl, serve, static_handler

ARTICLES = 60
HOST = "http://www.example.gov.cn"


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


def _crawled(tmp_path, budget: int | None) -> tuple[list[str], dict]:
    settings = None if budget is None else {"GOVCRAWL_FRONTIER_IN_MEMORY": budget}
    with serve(static_handler(_portal())) as base:
        _, urls = crawl(base, tmp_path, settings=settings)
    with sqlite3.connect(tmp_path / "data" / "t.sqlite") as db:
        stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    assert not list((tmp_path / "data").glob(".frontier-*"))  # removed when the crawl ended
    return urls, stats


def test_the_queue_of_pages_stays_in_memory_below_its_budget(tmp_path):
    urls, stats = _crawled(tmp_path, None)
    assert len(urls) == ARTICLES + 1
    # every page request (the start page included) waited in memory, none on disk
    assert stats["frontier"] == {"on_disk": 0, "in_memory": ARTICLES + 1}


def test_with_no_budget_every_page_request_waits_on_disk(tmp_path):
    urls, stats = _crawled(tmp_path, 0)
    assert {url.rsplit("/", 1)[1] for url in urls} == {""} | {f"a{i}.html" for i in range(ARTICLES)}
    assert stats["frontier"] == {"on_disk": ARTICLES + 1, "in_memory": 0}


def test_past_its_budget_the_queue_of_pages_waits_on_disk(tmp_path):
    urls, stats = _crawled(tmp_path, 10)
    assert {url.rsplit("/", 1)[1] for url in urls} == {""} | {f"a{i}.html" for i in range(ARTICLES)}
    # 10 units hold 10 of the home page's articles at a time (more over the crawl, as the first are fetched
    # while the last are queued); the others wait on disk
    frontier = stats["frontier"]
    assert frontier["on_disk"] + frontier["in_memory"] == ARTICLES + 1
    assert 0 < frontier["on_disk"] <= ARTICLES - 10, frontier


# -- the queue itself, on a real Scrapy crawler --------------------------------------------------
def _spider() -> PortalSpider:
    config = parse_config({"sites": {"x": {"name": "测试", "start_urls": [HOST + "/"], "owner": "办公室"}}})
    return PortalSpider(site=config.sites["x"], site_id="x", run_id="x.1", store_path="/nonexistent",
                        today=date(2023, 11, 1))


def _crawler(tmp_path, budget: int, spider: scrapy.Spider | None = None):
    crawler = get_crawler(PortalSpider, {"GOVCRAWL_FRONTIER_IN_MEMORY": budget, "JOBDIR": str(tmp_path)})
    crawler.spider = spider if spider is not None else scrapy.Spider("plain")
    if spider is not None:
        spider.crawler = crawler
    return crawler


def _queued(spider: PortalSpider, n: int, depth: int = 2) -> scrapy.Request:
    """A page request as the spider middlewares hand it to the scheduler: Referer set, priority by depth."""
    referer = f"{HOST}/list/index_{n % 3}.html"
    request = spider._page_request(f"{HOST}/art/t{n}.html", depth, referer)
    request.headers.setdefault(b"Referer", referer.encode())
    request.priority = -depth
    return request


def _urls(requests) -> list[str]:
    return [request.url for request in requests]


def test_requests_come_out_in_the_order_they_went_in_across_memory_and_disk(tmp_path):
    crawler = _crawler(tmp_path, 3 * WHOLE_REQUEST)
    queue = Frontier(crawler, str(tmp_path / "q"))
    made = [scrapy.Request(f"{HOST}/p{i}.html") for i in range(12)]
    out = []
    for request in made[:8]:  # 3 held in memory, the next 5 go to disk
        queue.push(request)
    assert len(queue) == 8
    out += [queue.pop(), queue.pop()]
    for request in made[8:]:  # older requests are on disk: these go after them, to disk too
        queue.push(request)
    while len(queue):
        out.append(queue.pop())
    assert _urls(out) == _urls(made)
    assert queue.pop() is None
    assert crawler.stats.get_value("govcrawl/frontier/on_disk") == 9
    # drained, the queue holds the next ones in memory again
    queue.push(made[0])
    assert crawler.stats.get_value("govcrawl/frontier/on_disk") == 9
    assert queue.peek().url == made[0].url
    queue.close()


def test_the_budget_is_the_crawls_not_each_queues(tmp_path):
    crawler = _crawler(tmp_path, 2 * WHOLE_REQUEST)
    first, second = Frontier(crawler, str(tmp_path / "1")), Frontier(crawler, str(tmp_path / "2"))
    first.push(scrapy.Request(f"{HOST}/a.html"))
    first.push(scrapy.Request(f"{HOST}/b.html"))
    second.push(scrapy.Request(f"{HOST}/c.html"))  # the two in memory are the crawl's whole budget
    assert crawler.stats.get_value("govcrawl/frontier/on_disk") == 1
    first.close()  # a closed queue gives its share back
    third = Frontier(crawler, str(tmp_path / "3"))
    third.push(scrapy.Request(f"{HOST}/d.html"))
    assert crawler.stats.get_value("govcrawl/frontier/on_disk") == 1
    assert second.pop().url == f"{HOST}/c.html" and third.pop().url == f"{HOST}/d.html"


def test_a_page_request_waits_as_a_few_values_and_comes_back_the_same(tmp_path):
    spider = _spider()
    spider.validators = {f"{HOST}/art/t1.html": ('"5f3a"', "Wed, 01 Nov 2023 08:00:00 GMT")}
    crawler = _crawler(tmp_path, 10, spider)
    queue = Frontier(crawler, str(tmp_path / "q"))
    made = [_queued(spider, n) for n in range(4)]
    made.append(spider._page_request(HOST + "/", 0, None))  # a start page: no referer
    made[2].headers[b"Referer"] = b"http://www.other.gov.cn/"  # a Referer that is not the page the link was on
    made[3] = spider._page_request(made[3].url, 2, made[3].meta["gc_ref"], conditional=False)  # asked again, plainly
    for request in made:
        assert type(spider.frontier_entry(request)) is tuple
        queue.push(request)
    assert crawler.stats.get_value("govcrawl/frontier/on_disk") is None
    assert spider.frontier_entry(made[1]) is not None and made[1].headers.get(b"If-None-Match") == b'"5f3a"'
    back = [queue.pop() for _ in made]
    assert [request.to_dict(spider=spider) for request in back] == [request.to_dict(spider=spider) for request in made]


def _redirected(spider: PortalSpider) -> scrapy.Request:
    request = _queued(spider, 7)
    return request.replace(url=f"{HOST}/moved/t7.html", meta={**request.meta, "redirect_times": 1,
                                                              "redirect_urls": [request.url]})


@pytest.mark.parametrize("look_alike", [
    _redirected,  # a redirect's history in its meta
    lambda spider: _queued(spider, 1).replace(url=f"{HOST}/elsewhere.html"),  # its URL is not its page's
    lambda spider: _queued(spider, 1).replace(meta={**_queued(spider, 1).meta, "retry_times": 1}),
    lambda spider: _queued(spider, 1).replace(meta={**_queued(spider, 1).meta, "is_start_request": True}),
    lambda spider: _queued(spider, 1).replace(headers={"Referer": f"{HOST}/", "Cookie": "JSESSIONID=1"}),
    lambda spider: _queued(spider, 1).replace(method="POST", body=b"page=2"),
    lambda spider: _queued(spider, 1).replace(callback=spider.failed),
    lambda spider: _queued(spider, 1).replace(cb_kwargs={"column": "zcwj"}),
    lambda spider: _queued(spider, 1).replace(dont_filter=False),
    # conditional, but the spider has no validators for it (a made-up header set): kept as it is
    lambda spider: _queued(spider, 1).replace(headers={"If-None-Match": '"x"'},
                                              meta={**_queued(spider, 1).meta, "gc_conditional": True}),
])
def test_any_other_request_waits_whole_and_comes_back_the_same(tmp_path, look_alike):
    spider = _spider()
    crawler = _crawler(tmp_path, 10 * WHOLE_REQUEST, spider)
    queue = Frontier(crawler, str(tmp_path / "q"))
    request = look_alike(spider)
    assert spider.frontier_entry(request) is None
    queue.push(request)
    assert queue.pop() is request
