"""Output safety: a report folder is complete or untouched, and no file name escapes it.

A nightly job is killed by systemd, runs out of disk or hits a bug half-way
through writing; the webmaster who opens the folder in the morning must never
get a report that looks finished but is not (a fresh report.html beside last
night's findings.json, or no workbook). And names built from crawled data
(screenshots named after finding ids, evidence-pack entries) must stay inside
the folder whatever the data holds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

import reports
from govcrawl.model import Finding, Severity
from reports import FILE_NAMES, write_all
from tests.reports.sample_run import make_report_input

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> content)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _boom(data: object, path: Path) -> Path:
    raise RuntimeError("disk full (simulated)")


def _write_screenshot(out: Path, name: str = "a11y-1.png") -> None:
    """What govcrawl.cli does before write_all: screenshots/ beside the report."""
    (out / "screenshots").mkdir(parents=True, exist_ok=True)
    (out / "screenshots" / name).write_bytes(PNG)


# -- all or nothing ---------------------------------------------------------------------------------
def test_complete_report_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "run-1"
    paths = write_all(make_report_input(), out)
    assert paths == {kind: out / name for kind, name in FILE_NAMES.items()}
    assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES.values())
    assert [p.name for p in tmp_path.iterdir()] == ["run-1"]  # no staging folder left behind
    assert out.stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o644}


@pytest.mark.parametrize("kind", ["json", "xlsx", "csv", "html"])
def test_failing_writer_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.setattr(getattr(reports, f"{kind}_report"), "write", _boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_all(make_report_input(), tmp_path / "run-1")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["json", "xlsx", "csv", "html"])
def test_failing_writer_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  kind: str) -> None:
    out = tmp_path / "report"
    _write_screenshot(out)
    write_all(make_report_input(), out)
    before = _snapshot(out)
    newer = make_report_input()
    newer.site_name = "改过的站名"
    _write_screenshot(out, "a11y-2.png")  # the failing run's caller already wrote its screenshots
    monkeypatch.setattr(getattr(reports, f"{kind}_report"), "write", _boom)
    with pytest.raises(RuntimeError):
        write_all(newer, out)
    after = _snapshot(out)
    after.pop("screenshots/a11y-2.png")
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def _kill_during_write(out: Path) -> None:
    """A separate process writes a report and dies (os._exit, as under kill -9) before report.html."""
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "import reports\n"
        "from tests.reports.sample_run import make_report_input\n"
        "real = reports.csv_report.write\n"
        "def write_then_die(data, path):\n"
        "    real(data, path)\n"
        "    os._exit(9)\n"
        "reports.csv_report.write = write_then_die\n"
        "reports.write_all(make_report_input(), Path(sys.argv[1]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 9, result.stderr[-2000:]


def test_killed_writer_never_leaves_a_report_that_looks_complete(tmp_path: Path) -> None:
    out = tmp_path / "report"
    _kill_during_write(out)
    assert not out.exists()
    leftovers = list(tmp_path.iterdir())
    assert leftovers and all(p.name.startswith(".") and p.name.endswith(".partial") for p in leftovers)
    assert not any((p / FILE_NAMES["html"]).exists() for p in leftovers)
    # The next night writes normally, and cleans up a leftover once it is old.
    for p in leftovers:
        os.utime(p, (time.time() - 7200, time.time() - 7200))
    write_all(make_report_input(), out)
    assert (out / "report.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_killed_writer_keeps_the_previous_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_all(make_report_input(), out)
    before = _snapshot(out)
    _kill_during_write(out)
    assert _snapshot(out) == before


def test_screenshots_written_by_the_caller_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "report"
    _write_screenshot(out, "a.png")
    write_all(make_report_input(), out)
    _write_screenshot(out, "b.png")
    write_all(make_report_input(), out)
    assert sorted(p.name for p in (out / "screenshots").iterdir()) == ["a.png", "b.png"]
    assert (out / "screenshots" / "b.png").read_bytes() == PNG


def test_folder_with_other_content_is_updated_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--out`` pointing at a folder that holds more than a report: it is never moved or emptied."""
    out = tmp_path / "www"
    (out / "assets").mkdir(parents=True)
    (out / "index.html").write_text("门户首页", encoding="utf-8")
    (out / "assets" / "logo.png").write_bytes(PNG)
    monkeypatch.setattr(reports.xlsx_report, "write", _boom)
    with pytest.raises(RuntimeError):
        write_all(make_report_input(), out)
    assert sorted(_snapshot(out)) == ["assets/logo.png", "index.html"]
    monkeypatch.undo()
    write_all(make_report_input(), out)
    assert sorted(_snapshot(out)) == sorted(["assets/logo.png", "index.html", *FILE_NAMES.values()])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert [p.name for p in tmp_path.iterdir()] == ["www"]


