"""Which attributes are links (contract "Links checked"), and raw links -> ``LinkFacts``.

Every URL goes through ``crawler.urls.absolute`` (the only normaliser) with the
page's encoding, so that a GBK page's ``?q=公开`` becomes the same URL the browser
requests. A link appears once per page per (url, fragment, tag): the first
occurrence in document order is kept, so a URL in both the navigation and the body
is reported where a reader meets it first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.urls import absolute
from govcrawl.model import LinkFacts

__all__ = ["HIDDEN_CACHE", "LINK_ATTRS", "LINK_RELS", "build_links", "hidden_by_style", "resolve"]

# tag -> attributes that fetch something: contract §4 "Links checked", plus video[poster],
# area[href] (image maps of districts on old portals) and frame[src] (frameset sites,
# whose pages are otherwise unreachable).
LINK_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "frame": ("src",),
    "img": ("src",),
    "link": ("href",),
    "script": ("src",),
    "iframe": ("src",),
    "object": ("data",),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "source": ("src",),
}
# <link rel=...> values that load a resource a reader sees (stylesheets and icons).
LINK_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed", "shortcut"})

# Inline styles that hide an element from readers. Cheap on purpose: inline style only.
# - display:none, visibility:hidden
# - zero width or height (not line-height / min-width: the property must stand alone)
# - pushed far off-screen with left/top/right/margin (-999px or more); text-indent is
#   not here because image-replacement logos use it and the link stays visible.
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none"
    r"|visibility\s*:\s*hidden"
    r"|(?<![\w-])(?:width|height)\s*:\s*0+(?:\.0+)?(?:px|em|rem|pt|%)?\s*(?:!important)?\s*(?:;|$)"
    r"|(?<![\w-])(?:left|top|right|margin-left|margin-top)\s*:"
    r"\s*-\s*(?:9\d\d|\d{4,})(?:\.\d+)?\s*(?:px)?\s*(?:;|$|!)",
    re.I,
)


HIDDEN_CACHE: dict[str, bool] = {}


def hidden_by_style(style: str) -> bool:
    """True when an inline ``style`` hides the element (see ``_HIDDEN_STYLE``).

    Templates repeat the same few style strings thousands of times, so answers are
    cached (bounded: the cache is dropped when it grows past 4096 entries).
    """
    found = HIDDEN_CACHE.get(style)
    if found is None:
        found = _HIDDEN_STYLE.search(style) is not None
        if len(HIDDEN_CACHE) > 4096:
            HIDDEN_CACHE.clear()
        HIDDEN_CACHE[style] = found
    return found


@lru_cache(maxsize=65_536)
def _resolve_cached(base: str, href: str, encoding: str) -> tuple[str, str | None] | None:
    return absolute(base, href, encoding)


def resolve(base: str, href: str, encoding: str) -> tuple[str, str | None] | None:
    """``crawler.urls.absolute``, memoised across pages.

    Template links repeat on every page of a site and ``urljoin`` is the most
    expensive step of link extraction. The cache key keeps only the part of the base
    the result depends on: nothing for an absolute URL, the origin for ``/path`` and
    ``//host``, the directory for ``../x`` and ``x``, the whole base for ``?q``,
    ``#f``, backslashes and anything unusual.
    """
    href = href.strip()
    if not href:
        return None
    if href[:8].lower().startswith(("http://", "https://")):
        key = ""
    elif href[0] in "?#;" or "\\" in href:
        key = base
    elif href[0] == "/":
        end = base.find("/", base.find("//") + 2)
        key = base if end < 0 else base[: end + 1]
    else:
        cut = base.find("?")
        prefix = base if cut < 0 else base[:cut]
        key = prefix[: prefix.rfind("/") + 1] if prefix.count("/") >= 3 else base
    return _resolve_cached(key, href, encoding)


def build_links(raw_links, base: str, encoding: str) -> tuple[list[LinkFacts], list[tuple[object, str]]]:
    """Resolve raw links against ``base``; return (LinkFacts, [(raw link, url)] for every <a>).

    The second list keeps duplicates and the raw link (its element, text, flags),
    because list rows and pager links are found from every anchor, not only the
    first one per URL.
    """
    facts: list[LinkFacts] = []
    anchors: list[tuple[object, str]] = []
    seen: set[tuple[str, str | None, str]] = set()
    resolved: dict[str, tuple[str, str | None] | None] = {}
    for raw in raw_links:
        value = raw.value
        target = resolved.get(value, False)
        if target is False:
            target = resolve(base, value, encoding)
            resolved[value] = target
        if target is None:
            continue
        url, fragment = target
        if raw.tag == "a":
            anchors.append((raw, url))
        key = (url, fragment, raw.tag)
        if key in seen:
            continue
        seen.add(key)
        facts.append(LinkFacts(url, raw.tag, raw.attr, raw.text, raw.region, fragment, raw.hidden))
    return facts, anchors
