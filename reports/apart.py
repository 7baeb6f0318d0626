"""findings.xlsx written by a helper process while this one writes the other three files.

Why: after the crawl one process works while the machine's other cores wait. A helper
started with the report's data (pickled into the staging folder) writes the workbook there
while JSON, CSV and HTML are written here; ``write_all`` waits for it before the folder is
committed. On the 5,000-page benchmark (5,345 findings) the workbook takes 0.33 s
(``reports.ooxml``; 1.07 with openpyxl) and the other three files 0.50: the four are done
in 0.54 s instead of 0.83.

Only for reports between ``SMALLEST`` and ``LARGEST`` findings: below, the helper's start
(0.09 s) and the pickle cost more than the workbook it takes over (~0.06 ms a finding,
against ~0.09 for the other three files here); above, a second copy of the findings would
sit beside the first at the peak of a large run's memory (its check and report phase).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from .data import ReportInput

SMALLEST = 3_000
LARGEST = 25_000
TIMEOUT = 1800.0  # seconds; a workbook of LARGEST findings takes about 2


def worth_it(data: ReportInput) -> bool:
    """Whether writing ``data``'s workbook in a helper process saves time here."""
    rows = len(data.findings) + len(data.fixed) + len(data.waived)
    return SMALLEST <= rows <= LARGEST and (os.cpu_count() or 1) > 1


class WorkbookApart:
    """A helper process writing ``path`` (findings.xlsx) from ``data``; ``finish`` waits for it."""

    def __init__(self, data: ReportInput, path: Path) -> None:
        self.path = path
        self._input = path.with_name(f".{path.name}.input")
        with open(self._input, "wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._process = subprocess.Popen(
            # -P: the current folder (a "reports/" of output, say) must not shadow this package.
            [sys.executable, "-P", "-c", "from reports.apart import main; main()", str(self._input), str(path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def finish(self, timeout: float = TIMEOUT) -> Path:
        """Wait for the workbook; raise RuntimeError (with the helper's last words) if it was not written."""
        try:
            _, err = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.abandon()
            raise RuntimeError(f"findings.xlsx 未在 {timeout:.0f} 秒内写完 / the workbook took too long") from None
        finally:
            self._input.unlink(missing_ok=True)
        if self._process.returncode != 0 or not self.path.exists():
            words = err.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise RuntimeError("findings.xlsx 写入失败 / the workbook's writer failed "
                               f"(exit {self._process.returncode}): " + " | ".join(words))
        return self.path

    def abandon(self) -> None:
        """Stop the helper (the report failed elsewhere); nothing it wrote is kept."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._input.unlink(missing_ok=True)


def main() -> None:
    """The helper: read the pickled report data, write the workbook (atomically), exit."""
    from . import xlsx

    source, path = sys.argv[1], Path(sys.argv[2])
    with open(source, "rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - written by our own parent into its staging folder
    xlsx.write(data, path)