def test_symlinked_output_folder_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "latest"
    link.symlink_to(real, target_is_directory=True)
    write_all(make_report_input(), link)
    assert link.is_symlink() and sorted(p.name for p in real.iterdir()) == sorted(FILE_NAMES.values())


# -- names built from crawled data ------------------------------------------------------------------
class _Store:
    """The one store method screenshot export needs."""

    def screenshot(self, run_id: str, url: str, key: str) -> bytes:
        return PNG


def _export(out: Path, ids: list[str]) -> dict[str, str]:
    from govcrawl.cli import _export_screenshots
    from govcrawl.model import RunInfo

    run = RunInfo(id="t.1", site="t", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1))
    findings = [Finding(id=i, check="a11y", severity=Severity.MINOR, department="办公室",
                        url="http://127.0.0.1/", target="image-alt", title=None, message="m",
                        evidence={"screenshot": "image-alt|img"}) for i in ids]
    return _export_screenshots(_Store(), run, findings, out)


def _all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_finding_ids_are_safe_file_names_whatever_the_url() -> None:
    """Ids hash the URL and target, so crawled text never reaches a screenshot's name."""
    from checks.registry import CheckContext
    from govcrawl.departments import DepartmentRules

    check = next(c for c in __import__("checks").ALL_CHECKS if c.id == "a11y")
    ctx = CheckContext("t", check, date(2023, 11, 1), DepartmentRules.from_config("办公室", []))
    for url in ("http://127.0.0.1/../../etc/passwd", "http://127.0.0.1/a\x00b", "http://127.0.0.1/" + "长" * 5000):
        finding = ctx.finding(url=url, message="m", target="../" * 50)
        assert re.fullmatch(r"a11y:[0-9a-f]{20}", finding.id)


def test_screenshots_of_real_ids_land_in_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = _export(out, ["a11y:0123456789abcdef0123", "elder-friendly:fedcba98765432100123"])
    assert sorted(names.values()) == ["screenshots/a11y-0123456789abcdef0123.png",
                                      "screenshots/elder-friendly-fedcba98765432100123.png"]
    assert all(p.parent == out / "screenshots" for p in _all_files(tmp_path))


@pytest.mark.parametrize("hostile_id", ["../../escape", "a11y:/etc/evil", "a11y:nul\x00byte", "a11y:" + "x" * 300],
                         ids=["dotdot", "slash", "nul", "long"])
def test_hostile_finding_ids_cannot_escape_the_screenshot_folder(tmp_path: Path, hostile_id: str) -> None:
    out = tmp_path / "out"
    names = _export(out, [hostile_id])
    assert all(re.fullmatch(r"screenshots/[^/\x00]{1,200}\.png", n) for n in names.values())
    assert [p.parent for p in _all_files(tmp_path)] == [out / "screenshots"]


@pytest.mark.parametrize("name", ["../escape.png", "/etc/passwd", "a/../../b", "screenshots\\..\\x.png",
                                  "nul\x00.png", "C:/windows.png", "a//b", "./a"])
def test_evidence_pack_refuses_names_that_escape(tmp_path: Path, name: str) -> None:
    from reports.pack import build_pack

    with pytest.raises(ValueError, match="invalid pack entry name"):
        build_pack(tmp_path / "pack.zip", {name: b"x"}, {"schema": "test"})
    assert not (tmp_path / "pack.zip").exists()
