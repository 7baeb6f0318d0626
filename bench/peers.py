"""Peer benchmark (issue 11): govcrawl next to LinkChecker, linkinator, a plain Scrapy CrawlSpider and wget.

One command generates (or reuses) a portal of N pages with bench/genportal.py
in the issue's shape (Chinese-government layout, 3 attachments + 1 image per
article, 10% GBK pages, planted broken links with a ground-truth list), serves
it with nginx on 127.0.0.1 only, and runs each tool in turn on it with the
same concurrency (32; wget has one connection) and a time bound per run. For
each run it measures, with bench/crawl_bench.py's ``run_measured``:

* wall seconds; pages as the tool records them (see bench/peer_tools.py), hence pages/s;
* user+sys CPU seconds of the whole process tree (``getrusage(RUSAGE_CHILDREN)``
  deltas, the harness being a child subreaper, so helpers' CPU counts);
* peak RSS of the process tree: RSS of every descendant from /proc/PID/stat,
  polled every 0.2 s, the maximum over time of the sum;
* the 1-minute load average (``os.getloadavg()``, what ``uptime`` shows) just
  before and after, and the CPU every other process used meanwhile;
* broken links it reports, scored against the planted ones: true positives,
  misses (and how many of those only GBK pages link), false positives.

nginx answers every request with a ``LinkChecker: bench`` header (LinkChecker's
opt-out from its per-host wait, see peer_tools.LinkChecker); the other tools
ignore it. Usage::

    .venv/bin/python bench/peers.py --pages 500 2000          # harness check
    .venv/bin/python bench/peers.py --pages 5000              # the comparison
    .venv/bin/python bench/peers.py --pages 5000 --rounds 3   # every tool 3 times, interleaved; medians and ratios
    .venv/bin/python bench/peers.py --pages 2000 --only govcrawl --profile   # where govcrawl's time goes
    .venv/bin/python bench/peers.py --pages 100000 --only govcrawl --nights 2  # a first run, then the next night's

Writes bench/work/peers/result-pN.json per size and prints one Markdown
table per size. Everything under bench/work/ (git-ignored).

Why ``--rounds``: on a shared VM the same code runs 20-30 % faster or slower
from one minute to the next, so one run per tool compares tools measured in
different minutes. With N rounds each tool runs once per round, in the same
order, so a ratio is taken between runs minutes apart; the table shows the
median run of each tool and a second table every round's pages/s and ratios.

Why ``--nights``: govcrawl runs every night on the same data folder, and the
second night is not the first (the previous run's pages answer 304 to
conditional requests, findings get a lifecycle, the previous night's pages are
read for the history checks, a site with a run of more than 50,000 pages keeps
its resource lane a process: govcrawl.cli.lane_in_this_process).
With N nights govcrawl runs N times one after another on one folder, each run
measured and shown as a column of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import crawl_bench as cb  # noqa: E402  (sibling scripts, not a package)
import genportal  # noqa: E402
import peer_tools  # noqa: E402

WORK = BENCH / "work" / "peers"
TODAY = "2023-11-01"
ORDER = ("govcrawl", "linkchecker", "linkinator", "plain", "wget")
ATTACHMENTS = 3  # + 1 image = 4 attachments and images per article


def log(message: str) -> None:
    print(f"[peers {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _exists(site: Path, path: str) -> bool:
    rel = path.split("?", 1)[0].lstrip("/")
    target = site / rel
    return (target / "index.html").is_file() if path.endswith("/") or target.is_dir() else target.is_file()


def score(reported: set[str], manifest: dict, base: str, site: Path) -> dict:
    """Reported broken URLs against the planted ones, by URL path on the portal.

    A reported URL that was not planted is a false positive when the file is
    on the portal (nginx serves it); when it is not (the template's search form
    posts to /search/, which the generator does not write), it is a real but
    unplanted 404, counted apart.
    """
    planted = manifest["planted_broken"]
    planted_paths = set(planted["missing_attachments"]) | set(planted["missing_pages"])
    only_gbk = set(planted.get("only_on_gbk_pages", []))
    prefix = base.rstrip("/")
    paths = set()
    off_portal = set()
    for url in reported:
        if url.startswith(prefix + "/"):
            paths.add(url[len(prefix):].split("#", 1)[0])
        else:
            off_portal.add(url)
    found = planted_paths & paths
    missed = planted_paths - found
    unplanted = paths - planted_paths
    real = sorted(p for p in unplanted if not _exists(site, p))
    false = sorted((unplanted - set(real)) | off_portal)
    return {
        "planted": len(planted_paths),
        "planted_only_on_gbk_pages": len(only_gbk),
        "true_positives": len(found),
        "found_attachments": len(found & set(planted["missing_attachments"])),
        "found_pages": len(found & set(planted["missing_pages"])),
        "missed": len(missed),
        "missed_only_on_gbk_pages": len(missed & only_gbk),
        "missed_attachments": len(missed & set(planted["missing_attachments"])),
        "missed_examples": sorted(missed)[:10],
        "false_positives": len(false),
        "false_examples": false[:10],
        "unplanted_real_404": len(real),
        "unplanted_real_404_examples": real[:10],
    }


def _nginx_warnings(nginx: cb.Nginx, start: int) -> tuple[int, int]:
    """(size of nginx's error log, "worker_connections are not enough" lines written since ``start``)."""
    path = nginx.state / "error.log"
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            chunk = fh.read()
    except OSError:
        return start, 0
    return start + len(chunk), chunk.count(b"worker_connections are not enough")


def run_tool(tool: peer_tools.Tool, nginx: cb.Nginx, manifest: dict, run_dir: Path, args, keep: bool = False) -> dict:
    """One measured run of ``tool``; ``keep``: in the folder of the run before (govcrawl's next night)."""
    if not keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True, exist_ok=True)
    base = nginx.base
    command = tool.command(base, run_dir, args.concurrency)
    if args.profile:
        command = with_profiler(command, run_dir / "profile.raw")
    log_start, _ = _nginx_warnings(nginx, 0)
    load_before = os.getloadavg()
    cwd = cb.REPO if tool.name == "govcrawl" else run_dir  # govcrawl as crawl_bench runs it, from the checkout
    m = cb.run_measured(tool.name, command, cwd=cwd, env=peer_tools.peer_env(), log_path=run_dir / "log.txt",
                        timeout=args.timeout, nginx=nginx, quiet_wait=args.quiet_wait)
    load_after = os.getloadavg()
    _, conn_warnings = _nginx_warnings(nginx, log_start)
    result: dict = {"tool": tool.name, "label": tool.label, "measurement": m,
                    "load_avg_before": [round(x, 2) for x in load_before],
                    "load_avg_after": [round(x, 2) for x in load_after],
                    "nginx_out_of_connections_warnings": conn_warnings,
                    "concurrency": tool.concurrency, "page_rule": tool.page_rule, "broken_rule": tool.broken_rule}
    if m.timed_out:
        result["error"] = f"time bound of {args.timeout:.0f} s reached; parsed what it wrote so far"
    try:
        out = tool.parse(base, run_dir, run_dir / "log.txt")
    except (OSError, ValueError, KeyError) as exc:
        result["error"] = f"{result.get('error', '')} output unreadable: {exc!r}; log: {cb._tail(run_dir / 'log.txt', 15)}"
        log(f"{tool.name}: {result['error']}")
        return result
    result.update(pages=out.pages, urls=out.urls, external=out.external, notes=out.notes, extra=out.extra,
                  unparsed_pages=out.unparsed_pages,
                  broken_reported=len(out.broken), broken=score(out.broken, manifest, base, nginx.root))
    if m.exit_code not in (0, 1, 8) and "error" not in result:  # linkinator/LinkChecker exit 1, wget 8: broken links found
        result["error"] = f"exit {m.exit_code}: {cb._tail(run_dir / 'log.txt', 15)}"
    b = result["broken"]
    log(f"{tool.name}: {out.pages} pages in {m.wall_seconds:.1f} s ({out.pages / max(m.wall_seconds, 1e-9):.1f}/s), "
        f"CPU {m.cpu_seconds:.1f} s, peak RSS {m.peak_rss_bytes / 2**20:.0f} MiB, broken {b['true_positives']}/"
        f"{b['planted']} (+{b['false_positives']} false), load {load_before[0]:.2f}→{load_after[0]:.2f}")
    return result


