"""What crosses ``govcrawl run``'s restart (``govcrawl.restart``): read back, and trusted only when it is the lock."""

from __future__ import annotations

import json
import os

import pytest

from govcrawl.restart import ENV, Continuation, take_continuation
from govcrawl.runlock import RunLock, SiteBusy


def test_the_continuation_leaves_the_environment_when_taken(monkeypatch):
    monkeypatch.setenv(ENV, json.dumps({"site": "demo", "run": "demo.1", "lock_fd": 7}))
    assert take_continuation() == Continuation("demo", "demo.1", 7)
    assert ENV not in os.environ  # no helper process inherits it
    assert take_continuation() is None


@pytest.mark.parametrize("raw", ["", "{", "[]", '{"site": "demo"}', '{"site": "demo", "run": "r", "lock_fd": "x"}'])
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
