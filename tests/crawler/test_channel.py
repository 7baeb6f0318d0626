"""crawler.channel: the crawl's helper processes on a socket, with real child processes."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from datetime import date
from pathlib import Path

import pytest

from crawler.channel import _HEADER, ORPHANED, Channel, HelperFailed, HelperLost
from crawler.pageworker import PageWorkers
from govcrawl.model import PageFacts, RunInfo
from govcrawl.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _helpers_importable(monkeypatch):
    """The helper module lives under tests/, which the child (started with -P) finds only through PYTHONPATH."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


def _echo(init: object = "init") -> Channel:
    return Channel("tests.crawler.channel_helpers", "echo_serve", init)


def test_answers_come_back_to_their_requests_even_when_larger_than_the_socket_buffer():
    async def main():
        channel = _echo({"run": 1})
        payloads = [bytes([n]) * (3_000_000 + n) for n in range(12)]  # far beyond a socketpair's buffer
        answers = await asyncio.gather(*(channel.request("echo", p) for p in payloads))
        assert [a[1] for a in answers] == payloads
        assert all(a[0] == {"run": 1} for a in answers)
        lengths = await asyncio.gather(*(channel.request("length", p) for p in payloads))
        assert lengths == [len(p) for p in payloads]
        assert channel.wait(channel.request("close"), timeout=30) == "bye"
        return channel.close()

    assert asyncio.run(main()) == 0


def test_a_failing_request_fails_alone():
    async def main():
        channel = _echo()
        with pytest.raises(HelperFailed, match="ValueError: 坏页面"):
            await channel.request("boom", "坏页面")
        assert (await channel.request("echo", 5))[1] == 5
        channel.wait(channel.request("close"), timeout=30)
        return channel.close()

    assert asyncio.run(main()) == 0


def test_a_helper_that_dies_fails_every_waiting_request_and_the_later_ones():
    async def main():
        channel = _echo()
        waiting = [channel.request("echo", n) for n in range(3)]
        dying = channel.request("die")
        after = channel.request("echo", "never answered")
        results = await asyncio.gather(*waiting, dying, after, return_exceptions=True)
        assert [r[1] for r in results[:3]] == [0, 1, 2]
        assert all(isinstance(r, HelperLost) for r in results[3:])
        assert channel.lost
        with pytest.raises(HelperLost):
            await channel.request("echo", 1)
        return channel.close()

    assert asyncio.run(main()) == 3


def test_a_helper_whose_crawl_goes_away_exits_by_itself():
    async def main():
        channel = _echo()
        assert (await channel.request("echo", 1))[1] == 1
        channel._detach()
        channel.sock.close()  # as when the crawl process is killed: end-of-file, no "close"
        return channel.process.wait(30)

    assert asyncio.run(main()) == ORPHANED


def test_a_helper_starts_without_the_cli_and_its_config_models():
    """The point of not using multiprocessing's spawn: the child does not re-import govcrawl's CLI (pydantic)."""

    async def main():
        channel = _echo()
        loaded = await channel.request("modules", "govcrawl.cli", "govcrawl.config", "pydantic",
                                       "multiprocessing.resource_tracker", "crawler.channel")
        channel.wait(channel.request("close"), timeout=30)
        channel.close()
        return loaded

    assert asyncio.run(main()) == ["crawler.channel"]


def _maps(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_page_workers_store_what_they_extract_and_leave_no_helper_behind(tmp_path):
    store_path = str(tmp_path / "s.sqlite")
    with Store(store_path) as store:
        store.begin_run(RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1)))
    html = ("<html><head><title>通知公告</title></head><body><h1>关于开展检查的通知</h1>"
            "<a href='/zwgk/a.html'>甲</a><img src='/img/b.png' alt='乙'><a href='/zwgk/a.html#x'>再次</a>"
            "</body></html>").encode()

    async def main():
        workers = PageWorkers(store_path, "s.1", 2, today=date(2023, 11, 1))
        pids = [c.process.pid for c in workers.channels]
        pages = [PageFacts(url=f"http://127.0.0.1/zwgk/{n}.html", status=200, content_type="text/html")
                 for n in range(5)]
        routed = await asyncio.gather(*(workers.extract(p, html, "text/html; charset=utf-8") for p in pages))
        maps = [_maps(pid) for pid in pids]
        ok = workers.close()
        return routed, maps, ok, [c.process.returncode for c in workers.channels]

    routed, maps, ok, codes = asyncio.run(main())
    assert ok and codes == [0, 0]
    for routing, stored in routed:
        assert stored
        assert routing.links == [("http://127.0.0.1/zwgk/a.html", "a"), ("http://127.0.0.1/img/b.png", "img")]
    assert not any("pydantic_core" in m for m in maps), "a page worker loaded the config models"
    with Store(store_path) as store:
        stored = {p.url: p.heading for p in store.pages("s.1")}
    assert stored == {f"http://127.0.0.1/zwgk/{n}.html": "关于开展检查的通知" for n in range(5)}


