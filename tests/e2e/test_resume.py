"""A crawl killed with SIGKILL mid-run, then the same command again: it resumes and ends as if never killed.

The demo portal is slowed down so the kill lands in the middle of the crawl,
after some pages have been stored and before the frontier is empty. The
crawl's helper processes (page workers, the resource lane) must exit by
themselves: orphans writing into the store would corrupt the resumed run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

from crawler.demo.server import DemoServer
from tests.e2e.conftest import GOVCRAWL, write_demo_config
from tests.e2e.processes import descendants, still_alive, stored_pages, wait_for_pages

TODAY = "2023-11-01"


def _command(config: Path, out: Path) -> list[str]:
    return [str(GOVCRAWL), "run", "demo", "-c", str(config), "--out", str(out), "--today", TODAY, "--no-browser",
            "--progress", "off"]


def _run(config: Path, out: Path) -> tuple[dict, str]:
    result = subprocess.run(_command(config, out), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8")), result.stderr


def _shape(doc: dict) -> list:
    """Findings as comparable across two stores (privacy digests are keyed with each store's own secret)."""
    return sorted(
        (f["id"], f["check"], f["severity"], f["url"], f["target"], f["department"],
         json.dumps({k: v for k, v in f["evidence"].items() if k != "digests"}, sort_keys=True, ensure_ascii=False))
        for f in doc["findings"]
    )


def test_sigkill_mid_crawl_then_the_same_command_resumes(tmp_path):
    with DemoServer() as server:
        whole, _ = _run(write_demo_config(server, tmp_path / "a.yaml", tmp_path / "a"), tmp_path / "out-a")

        config = write_demo_config(server, tmp_path / "b.yaml", tmp_path / "b")
        store = tmp_path / "b" / "demo.sqlite"
        server.slow = 0.25
        proc = subprocess.Popen(_command(config, tmp_path / "out-b"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            wait_for_pages(proc, store, 20)
            helpers = descendants(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        stored_when_killed = stored_pages(store)
        # the command crawls in its own process (govcrawl.restart), its resource lane a thread of it
        assert len(helpers) >= 1, "the crawl has page workers"
        assert not still_alive(helpers), "helper processes outlived the killed crawl"
        assert stored_when_killed < whole["run"]["stats"]["pages"], "killed after the crawl had finished"

        server.slow = 0.0
        mark = len(server.requests)
        resumed, stderr = _run(config, tmp_path / "out-b")
        asked_again = [r for r in list(server.requests)[mark:] if r.host == "main" and r.method == "GET"]

    assert "继续上次中断的运行" in stderr
    assert resumed["run"]["stats"]["resumed"] == 1
    with sqlite3.connect(store) as db:
        runs = db.execute("SELECT id, status FROM runs").fetchall()
    assert runs == [(resumed["run"]["id"], "completed")]  # the interrupted run itself was finished
    # Pages stored before the kill were not fetched again.
    assert len(asked_again) < whole["run"]["stats"]["pages"]
    assert resumed["run"]["stats"]["pages"] == whole["run"]["stats"]["pages"]
    assert _shape(resumed) == _shape(whole)
