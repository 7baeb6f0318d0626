"""A large run is checked streamed (pages read from the store as the checks walk them, taking
turns): it must find exactly what the in-memory check phase finds.

The demo crawl is re-checked both ways on two copies of its store, with the page count above
which the check phase streams lowered to 0 for the streamed one.
"""

from __future__ import annotations

import shutil

from govcrawl import cli
from govcrawl.store import Store


def _check(demo_run, demo_site, tmp_path, monkeypatch, above: int, name: str):
    data = tmp_path / name
    shutil.copytree(demo_run.data, data, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.setattr(cli, "STREAM_ABOVE_PAGES", above)
    with Store(data / "demo.sqlite", create=False) as store:
        run = store.get_run(demo_run.findings["run"]["id"])
        findings = cli.check_run(store, run, "demo", demo_site)
        return [f.as_json() for f in findings], run.stats


def test_streamed_check_phase_finds_what_the_in_memory_one_finds(demo_run, demo_site, tmp_path, monkeypatch):
    held, held_stats = _check(demo_run, demo_site, tmp_path, monkeypatch, 10**9, "held")
    streamed, streamed_stats = _check(demo_run, demo_site, tmp_path, monkeypatch, 0, "streamed")
    assert len(held) > 50 and len({f["check"] for f in held}) >= 10  # the demo plants findings of most checks
    assert streamed == held
    assert streamed_stats == held_stats  # the run's statistics (documents, columns, messages …) too


def test_the_streamed_phase_is_the_one_that_ran(demo_run, demo_site, tmp_path, monkeypatch):
    """Guard for the test above: with the threshold at 0 the pages really are streamed and walk together."""
    from govcrawl.facts import SiteFacts

    seen: list[SiteFacts] = []
    real = SiteFacts.walk_together

    def spy(self, *args, **kwargs):
        seen.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SiteFacts, "walk_together", spy)
    _check(demo_run, demo_site, tmp_path, monkeypatch, 0, "spied")
    assert len(seen) == 1 and seen[0].walks_together
    seen.clear()
    _check(demo_run, demo_site, tmp_path, monkeypatch, 10**9, "unspied")
    assert not seen

