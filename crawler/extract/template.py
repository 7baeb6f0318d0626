"""Template fingerprint: a short hash of the page's DOM skeleton, without text.

Why: a portal of 100k pages is made from a few dozen CMS templates (TRS WCM, Hanweb
JCMS, a GBK sub-site, an old table layout). Defects of the template (an unlabelled
search box, an image without ``alt`` in the header) repeat on every page made from it,
and the browser pass can audit one page per template instead of every page. Two
articles of the same template must therefore get the same value, whatever their text;
a list page, an article page and another template must get different values.

The skeleton, walked from ``<body>`` (``<head>`` scripts and metas vary per page):

- only structural containers count (div, section, header, nav, footer, main, aside,
  article, table and its rows and cells, ul/ol/li, dl, form, iframe, h1–h6 …), each as
  ``tag#id.class.class`` with classes sorted, stateful classes (``on``, ``active``,
  ``cur`` …) dropped and digits removed from names (``art_2101``, ``list-3``,
  ``nav_1``, ``content_4432`` are page or position numbers, not template);
- text-level elements (p, span, a, img, font, b, br …) are not walked into: they carry
  the page's content, and their number is what varies between articles;
- the inside of the article text (``TRS_Editor``, ``UCAP-CONTENT``, ``zoom``,
  ``<article>``: ``regions.classify`` says ARTICLE) is not walked: one article has
  three paragraphs and a table, the next forty paragraphs;
- repeated siblings collapse: children are kept once each, in first-seen order, so
  a list of 20 rows and one of 15 rows, or a menu of 8 and of 9 items, are the same;
- depth is bounded (``MAX_DEPTH`` structural levels) and so is the work
  (``MAX_ELEMENTS`` elements), so a hostile page costs no more than a normal one.

Known limit: a block a template writes only when it has content (an attachments box
``<div class="fj">`` outside the article text) splits one template into two values.
That costs one extra browser audit, never a missed template.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extract.digests import blake2b
from crawler.extract.regions import ARTICLE, classify

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "skeleton", "template_fingerprint"]

MAX_DEPTH = 14
MAX_ELEMENTS = 4000

_STRUCTURAL = frozenset(
    "div section header nav footer main aside article table thead tbody tfoot tr td th ul ol li dl dt dd "
    "form iframe frame frameset h1 h2 h3 h4 h5 h6 center".split()
)
_LEAF = frozenset({"iframe", "frame", "h1", "h2", "h3", "h4", "h5", "h6"})
_STATE = frozenset("on active cur current hover selected select show hide open focus clearfix".split())
_DIGITS = re.compile(r"\d+")


def _name(name: str) -> str:
    return _DIGITS.sub("", name)


_TOKENS: dict[tuple, str] = {}


def _token(el, tag: str) -> str:
    eid = el.get("id")
    cls = el.get("class")
    key = (tag, eid, cls)
    token = _TOKENS.get(key)
    if token is None:
        token = _TOKENS[key] = _make_token(tag, eid, cls)
        if len(_TOKENS) > 50_000:
            _TOKENS.clear()
    return token


def _make_token(tag: str, eid: str | None, cls: str | None) -> str:
    token = tag
    if eid:
        eid = _name(eid.strip())
        if eid:
            token += "#" + eid
    if cls:
        names = sorted({_name(c) for c in cls.split() if c.lower() not in _STATE} - {""})
        if names:
            token += "." + ".".join(names)
    return token


class _Walk:
    __slots__ = ("budget",)

    def __init__(self) -> None:
        self.budget = MAX_ELEMENTS

    def children(self, el, depth: int) -> str:
        if depth >= MAX_DEPTH:
            return ""
        seen: dict[str, None] = {}
        for child in el:
            tag = child.tag
            if tag not in _STRUCTURAL:  # also comments (tag is a function) and text-level tags
                continue
            self.budget -= 1
            if self.budget < 0:
                break
            seen.setdefault(self.signature(child, tag, depth + 1), None)
        return ",".join(seen)

    def signature(self, el, tag: str, depth: int) -> str:
        token = _token(el, tag)
        if tag in _LEAF:
            return token
        if tag == "article" or el.get("class") is not None or el.get("id") is not None:
            if classify(tag, el.get("id"), el.get("class")).content == ARTICLE:
                return token + "{article}"
        inner = self.children(el, depth)
        return f"{token}({inner})" if inner else token


def skeleton(root: etree._Element) -> str:
    """The skeleton string the fingerprint hashes (for tests and for debugging a grouping)."""
    body = root.find("body") if root.tag == "html" else None
    start = body if body is not None else root
    return "body(" + _Walk().children(start, 0) + ")"


def template_fingerprint(root: etree._Element) -> str:
    """16 hex digits identifying the page's template (see the module docstring)."""
    return blake2b(skeleton(root).encode("utf-8"), digest_size=8).hexdigest()
