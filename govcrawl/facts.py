"""``SiteFacts``: one run's stored facts, indexed for the checks.

Checks are pure functions over this object. It is built from the store (or,
in tests, from a few ``PageFacts`` written by hand) and never fetches anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from govcrawl.model import LinkFacts, LinkOutcome, PageAudit, PageFacts, ProbeResult


@dataclass
class SiteFacts:
    pages: list[PageFacts]
    outcomes: dict[str, LinkOutcome] = field(default_factory=dict)
    homepage: str | None = None
    audits: dict[str, PageAudit] = field(default_factory=dict)  # browser pass, by page URL
    # The previous completed run's pages as the history checks (backdated-post) read them: URLs, status,
    # dates and list items only (Store.history_pages; no links, text or meta); None on a first run.
    previous: SiteFacts | None = None
    # Availability probes (govcrawl probe) of the days before the run, homepage and key pages
    # (site-unavailable); empty when the site is not probed.
    probes: list[ProbeResult] = field(default_factory=list)

    def __post_init__(self) -> None:
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
        outcomes: Iterable[LinkOutcome] = (),
        homepage: str | None = None,
        audits: Iterable[PageAudit] = (),
    ) -> SiteFacts:
        return cls(list(pages), {o.url: o for o in outcomes}, homepage, {a.url: a for a in audits})

    def page(self, url: str) -> PageFacts | None:
        return self._by_url.get(url)

    def outcome(self, url: str) -> LinkOutcome | None:
        return self.outcomes.get(url)

    def html_pages(self) -> Iterator[PageFacts]:
        """Pages that were read as HTML (the ones with links and text)."""
        for page in self.pages:
            if page.is_html and page.status is not None and 200 <= page.status < 300:
                yield page

    def links(self) -> Iterator[tuple[PageFacts, LinkFacts]]:
        for page in self.html_pages():
            for link in page.links:
                yield page, link
