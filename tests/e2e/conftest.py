"""One real crawl of the embedded demo portal per test session.

The demo portal is served by a real HTTP server on 127.0.0.1 (site) and
127.0.0.2 (the "outside world"); the crawl runs the installed ``govcrawl``
command in a subprocess, because a Twisted reactor starts once per process.
The run includes the browser pass (real headless Chromium), so the a11y and
elder-friendly expectations are checked as a user's run makes them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from crawler.demo.files import config_data, fill
from crawler.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[2]
GOVCRAWL = Path(sys.executable).with_name("govcrawl")
DEMO_TODAY = "2023-11-01"


@dataclass
class DemoRun:
    server: DemoServer
    config: Path
    out: Path
    data: Path
    findings: dict
    stderr: str

    def fill(self, text: str | None) -> str | None:
        return None if text is None else fill(text, self.server.main, self.server.ext, self.server.refused)


def write_demo_config(server: DemoServer, path: Path, data_dir: Path) -> Path:
    config = config_data(server.main, server.ext, server.refused)
    config["data_dir"] = str(data_dir)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def demo_server():
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def demo_run(demo_server, tmp_path_factory) -> DemoRun:
    base = tmp_path_factory.mktemp("demo")
    config = write_demo_config(demo_server, base / "sites.yaml", base / "data")
    out = base / "out"
    result = subprocess.run(
        [str(GOVCRAWL), "run", "demo", "-c", str(config), "--out", str(out), "--today", DEMO_TODAY,
         "--progress", "log"],
        capture_output=True, text=True, timeout=600, cwd=base,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return DemoRun(demo_server, config, out, base / "data", findings, result.stderr)


@pytest.fixture(scope="session")
def demo_site(demo_run):
    """The demo site's validated config, as the crawl used it."""
    from govcrawl.config import load_config

    return load_config(demo_run.config)[0].sites["demo"]


@pytest.fixture(scope="session")
def demo_facts(demo_run, demo_site):
    """The demo crawl's stored facts, loaded once, for running single checks on them."""
    from govcrawl.facts import SiteFacts
    from govcrawl.store import Store

    run_id = demo_run.findings["run"]["id"]
    with Store(demo_run.data / "demo.sqlite", create=False) as store:
        return SiteFacts.build(store.pages(run_id), store.outcomes(run_id), homepage=demo_run.server.main + "/")


@pytest.fixture(scope="session")
def run_demo_check(demo_facts, demo_site):
    """Run one check over the demo facts as `govcrawl run` would (today pinned to the demo's date)."""
    from datetime import date

    from checks.registry import run_checks
    from govcrawl.departments import DepartmentRules

    def run(check) -> list:
        settings = demo_site.model_dump(mode="json")
        settings["hosts"] = demo_site.hosts()
        return list(run_checks(
            [check], demo_facts, site_id="demo", today=date.fromisoformat(DEMO_TODAY),
            departments=DepartmentRules.from_config(demo_site.owner, demo_site.departments), settings=settings,
        ))

    return run