def with_profiler(command: list[str], out: Path) -> list[str]:
    spy = shutil.which("py-spy") or str(cb.WORK / "tools" / "bin" / "py-spy")
    if not Path(spy).exists():
        raise cb.BenchError("--profile needs py-spy, e.g. python3 -m venv bench/work/tools && "
                            "bench/work/tools/bin/pip install py-spy")
    return [spy, "record", "--format", "raw", "--rate", "100", "--subprocesses", "--nonblocking", "--full-filenames",
            "-o", str(out), "--", *command]


_f = cb.fmt


def _pages_per_second(r: dict) -> float:
    return r["pages"] / r["measurement"]["wall_seconds"]


def median_runs(results: list[dict]) -> list[dict]:
    """Each tool's median run by pages/s (the lower of the two middle ones for an even count), in tool order."""
    by_tool: dict[str, list[dict]] = {}
    for r in results:
        if "measurement" in r and "pages" in r:
            by_tool.setdefault(r["tool"], []).append(r)
    chosen = []
    for runs in by_tool.values():
        runs = sorted(runs, key=_pages_per_second)
        chosen.append(runs[(len(runs) - 1) // 2])
    return chosen


def rounds_table(results: list[dict]) -> str:
    """pages/s of every tool in every round, and govcrawl's ratio to each peer within the round."""
    runs = [r for r in results if "measurement" in r and "pages" in r]
    tools = list(dict.fromkeys(r["tool"] for r in runs))
    labels = {r["tool"]: r["label"] for r in runs}
    peers = [t for t in tools if t != "govcrawl" and t != "wget"] if "govcrawl" in tools else []
    head = ["round", *[labels[t] for t in tools], *[f"govcrawl ÷ {labels[t]}" for t in peers]]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    rounds = sorted({r.get("round", 1) for r in runs})
    ratios: dict[str, list[float]] = {t: [] for t in peers}
    for rnd in rounds:
        speed = {r["tool"]: _pages_per_second(r) for r in runs if r.get("round", 1) == rnd}
        cells = [str(rnd), *[_f(speed.get(t), ".1f") for t in tools]]
        for t in peers:
            if "govcrawl" in speed and speed.get(t):
                ratios[t].append(speed["govcrawl"] / speed[t])
                cells.append(f"{ratios[t][-1]:.2f}x")
            else:
                cells.append("—")
        lines.append("| " + " | ".join(cells) + " |")
    medians = {r["tool"]: _pages_per_second(r) for r in median_runs(runs)}
    cells = ["median", *[_f(medians.get(t), ".1f") for t in tools]]
    for t in peers:
        values = sorted(ratios[t])
        cells.append(f"{values[(len(values) - 1) // 2]:.2f}x" if values else "—")
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown_table(results: list[dict]) -> str:
    """The comparison table; with several rounds, of each tool's median run, followed by the rounds table."""
    several = len({r.get("round", 1) for r in results}) > 1
    cols = median_runs(results) if several else [r for r in results if "measurement" in r]

    def row(label: str, fn) -> str:
        return cb.table_row(label, fn, cols)

    def m(r):
        return r["measurement"]

    lines = ["| | " + " | ".join(r["label"] for r in cols) + " |", "|---|" + "---:|" * len(cols)]
    lines += [
        row("pages (as the tool counts them)", lambda r: _f(r["pages"])),
        row("portal URLs requested (pages + files)", lambda r: _f(r["urls"])),
        row("pages fetched but links not followed (undecodable / failed)", lambda r: _f(r.get("unparsed_pages"))),
        row("wall seconds", lambda r: _f(m(r)["wall_seconds"], ".1f")),
        row("**pages/s**", lambda r: "**" + _f(r["pages"] / m(r)["wall_seconds"], ".1f") + "**"),
        row("CPU seconds, user+sys, process tree", lambda r: _f(m(r)["cpu_seconds"], ".1f")),
        row("CPU ms per page", lambda r: _f(1000 * m(r)["cpu_seconds"] / r["pages"], ".1f")),
        row("peak RSS, process tree (MiB)", lambda r: _f(m(r)["peak_rss_bytes"] / 2**20, ".0f")),
        row("peak PSS, process tree (MiB)", lambda r: _f(m(r)["peak_pss_bytes"] / 2**20, ".0f")
            if m(r).get("peak_pss_bytes") else "—"),
        row("broken: planted found", lambda r: f"{r['broken']['true_positives']} / {r['broken']['planted']}"),
        row("broken: missed (of them only on GBK pages)",
            lambda r: f"{r['broken']['missed']} ({r['broken']['missed_only_on_gbk_pages']})"),
        row("broken: false positives (target is served fine)", lambda r: _f(r["broken"]["false_positives"])),
        row("broken: not planted but really 404 (e.g. the search form's /search/)",
            lambda r: _f(r["broken"]["unplanted_real_404"])),
        row("nginx \"worker_connections are not enough\" warnings", lambda r: _f(r["nginx_out_of_connections_warnings"])),
        row("URLs off 127.0.0.1 requested", lambda r: _f(r["external"])),
        row("load average (1 min) before → after", lambda r: f"{r['load_avg_before'][0]:.2f} → {r['load_avg_after'][0]:.2f}"),
        row("other processes' CPU seconds during the run", lambda r: _f(m(r)["other_cpu_seconds"], ".1f")),
        row("nginx CPU seconds", lambda r: _f(m(r)["nginx_cpu_seconds"], ".1f")),
        row("exit status", lambda r: _f(m(r)["exit_code"]) + (" (timed out)" if m(r)["timed_out"] else "")),
    ]
    if several:
        lines += ["", "Median run of each tool above; every round (tools run in this order, one round after another):",
                  "", rounds_table(results)]
    return "\n".join(lines)


def run_size(pages: int, nginx_binary: str, selected: list[str], args) -> dict:
    portal_dir, manifest = genportal.ensure_portal(WORK, pages, attachments=ATTACHMENTS, log=log)
    site = (portal_dir / "site").resolve()
    pb = manifest["planted_broken"]
    log(f"portal: {manifest['pages']['total']} pages ({manifest['pages']['gbk']} GBK), "
        f"{manifest['resources']['per_article']} attachments/images per article, {pb['total']} planted broken links "
        f"({len(pb.get('only_on_gbk_pages', []))} only on GBK pages)")
    cb.warm_page_cache(site)
    if "govcrawl" in selected:
        log(f"bytecode written for {', '.join(cb.compile_code_under_test(peer_tools.peer_env()))}")
    nginx = cb.Nginx(nginx_binary, site, (WORK / "nginx").resolve(), headers={"LinkChecker": "bench"})
    all_tools = peer_tools.tools(manifest, TODAY)
    data: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "bench/peers.py", *sys.argv[1:]]),
        "machine": cb.machine_info(nginx_binary) | {"peers": peer_tools.versions()},
        "portal": {k: v for k, v in manifest.items() if k != "planted_broken"}
        | {"planted_broken": pb["total"], "only_on_gbk_pages": len(pb.get("only_on_gbk_pages", [])),
           "dir": str(portal_dir)},
        "concurrency": args.concurrency,
        "timeout": args.timeout,
        "results": [],
    }
    try:
        nginx.start()
        log(f"nginx (pid {nginx.proc.pid}) serves {site} on {nginx.base} with header LinkChecker: bench")
        data["base"] = nginx.base
        present = []
        for name in selected:
            why = all_tools[name].missing()
            if why:
                log(f"{name}: not installed; skipped. Install: {why}")
                data["results"].append({"tool": name, "label": all_tools[name].label, "skipped": why})
            else:
                present.append(name)
        for rnd in range(1, args.rounds + 1):
            if args.rounds > 1:
                log(f"round {rnd} of {args.rounds}")
            for name in present:
                suffix = (f"-r{rnd}" if args.rounds > 1 else "") + ("-profile" if args.profile else "")
                run_dir = WORK / "runs" / f"p{pages}" / (name + suffix)
                result = run_tool(all_tools[name], nginx, manifest, run_dir, args)
                data["results"].append(result | {"round": rnd})
                for night in range(2, args.nights + 1 if name == "govcrawl" else 0):
                    result = run_tool(all_tools[name], nginx, manifest, run_dir, args, keep=True)
                    data["results"].append(result | {"round": rnd, "tool": f"{name}-night{night}", "runs_as": name,
                                                     "label": f"{result['label']}, night {night}"})
    finally:
        nginx.stop()
    return data


