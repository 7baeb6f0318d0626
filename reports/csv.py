"""``findings.csv``: one row per finding, for Excel on a Chinese Windows desktop.

UTF-8 with a byte-order mark (``utf-8-sig``) because Excel opens a CSV
without one in the ANSI code page (GBK) and garbles every Chinese character.
Rows end in CRLF (the csv module's default, RFC 4180) and every field is
quoted, so that line breaks in evidence stay inside their cell. Text that a
spreadsheet would evaluate as a formula gets OWASP's apostrophe prefix (see
``reports.tabular``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .data import ReportInput, summarise
from .files import write_atomic
from .tabular import COLUMNS, clean_text, finding_row, neutralise_formula

HEADER: tuple[str, ...] = ("部门", *COLUMNS)


def rows(data: ReportInput) -> Iterator[list[str | int]]:
    """Header plus one safe row per finding, in the caller's order, made as they are consumed."""
    checks = {check.id: check for check in summarise(data).checks}
    yield list(HEADER)
    for finding in data.findings:
        row = [clean_text(finding.department), *finding_row(finding, checks[finding.check])]
        yield [neutralise_formula(v) if isinstance(v, str) else v for v in row]


def _write_rows(handle: TextIO, data: ReportInput) -> None:
    csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows(data))


def dumps(data: ReportInput) -> str:
    """The CSV text (without the BOM, which the encoding adds)."""
    buffer = io.StringIO(newline="")
    _write_rows(buffer, data)
    return buffer.getvalue()


def write(data: ReportInput, path: Path) -> Path:
    """Write ``findings.csv`` atomically, UTF-8 with BOM, row by row (never the whole text in memory)."""

    def produce(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            _write_rows(handle, data)

    return write_atomic(path, produce)
