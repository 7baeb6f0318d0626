"""The streamed check phase limits glibc's malloc arenas before its threads start (govcrawl.mallocarenas)."""

from __future__ import annotations

import subprocess
import sys

import govcrawl.facts as facts_module
from govcrawl.facts import SiteFacts


def test_glibc_takes_the_limit():
    # In a fresh interpreter: the call is made once per process, and Debian's C library is glibc.
    code = "from govcrawl.mallocarenas import limit_malloc_arenas as f; print(f(), f())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_jobs_run_in_threads_only_after_the_limit(monkeypatch):
    calls = []
    monkeypatch.setattr(facts_module, "limit_malloc_arenas", lambda: calls.append("limit") or True)
    site = SiteFacts.build([])
    assert site.together([lambda: 1, lambda: 2]) == [1, 2]
    assert calls == []  # one job after another: no threads, nothing to limit
    site.walk_together()
    assert site.together([lambda: calls.append("job") or 1, lambda: 2]) == [1, 2]
    assert calls == ["limit", "job"]


def test_what_a_finished_thread_freed_goes_back_to_the_system():
    """The hosted resource lane's case (crawler.apart): a thread allocates, frees and ends; the trim returns its pages.

    In a fresh interpreter: a thread allocates ~60 MB in 4 KB blocks (malloc, not Python's small-object
    allocator), keeps one block in 64 so the freed ones are holes glibc does not give back by itself, and ends.
    """
    code = (
        "import threading\n"
        "from govcrawl.mallocarenas import release_free_memory\n"
        "def rss():\n"
        "    return int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0]) // 1024\n"
        "kept = []\n"
        "def work():\n"
        "    blocks = [bytes(4000) + bytes([n % 256]) for n in range(15000)]\n"
        "    kept.extend(blocks[::64])\n"
        "thread = threading.Thread(target=work)\n"
        "thread.start()\n"
        "thread.join()\n"
        "before = rss()\n"
        "print(release_free_memory(), before - rss())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    done, freed_mib = out.stdout.split()
    assert done == "True"
    assert int(freed_mib) >= 30, out.stdout
