"""Checks that walk a site's pages together (``SiteFacts.walk_together`` / ``together``).

A streamed check phase makes the checks take turns walking the pages, a few pages each,
so that each page is read from the store once for all of them. What a check finds must
not depend on it, and no way of walking (nested walks, a walk left open, an error) may
hang the others.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest

from govcrawl.facts import TURN_PAGES, SiteFacts
from govcrawl.model import DocInfo, LinkFacts, PageFacts, Region, RunInfo
from govcrawl.store import Store

RUN = RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1))
STEP = TURN_PAGES


def _pages(count: int) -> list[PageFacts]:
    return [PageFacts(url=f"http://x.cn/p{n}.html", status=200, content_type="text/html", title=f"第{n}页",
                      doc=DocInfo(index_no=f"idx-{n}"), text=f"第{n}页的正文",
                      links=[LinkFacts(f"http://x.cn/f{n}.pdf", "a", "href", "附件", Region.BODY)])
            for n in range(count)]


def _site(pages: list[PageFacts]) -> SiteFacts:
    site = SiteFacts.build(pages)
    site.walk_together()
    return site


def test_jobs_take_turns_walking_and_answer_in_order():
    site = _site(_pages(200))
    steps: list[tuple[int, int]] = []  # (job, page number) in the order they happened
    threads: set[str] = set()

    def walk(job: int) -> list[str]:
        threads.add(threading.current_thread().name)
        found = []
        for n, page in enumerate(site.pages):
            steps.append((job, n))
            if page.url.endswith(f"/p{job}.html"):
                found.append(f"{job}:{page.url}")
        return found

    results = site.together([lambda job=job: walk(job) for job in range(5)])
    assert results == [[f"{job}:http://x.cn/p{job}.html"] for job in range(5)]
    assert threads == {threading.current_thread().name}  # no thread of their own
    # Turns: STEP pages of job 0, then of job 1, …, then the next STEP pages of job 0.
    assert steps[:5 * STEP] == [(job, n) for job in range(5) for n in range(STEP)]
    assert steps[5 * STEP] == (0, STEP)
    # So every job reads a page within one round of the others.
    when = {step: at for at, step in enumerate(steps)}
    for n in range(200):
        times = [when[job, n] for job in range(5)]
        assert max(times) - min(times) < 5 * STEP


def test_without_walk_together_jobs_run_one_after_another_in_this_thread():
    site = SiteFacts.build(_pages(10))
    names = site.together([lambda: threading.current_thread().name] * 3)
    assert names == [threading.current_thread().name] * 3 and not site.walks_together


def test_nested_and_abandoned_walks_do_not_hang_the_others():
    site = _site(_pages(300))

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


def test_an_open_walk_can_be_finished_by_another_job():
    site = _site(_pages(100))
    handed: list = []

    def starts() -> int:
        walk = iter(site.pages)
        first = [next(walk) for _ in range(STEP + 4)]  # past its first turn
        handed.append(walk)
        return len(first)

    def finishes() -> int:
        for _page in site.pages:  # starts() hands its walk over during this walk's first turn
            if handed:
                break
        return sum(1 for _ in handed[0])

    assert site.together([starts, finishes]) == [STEP + 4, 100 - STEP - 4]


@pytest.mark.parametrize(("raised", "others_ended"), [
    (ValueError("第40页出错"), [100, 100]),  # an error: raised once the other jobs have ended
    (KeyboardInterrupt(), []),  # Ctrl+C: at once, the other checks are not waited for
])
def test_a_job_that_raises(raised: BaseException, others_ended: list[int]):
    site = _site(_pages(100))
    ended: list[int] = []

    def fine() -> int:
        count = sum(1 for _ in site.pages)
        ended.append(count)
        return count

    def broken() -> int:
        for n, _page in enumerate(site.pages):
            if n == 40:
                raise raised
        return 0

    with pytest.raises(type(raised)):
        site.together([fine, broken, fine])
    assert ended == others_ended


def test_streamed_pages_walked_together_are_read_once_for_all_walkers(tmp_path, monkeypatch):
    """The point of walking together: eight walkers reading each page's bulk (its 信息公开 header and
    its text) cost one read a page and part, where one walker after another reads each page eight times."""
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
        site = _site(list(store.pages(RUN.id, stream=True)))

        def walker() -> list[tuple[str | None, str]]:
            return [(page.doc.index_no if page.doc else None, page.text) for page in site.html_pages()]

        results = site.together([walker] * 8)
        assert results == [[(f"idx-{n}", f"第{n}页的正文") for n in range(400)]] * 8
        assert len(reads) == 400 * 2  # once a page and part
        reads.clear()
        sequential = SiteFacts.build(list(store.pages(RUN.id, stream=True)))
        assert sequential.together([walker] * 8) == results
        assert len(reads) == 400 * 2 * 8  # the cache holds the last pages only: each walk reads them again
