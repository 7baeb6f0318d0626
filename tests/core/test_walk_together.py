"""Checks that walk a site's pages together (``SiteFacts.walk_together`` / ``together``).

A streamed check phase runs the checks side by side so that each page is read from the
store once for all of them. What a check finds must not depend on it, and no way of
walking (nested walks, a walk left open, an error) may hang the others.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest

from govcrawl.facts import SiteFacts
from govcrawl.model import DocInfo, LinkFacts, PageFacts, Region, RunInfo
from govcrawl.store import Store

RUN = RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1))


def _pages(count: int) -> list[PageFacts]:
    return [PageFacts(url=f"http://x.cn/p{n}.html", status=200, content_type="text/html", title=f"第{n}页",
                      doc=DocInfo(index_no=f"idx-{n}"),
                      links=[LinkFacts(f"http://x.cn/f{n}.pdf", "a", "href", "附件", Region.BODY)])
            for n in range(count)]


def _site(pages: list[PageFacts], window: int = 16) -> SiteFacts:
    site = SiteFacts.build(pages)
    site.walk_together(window)
    return site


def test_jobs_run_side_by_side_and_answer_in_order():
    site = _site(_pages(200))
    seen: set[str] = set()

    def walk(n: int) -> list[str]:
        seen.add(threading.current_thread().name)
        return [f"{n}:{page.url}" for page in site.pages if page.url.endswith(f"/p{n}.html")]

    results = site.together([lambda n=n: walk(n) for n in range(5)])
    assert results == [[f"{n}:http://x.cn/p{n}.html"] for n in range(5)]
    assert len(seen) == 5 and threading.current_thread().name not in seen  # each job in a thread of its own


def test_without_walk_together_jobs_run_one_after_another_in_this_thread():
    site = SiteFacts.build(_pages(10))
    names = site.together([lambda: threading.current_thread().name] * 3)
    assert names == [threading.current_thread().name] * 3 and not site.walks_together


def test_nested_and_abandoned_walks_do_not_hang_the_others():
    site = _site(_pages(300), window=8)

    def nested() -> int:  # a walk inside a walk: the outer one is paused, not waited for
        total = 0
        for n, _page in enumerate(site.pages):
            if n % 100 == 0:
                total += sum(1 for _ in site.html_pages())
        return total

    def abandoned() -> int:  # a walk left open after ten pages, then a whole walk
        left_open = iter(site.pages)
        for _ in range(10):
            next(left_open)
        count = sum(1 for _ in site.pages)
        del left_open
        return count

    def stops_early() -> str:
        for page in site.pages:
            if page.url.endswith("p20.html"):
                return page.title or ""
        return ""

    finished: list = []
    worker = threading.Thread(target=lambda: finished.append(site.together([nested, abandoned, stops_early])))
    worker.start()
    worker.join(120)  # a hang would never end; a pass takes well under a second
    assert not worker.is_alive(), "walking together hung"
    assert finished == [[900, 300, "第20页"]]


def test_an_error_in_one_job_is_raised_after_all_have_ended():
    site = _site(_pages(100))
    ended: list[int] = []

    def fine() -> int:
        count = sum(1 for _ in site.pages)
        ended.append(count)
        return count

    def broken() -> int:
        for n, _page in enumerate(site.pages):
            if n == 40:
                raise ValueError("第40页出错")
        return 0

    with pytest.raises(ValueError, match="第40页出错"):
        site.together([fine, broken, fine])
    assert ended == [100, 100]


def test_streamed_pages_walked_together_are_read_once_for_all_walkers(tmp_path, monkeypatch):
    """The point of walking together: eight walkers reading each page's bulk cost about one read a page,
    where one walker after another would read each page eight times."""
    monkeypatch.setattr("govcrawl.store._CACHED", 48)  # fewer decoded pages kept than the run has
    pages = _pages(400)
    with Store(tmp_path / "s.sqlite") as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
        reads: list[int] = []
        real = Store._page_part

        def counted(self, page_id, part):
            reads.append(page_id)
            return real(self, page_id, part)

        monkeypatch.setattr(Store, "_page_part", counted)
        site = _site(list(store.pages(RUN.id, stream=True)), window=16)

        def walker() -> list[str | None]:
            return [page.doc.index_no if page.doc else None for page in site.html_pages()]

        results = site.together([walker] * 8)
        assert results == [[f"idx-{n}" for n in range(400)]] * 8
        assert len(reads) < 400 * 3  # once a page, with room for a walker the machine left behind
        reads.clear()
        sequential = SiteFacts.build(list(store.pages(RUN.id, stream=True)))
        assert sequential.together([walker] * 8) == results
        assert len(reads) == 400 * 8  # the cache holds the last pages only: each walk reads them again
