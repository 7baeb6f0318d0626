"""Browser-pass benchmark (issue 11): govcrawl's axe pool next to pa11y-ci on the same 200 pages.

Why: the browser pass (axe-core and govcrawl's rendered rules in headless
Chromium, crawler/browser.py) is the slow part of a night, so the issue asks
what it costs per page next to the usual tool for the job, pa11y-ci, and how
much of it template sampling (crawler/browser_select.py) saves on a
20,000-page portal.

How, in one run:

1. **Pages.** The 5,000-page peer portal (bench/genportal.py, 3 attachments per
   article, as bench/peers.py uses; generated if missing) is served by nginx on
   127.0.0.1 (bench/crawl_bench.py's ``Nginx``). Both tools get the same
   ``--pages`` URLs (default 200), chosen from the generator's plan without
   randomness: the homepage, a quarter list pages and the rest articles, each
   kind taken evenly spaced over the portal's own order (all columns, first
   and later list pages, UTF-8 and GBK). The list is printed and written to
   bench/work/a11y_peers/urls.txt.
2. **govcrawl**: ``crawler.browser.BrowserPool`` with the default
   ``govcrawl.config.Accessibility`` (axe tags wcag2a/wcag2aa/wcag21a/wcag21aa,
   plus govcrawl's own rendered rules) except ``screenshots: false`` (pa11y-ci
   takes none either) and ``page_timeout`` = ``--page-timeout``, with
   ``workers`` = N local Chromium instances (one chromedriver each). It runs in
   a child process of this script (``--govcrawl-worker``), so its whole tree —
   Python, chromedriver, every Chromium process — is measured like any tool.
3. **pa11y-ci 4.x** from npm (``PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix
   bench/work/pa11y pa11y-ci@4``; it never downloads a browser), configured by a
   generated ``.pa11yci``: ``runners: ["axe"]``, standard WCAG2AA, warnings and
   notices included (so every axe result is in its JSON, not only
   critical/serious), ``concurrency`` N, the same per-page timeout,
   viewport 1280x900 (govcrawl's window) and ``chromeLaunchConfig`` with
   ``executablePath: /usr/bin/chromium`` and govcrawl's own
   ``CHROMIUM_FLAGS`` plus a fresh ``--user-data-dir`` in the run directory.
   The URLs are given as ``{"url": …}`` objects: given as strings, pa11y-ci
   4.1.1 shares one config object between concurrent pages and one page closes
   another's browser context (pa11y-ci issue #354; a page then fails with
   "Protocol error (Target.closeTarget): No target with given id found").
   Run as ``node …/pa11y-ci/bin/pa11y-ci.js --config .pa11yci --json``; the
   report on stdout is parsed. pa11y-ci starts ONE Chromium and runs N pages
   at a time in it, each in a new incognito context and tab; govcrawl starts N
   Chromium processes and reuses one tab each.

Measured per run with crawl_bench's ``run_measured``: wall seconds of the
whole command, user+sys CPU seconds of the whole process tree
(``getrusage(RUSAGE_CHILDREN)`` deltas; the harness is a child subreaper, so
Chromium processes that outlive their parent are reaped here and counted),
peak RSS (and PSS) of the tree polled every 0.2 s, the CPU of everything else
on the machine meanwhile, nginx's CPU, and the 1-minute load average before
and after. A watcher records the full command line of every Chromium browser
process started (to show both tools ran the same binary with the same flags).

Browser start-up: the headline pages/s is over the whole command, start-up
and shutdown included, for both tools. Each tool and N also runs once on the
first N URLs only (one page per browser or tab): "start-up run". Pages/s
after start-up is (pages − N) ÷ (wall − start-up run's wall). Before anything
is measured, each tool runs once on one URL, unmeasured, so neither pays for
a cold disk cache (Chromium's binary, node_modules, Python imports).

Counts: axe violation nodes per rule. The comparable number is the nodes of
rules carrying one of govcrawl's tags (pa11y's axe-core asked for that rule
list); pa11y's extra best-practice rules and its "incomplete" (needs review)
results are counted apart, govcrawl's own rules too.

Template sampling at 20k (computed, not run): the stored 20,000-page run
bench/work/peers/runs/p20000/govcrawl/data/bench.sqlite (written by
``peers.py --pages 20000``) is COPIED to bench/work/a11y_peers/store20k/
(opening a store migrates it) and ``choose_pages`` selects from its pages
exactly as ``govcrawl.cli.browser_pass`` does, with that run's config's
accessibility settings. Pages chosen vs all readable HTML pages, times the
measured govcrawl seconds per page with the largest N (whole command, 200
pages), gives the browser time with and without sampling.

Usage::

    .venv/bin/python bench/a11y_peers.py                       # both tools, N = 1 and 2, 200 pages
    .venv/bin/python bench/a11y_peers.py --pages 20 --workers 2 --only govcrawl   # quick check
    .venv/bin/python bench/a11y_peers.py --reprint              # the last run's tables again, from result.json

Prints Markdown tables; writes bench/work/a11y_peers/result.json (raw numbers,
per-page results, Chromium command lines). Everything under bench/work/
(git-ignored); nginx listens on 127.0.0.1 only and is stopped at the end, also
on an error, Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(REPO))
import crawl_bench as cb  # noqa: E402  (sibling scripts, not a package)
import genportal  # noqa: E402

WORK = BENCH / "work" / "a11y_peers"
PEERS = BENCH / "work" / "peers"
PORTAL_PAGES = 5000
ATTACHMENTS = 3  # the peer benchmark's portal
PA11Y_PREFIX = BENCH / "work" / "pa11y"
PA11Y_CI = PA11Y_PREFIX / "node_modules" / "pa11y-ci" / "bin" / "pa11y-ci.js"
PA11Y_INSTALL = ("PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 "
                 f"npm install --prefix {PA11Y_PREFIX.relative_to(REPO)} pa11y-ci@4")
PA11Y_TAGS = ["wcag2a", "wcag21a", "wcag2aa", "wcag21aa", "best-practice"]  # pa11y's axe runner, standard WCAG2AA
RUN20K = PEERS / "runs" / "p20000" / "govcrawl"
TOOLS = ("govcrawl", "pa11y")


def log(message: str) -> None:
    print(f"[a11y {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the pages --------------------------------------------------------------------------


def _evenly(items: list, count: int) -> list:
    """``count`` items spread evenly over ``items`` (first one included), in their order."""
    if count >= len(items):
        return list(items)
    return [items[(k * len(items)) // count] for k in range(count)]


def select_pages(count: int) -> tuple[Path, list[dict]]:
    """The portal's directory and ``count`` pages: homepage, ~1/4 list pages, the rest articles."""
    portal_dir, manifest = genportal.ensure_portal(PEERS, PORTAL_PAGES, attachments=ATTACHMENTS, log=log)
    plan = genportal.plan_portal(manifest["pages_requested"], manifest["seed"], ATTACHMENTS)
    lists = [{"path": c.list_path(i), "kind": "list" if i == 0 else "list (later page)", "gbk": i in c.gbk_lists}
             for c in plan.columns for i in range(c.n_lists)]
    articles = [{"path": a.path, "kind": "article", "gbk": a.gbk} for a in plan.articles]
    n_lists = (count - 1) // 4
    chosen = [{"path": "/", "kind": "homepage", "gbk": False}]
    chosen += _evenly(lists, n_lists) + _evenly(articles, count - 1 - n_lists)
    missing = [p["path"] for p in chosen if not (portal_dir / "site" / p["path"].lstrip("/")).exists()
               and p["path"] != "/"]
    if missing:
        raise cb.BenchError(f"selected pages missing from {portal_dir}: {missing[:3]}")
    return portal_dir, chosen[:count]


