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

__all__ = [
    "HIDDEN_CACHE",
    "LINK_ATTRS",
    "LINK_RELS",
    "build_links",
    "hidden_by_attributes",
    "hidden_by_selectors",
    "hidden_by_style",
    "hidden_selectors",
    "resolve",
]

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

# -- hidden from readers (the ``hidden-link`` check: 暗链) ------------------------------------
#
# A tampered page carries links a reader never sees, for search engines only. What counts
# as hidden, read from one declaration block (an inline ``style`` or one CSS rule):
#
# - ``display:none``; ``visibility:hidden`` or ``collapse``;
# - zero size: ``width:0`` or ``height:0`` (any unit) unless padding gives the box its size
#   (the ``height:0; padding-bottom:56%`` box of responsive video embeds is visible);
#   ``max-width:0``/``max-height:0``, or a width or height of at most 1px, together with
#   ``overflow:hidden`` (the ``height:1px; overflow:hidden`` box of link spam);
# - off-screen: ``left``, ``top``, ``right``, ``margin-left``, ``margin-top`` (or the
#   ``margin`` shorthand) at -999px or further (pt, em, rem, vw/vh converted);
# - clipped away: ``clip:rect(...)`` with every edge within 1px, ``clip-path:inset(50%)``
#   or more, ``transform:scale(0)``;
# - ``font-size:0`` only together with ``line-height:0``, ``overflow:hidden`` or a
#   transparent colour.
#
# Not hidden, on purpose:
# - ``text-indent:-9999px``: image replacement (a logo link with its text pushed out); the
#   link box, with its background image, stays visible and clickable;
# - ``opacity:0``: transparent click areas over banners (gov.cn uses them); still clickable;
# - ``font-size:0`` alone: the whitespace trick of inline-block lists, whose items set
#   their own font size in the stylesheet;
# - ``line-height:0``, ``min-width:0``, ``text-indent`` and other near misses.
#
# Descendants of a hidden element are hidden too: ``scan.py`` propagates the flag.

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LENGTH = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(px|pt|pc|em|rem|ex|ch|vw|vh|vmin|vmax|cm|mm|in|q|%)?")
# CSS units -> px (em and rem at the 16px default; vw/vh: 100 units treated as a screen).
_PX_PER_UNIT = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "em": 16.0, "rem": 16.0, "ex": 8.0,
                "ch": 8.0, "vw": 12.8, "vh": 9.6, "vmin": 9.6, "vmax": 12.8, "cm": 37.8, "mm": 3.78,
                "in": 96.0, "q": 0.945}
OFFSCREEN_PX = -999.0  # top:-999px is the classic spam value; carousels rarely go past a screen
TINY_PX = 1.0
_OFFSETS = ("left", "top", "right", "margin-left", "margin-top")
_HINTS = ("none", "hidden", "collapse", "0", "-", "clip", "scale")


def _declarations(style: str) -> dict[str, str]:
    """property -> value (lower case, ``!important`` dropped; the last declaration wins)."""
    found: dict[str, str] = {}
    if "/*" in style:
        style = _CSS_COMMENT.sub("", style)
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        value = value.strip().lower().replace("!important", "").strip()
        if name and value:
            found[name] = value
    return found


def _px(value: str | None) -> float | None:
    """A single CSS length in px, or None (auto, calc(), percentages, several values)."""
    if not value:
        return None
    match = _LENGTH.fullmatch(value.strip())
    if match is None or match.group(2) == "%":
        return None
    return float(match.group(1)) * _PX_PER_UNIT[match.group(2) or ""]


def _lengths(value: str | None) -> list[float | None]:
    return [_px(part) for part in (value or "").split()]


def _zero(value: str | None) -> bool:
    """A zero length in any unit, percentages included."""
    if not value:
        return False
    match = _LENGTH.fullmatch(value.strip())
    return match is not None and float(match.group(1)) == 0


def _padded(decl: dict[str, str], sides: tuple[str, str]) -> bool:
    """Padding gives the box a size along this axis (the responsive-embed idiom)."""
    for side in sides:
        value = decl.get(f"padding-{side}")
        if value and not _zero(value):
            return True
    shorthand = decl.get("padding")
    return bool(shorthand) and any(not _zero(part) for part in shorthand.split())