def reparse(path: Path) -> dict:
    """Read the tools' outputs of a finished run again (after a parser changed); measurements are kept."""
    import re

    data = json.loads(path.read_text(encoding="utf-8"))
    manifest = json.loads((Path(data["portal"]["dir"]) / "manifest.json").read_text(encoding="utf-8"))
    site = Path(data["portal"]["dir"]) / "site"
    all_tools = peer_tools.tools(manifest, TODAY)
    commands = " ".join(" ".join(r["measurement"]["command"]) for r in data["results"] if "measurement" in r)
    base = data.get("base") or re.search(r"http://127\.0\.0\.1:\d+/", commands).group(0)
    newest = {Path(r["measurement"]["log"]).parent: r for r in data["results"] if "measurement" in r}
    for r in data["results"]:
        if "measurement" not in r:
            continue
        run_dir = Path(r["measurement"]["log"]).parent
        if newest[run_dir] is not r:  # --nights: the next night wrote its outputs in the same folder
            r["reparse_note"] = "outputs overwritten by the next night; not re-read"
            continue
        out = all_tools[r.get("runs_as", r["tool"])].parse(base, run_dir, run_dir / "log.txt")
        r.update(pages=out.pages, urls=out.urls, external=out.external, notes=out.notes, extra=out.extra,
                 unparsed_pages=out.unparsed_pages, broken_reported=len(out.broken),
                 broken=score(out.broken, manifest, base, site))
    data["reparsed"] = datetime.now(UTC).isoformat(timespec="seconds")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return data


