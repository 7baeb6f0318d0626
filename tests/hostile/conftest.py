"""One crawl of the hostile portal per test session, shared by the crawl and report tests.

A crawl costs seconds of start-up, and the attacks do not interfere with one
another (each is its own route), so they are all crawled together and every
test reads back what the run made of its own route.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.harness import CrawlResult, crawl
from tests.hostile.server import HostileSite

# Generous bounds for a loaded 2-core CI machine; the run takes ~15 s when idle.
RUN_TIMEOUT_S = 240
MEMORY_LIMIT = 1 << 30  # the whole process tree, while a 1 GiB gzip bomb and a 50 MB page are served


@dataclass
class HostileRun:
    site: HostileSite  # stopped once the crawl is over; its hit counters stay readable
    run: CrawlResult

    def url(self, path: str) -> str:
        return self.site.main + path


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    tmp: Path = tmp_path_factory.mktemp("hostile")
    with HostileSite() as site:
        result = crawl(tmp, "hostile", site.main + "/", timeout=RUN_TIMEOUT_S)
    yield HostileRun(site, result)
