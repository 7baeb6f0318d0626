"""``govcrawl run`` checks in a process that never loaded Scrapy; a stopped or killed crawl resumes.

What the crawl leaves in its process (Scrapy, Twisted, the seen URLs, a
fragmented heap) must not be under the check phase, the peak of a large run,
and the crawl must not carry the CLI's config models. The ``govcrawl`` command
replaces its image with a crawl image, then with a fresh CLI for the checks
(``govcrawl.restart``: same PID, run lock kept); ``main()`` called as a library
crawls in a child process instead (``crawler.apart``). Either way a Ctrl+C or a
SIGTERM sent to ``govcrawl`` stops the crawl cleanly and the run resumes; a
crawl that dies or fails leaves a run that resumes too.
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
from tests.sites import hooked_env

TODAY = "2023-11-01"
# main() as a library, in a process of its own: the crawl goes to a child (crawler.apart)
LIBRARY = [sys.executable, "-c", "import sys\nfrom govcrawl import cli\nsys.exit(cli.main(sys.argv[1:]))"]
LAUNCHERS = {"command": [str(GOVCRAWL)], "library": LIBRARY}


def _args(config: Path, out: Path) -> list[str]:
    return ["run", "demo", "-c", str(config), "--out", str(out), "--today", TODAY, "--no-browser", "--progress", "off"]


def _runs(store: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT id, status FROM runs ORDER BY started").fetchall()


def _interrupt_mid_crawl(server: DemoServer, tmp_path: Path, act, launcher: str = "command",
                         ) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """Start a slowed-down run, let it store some pages, ``act(proc)``, and collect how it ended."""
    config = write_demo_config(server, tmp_path / "sites.yaml", tmp_path / "data")
    store = tmp_path / "data" / "demo.sqlite"
    server.slow = 0.25
    proc = subprocess.Popen([*LAUNCHERS[launcher], *_args(config, tmp_path / "out")], stdout=subprocess.PIPE,
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
        # the command crawls in its own process, as its crawl image without the CLI's config models (pydantic);
        # the library in a child
        assert sum("crawler.apart" in c for c in commands) == (launcher == "library"), commands
        if launcher == "command":
            assert "crawl_image()" in command_line(proc.pid) and "govcrawl run demo" in command_line(proc.pid)
            maps = Path(f"/proc/{proc.pid}/maps").read_text()
            assert "lxml" in maps and "pydantic_core" not in maps
        act(proc)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        server.slow = 0.0
    assert not still_alive(family), "a crawl process outlived the run"
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), config, store


def _resumes(config: Path, out: Path, store: Path, run_id: str) -> dict:
    """The same command again: it finishes the interrupted run ``run_id``; its findings."""
    result = subprocess.run([str(GOVCRAWL), *_args(config, out)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "继续上次中断的运行" in result.stderr
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["run"]["id"] == run_id
    assert _runs(store) == [(run_id, "completed")]
    return findings


def _site_hook(tmp_path: Path, code: str) -> dict:
    """An environment whose Python processes all run ``code`` first (a ``sitecustomize`` module)."""
    return hooked_env(tmp_path / "site", code)


def _command(server: DemoServer, tmp_path: Path, env: dict,
             ) -> tuple[subprocess.CompletedProcess, int, Path, Path]:
    """``govcrawl run`` on the demo portal in ``env``, to its end: how it ended, its PID, the config and the store."""
    config = write_demo_config(server, tmp_path / "sites.yaml", tmp_path / "data")
    proc = subprocess.Popen([str(GOVCRAWL), *_args(config, tmp_path / "out")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate(timeout=600)
    return (subprocess.CompletedProcess(proc.args, proc.returncode, out, err), proc.pid, config,
            tmp_path / "data" / "demo.sqlite")


def _loaded_after(tmp_path: Path, restart: bool, env: dict | None = None) -> tuple[list[str], dict]:
    """Run the demo through ``main()`` in a script; each line the script printed, and the findings.

    The script prints its PID when it starts and what the checks' process had loaded at the end:
    a command that restarts itself starts the script twice, in one PID.
    """
    script = (
        "import os, sys\n"
        "from govcrawl import cli\n"
        "print('start', os.getpid(), flush=True)\n"
        f"status = cli.main(sys.argv[1:], restart={restart})\n"
        "print('loaded:', sorted(m for m in ('scrapy', 'twisted', 'crawler.runner') if m in sys.modules), status)\n"
    )
    with DemoServer() as server:
        config = write_demo_config(server, tmp_path / "sites.yaml", tmp_path / "data")
        result = subprocess.run([sys.executable, "-c", script, *_args(config, tmp_path / "out")],
                                capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr[-3000:]
    findings = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert findings["run"]["stats"]["pages"] > 20
    assert findings["findings"], "the demo portal has findings"
    return result.stdout.strip().splitlines(), findings


@pytest.mark.parametrize("restart", [True, False], ids=["command", "library"])
def test_the_checks_run_in_a_process_that_never_loaded_scrapy(tmp_path, restart):
    state = tmp_path / "state"  # where Scrapy's remote control would write its job file (XDG state folder)
    lines, _ = _loaded_after(tmp_path, restart, {"XDG_STATE_HOME": str(state)})
    starts = [line for line in lines if line.startswith("start ")]
    # restarted: the same process (one PID for a scheduler or kill) began a second time, for the checks
    assert len(starts) == (2 if restart else 1) and len(set(starts)) == 1, lines
    assert lines[-1] == "loaded: [] 0"
    # No code-execution endpoint in the crawl (crawler.settings.REMOTE_CONTROL_ENABLED), so no job file either.
    assert not state.exists(), sorted(str(p.relative_to(state)) for p in state.rglob("*"))


def test_a_command_that_cannot_restart_checks_in_its_own_process(tmp_path):
    """``exec`` failing (as with E2BIG, an argument list too long for a new image) costs memory, never the run."""
    env = _site_hook(tmp_path, (
        "import errno, os\n"
        "def execv(path, args):\n"
        "    raise OSError(errno.E2BIG, os.strerror(errno.E2BIG))\n"
        "os.execv = execv\n"))
    lines, _ = _loaded_after(tmp_path, True, env)
    assert lines[-1] == "loaded: ['crawler.runner', 'scrapy', 'twisted'] 0", lines
    assert len([line for line in lines if line.startswith("start ")]) == 1


def test_a_crawl_image_that_cannot_start_the_checks_leaves_them_to_the_same_command(tmp_path):
    """``exec`` failing in the crawl image only: the crawled run is kept, and the same command checks it."""
    env = _site_hook(tmp_path, (
        "import errno, os, sys\n"
        "_execv = os.execv\n"
        "def execv(path, args):\n"
        "    if 'scrapy' in sys.modules:  # the crawl image, going back to the CLI\n"
        "        raise OSError(errno.E2BIG, os.strerror(errno.E2BIG))\n"
        "    _execv(path, args)\n"
        "os.execv = execv\n"))
    with DemoServer() as server:
        ended, _, config, store = _command(server, tmp_path, env)
        assert ended.returncode == 1, ended.stderr[-3000:]
        assert "抓取已完成并保存，但无法启动检查阶段；再次运行同一命令即可继续检查" in ended.stderr
        [(run_id, status)] = _runs(store)
        assert status == "crawled"
        assert not (tmp_path / "out" / "findings.json").exists()
        findings = _resumes(config, tmp_path / "out", store, run_id)
    assert findings["run"]["stats"]["pages"] > 20 and findings["findings"]


def test_a_crawl_that_fails_in_the_crawl_image_is_reported_by_the_cli(tmp_path):
    """The crawl raising in the crawl image: the CLI's next image reports it as its own, and the run resumes."""
    env = _site_hook(tmp_path, (
        "import importlib.abc, importlib.util, os, sys\n"
        "class Hook(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name != 'crawler.runner':\n"
        "            return None\n"
        "        sys.meta_path.remove(self)\n"
        "        spec = importlib.util.find_spec(name)\n"
        "        load = spec.loader.exec_module\n"
        "        def exec_module(module):\n"
        "            load(module)\n"
        "            def run_crawl(**kwargs):\n"
        "                print('crawl pid', os.getpid(), file=sys.stderr, flush=True)\n"
        "                raise ValueError('boom in the crawl')\n"
        "            module.run_crawl = run_crawl\n"
        "        spec.loader.exec_module = exec_module\n"
        "        return spec\n"
        "sys.meta_path.insert(0, Hook())\n"))
    with DemoServer() as server:
        ended, pid, config, store = _command(server, tmp_path, env)
        err = ended.stderr
        assert ended.returncode == 1, err[-3000:]
        assert f"crawl pid {pid}" in err  # crawled in the command's own process (its crawl image)
        assert err.rstrip().endswith("govcrawl: 运行失败 / failed: ValueError: boom in the crawl"), err[-3000:]
        assert "Traceback" not in err
        [(run_id, status)] = _runs(store)
        assert status == "failed"
        _resumes(config, tmp_path / "out", store, run_id)