def test_the_crawl_process_extracts_pages_itself_only_while_its_worker_is_behind(tmp_path):
    """share_above: pages beyond that many waiting at the worker are extracted by the caller (not stored by it)."""
    store_path = str(tmp_path / "s.sqlite")
    with Store(store_path) as store:
        store.begin_run(RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1)))
    html = "<html><body><h1>通知</h1><a href='/zwgk/a.html'>甲</a><img src='/img/b.png' alt='乙'></body></html>".encode()

    def pages(tag: str) -> list[PageFacts]:
        return [PageFacts(url=f"http://127.0.0.1/{tag}/{n}.html", status=200, content_type="text/html")
                for n in range(6)]

    async def main(share_above):
        workers = PageWorkers(store_path, "s.1", 1, today=date(2023, 11, 1), share_above=share_above)
        behind = pages(f"behind{share_above}")
        # All asked at once: the first two go to the worker, which is then two pages behind.
        routed = await asyncio.gather(*(workers.extract(p, html, "text/html") for p in behind))
        # One at a time: the worker has caught up each time, so it takes every page.
        alone = [await workers.extract(p, html, "text/html") for p in pages(f"alone{share_above}")]
        here = workers.extracted_here
        assert workers.close()
        return behind, routed, alone, here

    behind, routed, alone, here = asyncio.run(main(1))
    assert [stored for _, stored in routed] == [True, True, False, False, False, False] and here == 4
    assert all(stored for _, stored in alone)
    assert len({tuple(routing.links) for routing, _ in routed + alone}) == 1  # the same routing wherever extracted
    assert [p.heading for p in behind[2:]] == ["通知"] * 4  # extracted here, for the caller to store
    with Store(store_path) as store:
        stored = {p.url for p in store.pages("s.1")}
    assert stored == {p.url for p in behind[:2]} | {f"http://127.0.0.1/alone1/{n}.html" for n in range(6)}

    _, routed, _, here = asyncio.run(main(None))  # None: every page to the worker while it lives
    assert all(stored for _, stored in routed) and here == 0


def _answers_in_socket(channel: Channel, count: int, timeout: float = 30) -> None:
    """Wait, without running the event loop, until ``count`` whole answers wait in the channel's socket."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = channel.sock.recv(1 << 20, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            data = b""
        whole, at = 0, 0
        while at + _HEADER.size <= len(data):
            end = at + _HEADER.size + _HEADER.unpack_from(data, at)[0]
            if end > len(data):
                break
            whole, at = whole + 1, end
        if whole >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} answers after {timeout} s")


def test_answers_already_in_the_socket_are_collected_before_the_loop_reads_them():
    async def main():
        channel = _echo()
        asked = [channel.request("echo", n) for n in range(3)]
        _answers_in_socket(channel, 3)
        waiting = channel.pending  # answered, but nothing has read the answers yet
        channel.collect()
        assert [f.result()[1] for f in asked] == [0, 1, 2]
        channel.wait(channel.request("close"), timeout=30)
        return waiting, channel.pending, channel.close()

    assert asyncio.run(main()) == (3, 0, 0)


def test_a_worker_whose_answers_wait_unread_is_not_behind(tmp_path):
    """The crawl process is busy and has not read the worker's answers: the worker is idle, the page goes to it."""
    store_path = str(tmp_path / "s.sqlite")
    with Store(store_path) as store:
        store.begin_run(RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1)))
    html = "<html><body><h1>通知</h1><a href='/zwgk/a.html'>甲</a></body></html>".encode()

    def page(n: int) -> PageFacts:
        return PageFacts(url=f"http://127.0.0.1/zwgk/{n}.html", status=200, content_type="text/html")

    async def main():
        workers = PageWorkers(store_path, "s.1", 1, today=date(2023, 11, 1), share_above=1)
        first = [asyncio.ensure_future(workers.extract(page(n), html, "text/html")) for n in range(2)]
        await asyncio.sleep(0)  # both sent: two pages at the worker, one more than share_above
        _answers_in_socket(workers.channels[0], 2)
        unread = workers.channels[0].pending
        third = await workers.extract(page(2), html, "text/html")
        await asyncio.gather(*first)
        here = workers.extracted_here
        assert workers.close()
        return unread, third, here

    unread, (_, stored), here = asyncio.run(main())
    assert unread == 2 and stored and here == 0


def test_page_workers_that_die_leave_extraction_to_the_crawl_process(tmp_path):
    store_path = str(tmp_path / "s.sqlite")
    with Store(store_path) as store:
        store.begin_run(RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1)))

    async def main():
        workers = PageWorkers(store_path, "s.1", 1)
        workers.channels[0].process.kill()
        page = PageFacts(url="http://127.0.0.1/x.html", status=200, content_type="text/html")
        routing, stored = await workers.extract(page, b"<html><body><a href='/y.html'>y</a></body></html>",
                                                "text/html")
        return routing, stored, workers.broken, workers.close()

    routing, stored, broken, ok = asyncio.run(main())
    assert routing.links == [("http://127.0.0.1/y.html", "a")]
    assert not stored and broken and not ok


def test_a_helper_started_ahead_serves_the_channel_asking_for_it_and_the_rest_are_stopped():
    from crawler import channel as channel_module

    channel_module.prestart("tests.crawler.channel_helpers", "echo_serve", {"run": 1})
    channel_module.prestart("tests.crawler.channel_helpers", "echo_serve", {"run": 2})
    ahead = {init["run"]: process for _, _, init, process, _ in channel_module._prestarted}

    async def main():
        taken = _echo({"run": 1})
        fresh = _echo({"run": 3})  # nothing started ahead with these arguments: started now
        assert taken.process is ahead[1] and fresh.process not in ahead.values()
        assert (await taken.request("echo", "x")) == ({"run": 1}, "x")
        assert (await fresh.request("echo", "y")) == ({"run": 3}, "y")
        for channel in (taken, fresh):
            channel.wait(channel.request("close"), timeout=30)
        return [taken.close(), fresh.close()]

    assert asyncio.run(main()) == [0, 0]
    channel_module.discard_prestarted()  # the one no channel asked for
    assert channel_module._prestarted == [] and ahead[2].poll() == ORPHANED
