"""The command line as a user meets it: re-check, re-report, exit codes, the report in a browser."""

from __future__ import annotations

import json
import subprocess

import openpyxl
import yaml

from tests.browser import chromium
from tests.e2e.conftest import GOVCRAWL


def _cli(*args, cwd=None):
    return subprocess.run([str(GOVCRAWL), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_recheck_and_report_without_crawling(demo_run, tmp_path):
    run_id = demo_run.findings["run"]["id"]
    # Stop nothing: the point is that `check` reads only the store. A run id of another site fails cleanly.
    listed = _cli("runs", "demo", "-c", str(demo_run.config))
    assert listed.returncode == 0 and run_id in listed.stdout
    again = _cli("check", run_id, "-c", str(demo_run.config), "--out", str(tmp_path / "re"))
    assert again.returncode == 0, again.stderr
    rechecked = json.loads((tmp_path / "re" / "findings.json").read_text(encoding="utf-8"))
    assert {f["id"] for f in rechecked["findings"]} == {f["id"] for f in demo_run.findings["findings"]}
    report = _cli("report", run_id, "-c", str(demo_run.config), "--out", str(tmp_path / "rr"))
    assert report.returncode == 0 and (tmp_path / "rr" / "report.html").exists()


def test_config_errors_exit_2_with_key_path(demo_run, tmp_path):
    config = yaml.safe_load(demo_run.config.read_text(encoding="utf-8"))
    config["sites"]["demo"]["departments"][0]["path_prefix"] = "sfj/"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = _cli("run", "demo", "-c", str(bad), "--today", "2023-11-01")
    assert result.returncode == 2
    assert 'sites.demo.departments[0].path_prefix: must start with "/"' in result.stderr
    assert _cli("run", "nosuch", "-c", str(demo_run.config)).returncode == 2
    assert _cli("run", "demo", "-c", str(demo_run.config), "--today", "2023-13-01").returncode == 2
    assert _cli("check", "demo.19990101-000000-000", "-c", str(demo_run.config)).returncode == 2


def test_report_renders_departments_in_chromium(demo_run):
    departments = {f["department"] for f in demo_run.findings["findings"]}
    with chromium() as driver:
        driver.get((demo_run.out / "report.html").as_uri())
        text = driver.find_element("tag name", "body").text
    for name in departments | {"政府办", "司法局"}:
        assert name in text


def test_xlsx_has_a_sheet_per_department(demo_run):
    book = openpyxl.load_workbook(demo_run.out / "findings.xlsx")
    assert book.sheetnames[0] == "汇总"
    by_department = demo_run.findings["summary"]["by_department"]
    for department, count in by_department.items():
        if count:
            sheet = book[department]
            assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
            assert sheet.max_row - 1 == count


def test_waivers_listed_apart_and_not_counted(demo_run, tmp_path):
    run_id = demo_run.findings["run"]["id"]
    broken = [f for f in demo_run.findings["findings"] if f["check"] == "broken-link" and "/sfj/" in f["url"]]
    assert broken, "the demo plants broken links on 司法局 pages"
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - check: broken-link\n"
        f'    url: "{demo_run.server.main}/sfj/*"\n'
        "    reason: 司法局附件已报信息中心恢复\n"
        "    accepted_by: 政务公开办\n"
        "    expires: 2023-11-30\n",
        encoding="utf-8",
    )
    result = _cli("check", run_id, "-c", str(demo_run.config), "--waivers", str(waivers), "--out", str(tmp_path / "w"))
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "w" / "findings.json").read_text(encoding="utf-8"))
    assert {f["id"] for f in doc["waived"]} == {f["id"] for f in broken}
    assert not {f["id"] for f in doc["findings"]} & {f["id"] for f in broken}
    assert doc["summary"]["total"] == len(doc["findings"])
    assert "已豁免" in (tmp_path / "w" / "report.html").read_text(encoding="utf-8")
    waivers.write_text("waivers:\n  - check: broken-link\n    reason: 理由\n    expires: 2023-11-30\n", encoding="utf-8")
    bad = _cli("check", run_id, "-c", str(demo_run.config), "--waivers", str(waivers))
    assert bad.returncode == 2 and "waivers[0].accepted_by" in bad.stderr
