"""Grouping of link problems by responsible department (contract §4, ``broken-link``).

A link in the shared header, footer or navigation is the site owner's to fix
once, not every department's on every page; a link in an article is the
department's that published it. Where the markup hides the template (no
header/footer/nav markers), a target linked from at least half of all HTML
pages (and from at least ``TEMPLATE_MIN_PAGES``) is treated as template too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from govcrawl.facts import SiteFacts
from govcrawl.model import LinkFacts, PageFacts

TEMPLATE_SHARE = 0.5
TEMPLATE_MIN_PAGES = 10


@dataclass
class LinkGroup:
    """All places one problem target appears for one department."""

    target: str
    department: str
    template: bool
    places: list[tuple[PageFacts, LinkFacts]] = field(default_factory=list)

    @property
    def pages(self) -> list[str]:
        return sorted({page.url for page, _ in self.places})

    def first_page(self, homepage: str | None) -> str:
        """A deterministic linking page: the homepage when it is one, else the first URL."""
        pages = self.pages
        return homepage if homepage in pages else pages[0]

    @property
    def link(self) -> LinkFacts:
        """A representative link for the evidence: the first on the page with the smallest URL.

        Not the first in crawl order: pages are stored by the page worker and by the crawl process
        in batches of their own (``crawler.pageworker.PageWorkers.extract``), so the order they come
        back in may differ between two runs of the same site, and the evidence must not."""
        return min(enumerate(self.places), key=lambda place: (place[1][0].url, place[0]))[1][1]


def group_links(
    site: SiteFacts,
    departments,
    matches: Callable[[PageFacts, LinkFacts], bool] | None = None,
    key: Callable[[LinkFacts], str] = lambda link: link.url,
    *,
    url_matches: Callable[[str], bool] | None = None,
) -> Iterator[LinkGroup]:
    """Group the (page, link) pairs that ``matches`` by (target, department).

    ``url_matches`` instead of ``matches``, for a check whose links match by their URL alone: each
    distinct URL is asked once (``SiteFacts.link_urls``), and a site none of whose URLs match is not
    walked at all. Seven link checks walked the 424,000 links of the 5,000-page bench portal one after
    another, most of them to find nothing (bench/RESULTS.md).

    A linking page's department is read during the walk over the links, not after it: it may
    come from the page's meta tags or 信息公开 header, which a streamed load decodes once while
    the checks walk that page together (``SiteFacts.walk_together``). Read afterwards, the
    pages of the hits were decoded a second time (9,289 of 20,007 at 20,000 pages).
    """
    if url_matches is not None:
        urls = site.link_urls()
        if urls is None:  # the pages walk together: ask each link as the walk reaches it
            def matches(page: PageFacts, link: LinkFacts) -> bool:
                return url_matches(link.url)
        else:
            wanted = {url for url in urls if url_matches(url)}
            if not wanted:
                return

            def matches(page: PageFacts, link: LinkFacts) -> bool:
                return link.url in wanted
    if matches is None:
        raise TypeError("group_links needs matches or url_matches")
    hits: list[tuple[PageFacts, LinkFacts, str]] = []
    page_of, department_of = None, ""
    for page, link in site.links():
        if matches(page, link):
            if page is not page_of:
                page_of, department_of = page, departments.for_page(page.url, page)
            hits.append((page, link, department_of))
    if not hits:
        return
    html_pages = sum(1 for _ in site.html_pages())
    # On how many distinct pages each target appears.
    spread = Counter(target for _, target in {(page.url, key(link)) for page, link, _ in hits})
    threshold = max(TEMPLATE_MIN_PAGES, html_pages * TEMPLATE_SHARE)
    groups: dict[tuple[str, str], LinkGroup] = {}
    for page, link, page_department in hits:
        target = key(link)
        template = link.region.is_template or spread[target] >= threshold
        department = departments.owner if template else page_department
        group = groups.get((target, department))
        if group is None:
            group = groups[(target, department)] = LinkGroup(target, department, template)
        group.template = group.template or template
        group.places.append((page, link))
    yield from groups.values()


def link_evidence(group: LinkGroup, **extra) -> dict:
    link = group.link
    evidence = {
        "link_text": link.text,
        "tag": link.tag,
        "in_template": group.template,
        "linking_pages": len(group.pages),
    }
    evidence.update({k: v for k, v in extra.items() if v is not None})
    return evidence
