"""`govcrawl run demo` with the accessibility pass on a real Selenium Grid 4 (accessibility.remote_url)
finds exactly the a11y and elder-friendly findings of the local-Chromium run (the shared ``demo_run``)."""

from __future__ import annotations

import json
import subprocess
import time

import yaml

from tests.e2e.conftest import DEMO_TODAY, GOVCRAWL, write_demo_config
from tests.grid import GRID_SLOTS


def _browser_findings(findings: dict) -> dict[str, dict]:
    """a11y and elder-friendly findings by id, without the fields that differ between two runs of one site."""
    out = {}
    for finding in findings["findings"]:
        if finding["check"] not in ("a11y", "elder-friendly"):
            continue
        evidence = dict(finding["evidence"])
        evidence["screenshot"] = bool(evidence.get("screenshot"))  # a path in this run's folder
        out[finding["id"]] = {
            "check": finding["check"], "url": finding["url"], "target": finding["target"],
            "severity": finding["severity"], "department": finding["department"],
            "message": finding["message"], "occurrences": sorted(finding["occurrences"]), "evidence": evidence,
        }
    return out


def test_govcrawl_run_demo_through_the_grid_matches_the_local_run(grid, demo_run, tmp_path):  # noqa: F811
    config_path = write_demo_config(demo_run.server, tmp_path / "sites.yaml", tmp_path / "data")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["sites"]["demo"]["accessibility"] = {"remote_url": grid.url, "workers": GRID_SLOTS}
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    result = subprocess.run(
        [str(GOVCRAWL), "run", "demo", "-c", str(config_path), "--out", str(out), "--today", DEMO_TODAY,
         "--progress", "log"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    print(f"demo run through the Grid: {time.monotonic() - started:.1f}s")
    assert result.returncode == 0, result.stderr[-4000:]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    stats, local_stats = findings["run"]["stats"], demo_run.findings["run"]["stats"]
    assert stats["browser_failed"] == 0 and local_stats["browser_failed"] == 0
    assert stats["browser_pages"] == local_stats["browser_pages"] > 0
    remote, local = _browser_findings(findings), _browser_findings(demo_run.findings)
    assert {f["check"] for f in local.values()} == {"a11y", "elder-friendly"}
    assert sorted(remote) == sorted(local), (sorted(set(remote) ^ set(local)))
    for finding_id, finding in local.items():
        assert remote[finding_id] == finding, finding_id
    assert any(f["evidence"]["screenshot"] for f in remote.values())
    assert any(p.suffix == ".png" for p in (out / "screenshots").iterdir())


