"""Two checks run by a helper process (govcrawl.checkapart): the same findings, the same workbook.

The demo run is below the helper's page range, so each test lowers the thresholds for itself
(``wanted`` and the workbook's ``adopt``); the helper itself is a real process reading the
demo run's real store.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

import reports.apart
from govcrawl import checkapart
from govcrawl.cli import main
from govcrawl.departments import DepartmentRules
from tests.e2e.conftest import DEMO_TODAY


def _job(demo_run, demo_site, store_path=None) -> checkapart.Job:
    settings = demo_site.model_dump(mode="json")
    settings["hosts"] = demo_site.hosts()
    return checkapart.Job(
        str(store_path or demo_run.data / "demo.sqlite"), demo_run.findings["run"]["id"], checkapart.APART, "demo",
        date.fromisoformat(DEMO_TODAY), DepartmentRules.from_config(demo_site.owner, demo_site.departments),
        settings, demo_run.server.main + "/")


def _check(demo_run, out, monkeypatch, *, apart: bool) -> dict:
    monkeypatch.setattr(checkapart, "SMALLEST", 1 if apart else 10**9)
    monkeypatch.setattr(reports.apart, "SMALLEST", 0)  # the workbook's helper too, for the demo's 95 findings
    run_id = demo_run.findings["run"]["id"]
    assert main(["check", run_id, "-c", str(demo_run.config), "--out", str(out)]) == 0
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _workbook(path) -> list:
    book = openpyxl.load_workbook(path)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def test_the_helper_finds_what_this_process_finds(demo_run, demo_site, run_demo_check):
    from checks import ALL_CHECKS

    apart = checkapart.ChecksApart(_job(demo_run, demo_site))
    found = apart.findings(timeout=120)
    assert found is not None, apart.error
    assert sorted(found) == sorted(checkapart.APART)
    for check in ALL_CHECKS:
        if check.id in checkapart.APART:
            here = run_demo_check(check)
            assert here, f"the demo plants {check.id} problems"
            assert found[check.id] == here  # the same findings, in the same order
    apart.process.stdin.close()  # it became the workbook's helper: end-of-file, and it leaves
    assert apart.process.wait(timeout=30) == 0


def test_a_recheck_with_the_helper_gives_the_same_findings_and_workbook(demo_run, tmp_path, monkeypatch):
    alone = _check(demo_run, tmp_path / "alone", monkeypatch, apart=False)
    helpers, writers = [], []
    start, finish = checkapart.ChecksApart.__init__, reports.apart.WorkbookApart.finish

    def started(self, *args):
        helpers.append(self)
        start(self, *args)

    def finished(self, *args, **kwargs):
        writers.append(self._process)
        return finish(self, *args, **kwargs)

    monkeypatch.setattr(checkapart.ChecksApart, "__init__", started)
    monkeypatch.setattr(reports.apart.WorkbookApart, "finish", finished)
    helped = _check(demo_run, tmp_path / "helped", monkeypatch, apart=True)
    assert [helper.process for helper in helpers] == writers  # one process: the checks, then the workbook
    assert writers[0].returncode == 0
    assert "checks_apart" not in alone["run"]["stats"]
    assert sorted(helped["run"]["stats"]["checks_apart"]) == sorted(checkapart.APART)
    assert helped["findings"] == alone["findings"]
    assert {f["check"] for f in helped["findings"]} >= set(checkapart.APART)
    # the helper, once done with the checks, wrote the workbook (reports.apart): the same one
    assert _workbook(tmp_path / "helped" / "findings.xlsx") == _workbook(tmp_path / "alone" / "findings.xlsx")


def test_a_helper_that_fails_leaves_the_checks_to_this_process(demo_run, demo_site, tmp_path, monkeypatch):
    lost = checkapart.ChecksApart(_job(demo_run, demo_site, store_path=tmp_path / "nowhere.sqlite"))
    assert lost.findings(timeout=120) is None
    assert "no store here" in lost.error

    killed = checkapart.ChecksApart(_job(demo_run, demo_site))
    killed.process.kill()
    assert killed.findings(timeout=120) is None and killed.error

    alone = _check(demo_run, tmp_path / "alone", monkeypatch, apart=False)
    monkeypatch.setattr(checkapart.Job, "__init__", _broken_job_init)
    helped = _check(demo_run, tmp_path / "helped", monkeypatch, apart=True)
    assert "no store here" in helped["run"]["stats"]["checks_apart_failed"]
    assert "checks_apart" not in helped["run"]["stats"]
    assert helped["findings"] == alone["findings"]


_job_init = checkapart.Job.__init__


def _broken_job_init(self, store_path, *rest):
    _job_init(self, store_path + ".gone", *rest)


@pytest.mark.parametrize(("pages", "postgres", "cpus", "wanted"), [
    (5_000, False, 2, True), (checkapart.SMALLEST - 1, False, 2, False), (checkapart.LARGEST + 1, False, 2, False),
    (5_000, True, 2, False), (5_000, False, 1, False)])
def test_the_helper_is_started_only_where_it_pays(pages, postgres, cpus, wanted, monkeypatch):
    monkeypatch.setattr(checkapart.os, "cpu_count", lambda: cpus)
    assert checkapart.wanted(pages, postgres) is wanted
