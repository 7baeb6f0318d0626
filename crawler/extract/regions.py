"""Which part of the page template an element belongs to, from its tag, id and class.

Why it matters: links in the header, navigation and footer are the site template,
owned by the site ``owner``; links in the body belong to whoever published the page.
A wrong region sends a broken link to the wrong department.

The heuristic, tuned on real portals (TRS WCM, Hanweb/大汉, www.gov.cn, 邯郸):

1. ``id`` and each ``class`` name are split into whole tokens (on ``-``, ``_``,
   digits, spaces and camelCase): ``header_szf`` -> header, szf; ``sideMenu`` ->
   side, menu. Substrings never count, so ``heading`` or ``topic`` are not ``head``
   or ``top``.
2. *Strong* template tokens (header, nav, navbar, menu, daohang, dhlm, footer,
   copyright, bqxx, ...) and the tags ``<header>``, ``<nav>``, ``<footer>`` mark a
   region wherever they appear outside the article text.
3. *Weak* tokens (top, head, banner, logo, bottom, foot, dh, ...) mark a region only
   when the same name has no content word (``news-top``, ``list-head``, ``con-top``
   stay body) and the element is not inside a content container (``content``,
   ``main``, ``detail``, ``<main>``): the 信息公开 box of a TRS page is
   ``div.container.content > div.top``.
4. Article containers (``TRS_Editor``, ``UCAP-CONTENT``, ``zoom``,
   ``Custom_UnionStyle``, ``article-content``, ``<article>``) make everything inside
   them body, whatever their children are called.
5. The innermost mark wins: a navigation bar inside the footer is NAV, both template.
   Breadcrumb containers (position, location, crumb, dqwz, ...) are NAV too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from govcrawl.model import Region

__all__ = ["ARTICLE", "CONTENT", "Marker", "apply_marker", "classify", "split_tokens"]

CONTENT = 1  # content container: weak template tokens stop counting below it
ARTICLE = 2  # article text: nothing below it is template

# Tokens that mark a template region wherever they appear (outside article text).
_STRONG_TOKENS = {
    Region.HEADER: "header masthead topbar toubu sitehead siteheader pagehead pageheader",
    Region.NAV: "nav navs navbar navi navigation mainnav subnav topnav sidenav leftnav menu menus mainmenu "
    "submenu daohang dhlm lanmudh",
    Region.FOOTER: "footer copyright bqxx banquan dibu sitefoot sitefooter pagefoot pagefooter",
}
# Tokens that mark a region only outside content containers and without a content word.
_WEAK_TOKENS = {
    Region.HEADER: "top head hd banner logo tou",
    Region.NAV: "dh",
    Region.FOOTER: "bottom btm foot ft bq",
}
_STRONG = {token: region for region, tokens in _STRONG_TOKENS.items() for token in tokens.split()}
_WEAK = {token: region for region, tokens in _WEAK_TOKENS.items() for token in tokens.split()}

# Words that make a weak token describe part of the content, not the template.
_NEGATORS = frozenset(
    "news list lists item items title tit article text txt pic img date time info detail details more "
    "tab tabs hot new rank scroll con cont content main zw nr li ul wz zx xw tz gg".split()
)
_CONTENT_TOKENS = frozenset(
    "content contents main detail details con cont zw nr zhengwen neirong wznr".split()
)
_ARTICLE_NAMES = frozenset(
    "trs_editor trs_ueditor ucap-content ucapcontent zoom fontzoom custom_unionstyle article-content "
    "article_content articlecontent article-body article_body articlebody art_con artcon "
    "content_text article_con wzcon".split()
)
_CRUMB_TOKENS = frozenset(
    "position location crumb crumbs breadcrumb breadcrumbs bread dqwz weizhi dangqianweizhi curpos "
    "currentposition lujing dqlm".split()
)
_PAGER_TOKENS = frozenset(
    "page pages pager pagination paging fenye pagebar pagenav turnpage pagelist pg".split()
)

_TAG_REGION = {"header": Region.HEADER, "nav": Region.NAV, "footer": Region.FOOTER}

_CAMEL = re.compile(r"([a-z])([A-Z])")
_SPLIT = re.compile(r"[^a-z]+")


@dataclass(frozen=True, slots=True)
class Marker:
    """What one element's id/class say; ``None`` fields say nothing."""

    strong: Region | None = None
    weak: Region | None = None
    content: int = 0  # 0, CONTENT or ARTICLE
    crumb: bool = False
    pager: bool = False


NO_MARKER = Marker()


def split_tokens(name: str) -> list[str]:
    """``header_szf`` -> [header, szf]; ``sideMenu`` -> [side, menu]; ``top1`` -> [top]."""
    return [t for t in _SPLIT.split(_CAMEL.sub(r"\1 \2", name).lower()) if t]


def _name_marker(name: str) -> Marker:
    lowered = name.lower()
    if lowered in _ARTICLE_NAMES:
        return Marker(content=ARTICLE)
    tokens = split_tokens(name)
    if not tokens:
        return NO_MARKER
    strong = weak = None
    content = 0
    crumb = pager = False
    negated = False
    for token in tokens:
        if strong is None and token in _STRONG:
            strong = _STRONG[token]
        elif weak is None and token in _WEAK:
            weak = _WEAK[token]
        if token in _NEGATORS:
            negated = True
        if token in _CONTENT_TOKENS:
            content = CONTENT
        if token in _CRUMB_TOKENS:
            crumb = True
        if token in _PAGER_TOKENS:
            pager = True
    if "article" in tokens and content:
        return Marker(content=ARTICLE)
    if negated:
        weak = None
    if crumb and strong is None:
        strong = Region.NAV
    return Marker(strong, weak, content, crumb, pager)


def _merge(first: Marker, second: Marker) -> Marker:
    if first.content == ARTICLE or second.content == ARTICLE:
        return Marker(content=ARTICLE, pager=first.pager or second.pager)
    return Marker(
        first.strong or second.strong,
        first.weak or second.weak,
        max(first.content, second.content),
        first.crumb or second.crumb,
        first.pager or second.pager,
    )


@lru_cache(maxsize=8192)
def classify(tag: str, element_id: str | None, class_attr: str | None) -> Marker:
    """The marker of one element (cached: templates repeat the same names on every page)."""
    marker = NO_MARKER
    if tag in _TAG_REGION:
        marker = Marker(strong=_TAG_REGION[tag])
    elif tag == "article":
        marker = Marker(content=ARTICLE)
    elif tag == "main":
        marker = Marker(content=CONTENT)
    names = []
    if element_id:
        names.append(element_id)
    if class_attr:
        names.extend(class_attr.split())
    for name in names:
        found = _name_marker(name)
        if found is not NO_MARKER:
            marker = _merge(marker, found)
    return marker


def apply_marker(marker: Marker, region: Region, level: int) -> tuple[Region, int]:
    """The template region and content level below an element with ``marker``.

    The one rule every walker shares (the extraction's scan, the static
    accessibility pass, the browser pass): article text resets to the body for
    good; a strong token sets the region; a weak token sets it only outside
    content containers; a content container stops weak tokens below it.
    """
    if marker.content == ARTICLE:
        return Region.BODY, ARTICLE
    if marker.strong is not None:
        region = marker.strong
    elif marker.weak is not None and level == 0:
        region = marker.weak
    if marker.content == CONTENT:
        level = CONTENT
    return region, level
