"""Facts built in a few lines, and a runner for one check."""

from datetime import date

import pytest

from checks.registry import run_checks
from govcrawl.departments import DepartmentRule, DepartmentRules
from govcrawl.facts import SiteFacts
from govcrawl.model import LinkFacts, LinkOutcome, LinkState, PageFacts, Region

H = "http://www.xq.gov.cn"
RULES = DepartmentRules(
    "政府办", [DepartmentRule("司法局", path_prefix="/sfj/"), DepartmentRule("财政局", sources=("兴庆区财政局",))]
)


def page(path: str, *links: LinkFacts, anchors=(), status=200, **kw) -> PageFacts:
    return PageFacts(url=H + path, status=status, content_type="text/html", title=f"页面{path}",
                     links=list(links), anchors=set(anchors), **kw)


def link(path_or_url: str, tag="a", region=Region.BODY, fragment=None, text="链接") -> LinkFacts:
    url = path_or_url if path_or_url.startswith("http") else H + path_or_url
    attr = "src" if tag in ("img", "script", "iframe", "source", "embed") else "href"
    return LinkFacts(url, tag, attr, text, region, fragment)


def outcome(path_or_url: str, state: LinkState, status=None, reason="", internal=None) -> LinkOutcome:
    url = path_or_url if path_or_url.startswith("http") else H + path_or_url
    return LinkOutcome(url, state, status, reason or (f"HTTP {status}" if status else "连接被拒绝"), None,
                       internal if internal is not None else url.startswith(H), "HEAD")


@pytest.fixture
def run_check():
    def run(check, pages, outcomes=(), settings=None, audits=()):
        facts = SiteFacts.build(pages, outcomes, homepage=H + "/", audits=audits)
        settings = {"hosts": ["www.xq.gov.cn"], **(settings or {})}
        return list(run_checks([check], facts, site_id="t", today=date(2023, 11, 1), departments=RULES,
                               settings=settings))

    return run