@pytest.mark.parametrize("launcher", list(LAUNCHERS))
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_a_signal_to_govcrawl_stops_the_crawl_cleanly_and_the_run_resumes(tmp_path, signum, launcher):
    """Sent to the ``govcrawl`` process alone (as ``kill`` or a scheduler's stop does): it reaches the crawl."""
    with DemoServer() as server:
        ended, config, store = _interrupt_mid_crawl(server, tmp_path, lambda proc: os.kill(proc.pid, signum),
                                                    launcher)
        assert ended.returncode == 1, ended.stderr[-3000:]
        assert "抓取被中断" in ended.stderr and "再次运行同一命令即可继续" in ended.stderr
        assert "Traceback" not in ended.stderr
        [(run_id, status)] = _runs(store)
        assert status == "failed"
        findings = _resumes(config, tmp_path / "out", store, run_id)
    assert findings["run"]["stats"]["resumed"] == 1


def test_a_crawl_process_that_dies_is_reported_and_the_run_resumes(tmp_path):
    """The library's crawl child killed (as the OOM killer would): ``govcrawl`` says so and exits."""
    def kill_the_crawl(proc: subprocess.Popen) -> None:
        crawl = [pid for pid in descendants(proc.pid)
                 if "crawler.apart" in command_line(pid) and parent_of(pid) == proc.pid]
        assert len(crawl) == 1, [command_line(pid) for pid in descendants(proc.pid)]
        os.kill(crawl[0], signal.SIGKILL)

    with DemoServer() as server:
        ended, config, store = _interrupt_mid_crawl(server, tmp_path, kill_the_crawl, "library")
        assert ended.returncode == 1, ended.stderr[-3000:]
        assert "抓取进程意外退出" in ended.stderr and "再次运行同一命令即可继续" in ended.stderr
        [(run_id, status)] = _runs(store)
        assert status == "failed"
        _resumes(config, tmp_path / "out", store, run_id)


