"""checks.linkgroups: links that match by URL alone are asked once per URL, and the same groups come out."""

from __future__ import annotations

import pytest

from checks.linkgroups import group_links
from govcrawl.facts import SiteFacts
from govcrawl.model import Region
from tests.checks.conftest import RULES, H, link, page


def _site() -> SiteFacts:
    footer = link("/old/map.html", region=Region.FOOTER)
    pages = [page("/", footer, link("/a.pdf"), link("/b.pdf", tag="img")),
             page("/sfj/1.html", footer, link("/a.pdf"), link("/a.pdf", fragment="p2")),
             page("/zwgk/2.html", footer, link("/c.pdf")),
             page("/sfj/3.html", footer, link("/c.pdf"), link("/b.pdf"))]
    return SiteFacts.build(pages, homepage=H + "/")


def _groups(site: SiteFacts, **how) -> list[tuple]:
    return [(g.target, g.department, g.template, [(p.url, ln.url, ln.tag, ln.fragment) for p, ln in g.places])
            for g in group_links(site, RULES, **how)]


@pytest.mark.parametrize("wanted", [{"/a.pdf", "/old/map.html"}, {"/b.pdf", "/c.pdf"}, {"/a.pdf"}, set()])
@pytest.mark.parametrize("together", [False, True], ids=["loaded", "walking-together"])
def test_matching_by_url_gives_the_groups_matching_by_link_gives(wanted: set[str], together: bool) -> None:
    urls = {H + path for path in wanted}
    by_link, by_url = _site(), _site()
    if together:
        by_url.walk_together()
    expected = _groups(by_link, matches=lambda page, link: link.url in urls)
    assert _groups(by_url, url_matches=urls.__contains__) == expected
    assert bool(expected) == bool(wanted)


def test_each_url_is_asked_once_and_a_site_without_a_match_is_not_walked(monkeypatch) -> None:
    site = _site()
    asked: list[str] = []
    assert _groups(site, url_matches=lambda url: asked.append(url) or False) == []
    assert sorted(asked) == sorted(set(asked)) == sorted(site.link_urls())
    monkeypatch.setattr(SiteFacts, "links", lambda self: pytest.fail("walked the links"))
    assert _groups(site, url_matches=lambda url: False) == []  # the URL set is kept: no walk at all


def test_walking_together_there_is_no_url_set() -> None:
    site = _site()
    site.walk_together()
    assert site.link_urls() is None
    with pytest.raises(TypeError, match="matches or url_matches"):
        list(group_links(site, RULES))
