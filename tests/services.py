"""Real servers for tests: PostgreSQL and Redis, started on 127.0.0.1 for the session.

A test that needs a server asks for ``postgres_url`` or ``redis_url`` (or
``store_at``, a store location on each backend). The servers are the real
programs, not fakes: province-scale code is about concurrency, locking and
SQL dialects, which only a real server shows. A test is skipped only when the
server program is not installed (``make system-deps`` installs both); a server
that is installed but fails to start is an error, with its log in the message,
because a silently skipped backend is an untested one.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

STARTUP_SECONDS = 30


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL server installation (``/usr/lib/postgresql/N/bin``), if any."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/postgres")]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def _wait(ready: Callable[[], bool], process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if ready():
            return
        time.sleep(0.1)
    process.kill()
    text = log.read_text(errors="replace") if log.exists() else ""
    pytest.fail(f"{what} did not start (exit {process.poll()}):\n{text[-3000:]}", pytrace=False)


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql://govcrawl@127.0.0.1:PORT/govcrawl`` of a throw-away PostgreSQL cluster.

    PostgreSQL refuses to run as root: under root, initdb and the server run as
    the ``postgres`` system user (``Popen(user=...)`` rather than ``runuser``, so
    that our stop signal reaches the server itself, not a wrapper). Trust
    authentication on loopback only; fsync off: the cluster dies with the session.
    """
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server not installed (no /usr/lib/postgresql/*/bin/postgres; make system-deps)")
    import psycopg

    as_root = os.geteuid() == 0
    user = "postgres" if as_root else None
    if as_root:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root, but there is no 'postgres' system user to run the server as", pytrace=False)
    home = Path(tempfile.mkdtemp(prefix="govcrawl-pg-"))
    data, log = home / "data", home / "server.log"
    if as_root:
        os.chown(home, pw.pw_uid, pw.pw_gid)
    run_as = {"user": user, "group": pw.pw_gid, "extra_groups": []} if as_root else {}
    env = {**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"}
    init = subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "govcrawl", "--auth=trust", "--encoding=UTF8",
         "--locale=C.UTF-8", "--no-sync"],
        capture_output=True, text=True, env=env, cwd=home, **run_as,
    )
    if init.returncode != 0:
        pytest.fail(f"initdb failed ({init.returncode}):\n{init.stdout}\n{init.stderr}", pytrace=False)
    port = free_port()
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
             "-c", f"unix_socket_directories={home}", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=home, **run_as,
        )
    admin = f"postgresql://govcrawl@127.0.0.1:{port}/postgres"

    def ready() -> bool:
        try:
            psycopg.connect(admin, connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    try:
        _wait(ready, server, "PostgreSQL", log)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE govcrawl")
        yield f"postgresql://govcrawl@127.0.0.1:{port}/govcrawl"
    finally:
        _stop(server, signal.SIGINT)  # SIGINT: PostgreSQL's fast shutdown (SIGTERM waits for clients)
        shutil.rmtree(home, ignore_errors=True)


def fresh_database(postgres_url: str) -> str:
    """A new, empty database on the session's server (for tests about creating the store)."""
    import psycopg

    name = f"fresh_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a throw-away Redis without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed (make system-deps)")
    home = Path(tempfile.mkdtemp(prefix="govcrawl-redis-"))
    log = home / "server.log"
    port = free_port()
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(home)],
            stdout=out, stderr=subprocess.STDOUT, cwd=home,
        )

    def ready() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    try:
        _wait(ready, server, "Redis", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(server)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's store lives: a SQLite file, or a site of its own in the session's PostgreSQL.

    The same test then runs on both backends; PostgreSQL starts only when a
    test asks for it, so SQLite-only runs stay fast.
    """
    if request.param == "sqlite":
        return tmp_path / "s.sqlite"
    base = request.getfixturevalue("postgres_url")
    return f"{base}?site=t{uuid.uuid4().hex[:12]}"
