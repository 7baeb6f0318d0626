"""Run the real ``govcrawl`` CLI in a subprocess and watch its whole process tree's memory.

Why /proc polling rather than ``getrusage(RUSAGE_CHILDREN)``: govcrawl spreads a
run over several processes (the Scrapy engine, page workers, the resource
lane), and ``ru_maxrss`` reports only the largest single process, and only
once it has been reaped. "Memory stays bounded" is about the machine: the sum
of resident memory over the tree at its worst moment, sampled a few times a
second (a spike shorter than that can slip through; a gigabyte inflated from a
gzip bomb cannot).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

GOVCRAWL = Path(sys.executable).with_name("govcrawl")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TODAY = "2023-11-01"


def _children() -> dict[int, list[int]]:
    """ppid -> pids, from one pass over /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants, now."""
    tree = _children()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(tree.get(current, ()))
    return total


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes, over the whole process tree
    samples: int = 0  # how often memory was sampled (a run too short to sample proves nothing)


@dataclass
class CrawlResult:
    """One finished ``govcrawl run`` and where to read what it made of each URL."""

    cli: CliResult
    findings: dict
    data: Path
    out: Path
    site_id: str

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data / f"{self.site_id}.sqlite")

    def page(self, url: str) -> dict | None:
        """The stored page row (status, error, title, final_url) of ``url``, or None."""
        with self.db() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT url, status, error, title, final_url, content_type FROM pages WHERE url = ?",
                             (url,)).fetchone()
        return dict(row) if row else None

    def links(self, url: str | None = None) -> list:
        """The stored links (``LinkFacts``) of the page ``url``, or of every page, read through the store."""
        from govcrawl.store import Store

        with Store(self.data / f"{self.site_id}.sqlite", create=False) as store:
            run_id = self.findings["run"]["id"]
            if url is not None:
                page = store.page(run_id, url)
                return list(page.links) if page else []
            return [link for page in store.pages(run_id) for link in page.links]

    def outcome(self, url: str) -> dict | None:
        """The link_status row (state, http_status, reason) of ``url``, or None."""
        with self.db() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT url, state, http_status, reason, internal FROM link_status WHERE url = ?",
                             (url,)).fetchone()
        return dict(row) if row else None

    def page_urls(self, like: str = "%") -> list[str]:
        with self.db() as db:
            return [r[0] for r in db.execute("SELECT url FROM pages WHERE url LIKE ? ORDER BY id", (like,))]

    def outcomes_like(self, like: str) -> list[dict]:
        with self.db() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(
                "SELECT url, state, http_status, reason FROM link_status WHERE url LIKE ?", (like,))]

    def findings_for(self, check: str, *, target: str | None = None) -> list[dict]:
        return [f for f in self.findings["findings"]
                if f["check"] == check and (target is None or f["target"] == target)]


def run_cli(args: list[str], *, timeout: float, cwd: Path | None = None, poll: float = 0.2) -> CliResult:
    """Run ``govcrawl ARGS``; kill the tree and fail after ``timeout`` seconds."""
    started = time.monotonic()
    process = subprocess.Popen([str(GOVCRAWL), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=cwd, start_new_session=True)
    peak = 0
    samples = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak, samples
        while not done.wait(poll):
            peak = max(peak, tree_rss(process.pid))
            samples += 1

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        stdout, stderr = process.communicate()
        raise AssertionError(
            f"govcrawl {' '.join(args)} did not finish in {timeout} s; stderr: {stderr[-3000:]}") from None
    finally:
        done.set()
        watcher.join()
    return CliResult(process.returncode, stdout, stderr, time.monotonic() - started, peak, samples)


def write_config(tmp: Path, site_id: str, start_url: str, **site: object) -> Path:
    """A config for one site crawled fast on loopback (no politeness delay, no external checks)."""
    config = {
        "data_dir": str(tmp / "data"),
        "sites": {site_id: {
            "name": "恶意测试站", "start_urls": [start_url], "owner": "办公室",
            "external_links": {"check": False},
            "crawl": {"concurrency": 8, "delay": 0, "autothrottle": False, "timeout": 3},
            **site,
        }},
    }
    path = tmp / "sites.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def crawl(tmp: Path, site_id: str, start_url: str, *, timeout: float = 240, **site: object) -> CrawlResult:
    """``govcrawl run`` (no browser, fixed --today) against a loopback site; exit 0 is asserted."""
    config = write_config(tmp, site_id, start_url, **site)
    out = tmp / "out"
    cli = run_cli(["run", site_id, "-c", str(config), "--out", str(out), "--today", TODAY, "--no-browser",
                   "--progress", "off"], timeout=timeout, cwd=tmp)
    assert cli.returncode == 0, cli.stderr[-4000:]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return CrawlResult(cli, findings, tmp / "data", out, site_id)
