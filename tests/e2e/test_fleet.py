"""Province scale: several workers crawl one run through a real Redis (scrapy-redis) and find
exactly what one machine finds, even when a worker is killed mid-crawl.

Real parts only: the demo portal on 127.0.0.1, a real ``redis-server`` on a loopback port
(tests/services.py), ``govcrawl run --redis`` as the coordinator and ``govcrawl worker``
processes, each in its own process group so it can be killed like a lost machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import DEMO_TODAY, GOVCRAWL, write_demo_config


def _config(server, base: Path) -> Path:
    base.mkdir(parents=True, exist_ok=True)
    return write_demo_config(server, base / "sites.yaml", base / "data")


def _run(config: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(GOVCRAWL), "run", "demo", "-c", str(config), "--today", DEMO_TODAY, "--no-browser", "--progress", "off",
         "--out", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _worker(config: Path, redis_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(GOVCRAWL), "worker", "--redis", redis_url, "-c", str(config), "--once", "--wait", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _finish(proc: subprocess.Popen, timeout: float = 600) -> str:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == 0, err[-3000:]
    return err


def _fleet_run(config: Path, out: Path, redis_url: str) -> tuple[dict, str]:
    """A coordinator and one worker on ``config``; the run's findings.json and the worker's log."""
    coordinator = _run(config, out, "--redis", redis_url)
    worker = _worker(config, redis_url)
    coordinator_log = _finish(coordinator)
    return _findings(out), _finish(worker) + "\n--- coordinator ---\n" + coordinator_log


def _loud(log: str) -> str:
    """The log lines worth reading when a fleet run disagrees with the single one."""
    return "\n".join(line for line in log.splitlines()
                     if any(word in line for word in ("ERROR", "WARNING", "robots", "补抓", "---")))[-4000:]


def _parent(pid: int) -> int | None:
    """The parent process id of ``pid`` (from /proc), None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _findings(out: Path) -> dict:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _key(finding: dict) -> tuple:
    return finding["id"], finding["check"], finding["department"], finding["url"], finding["target"]


def _kill_mid_crawl(client, victim: subprocess.Popen, pages, never: str) -> tuple[str, int]:
    """SIGKILL ``victim``'s process group once ``pages`` reaches 20 in the open run; the run id and that count.

    Both kill tests exist to show a run survives losing a process while the crawl is genuinely mid-way: a
    kill before the crawl started or after it finished proves nothing. So the kill waits (up to 120 s) for
    ``pages`` — given the run's ``govcrawl:run:ID:workers`` heartbeat hash — to reach 20 while the run is
    still open, and fails with ``never`` if that never happens (the crawl never got going, or was over first).
    """
    counted = {}

    def ready(run) -> bool:
        counted[run.run_id] = pages(client.hgetall(f"govcrawl:run:{run.run_id}:workers"))
        return counted[run.run_id] >= 20

    run = _kill_when(client, victim, ready, never)
    return run.run_id, counted[run.run_id]


def _kill_when(client, victim: subprocess.Popen, ready, never: str):
    """SIGKILL ``victim``'s process group once ``ready(run)`` holds for the open run; that run's descriptor.

    Polls for up to 120 s while the run is open (published for workers) and fails with ``never`` otherwise.
    """
    from crawler.fleet import open_runs

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for run in open_runs(client):  # the test's coordinator's run: the only one open
            if ready(run):
                os.killpg(victim.pid, signal.SIGKILL)  # the process, its page parsers and link lane
                return run
        time.sleep(0.2)
    pytest.fail(never)


@pytest.fixture(scope="module")
def single(demo_server, tmp_path_factory) -> dict:
    """The single-machine run (SQLite, no Redis) every fleet run must agree with."""
    base = tmp_path_factory.mktemp("single")
    _finish(_run(_config(demo_server, base), base / "out"))
    return _findings(base / "out")


DELAY = 0.02  # crawl.delay of the fleet run: one request start to the site every 20 ms, fleet-wide


