"""Pages the crawl process extracts itself are stored and checked like the page worker's.

``GOVCRAWL_SHARE_ABOVE`` (crawler.pageworker.PageWorkers.extract) lets the crawl process
take pages while its page worker is behind; they reach the store through its pipeline
instead. A demo crawl where it takes every page it can must give the same pages and the
same findings as one where the worker takes them all.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from tests.e2e.conftest import GOVCRAWL, write_demo_config
from tests.sites import hooked_env

TODAY = "2023-11-01"

# Every process of the run starts Python, which imports sitecustomize from PYTHONPATH: the crawl
# process's settings then say 0 (take a page whenever one is waiting at the worker) or None (never).
_OVERRIDE = "import crawler.settings\ncrawler.settings.GOVCRAWL_SHARE_ABOVE = {value}\n"


def _run(server, tmp: Path, share_above: int | None, salt_of: Path | None = None) -> tuple[dict, set[str], dict]:
    if salt_of is not None:  # personal numbers' digests are salted per data folder (govcrawl.salt): the same salt
        (tmp / "data").mkdir(parents=True)
        for salt in (salt_of / "data").glob("*.salt"):
            (tmp / "data" / salt.name).write_bytes(salt.read_bytes())
    env = hooked_env(tmp / "hook", _OVERRIDE.format(value=share_above))
    config = write_demo_config(server, tmp / "sites.yaml", tmp / "data")
    result = subprocess.run(
        [str(GOVCRAWL), "run", "demo", "-c", str(config), "--out", str(tmp / "out"), "--today", TODAY,
         "--no-browser", "--progress", "off"],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(tmp / "data" / "demo.sqlite") as db:
        urls = {row[0] for row in db.execute("SELECT url FROM pages")}
        stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    return json.loads((tmp / "out" / "findings.json").read_text(encoding="utf-8")), urls, stats


def _comparable(findings: dict) -> list[dict]:
    return sorted(findings["findings"], key=lambda f: f["id"])


def test_pages_extracted_by_the_crawl_process_give_the_same_findings(demo_server, tmp_path):
    shared, shared_urls, shared_stats = _run(demo_server, tmp_path / "shared", 0)
    alone, alone_urls, alone_stats = _run(demo_server, tmp_path / "alone", None, salt_of=tmp_path / "shared")
    assert shared_stats["pages_extracted_in_crawl"] > 10, shared_stats  # the crawl process did take pages
    assert alone_stats["pages_extracted_in_crawl"] == 0
    assert shared_urls == alone_urls and shared_stats["pages"] == alone_stats["pages"]
    assert _comparable(shared) == _comparable(alone)
    assert shared["summary"]["by_check"] == alone["summary"]["by_check"]
