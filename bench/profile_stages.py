"""Where govcrawl's CPU goes, per page: py-spy raw stacks of a whole run (all processes) → ms per page by stage.

Input: the folded stacks that ``bench/peers.py --only govcrawl --profile``
writes (``py-spy record --format raw --rate 100 --subprocesses``), and the
number of pages of that run. py-spy leaves idle threads out, so at 100 Hz one
sample is about 10 ms of a busy thread (on an overloaded machine a thread
waiting for a core also counts as busy, which inflates every row alike).

Each sample is given
* a **role**: the resource lane (stack under ``_lane_main`` or ``host_lane``), a page
  worker (under ``crawler.pageworker``'s task functions), or the main process;
* a **phase** for the main process: crawl (under ``run_crawl``), checks (under
  ``check_run``), reports (under ``write_reports``), or other (start-up, imports);
* a **stage**: the innermost frame of our own code (crawler/, govcrawl/,
  checks/, reports/) as ``module.function``, or, with none of ours on the
  stack, the package the leaf frame belongs to (scrapy, twisted, lxml …).

Usage::

    .venv/bin/python bench/profile_stages.py bench/work/peers/runs/p2000/govcrawl-profile/profile.raw \
        --pages 2003 --result bench/work/peers/result-p2000-profile.json
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OURS = ("crawler", "govcrawl", "checks", "reports")
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
# py-spy --subprocesses puts one frame per process in front: process PID:"command line" (which may hold ';')
_PROCESS = re.compile(r'process (\d+):"(.*?)"(?:;|$)')
# Functions that only dispatch to the crawl/checks/reports: time under them with nothing of ours
# further in is Scrapy/Twisted/asyncio machinery, shown as the leaf package instead.
_ENTRY = {"run_crawl", "main", "cmd_run", "crawl_check_report", "_crawl_check_report", "_crawl", "<module>"}
MS_PER_SAMPLE = 10.0  # 100 Hz


def _owner(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if path.startswith(str(REPO)):
        rel = Path(path).relative_to(REPO).with_suffix("")
        return ".".join(rel.parts)
    if not path or path.startswith("<"):
        return "stdlib/native"
    return "stdlib " + Path(path).with_suffix("").name


def _is_ours(owner: str) -> bool:
    return owner.split(".", 1)[0] in OURS


def classify(frames: list[tuple[str, str]], role: str) -> tuple[str, str]:
    """(phase, stage) of one stack (root first) of a process of ``role``."""
    funcs = [f for f, _ in frames]
    if role == "main":
        if "write_reports" in funcs:
            phase = "reports"
        elif "check_run" in funcs:
            phase = "checks"
        elif "run_crawl" in funcs:
            phase = "crawl"
        elif "_ExecutorManagerThread" in " ".join(funcs) or "Queue._feed" in funcs:
            phase = "crawl (threads feeding the page worker)"
        else:
            phase = "start-up, imports, store open/close"
    elif role == "page worker":
        phase = "pages" if any(f.startswith(("_extract", "_reuse", "_flush", "_keep")) for f in funcs) else \
            "start-up, imports, result pipe"
    else:
        phase = "resources" if "_lane_main" in funcs or "host_lane" in funcs else "start-up, imports"
    stage = None
    for func, path in reversed(frames):
        owner = _owner(path)
        if _is_ours(owner) and not (func in _ENTRY and owner.split(".", 1)[0] in ("crawler", "govcrawl")
                                    and (func != "<module>" or owner == "govcrawl.cli")):
            stage = f"{owner}.{func}"
            break
    if stage is None:
        leaf = frames[-1][1] if frames else ""
        stage = f"[{_owner(leaf)}]"
    return phase, stage


def _stacks(raw: Path):
    """(pid, frames) per line of py-spy's raw output, with its sample count."""
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        pid, cmd = None, ""
        while True:
            m = _PROCESS.match(stack)
            if not m:
                break
            # the innermost process frame names the sampled process
            pid, cmd, stack = int(m.group(1)), m.group(2), stack[m.end():]
        frames = []
        for part in stack.split(";") if stack else []:
            m = _FRAME.match(part)
            frames.append((m["func"], m["file"]) if m else (part, ""))
        yield pid, cmd, frames, int(count)


