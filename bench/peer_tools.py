"""The tools of the peer benchmark (bench/peers.py): how each is installed, started and read.

Every tool gets the same generated portal on ``http://127.0.0.1:PORT/``, the
same concurrency where it has a knob, its own scratch directory, and is told
to stay on that host. Each ``Tool`` builds one command line and reads the
tool's own output afterwards into a ``ToolOutput``:

* ``pages``: HTML pages it fetched, as the tool itself records them;
* ``urls``: distinct portal URLs it requested (pages, attachments, images, assets);
* ``broken``: the URLs it reports as broken (absolute, as the tool wrote them);
* ``external``: URLs off 127.0.0.1 it says it requested (must be 0).

What counts as a page and as broken differs per tool; each parser says how.
The peers are installed outside the project's .venv, under bench/work/
(git-ignored): LinkChecker in ``peers-venv``, linkinator in ``node``.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
PEERS_VENV = WORK / "peers-venv"
NODE_PREFIX = WORK / "node"
LINKCHECKER = PEERS_VENV / "bin" / "linkchecker"
LINKINATOR = NODE_PREFIX / "node_modules" / "linkinator" / "build" / "src" / "cli.js"
PAGE_SUFFIXES = (".html", ".htm", ".shtml")


def is_page(url: str) -> bool:
    """An HTML page of the generated portal: a directory URL or *.html (not an attachment, image or asset)."""
    path = urlsplit(url).path
    return path.endswith("/") or path.lower().endswith(PAGE_SUFFIXES)


def on_portal(url: str, base: str) -> bool:
    return url.startswith(base.rstrip("/") + "/") or url == base.rstrip("/")


@dataclass
class ToolOutput:
    pages: int = 0
    urls: int = 0
    broken: set[str] = field(default_factory=set)
    external: int = 0
    unparsed_pages: int | None = None  # pages it fetched (or tried to) whose links it never followed; None: not known
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class Tool:
    name: str  # short key: govcrawl, linkchecker, linkinator, plain, wget
    label: str  # column heading
    concurrency: str  # what "same concurrency" meant for this tool
    page_rule: str  # what the tool counts as a page
    broken_rule: str  # what the tool reports as broken

    def command(self, base: str, run_dir: Path, concurrency: int) -> list[str]:
        raise NotImplementedError

    def parse(self, base: str, run_dir: Path, log_path: Path) -> ToolOutput:
        raise NotImplementedError

    def missing(self) -> str | None:
        """Why the tool cannot run here (with the install command), or None."""
        return None


# -- govcrawl ---------------------------------------------------------------------------


class Govcrawl(Tool):
    def __init__(self, manifest: dict, today: str):
        super().__init__(
            "govcrawl", "`govcrawl run --no-browser`",
            "`crawl.concurrency: 32` (split 16 page requests + 16 resource checks), delay 0, no AutoThrottle",
            "`run.pages_crawled` of findings.json (every page URL fetched, 404s included)",
            "targets of `broken-link` findings (status 404/410/>=500, connection errors, timeouts)",
        )
        self.manifest = manifest
        self.today = today

    def command(self, base: str, run_dir: Path, concurrency: int) -> list[str]:
        from crawl_bench import _venv_bin, write_sites_yaml

        config = run_dir / "sites.yaml"
        write_sites_yaml(config, base, self.manifest, run_dir / "data")
        if concurrency != 32:  # write_sites_yaml fixes 32; follow --concurrency
            config.write_text(config.read_text(encoding="utf-8").replace("concurrency: 32", f"concurrency: {concurrency}"),
                              encoding="utf-8")
        exe = _venv_bin("govcrawl")
        head = [str(exe)] if exe else [sys.executable, "-m", "govcrawl.cli"]
        return [*head, "run", "bench", "-c", str(config), "--no-browser", "--progress", "off",
                "--today", self.today, "--out", str(run_dir / "out")]

    def parse(self, base: str, run_dir: Path, log_path: Path) -> ToolOutput:
        findings = json.loads((run_dir / "out" / "findings.json").read_text(encoding="utf-8"))
        run = findings.get("run", {})
        stats = run.get("stats") or {}
        out = ToolOutput(pages=int(run.get("pages_crawled") or 0))
        out.urls = out.pages + int(stats.get("resources_checked") or 0)
        for f in findings.get("findings", []):
            if f.get("check") == "broken-link" and f.get("target"):
                out.broken.add(f["target"])
        out.extra = {"crawl_seconds": stats.get("elapsed_seconds"), "findings_total": findings.get("summary", {}).get("total"),
                     "by_check": findings.get("summary", {}).get("by_check", {})}
        out.notes.append("URLs = pages + `run.stats.resources_checked` (attachments, images, assets; HEAD requests)")
        return out


# -- LinkChecker ------------------------------------------------------------------------


class LinkChecker(Tool):
    """LinkChecker 10.x from PyPI, threads = concurrency, the per-host wait lifted.

    Its aggregator sleeps before every request to a host, under one global lock:
    a random 0.1–0.6 s unless the server answered with a ``LinkChecker`` header
    (then 1/maxrequestspersecond … 6/maxrequestspersecond). The harness's nginx
    sends that header and the config file sets ``maxrequestspersecond`` to
    100000, so the wait is 0.01–0.06 ms. As root it drops to euid nobody, so
    its output directory is made world-writable.
    """

    def __init__(self):
        super().__init__(
            "linkchecker", "LinkChecker",
            "`--threads 32`; nginx sends `LinkChecker: bench` and `maxrequestspersecond=100000` (per-host wait lifted)",
            "distinct page URLs (directory or *.html) in its `--verbose` CSV, any result",
            "CSV rows with `valid` False",
        )

    def missing(self) -> str | None:
        if LINKCHECKER.exists():
            return None
        return f"python3.12 -m venv {PEERS_VENV} && {PEERS_VENV}/bin/pip install linkchecker"

    def command(self, base: str, run_dir: Path, concurrency: int) -> list[str]:
        run_dir.chmod(0o777)  # LinkChecker run as root switches to euid nobody before it writes
        rc = run_dir / "linkcheckerrc"
        rc.write_text("[checking]\nmaxrequestspersecond=100000\n", encoding="utf-8")
        rc.chmod(0o644)
        return [str(LINKCHECKER), "-f", str(rc), "--threads", str(concurrency), "--recursion-level", "-1",
                "--no-robots", "--no-status", "--verbose", "-o", "none",
                "-F", f"csv/utf_8/{run_dir / 'out.csv'}", base]

    def parse(self, base: str, run_dir: Path, log_path: Path) -> ToolOutput:
        out = ToolOutput()
        lines = [ln for ln in (run_dir / "out.csv").read_text(encoding="utf-8", errors="replace").splitlines(True)
                 if not ln.startswith("#")]
        urls: set[str] = set()
        pages: set[str] = set()
        ext: set[str] = set()
        rows = 0
        results: dict[str, int] = {}
        unparsed: set[str] = set()  # pages it fetched but could not decode: their links are never followed
        for row in csv.DictReader(lines, delimiter=";"):
            url = row.get("url") or ""
            if not url:
                continue
            rows += 1
            if not on_portal(url, base):
                # Outside the start URL's host: syntax only, never requested (no --check-extern).
                if "checked only syntax" not in (row.get("infostring") or "") and url.startswith("http"):
                    ext.add(url)
                continue
            urls.add(url)
            if is_page(url):
                pages.add(url)
                if "could not get content" in (row.get("warningstring") or ""):
                    unparsed.add(url)
            if row.get("valid") == "False":
                out.broken.add(url)
                key = (row.get("result") or "?").split(" ", 1)[0]
                results[key] = results.get(key, 0) + 1
        out.pages, out.urls, out.external = len(pages), len(urls), len(ext)
        out.unparsed_pages = len(unparsed)
        out.extra = {"csv_rows": rows, "broken_results": results, "pages_not_parsed": len(unparsed),
                     "pages_not_parsed_examples": sorted(unparsed)[:5]}
        if unparsed:
            out.notes.append(f"{len(unparsed)} pages fetched but not parsed ('could not get content: "
                             "UnicodeDecodeError'): their links were never checked")
        return out


# -- linkinator ------------------------------------------------------------------------


class Linkinator(Tool):
    def __init__(self):
        super().__init__(
            "linkinator", "linkinator",
            "`--concurrency 32`; everything off 127.0.0.1:PORT skipped by `--skip`",
            "distinct page URLs (directory or *.html) among its OK and BROKEN results",
            "results with state BROKEN",
        )

    def missing(self) -> str | None:
        if LINKINATOR.exists() and shutil.which("node"):
            return None
        return f"npm install --prefix {NODE_PREFIX} linkinator"

    def command(self, base: str, run_dir: Path, concurrency: int) -> list[str]:
        only_here = "^(?!" + re.escape(base.rstrip("/")) + "(/|$))"
        inner = ["node", str(LINKINATOR), base, "--recurse", "--concurrency", str(concurrency),
                 "--timeout", "30000", "--format", "json", "--skip", only_here]
        # JSON goes to stdout; the shell only redirects it and then becomes node (exec): same process tree.
        return ["sh", "-c", 'exec "$@" >"$0"', str(run_dir / "out.json"), *inner]

    def parse(self, base: str, run_dir: Path, log_path: Path) -> ToolOutput:
        out = ToolOutput()
        data = json.loads((run_dir / "out.json").read_text(encoding="utf-8"))
        urls: set[str] = set()
        pages: set[str] = set()
        ext: set[str] = set()
        statuses: dict[str, int] = {}
        failed_pages = 0
        for link in data.get("links", []):
            url, state = link.get("url") or "", link.get("state")
            if state == "SKIPPED":
                continue
            if not on_portal(url, base):
                ext.add(url)
                continue
            urls.add(url)
            if is_page(url):
                pages.add(url)
            if state == "BROKEN":
                out.broken.add(url)
                if is_page(url) and not link.get("status"):
                    failed_pages += 1  # fetch failed (socket error): a real page whose links it never saw
                key = str(link.get("status"))
                statuses[key] = statuses.get(key, 0) + 1
        out.pages, out.urls, out.external = len(pages), len(urls), len(ext)
        out.unparsed_pages = failed_pages
        out.extra = {"results": len(data.get("links", [])), "broken_by_status": statuses, "passed": data.get("passed")}
        return out


# -- plain Scrapy CrawlSpider -----------------------------------------------------------


class Plain(Tool):
    def __init__(self):
        super().__init__(
            "plain", "plain Scrapy CrawlSpider",
            "CONCURRENT_REQUESTS 32 / per domain 32, no delay, no AutoThrottle (bench/plain_spider.py)",
            "items in its feed: every page response, 404s included (`-s HTTPERROR_ALLOW_ALL=True`)",
            "items with status >= 400; LinkExtractor follows `<a>`/`<area>` only and skips attachments and images",
        )

    def command(self, base: str, run_dir: Path, concurrency: int) -> list[str]:
        from crawl_bench import _venv_bin

        exe = _venv_bin("scrapy")
        head = [str(exe)] if exe else [sys.executable, "-m", "scrapy"]
        return [*head, "runspider", str(BENCH / "plain_spider.py"), "-a", f"start_url={base}",
                "-s", "HTTPERROR_ALLOW_ALL=True", "-s", f"CONCURRENT_REQUESTS={concurrency}",
                "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-o", f"{run_dir / 'items.jsonl'}:jsonl"]

    def parse(self, base: str, run_dir: Path, log_path: Path) -> ToolOutput:
        out = ToolOutput()
        urls: set[str] = set()
        with open(run_dir / "items.jsonl", encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                out.pages += 1
                urls.add(item["url"])
                if item["status"] >= 400:
                    out.broken.add(item["url"])
        out.urls = len(urls)
        out.external = sum(1 for u in urls if not on_portal(u, base))
        text = log_path.read_text(encoding="utf-8", errors="replace")
        match = re.search(r"'elapsed_time_seconds': ([0-9.]+)", text)
        out.extra = {"crawl_seconds": float(match.group(1)) if match else None}
        return out


# -- wget ------------------------------------------------------------------------------


class Wget(Tool):
    """GNU wget in spider mode: one connection, follows every link of the start host (pages and files)."""

    # "… URL:http://…/page.html [7402/7402] -> …" (a page it downloaded to parse) or "… URL: http://…/x.pdf 200 OK" (HEAD)
    _URL_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d URL: ?(\S+) ")

    def __init__(self):
        super().__init__(
            "wget", "`wget --spider -r`",
            "1 connection (wget has no concurrency option)",
            "distinct page URLs (directory or *.html) in its `-nv` log, plus the 404 pages of its broken list",
            "the list after `Found N broken links.` at the end of its log",
        )

    def missing(self) -> str | None:
        return None if shutil.which("wget") else "apt-get install -y wget"

    def command(self, base: str, run_dir: Path, concurrency: int) -> list[str]:
        return ["wget", "--spider", "-r", "-l", "inf", "-nd", "-nv", "-e", "robots=off", "--tries", "1",
                "--timeout", "30", "-P", str(run_dir / "tmp"), "-o", str(run_dir / "wget.log"), base]

    def parse(self, base: str, run_dir: Path, log_path: Path) -> ToolOutput:
        out = ToolOutput()
        text = (run_dir / "wget.log").read_text(encoding="utf-8", errors="replace")
        urls: set[str] = set()
        pages: set[str] = set()
        for line in text.splitlines():
            m = self._URL_LINE.match(line)
            if m:
                urls.add(m.group(1))
                if is_page(m.group(1)):
                    pages.add(m.group(1))
        tail = text.split("broken links.", 1)
        if len(tail) == 2:
            for line in tail[1].splitlines():
                line = line.strip()
                if line.startswith("http"):
                    out.broken.add(line)
                elif line.startswith("FINISHED") or line.startswith("Downloaded"):
                    break
        # wget's -nv log names no URL for a 404 it got; the broken list does: count those pages too.
        for url in out.broken:
            urls.add(url)
            if is_page(url):
                pages.add(url)
        out.pages, out.urls = len(pages), len(urls)
        out.external = sum(1 for u in urls if not on_portal(u, base))
        match = re.search(r"Found (\d+) broken links?", text)
        out.extra = {"broken_links_line": int(match.group(1)) if match else 0}
        return out


def tools(manifest: dict, today: str) -> dict[str, Tool]:
    return {t.name: t for t in (Govcrawl(manifest, today), LinkChecker(), Linkinator(), Plain(), Wget())}


def versions() -> dict[str, str]:
    """Version strings of the peers (best effort)."""
    out: dict[str, str] = {}

    def first_line(cmd: list[str]) -> str:
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            return ((res.stdout or res.stderr).strip().splitlines() or ["?"])[0]
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    if LINKCHECKER.exists():
        out["linkchecker"] = first_line([str(LINKCHECKER), "--version"])
    pkg = NODE_PREFIX / "node_modules" / "linkinator" / "package.json"
    if pkg.exists():
        out["linkinator"] = json.loads(pkg.read_text())["version"]
        out["node"] = first_line(["node", "--version"])
    out["wget"] = first_line(["wget", "--version"])
    return out


def peer_env() -> dict:
    """Environment for every tool: ours without SCRAPY_* (no project settings leak into the plain spider)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["SCRAPY_PROJECT"] = "govcrawl_bench_plain_baseline"
    return env