def test_two_workers_find_exactly_what_one_machine_finds(single, demo_server, redis_url, tmp_path):
    config = _config(demo_server, tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["sites"]["demo"]["crawl"]["delay"] = DELAY
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    began = time.time()
    fleet, worker_log = _fleet_run(config, tmp_path / "out", redis_url)
    seen = [r for r in list(demo_server.requests) if r.host == "main" and r.at >= began]
    assert not [r.target for r in seen if r.target.startswith("/admin/")], _loud(worker_log)  # robots.txt, fleet-wide
    assert {_key(f) for f in fleet["findings"]} == {_key(f) for f in single["findings"]}, _loud(worker_log)
    assert fleet["run"]["pages_crawled"] == single["run"]["pages_crawled"]
    crawled_here = int(worker_log.split("--- coordinator ---")[0].rsplit("本工作进程抓取 ", 1)[1].split()[0])
    assert 0 < crawled_here < single["run"]["pages_crawled"]  # both shared the work
    # Politeness is the fleet's, not each worker's: the site saw at most one request start per DELAY
    # (pages and attachments of both workers together; arrival times carry a little scheduling jitter).
    arrivals = sorted(r.at for r in seen)
    assert len(arrivals) > 300
    span = arrivals[-1] - arrivals[0]
    assert (len(arrivals) - 1) * DELAY <= span * 1.05, (len(arrivals), span)


def test_losing_a_worker_loses_no_page(single, demo_server, redis_url, tmp_path):
    import redis

    config = _config(demo_server, tmp_path)
    demo_server.slow = 0.15  # every page answer takes a while, so the kill lands mid-crawl
    try:
        coordinator = _run(config, tmp_path / "out", "--redis", redis_url)
        doomed = _worker(config, redis_url)

        def doomed_pages(workers: dict) -> int:
            # a worker is "host:pid"; the doomed one is the crawl child of `govcrawl worker`
            return max((json.loads(state)["pages"] for name, state in workers.items()
                        if _parent(int(name.decode().rsplit(":", 1)[1])) == doomed.pid), default=0)

        _, killed_at = _kill_mid_crawl(redis.Redis.from_url(redis_url), doomed, doomed_pages,
                                       "the worker never got going")
        doomed.wait(30)
        log = _finish(coordinator)
    finally:
        demo_server.slow = 0.0
    fleet = _findings(tmp_path / "out")
    assert {_key(f) for f in fleet["findings"]} == {_key(f) for f in single["findings"]}
    assert fleet["run"]["pages_crawled"] == single["run"]["pages_crawled"]
    # what the lost worker had taken from the queue (or not yet written) was put back and crawled again
    assert "补抓" in log, (killed_at, fleet["run"]["stats"].get("fleet_workers"), log[-3000:])


def test_losing_the_coordinator_loses_no_page(single, demo_server, redis_url, tmp_path):
    """The coordinator dies mid-crawl: the worker drains the run alone, and `govcrawl check RUN_ID` reports it whole."""
    import redis

    from crawler.fleet import open_runs

    config = _config(demo_server, tmp_path)
    demo_server.slow = 0.15
    try:
        coordinator = _run(config, tmp_path / "out", "--redis", redis_url)
        worker = _worker(config, redis_url)
        client = redis.Redis.from_url(redis_url)
        run_id, _ = _kill_mid_crawl(client, coordinator,
                                    lambda workers: sum(json.loads(state)["pages"] for state in workers.values()),
                                    "the crawl never got going")
        coordinator.wait(30)
        worker_log = _finish(worker)
    finally:
        demo_server.slow = 0.0
    assert not (tmp_path / "out" / "findings.json").exists()  # nobody checked yet
    # The dead coordinator never closed the run; the next worker to look finds it drained and closes it.
    late = subprocess.run([str(GOVCRAWL), "worker", "--redis", redis_url, "-c", str(config), "--once", "--wait", "2"],
                          capture_output=True, text=True, timeout=60)
    assert "加入运行" not in late.stderr and run_id not in {r.run_id for r in open_runs(client)}
    result = subprocess.run([str(GOVCRAWL), "check", run_id, "-c", str(config), "--out", str(tmp_path / "later")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    later = _findings(tmp_path / "later")
    assert {_key(f) for f in later["findings"]} == {_key(f) for f in single["findings"]}, _loud(worker_log)
    assert later["run"]["pages_crawled"] == single["run"]["pages_crawled"]
    assert "抓取没有正常结束" in result.stderr


def test_pages_a_kill_left_half_written_are_finished(single, demo_server, redis_url, tmp_path):
    """A page's three writes are separate, and a kill can fall between any two; reconciliation finishes the page.

    The crawl process writes a page's fetch outcome, a page worker its facts, and the page's links
    are claimed in Redis; each in its own batch or round trip. The coordinator is killed once it has
    stored pages, and its leftovers are then set, deterministically, to each half-done state a kill
    can leave:

    - P: its fetch outcome written, its facts lost with the page worker's batch;
    - Q: its facts stored, its links never claimed (their claims are taken back);
    - R: its facts stored, its fetch outcome never written.

    The request queue is emptied as well, as if the dead process had taken every queued request.
    A worker that joins afterwards must finish all of it: the run then has the findings and the
    pages one machine finds.
    """
    import redis

    from crawler.pageworker import routing_of
    from crawler.spiders.portal import followable
    from govcrawl.model import LinkOutcome, LinkState
    from govcrawl.store import Store

    config = _config(demo_server, tmp_path)
    client = redis.Redis.from_url(redis_url)

    def stored_some(run) -> bool:
        with Store(run.store) as store:
            return len(store.page_urls(run.run_id)) >= 10

    demo_server.slow = 0.15
    try:
        coordinator = _run(config, tmp_path / "out", "--redis", redis_url)
        run = _kill_when(client, coordinator, stored_some, "the coordinator never stored pages mid-crawl")
        coordinator.wait(30)
        prefix = f"govcrawl:run:{run.run_id}:"
        client.delete(prefix + "requests")
        routes = {url.decode(): json.loads(route) for url, route in client.hgetall(prefix + "routes").items()}
        with Store(run.store) as store:
            answered = store.answered_urls(run.run_id)
            stored = [store.page(run.run_id, url) for url in sorted(store.page_urls(run.run_id))]

            def claimed_open(page) -> list[str]:  # links this page claimed that nothing has answered yet
                routing = routing_of(page)
                urls = [url for url, _ in routing.links] + routing.pagination
                return sorted({url for url in urls if url not in answered and routes.get(url, [0, 0, None])[2] == page.url})

            q = max((page for page in stored if followable(page)), key=lambda page: len(claimed_open(page)))
            taken_back = claimed_open(q)
            assert taken_back, "no stored page had claimed links left to crawl"
            client.srem(prefix + "routed", q.url)
            client.srem(prefix + "seen", *taken_back)
            client.hdel(prefix + "routes", *taken_back)
            p = next(url for url, (tag, _, _) in sorted(routes.items())
                     if url not in answered and url not in taken_back and tag == "a" and url.endswith(".html"))
            store.add_outcomes(run.run_id, [LinkOutcome(p, LinkState.OK, 200, "HTTP 200", None, True, "PAGE")])
            r = next(page.url for page in stored if page.url != q.url)
            store.db.execute("DELETE FROM link_status WHERE run_id=? AND url=?", (run.run_id, r))
        worker_log = _finish(_worker(config, redis_url))
    finally:
        demo_server.slow = 0.0
    assert all(word in worker_log for word in ("补抓", "补链", "补记")), _loud(worker_log)
    with Store(run.store) as store:
        assert store.page(run.run_id, p) is not None
        assert store.outcomes(run.run_id)[r].method == "PAGE"
    result = subprocess.run([str(GOVCRAWL), "check", run.run_id, "-c", str(config), "--out", str(tmp_path / "later")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    later = _findings(tmp_path / "later")
    assert {_key(f) for f in later["findings"]} == {_key(f) for f in single["findings"]}, _loud(worker_log)
    assert later["run"]["pages_crawled"] == single["run"]["pages_crawled"]


def test_a_worker_refuses_a_run_made_under_another_config(demo_server, redis_url, tmp_path):
    from crawler.fleet import Fleet, RunDescriptor, connect

    config = _config(demo_server, tmp_path)
    fleet = Fleet(connect(redis_url), "demo.other-config", "test")
    fleet.publish(RunDescriptor("demo.other-config", "demo", str(tmp_path / "x.sqlite"), DEMO_TODAY, "0" * 16))
    try:
        result = subprocess.run([str(GOVCRAWL), "worker", "--redis", redis_url, "-c", str(config), "--once",
                                 "--wait", "3"], capture_output=True, text=True, timeout=60)
    finally:
        fleet.retire()
    assert result.returncode == 1 and "配置不同" in result.stderr


def test_a_worker_without_the_sites_privacy_secret_refuses_to_join(demo_server, redis_url, tmp_path):
    """A worker that made up its own salt would key the privacy digests of its pages differently."""
    import os

    from crawler.fleet import Fleet, RunDescriptor, connect
    from govcrawl.cli import config_hash
    from govcrawl.config import load_config
    from govcrawl.salt import salt_fingerprint

    config = _config(demo_server, tmp_path)
    site = load_config(config)[0].sites["demo"]
    coordinator_salt = os.urandom(32)
    fleet = Fleet(connect(redis_url), "demo.salted", "test")
    fleet.publish(RunDescriptor("demo.salted", "demo", str(tmp_path / "x.sqlite"), DEMO_TODAY, config_hash(site),
                                None, salt_fingerprint(coordinator_salt)))
    salt = tmp_path / "data" / "demo.salt"

    def join() -> subprocess.CompletedProcess:
        return subprocess.run([str(GOVCRAWL), "worker", "--redis", redis_url, "-c", str(config), "--once",
                               "--wait", "3"], capture_output=True, text=True, timeout=60)

    try:
        missing = join()
        salt.parent.mkdir(parents=True, exist_ok=True)
        salt.write_bytes(os.urandom(32))
        other = join()
    finally:
        fleet.retire()
    assert missing.returncode == 1 and "没有站点的隐私密钥" in missing.stderr, missing.stderr[-2000:]
    assert not salt.exists() or salt.read_bytes() != coordinator_salt
    assert other.returncode == 1 and "隐私密钥" in other.stderr and "不同" in other.stderr, other.stderr[-2000:]
    assert "加入运行" not in missing.stderr + other.stderr


def test_a_fleet_on_the_shared_postgresql_store_finds_the_same(single, demo_server, redis_url, postgres_url,
                                                               tmp_path):
    """The province set-up: request queue in Redis, facts and findings in one PostgreSQL database."""
    from tests.services import fresh_database

    config = _config(demo_server, tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["store"] = fresh_database(postgres_url)
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    fleet, worker_log = _fleet_run(config, tmp_path / "out", redis_url)
    assert {_key(f) for f in fleet["findings"]} == {_key(f) for f in single["findings"]}, _loud(worker_log)
    assert fleet["run"]["pages_crawled"] == single["run"]["pages_crawled"]
    assert "本工作进程抓取" in worker_log
    assert not list((tmp_path / "data").glob("*.sqlite"))  # nothing went to a local file
