"""``SiteFacts``: one run's stored facts, indexed for the checks.

Checks are pure functions over this object. It is built from the store (or,
in tests, from a few ``PageFacts`` written by hand) and never fetches anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from greenlet import getcurrent, greenlet

from govcrawl.model import LinkFacts, LinkOutcome, LinkState, PageAudit, PageFacts, ProbeResult
from govcrawl.outcomes import Outcomes


@dataclass
class SiteFacts:
    pages: list[PageFacts]
    outcomes: Outcomes = field(default_factory=Outcomes)  # a dict (tests) becomes one in __post_init__
    homepage: str | None = None
    audits: dict[str, PageAudit] = field(default_factory=dict)  # browser pass, by page URL
    # The previous completed run's pages as the history checks (backdated-post) read them: URLs, status,
    # dates and list items only (Store.history_pages; no links, text or meta); None on a first run.
    previous: SiteFacts | None = None
    # Availability probes (govcrawl probe) of the days before the run, homepage and key pages
    # (site-unavailable); empty when the site is not probed.
    probes: list[ProbeResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.outcomes, Outcomes):
            self.outcomes = Outcomes(self.outcomes.values())
        self._by_url: dict[str, PageFacts] = {}
        for page in self.pages:
            self._by_url.setdefault(page.url, page)
        # A redirected page is also known by where it ended, so fragments and
        # titles resolve for links that name the final URL directly.
        for page in self.pages:
            if page.final_url and page.final_url != page.url:
                self._by_url.setdefault(page.final_url, page)
        if self.homepage is None and self.pages:
            self.homepage = self.pages[0].url
        self._link_urls: frozenset[str] | None = None

    @classmethod
    def build(
        cls,
        pages: Iterable[PageFacts],
        outcomes: Outcomes | Iterable[LinkOutcome] = (),
        homepage: str | None = None,
        audits: Iterable[PageAudit] = (),
    ) -> SiteFacts:
        answers = outcomes if isinstance(outcomes, Outcomes) else Outcomes(outcomes)
        return cls(list(pages), answers, homepage, {a.url: a for a in audits})

    @property
    def walks_together(self) -> bool:
        """True when the jobs of ``together`` take turns walking these pages (``walk_together``)."""
        return isinstance(self.pages, _PacedPages)

    def walk_together(self) -> None:
        """Make the jobs of ``together`` take turns walking these pages, a few pages each (``_take_turns``).

        For pages whose bulk stays in the store until read (a streamed load): the checks
        (``checks.run_checks``) then read each page while it is decoded, once for all of them,
        instead of once per check. Only the order in which the checks' steps interleave
        changes, never what a check sees, so findings are the same as one check after another.
        """
        if not self.walks_together:
            self.pages = _PacedPages(self.pages)

    def together[T](self, jobs: list[Callable[[], T]]) -> list[T]:
        """The jobs' results in job order: taking turns on this thread when the pages walk together
        (``_take_turns``), else one after another. A job's error is raised here once the other jobs have
        ended; an interrupt (``KeyboardInterrupt``, ``SystemExit``) at once."""
        if not self.walks_together:
            return [job() for job in jobs]
        return _take_turns(jobs)

    def page(self, url: str) -> PageFacts | None:
        return self._by_url.get(url)

    def read_page(self, url: str) -> PageFacts | None:
        """The page's facts when it was read as HTML (2xx); None when it failed or is no page.

        A page that answered 404 or never answered is still stored (its failure is a fact),
        but nothing can be judged *on* it.
        """
        page = self.page(url)
        if page is None or not page.is_html or page.status is None or not 200 <= page.status < 300:
            return None
        return page

    def read_homepage(self) -> PageFacts | None:
        """The homepage, when it was read as HTML: a check asking what the homepage shows asks this."""
        return self.read_page(self.homepage) if self.homepage else None

    def outcome(self, url: str) -> LinkOutcome | None:
        return self.outcomes.get(url)

    def link_state(self, url: str) -> LinkState | None:
        """``outcome(url).state`` without making the outcome (see ``Outcomes``): per-link predicates use it."""
        return self.outcomes.state(url)

    def html_pages(self) -> Iterator[PageFacts]:
        """Pages that were read as HTML (the ones with links and text)."""
        for page in self.pages:
            if page.is_html and page.status is not None and 200 <= page.status < 300:
                yield page

    def links(self) -> Iterator[tuple[PageFacts, LinkFacts]]:
        for page in self.html_pages():
            for link in page.links:
                yield page, link

    def link_urls(self) -> frozenset[str] | None:
        """Every URL the HTML pages link to, once (5,000 pages: ~24,000 of 424,000 links).

        None when the pages walk together: there a page's links are decoded while the checks take
        their turns on it, and collecting them beforehand would decode every page once more.
        """
        if self.walks_together:
            return None
        if self._link_urls is None:
            self._link_urls = frozenset(link.url for _, link in self.links())
        return self._link_urls


TURN_PAGES = 16  # pages a job walks in one turn (_take_turns)


def _take_turns(jobs: list[Callable]) -> list:
    """The jobs' results in job order, the jobs taking turns on this thread: each walks ``TURN_PAGES``
    pages of a ``walk_together`` site, then the next one does.

    Why not threads: the ~30 checks of a streamed phase ran side by side in threads, kept within 64
    pages of each other, each waiting for whichever was decoding the page it needed. At 20,000 pages
    that was 330,000 waits, 1.4 million context switches and 10 s of system time, and the checks' own
    work ran among 30 threads contending for the GIL: the phase took 2.3 times the CPU of one
    with the pages held in memory (40 against 18 s). As greenlets on one thread the jobs switch only
    where a walk says so, between two pages: all of them read a page within one round of turns, while
    it is still decoded (``Store.pages(stream=True)`` keeps the last pages decoded); nothing is locked
    and nobody waits. A job that is not walking runs until it walks again or ends. The jobs of a
    ``together`` inside a job take turns among themselves.
    """
    results: list = [None] * len(jobs)
    errors: list[Exception | None] = [None] * len(jobs)

    def job(n: int) -> None:
        try:
            results[n] = jobs[n]()
        except Exception as exc:  # noqa: BLE001 - raised below once the other jobs have ended
            errors[n] = exc

    here = getcurrent()
    waiting = [_Turn(partial(job, n), parent=here) for n in range(len(jobs))]
    while waiting:
        for turn in waiting:
            turn.switch()  # until its walk's next turn ends, or the job does (an interrupt is raised here)
        waiting = [turn for turn in waiting if not turn.dead]
    for error in errors:
        if error is not None:
            raise error
    return results


class _Turn(greenlet):
    """A job of ``_take_turns``: its walks over the pages hand the thread back every ``TURN_PAGES`` pages."""


class _PacedPages(list):
    """A site's pages whose walks take turns with the other jobs' (``SiteFacts.walk_together``)."""

    def __iter__(self) -> Iterator[PageFacts]:
        step = TURN_PAGES
        for n, page in enumerate(super().__iter__()):
            if n and n % step == 0:
                turn = getcurrent()  # whoever walks now: an open walk may be resumed by another job
                if isinstance(turn, _Turn):
                    turn.parent.switch()
            yield page
