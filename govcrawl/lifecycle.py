"""Finding lifecycle: what is new tonight, still open, fixed or back, compared with last night.

Webmasters work from "what changed since last night"; the stable finding id
(contract §3) makes that a set comparison. Rules:

* ``new``: not in the previous completed run and never seen before;
  ``reopened``: not in the previous run but seen in an earlier one (it came back);
  ``open``: in the previous run and still there (``first_seen`` kept).
* ``fixed``: in the previous run, gone tonight, **and its page was re-checked**
  (crawled tonight with a readable answer). A finding whose page the crawl could
  not reach tonight is not fixed: it is carried over as ``open`` with
  ``rechecked = False``, and the report says its page was not re-checked.
* Only completed runs count as "previous": an interrupted crawl saw part of the
  site and would mark everything it missed as fixed.

Dates are the runs' evaluation dates (``RunInfo.today``, the night's date), so a
run reproduced with ``--today`` gets the same lifecycle. Pure but for one thing: ``apply``
empties the list of tonight's findings it is given (memory, see there). The CLI loads the
runs and findings from the store and stores what this returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from govcrawl.model import Finding

NEW, OPEN, REOPENED, FIXED = "new", "open", "reopened", "fixed"


@dataclass
class Lifecycle:
    """Tonight's findings with their status, and the ones fixed since the previous run."""

    findings: list[Finding]
    fixed: list[Finding] = field(default_factory=list)
    previous_run: str | None = None


def apply(
    tonight: list[Finding],
    night: date,
    previous: Iterable[Finding] | None,
    rechecked_urls: set[str],
    earlier_first_seen: dict[str, str] | None = None,
    previous_run: str | None = None,
) -> Lifecycle:
    """Annotate tonight's findings and list the fixed ones.

    ``previous``: the previous completed run's findings (with their lifecycle), or
    None on a site's first run. ``rechecked_urls``: pages read tonight (2xx).
    ``earlier_first_seen``: first night of ids seen in runs before the previous one
    (for ``reopened``).

    Memory decides the shape, because a large portal has ~110,000 findings a night.
    ``previous`` is read once, as it comes (``Store.iter_findings`` reads it row by row):
    of a finding still there tonight only its first night is kept, and only the fixed
    and the carried-over ones are kept whole; holding the previous night's findings
    whole beside tonight's was 93 MiB at 100,000 pages. ``tonight`` is emptied as it is
    annotated (``drain``), each finding freed as its successor is made.
    """
    today = night.isoformat()
    ids = {finding.id for finding in tonight}
    first_seen: dict[str, str] = {}  # tonight's ids the previous run had: the night each was first seen
    fixed: list[Finding] = []
    carried: list[Finding] = []
    for finding in previous or ():
        if finding.id in ids:
            first_seen[finding.id] = finding.first_seen or today
        elif finding.url in rechecked_urls:
            fixed.append(replace(finding, status=FIXED, last_seen=finding.last_seen))
        else:
            carried.append(replace(finding, status=OPEN, first_seen=finding.first_seen or today, rechecked=False))
    del ids
    earlier = earlier_first_seen or {}
    out: list[Finding] = []
    for finding in drain(tonight):
        first = first_seen.get(finding.id)
        if first is not None:
            out.append(replace(finding, status=OPEN, first_seen=first, last_seen=today))
        elif finding.id in earlier:
            out.append(replace(finding, status=REOPENED, first_seen=earlier[finding.id], last_seen=today))
        else:
            out.append(replace(finding, status=NEW, first_seen=today, last_seen=today))
    out += carried
    return Lifecycle(out, fixed, previous_run)


def drain[T](items: list[T]) -> Iterator[T]:
    """The items of ``items`` in order, each dropped from the list as it is given.

    The lifecycle and the waivers each make a new finding from every finding (they
    set its status, its waiver), and the check phase held the old lists with the
    new one at its peak. Drained, each old finding is freed as its successor is
    made: with the waivers no longer copying what they leave alone, the check
    phase of a stored 100,000-page run (110,000 findings) peaked at 507 MiB, not 532.
    """
    items.reverse()
    while items:
        yield items.pop()


def days_open(finding: Finding, night: date) -> int | None:
    """Nights since a finding was first seen (0 on its first night)."""
    if not finding.first_seen:
        return None
    return (night - date.fromisoformat(finding.first_seen)).days