def _margin_offsets(value: str | None) -> list[float | None]:
    """The top and left components of the ``margin`` shorthand."""
    parts = _lengths(value)
    if not parts:
        return []
    left = parts[3] if len(parts) == 4 else parts[1] if len(parts) >= 2 else parts[0]
    return [parts[0], left]


def _clipped(decl: dict[str, str]) -> bool:
    clip = decl.get("clip", "")
    if clip.startswith("rect("):
        edges = [_px(part) for part in re.split(r"[\s,]+", clip[5:].rstrip(")").strip()) if part]
        if len(edges) == 4 and all(edge is not None and abs(edge) <= TINY_PX for edge in edges):
            return True
    clip_path = decl.get("clip-path", "")
    inset = re.fullmatch(r"inset\(\s*(\d+(?:\.\d+)?)%.*\)", clip_path)
    if (inset and float(inset.group(1)) >= 50) or re.fullmatch(r"circle\(\s*0(?:px|%)?\s*(?:at .*)?\)", clip_path):
        return True
    transform = decl.get("transform", "")
    return re.search(r"scale[xy]?\(\s*0(?:\.0+)?\s*[,)]", transform) is not None


def _hides(decl: dict[str, str]) -> bool:
    """The rules of the comment above, over one declaration block."""
    if decl.get("display") == "none" or decl.get("visibility") in ("hidden", "collapse"):
        return True
    overflow_hidden = any(
        (decl.get(prop) or "").split()[:1] in (["hidden"], ["clip"]) for prop in ("overflow", "overflow-x", "overflow-y")
    )
    for size, sides in (("width", ("left", "right")), ("height", ("top", "bottom"))):
        value = decl.get(size)
        if value is None or _padded(decl, sides):
            continue
        if _zero(value):
            return True
        px = _px(value)
        if overflow_hidden and px is not None and 0 <= px <= TINY_PX:
            return True
    for size in ("max-width", "max-height"):
        if overflow_hidden and _zero(decl.get(size)):
            return True
    offsets = [_px(decl.get(prop)) for prop in _OFFSETS] + _margin_offsets(decl.get("margin"))
    if any(offset is not None and offset <= OFFSCREEN_PX for offset in offsets):
        return True
    if ("clip" in decl or "clip-path" in decl or "transform" in decl) and _clipped(decl):
        return True
    if _zero(decl.get("font-size")):
        colour = decl.get("color", "")
        return _zero(decl.get("line-height")) or overflow_hidden or colour == "transparent"
    return False


HIDDEN_CACHE: dict[str, bool] = {}


def hidden_by_style(style: str) -> bool:
    """True when an inline ``style`` hides the element from readers (rules above).

    Templates repeat the same few style strings thousands of times, so answers are
    cached (bounded: the cache is dropped when it grows past 4096 entries). A style
    without any of the few characters the rules need is answered without parsing.
    """
    found = HIDDEN_CACHE.get(style)
    if found is None:
        lowered = style.lower()
        found = any(hint in lowered for hint in _HINTS) and _hides(_declarations(style))
        if len(HIDDEN_CACHE) > 4096:
            HIDDEN_CACHE.clear()
        HIDDEN_CACHE[style] = found
    return found


# -- hidden by a <style> rule or by attributes: helpers for the scanner -------------------------
#
# ``.x{display:none}`` in a ``<style>`` block plus ``<div class="x">`` is the other common
# way to hide link spam. Only simple selectors are read (``.x``, ``#y``, ``div.x``,
# ``div#y`` and groups of them, at the top level of the block): rules inside ``@media``
# (print, mobile) say nothing about every reader, and a class that any rule shows again
# (``.menu:hover .x{display:block}``, ``.x.active{display:block}``) is a dropdown or a tab,
# not a hidden link.

