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

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from .data import ReportInput

SMALLEST = 3_000
LARGEST = 25_000
TIMEOUT = 1800.0  # seconds; a workbook of LARGEST findings takes about 2


# A helper started ahead (``prestart``), waiting for its two paths on its standard input.
_waiting: subprocess.Popen | None = None


def prestart(pages: int) -> None:
    """Start the helper now, for the report of a run of ``pages`` pages, if it will probably be wanted.

    Why ahead: starting a process forks this one, and until the child has become the helper it
    shows all of this process's memory as its own. When the report is written this process holds
    the run's facts and findings (~80 MiB at 5,000 pages), so a memory sampler that caught that
    instant would see twice that; at the start of the check phase it is half as large. The helper's
    start-up (0.09 s) also leaves the report's critical path. It waits idle (~20 MiB) until then,
    and goes away unused if the report turns out too small or too large (``discard``).
    """
    global _waiting
    if _waiting is None and _wanted_ahead(pages):
        _waiting = _start([])


def _wanted_ahead(pages: int) -> bool:
    """Whether the report of a run of ``pages`` pages will probably want the helper (two cores, a middling run)."""
    return (os.cpu_count() or 1) > 1 and SMALLEST // 2 <= pages <= LARGEST


def adopt(process: subprocess.Popen, pages: int) -> None:
    """Take ``process`` as the helper started ahead, if a report of ``pages`` pages will probably want one;
    else let it go. For a helper that becomes this one by ``exec`` when its other work is done
    (govcrawl.checkapart): it then waits on its standard input as one ``prestart`` started does."""
    global _waiting
    if _waiting is None and _wanted_ahead(pages):
        _waiting = process
        return
    process.stdin.close()  # end-of-file: it exits without writing anything
    process.wait()


def discard() -> None:
    """Let a helper started ahead go (end-of-file on its input: it exits without writing anything)."""
    global _waiting
    waiting, _waiting = _waiting, None
    if waiting is None:
        return
    try:
        waiting.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # it never reads its input: nothing of the report depends on it
        waiting.kill()
        waiting.wait()


def _start(paths: list[str]) -> subprocess.Popen:
    # -P: the current folder (a "reports/" of output, say) must not shadow this package.
    return subprocess.Popen([sys.executable, "-P", "-c", "from reports.apart import main; main()", *paths],
                            stdin=subprocess.PIPE if not paths else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


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
        global _waiting
        waiting, _waiting = _waiting, None
        if waiting is not None and waiting.poll() is None:
            try:
                waiting.stdin.write(json.dumps([str(self._input), str(path)]).encode() + b"\n")
                waiting.stdin.flush()  # one line is all it reads; ``finish`` closes its input
                self._process = waiting
                return
            except OSError:  # it died meanwhile: start one now
                waiting.kill()
                waiting.wait()
        self._process = _start([str(self._input), str(path)])

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

    if len(sys.argv) > 2:
        source, path = sys.argv[1], Path(sys.argv[2])
    else:  # started ahead: the paths come on standard input, or end-of-file if the report does not want us
        line = sys.stdin.buffer.readline()
        if not line:
            return
        source, target = json.loads(line)
        path = Path(target)
    with open(source, "rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - written by our own parent into its staging folder
    xlsx.write(data, path)