def _interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[5000], help="portal sizes, run one after another")
    parser.add_argument("--only", nargs="+", choices=ORDER, help="these tools only (default: all, in this order)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight per tool (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=1800, help="time bound per tool run, seconds")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every tool this many times, interleaved; report medians and per-round ratios")
    parser.add_argument("--nights", type=int, default=1,
                        help="run govcrawl this many times in a row on the same data folder, as a nightly job does")
    parser.add_argument("--quiet-wait", type=float, default=60,
                        help="wait at most this long for a quiet machine before each run (0: don't)")
    parser.add_argument("--profile", action="store_true",
                        help="run under py-spy --subprocesses (bench/work/peers/runs/pN/TOOL/profile.raw); "
                             "numbers then include the profiler and are not for RESULTS.md")
    parser.add_argument("--reparse", action="store_true",
                        help="don't run anything: read the outputs of the last run of each --pages size again")
    args = parser.parse_args(argv)
    if args.nights > 1 and args.rounds > 1:
        parser.error("--nights and --rounds: one or the other")
    if args.reparse:
        for pages in args.pages:
            data = reparse(WORK / f"result-p{pages}.json")
            print(f"\n### {data['portal']['pages']['total']} pages, {data['date']} (outputs re-read {data['reparsed']})\n")
            print(markdown_table(data["results"]))
        return 0
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    if not cb._become_subreaper():
        log("warning: PR_SET_CHILD_SUBREAPER unavailable; CPU of orphaned helper processes would be missed")
    WORK.mkdir(parents=True, exist_ok=True)
    nginx_binary = cb.find_nginx()
    selected = [t for t in ORDER if not args.only or t in args.only]
    failed = False
    for pages in args.pages:
        try:
            data = run_size(pages, nginx_binary, selected, args)
        except KeyboardInterrupt:
            log("interrupted; stopped")
            return 130
        data = json.loads(json.dumps(data, default=cb._plain, ensure_ascii=False))
        path = WORK / f"result-p{pages}{'-profile' if args.profile else ''}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        p = data["portal"]
        print(f"\n### {p['pages']['total']} pages ({p['pages']['gbk']} GBK), {p['planted_broken']} planted broken links "
              f"({p['only_on_gbk_pages']} only on GBK pages), {data['date']}\n")
        print(markdown_table(data["results"]))
        for r in data["results"]:
            if r.get("error"):
                failed = True
                print(f"\n{r['tool']}: ERROR {r['error'][:400]}")
        print(f"\nresult: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except cb.BenchError as exc:
        print(f"peers: {exc}", file=sys.stderr)
        sys.exit(2)
