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
