"""A fleet run's shared state (crawler.fleet) on a real Redis: claims, budgets, politeness, draining."""

from __future__ import annotations

import multiprocessing as mp
import time
import uuid
from datetime import date

import pytest

from crawler.fleet import STALE_SECONDS, Fleet, RunDescriptor, connect, open_runs


@pytest.fixture
def run_id() -> str:
    return f"t.{uuid.uuid4().hex[:12]}"


def _fleet(redis_url: str, run_id: str, worker: str) -> Fleet:
    return Fleet(connect(redis_url), run_id, worker)


def _claim_all(redis_url: str, run_id: str, worker: str, urls: list[str], out) -> None:
    fleet = _fleet(redis_url, run_id, worker)
    won = []
    for i in range(0, len(urls), 10):
        won += fleet.claim(urls[i:i + 10])
    out.put(won)


def test_every_url_is_claimed_by_exactly_one_worker(redis_url, run_id):
    urls = [f"http://127.0.0.1/p/{i}.html" for i in range(400)]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    workers = [ctx.Process(target=_claim_all, args=(redis_url, run_id, f"w{i}", urls[::-1] if i % 2 else urls, out))
               for i in range(3)]
    for w in workers:
        w.start()
    won = [out.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(30)
    assert sorted(u for part in won for u in part) == sorted(urls)  # each once, none lost
    assert _fleet(redis_url, run_id, "x").claim(urls[:5]) == []


def test_page_budget_and_pager_cap_are_fleet_wide(redis_url, run_id):
    a, b = _fleet(redis_url, run_id, "a"), _fleet(redis_url, run_id, "b")
    granted = [f.take_budget(5) for f in (a, b, a, b, a, b, a)]
    assert granted == [True] * 5 + [False] * 2
    assert [a.pager("/list/", 2), b.pager("/list/", 2), a.pager("/list/", 2), b.pager("/other/", 2)] == [
        True, True, False, True]


def _reserve_many(redis_url: str, run_id: str, worker: str, count: int, interval: float, out) -> None:
    fleet = _fleet(redis_url, run_id, worker)
    slots = []
    for _ in range(count):
        slot, wait = fleet.reserve_slot("127.0.0.1:9", interval)
        time.sleep(wait)
        slots.append(slot)
    out.put(slots)


def test_request_starts_are_spaced_across_the_fleet(redis_url, run_id):
    """Two workers asking as fast as they can still start requests to one host ``interval`` apart."""
    interval = 0.05
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    workers = [ctx.Process(target=_reserve_many, args=(redis_url, run_id, f"w{i}", 15, interval, out))
               for i in range(2)]
    for w in workers:
        w.start()
    started = time.monotonic()
    slots = sorted(s for _ in workers for s in out.get(timeout=60))
    for w in workers:
        w.join(30)
    elapsed = time.monotonic() - started
    gaps = [round(b - a, 6) for a, b in zip(slots, slots[1:], strict=False)]
    assert len(slots) == 30
    assert min(gaps) >= interval, gaps  # the slots the two workers were granted, on the server's clock
    assert elapsed >= interval * 28  # and each waited for its slot
    assert _fleet(redis_url, run_id, "c").reserve("127.0.0.1:9", 0) == 0.0


def test_draining_needs_an_empty_queue_and_no_live_busy_worker(redis_url, run_id):
    a, b = _fleet(redis_url, run_id, "a"), _fleet(redis_url, run_id, "b")
    a.heartbeat(busy=True, pages=3)
    b.heartbeat(busy=False, pages=1)
    assert a.live_busy() == ["a"] and not a.idle_everywhere()
    a.heartbeat(busy=False, pages=4)
    assert a.idle_everywhere() and a.counters() == {"a": 4, "b": 1}
    a.r.zadd(a.queue_key, {b"request": 0})
    assert not a.idle_everywhere()
    a.r.delete(a.queue_key)
    # a busy worker that stopped beating is dead: its work is reconciled, it no longer blocks draining
    import json

    a.r.hset(a.key("workers"), "dead", json.dumps({"busy": True, "at": time.time() - STALE_SECONDS - 1, "pages": 9}))
    assert a.idle_everywhere()
    assert a.lock_reconcile() and not b.lock_reconcile()
    a.unlock_reconcile()
    assert b.lock_reconcile()


def test_claimed_links_keep_their_route_until_the_store_answers_them(redis_url, run_id):
    fleet = _fleet(redis_url, run_id, "a")
    other = _fleet(redis_url, run_id, "b")
    assert fleet.claim_routes([("http://x/a.html", "a", 1, "http://x/"), ("http://x/f.pdf", "a", 1, "http://x/"),
                               ("http://x/list_1.html", "pager", 0, "http://x/")]) == [
        "http://x/a.html", "http://x/f.pdf", "http://x/list_1.html"]
    # a second claim of the same links (another page links them too) wins nothing and keeps the first route
    assert other.claim_routes([("http://x/a.html", "img", 5, "http://x/z.html"),
                               ("http://x/b.html", "a", 2, "http://x/a.html")]) == ["http://x/b.html"]
    assert fleet.claim(["http://x/final.html"]) == ["http://x/final.html"]  # seen, never to be fetched
    assert fleet.missing({"http://x/a.html", "http://x/f.pdf"}) == [
        ("http://x/b.html", "a", 2, "http://x/a.html"), ("http://x/list_1.html", "pager", 0, "http://x/")]
    assert [fleet.attempt("http://x/b.html") for _ in range(2)] == [1, 2]
    assert not fleet.done()
    fleet.mark_done()
    assert fleet.done()


def test_a_dead_workers_loose_ends_are_found(redis_url, run_id, store_at):
    """What reconciliation must finish after a worker died: each kind once, and nothing that was finished.

    The crawl process writes a page's fetch outcome, a page worker its facts, each in its own
    batches, and the links are claimed in Redis in between; a kill can fall anywhere among them.
    """
    from govcrawl.model import LinkOutcome, LinkState, PageFacts, RunInfo
    from govcrawl.store import Store

    home, a, b, c, pdf = "http://x/", "http://x/a.html", "http://x/b.html", "http://x/c.html", "http://x/f.pdf"
    fleet = _fleet(redis_url, run_id, "dead")
    fleet.claim_routes([(home, "a", 0, None)])  # the start page: a link of no page
    fleet.claim_routes([(u, "a", 1, home) for u in (a, b, c, pdf)], page=home)
    fleet.claim_routes([], page="http://x/empty.html")  # a page with no new links is routed all the same

    def fetched(url: str, status: int = 200) -> LinkOutcome:
        return LinkOutcome(url, LinkState.OK if status == 200 else LinkState.BROKEN, status, f"HTTP {status}",
                           None, True, "PAGE")

    with Store(store_at) as store:
        store.begin_run(RunInfo(id=run_id, site="x", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1)))
        store.add_pages(run_id, [PageFacts(home, 200, content_type="text/html"),   # stored, routed, reported
                                 PageFacts(a, 200, content_type="text/html"),      # stored, links never claimed
                                 PageFacts(c, 404, content_type="text/html")])     # stored, outcome never written
        store.add_outcomes(run_id, [fetched(home), fetched(a), fetched(b),  # b: its facts died unwritten
                                    LinkOutcome(pdf, LinkState.OK, 200, "HTTP 200", None, True, "HEAD")])
        assert fleet.missing(store.answered_urls(run_id)) == [(b, "a", 1, home)]
        assert fleet.unrouted(store.page_urls(run_id)) == [a, c]
        assert store.pages_without_outcome(run_id) == [c]
        fleet.mark_routed([c])  # an error page has no links to route
        assert fleet.unrouted(store.page_urls(run_id)) == [a]
        store.add_outcomes(run_id, [fetched(c, 404)])
        assert store.pages_without_outcome(run_id) == []


