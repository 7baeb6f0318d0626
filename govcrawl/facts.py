"""``SiteFacts``: one run's stored facts, indexed for the checks.

Checks are pure functions over this object. It is built from the store (or,
in tests, from a few ``PageFacts`` written by hand) and never fetches anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from govcrawl.mallocarenas import limit_malloc_arenas
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
        """True when the checks run side by side over these pages (``walk_together``)."""
        return isinstance(self.pages, _PacedPages)

    def walk_together(self, window: int = 64) -> None:
        """Keep every thread that walks these pages within ``window`` pages of the slowest one.

        For pages whose bulk stays in the store until read (a streamed load): when the checks
        run side by side (``checks.run_checks`` runs them in threads then), a page is decoded
        once for all of them instead of once per check. Only the pace changes, never what a
        check sees, so findings are the same as one check after another.
        """
        if not self.walks_together:
            self.pages = _PacedPages(self.pages, _Pacer(window))

    def together[T](self, jobs: list[Callable[[], T]]) -> list[T]:
        """The jobs' results in job order: run side by side in threads when the pages walk together
        (each then reads a page while the others do), else one after another. The first job's
        error, if any, is raised here once all have ended."""
        if not self.walks_together:
            return [job() for job in jobs]
        limit_malloc_arenas()  # threads that allocate and free alike share arenas (govcrawl.mallocarenas)
        results: list = [None] * len(jobs)
        errors: list[BaseException | None] = [None] * len(jobs)

        def run(n: int) -> None:
            try:
                results[n] = jobs[n]()
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread below
                errors[n] = exc

        threads = [threading.Thread(target=run, args=(n,), name=f"facts-job-{n}", daemon=True)
                   for n in range(len(jobs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for error in errors:
            if error is not None:
                raise error
        return results

    def page(self, url: str) -> PageFacts | None:
        return self._by_url.get(url)

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


class _Pacer:
    """Holds back threads that walk a sequence ahead of the others, so that they read the same items together.

    Each thread's innermost open walk counts (a walk a thread has paused to run another is not
    waited for, or two threads could wait on each other). A walk more than ``window`` items ahead
    of the slowest other one waits until that one is within half a window. A walk that has not
    moved for ``STALL`` seconds (a check busy with something else, a walk left open) is not
    waited for, so the pace can slow a check down but never stop it.
    """

    STALL = 2.0  # seconds without a step after which a walk is not waited for
    STEP = 8  # items between two looks at the others (a lock and a wait each)

    def __init__(self, window: int) -> None:
        self.window = window
        self._cond = threading.Condition()
        self._walks: dict[int, list[list]] = {}  # thread id -> its open walks, innermost last: [position, moved at]

    def walk(self, items: Iterable) -> Iterator:
        me = threading.get_ident()
        walk = [0, time.monotonic()]
        with self._cond:
            self._walks.setdefault(me, []).append(walk)
        try:
            for n, item in enumerate(items):
                if n % self.STEP == 0 and n:
                    self._step(me, walk, n)
                yield item
        finally:
            with self._cond:
                mine = self._walks[me]
                del mine[next(n for n, other in enumerate(mine) if other is walk)]  # this walk, not an equal one
                if not mine:
                    del self._walks[me]
                self._cond.notify_all()

    def _slowest(self, me: int, now: float) -> int | None:
        """The position of the slowest other thread's walk that is moving, or None."""
        moving = [walks[-1][0] for ident, walks in self._walks.items()
                  if ident != me and now - walks[-1][1] < self.STALL]
        return min(moving) if moving else None

    def _step(self, me: int, walk: list, position: int) -> None:
        with self._cond:
            now = time.monotonic()
            slowest_before = self._slowest(me, now)
            if slowest_before is None or walk[0] <= slowest_before:
                self._cond.notify_all()  # this walk was the slowest: others may be waiting for it
            walk[0], walk[1] = position, now
            limit = self.window
            while True:
                slowest = self._slowest(me, time.monotonic())
                if slowest is None or position <= slowest + limit:
                    return
                self._cond.wait(self.STALL)
                walk[1] = time.monotonic()  # waiting is not stalling
                limit = self.window // 2


class _PacedPages(list):
    """A site's pages whose iteration goes through a ``_Pacer`` (see ``SiteFacts.walk_together``)."""

    def __init__(self, pages: Iterable[PageFacts], pacer: _Pacer) -> None:
        super().__init__(pages)
        self.pacer = pacer

    def __iter__(self) -> Iterator[PageFacts]:
        return self.pacer.walk(super().__iter__())
