"""`govcrawl probe`, `govcrawl availability` and site-unavailable end to end, over real HTTP.

The demo server's homepage is made slow, down, a 网站维护中 placeholder, a soft
404 and blank between probes (``DemoServer.homepage_mode`` / ``homepage_delay``);
a short configured timeout (1 s) stands in for the national 15 s, so the test
never waits long. The probes are real requests on 127.0.0.1 recorded by the CLI
into the site's store; then a real run reads them.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from crawler.demo.server import DemoServer
from govcrawl import cli
from tests.e2e.conftest import GOVCRAWL

SHANGHAI = timezone(timedelta(hours=8))


@pytest.fixture
def site(tmp_path):
    with DemoServer() as server:
        config = {
            "data_dir": str(tmp_path / "data"),
            "sites": {"demo": {
                "name": "探测测试站", "start_urls": [f"{server.main}/"], "owner": "政府办",
                "limits": {"max_pages": 1},
                "external_links": {"check": False, "allow_private": True},
                "crawl": {"delay": 0, "autothrottle": False},
                "availability": {"timeout": 1.0, "key_pages": ["/zwgk/"]},
            }},
        }
        path = tmp_path / "sites.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        yield server, path


def probe(path, capsys) -> list[str]:
    assert cli.main(["probe", "demo", "-c", str(path)]) == 0
    return capsys.readouterr().out.splitlines()


def test_probes_record_every_kind_of_failure_and_fail_the_site(site, capsys):
    server, path = site
    lines = probe(path, capsys)
    assert len(lines) == 2 and "首页" in lines[0] and " 200 " in lines[0] and lines[0].endswith("正常")
    assert "关键页面" in lines[1] and "/zwgk/" in lines[1]

    expected = {"down": "HTTP 503", "maintenance": "维护", "error-page": "错误", "blank": "内容为空"}
    for mode, words in expected.items():
        server.homepage_mode = mode
        (home, key) = probe(path, capsys)
        assert "失败" in home and words in home, (mode, home)
        assert key.endswith("正常")  # only the homepage is affected
    server.homepage_mode = "ok"
    server.homepage_delay = 1.6  # past the 1 s limit
    started = datetime.now()
    (home, _) = probe(path, capsys)
    assert "1 秒内未加载完成" in home
    assert (datetime.now() - started).total_seconds() < 2.5  # the probe gave up at its limit, not the server's pace
    server.homepage_delay = 0
    for _ in range(14):
        probe(path, capsys)
    # --quiet (cron): nothing is printed while the site is up
    assert cli.main(["probe", "demo", "-c", str(path), "--quiet"]) == 0
    assert capsys.readouterr().out == ""

    today = datetime.now(SHANGHAI).date().isoformat()
    assert cli.main(["availability", "demo", "-c", str(path), "--today", today, "--json"]) == 0
    week = json.loads(capsys.readouterr().out)
    assert (week["probes"], week["failures"], week["crossed"]) == (21, 5, True)  # 23.8% >= 5%
    assert week["failure_kinds"] == {"http-error": 1, "maintenance": 1, "error-page": 1, "blank": 1, "timeout": 1}
    assert week["key_pages"][0]["probes"] == 21 and week["key_pages"][0]["failures"] == 0
    assert week["longest_outage"]["failed_probes"] == 5 and not week["longest_outage"]["ongoing"]
    assert cli.main(["availability", "demo", "-c", str(path), "--today", today]) == 0
    text = capsys.readouterr().out
    assert "达到 5% 否决线" in text and "最长连续失败" in text

    out = path.parent / "out"
    result = subprocess.run([str(GOVCRAWL), "run", "demo", "-c", str(path), "--today", today, "--no-browser",
                             "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (finding,) = [f for f in findings["findings"] if f["check"] == "site-unavailable"]
    assert finding["url"] == f"{server.main}/" and finding["department"] == "政府办"
    assert finding["evidence"]["probes"] == 21 and finding["evidence"]["failures"] == 5
    veto = {v["id"]: v for v in findings["summary"]["veto_risks"]}
    assert veto["site-unavailable"]["crossed"]
    assert findings["summary"]["availability"]["probes"] == 21
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "站点可用性（首页探测）" in html and "达到 5% 否决线" in html


def test_a_week_under_the_line_is_not_a_finding(site, capsys):
    server, path = site
    for _ in range(20):
        probe(path, capsys)
    server.homepage_mode = "down"
    probe(path, capsys)  # 1 of 21 = 4.8%
    today = datetime.now(SHANGHAI).date().isoformat()
    assert cli.main(["availability", "demo", "-c", str(path), "--today", today, "--json"]) == 0
    week = json.loads(capsys.readouterr().out)
    assert (week["probes"], week["failures"], week["crossed"]) == (21, 1, False)
    assert week["longest_outage"]["ongoing"]


def test_probe_refuses_an_unknown_site(site, capsys):
    _, path = site
    assert cli.main(["probe", "nosuch", "-c", str(path)]) == 2
    assert "nosuch" in capsys.readouterr().err
