"""The garbage collector as a crawl sets it (crawler.collector): rarer young collections, startup frozen,
cycles still collected, and everything as it was after a crawl run inside a longer-lived process."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import pytest

from crawler.collector import YOUNG_THRESHOLD, tuned_for_crawl


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def _cycle() -> weakref.ref:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_tuned_for_a_crawl_then_as_before():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with tuned_for_crawl():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > frozen + 10_000  # what the process held is no longer walked
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # nothing stays out of the collector's reach


def test_as_before_also_when_the_crawl_fails():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), tuned_for_crawl():
        raise RuntimeError("crawl failed")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_cycles_made_during_a_crawl_are_still_collected_without_asking():
    with tuned_for_crawl():
        gc.collect(0)  # start from an empty young generation
        refs = [_cycle() for _ in range(10)]
        assert any(r() is not None for r in refs)  # cycles: reference counting alone does not free them
        junk = [[] for _ in range(3 * YOUNG_THRESHOLD)]  # a burst of allocations, as one page's facts are
        del junk
        # No gc.collect() here: the young collections the burst triggered have freed them.
        assert all(r() is None for r in refs)


def test_a_helper_process_keeps_the_setting_for_its_life():
    code = ("import gc; from crawler.collector import tune_for_crawl, YOUNG_THRESHOLD; tune_for_crawl(); "
            "assert gc.get_threshold()[0] == YOUNG_THRESHOLD and gc.get_freeze_count() > 0; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip() == "ok", done.stderr
