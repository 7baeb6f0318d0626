"""Crawl benchmark: ``govcrawl run --no-browser`` next to a plain Scrapy CrawlSpider, same site, same run.

Why: the nightly crawl must finish a 20,000-page portal in minutes on a
2-core machine, and "fast" needs a reference. Both crawlers crawl the same
generated portal (bench/genportal.py) served by nginx on loopback, one after
the other, and the harness measures for each:

* wall seconds and pages crawled (govcrawl: ``run.pages_crawled`` of
  findings.json; plain: the number of items), hence pages/s;
* CPU seconds (user+sys) of the whole process tree, from
  ``getrusage(RUSAGE_CHILDREN)`` deltas. That counts govcrawl's link-checking
  helper process too: the harness makes itself a child subreaper
  (``PR_SET_CHILD_SUBREAPER``), so every descendant is reaped by its parent or
  by the harness, and a reaped process's CPU lands in RUSAGE_CHILDREN;
* peak RSS of the whole process tree: the RSS of every descendant
  (/proc/<pid>/stat) polled every 0.2 s, the maximum over time of the SUM;
* nginx's own CPU during the run (to show the server is not the bottleneck),
  and the CPU every other process used meanwhile (a test suite next door on
  a 2-core machine skews the ratio; the harness waits, bounded, for a quiet
  machine before each run and warns when it was not);
* for govcrawl also resources checked (run.stats) and broken-link findings
  against the links the generator planted.

``--incremental`` measures something else: the second night. govcrawl runs
twice on the same unchanged portal with the same store, config and
``--today``; the second run sends conditional requests (If-None-Match /
If-Modified-Since) for the pages the first one read and reuses their stored
facts on 304. Each night is measured as above, and nginx keeps an access log
(this mode only) so the server itself says what each night cost: requests,
200 and 304 answers, body bytes sent, and which HTML pages got a 200 body in
both nights (should be none). The plain spider does not run in this mode.

Usage (``make bench`` runs the first)::

    .venv/bin/python bench/crawl_bench.py [--pages 20000] [--only govcrawl|plain] [--keep]
                                         [--timeout 1800] [--profile]
    .venv/bin/python bench/crawl_bench.py --incremental [--pages 20000] [--keep] [--timeout 1800]

Writes bench/work/result.json (``--incremental``:
bench/work/result-incremental.json, the runs' files under
bench/work/incremental/) and prints a Markdown table. Every server
listens on 127.0.0.1 only; nginx and every crawler are stopped at the end,
also on error or Ctrl+C (``--keep`` leaves nginx running on purpose).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import itertools
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
TODAY = "2023-11-01"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
POLL_SECONDS = 0.2
PR_SET_CHILD_SUBREAPER = 36

sys.path.insert(0, str(BENCH))
import genportal  # noqa: E402  (a sibling script, not a package)


def fmt(value, spec: str = "") -> str:
    """A table cell: ``value`` formatted with ``spec``, "—" when there is none."""
    if value is None:
        return "—"
    return format(value, spec) if spec else str(value)


def table_row(label: str, fn, cols: list[dict]) -> str:
    """One Markdown table row: ``fn`` of each column's result, "—" where that result lacks what fn reads."""
    cells = []
    for r in cols:
        try:
            cells.append(fn(r))
        except (KeyError, TypeError, ZeroDivisionError, AttributeError):
            cells.append("—")
    return f"| {label} | " + " | ".join(cells) + " |"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """A problem of the benchmark's environment, reported as one line."""


# -- /proc ----------------------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, utime+stime in ticks, rss pages) of a live process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2:].split()
    # fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24.
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[21])


