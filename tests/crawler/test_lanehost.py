"""The resource lane hosted as a thread of the process that waits for the crawl (``crawler.linkstatus.LaneHost``).

``crawler.apart`` gives the crawl process one end of a socket whose other end a
thread of ``govcrawl`` serves with the lane's own code. Here the crawl side is
played by this test with the real ``ResourceLane`` on a duplicate of the
descriptor (what the crawl process inherits), against a real loopback server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from crawler import channel
from crawler.linkstatus import HostPolicy, LaneHost, LanePlan, ResourceLane
from govcrawl.model import LinkState, RunInfo
from govcrawl.store import Store
from tests.sites import serve

RUN = "s.20231101-020000-000"


class _Files(BaseHTTPRequestHandler):
    """/ok.pdf answers 200, /gone.doc 404, /slow.xls only after the test is over."""

    protocol_version = "HTTP/1.1"
    release = threading.Event()

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        if self.path == "/slow.xls":
            self.release.wait(30)
        self.send_response(200 if self.path in ("/ok.pdf", "/slow.xls") else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD


def _plan(store_path: str) -> LanePlan:
    policy = HostPolicy(concurrency=4, interval=0.0)
    return LanePlan(store_path=store_path, run_id=RUN, internal_hosts=("127.0.0.1",), internal_policy=policy,
                    external_policy=policy, timeout=30, external_timeout=30, retries=0, allow_private=True,
                    user_agent="govcrawl-test", unsafe_terms=None)


def _store(tmp_path: Path) -> str:
    path = str(tmp_path / "s.sqlite")
    with Store(path) as store:
        store.begin_run(RunInfo(id=RUN, site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1)))
    return path


def test_a_hosted_lane_checks_what_the_crawl_sends_and_stores_it(tmp_path):
    store_path = _store(tmp_path)
    host = LaneHost()
    crawl_end = os.dup(host.child_fd)  # what the crawl process inherits
    host.started()
    with serve(_Files) as base:
        async def crawl():
            lane = ResourceLane(_plan(store_path), batch_size=1, host_fd=crawl_end)
            for path in ("/ok.pdf", "/gone.doc"):
                lane.submit(base + path)
            return lane.finish(timeout=60), lane.done, lane.failed

        finished, done, failed = asyncio.run(crawl())
        assert host.join(timeout=30), "the lane thread did not end after the crawl finished"
    assert (finished, done, failed) == (True, 2, 1)
    with Store(store_path) as store:
        outcomes = store.outcomes(RUN)
    assert outcomes.state(base + "/ok.pdf") is LinkState.OK
    assert outcomes.state(base + "/gone.doc") is LinkState.BROKEN


def test_a_hosted_lane_stops_writing_when_the_crawl_process_goes_away(tmp_path):
    """End-of-file on its socket (the crawl process died) ends the thread without storing anything more."""
    store_path = _store(tmp_path)
    host = LaneHost()
    crawl_end = socket.socket(fileno=os.dup(host.child_fd))
    host.started()
    _Files.release.clear()
    try:
        with serve(_Files) as base:
            channel.send(crawl_end, _plan(store_path))
            channel.send(crawl_end, (None, ("urls", [base + "/slow.xls", base + "/ok.pdf"])))
            time.sleep(1.5)  # /ok.pdf answered, the lane's one-second flush due; /slow.xls still waiting
            crawl_end.close()
            assert host.join(timeout=20), "the lane thread outlived its crawl process"
            _Files.release.set()
    finally:
        _Files.release.set()
    with Store(store_path) as store:
        assert store.outcomes(RUN).state(base + "/slow.xls") is None


def test_a_crawl_process_that_ends_before_opening_the_spider_ends_the_thread():
    host = LaneHost()
    host.started()  # nobody else holds the crawl's end: end-of-file before any plan
    assert host.join(timeout=10)


def test_a_lane_whose_crawl_failed_before_opening_its_spider_is_stopped():
    """In the crawl's own process (``run_crawl_here``) the crawl's end is a duplicate that may never be used."""
    host = LaneHost()
    unused = os.dup(host.child_fd)
    host.started()
    try:
        assert not host.join(timeout=0.5), "the lane still waits for its plan"
        host.stop()
        assert host.join(timeout=10)
    finally:
        os.close(unused)


class _Counting(BaseHTTPRequestHandler):
    """Every path answers 200 after 50 ms; counts the requests in flight at once."""

    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    now = 0
    most = 0

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        cls = type(self)
        with cls.lock:
            cls.now += 1
            cls.most = max(cls.most, cls.now)
        time.sleep(0.05)
        with cls.lock:
            cls.now -= 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD


def test_the_lane_takes_no_more_urls_at_once_than_it_may_check(tmp_path, monkeypatch):
    """Past ``MAX_PENDING`` the URLs wait unread (as plain URLs), not as tasks: all are still checked."""
    from crawler import linkstatus

    monkeypatch.setattr(linkstatus, "MAX_PENDING", 3)
    store_path = _store(tmp_path)
    plan = dataclasses.replace(_plan(store_path), internal_policy=HostPolicy(concurrency=32, interval=0.0))
    host = LaneHost()
    crawl_end = os.dup(host.child_fd)
    host.started()
    with serve(_Counting) as base:
        async def crawl():
            lane = ResourceLane(plan, batch_size=40, host_fd=crawl_end)
            for n in range(40):
                lane.submit(f"{base}/f{n}.pdf")
            return lane.finish(timeout=60), lane.done

        finished, done = asyncio.run(crawl())
        assert host.join(timeout=30)
    assert (finished, done) == (True, 40)
    assert 2 <= _Counting.most <= 3, _Counting.most
    with Store(store_path) as store:
        outcomes = store.outcomes(RUN)
    assert all(outcomes.state(f"{base}/f{n}.pdf") is LinkState.OK for n in range(40))
