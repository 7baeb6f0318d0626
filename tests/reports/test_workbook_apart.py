"""findings.xlsx written by a helper process (reports.apart): the same workbook, and a failure is not lost.

A real helper process runs in every test here; its failure is made real too, by a
``sitecustomize`` on the helper's PYTHONPATH that breaks the workbook writer there.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

import reports
from reports import FILE_NAMES, ReportInput, write_all
from reports import apart as apart_module
from reports import xlsx as xlsx_report
from tests.reports.sample_run import make_report_input

ROOT = Path(__file__).resolve().parents[2]


def _many(rows: int) -> ReportInput:
    """The sample run with its findings repeated (each its own id and page) to ``rows`` findings."""
    data = make_report_input()
    base = data.findings
    data.findings = [replace(base[n % len(base)], id=f"{base[n % len(base)].id}-{n}",
                             url=f"{base[n % len(base)].url}?n={n}") for n in range(rows)]
    return data


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    return {sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in book.worksheets}


def test_only_reports_of_a_middling_size_are_worth_a_helper():
    assert not apart_module.worth_it(_many(apart_module.SMALLEST - 1))
    assert apart_module.worth_it(_many(apart_module.SMALLEST)) == ((os.cpu_count() or 1) > 1)
    big = make_report_input()
    big.findings = big.findings * (apart_module.LARGEST // len(big.findings) + 1)
    assert not apart_module.worth_it(big)


def test_the_helper_writes_the_same_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _many(apart_module.SMALLEST)
    started = []
    real = apart_module.WorkbookApart.__init__

    def spy(self, *args, **kwargs):
        started.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(apart_module.WorkbookApart, "__init__", spy)
    monkeypatch.setattr(apart_module.os, "cpu_count", lambda: 2)
    out = write_all(data, tmp_path / "report")
    assert len(started) == 1  # written by the helper
    here = xlsx_report.write(data, tmp_path / "here.xlsx")
    assert _cells(out["xlsx"]) == _cells(here)
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == sorted(FILE_NAMES.values())  # no input left


def test_a_failing_helper_fails_the_report_and_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import reports.xlsx\n"
        "def _boom(data, path):\n"
        "    raise OSError('磁盘已满 / disk full')\n"
        "reports.xlsx.write = _boom\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(hook), str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setattr(apart_module.os, "cpu_count", lambda: 2)
    with pytest.raises(RuntimeError, match="disk full"):
        write_all(_many(apart_module.SMALLEST), tmp_path / "out" / "report")
    assert list((tmp_path / "out").iterdir()) == []
    assert reports.xlsx_report.write is xlsx_report.write  # this process's writer was never touched


def test_a_helper_started_ahead_writes_the_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apart_module.os, "cpu_count", lambda: 2)
    apart_module.prestart(pages=apart_module.SMALLEST)
    waiting = apart_module._waiting
    assert waiting is not None and waiting.poll() is None
    used = []
    real = apart_module.WorkbookApart.finish

    def spy(self, *args, **kwargs):
        used.append(self._process)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(apart_module.WorkbookApart, "finish", spy)
    data = _many(apart_module.SMALLEST)
    out = write_all(data, tmp_path / "report")
    assert used == [waiting] and waiting.returncode == 0 and apart_module._waiting is None
    assert out["xlsx"].read_bytes() == xlsx_report.write(data, tmp_path / "here.xlsx").read_bytes()


def test_a_helper_started_ahead_for_a_report_too_small_goes_away(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apart_module.os, "cpu_count", lambda: 2)
    apart_module.prestart(pages=apart_module.LARGEST)
    waiting = apart_module._waiting
    assert waiting is not None
    write_all(make_report_input(), tmp_path / "report")  # a few findings: written here
    assert apart_module._waiting is None and waiting.returncode == 0
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == sorted(FILE_NAMES.values())


@pytest.mark.parametrize("pages", [apart_module.SMALLEST // 2 - 1, apart_module.LARGEST + 1])
def test_no_helper_is_started_ahead_for_a_run_that_will_not_want_one(pages: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apart_module.os, "cpu_count", lambda: 2)
    apart_module.prestart(pages=pages)
    assert apart_module._waiting is None
