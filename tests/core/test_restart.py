"""What crosses ``govcrawl run``'s restart (``govcrawl.restart``): read back, and trusted only when it is the lock."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from govcrawl.crawlphase import CrawlFailed, CrawlInterrupted, crawl_error, crawl_exception, exit_status
from govcrawl.restart import ENV, HANDOFF_ENV, Continuation, take_continuation, take_handoff
from govcrawl.runlock import RunLock, SiteBusy
from govcrawl.store import StoreError


def test_the_continuation_leaves_the_environment_when_taken(monkeypatch):
    monkeypatch.setenv(ENV, json.dumps({"site": "demo", "run": "demo.1", "lock_fd": 7}))
    assert take_continuation() == Continuation("demo", "demo.1", 7)
    assert ENV not in os.environ  # no helper process inherits it
    assert take_continuation() is None


def test_a_continuation_carries_how_the_crawl_failed(monkeypatch):
    error = {"kind": "interrupted", "message": "抓取被中断"}
    monkeypatch.setenv(ENV, json.dumps({"site": "demo", "run": "demo.1", "lock_fd": 7, "error": error}))
    assert take_continuation() == Continuation("demo", "demo.1", 7, error)


@pytest.mark.parametrize("raw", ["", "{", "[]", '{"site": "demo"}', '{"site": "demo", "run": "r", "lock_fd": "x"}',
                                 '{"site": "demo", "run": "r", "lock_fd": 7, "error": "boom"}',
                                 '{"site": "demo", "run": "r", "lock_fd": 7, "error": {"kind": "failed"}}'])
def test_a_garbled_continuation_is_an_ordinary_start(monkeypatch, raw):
    monkeypatch.setenv(ENV, raw)
    assert take_continuation() is None
    assert ENV not in os.environ


def test_only_the_sites_own_open_lock_file_is_trusted(tmp_path):
    with RunLock(tmp_path, "demo") as lock:
        assert lock.fd is not None
        held = Continuation("demo", "demo.1", lock.fd)
        assert held.holds("demo", lock.path)
        assert not held.holds("other", tmp_path / "other.lock")  # another site's
        assert not Continuation("other", "demo.1", lock.fd).holds("demo", lock.path)
        with open(tmp_path / "elsewhere", "w") as elsewhere:  # an open descriptor, not the lock file
            assert not Continuation("demo", "demo.1", elsewhere.fileno()).holds("demo", lock.path)
        spare = os.open(os.devnull, os.O_RDONLY)
        os.close(spare)  # a closed descriptor
        assert not Continuation("demo", "demo.1", spare).holds("demo", lock.path)


def test_an_adopted_lock_stays_held_and_is_released_once(tmp_path):
    first = RunLock(tmp_path, "demo").__enter__()
    fd = first.fd
    assert fd is not None
    adopted = RunLock.adopt(tmp_path, "demo", fd)
    with adopted:
        with pytest.raises(SiteBusy):
            RunLock(tmp_path, "demo").__enter__()
    assert adopted.fd is None
    with RunLock(tmp_path, "demo"):  # free again
        pass


def _plan_file(payload: object, name: str = "govcrawl-crawl-plan") -> int:
    fd = os.memfd_create(name, 0)
    os.write(fd, pickle.dumps(payload))
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def test_the_crawl_image_reads_the_plan_from_the_clis_memory_file(monkeypatch):
    fd = _plan_file({"plan": {"run": "demo.1"}, "argv": ["python", "govcrawl", "run", "demo"]})
    monkeypatch.setenv(HANDOFF_ENV, json.dumps({"fd": fd, "lock_fd": 9}))
    handoff = take_handoff()
    assert handoff is not None and HANDOFF_ENV not in os.environ
    assert (handoff.plan, handoff.argv, handoff.lock_fd) == ({"run": "demo.1"}, ["python", "govcrawl", "run", "demo"], 9)
    with pytest.raises(OSError):
        os.fstat(fd)  # read once and closed


def test_the_crawl_image_unpickles_nothing_but_the_clis_memory_file(monkeypatch, tmp_path):
    payload = pickle.dumps({"plan": {}, "argv": []})
    (tmp_path / "plan").write_bytes(payload)
    other = os.open(tmp_path / "plan", os.O_RDONLY)  # the same bytes in an ordinary file
    renamed = _plan_file({"plan": {}, "argv": []}, name="something-else")
    try:
        for fd in (other, renamed, 12345):
            monkeypatch.setenv(HANDOFF_ENV, json.dumps({"fd": fd, "lock_fd": 9}))
            assert take_handoff() is None
        for raw in ("", "{", '{"fd": "x", "lock_fd": 9}'):
            monkeypatch.setenv(HANDOFF_ENV, raw)
            assert take_handoff() is None
    finally:
        os.close(other)
        os.close(renamed)
    assert HANDOFF_ENV not in os.environ


@pytest.mark.parametrize(("raised", "kind", "status"), [
    (CrawlInterrupted("抓取被中断，再次运行同一命令即可继续"), CrawlInterrupted, 1),
    (KeyboardInterrupt(), KeyboardInterrupt, 1),
    (StoreError("demo.sqlite: store schema 9 is newer"), StoreError, 2),
    (ValueError("boom"), CrawlFailed, 1),
])
def test_a_crawl_failure_crosses_exec_as_text_and_is_raised_again(raised, kind, status):
    error = crawl_error(raised)
    assert json.loads(json.dumps(error)) == error  # plain data, for the environment
    again = crawl_exception(error)
    assert type(again) is kind and exit_status(error) == status
    if kind is CrawlFailed:
        assert str(again) == "ValueError: boom"
    elif kind is not KeyboardInterrupt:
        assert str(again) == str(raised)
