"""The browser pass on a real Selenium Grid 4 (issue 11): the Grid's findings equal the local browser's.

A Grid 4 standalone server (``tests/grid.py``: the jar from npm, Debian's
chromedriver and Chromium, no Selenium Manager, 127.0.0.1 only) serves
``accessibility.remote_url``. The same pages are rendered by local Chromium and
through the Grid, and their accessibility nodes (rule, selector, impact, source,
region) and screenshots must be the same; then ``govcrawl run demo`` through the
Grid must give the same a11y and elder-friendly findings as the shared local run.

Skips only when Java or npm is missing and cannot be installed (``GridUnavailable``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.browser import BrowserPool
from govcrawl.config import Accessibility
from govcrawl.model import PageAudit
from tests.crawler.test_browser import RULE_PAGES, Handler
from tests.grid import (
    CHROMEDRIVER,
    CHROMIUM,
    GRID_CHROMIUM_FLAGS,
    GRID_SLOTS,
    GRID_VERSION,
    grid_toml,
)
from tests.sites import serve

# The crafted pages of test_browser.py: axe violations, iframes, and each own rule failing and passing.
PATHS = ["/bad", "/good", "/frame-outer", "/visual-order/fail", "/visual-order/pass"] + [
    f"/{rule}/{kind}" for rule in sorted(RULE_PAGES) for kind in ("fail", "pass")
]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve(Handler) as url:
        yield url


def nodes_of(audit: PageAudit) -> list[tuple]:
    return sorted({(n.rule, n.selector, n.impact, n.source, n.region.value) for n in audit.nodes})


def audit_all(settings: Accessibility, urls: list[str]) -> dict[str, PageAudit]:
    with BrowserPool(settings) as pool:
        return {audit.url: audit for audit in pool.audit(urls)}


def _process_args(marker: str) -> list[list[str]]:
    """Command lines of the processes whose arguments contain ``marker``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(marker in arg for arg in args):
            found.append(args)
    return found


def test_the_grid_runs_debian_chromedriver_offline(grid):
    status = grid.status()
    assert status["ready"]
    (node,) = status["nodes"]
    assert node["version"].startswith(GRID_VERSION)
    assert node["uri"].startswith("http://127.0.0.1:")
    assert len(node["slots"]) == GRID_SLOTS
    stereotype = node["slots"][0]["stereotype"]
    assert stereotype["se:webDriverExecutable"] == CHROMEDRIVER
    assert stereotype["goog:chromeOptions"]["binary"] == CHROMIUM
    assert grid.started_in < 120
    log = grid.log.read_text(errors="replace")
    assert "Selenium Manager" not in log and "Downloading" not in log, log[-2000:]


def test_each_grid_session_has_its_own_fresh_profile_and_the_project_flags(grid, base):
    settings = Accessibility(remote_url=grid.url, workers=2, page_timeout=20, screenshots=False)
    with BrowserPool(settings) as pool:
        audits = list(pool.audit([base + "/p0", base + "/p1"]))
        assert [a.status for a in audits] == ["ok", "ok"], [a.error for a in audits]
        profiles = [b.driver.capabilities["chrome"]["userDataDir"] for b in pool._browsers]
        assert len(set(profiles)) == 2  # one profile per session, never shared on the node
        for profile in profiles:
            assert Path(profile).is_dir() and not Path(profile).is_relative_to(Path.home())
            browsers = [args for args in _process_args(f"--user-data-dir={profile}") if "--type" not in " ".join(args)]
            assert browsers, profile
            assert set(GRID_CHROMIUM_FLAGS) <= set(browsers[0]), browsers[0]
    deadline = time.monotonic() + 10  # chromedriver removes its temporary profile when the session ends
    while any(Path(p).exists() for p in profiles) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(p).exists() for p in profiles)


def test_the_grid_pass_matches_the_local_pass(grid, base):
    urls = [base + path for path in PATHS]
    started = time.monotonic()
    local = audit_all(Accessibility(workers=2, page_timeout=20), urls)
    local_s = time.monotonic() - started
    started = time.monotonic()
    remote = audit_all(Accessibility(workers=2, page_timeout=20, remote_url=grid.url), urls)
    remote_s = time.monotonic() - started
    print(f"{len(urls)} pages: local {local_s:.1f}s, Grid {remote_s:.1f}s")
    for url in urls:
        assert local[url].status == "ok", (url, local[url].error)
        assert remote[url].status == "ok", (url, remote[url].error)
        assert nodes_of(remote[url]) == nodes_of(local[url]), url
        assert remote[url].axe_version == local[url].axe_version
        assert set(remote[url].screenshots) == set(local[url].screenshots), url
        assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in remote[url].screenshots.values())
    # the comparison means something: axe, frames and every own rule were seen
    seen = {node[0] for url in urls for node in nodes_of(remote[url])}
    assert {"image-alt", "label"} | set(RULE_PAGES) <= seen
    assert any(node[1].startswith("#f >>> ") for node in nodes_of(remote[base + "/frame-outer"]))
    assert sum(len(remote[url].screenshots) for url in urls) >= len(RULE_PAGES)


def test_more_workers_than_grid_slots_lose_no_page(grid, base):
    """A worker whose session the Grid queues (every slot taken by the other workers) leaves the pages to them."""
    urls = [f"{base}/p{i}" for i in range(6)]
    results = audit_all(Accessibility(workers=GRID_SLOTS + 1, page_timeout=5, screenshots=False,
                                      remote_url=grid.url), urls)
    assert sorted(results) == sorted(urls)
    assert {url: r.status for url, r in results.items()} == dict.fromkeys(urls, "ok")
    time.sleep(1)
    assert all(slot["session"] is None for node in grid.status()["nodes"] for slot in node["slots"])


def test_the_readme_shows_the_grid_configuration_the_tests_use():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n# grid\.toml.*?\n(.*?)```", readme, re.S)
    assert block, "README.md lacks the grid.toml example"
    shown = "\n".join(line for line in block.group(1).splitlines() if not line.startswith("#"))
    assert shown.strip() == grid_toml(GRID_SLOTS).strip()
    assert f"selenium-server-{GRID_VERSION}.jar" in readme