def describe_selection(pages: list[dict]) -> str:
    kinds: dict[str, int] = {}
    for p in pages:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    gbk = sum(p["gbk"] for p in pages)
    return (f"{len(pages)} pages: " + ", ".join(f"{n} {k}" for k, n in kinds.items())
            + f"; {gbk} of them GBK-encoded")


# -- measuring --------------------------------------------------------------------------


class ChromiumWatcher(threading.Thread):
    """Records the full command line of every Chromium *browser* process (not renderers) in our tree."""

    def __init__(self, exclude: set[int]):
        super().__init__(daemon=True, name="chromium-watcher")
        self.exclude = exclude
        self.stop_event = threading.Event()
        self.seen: set[int] = set()
        self.browsers: list[list[str]] = []

    def run(self) -> None:
        me = os.getpid()
        browser_pids: set[int] = set()
        while not self.stop_event.is_set():
            for pid, (ppid, _, _) in cb._descendants(me, self.exclude).items():
                if pid in self.seen:
                    continue
                if ppid in browser_pids:
                    continue  # a child the browser forked shows its command line until it execs: look again
                try:
                    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                argv = [a.decode("utf-8", "replace") for a in argv if a]
                if argv and os.path.basename(argv[0]) in ("sh", "bash", "dash"):
                    continue  # /usr/bin/chromium is a shell script that execs the browser: look again
                self.seen.add(pid)
                if argv and argv[0].endswith("/chromium") and not any(a.startswith("--type=") for a in argv):
                    self.browsers.append(argv)
                    browser_pids.add(pid)
            self.stop_event.wait(0.2)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(5)


def _kind(cmd: str) -> str:
    """What a process was, from its command line as the tree sampler first saw it.

    The sampler keeps the first command line it saw for a pid, and two of the
    processes start as shells that then exec: ``sh /usr/bin/chromium`` (Debian's
    wrapper script) becomes the browser, ``sh -c exec … node …pa11y-ci.js``
    becomes node. So the whole line is looked at, not its first word.
    """
    if "chromedriver" in cmd:
        return "chromedriver"
    if "/chromium" in cmd or cmd.startswith("/proc/self/exe --type="):  # Chromium's helpers re-exec themselves
        return "chromium"
    if "pa11y-ci" in cmd:
        return "node"
    if "a11y_peers.py" in cmd:
        return "python"
    return "other"


