"""The report writers: one run's findings as JSON, HTML, XLSX and CSV.

Writers present findings; they compute nothing a check should. They import
neither Scrapy, Selenium nor ``crawler`` (an import-linter contract), and not
``checks`` either: the catalogue arrives as :class:`CheckMeta` values, so a
stored run can be reported without loading check code.

Usage (from the composition root)::

    data = ReportInput(site_id, site_name, run, findings,
                       [CheckMeta.from_check(c) for c in ALL_CHECKS], departments, metrics)
    paths = write_all(data, out_dir)   # {"json": ..., "html": ..., "xlsx": ..., "csv": ...}
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from . import csv as csv_report
from . import html as html_report
from . import json as json_report
from . import xlsx as xlsx_report
from .apart import WorkbookApart
from .apart import adopt as adopt_workbook_helper
from .apart import discard as discard_workbook_helper
from .apart import prestart as prestart_workbook_helper
from .apart import worth_it as workbook_apart_worth_it
from .data import SEVERITY_LABELS, CheckMeta, ReportInput, Summary, summarise

__all__ = ["FILE_NAMES", "SEVERITY_LABELS", "CheckMeta", "ReportInput", "Summary", "adopt_workbook_helper",
           "prestart_workbook_helper",
           "summarise", "write_all"]

# Kind -> file name, as contract §1 names them.
FILE_NAMES: dict[str, str] = {
    "json": "findings.json",
    "html": "report.html",
    "xlsx": "findings.xlsx",
    "csv": "findings.csv",
}


def write_all(data: ReportInput, out_dir: Path) -> dict[str, Path]:
    """Write findings.json, report.html, findings.xlsx, findings.csv; return their paths by kind.

    All or nothing: a crash, a failing writer or ``kill -9`` half-way must never
    leave a folder that looks like a finished report (a fresh ``report.html``
    beside last night's ``findings.json``, or a report with no workbook). So
    every file is first written into a staging folder beside ``out_dir``, and
    only when all four exist is the staging folder renamed into place
    (:func:`_commit`). Until that rename ``out_dir`` is exactly as it was: absent,
    or holding the previous report intact. Entries the caller already put into
    ``out_dir`` for this report (``screenshots/``) are carried over.
    """
    given = Path(out_dir)
    out_dir = given.absolute()
    staging, swap = _staging(out_dir, _ours(out_dir))
    apart = None
    try:
        # The workbook in a helper process meanwhile (reports.apart), unless its writer was replaced here.
        if _writer("xlsx") is xlsx_report.write and workbook_apart_worth_it(data):
            apart = WorkbookApart(data, staging / FILE_NAMES["xlsx"])
        else:
            discard_workbook_helper()
        for kind in _WRITE_ORDER:
            if not (kind == "xlsx" and apart is not None):
                _writer(kind)(data, staging / FILE_NAMES[kind])
        if apart is not None:
            apart.finish()
            apart = None
        _commit(staging, out_dir, swap)
    except BaseException:
        if apart is not None:
            apart.abandon()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {kind: given / name for kind, name in FILE_NAMES.items()}


# report.html last: in the file-by-file fallback of _commit it is the file that makes a
# folder look complete, so it appears only after the others.
_WRITE_ORDER = ("json", "xlsx", "csv", "html")
# What write_all and its caller (govcrawl.cli, screenshots/) put into a report folder.
_CARRIED = ("screenshots",)
_STALE_SECONDS = 3600.0  # leftovers of a killed writer older than this are removed


def _writer(kind: str) -> Callable[[ReportInput, Path], Path]:
    """The writer of one kind, looked up at call time (tests replace one to simulate a crash)."""
    module = {"json": json_report, "html": html_report, "xlsx": xlsx_report, "csv": csv_report}[kind]
    return module.write


def _is_leftover(name: str) -> bool:
    """A temporary file of ``reports.files.write_atomic`` that a killed process left behind."""
    return name.startswith(".") and name.endswith(".tmp")


def _ours(out_dir: Path) -> bool:
    """True when ``out_dir`` can be replaced as a whole: absent, or a plain folder of our files only.

    A folder that also holds anything else (``--out .``, a web root) is never
    renamed away; its four files are replaced one by one instead.
    """
    if not out_dir.exists() and not out_dir.is_symlink():
        return True
    if out_dir.is_symlink() or not out_dir.is_dir() or os.path.ismount(out_dir):
        return False
    known = set(FILE_NAMES.values()) | set(_CARRIED)
    return all(entry.name in known or _is_leftover(entry.name) for entry in out_dir.iterdir())


def _staging(out_dir: Path, swap: bool) -> tuple[Path, bool]:
    """A fresh staging folder on the same file system as ``out_dir`` (so renames are atomic).

    Beside ``out_dir`` when the folder is to be swapped whole, else inside it;
    returns the folder and whether the swap is still possible.
    """
    if swap:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(out_dir.parent, f".{out_dir.name}.", (".partial", ".old"))
        try:
            where = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
        except OSError:
            if not out_dir.is_dir():
                raise
            return _staging(out_dir, swap=False)  # parent not writable: stage inside instead
    else:
        _remove_stale(out_dir, ".govcrawl-", (".partial",))
        where = Path(tempfile.mkdtemp(prefix=".govcrawl-", suffix=".partial", dir=out_dir))
    os.chmod(where, 0o755)  # mkdtemp makes it 0700; reports are meant to be shared
    return where, swap


def _remove_stale(folder: Path, prefix: str, suffixes: tuple[str, ...]) -> None:
    """Remove staging folders of writers killed long ago (never a running writer's)."""
    now = time.time()
    for entry in folder.glob(f"{glob.escape(prefix)}*"):
        try:
            if entry.name.endswith(suffixes) and now - entry.lstat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def _commit(staging: Path, out_dir: Path, swap: bool) -> None:
    """Move the finished staging folder's files into ``out_dir``.

    ``swap``: the staging folder becomes ``out_dir`` by rename (atomic when
    ``out_dir`` is absent or empty; otherwise the old folder is renamed aside
    first, so for an instant ``out_dir`` is absent, never half-written), after
    the caller's ``screenshots/`` are hard-linked (or copied) into it. Otherwise
    each file is renamed over its old version, report.html last.
    """
    if not swap:
        for kind in _WRITE_ORDER:
            os.replace(staging / FILE_NAMES[kind], out_dir / FILE_NAMES[kind])
        shutil.rmtree(staging, ignore_errors=True)
        return
    if out_dir.exists():
        for name in _CARRIED:
            source = out_dir / name
            if source.is_dir() and not source.is_symlink():
                _link_tree(source, staging / name)
    try:
        os.rename(staging, out_dir)  # POSIX: replaces an absent or empty folder atomically
        return
    except OSError:
        if not out_dir.is_dir():
            raise
    aside = out_dir.with_name(f"{staging.name.removesuffix('.partial')}.old")
    os.rename(out_dir, aside)
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(aside, out_dir)  # put the previous report back
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """Copy a folder by hard links where the file system allows (screenshots are written once)."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_or_copy, dirs_exist_ok=True)