def _pss_bytes(pid: int) -> int:
    """Proportional set size of a live process (/proc/PID/smaps_rollup), 0 if unreadable.

    Why beside RSS: the sum of RSS counts pages that processes share twice, e.g.
    a child forked just before it execs (subprocess.Popen) briefly shows the
    parent's whole RSS; PSS splits shared pages among their users, so its sum
    over the tree is the memory the tree really holds.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _system_busy_seconds() -> float:
    """CPU seconds all processes on the machine have used since boot (/proc/stat, all but idle and iowait)."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already inside user)
    return (sum(values[:8]) - values[3] - values[4]) / CLK_TCK


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _children(pid: int) -> list[int] | None:
    """Direct children from /proc/PID/task/*/children (cheap), or None where the kernel lacks the file."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(c) for c in fh.read().split())
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{tid}"):
                continue  # the thread just ended
            return None
        except OSError:
            continue
    return out


def _descendants(root: int, exclude: set[int]) -> dict[int, tuple[int, int, int]]:
    """Every live descendant of ``root`` (not root itself), minus ``exclude`` and their subtrees.

    Walks /proc/PID/task/*/children from the root, so the cost follows the
    size of our tree, not of the machine (a browser test suite next door has
    hundreds of processes); falls back to scanning all of /proc.
    """
    out: dict[int, tuple[int, int, int]] = {}
    stack = [root]
    while stack:
        kids = _children(stack.pop())
        if kids is None:
            return _descendants_by_scan(root, exclude)
        for pid in kids:
            if pid in exclude or pid in out:
                continue
            info = _proc_stat(pid)
            if info is not None:
                out[pid] = info
                stack.append(pid)
    return out


def _descendants_by_scan(root: int, exclude: set[int]) -> dict[int, tuple[int, int, int]]:
    table = {}
    for pid in _all_pids():
        info = _proc_stat(pid)
        if info is not None:
            table[pid] = info
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out = {}
    stack = [p for p in children.get(root, []) if p not in exclude]
    while stack:
        pid = stack.pop()
        out[pid] = table[pid]
        stack.extend(p for p in children.get(pid, []) if p not in exclude)
    return out


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()[:160]


class TreeSampler(threading.Thread):
    """Polls the harness's descendants (nginx excluded) every 0.2 s: peak of the summed RSS, CPU per process."""

    def __init__(self, exclude: set[int]):
        super().__init__(daemon=True, name="tree-sampler")
        self.exclude = exclude
        self.stop_event = threading.Event()
        self.peak_rss = 0
        self.peak_pss = 0  # maximum over time of the summed PSS (shared pages split, see _pss_bytes)
        self.peak_processes = 0
        self.cpu_ticks: dict[int, int] = {}
        self.peak_rss_by_pid: dict[int, int] = {}
        self.rss_at_peak_by_pid: dict[int, int] = {}  # each process's RSS in the sample where the sum peaked
        self.names: dict[int, str] = {}
        self.samples = 0
        self.timeline: list[tuple[float, float, float]] = []  # (seconds, tree RSS MiB, tree CPU s so far), 1/s

    def run(self) -> None:
        me = os.getpid()
        started = time.monotonic()
        while not self.stop_event.is_set():
            tree = _descendants(me, self.exclude)
            total = 0
            for pid, (_, ticks, rss) in tree.items():
                total += rss * PAGE_SIZE
                self.cpu_ticks[pid] = ticks
                self.peak_rss_by_pid[pid] = max(self.peak_rss_by_pid.get(pid, 0), rss * PAGE_SIZE)
                if pid not in self.names:
                    self.names[pid] = _cmdline(pid)
            if total > self.peak_rss:
                self.peak_rss = total
                self.rss_at_peak_by_pid = {pid: rss * PAGE_SIZE for pid, (_, _, rss) in tree.items()}
            self.peak_pss = max(self.peak_pss, sum(_pss_bytes(pid) for pid in tree))
            if self.samples % 5 == 0:
                cpu = sum(self.cpu_ticks.values()) / CLK_TCK  # live and already-ended processes, as last seen
                self.timeline.append((round(time.monotonic() - started, 1), round(total / 2**20, 1), round(cpu, 1)))
            self.peak_processes = max(self.peak_processes, len(tree))
            self.samples += 1
            self.stop_event.wait(POLL_SECONDS)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(5)


# -- processes ------------------------------------------------------------------------


def _become_subreaper() -> bool:
    """Orphaned descendants are re-parented to us, so we reap them and their CPU is counted."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _reap_leftovers(exclude: set[int], grace: float = 5.0) -> list[str]:
    """Wait for (then kill) descendants still alive after a run's main process ended; reap them all."""
    me = os.getpid()
    deadline = time.monotonic() + grace
    killed: list[str] = []
    while True:
        left = _descendants(me, exclude)
        for pid in list(left):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not ours (yet): its own parent is still alive and will reap it
                continue
            if done:
                left.pop(pid)
        if not left:
            return killed
        if time.monotonic() > deadline:
            for pid in left:
                killed.append(_cmdline(pid))
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + grace
        time.sleep(0.1)


@dataclass
class Measurement:
    name: str
    command: list[str]
    exit_code: int | None = None
    timed_out: bool = False
    wall_seconds: float = 0.0
    cpu_user: float = 0.0
    cpu_sys: float = 0.0
    peak_rss_bytes: int = 0
    peak_pss_bytes: int = 0
    peak_processes: int = 0
    cpu_by_process: list[dict] = field(default_factory=list)
    timeline: list[tuple[float, float, float]] = field(default_factory=list)  # (s, RSS MiB, CPU s), once a second
    nginx_cpu_seconds: float = 0.0
    other_cpu_seconds: float = 0.0  # everything else on the machine during the run: should be ~0
    load_before: float = 0.0  # cores used by other processes just before the run
    log: str = ""
    leftovers_killed: list[str] = field(default_factory=list)

    @property
    def cpu_seconds(self) -> float:
        return self.cpu_user + self.cpu_sys


def wait_for_quiet(max_wait: float = 300.0, busy_limit: float = 0.15) -> float:
    """Wait (bounded) until the rest of the machine uses less than ``busy_limit`` cores; return that load.

    Why: on a 2-core machine, a test suite running beside the benchmark would
    take CPU from whichever crawler runs at that moment and skew the ratio.
    """
    deadline = time.monotonic() + max_wait
    warned = False
    while True:
        before, t0 = _system_busy_seconds(), time.monotonic()
        time.sleep(2.0)
        busy = (_system_busy_seconds() - before) / (time.monotonic() - t0)
        if busy < busy_limit or time.monotonic() > deadline:
            if busy >= busy_limit:
                log(f"warning: the machine stayed busy ({busy:.2f} cores used by others); measuring anyway")
            return busy
        if not warned:
            log(f"the machine is busy ({busy:.2f} cores used by other processes); waiting up to {max_wait:.0f} s …")
            warned = True


def run_measured(name: str, command: list[str], *, cwd: Path, env: dict, log_path: Path, timeout: float,
                 nginx: Nginx, quiet_wait: float = 300.0) -> Measurement:
    """Run one crawler to completion (or the time bound) and measure its whole process tree.

    ``quiet_wait``: how long to wait, at most, for a quiet machine first (0: measure at once).
    """
    m = Measurement(name, command, log=str(log_path))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    m.load_before = round(wait_for_quiet(max_wait=quiet_wait), 2)
    log("running: " + " ".join(command))
    exclude = set(nginx.pids())
    nginx_before = nginx.cpu_seconds()
    system_before = _system_busy_seconds()
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = TreeSampler(exclude)
    with open(log_path, "wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        sampler.start()
        try:
            m.exit_code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            m.timed_out = True
            log(f"{name}: time bound of {timeout:.0f} s reached, stopping it")
            _kill_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid, signal.SIGKILL)
                proc.wait()
            m.exit_code = proc.returncode
        except BaseException:
            _kill_group(proc.pid, signal.SIGKILL)
            proc.wait()
            sampler.stop()
            _reap_leftovers(exclude, grace=0.5)
            raise
        m.wall_seconds = time.monotonic() - started
    m.leftovers_killed = _reap_leftovers(exclude)
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m.cpu_user = after.ru_utime - before.ru_utime
    m.cpu_sys = after.ru_stime - before.ru_stime
    m.peak_rss_bytes = sampler.peak_rss
    m.peak_pss_bytes = sampler.peak_pss
    m.peak_processes = sampler.peak_processes
    m.timeline = sampler.timeline
    m.nginx_cpu_seconds = nginx.cpu_seconds() - nginx_before
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    harness = (self_after.ru_utime - self_before.ru_utime) + (self_after.ru_stime - self_before.ru_stime)
    m.other_cpu_seconds = max(
        0.0, _system_busy_seconds() - system_before - m.cpu_seconds - m.nginx_cpu_seconds - harness
    )
    if m.other_cpu_seconds > 0.05 * m.wall_seconds:
        log(f"warning: other processes used {m.other_cpu_seconds:.1f} CPU seconds during the {name} run "
            f"({m.wall_seconds:.0f} s): the machine was not idle, the numbers are disturbed")
    m.cpu_by_process = sorted(
        ({"pid": pid, "cmd": sampler.names.get(pid, "?"), "cpu_seconds_seen": round(t / CLK_TCK, 1),
          "peak_rss_mib_seen": round(sampler.peak_rss_by_pid.get(pid, 0) / 2**20, 1),
          "rss_mib_at_tree_peak": round(sampler.rss_at_peak_by_pid.get(pid, 0) / 2**20, 1)}
         for pid, t in sampler.cpu_ticks.items()),
        key=lambda d: -d["cpu_seconds_seen"],
    )
    return m


# -- nginx ----------------------------------------------------------------------------


def find_nginx() -> str:
    """Locate nginx; on Debian/Ubuntu as root install nginx-light without starting its service."""
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise BenchError("nginx not found; install it first: sudo apt-get install -y nginx-light")
    log("nginx not found; installing nginx-light (apt-get) with service start-up disabled …")
    # policy-rc.d exit 101 keeps the package from starting the system nginx on port 80.
    policy = Path("/usr/sbin/policy-rc.d")
    created = False
    if not policy.exists():
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        created = True
    try:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "nginx-light"]
        if subprocess.run(install, env=env, stdin=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, stdin=subprocess.DEVNULL, check=False)
            if subprocess.run(install, env=env, stdin=subprocess.DEVNULL).returncode != 0:
                raise BenchError("apt-get install nginx-light failed; install nginx by hand and retry")
    finally:
        if created:
            policy.unlink(missing_ok=True)
    if os.access("/usr/sbin/nginx", os.X_OK):
        return "/usr/sbin/nginx"
    raise BenchError("nginx-light installed but /usr/sbin/nginx is missing")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx in the foreground (``daemon off``) as our child, everything under bench/work/nginx."""

    def __init__(self, binary: str, root: Path, state: Path, access_log: Path | None = None,
                 headers: dict[str, str] | None = None):
        self.binary = binary
        self.root = root
        self.state = state
        self.access_log = access_log  # None: no access log (the speed benchmark)
        self.headers = headers  # extra response headers (the peer benchmark's LinkChecker opt-out)
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _kill_stale(self) -> None:
        """An nginx left by a killed earlier run (same pid file, our prefix in its command line)."""
        pid_file = self.state / "nginx.pid"
        try:
            pid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        if str(self.state) in _cmdline(pid):
            log(f"stopping a stale benchmark nginx (pid {pid})")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGQUIT)
            time.sleep(1)
        pid_file.unlink(missing_ok=True)

    def start(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        self._kill_stale()
        for _attempt in range(3):
            self.port = free_port()
            conf = genportal.write_nginx_conf(self.state / "nginx.conf", root=self.root, port=self.port,
                                              state=self.state, access_log=self.access_log,
                                              headers=self.headers)
            if self.access_log is not None:
                self.access_log.unlink(missing_ok=True)  # only this run's requests
            err = self.state / "error.log"
            err.unlink(missing_ok=True)  # only this run's complaints
            self.proc = subprocess.Popen(
                [self.binary, "-p", str(self.state), "-c", str(conf), "-e", str(err)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(self.state / "stderr.log", "wb"),
                start_new_session=True,
            )
            if self._wait_ready(10.0):
                return
            self.stop()
        tail = (self.state / "stderr.log").read_text(errors="replace")[-500:]
        raise BenchError(f"nginx did not start on 127.0.0.1 (see {self.state}/error.log): {tail.strip()}")

    def _wait_ready(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.base, timeout=2) as resp:
                    if resp.status == 200:
                        return True
            except urllib.error.HTTPError as exc:
                raise BenchError(f"nginx answers {exc.code} for / (file permissions under {self.root}?)") from None
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def pids(self) -> list[int]:
        if self.proc is None:
            return []
        return [self.proc.pid, *_descendants(self.proc.pid, set())]

    def cpu_seconds(self) -> float:
        """CPU of master and workers so far (live processes: /proc)."""
        total = 0
        for pid in self.pids():
            info = _proc_stat(pid)
            if info:
                total += info[1]
        return total / CLK_TCK

    def flushed_access_log_size(self, quiet_seconds: float = 1.5, max_wait: float = 15.0) -> int:
        """The access log's size once nginx has written every request answered so far.

        Why: the log is buffered (flush=1s) and a night's lines are told apart
        by their position in the file, so a position taken while lines are
        still in nginx's buffer would put them into the wrong night. SIGUSR1
        (reopen logs) makes the worker write its buffer at once; the size is
        then taken when it has not changed for ``quiet_seconds``.
        """
        if self.access_log is None:
            raise BenchError("nginx was started without an access log")
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGUSR1)
        deadline = time.monotonic() + max_wait
        size, since = -1, time.monotonic()
        while True:
            now_size = self.access_log.stat().st_size if self.access_log.exists() else 0
            if now_size != size:
                size, since = now_size, time.monotonic()
            elif time.monotonic() - since >= quiet_seconds or time.monotonic() > deadline:
                return size
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            _kill_group(self.proc.pid, signal.SIGQUIT)  # graceful: workers finish and exit
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                _kill_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


# -- configuration and runs -----------------------------------------------------------


def write_sites_yaml(path: Path, base: str, manifest: dict, data_dir: Path) -> None:
    """The govcrawl config for the bench site (contract §2 keys, loopback benchmark crawl settings)."""
    import yaml

    departments = [{"name": d["name"], "path_prefix": d["path_prefix"]} for d in manifest["departments"][:6]]
    config = {
        "data_dir": os.path.relpath(data_dir, path.parent),
        "sites": {
            "bench": {
                "name": "云岭市青溪区人民政府（基准测试门户）",
                "start_urls": [base],
                "owner": "政府办",
                "departments": departments,
                "crawl": {"concurrency": 32, "delay": 0, "autothrottle": False, "obey_robots": False},
                "external_links": {"check": False},
                "limits": {"max_pages": max(100000, 2 * manifest["pages"]["total"])},  # never the cut-off
            }
        },
    }
    path.write_text("# generated by bench/crawl_bench.py\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def _child_env() -> dict:
    """The environment for the crawlers: ours minus SCRAPY_* (no project settings may leak in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    env["PYTHONUNBUFFERED"] = "1"
    # A project name that no scrapy.cfg defines: get_project_settings() then loads no settings module.
    env["SCRAPY_PROJECT"] = "govcrawl_bench_plain_baseline"
    return env


def _venv_bin(name: str) -> Path | None:
    for folder in (REPO / ".venv" / "bin", Path(sys.executable).parent):
        if (folder / name).exists():
            return folder / name
    return None


def govcrawl_command(config: Path, out: Path) -> list[str]:
    exe = _venv_bin("govcrawl")
    head = [str(exe)] if exe else [sys.executable, "-m", "govcrawl.cli"]
    return [*head, "run", "bench", "-c", str(config.relative_to(REPO)), "--no-browser", "--progress", "off",
            "--today", TODAY, "--out", str(out.relative_to(REPO))]


def plain_command(base: str, items: Path) -> list[str]:
    exe = _venv_bin("scrapy")
    head = [str(exe)] if exe else [sys.executable, "-m", "scrapy"]
    return [*head, "runspider", str(BENCH / "plain_spider.py"), "-a", f"start_url={base}", "-o", f"{items}:jsonl"]


def _with_profiler(command: list[str], out: Path) -> list[str]:
    spy = shutil.which("py-spy") or _venv_bin("py-spy") or (WORK / "tools" / "bin" / "py-spy")
    if not Path(spy).exists():
        raise BenchError("--profile needs py-spy: pip install py-spy (e.g. into bench/work/tools)")
    return [str(spy), "record", "--format", "raw", "--rate", "100", "--nonblocking", "--full-filenames",
            "-o", str(out), "--", *command]


_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _frame_owner(path: str) -> str:
    """Which code a frame belongs to: a package of site-packages, a module of ours, or the stdlib."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if path.startswith(str(REPO)):
        rel = Path(path).relative_to(REPO).with_suffix("")
        return ".".join(rel.parts[:3])
    if path.startswith("<"):
        return "stdlib (frozen)"
    return "stdlib " + Path(path).with_suffix("").name


def summarize_profile(folded: Path, top: int = 20) -> str:
    """Self and inclusive time per function and self time per package, from py-spy's folded stacks."""
    self_time: Counter[str] = Counter()
    incl_time: Counter[str] = Counter()
    by_owner: Counter[str] = Counter()
    total = 0
    for line in folded.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = []
        for raw in stack.split(";"):
            m = _FRAME.match(raw)
            frames.append((m["func"], m["file"]) if m else (raw, ""))
        func, path = frames[-1]
        self_time[f"{func} ({_frame_owner(path)})"] += n
        by_owner[_frame_owner(path)] += n
        for key in {f"{f} ({_frame_owner(p)})" for f, p in frames}:
            incl_time[key] += n
    if not total:
        return "(no samples)"

    def pct(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    out = [f"samples: {total} (100 Hz, main process only, idle excluded)", "", "self time by package/module:"]
    out += [f"  {pct(n)}  {k}" for k, n in by_owner.most_common(top)]
    out += ["", "self time by function:"]
    out += [f"  {pct(n)}  {k}" for k, n in self_time.most_common(top)]
    out += ["", "inclusive time by function:"]
    out += [f"  {pct(n)}  {k}" for k, n in incl_time.most_common(top)]
    return "\n".join(out)


def run_govcrawl(nginx: Nginx, manifest: dict, timeout: float, profile: Path | None) -> dict:
    config = WORK / "sites.yaml"
    data = WORK / "data"
    out = WORK / "out"
    for stale in (data, out):  # a fresh store: the run is "the first night" every time
        shutil.rmtree(stale, ignore_errors=True)
    write_sites_yaml(config, nginx.base, manifest, data)
    return measure_govcrawl("govcrawl", nginx, manifest, config, out, timeout, profile)


def measure_govcrawl(name: str, nginx: Nginx, manifest: dict, config: Path, out: Path, timeout: float,
                     profile: Path | None = None) -> dict:
    """One measured ``govcrawl run`` with ``config`` into ``out``, and what its findings.json says.

    The store is whatever ``config``'s data_dir holds: the caller decides
    whether this is a first night (fresh store) or a later one.
    """
    command = govcrawl_command(config, out)
    if profile:
        command = _with_profiler(command, profile)
    m = run_measured(name, command, cwd=REPO, env=_child_env(), log_path=WORK / "logs" / f"{name}.log",
                     timeout=timeout, nginx=nginx)
    result: dict = {"measurement": m, "pages": None, "findings_file": None}
    if m.timed_out:
        result["error"] = f"time bound of {timeout:.0f} s reached"
    findings_path = out / "findings.json"
    if m.exit_code != 0 or not findings_path.exists():
        result["error"] = _tail(Path(m.log), 40)
        log(f"govcrawl failed (exit {m.exit_code}); last lines of {m.log}:\n{result['error']}")
        return result
    findings = json.loads(findings_path.read_text(encoding="utf-8"))
    run = findings.get("run", {})
    stats = run.get("stats") or {}
    if not run.get("pages_crawled"):
        # Exit 0 with nothing crawled: the crawl died inside Scrapy (an error in a Deferred is only logged).
        result["error"] = _error_lines(Path(m.log)) or _tail(Path(m.log), 40)
        log(f"govcrawl crawled no page (finish_reason {stats.get('finish_reason')!r}); from {m.log}:\n{result['error']}")
    result.update(
        pages=int(run.get("pages_crawled") or 0),
        findings_file=str(findings_path),
        run_stats=stats,
        crawl_seconds=stats.get("elapsed_seconds"),
        resources_checked=stats.get("resources_checked"),
        findings_total=findings.get("summary", {}).get("total"),
        by_check=findings.get("summary", {}).get("by_check", {}),
        by_status=findings.get("summary", {}).get("by_status", {}),
        broken=_score_broken(findings, manifest, nginx.base),
    )
    return result


def _score_broken(findings: dict, manifest: dict, base: str) -> dict:
    """Planted broken links found (by target URL path) and broken-link findings that were not planted."""
    planted = manifest["planted_broken"]
    planted_paths = set(planted["missing_attachments"]) | set(planted["missing_pages"])
    targets = set()
    for f in findings.get("findings", []):
        if f.get("check") == "broken-link" and f.get("target"):
            targets.add(f["target"])
    prefix = base.rstrip("/")
    target_paths = {t[len(prefix):] if t.startswith(prefix) else t for t in targets}
    found = planted_paths & target_paths
    extra = sorted(target_paths - planted_paths)
    return {
        "planted": len(planted_paths),
        "planted_attachments": len(planted["missing_attachments"]),
        "planted_pages": len(planted["missing_pages"]),
        "found": len(found),
        "found_attachments": len(found & set(planted["missing_attachments"])),
        "found_pages": len(found & set(planted["missing_pages"])),
        "missed": sorted(planted_paths - found)[:20],
        "not_planted": len(extra),
        "not_planted_examples": extra[:10],
        "broken_link_findings": sum(1 for f in findings.get("findings", []) if f.get("check") == "broken-link"),
    }


def run_plain(nginx: Nginx, timeout: float) -> dict:
    items = WORK / "plain" / "items.jsonl"
    cwd = WORK / "plain"
    shutil.rmtree(cwd, ignore_errors=True)
    cwd.mkdir(parents=True)
    command = plain_command(nginx.base, items)
    m = run_measured("plain", command, cwd=cwd, env=_child_env(), log_path=WORK / "logs" / "plain.log",
                     timeout=timeout, nginx=nginx)
    result: dict = {"measurement": m, "pages": None}
    if m.timed_out:
        result["error"] = f"time bound of {timeout:.0f} s reached; the numbers are of a partial crawl"
    text = Path(m.log).read_text(encoding="utf-8", errors="replace")
    if m.exit_code != 0 or not items.exists():
        result["error"] = _tail(Path(m.log), 40)
        log(f"plain spider failed (exit {m.exit_code}); last lines of {m.log}:\n{result['error']}")
        return result
    statuses: Counter[int] = Counter()
    with open(items, encoding="utf-8") as fh:
        for line in fh:
            statuses[json.loads(line)["status"]] += 1
    result.update(
        pages=sum(statuses.values()),
        statuses=dict(statuses),
        crawl_seconds=_stat(text, "elapsed_time_seconds", float),
        requests=_stat(text, "downloader/request_count", int),
        responses=_stat(text, "response_received_count", int),
        overridden_settings=_overridden(text),
    )
    return result


def _stat(text: str, key: str, kind):
    match = re.search(rf"'{re.escape(key)}': ([0-9.]+)", text)
    return kind(match.group(1)) if match else None


def _overridden(text: str) -> str | None:
    match = re.search(r"Overridden settings:\n(\{.*?\})", text, re.S)
    return " ".join(match.group(1).split()) if match else None


def _error_lines(path: Path, limit: int = 12) -> str:
    """The distinct error lines of a crawler log (tracebacks' last lines, CRITICAL/ERROR records)."""
    seen: list[str] = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for line in text.splitlines():
        if re.search(r"(Error|Exception)\b.*:|CRITICAL|\bERROR\b", line) and line.strip() not in seen:
            seen.append(line.strip())
    return "\n".join(seen[:limit])


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def warm_page_cache(site: Path) -> None:
    """Read every file once so that neither crawler pays for a cold disk cache the other did not."""
    for folder, _, files in os.walk(site):
        for name in files:
            with open(os.path.join(folder, name), "rb") as fh:
                while fh.read(1 << 20):
                    pass


COMPILED_PACKAGES = ("crawler", "govcrawl", "checks", "reports")


def compile_code_under_test(env: dict) -> list[str]:
    """Write the bytecode of govcrawl's packages, as the Python that runs them finds them; their folders.

    Why: the peers run from packages that pip compiled when it installed them, while govcrawl is
    installed editable (``pip install -e .``), and its bytecode is written on first import, unless
    ``PYTHONDONTWRITEBYTECODE`` is set. Where it is set (CI images and containers often set it),
    every process of every run would compile ~60 modules again: ~0.15 s of CPU per process, which
    no user of an installed govcrawl pays after the first run. ``compileall`` writes the bytecode
    whatever that variable says. The packages are located with ``env`` (its ``PYTHONPATH``), so a
    checkout measured from another folder is the one compiled.
    """
    code = ("import compileall, importlib.util, os, sys\n"
            "for name in sys.argv[1:]:\n"
            "    folder = os.path.dirname(importlib.util.find_spec(name).origin)\n"
            "    compileall.compile_dir(folder, quiet=1) or sys.exit(f'compileall failed in {folder}')\n"
            "    print(folder)\n")
    python = _venv_bin("python") or Path(sys.executable)
    # -P: without it ``-c`` puts the working folder (this checkout) before ``PYTHONPATH`` on the path, and a
    # checkout measured from another folder ran from source while this one was compiled.
    done = subprocess.run([str(python), "-P", "-c", code, *COMPILED_PACKAGES], env=env, cwd=REPO,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"could not compile govcrawl's packages: {done.stderr.strip()[-400:]}")
    return done.stdout.split()


# -- incremental: two nights of an unchanged portal -----------------------------------


PAGE_SUFFIXES = (".html", ".htm", ".shtml")
INCREMENTAL = WORK / "incremental"
CODE_UNDER_TEST = ("crawler", "govcrawl", "checks", "reports", "pyproject.toml")


def code_fingerprint() -> dict[str, str]:
    """A short hash of every file of the code under test (working tree, uncommitted edits included).

    Why: the two nights run minutes apart, and the repository may be edited
    meanwhile; govcrawl imports lazily and spawns workers, so an edit during
    or between the nights makes them run different code. The harness cannot
    prevent that, only say so.
    """
    out: dict[str, str] = {}
    for name in CODE_UNDER_TEST:
        root = REPO / name
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                with contextlib.suppress(OSError):
                    out[str(path.relative_to(REPO))] = hashlib.sha1(path.read_bytes()).hexdigest()[:12]
    return out


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _is_page_uri(uri: str) -> bool:
    """An HTML page of the generated portal (directory index or *.html), not an attachment, image or asset."""
    path = uri.split("?", 1)[0].split("#", 1)[0]
    return path.endswith("/") or path.lower().endswith(PAGE_SUFFIXES)


def read_access_log(path: Path, start: int, end: int) -> tuple[list[dict], int]:
    """The requests nginx logged between two byte positions of its access log, and the count of unreadable lines.

    Fields are genportal.ACCESS_LOG_FIELDS; nginx writes ``-`` for an absent header
    and escapes ``"`` as ``\\x22`` (an ETag is quoted), which is undone here so
    the JSON shows header values as they were sent.
    """
    with open(path, "rb") as fh:
        fh.seek(start)
        raw = fh.read(end - start)
    entries: list[dict] = []
    bad = 0
    for line in raw.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) != len(genportal.ACCESS_LOG_FIELDS):
            bad += 1
            continue
        entry = dict(zip(genportal.ACCESS_LOG_FIELDS, (v.replace("\\x22", '"') for v in parts), strict=True))
        try:
            entry["status"] = int(entry["status"])
            entry["body_bytes_sent"] = int(entry["body_bytes_sent"])
            entry["bytes_sent"] = int(entry["bytes_sent"])
        except ValueError:
            bad += 1
            continue
        entries.append(entry)
    return entries, bad


def summarize_access(entries: list[dict], bad_lines: int) -> dict:
    """What the server answered during one night: requests, 200/304 answers, bytes, split pages vs resources.

    Why the split: the conditional requests are only for HTML pages;
    attachments and images are checked by the resource lane with HEAD (no
    body), so their requests are counted but say nothing about reuse.
    """
    status: Counter[int] = Counter(e["status"] for e in entries)
    methods: Counter[str] = Counter(e["request_method"] for e in entries)
    pages, resources = [], []
    for e in entries:
        (pages if e["request_method"] == "GET" and _is_page_uri(e["request_uri"]) else resources).append(e)
    page_status: Counter[int] = Counter(e["status"] for e in pages)
    conditional, unconditional = [], []
    for e in pages:
        asked = e["http_if_none_match"] != "-" or e["http_if_modified_since"] != "-"
        (conditional if asked else unconditional).append(e)
    return {
        "requests": len(entries),
        "unreadable_lines": bad_lines,
        "by_method": dict(methods.most_common()),
        "by_status": {str(k): v for k, v in sorted(status.items())},
        "answers_200": status[200],
        "answers_304": status[304],
        "body_bytes_sent": sum(e["body_bytes_sent"] for e in entries),
        "bytes_sent_with_headers": sum(e["bytes_sent"] for e in entries),
        "page_gets": len(pages),
        "page_gets_by_status": {str(k): v for k, v in sorted(page_status.items())},
        "page_200": page_status[200],
        "page_304": page_status[304],
        "page_body_bytes_sent": sum(e["body_bytes_sent"] for e in pages),
        "page_gets_conditional": len(conditional),
        "page_conditional_answered_200": sum(1 for e in conditional if e["status"] == 200),
        "page_unconditional_answered_200": sum(1 for e in unconditional if e["status"] == 200),
        "distinct_page_uris": len({e["request_uri"] for e in pages}),
        "resource_requests": len(resources),
        "resource_body_bytes_sent": sum(e["body_bytes_sent"] for e in resources),
    }


def _page_bodies(entries: list[dict]) -> dict[str, dict]:
    """HTML page URI → (last) log entry, for every page GET that nginx answered 200 with a body."""
    return {e["request_uri"]: e for e in entries
            if e["request_method"] == "GET" and e["status"] == 200 and e["body_bytes_sent"] > 0
            and _is_page_uri(e["request_uri"])}


def fetched_twice(first: list[dict], second: list[dict], examples: int = 20) -> dict:
    """HTML page URIs whose body nginx sent in both nights, with what was asked and answered the second time.

    Why: "an unchanged page is not downloaded again" is the promise of the
    conditional requests; the server's log is the witness. For each example
    the second night's request headers show whether the crawler asked
    conditionally, and the response's validators whether nginx's changed.
    """
    one, two = _page_bodies(first), _page_bodies(second)
    twice = sorted(one.keys() & two.keys())
    return {
        "count": len(twice),
        "second_night_page_bodies_not_fetched_first_night": len(two.keys() - one.keys()),
        "examples": [
            {
                "uri": uri,
                "second_night_if_none_match": two[uri]["http_if_none_match"],
                "second_night_if_modified_since": two[uri]["http_if_modified_since"],
                "first_night_etag": one[uri]["sent_http_etag"],
                "second_night_etag": two[uri]["sent_http_etag"],
                "first_night_last_modified": one[uri]["sent_http_last_modified"],
                "second_night_last_modified": two[uri]["sent_http_last_modified"],
            }
            for uri in twice[:examples]
        ],
    }


def run_incremental(nginx: Nginx, manifest: dict, timeout: float) -> dict:
    """Two ``govcrawl run`` nights on the unchanged portal, same store and config; the server's log of each.

    Why: the second night of a real deployment mostly meets unchanged pages;
    with conditional requests it should be cheaper for the crawler and the
    site, and end with the same findings. Both nights use the same
    ``--today`` so the findings can be compared one to one; each night writes
    its own report directory so the first night's findings.json survives.
    """
    if nginx.access_log is None:
        raise BenchError("the incremental benchmark needs nginx started with an access log")
    config = INCREMENTAL / "sites.yaml"
    data = INCREMENTAL / "data"
    outs = [INCREMENTAL / "night1", INCREMENTAL / "night2"]
    for stale in (data, *outs):  # a fresh store: night 1 is a first night
        shutil.rmtree(stale, ignore_errors=True)
    write_sites_yaml(config, nginx.base, manifest, data)
    nights: list[dict] = []
    entries: list[list[dict]] = []
    code: list[dict[str, str]] = []  # before and after each night: all equal if nobody edited the code
    for number, out in enumerate(outs, start=1):
        code.append(code_fingerprint())
        start = nginx.flushed_access_log_size()
        result = measure_govcrawl(f"govcrawl-night{number}", nginx, manifest, config, out, timeout)
        end = nginx.flushed_access_log_size()
        code.append(code_fingerprint())
        lines, bad = read_access_log(nginx.access_log, start, end)
        result["access_log"] = {"file": str(nginx.access_log), "bytes": [start, end]} | summarize_access(lines, bad)
        result["run_stats"] = _scalar_stats(result)
        result["log_errors"] = _log_errors(Path(result["measurement"].log))
        nights.append(result)
        entries.append(lines)
        if result.get("error"):
            log(f"night {number} failed; not running further nights")
            break
    labels = ["during night 1", "between the nights", "during night 2"]
    diffs = [_changed(a, b) for a, b in itertools.pairwise(code)]
    edits = {label: files for label, files in zip(labels, diffs, strict=False) if files}
    for label, files in edits.items():
        log(f"warning: the code under test changed {label}: {', '.join(files[:8])}"
            + (f" (+{len(files) - 8} more)" if len(files) > 8 else ""))
    report: dict = {"config": str(config), "data_dir": str(data), "nights": nights, "code_edited": edits}
    if len(nights) == 2 and not any(n.get("error") for n in nights):
        first, second = nights
        report["wall_ratio_second_to_first"] = round(
            second["measurement"].wall_seconds / max(first["measurement"].wall_seconds, 1e-9), 3)
        report["cpu_ratio_second_to_first"] = round(
            second["measurement"].cpu_seconds / max(first["measurement"].cpu_seconds, 1e-9), 3)
        report["page_bodies_fetched_twice"] = fetched_twice(entries[0], entries[1])
        report["findings_equal"] = (first.get("findings_total") == second.get("findings_total")
                                    and first.get("by_check") == second.get("by_check"))
    return report


def _log_errors(path: Path) -> dict:
    """Scrapy's "Spider error processing <GET url>" lines and the distinct exception lines of a night's log.

    Why: an exception in a callback is only logged, the run still exits 0;
    such a page is neither counted nor followed, which the totals alone hide.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    urls = re.findall(r"Spider error processing <GET (\S+)>", text)
    exceptions = Counter(line.strip() for line in text.splitlines()
                         if re.match(r"^[A-Za-z_][\w.]*(Error|Exception)\b.*:", line.strip()))
    return {"spider_errors": len(urls), "spider_error_urls": urls[:50],
            "exceptions": dict(exceptions.most_common(10))}


def _scalar_stats(result: dict) -> dict:
    """run.stats without its long lists (interpretations, column warnings): two nights of them would bloat the JSON."""
    return {k: v for k, v in (result.get("run_stats") or {}).items() if not isinstance(v, list | dict)}


def incremental_table(inc: dict) -> str:
    """The two nights side by side, crawler-side numbers first, then what nginx's access log says."""
    nights = inc["nights"]
    names = ["first night (fresh store)", "second night (same store, unchanged portal)"][:len(nights)]

    def row(label: str, fn) -> str:
        cells = []
        for r in nights:
            try:
                cells.append(fn(r))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("—")
        return f"| {label} | " + " | ".join(cells) + " |"

    def stat(key: str):
        return lambda r: _fmt((r.get("run_stats") or {}).get(key))

    def acc(key: str, spec: str = ","):
        return lambda r: _fmt(r["access_log"][key], spec)

    def mib(key: str):
        return lambda r: f"{r['access_log'][key]:,} ({r['access_log'][key] / 2**20:.1f} MiB)"

    m = "measurement"
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(nights)]
    lines += [
        row("pages crawled (`run.pages_crawled`)", lambda r: _fmt(r.get("pages"))),
        row("pages fetched (`run.stats.pages_fetched`)", stat("pages_fetched")),
        row("pages unchanged (`run.stats.pages_unchanged`)", stat("pages_unchanged")),
        row("wall seconds (whole command)", lambda r: _fmt(r[m]["wall_seconds"], ".1f")),
        row("crawl phase seconds (`run.stats.elapsed_seconds`)", lambda r: _fmt(r.get("crawl_seconds"), ".1f")),
        row("pages/s (whole command)", lambda r: _fmt(r["pages"] / r[m]["wall_seconds"], ".1f")),
        row("CPU seconds, user+sys, process tree", lambda r: _fmt(r[m]["cpu_seconds"], ".1f")),
        row("CPU ms per page", lambda r: _fmt(1000 * r[m]["cpu_seconds"] / r["pages"], ".1f")),
        row("peak RSS, process tree (MiB)", lambda r: _fmt(r[m]["peak_rss_bytes"] / 2**20, ".0f")),
        row("attachments/images checked", lambda r: _fmt(r.get("resources_checked"))),
        row("nginx CPU seconds during the run", lambda r: _fmt(r[m]["nginx_cpu_seconds"], ".1f")),
        row("other processes' CPU seconds (should be ~0)", lambda r: _fmt(r[m]["other_cpu_seconds"], ".1f")),
        row("requests (access log)", acc("requests")),
        row("… by method", lambda r: ", ".join(f"{k} {v:,}" for k, v in r["access_log"]["by_method"].items())),
        row("… by status", lambda r: ", ".join(f"{k}: {v:,}" for k, v in r["access_log"]["by_status"].items())),
        row("200 answers", acc("answers_200")),
        row("304 answers", acc("answers_304")),
        row("body bytes sent (`$body_bytes_sent`)", mib("body_bytes_sent")),
        row("HTML page GETs", acc("page_gets")),
        row("… conditional (If-None-Match / If-Modified-Since sent)", acc("page_gets_conditional")),
        row("… answered 200 / 304", lambda r: f"{r['access_log']['page_200']:,} / {r['access_log']['page_304']:,}"),
        row("… body bytes", mib("page_body_bytes_sent")),
        row("findings (total)", lambda r: _fmt(r.get("findings_total"))),
        row("spider errors in the log (page not counted, links not followed)",
            lambda r: _fmt(r["log_errors"]["spider_errors"])),
        row("broken links found / planted", lambda r: f"{r['broken']['found']} / {r['broken']['planted']}"),
        row("exit status", lambda r: _fmt(r[m]["exit_code"]) + (" (timed out)" if r[m]["timed_out"] else "")),
    ]
    return "\n".join(lines)


def _finish_incremental(data: dict) -> int:
    """Write result-incremental.json, print the table and the verdicts; 1 if a night failed."""
    path = WORK / "result-incremental.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    inc = data.get("incremental") or {}
    if inc.get("nights"):
        print(incremental_table(inc))
    if "wall_ratio_second_to_first" in inc:
        first, second = inc["nights"]
        twice = inc["page_bodies_fetched_twice"]
        print(f"\nsecond night ÷ first night, wall seconds (whole command): **{inc['wall_ratio_second_to_first']:.2f}**"
              f" (CPU seconds: {inc['cpu_ratio_second_to_first']:.2f})")
        print(f"HTML page URLs answered 200 with a body in both nights: **{twice['count']}**"
              + ("" if not twice["count"] else " — e.g. " + ", ".join(e["uri"] for e in twice["examples"][:5])))
        print(f"findings: first night {first.get('findings_total')}, second night {second.get('findings_total')}"
              + (" (equal, same counts per check)" if inc["findings_equal"] else " (DIFFERENT)"))
        answered, counted = second["access_log"]["page_304"], (second.get("run_stats") or {}).get("pages_unchanged")
        if counted is not None and answered != counted:
            print(f"WARNING: nginx answered {answered} page requests 304 but govcrawl counts {counted} pages unchanged")
        for number, night in enumerate(inc["nights"], start=1):
            errors = night.get("log_errors") or {}
            if errors.get("spider_errors"):
                print(f"WARNING: night {number}: {errors['spider_errors']} spider errors, e.g. "
                      f"{', '.join(errors['spider_error_urls'][:3])}; exceptions: {errors['exceptions']}")
    for label, files in (inc.get("code_edited") or {}).items():
        print(f"WARNING: the code under test was edited {label} ({len(files)} file(s): {', '.join(files[:6])}"
              f"{' …' if len(files) > 6 else ''}); the nights did not run the same code")
    print(f"result: {path}")
    failed = not inc.get("nights") or any(n.get("error") for n in inc["nights"]) or len(inc["nights"]) < 2
    return 1 if failed else 0


# -- report ---------------------------------------------------------------------------


def machine_info(nginx_binary: str) -> dict:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError):
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    versions = {"python": platform.python_version()}
    for mod in ("scrapy", "twisted", "lxml", "aiohttp"):
        with contextlib.suppress(Exception):
            versions[mod] = __import__(mod).__version__
    with contextlib.suppress(Exception):
        import govcrawl

        versions["govcrawl"] = govcrawl.__version__
    with contextlib.suppress(Exception):
        out = subprocess.run([nginx_binary, "-v"], capture_output=True, text=True, timeout=10)
        versions["nginx"] = out.stderr.strip().split("/")[-1]
    with contextlib.suppress(Exception):
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        versions["git"] = rev.stdout.strip() or "no commit yet"
        # The code under test may be edited while the benchmark runs: say whether it was committed code.
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "crawler", "govcrawl",
                                "checks", "reports", "pyproject.toml"], capture_output=True, text=True, timeout=10)
        changed = [line[3:] for line in dirty.stdout.splitlines()]
        if changed:
            versions["git"] += f" + uncommitted changes in {len(changed)} file(s): " + ", ".join(changed[:8])
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory": mem,
        "kernel": platform.release(),
        "versions": versions,
    }


def _fmt(value, spec: str = "") -> str:
    if value is None:
        return "—"
    return format(value, spec) if spec else str(value)


def markdown_table(results: dict) -> str:
    gov, plain = results.get("govcrawl"), results.get("plain")
    cols = [(n, r) for n, r in (("`govcrawl run --no-browser`", gov), ("plain Scrapy CrawlSpider", plain)) if r]

    def row(label: str, fn) -> str:
        return f"| {label} | " + " | ".join(fn(r) for _, r in cols) + " |"

    def rate(r: dict, seconds) -> str:
        return _fmt(r["pages"] / seconds, ".1f") if r.get("pages") and seconds else "—"

    lines = ["| | " + " | ".join(n for n, _ in cols) + " |", "|---|" + "---:|" * len(cols)]
    lines += [
        row("pages crawled", lambda r: _fmt(r.get("pages"))),
        row("wall seconds (whole command)", lambda r: _fmt(r["measurement"]["wall_seconds"], ".1f")),
        row("**pages/s (whole command)**", lambda r: "**" + rate(r, r["measurement"]["wall_seconds"]) + "**"),
        row("crawl phase seconds (Scrapy stats)", lambda r: _fmt(r.get("crawl_seconds"), ".1f")),
        row("pages/s (crawl phase)", lambda r: rate(r, r.get("crawl_seconds"))),
        row("CPU seconds, user+sys, process tree", lambda r: _fmt(r["measurement"]["cpu_seconds"], ".1f")),
        row("CPU ms per page", lambda r: _fmt(1000 * r["measurement"]["cpu_seconds"] / r["pages"], ".1f")
            if r.get("pages") else "—"),
        row("cores busy (CPU ÷ wall)", lambda r: _fmt(r["measurement"]["cpu_seconds"]
                                                    / max(r["measurement"]["wall_seconds"], 1e-9), ".2f")),
        row("peak RSS, process tree (MiB)", lambda r: _fmt(r["measurement"]["peak_rss_bytes"] / 2**20, ".0f")),
        row("processes in the tree (max)", lambda r: _fmt(r["measurement"]["peak_processes"])),
        row("attachments/images checked", lambda r: _fmt(r.get("resources_checked", 0))),
        row("nginx CPU seconds during the run", lambda r: _fmt(r["measurement"]["nginx_cpu_seconds"], ".1f")),
        row("other processes' CPU seconds (should be ~0)",
            lambda r: _fmt(r["measurement"]["other_cpu_seconds"], ".1f")),
        row("broken links found / planted", lambda r: f"{r['broken']['found']} / {r['broken']['planted']}"
            if r.get("broken") else "not checked"),
        row("exit status", lambda r: _fmt(r["measurement"]["exit_code"])
            + (" (timed out)" if r["measurement"]["timed_out"] else "")),
    ]
    return "\n".join(lines)


def _plain(obj):
    if isinstance(obj, Measurement):
        d = asdict(obj)
        d["cpu_seconds"] = round(obj.cpu_seconds, 2)
        d["wall_seconds"] = round(obj.wall_seconds, 2)
        return d
    raise TypeError(type(obj))


def _interrupt(signum: int, frame) -> None:
    """SIGTERM behaves like Ctrl+C, so the same clean-up (crawler group, nginx) runs."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=genportal.DEFAULT_PAGES, help="portal size (default %(default)s)")
    parser.add_argument("--only", choices=["govcrawl", "plain"], help="run one crawler only")
    parser.add_argument("--keep", action="store_true", help="leave nginx running at the end")
    parser.add_argument("--timeout", type=float, default=1800, help="time bound per crawler run, seconds")
    parser.add_argument("--profile", action="store_true",
                        help="run govcrawl under py-spy (numbers then include the profiler; not for RESULTS.md)")
    parser.add_argument("--incremental", action="store_true",
                        help="run govcrawl twice on the unchanged portal (same store): first night vs second night, "
                             "with nginx's access log")
    args = parser.parse_args(argv)
    if args.incremental and (args.only or args.profile):
        parser.error("--incremental runs govcrawl only, unprofiled; it takes neither --only nor --profile")

    # Explicit for SIGINT too: a shell starts background jobs with SIGINT ignored, and Python keeps that.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    if not Path("/proc/self/stat").exists():
        raise BenchError("this benchmark reads /proc (Linux only)")
    subreaper = _become_subreaper()
    if not subreaper:
        log("warning: PR_SET_CHILD_SUBREAPER unavailable; CPU of orphaned helper processes would be missed")
    WORK.mkdir(parents=True, exist_ok=True)
    nginx_binary = find_nginx()
    portal_dir, manifest = genportal.ensure_portal(WORK, args.pages, log=log)
    site = (portal_dir / "site").resolve()
    log(f"portal: {manifest['pages']['total']} pages ({manifest['pages']['gbk']} GBK), {manifest['columns']} columns, "
        f"{manifest['resources']['unique_files_linked_by_articles']} attachments/images, "
        f"{manifest['planted_broken']['total']} planted broken links")
    warm_page_cache(site)
    log(f"bytecode written for {', '.join(compile_code_under_test(_child_env()))}")
    access_log = None
    if args.incremental:
        INCREMENTAL.mkdir(parents=True, exist_ok=True)
        access_log = (INCREMENTAL / "access.log").resolve()
    nginx = Nginx(nginx_binary, site, (WORK / "nginx").resolve(), access_log)
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "bench/crawl_bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine_info(nginx_binary),
        "portal": {k: v for k, v in manifest.items() if k != "planted_broken"}
        | {"planted_broken": manifest["planted_broken"]["total"], "dir": str(portal_dir)},
        "subreaper": subreaper,
    }
    try:
        nginx.start()
        log(f"nginx (pid {nginx.proc.pid}) serves {site} on {nginx.base}")
        if args.incremental:
            results["incremental"] = run_incremental(nginx, manifest, args.timeout)
        elif args.only in (None, "govcrawl"):
            profile = WORK / "profile" / "govcrawl.folded" if args.profile else None
            if profile:
                profile.parent.mkdir(parents=True, exist_ok=True)
                results["profiled"] = True
            results["govcrawl"] = run_govcrawl(nginx, manifest, args.timeout, profile)
        if args.only in (None, "plain") and not args.profile and not args.incremental:
            results["plain"] = run_plain(nginx, args.timeout)
    except KeyboardInterrupt:
        log("interrupted; stopping everything")
        return 130
    finally:
        if args.keep and nginx.proc is not None:
            log(f"--keep: nginx (pid {nginx.proc.pid}) keeps serving {nginx.base}; stop it with: kill -QUIT {nginx.proc.pid}")
        else:
            nginx.stop()

    data = json.loads(json.dumps(results, default=_plain, ensure_ascii=False))
    if args.incremental:
        return _finish_incremental(data)
    gov, plain = data.get("govcrawl"), data.get("plain")
    if gov and plain and gov.get("pages") and plain.get("pages") and not gov.get("error") and not plain.get("error"):
        g = gov["pages"] / gov["measurement"]["wall_seconds"]
        p = plain["pages"] / plain["measurement"]["wall_seconds"]
        data["ratio_pages_per_s"] = round(g / p, 2)
    (WORK / "result.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown_table(data))
    if "ratio_pages_per_s" in data:
        print(f"\nratio govcrawl pages/s ÷ plain pages/s (whole command): **{data['ratio_pages_per_s']:.2f}x**")
    if gov and gov.get("broken"):
        b = gov["broken"]
        print(f"broken links: govcrawl found {b['found']} of {b['planted']} planted "
              f"({b['found_attachments']}/{b['planted_attachments']} attachments, {b['found_pages']}/{b['planted_pages']} pages); "
              f"{b['not_planted']} broken-link targets not planted")
    profile = WORK / "profile" / "govcrawl.folded"
    if args.profile and profile.exists():
        summary = summarize_profile(profile)
        (WORK / "profile" / "summary.txt").write_text(summary + "\n", encoding="utf-8")
        print("\n" + summary)
    print(f"result: {WORK / 'result.json'}")
    failed = any(r and r.get("error") for r in (gov, plain))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"crawl_bench: {exc}", file=sys.stderr)
        sys.exit(2)