def cpu_by_kind(cpu_by_process: list[dict]) -> dict[str, float]:
    """CPU seconds per kind of process, as last seen in /proc (short-lived processes' last moments are missed)."""
    by_kind: dict[str, float] = {}
    for proc in cpu_by_process:
        kind = _kind(proc["cmd"])
        by_kind[kind] = round(by_kind.get(kind, 0.0) + proc["cpu_seconds_seen"], 1)
    return by_kind


def measure(name: str, command: list[str], run_dir: Path, nginx: cb.Nginx, args, env: dict) -> dict:
    watcher = ChromiumWatcher(set(nginx.pids()))
    load_before = os.getloadavg()
    watcher.start()
    try:
        m = cb.run_measured(name, command, cwd=REPO, env=env, log_path=run_dir / "log.txt", timeout=args.timeout,
                            nginx=nginx, quiet_wait=args.quiet_wait)
    finally:
        watcher.stop()
    load_after = os.getloadavg()
    return {"measurement": m, "load_avg_before": [round(x, 2) for x in load_before],
            "load_avg_after": [round(x, 2) for x in load_after], "cpu_seen_by_kind": cpu_by_kind(m.cpu_by_process),
            "chromium_browsers": watcher.browsers}


# -- govcrawl ---------------------------------------------------------------------------


def govcrawl_worker(args) -> int:
    """The child process: audit the URLs with a BrowserPool and write what came back (--worker-out)."""
    from crawler.browser import BrowserPool
    from govcrawl.config import Accessibility

    urls = json.loads(Path(args.govcrawl_worker).read_text(encoding="utf-8"))
    settings = Accessibility(workers=args.workers[0], screenshots=False, page_timeout=args.page_timeout)
    started = time.monotonic()
    rows = []
    with BrowserPool(settings) as pool:
        for audit in pool.audit(urls):
            axe: dict[str, int] = {}
            own: dict[str, int] = {}
            for node in audit.nodes:
                bucket = axe if node.source == "axe" else own
                bucket[node.rule] = bucket.get(node.rule, 0) + 1
            rows.append({"url": audit.url, "status": audit.status, "error": audit.error,
                         "elapsed_ms": audit.elapsed_ms, "axe_version": audit.axe_version, "axe": axe, "own": own,
                         "done_s": round(time.monotonic() - started, 3)})
        last = time.monotonic() - started
    closed = time.monotonic() - started
    out = {"settings": settings.model_dump(), "audit_seconds": round(last, 3), "closed_seconds": round(closed, 3),
           "audits": rows}
    Path(args.worker_out).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


def run_govcrawl(urls: list[str], workers: int, run_dir: Path, nginx: cb.Nginx, args) -> dict:
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    (run_dir / "urls.json").write_text(json.dumps(urls), encoding="utf-8")
    out = run_dir / "audits.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--govcrawl-worker", str(run_dir / "urls.json"),
               "--workers", str(workers), "--page-timeout", str(args.page_timeout), "--worker-out", str(out)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = measure(f"govcrawl N={workers}", command, run_dir, nginx, args, env)
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        result["error"] = f"no results ({exc!r}); log: {cb._tail(run_dir / 'log.txt', 15)}"
        return result
    audits = data["audits"]
    axe: dict[str, int] = {}
    own: dict[str, int] = {}
    for a in audits:
        for rule, n in a["axe"].items():
            axe[rule] = axe.get(rule, 0) + n
        for rule, n in a["own"].items():
            own[rule] = own.get(rule, 0) + n
    ok = [a for a in audits if a["status"] == "ok"]
    result.update(
        pages=len(audits), pages_ok=len(ok),
        failed={a["url"]: f"{a['status']}: {a['error']}" for a in audits if a["status"] != "ok"},
        axe_versions=sorted({a["axe_version"] for a in audits if a["axe_version"]}),
        axe_tags=list(data["settings"]["tags"]),
        violations_by_rule=dict(sorted(axe.items())),
        comparable_nodes=sum(axe.values()), comparable_rules=len(axe),
        pages_with_comparable=sum(1 for a in audits if a["axe"]),
        own_nodes=sum(own.values()), own_by_rule=dict(sorted(own.items())),
        median_page_ms=statistics.median(a["elapsed_ms"] for a in audits) if audits else None,
        in_process={"audit_seconds": data["audit_seconds"], "closed_seconds": data["closed_seconds"]},
        per_page=audits,
    )
    m = result["measurement"]
    if m.exit_code != 0 and "error" not in result:
        result["error"] = f"exit {m.exit_code}: {cb._tail(run_dir / 'log.txt', 15)}"
    return result


# -- pa11y-ci ---------------------------------------------------------------------------


