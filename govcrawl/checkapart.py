"""Two of the checks run by a helper process on the machine's other core, while this one runs the rest.

Why: after the crawl one process loads the run's facts and runs every check while the other core
waits: about 3 s at 5,000 pages, the run's longest stretch on one core. ``wording`` and
``missing-metadata`` are a third of the checks' time there (0.62 and 0.37 s of 1.9: each reads
every page's text). The helper opens the store itself, reads the pages streamed (their bulk stays
in the store until read, so it holds little: ``Store.pages(stream=True)``), runs those two and
sends their findings back, pickled, on its standard output. Checks are pure functions over the
stored facts, so the findings are the ones this process would have made.

The helper is started first thing in the check phase, so that its imports and reading overlap
this process's loading of the facts. Once it has answered it becomes the workbook's helper
(``reports.apart``) by ``exec``: the same process, its memory given back, waiting on the same
standard input for the workbook's paths. One helper process at a time, then, beside this one.

Only where it pays and costs no memory that matters: a SQLite store (a PostgreSQL one is a
fleet's, checked on whichever machine drains the crawl), two cores or more, and runs of
``SMALLEST`` to ``LARGEST`` pages. Below, its start (~0.3 s, mostly imports) costs more than the
two checks take; above, the findings it sends (one per page of a template that lacks a meta tag)
would be held twice at the peak of a large run's memory. If the helper fails in any way, the two
checks run here as they always did.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcrawl.departments import DepartmentRules
    from govcrawl.facts import SiteFacts

APART = ("wording", "missing-metadata")
SMALLEST = 2_000
LARGEST = 25_000
TIMEOUT = 1800.0  # seconds; 5,000 pages take about 1.5


@dataclass(frozen=True)
class Job:
    """What the helper needs to run its checks as ``govcrawl.cli.check_run`` would."""

    store_path: str
    run_id: str
    checks: tuple[str, ...]
    site_id: str
    today: date
    departments: DepartmentRules
    settings: dict
    homepage: str | None


def wanted(pages: int, store_postgres: bool) -> bool:
    """Whether a run of ``pages`` pages in this store gets its checks split with a helper."""
    return not store_postgres and (os.cpu_count() or 1) > 1 and SMALLEST <= pages <= LARGEST


class ChecksApart:
    """The helper process running ``Job.checks``; ``findings`` waits for what it found."""

    def __init__(self, job: Job) -> None:
        self.job = job
        # -P: the current folder must not shadow our packages (as for every helper).
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", "from govcrawl.checkapart import main; main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.error: str | None = None
        try:
            self.process.stdin.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            self.process.stdin.flush()
        except OSError as exc:
            self.error = f"could not start: {exc}"

    def findings(self, timeout: float = TIMEOUT) -> dict[str, list] | None:
        """Each check's findings, sorted as ``checks.check_jobs`` sorts them; None when the helper failed
        (``error`` says why): the caller then runs those checks itself."""
        if self.error is not None:
            self.abandon()
            return None
        try:
            answer = _read_answer(self.process, timeout)
        except (OSError, pickle.UnpicklingError, TimeoutError) as exc:
            self.error = f"{exc.__class__.__name__}: {exc}"
            self.abandon()
            return None
        if answer is None or not answer[0]:
            self.error = answer[1] if answer is not None else self._last_words()
            self.abandon()
            return None
        return answer[1]

    def _last_words(self) -> str:
        """Why the helper ended without answering: its exit status and the end of what it wrote on stderr."""
        try:
            code = self.process.wait(timeout=10)
            words = self.process.stderr.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        except (OSError, subprocess.TimeoutExpired):
            code, words = None, []
        return f"ended without answering (exit {code})" + (": " + " | ".join(words) if words else "")

    def abandon(self) -> None:
        """Stop the helper (it failed, or the check phase did); nothing it did is kept."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _read_answer(process: subprocess.Popen, timeout: float) -> tuple | None:
    """The helper's pickled answer on its standard output; None if it ended without one."""
    import select

    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        raise TimeoutError(f"no answer in {timeout:.0f} s")
    try:
        return pickle.load(process.stdout)  # noqa: S301 - our own child, started by us, on a pipe
    except EOFError:  # it ended (killed, crashed) before answering
        return None


def run_job(job: Job) -> dict[str, list]:
    """The job's checks over the run's stored pages, read streamed; each check's findings, sorted."""
    from govcrawl.facts import SiteFacts
    from govcrawl.store import Store

    with Store(job.store_path, create=False) as store:
        facts = SiteFacts.build(store.pages(job.run_id, stream=True), homepage=job.homepage)
        facts.walk_together()
        found = run_on(facts, job)
        # Gone before the store closes: closing it reads every page still held into memory (Store.close).
        del facts
    return found


def run_on(facts: SiteFacts, job: Job) -> dict[str, list]:
    """The job's checks over ``facts`` (the helper's, or this process's when the helper failed), by check id."""
    from checks import ALL_CHECKS, check_jobs

    checks = [check for check in ALL_CHECKS if check.id in job.checks]
    jobs = check_jobs(checks, facts, site_id=job.site_id, today=job.today, departments=job.departments,
                      settings=job.settings)
    return dict(zip((check.id for check in checks), facts.together(jobs), strict=True))


def main() -> None:
    """The helper: read the job, answer with its findings (or the error), then become the workbook's helper."""
    try:
        job = pickle.load(sys.stdin.buffer)  # noqa: S301 - written by our own parent
    except EOFError:  # the check phase ended before it needed us
        return
    try:
        answer: tuple = (True, run_job(job))
    except Exception as exc:  # noqa: BLE001 - the parent runs the checks itself and says why
        answer = (False, f"{exc.__class__.__name__}: {exc}")
    out = sys.stdout.buffer
    pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    # The workbook's helper now, in this same process with its memory given back (reports.apart.adopt):
    # its paths come on the same standard input, or end-of-file if the report does not want it.
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-P", "-c", "from reports.apart import main; main()"])