def test_a_killed_command_leaves_no_helper_and_its_run_resumes(tmp_path):
    """The command, which crawls in its own process, killed mid-crawl: its page worker exits, the run resumes."""
    with DemoServer() as server:
        ended, config, store = _interrupt_mid_crawl(server, tmp_path,
                                                    lambda proc: os.kill(proc.pid, signal.SIGKILL))
        assert ended.returncode == -signal.SIGKILL
        [(run_id, status)] = _runs(store)
        assert status == "running"
        _resumes(config, tmp_path / "out", store, run_id)


def test_the_run_lock_is_held_across_the_restart(tmp_path):
    """While the restarted command checks, a second run of the site is refused; a hand-set variable skips nothing.

    The script starts a second ``govcrawl run`` when it begins as the restarted image, before ``main()``
    adopts the lock, so the lock must have stayed held through ``exec`` itself.
    """
    script = (
        "import os, subprocess, sys\n"
        "from govcrawl import cli, restart\n"
        "if restart.ENV in os.environ:\n"
        "    env = {k: v for k, v in os.environ.items() if k != restart.ENV}\n"
        "    other = subprocess.run([sys.argv[1], *sys.argv[2:]], capture_output=True, text=True, env=env)\n"
        "    print('other:', other.returncode, '正在由另一个进程检查' in other.stderr, flush=True)\n"
        "sys.exit(cli.main(sys.argv[2:], restart=True))\n"
    )
    with DemoServer() as server:
        config = write_demo_config(server, tmp_path / "sites.yaml", tmp_path / "data")
        args = _args(config, tmp_path / "out")
        result = subprocess.run([sys.executable, "-c", script, str(GOVCRAWL), *args],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.strip().splitlines()[0] == "other: 1 True", result.stdout
        # A variable naming a run and a descriptor that is not the lock: an ordinary run, crawled in full.
        bogus = json.dumps({"site": "demo", "run": "demo.none", "lock_fd": 0})
        again = subprocess.run([str(GOVCRAWL), *args, "--fresh"], capture_output=True, text=True, timeout=600,
                               env={**os.environ, "GOVCRAWL_CHECK_PHASE_OF": bogus})
        assert again.returncode == 0, again.stderr[-3000:]
        assert "开始检查" in again.stderr
    store = tmp_path / "data" / "demo.sqlite"
    assert [status for _, status in _runs(store)] == ["completed", "completed"]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert doc["run"]["stats"]["pages"] > 20


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


def test_the_crawl_image_starts_its_helpers_before_it_loads_scrapy(tmp_path):
    """A process being started shows its parent's memory as its own until it becomes the helper: the
    crawl image starts its page workers while it is small (``crawler.channel.prestart``), and never
    starts a process once Scrapy is loaded (Scrapy's version log would run ``uname -p``)."""
    log = tmp_path / "spawns.jsonl"
    env = _site_hook(tmp_path, (
        "import json, os, subprocess, sys\n"
        "_init = subprocess.Popen.__init__\n"
        "def __init__(self, args, *a, **k):\n"
        f"    with open({str(log)!r}, 'a') as out:\n"
        "        out.write(json.dumps({'pid': os.getpid(), 'args': [str(x) for x in args],\n"
        "                              'scrapy': 'scrapy' in sys.modules}) + '\\n')\n"
        "    _init(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = __init__\n"))
    with DemoServer() as server:
        result, pid, _, _ = _command(server, tmp_path, env)
    assert result.returncode == 0, result.stderr[-3000:]
    spawns = [json.loads(line) for line in log.read_text().splitlines()]
    ours = [s for s in spawns if s["pid"] == pid]
    workers = [s for s in ours if any("crawler.pageworker" in a for a in s["args"])]
    from crawler.pageworker import default_workers

    assert len(workers) == default_workers(), ours  # started ahead, then taken: none started again
    assert not [s for s in ours if s["scrapy"]], ours
