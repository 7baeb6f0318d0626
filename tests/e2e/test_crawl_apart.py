"""``govcrawl run`` crawls in a child process and checks in a process that never loaded Scrapy.

What the crawl leaves in its process (Scrapy, Twisted, the seen URLs, a
fragmented heap) must not be under the check phase, the peak of a large run.
The child must still behave as the crawl did in one process: a Ctrl+C or a
SIGTERM sent to ``govcrawl`` stops the crawl cleanly and the run resumes; a
crawl process that dies is reported, and the run resumes too.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from tests.e2e.conftest import GOVCRAWL, write_demo_config
from tests.e2e.processes import command_line, descendants, parent_of, still_alive, wait_for_pages

TODAY = "2023-11-01"


def _args(config: Path, out: Path) -> list[str]:
    return ["run", "demo", "-c", str(config), "--out", str(out), "--today", TODAY, "--no-browser", "--progress", "off"]


def _runs(store: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT id, status FROM runs ORDER BY started").fetchall()


def _interrupt_mid_crawl(server: DemoServer, tmp_path: Path, act) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """Start a slowed-down run, let it store some pages, ``act(proc)``, and collect how it ended."""
    config = write_demo_config(server, tmp_path / "sites.yaml", tmp_path / "data")
    store = tmp_path / "data" / "demo.sqlite"
    server.slow = 0.25
    proc = subprocess.Popen([str(GOVCRAWL), *_args(config, tmp_path / "out")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for_pages(proc, store, 15)
        family = descendants(proc.pid)
        commands = [command_line(pid) for pid in family]
        # the crawl's helpers talk over sockets (crawler.channel): no semaphores, so no resource tracker
        assert not any("resource_tracker" in c for c in commands), commands
        assert sum("crawler.pageworker" in c for c in commands) >= 1, commands
        # the resource lane is a thread of the govcrawl process, not a process (crawler.linkstatus.LaneHost)
        assert not any("_lane_main" in c for c in commands), commands
        act(proc)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        server.slow = 0.0
    assert not still_alive(family), "a crawl process outlived the run"
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), config, store


def _resume(config: Path, out: Path) -> tuple[dict, str]:
    result = subprocess.run([str(GOVCRAWL), *_args(config, out)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8")), result.stderr


def test_the_checks_run_in_a_process_that_never_loaded_scrapy(tmp_path):
    script = (
        "import sys\n"
        "from govcrawl import cli\n"
        "status = cli.main(sys.argv[1:])\n"
        "print('loaded:', sorted(m for m in ('scrapy', 'twisted', 'crawler.runner') if m in sys.modules), status)\n"
    )
    state = tmp_path / "state"  # where Scrapy's remote control would write its job file (XDG state folder)
    with DemoServer() as server:
        config = write_demo_config(server, tmp_path / "sites.yaml", tmp_path / "data")
        result = subprocess.run([sys.executable, "-c", script, *_args(config, tmp_path / "out")],
                                capture_output=True, text=True, timeout=600,
                                env={**os.environ, "XDG_STATE_HOME": str(state)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "loaded: [] 0"
    # No code-execution endpoint in the crawl (crawler.settings.REMOTE_CONTROL_ENABLED), so no job file either.
    assert not state.exists(), sorted(str(p.relative_to(state)) for p in state.rglob("*"))
    findings = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert findings["run"]["stats"]["pages"] > 20
    assert findings["findings"], "the demo portal has findings"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_a_signal_to_govcrawl_stops_the_crawl_cleanly_and_the_run_resumes(tmp_path, signum):
    """Sent to the ``govcrawl`` process alone (as ``kill`` or a scheduler's stop does): it reaches the crawl."""
    with DemoServer() as server:
        ended, config, store = _interrupt_mid_crawl(server, tmp_path, lambda proc: os.kill(proc.pid, signum))
        assert ended.returncode == 1, ended.stderr[-3000:]
        assert "抓取被中断" in ended.stderr and "再次运行同一命令即可继续" in ended.stderr
        assert "Traceback" not in ended.stderr
        [(run_id, status)] = _runs(store)
        assert status == "failed"
        findings, stderr = _resume(config, tmp_path / "out")
    assert "继续上次中断的运行" in stderr
    assert findings["run"]["id"] == run_id and findings["run"]["stats"]["resumed"] == 1
    assert _runs(store) == [(run_id, "completed")]


def test_a_crawl_process_that_dies_is_reported_and_the_run_resumes(tmp_path):
    def kill_the_crawl(proc: subprocess.Popen) -> None:
        crawl = [pid for pid in descendants(proc.pid)
                 if "crawler.apart" in command_line(pid) and parent_of(pid) == proc.pid]
        assert len(crawl) == 1, [command_line(pid) for pid in descendants(proc.pid)]
        os.kill(crawl[0], signal.SIGKILL)  # as the OOM killer would

    with DemoServer() as server:
        ended, config, store = _interrupt_mid_crawl(server, tmp_path, kill_the_crawl)
        assert ended.returncode == 1, ended.stderr[-3000:]
        assert "抓取进程意外退出" in ended.stderr and "再次运行同一命令即可继续" in ended.stderr
        [(run_id, status)] = _runs(store)
        assert status == "failed"
        findings, stderr = _resume(config, tmp_path / "out")
    assert "继续上次中断的运行" in stderr
    assert findings["run"]["id"] == run_id
    assert _runs(store) == [(run_id, "completed")]


def test_the_resource_lane_leaves_govcrawl_for_a_site_whose_runs_are_large(tmp_path):
    """A thread of ``govcrawl`` (which then loads the lane) unless the site's largest completed run was large.

    ``LANE_APART_ABOVE_PAGES`` is set to 0 in the child, so the demo portal counts as large once it has one
    completed run: the second run starts the lane as a process, and finds the same problems.
    """
    script = (
        "import sys\n"
        "from govcrawl import cli\n"
        "cli.LANE_APART_ABOVE_PAGES = int(sys.argv[1])\n"
        "status = cli.main(sys.argv[2:])\n"
        "print('lane here:', 'aiohttp' in sys.modules, 'crawler.linkstatus' in sys.modules, status)\n"
    )

    def run(above: int, out: str) -> tuple[str, int, set[str]]:
        result = subprocess.run([sys.executable, "-c", script, str(above), *_args(config, tmp_path / out)],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        doc = json.loads((tmp_path / out / "findings.json").read_text(encoding="utf-8"))
        return (result.stdout.strip().splitlines()[-1], doc["run"]["stats"]["resources_checked"],
                {f["id"] for f in doc["findings"]})

    with DemoServer() as server:
        config = write_demo_config(server, tmp_path / "sites.yaml", tmp_path / "data")
        first = run(0, "out1")  # no completed run yet: the lane is a thread here
        second = run(0, "out2")  # the first run counts as large: a lane process
        third = run(10**9, "out3")  # nothing counts as large: a thread again
    assert [first[0], second[0], third[0]] == ["lane here: True True 0", "lane here: False False 0",
                                               "lane here: True True 0"]
    assert first[1] > 0 and second[1] > 0 and third[1] > 0, "the lane checked the demo's attachments every time"
    assert first[2] == second[2] == third[2]
