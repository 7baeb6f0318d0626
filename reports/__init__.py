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

from pathlib import Path

from . import csv as csv_report
from . import html as html_report
from . import json as json_report
from . import xlsx as xlsx_report
from .data import SEVERITY_LABELS, CheckMeta, ReportInput, Summary, summarise

__all__ = ["FILE_NAMES", "SEVERITY_LABELS", "CheckMeta", "ReportInput", "Summary", "summarise", "write_all"]

# Kind -> file name, as contract §1 names them.
FILE_NAMES: dict[str, str] = {
    "json": "findings.json",
    "html": "report.html",
    "xlsx": "findings.xlsx",
    "csv": "findings.csv",
}


def write_all(data: ReportInput, out_dir: Path) -> dict[str, Path]:
    """Write findings.json, report.html, findings.xlsx, findings.csv; return their paths by kind.

    ``findings.json`` is written first: it is the record other programs
    read, so it should exist even if a presentation format fails later.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {
        "json": json_report.write,
        "html": html_report.write,
        "xlsx": xlsx_report.write,
        "csv": csv_report.write,
    }
    return {kind: write(data, out_dir / FILE_NAMES[kind]) for kind, write in writers.items()}