def pa11y_versions() -> dict:
    out = {}
    for pkg in ("pa11y-ci", "pa11y", "puppeteer", "axe-core"):
        try:
            meta = json.loads((PA11Y_PREFIX / "node_modules" / pkg / "package.json").read_text(encoding="utf-8"))
            out[pkg] = meta["version"]
        except (OSError, ValueError, KeyError):
            out[pkg] = None
    return out


def axe_rules_for(tags: list[str]) -> list[str] | None:
    """Rule ids of pa11y's axe-core that carry one of ``tags`` (axe.getRules, run in node)."""
    script = "const a=require('axe-core');console.log(JSON.stringify(a.getRules(JSON.parse(process.argv[1]))" \
             ".map(r=>r.ruleId)))"
    try:
        proc = subprocess.run(["node", "-e", script, json.dumps(tags)], cwd=PA11Y_PREFIX, capture_output=True,
                              text=True, timeout=60)
        return json.loads(proc.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def pa11y_config(urls: list[str], workers: int, run_dir: Path, page_timeout: float) -> dict:
    from crawler.browser import CHROMIUM, CHROMIUM_FLAGS, WINDOW

    return {
        "defaults": {
            "runners": ["axe"],
            "standard": "WCAG2AA",
            "includeWarnings": True,
            "includeNotices": True,
            "concurrency": workers,
            "timeout": int(page_timeout * 1000),
            "viewport": {"width": WINDOW[0], "height": WINDOW[1]},
            "chromeLaunchConfig": {
                "executablePath": CHROMIUM,
                "args": [*CHROMIUM_FLAGS, f"--window-size={WINDOW[0]},{WINDOW[1]}",
                         f"--user-data-dir={run_dir / 'profile'}"],
            },
        },
        # URLs as objects, not strings: with a string, pa11y-ci's testRunner uses its one shared
        # options object as the page's config, so with concurrency > 1 one page's finally-block closes
        # the incognito context of another page still running (pa11y-ci issue #354: "Protocol error
        # (Target.closeTarget): No target with given id found"). An object gets its own config copy.
        "urls": [{"url": url} for url in urls],
    }


def run_pa11y(urls: list[str], workers: int, run_dir: Path, nginx: cb.Nginx, args, comparable: set[str]) -> dict:
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    config = run_dir / ".pa11yci"
    config.write_text(json.dumps(pa11y_config(urls, workers, run_dir, args.page_timeout), indent=1), encoding="utf-8")
    out = run_dir / "out.json"
    # The JSON report goes to stdout; the shell only redirects it and then becomes node (exec): same process tree.
    command = ["sh", "-c", 'exec "$@" >"$0"', str(out), "node", str(PA11Y_CI), "--config", str(config), "--json"]
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
    result = measure(f"pa11y-ci c={workers}", command, run_dir, nginx, args, env)
    try:
        lines = [ln for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("{")]
        report = json.loads(lines[-1])
    except (OSError, ValueError, IndexError) as exc:
        result["error"] = f"no JSON report ({exc!r}); log: {cb._tail(run_dir / 'log.txt', 15)}"
        return result
    by_rule: dict[str, int] = {}
    extra_by_rule: dict[str, int] = {}
    incomplete: dict[str, int] = {}
    failed: dict[str, str] = {}
    pages_with = 0
    for url, issues in report.get("results", {}).items():
        hit = False
        for issue in issues:
            if "code" not in issue:  # an Error object: the page could not be tested
                failed[url] = issue.get("message", "?")
                continue
            if (issue.get("runnerExtras") or {}).get("needsFurtherReview"):
                incomplete[issue["code"]] = incomplete.get(issue["code"], 0) + 1
            elif issue["code"] in comparable:
                by_rule[issue["code"]] = by_rule.get(issue["code"], 0) + 1
                hit = True
            else:
                extra_by_rule[issue["code"]] = extra_by_rule.get(issue["code"], 0) + 1
        pages_with += hit
    pages = len(report.get("results", {}))
    result.update(
        pages=pages, pages_ok=pages - len(failed), failed=failed,
        axe_versions=[pa11y_versions()["axe-core"]], axe_tags=PA11Y_TAGS,
        violations_by_rule=dict(sorted(by_rule.items())),
        comparable_nodes=sum(by_rule.values()), comparable_rules=len(by_rule), pages_with_comparable=pages_with,
        best_practice_nodes=sum(extra_by_rule.values()), best_practice_by_rule=dict(sorted(extra_by_rule.items())),
        incomplete_nodes=sum(incomplete.values()), incomplete_by_rule=dict(sorted(incomplete.items())),
        report_totals={k: report.get(k) for k in ("total", "passes", "errors")},
    )
    m = result["measurement"]
    if m.exit_code not in (0, 2) and "error" not in result:  # pa11y-ci exits 2 when it found issues
        result["error"] = f"exit {m.exit_code}: {cb._tail(run_dir / 'log.txt', 15)}"
    if len(report.get("results", {})) != len(urls) and "error" not in result:
        result["error"] = f"report has {len(report.get('results', {}))} of {len(urls)} URLs"
    return result


# -- template sampling at 20k -----------------------------------------------------------


def sampling_at_20k(seconds_per_page: float | None) -> dict:
    """Pages the browser pass would render on the stored 20k run, with and without sampling (computed)."""
    from crawler.browser_select import _readable, choose_pages
    from govcrawl.cli import _homepage
    from govcrawl.config import get_site, load_config
    from govcrawl.store import Store

    source = RUN20K / "data" / "bench.sqlite"
    if not source.exists():
        return {"error": f"{source.relative_to(REPO)} missing: run bench/peers.py --pages 20000 --only govcrawl"}
    scratch = WORK / "store20k"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    copy = scratch / "bench.sqlite"
    shutil.copy2(source, copy)  # opening a store migrates its schema: never the original
    config, _ = load_config(RUN20K / "sites.yaml")
    site = get_site(config, "bench")
    settings = site.accessibility
    started = time.monotonic()
    with Store(copy) as store:
        runs = store.runs()
        run = runs[-1]
        pages = list(store.pages(run.id))
    readable = [p for p in pages if _readable(p)]
    homepage = _homepage(site)
    chosen = choose_pages(pages, homepage, per_template=settings.per_template, max_pages=settings.max_pages)
    uncapped = choose_pages(pages, homepage, per_template=settings.per_template, max_pages=10**9)
    every = choose_pages(pages, homepage, per_template=settings.per_template, max_pages=settings.max_pages,
                         all_pages=True)
    templates = {p.template or p.url for p in readable}

    def kinds(urls: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for url in urls:
            path = url.split("://", 1)[-1].split("/", 1)[-1]
            kind = ("article" if "/t20" in "/" + path else "list or section" if "index" in path.rsplit("/", 1)[-1]
                    or path.endswith("/") else "other")
            out[kind] = out.get(kind, 0) + 1
        return out

    result = {
        "store": str(source.relative_to(REPO)), "copied_to": str(copy.relative_to(REPO)), "run": run.id,
        "run_pages_crawled": run.pages_crawled, "pages_in_store": len(pages), "readable_html_pages": len(readable),
        "templates": len(templates), "settings": {"per_template": settings.per_template,
                                                  "max_pages": settings.max_pages},
        "chosen": len(chosen), "chosen_without_cap": len(uncapped), "all_pages": len(every),
        "chosen_kinds": kinds(chosen), "homepage": homepage, "select_seconds": round(time.monotonic() - started, 1),
    }
    if seconds_per_page:
        result |= {"seconds_per_page": round(seconds_per_page, 4),
                   "browser_seconds_all": round(len(every) * seconds_per_page, 1),
                   "browser_seconds_sampled": round(len(chosen) * seconds_per_page, 1)}
    return result


# -- output -----------------------------------------------------------------------------


_f = cb.fmt


def _after_startup(r: dict) -> float | None:
    s = r.get("startup")
    if not s or "measurement" not in s or r.get("pages") is None:
        return None
    extra = r["measurement"].wall_seconds - s["measurement"].wall_seconds
    return (r["pages"] - s["pages_requested"]) / extra if extra > 0 else None


def markdown_table(results: list[dict]) -> str:
    cols = [r for r in results if "measurement" in r]

    def row(label: str, fn) -> str:
        return cb.table_row(label, fn, cols)

    def m(r):
        return r["measurement"]

    def kinds(r):
        k = r["cpu_seen_by_kind"]
        driver = "node" if r["tool"] == "pa11y" else "python"
        unseen = m(r).cpu_seconds - sum(k.values())
        return (f"{k.get('chromium', 0):.0f} / {k.get('chromedriver', 0):.0f} / {k.get(driver, 0):.0f} / "
                f"{k.get('other', 0):.0f} / {unseen:.0f}")

    lines = ["| | " + " | ".join(r["label"] for r in cols) + " |", "|---|" + "---:|" * len(cols)]
    lines += [
        row("browsers", lambda r: r["browsers"]),
        row("Chromium browser processes started (watcher)", lambda r: _f(len(r["chromium_browsers"]))),
        row("pages audited / failed", lambda r: f"{r['pages_ok']} / {len(r['failed'])}"),
        row("wall seconds, whole command (start-up included)", lambda r: _f(m(r).wall_seconds, ".1f")),
        row("**pages/s, whole command**", lambda r: "**" + _f(r["pages"] / m(r).wall_seconds, ".2f") + "**"),
        row("start-up run: wall seconds on N URLs (start + N pages + exit)",
            lambda r: _f(r["startup"]["measurement"].wall_seconds, ".1f")),
        row("pages/s after start-up ((pages − N) ÷ (wall − start-up run))", lambda r: _f(_after_startup(r), ".2f")),
        row("median seconds per page as the tool timed it", lambda r: _f(r["median_page_ms"] / 1000, ".2f")),
        row("CPU seconds, user+sys, process tree", lambda r: _f(m(r).cpu_seconds, ".1f")),
        row("CPU seconds per page", lambda r: _f(m(r).cpu_seconds / r["pages"], ".2f")),
        row("cores busy (CPU ÷ wall)", lambda r: _f(m(r).cpu_seconds / m(r).wall_seconds, ".2f")),
        row("CPU s by process as last seen in /proc: Chromium / chromedriver / python or node / other / "
            "not seen (ended between polls)", kinds),
        row("peak RSS, process tree (MiB)", lambda r: _f(m(r).peak_rss_bytes / 2**20, ".0f")),
        row("peak PSS, process tree (MiB)", lambda r: _f(m(r).peak_pss_bytes / 2**20, ".0f")),
        row("axe-core version", lambda r: ", ".join(r["axe_versions"])),
        row("axe tags run", lambda r: " ".join(r["axe_tags"])),
        row("axe violation nodes, rules with govcrawl's tags (comparable)", lambda r: _f(r["comparable_nodes"])),
        row("… distinct rules / pages with ≥ 1", lambda r: f"{r['comparable_rules']} / {r['pages_with_comparable']}"),
        row("axe violation nodes, best-practice-only rules", lambda r: _f(r.get("best_practice_nodes"))),
        row("axe incomplete (needs review) nodes", lambda r: _f(r.get("incomplete_nodes"))),
        row("govcrawl's own rendered-rule nodes", lambda r: _f(r.get("own_nodes"))),
        row("load average (1 min) before → after",
            lambda r: f"{r['load_avg_before'][0]:.2f} → {r['load_avg_after'][0]:.2f}"),
        row("other processes' CPU seconds during the run", lambda r: _f(m(r).other_cpu_seconds, ".1f")),
        row("nginx CPU seconds", lambda r: _f(m(r).nginx_cpu_seconds, ".2f")),
        row("exit status", lambda r: _f(m(r).exit_code) + (" (timed out)" if m(r).timed_out else "")),
    ]
    return "\n".join(lines)


def rules_table(results: list[dict]) -> str:
    """Comparable axe violation nodes per rule, for the largest N of each tool."""
    best: dict[str, dict] = {}
    for r in results:
        if "violations_by_rule" in r and (r["tool"] not in best or r["workers"] > best[r["tool"]]["workers"]):
            best[r["tool"]] = r
    if not best:
        return ""
    cols = [best[t] for t in TOOLS if t in best]
    rules = sorted({rule for r in cols for rule in r["violations_by_rule"]})
    lines = ["| axe rule | " + " | ".join(r["label"] for r in cols) + " |", "|---|" + "---:|" * len(cols)]
    for rule in rules:
        lines.append(f"| {rule} | " + " | ".join(str(r["violations_by_rule"].get(rule, 0)) for r in cols) + " |")
    return "\n".join(lines)


def chromium_flags(results: list[dict]) -> dict:
    """Binary and flags of the first Chromium browser process of each tool's largest run, and how they differ."""
    skip = ("--user-data-dir=", "--remote-debugging-port=")
    seen: dict[str, dict] = {}
    for r in results:
        if r.get("chromium_browsers") and (r["tool"] not in seen or r["workers"] > seen[r["tool"]]["workers"]):
            argv = r["chromium_browsers"][0]
            seen[r["tool"]] = {"workers": r["workers"], "binary": argv[0], "argv": argv,
                               "flags": sorted({a for a in argv[1:] if a.startswith("--") and not a.startswith(skip)})}
    if len(seen) == 2:
        gov, pa = (set(seen[t]["flags"]) for t in TOOLS)
        seen["common"] = sorted(gov & pa)
        seen["only_govcrawl"] = sorted(gov - pa)
        seen["only_pa11y"] = sorted(pa - gov)
    return seen


def sampling_table(s: dict) -> str:
    if "error" in s:
        return f"sampling: {s['error']}"
    lines = [
        "| 20,000-page run (computed, not run) | pages | browser time |",
        "|---|---:|---:|",
        f"| readable HTML pages in the stored run (`--a11y-all` renders all) | {s['all_pages']:,} | "
        + (f"{s['browser_seconds_all'] / 60:.1f} min" if "browser_seconds_all" in s else "—") + " |",
        f"| chosen by `choose_pages` (per_template {s['settings']['per_template']}, max_pages "
        f"{s['settings']['max_pages']}) | {s['chosen']:,} | "
        + (f"{s['browser_seconds_sampled'] / 60:.1f} min" if "browser_seconds_sampled" in s else "—") + " |",
        "| … of them (by URL) | " + ", ".join(f"{n} {k}" for k, n in s["chosen_kinds"].items()) + " | |",
        f"| … without the max_pages cap | {s['chosen_without_cap']:,} | |",
        f"| templates (distinct `PageFacts.template`) | {s['templates']:,} | |",
    ]
    if "seconds_per_page" in s:
        saved = s["browser_seconds_all"] - s["browser_seconds_sampled"]
        lines.append(f"| saved by sampling ({s['seconds_per_page']:.3f} s/page) | "
                     f"{s['all_pages'] - s['chosen']:,} | {saved / 60:.1f} min ({saved / 3600:.2f} h) |")
    return "\n".join(lines)


# -- main -------------------------------------------------------------------------------


def _interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt


def run_all(args, selected: list[str]) -> dict:
    nginx_binary = cb.find_nginx()
    portal_dir, pages = select_pages(args.pages)
    site = (portal_dir / "site").resolve()
    log(f"selected {describe_selection(pages)} (homepage, list pages and articles each evenly spaced over the "
        f"generator's order of {portal_dir.name})")
    log("pages: " + " ".join(p["path"] + ("[gbk]" if p["gbk"] else "") for p in pages))
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "urls.txt").write_text("".join(p["path"] + "\n" for p in pages), encoding="utf-8")
    cb.warm_page_cache(site)
    nginx = cb.Nginx(nginx_binary, site, (WORK / "nginx").resolve())
    pa11y_ok = PA11Y_CI.exists() and shutil.which("node")
    data: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "bench/a11y_peers.py", *sys.argv[1:]]),
        "machine": cb.machine_info(nginx_binary) | {"chromium": cb_version(["/usr/bin/chromium", "--version"]),
                                                    "chromedriver": cb_version(["/usr/bin/chromedriver", "--version"]),
                                                    "node": cb_version(["node", "--version"]),
                                                    "pa11y": pa11y_versions() if pa11y_ok else None},
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "portal": str(portal_dir.relative_to(REPO)), "pages": pages, "workers": args.workers,
        "page_timeout": args.page_timeout, "timeout": args.timeout, "results": [],
    }
    comparable: set[str] = set()
    if "pa11y" in selected and pa11y_ok:
        from govcrawl.config import Accessibility

        rules = axe_rules_for(list(Accessibility().tags))
        if not rules:
            raise cb.BenchError("could not ask pa11y's axe-core for its rules (node -e \"require('axe-core')\" "
                                f"in {PA11Y_PREFIX.relative_to(REPO)}); is pa11y-ci installed completely?")
        comparable = set(rules)
        data["comparable_rules"] = sorted(comparable)
    try:
        nginx.start()
        base = nginx.base.rstrip("/")
        urls = [base + p["path"] for p in pages]
        log(f"nginx (pid {nginx.proc.pid}) serves {site} on {nginx.base}")
        warm = argparse.Namespace(**{**vars(args), "quiet_wait": 0})
        if "govcrawl" in selected:
            log("warm-up (not measured): govcrawl on 1 URL")
            run_govcrawl(urls[:1], 1, WORK / "warmup" / "govcrawl", nginx, warm)
        if "pa11y" in selected:
            if not pa11y_ok:
                why = f"not installed: {PA11Y_INSTALL}"
                log(f"pa11y-ci: {why}; skipped")
                data["results"].append({"tool": "pa11y", "label": "pa11y-ci", "skipped": why})
                selected = [t for t in selected if t != "pa11y"]
            else:
                log("warm-up (not measured): pa11y-ci on 1 URL")
                run_pa11y(urls[:1], 1, WORK / "warmup" / "pa11y", nginx, warm, comparable)
        for workers in args.workers:
            for tool in selected:
                run_dir = WORK / "runs" / f"{tool}-n{workers}"

                def once(subset: list[str], where: Path, tool=tool, workers=workers) -> dict:
                    if tool == "govcrawl":
                        return run_govcrawl(subset, workers, where, nginx, args)
                    return run_pa11y(subset, workers, where, nginx, args, comparable)

                startup = once(urls[:workers], run_dir / "startup")
                startup["pages_requested"] = workers
                result = once(urls, run_dir / "full")
                label = (f"govcrawl BrowserPool, N={workers}" if tool == "govcrawl"
                         else f"pa11y-ci, concurrency {workers}")
                browsers = (f"{workers} Chromium × 1 tab" if tool == "govcrawl"
                            else f"1 Chromium × {workers} tab{'s' if workers > 1 else ''}")
                result.update(tool=tool, label=label, workers=workers, browsers=browsers,
                              startup={k: v for k, v in startup.items() if k != "per_page"})
                data["results"].append(result)
                m = result["measurement"]
                log(f"{label}: {result.get('pages_ok')} pages ok in {m.wall_seconds:.1f} s "
                    f"({(result.get('pages') or 0) / m.wall_seconds:.2f}/s), start-up run "
                    f"{startup['measurement'].wall_seconds:.1f} s, CPU {m.cpu_seconds:.1f} s, peak RSS "
                    f"{m.peak_rss_bytes / 2**20:.0f} MiB, comparable axe nodes {result.get('comparable_nodes')}"
                    + (f"; ERROR {result['error'][:300]}" if result.get("error") else ""))
    finally:
        nginx.stop()
    gov = [r for r in data["results"] if r.get("tool") == "govcrawl" and r.get("pages")]
    if gov:
        top = max(gov, key=lambda r: r["workers"])
        spp = top["measurement"].wall_seconds / top["pages"]
        log(f"template sampling at 20k: copying the stored run and choosing pages ({spp:.3f} s/page, N={top['workers']})")
        try:
            data["sampling_20k"] = sampling_at_20k(spp) | {"seconds_per_page_from": top["label"]}
        except Exception as exc:  # noqa: BLE001 - the measurements above must still be reported
            data["sampling_20k"] = {"error": f"{type(exc).__name__}: {exc}"}
    data["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    return data


def cb_version(command: list[str]) -> str | None:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (out.stdout.strip().splitlines() or [""])[-1] or None


class _Attrs(dict):
    """A measurement read back from result.json, with attribute access like ``cb.Measurement``."""

    __getattr__ = dict.__getitem__


def reprint(path: Path) -> int:
    """Print the tables of a finished run again from its result.json (measurements are not touched)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for r in data["results"]:
        if "measurement" in r:
            r["measurement"] = _Attrs(r["measurement"])
            r["cpu_seen_by_kind"] = cpu_by_kind(r["measurement"]["cpu_by_process"])
        if (r.get("startup") or {}).get("measurement"):
            r["startup"]["measurement"] = _Attrs(r["startup"]["measurement"])
    data["chromium_flags"] = chromium_flags(data["results"])
    data["reprinted"] = datetime.now(UTC).isoformat(timespec="seconds")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"(tables re-printed from {path.relative_to(REPO)} at {data['reprinted']})")
    return report(data, path)


def report(data: dict, path: Path) -> int:
    print(f"\n### Browser pass on {len(data['pages'])} pages of {data['portal'].rsplit('/', 1)[-1]}, {data['date']}\n")
    print(f"selected: {describe_selection(data['pages'])}; load average (1/5/15 min) at start "
          f"{'/'.join(str(x) for x in data['load_avg_start'])}, at end {'/'.join(str(x) for x in data['load_avg_end'])}\n")
    print(markdown_table(data["results"]))
    flags = data["chromium_flags"]
    if "common" in flags:
        print(f"\nChromium: govcrawl ran {flags['govcrawl']['binary']}, pa11y-ci ran {flags['pa11y']['binary']}; "
              f"{len(flags['common'])} flags in common (--user-data-dir and --remote-debugging-port aside); only "
              f"govcrawl's (chromedriver's defaults): {' '.join(flags['only_govcrawl']) or 'none'}; only pa11y-ci's "
              f"(puppeteer's defaults): {' '.join(flags['only_pa11y']) or 'none'}")
    table = rules_table(data["results"])
    if table:
        print("\naxe violation nodes per rule (rules with govcrawl's tags; largest N of each tool)\n")
        print(table)
    if "sampling_20k" in data:
        print("\ntemplate sampling at 20,000 pages\n")
        print(sampling_table(data["sampling_20k"]))
    failed = False
    for r in data["results"]:
        if r.get("error"):
            failed = True
            print(f"\n{r['label']}: ERROR {r['error'][:600]}")
        if r.get("failed"):
            print(f"\n{r['label']}: {len(r['failed'])} pages failed, e.g. {next(iter(r['failed'].items()))}")
        if r.get("skipped"):
            print(f"\n{r['label']}: skipped ({r['skipped']})")
    print(f"\nresult: {path.relative_to(REPO)}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages both tools audit (default %(default)s)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="Chromium instances (govcrawl) / concurrency (pa11y-ci), each a run (default 1 2)")
    parser.add_argument("--only", choices=TOOLS, help="one tool only")
    parser.add_argument("--timeout", type=float, default=900, help="time bound per tool run, seconds")
    parser.add_argument("--page-timeout", type=float, default=60, help="seconds per page, both tools")
    parser.add_argument("--quiet-wait", type=float, default=60,
                        help="wait at most this long for a quiet machine before each run (0: don't)")
    parser.add_argument("--reprint", action="store_true",
                        help="run nothing: print the tables of the last run again from bench/work/a11y_peers/result.json")
    parser.add_argument("--govcrawl-worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.govcrawl_worker:
        return govcrawl_worker(args)
    if args.reprint:
        return reprint(WORK / "result.json")
    if args.pages < 2:
        parser.error("--pages must be at least 2")
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    if not cb._become_subreaper():
        log("warning: PR_SET_CHILD_SUBREAPER unavailable; CPU of orphaned Chromium processes would be missed")
    selected = [t for t in TOOLS if not args.only or t == args.only]
    try:
        data = run_all(args, selected)
    except KeyboardInterrupt:
        log("interrupted; stopped")
        return 130
    data["chromium_flags"] = chromium_flags(data["results"])
    path = WORK / "result.json"
    path.write_text(json.dumps(data, default=cb._plain, ensure_ascii=False, indent=1), encoding="utf-8")
    return report(data, path)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except cb.BenchError as exc:
        print(f"a11y_peers: {exc}", file=sys.stderr)
        sys.exit(2)