def test_open_runs_are_published_and_retired(redis_url, run_id):
    fleet = _fleet(redis_url, run_id, "coordinator")
    descriptor = RunDescriptor(run_id, "demo", "/data/demo.sqlite", "2023-11-01", "abc", None)
    fleet.publish(descriptor)
    assert descriptor in open_runs(fleet.r)
    fleet.retire()
    assert descriptor not in open_runs(fleet.r)


def test_a_missed_slot_is_given_back_not_sent_late():
    """A process that stalls past its start slot asks for a new one instead of bursting overdue requests."""
    import asyncio

    from crawler.fleet import wait_for_slot

    asked = []

    def reserve() -> float:
        asked.append(time.monotonic())
        return 0.01

    async def stalled(seconds: float) -> None:
        time.sleep(seconds + 0.05)  # woken 50 ms late, more than the 20 ms interval

    asyncio.run(wait_for_slot(reserve, 0.02, stalled))
    assert len(asked) == 5  # given back each time, and sent after the last try: never starved
    asked.clear()
    asyncio.run(wait_for_slot(reserve, 0.02, asyncio.sleep))
    assert len(asked) == 1


def test_the_first_robots_verdict_stands_for_every_worker(redis_url, run_id):
    """A worker whose robots.txt fetch failed must not crawl what the others refuse: one verdict per host."""
    a, b = _fleet(redis_url, run_id, "a"), _fleet(redis_url, run_id, "b")
    assert a.robots("127.0.0.1:8080") is None
    rules = ("rules", b"User-agent: *\nDisallow: /admin/\n")
    assert a.robots("127.0.0.1:8080", rules) == rules
    assert b.robots("127.0.0.1:8080", ("unreachable", b"HTTP 500")) == rules  # b's later failure is not kept
    assert b.robots("127.0.0.1:8080") == rules
    assert b.robots("127.0.0.1:9090", ("none", b"")) == ("none", b"")
    assert _fleet(redis_url, "other-run", "a").robots("127.0.0.1:8080") is None  # per run
