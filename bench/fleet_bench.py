"""Distributed crawl: pages/s with 1, 2 and 4 workers against a server with a fixed per-request latency.

What it shows (issue 11): a fleet of ``govcrawl worker`` processes shares one
run through Redis, and its politeness is the *fleet's*: with ``crawl.delay`` D
the site never sees more than 1/D request starts per second, however many
workers there are. So throughput grows with workers while each worker is held
back by the server's latency, and stops growing once the fleet reaches 1/D.

Set-up, all on loopback: the generated portal (bench/genportal.py) served by a
small threaded Python server that answers every request after ``--latency``
seconds (a slow CMS, not a fast nginx: the point is latency, not CPU), a real
``redis-server`` on a free port, and ``govcrawl run --redis`` as coordinator
plus N-1 ``govcrawl worker`` processes. Every run is bounded in time.

    .venv/bin/python bench/fleet_bench.py [--pages 500] [--latency 0.2] [--delay 0.01] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work" / "fleet"
GOVCRAWL = Path(sys.executable).with_name("govcrawl")
RUN_TIMEOUT = 1200  # seconds per measured run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _SlowServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, root: Path, latency: float):
        self.root, self.latency, self.arrivals, self.log = root, latency, [], []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def translate_path(self, path: str) -> str:
        self.directory = str(self.server.root)
        return super().translate_path(path)

    def send_head(self):
        self.server.arrivals.append(time.time())
        self.server.log.append((time.time(), self.command, self.path))
        time.sleep(self.server.latency)
        return super().send_head()

    def log_message(self, *args) -> None:
        """Quiet: the benchmark counts arrivals itself."""


def _redis(port: int, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _config(path: Path, base: str, data: Path, delay: float) -> None:
    site = {
        "name": "基准门户", "start_urls": [f"{base}/"], "owner": "政府办",
        "external_links": {"check": False},
        "crawl": {"concurrency": 8, "delay": delay, "autothrottle": False, "obey_robots": False},
        "privacy": {"attachments": False},
        "evidence": {"keep_raw": False},
    }
    path.write_text(yaml.safe_dump({"data_dir": str(data), "sites": {"bench": site}}, allow_unicode=True),
                    encoding="utf-8")


def measure(workers: int, *, site_root: Path, latency: float, delay: float, redis_url: str) -> dict:
    """One fleet run of ``workers`` processes; wall time, pages, request rate the server saw."""
    server = _SlowServer(site_root, latency)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    folder = WORK / f"w{workers}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    config = folder / "sites.yaml"
    _config(config, base, folder / "data", delay)
    started = time.monotonic()
    coordinator = subprocess.Popen(
        [str(GOVCRAWL), "run", "bench", "-c", str(config), "--redis", redis_url, "--no-browser", "--today",
         "2023-11-01", "--progress", "off", "--out", str(folder / "out")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    helpers = [subprocess.Popen([str(GOVCRAWL), "worker", "--redis", redis_url, "-c", str(config), "--once",
                                 "--wait", "60"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True) for _ in range(workers - 1)]
    try:
        _, err = coordinator.communicate(timeout=RUN_TIMEOUT)
        for helper in helpers:
            helper.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        for proc in [coordinator, *helpers]:
            os.killpg(proc.pid, signal.SIGKILL)
        raise
    finally:
        server.shutdown()
        server.server_close()
    wall = time.monotonic() - started
    if coordinator.returncode != 0:
        raise RuntimeError(f"coordinator failed: {err[-2000:]}")
    findings = json.loads((folder / "out" / "findings.json").read_text(encoding="utf-8"))
    arrivals = sorted(server.arrivals)
    (folder / "arrivals.json").write_text(json.dumps(sorted(server.log)), encoding="utf-8")
    # the most request arrivals in any 1-second window (sliding, not calendar seconds)
    busiest = max((bisect.bisect_left(arrivals, t + 1.0) - i for i, t in enumerate(arrivals)), default=0)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    return {
        "workers": workers, "wall_s": round(wall, 1), "pages": findings["run"]["pages_crawled"],
        "pages_per_s": round(findings["run"]["pages_crawled"] / wall, 1),
        "requests": len(arrivals), "requests_per_s": round(len(arrivals) / span, 1) if span else None,
        "busiest_second": busiest, "cap_per_s": round(1 / delay, 1) if delay else None,
        "broken_links": sum(1 for f in findings["findings"] if f["check"] == "broken-link"),
    }


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(BENCH))
    from genportal import ensure_portal

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the server takes per request")
    parser.add_argument("--delay", type=float, default=0.01, help="crawl.delay: fleet-wide spacing of requests")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    portal, _ = ensure_portal(BENCH / "work", args.pages)
    port = _free_port()
    redis = _redis(port, WORK)
    try:
        time.sleep(0.5)
        rows = [measure(n, site_root=portal / "site", latency=args.latency, delay=args.delay,
                        redis_url=f"redis://127.0.0.1:{port}/0") for n in args.workers]
    finally:
        os.killpg(redis.pid, signal.SIGTERM)
    load = os.getloadavg()
    print(f"# {args.pages}-page portal, server latency {args.latency}s/request, crawl.delay {args.delay}s "
          f"(fleet cap {1 / args.delay:.0f} requests/s); load average {load[0]:.1f}")
    print("| workers | wall s | pages | pages/s | requests | requests/s | busiest second | cap/s | broken links |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['wall_s']} | {r['pages']} | {r['pages_per_s']} | {r['requests']} | "
              f"{r['requests_per_s']} | {r['busiest_second']} | {r['cap_per_s']} | {r['broken_links']} |")
    (WORK / "result.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
