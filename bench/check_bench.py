"""The check phase alone on a stored run: pages held in memory vs streamed (issue 11).

Re-checks a run that a benchmark crawl stored (``bench/work/peers/runs/pN/govcrawl``
by default) with ``govcrawl check``, once with the pages held in memory and once
streamed, each on its own copy of the store (a check replaces the run's findings).
Prints wall seconds, CPU seconds and peak RSS of each, and whether findings.json
came out the same. The page count above which the check phase streams
(``govcrawl.cli.STREAM_ABOVE_PAGES``) is set per mode in the child process.

    .venv/bin/python bench/check_bench.py --pages 100000
    .venv/bin/python bench/check_bench.py --source DIR --run RUN_ID --modes streamed
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "check"
PYTHON = HERE.parent / ".venv" / "bin" / "python"
# What STREAM_ABOVE_PAGES is set to in the child for each mode ("default" leaves the code's value).
MODES = {"held": 10**12, "streamed": 0, "default": None}
CHILD = """
import resource, sys
from govcrawl import cli
if {above!r} is not None:
    cli.STREAM_ABOVE_PAGES = {above!r}
try:
    code = cli.main({argv!r})
finally:
    use = resource.getrusage(resource.RUSAGE_SELF)
    print("BENCH-PEAK", use.ru_maxrss, use.ru_utime + use.ru_stime, file=sys.stderr)
sys.exit(code)
"""


def _last_run(store: Path) -> str:
    with sqlite3.connect(store) as db:
        row = db.execute("SELECT id FROM runs WHERE status='completed' ORDER BY started DESC").fetchone()
    if row is None:
        sys.exit(f"{store}: no completed run")
    return row[0]


def measure(source: Path, run_id: str, mode: str, today: str) -> dict:
    """One ``govcrawl check`` of a copy of ``source`` (its sites.yaml and data/), in a child process."""
    where = WORK / mode
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    shutil.copytree(source / "data", where / "data", ignore=shutil.ignore_patterns("*.lock", ".frontier-*"))
    shutil.copy(source / "sites.yaml", where / "sites.yaml")
    argv = ["check", run_id, "-c", str(where / "sites.yaml"), "--today", today, "--out", str(where / "out")]
    started = time.monotonic()
    done = subprocess.run([str(PYTHON), "-c", CHILD.format(above=MODES[mode], argv=argv)], cwd=where,
                          capture_output=True, text=True)
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{mode}: govcrawl check failed ({done.returncode}):\n{done.stderr[-3000:]}")
    # The child's own peak and CPU (RUSAGE_CHILDREN would give the largest of all children so far).
    peak_kib, cpu = next(line.split()[1:] for line in done.stderr.splitlines() if line.startswith("BENCH-PEAK"))
    return {
        "mode": mode, "wall_seconds": round(wall, 1), "cpu_seconds": round(float(cpu), 1),
        "peak_rss_mib": int(peak_kib) // 1024, "findings": where / "out" / "findings.json",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000, help="use the stored peers.py run of this size")
    parser.add_argument("--source", type=Path, help="a folder with sites.yaml and data/ (instead of --pages)")
    parser.add_argument("--run", help="run id (default: the store's last completed run)")
    parser.add_argument("--modes", default="held,streamed", help="comma-separated: held, streamed, default")
    parser.add_argument("--today", default="2023-11-01")
    args = parser.parse_args()
    source = args.source or HERE / "work" / "peers" / "runs" / f"p{args.pages}" / "govcrawl"
    stores = sorted((source / "data").glob("*.sqlite"))
    if not stores:
        sys.exit(f"{source}/data: no store (run bench/peers.py --pages {args.pages} --only govcrawl first)")
    run_id = args.run or _last_run(stores[0])
    results = [measure(source, run_id, mode, args.today) for mode in args.modes.split(",")]
    first = results[0]["findings"]
    for result in results:
        result["findings_same_as_first"] = filecmp.cmp(first, result["findings"], shallow=False)
        result["findings"] = str(result["findings"])
    print(json.dumps({"run": run_id, "source": str(source), "results": results}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