def read(raw: Path, cpu_by_pid: dict[int, float] | None = None) -> Counter[tuple[str, str, str, str]]:
    """(role, phase, stage, leaf package) → CPU ms (samples × 10 ms, or calibrated per process).

    Roles are per process, from the command line the crawl starts its helpers
    with (``crawler.channel``): ``_lane_main`` is the resource lane (or, hosted by the ``govcrawl``
    process, the stacks under ``host_lane``),
    ``crawler.pageworker`` a page worker; the rest is the main process. ``cpu_by_pid``: CPU seconds each process really
    used (the harness's /proc readings); py-spy also counts threads that wait
    for the GIL or a core as busy, so its sample count overstates CPU, and
    unevenly between processes; with it, each process's samples are scaled to
    its measured CPU.
    """
    lines = list(_stacks(raw))
    roles: dict[int | None, str] = {}
    samples: Counter = Counter()
    for pid, cmd, _frames, n in lines:
        samples[pid] += n
        if "_lane_main" in cmd:
            roles[pid] = "resource lane"
        elif "crawler.pageworker" in cmd:
            roles[pid] = "page worker"
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for pid, _, frames, n in lines:
        # a lane hosted by the govcrawl process is a thread there (crawler.linkstatus.LaneHost)
        role = "resource lane" if any(f == "host_lane" for f, _ in frames) else roles.get(pid, "main")
        phase, stage = classify(frames, role)
        leaf = _owner(frames[-1][1]) if frames else "?"
        weight = MS_PER_SAMPLE
        if cpu_by_pid and pid in cpu_by_pid and samples[pid]:
            weight = 1000 * cpu_by_pid[pid] / samples[pid]
        counts[(role, phase, stage, leaf)] += n * weight
    return counts


def report(counts: Counter, pages: int, top: int = 25) -> str:
    total = sum(counts.values())

    def ms(n: float) -> str:
        return f"{n / pages:7.2f}"

    out = [f"{total / 1000:.1f} CPU s over {pages} pages: {total / pages:.2f} ms per page", "",
           "ms/page  role / phase"]
    by_rp: Counter = Counter()
    for (role, phase, _, _), n in counts.items():
        by_rp[(role, phase)] += n
    out += [f"{ms(n)}  {role} / {phase}" for (role, phase), n in by_rp.most_common()]
    out += ["", "ms/page  role / phase / stage (innermost frame of our code, else [leaf package])"]
    by_stage: Counter = Counter()
    for (role, phase, stage, _), n in counts.items():
        by_stage[(role, phase, stage)] += n
    out += [f"{ms(n)}  {r} / {p} / {s}" for (r, p, s), n in by_stage.most_common(top)]
    out += ["", "ms/page  role / leaf package (self time)"]
    by_leaf: Counter = Counter()
    for (role, _, _, leaf), n in counts.items():
        by_leaf[(role, leaf)] += n
    out += [f"{ms(n)}  {r} / {leaf}" for (r, leaf), n in by_leaf.most_common(top)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--result", type=Path,
                        help="the run's result JSON (bench/work/peers/result-pN-profile.json): scale each process's "
                             "samples to the CPU seconds the harness measured for it")
    args = parser.parse_args(argv)
    cpu = None
    if args.result:
        import json

        data = json.loads(args.result.read_text(encoding="utf-8"))
        run = next(r for r in data["results"] if r.get("tool") == "govcrawl")
        cpu = {p["pid"]: p["cpu_seconds_seen"] for p in run["measurement"]["cpu_by_process"]}
    print(report(read(args.raw, cpu), args.pages, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
