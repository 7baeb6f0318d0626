"""Shared helpers of the extraction tests: build a PageFacts and run ``extract_html``."""

from __future__ import annotations

from pathlib import Path

from crawler.extract.page import extract_html
from govcrawl.model import PageFacts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real-gov-pages"
PAGE_URL = "http://www.xq.gov.cn/zwgk/tzgg/202310/t20231009_1.html"


def extract(
    body: str | bytes,
    url: str = PAGE_URL,
    content_type: str | None = "text/html; charset=utf-8",
    encoding: str = "utf-8",
) -> PageFacts:
    """Run the extractor on ``body`` as if the spider had fetched it from ``url``."""
    page = PageFacts(url=url, status=200, final_url=url, content_type="text/html")
    data = body.encode(encoding) if isinstance(body, str) else body
    extract_html(page, data, content_type)
    return page


def fixture(name: str, url: str, content_type: str | None = "text/html") -> PageFacts:
    """Extract one of the real portal pages in tests/fixtures/real-gov-pages."""
    return extract((FIXTURES / name).read_bytes(), url=url, content_type=content_type)


def links_by_text(page: PageFacts) -> dict[str, object]:
    """text -> first LinkFacts with that text (for region assertions)."""
    out: dict[str, object] = {}
    for link in page.links:
        out.setdefault(link.text, link)
    return out