_SIMPLE = re.compile(r"(?:[a-z][a-z0-9]*)?([.#][\w-]+)", re.I)
_SHOWS = ("display", "visibility")


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """(selector group, declarations) of the rules outside any at-rule block."""
    css = _CSS_COMMENT.sub("", css)
    rules: list[tuple[str, str]] = []
    depth = 0
    start = 0
    selector = ""
    in_at_rule = False
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selector = css[start:index].strip()
                in_at_rule = selector.startswith("@")
                start = index + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth <= 0:
                if not in_at_rule and selector:
                    rules.append((selector, css[start:index]))
                depth = 0
                start = index + 1
                selector = ""
                in_at_rule = False
        elif char == ";" and depth == 0:  # @import / @charset statements
            start = index + 1
    return rules


@lru_cache(maxsize=256)
def hidden_selectors(css: str) -> frozenset[str]:
    """The simple selectors (``.x``, ``#y``) that the ``<style>`` text ``css`` hides.

    Cached: a template sends the same ``<style>`` block with every page.
    """
    hidden: set[str] = set()
    shown: set[str] = set()
    for group, body in _top_level_rules(css):
        decl = _declarations(body)
        hides = _hides(decl)
        for selector in group.split(","):
            selector = selector.strip()
            simple = _SIMPLE.fullmatch(selector)
            if simple is not None:
                name = simple.group(1)
                if hides:
                    hidden.add(name)  # a rule elsewhere that shows it again still wins (dropdowns)
                elif any(prop in decl for prop in _SHOWS):
                    hidden.discard(name)
                continue
            if not hides and any(prop in decl for prop in _SHOWS):
                # a complex selector that shows an element again: its last compound's names
                last = re.split(r"[\s>+~]+", selector)[-1]
                shown.update(re.findall(r"[.#][\w-]+", last))
    return frozenset(hidden - shown)


def hidden_by_selectors(class_attr: str | None, id_attr: str | None, selectors: frozenset[str]) -> bool:
    """True when the element's class or id is one of ``selectors`` (from ``hidden_selectors``)."""
    if not selectors:
        return False
    if id_attr and "#" + id_attr.strip() in selectors:
        return True
    return bool(class_attr) and any("." + name in selectors for name in class_attr.split())


# Elements that are drawn in a box of their own size attributes: width="0" or height="1"
# on these makes them invisible (the classic hidden <iframe> of 挂马 and the
# <marquee height=1> of old link spam).
SIZED_BY_ATTRIBUTES = frozenset({"iframe", "frame", "marquee", "img", "object", "embed"})


def hidden_by_attributes(tag: str, attrib) -> bool:
    """True when attributes alone hide an element: ``hidden``, or a box of at most 1px.

    ``attrib`` is the element's attribute mapping (``el.attrib``).
    """
    if attrib.get("hidden") is not None:
        return True
    if tag not in SIZED_BY_ATTRIBUTES:
        return False
    for name in ("width", "height"):
        value = attrib.get(name)
        if value is None:
            continue
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*", value)
        if match and float(match.group(1)) <= TINY_PX:
            return True
    return False


# Only repeated links earn their place: the template's (the same ~70 on every page, keyed per directory for
# relative ones). Page-specific links (attachments, list items) never hit again and are evicted. On the
# 20,000-page bench portal 1,024 entries already keep every hit that 65,536 had. 2,048 keep the template
# links of ~25 directories (dated article folders) at once, which the crawl visits a list page's worth at a
# time. An entry holds ~690 bytes: 8,192 of them were 6 MiB of the 5,000-page run's peak, in the two
# processes that extract (bench/RESULTS.md), and a miss costs 4.7 µs against 0.65 for a hit (~0.35 ms a
# page if every template link missed).
@lru_cache(maxsize=2048)
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
    seen: dict[tuple[str, str | None, str], int] = {}  # key -> index in facts
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
        first = seen.get(key)
        if first is not None:
            # A link is hidden only when every occurrence is: the same URL also shown
            # openly (a footer link repeated in a collapsed mobile menu) is not a 暗链.
            if facts[first].hidden and not raw.hidden:
                facts[first].hidden = False
            continue
        seen[key] = len(facts)
        facts.append(LinkFacts(url, raw.tag, raw.attr, raw.text, raw.region, fragment, raw.hidden))
    return facts, anchors
