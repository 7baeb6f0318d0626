"""The static accessibility pass: elements of the served HTML that fail one of axe-core's rules.

Why static: the browser pass (axe-core 4.10 in headless Chromium) is too slow for every
page of a 100k-page portal, while most defects webmasters leave behind (an image
without ``alt``, an unlabelled search box in the header, an empty link around an icon,
a ``<marquee>`` notice, a viewport that forbids zoom) are visible in the markup. The
crawler records, per element, *which rule's predicate it fails*; it never judges (no
severity, no finding): the checks do.

Rule ids are axe-core's, so that the browser pass merges with this one: a node is
``(rule, selector)``. The predicates follow axe-core 4.10.2 as shipped in
``axe-selenium-python`` (``node_modules/axe-core/axe.min.js``: each rule's
``selector``, ``matches`` and ``any/all/none`` checks; descriptions at
https://dequeuniversity.com/rules/axe/4.10/):

- ``image-alt``: ``img`` passes with an ``alt`` attribute (``alt=""`` is decorative), a
  non-empty ``aria-label``, ``aria-labelledby`` naming an element with text, a non-empty
  ``title`` or ``role="presentation|none"``; an ``alt`` of spaces only always fails
  (axe's ``alt-space-value`` is a ``none`` check).
- ``input-image-alt``: ``input[type=image]`` needs a non-empty ``alt``, aria-label,
  aria-labelledby, title or a label (wrapping or ``for``).
- ``html-has-lang`` / ``html-lang-valid``: ``<html>`` needs a non-empty ``lang``
  (``xml:lang`` alone does not count in an HTML page); its primary subtag must be a
  language: an ISO 639-1 two-letter code or any three-letter code (axe's list of
  three-letter codes is not repeated here, so ``lang="zho"`` passes unchecked).
  ``zh_CN`` or ``cn`` fail.
- ``document-title``: the first ``<title>`` is missing or blank (``document.title``).
- ``link-name``: ``a[href]`` without text (an ``img`` alt counts), aria-label,
  aria-labelledby or title.
- ``button-name``: ``<button>`` without text, aria-label, aria-labelledby, title, label
  or a presentational role. ``input-button-name`` (axe's id for inputs): ``input``
  ``type=button|submit|reset`` without a non-empty ``value`` (submit and reset without
  any ``value`` attribute have the browser's default name and pass; ``value=""`` fails).
- ``label``: ``input`` (not hidden/image/button/submit/reset; no ``type`` counts) and
  ``textarea`` without a wrapping ``<label>`` with text, ``<label for=id>`` with text,
  aria-label, aria-labelledby, title, *a non-empty placeholder* (axe 4.10 lists
  ``non-empty-placeholder`` among the passing checks) or a presentational role. A
  ``value="请输入关键字"`` cleared by ``onfocus`` does not count. ``select-name``: the
  same for ``select``, without the placeholder.
- ``frame-title``: ``iframe``/``frame`` (not ``tabindex`` < 0) without a non-empty title,
  aria-label, aria-labelledby or a presentational role.
- ``duplicate-id``: every element after the first with the same ``id`` (axe deprecated
  and disabled the rule in 4.x, and reports one node per id value, on the first element:
  the merge must key it by the id, not the selector). ``duplicate-id-aria`` when the id
  is referenced by ``label[for]`` or ``aria-labelledby`` (axe keeps that one
  enabled: a duplicated referenced id names the wrong control).
- ``empty-heading``: ``h1``–``h6`` (not re-roled) without text (img alt counts),
  aria-label, aria-labelledby or title.
- ``td-has-header``: one node per data table without any header markup (``th``,
  ``scope``, ``headers``); see ``_data_table`` for the layout/data decision.
- ``color-contrast``: text whose colour and background are both known from inline
  styles (``color``, ``background-color``, the colour of ``background``) or the HTML
  attributes ``bgcolor`` and ``<font color>`` on it or its ancestors, below 4.5:1, or
  3:1 for large text (>= 24px, or >= 18.66px bold; ``h1``–``h3`` count as large when no
  size is written). WCAG 2.x relative luminance. A background image, a colour with
  alpha or an unknown value makes the background unknown: no node.
- ``marquee``, ``blink``: the element exists.
- ``meta-refresh``: ``meta[http-equiv=refresh]`` whose delay is > 0 and <= 72000 s
  (axe: ``minDelay: 0``, ``maxDelay: 72e3``).
- ``meta-viewport``: ``meta[name=viewport]`` with ``user-scalable=no`` (or a number in
  (-1, 1)) or ``maximum-scale`` < 2 (``yes`` reads as 1).
- ``no-autoplay-audio``: ``audio``/``video`` with ``autoplay``, a source, no ``muted``
  and no ``controls`` (axe also passes clips <= 3 s, which the markup cannot tell).

Elements hidden by inline ``display:none``/``visibility:hidden``, the ``hidden``
attribute or ``aria-hidden="true"`` (on them or an ancestor) are skipped, as axe
excludes hidden elements, except for the rules axe runs on hidden elements too
(duplicate-id, marquee, blink, meta-*, no-autoplay-audio). Elements inside
``noscript``, ``template``, ``svg`` and ``math`` are skipped: a browser with scripts does
not build them as HTML elements, so their selectors would find nothing.

Cost: one ``root.iter()`` restricted to the tags the rules read (filtered in C), XPaths
for ``@lang``/``@dir`` and ``bgcolor``/``font@color``; the ids and the ``style``d elements
come from the extraction's walk (``scan.Scan.ids``/``styled``) when the caller has it, else
from XPaths. Selectors, regions and hidden state are computed only for failing elements. At most ``MAX_NODES_PER_RULE``
nodes per rule and page, so a hostile page cannot blow up the store.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from lxml import etree

from crawler.extract.regions import ARTICLE, NO_MARKER, apply_marker, classify
from crawler.extract.scan import Scan
from govcrawl.model import A11yNode, Region

__all__ = ["MAX_NODES_PER_RULE", "contrast_ratio", "css_escape", "parse_color", "static_a11y"]

MAX_NODES_PER_RULE = 50
MAX_HTML_CHARS = 300

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CANDIDATES = (
    "html", "title", "meta", "img", "input", "button", "select", "textarea", "a", "iframe", "frame",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "label", "marquee", "blink", "audio", "video",
)
_IDS = etree.XPath("//@id")
_STYLES = etree.XPath("//@style")
_PRESENTATIONAL_COLOURS = etree.XPath("//@bgcolor|//font/@color")
_NO_DOM = frozenset({"noscript", "template", "svg", "math"})
_SEMANTIC = frozenset({"header", "nav", "footer", "article", "main"})
_PRESENTATIONAL = frozenset({"presentation", "none"})
_NO_LABEL_TYPES = frozenset({"hidden", "image", "button", "submit", "reset"})
_BUTTON_TYPES = frozenset({"button", "submit", "reset"})
# The id references that make axe call a duplicate id "duplicate-id-aria" (besides label[for]);
# aria-describedby, aria-controls … are left out: one more XPath each, and rare on portals.
_ARIA_REF_ATTRS = etree.XPath("//@aria-labelledby")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Classes a script toggles: left out of selectors, so they still match after the scripts ran.
_STATE_CLASSES = frozenset("on active cur current hover selected select show hide open focus".split())

# ISO 639-1 (two-letter) codes, with the deprecated iw/in/ji/jw/mo still in the IANA registry.
_ISO639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da "
    "de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz "
    "ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la "
    "lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj "
    "om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv "
    "sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)


# --------------------------------------------------------------------------- colours


_NAMED = {
    "black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "silver": (192, 192, 192), "maroon": (128, 0, 0), "purple": (128, 0, 128), "fuchsia": (255, 0, 255),
    "lime": (0, 255, 0), "olive": (128, 128, 0), "navy": (0, 0, 128), "teal": (0, 128, 128),
    "aqua": (0, 255, 255), "orange": (255, 165, 0), "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169), "lightgray": (211, 211, 211), "lightgrey": (211, 211, 211),
    "gainsboro": (220, 220, 220), "whitesmoke": (245, 245, 245), "dimgray": (105, 105, 105),
    "dimgrey": (105, 105, 105), "darkred": (139, 0, 0), "darkblue": (0, 0, 139),
}
UNKNOWN = "unknown"  # a colour that cannot be read (image, alpha, var(), keyword): stops the search
TRANSPARENT = "transparent"  # no colour of its own: the ancestor's shows through
_RGB = re.compile(r"rgba?\(\s*([\d.]+)(%?)[\s,]+([\d.]+)(%?)[\s,]+([\d.]+)(%?)\s*(?:[,/]\s*([\d.]+)(%?)\s*)?\)")
_COLOUR_TOKEN = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|[a-zA-Z]+")


def parse_color(value: str) -> tuple[int, int, int] | str | None:
    """A CSS colour -> (r, g, b); ``TRANSPARENT``; ``UNKNOWN``; None when no colour is written
    (``inherit``, ``currentColor``: the inherited one applies)."""
    value = value.strip().lower()
    if not value or value in ("inherit", "currentcolor", "initial", "unset", "revert"):
        return None
    if value == "transparent":
        return TRANSPARENT
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) in (3, 4) and all(c in "0123456789abcdef" for c in digits):
            if len(digits) == 4 and digits[3] != "f":
                return UNKNOWN
            return (int(digits[0] * 2, 16), int(digits[1] * 2, 16), int(digits[2] * 2, 16))
        if len(digits) in (6, 8) and all(c in "0123456789abcdef" for c in digits):
            if len(digits) == 8 and digits[6:] != "ff":
                return UNKNOWN
            return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
        return UNKNOWN
    match = _RGB.fullmatch(value)
    if match:
        channels = []
        for number, percent in ((match[1], match[2]), (match[3], match[4]), (match[5], match[6])):
            level = float(number) * 2.55 if percent else float(number)
            channels.append(max(0, min(255, round(level))))
        if match[7] is not None:
            alpha = float(match[7]) / (100 if match[8] else 1)
            if alpha == 0:
                return TRANSPARENT
            if alpha < 1:
                return UNKNOWN
        return (channels[0], channels[1], channels[2])
    return _NAMED.get(value, UNKNOWN)


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance (sRGB; the 0.04045 knee, equal to 0.03928 for 8-bit values)."""
    out = []
    for channel in rgb:
        c = channel / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def contrast_ratio(fg: tuple[int, int, int], bg: tuple[int, int, int]) -> float:
    """(L1 + 0.05) / (L2 + 0.05), lighter over darker: 1.0 … 21.0."""
    a, b = _luminance(fg), _luminance(bg)
    if a < b:
        a, b = b, a
    return (a + 0.05) / (b + 0.05)


_STYLE_CACHE: dict[str, dict[str, str]] = {}


def _style(style: str) -> dict[str, str]:
    """Inline ``style`` -> {property: value} (last declaration wins; cached per string)."""
    parsed = _STYLE_CACHE.get(style)
    if parsed is None:
        parsed = {}
        for declaration in style.split(";"):
            name, sep, value = declaration.partition(":")
            if sep:
                value = value.replace("!important", "").strip()
                parsed[name.strip().lower()] = value
        if len(_STYLE_CACHE) > 20_000:
            _STYLE_CACHE.clear()
        _STYLE_CACHE[style] = parsed
    return parsed


def _declared(el) -> tuple[object, object]:
    """The (foreground, background) an element writes itself: colour, TRANSPARENT, UNKNOWN or None.

    ``bgcolor`` and ``<font color>`` are presentational hints that any stylesheet rule beats,
    so they count only on elements without class or id; inline ``style`` beats stylesheets.
    """
    fg = bg = None
    if not _sheet_styled(el):
        if el.tag == "font":
            colour = el.get("color")
            if colour:
                fg = parse_color(colour)
        bgcolor = el.get("bgcolor")
        if bgcolor:
            bg = parse_color(bgcolor)
    style = el.get("style")
    if style:
        props = _style(style)
        if "color" in props:
            fg = parse_color(props["color"]) or fg
        if "background" in props:
            shorthand = props["background"].lower()
            if "url(" in shorthand or "gradient" in shorthand:
                bg = UNKNOWN
            else:
                found = None
                for token in _COLOUR_TOKEN.findall(shorthand):
                    colour = parse_color(token)
                    if colour is not UNKNOWN and colour is not None:
                        found = colour
                bg = found or TRANSPARENT
        if "background-color" in props:
            bg = parse_color(props["background-color"]) or bg
        image = props.get("background-image")
        if image and image.strip().lower() != "none":
            bg = UNKNOWN
    return fg, bg


# Elements whose colours come from the browser's own stylesheet (links are blue, marks yellow…).
_UA_COLOURED = frozenset({"a", "button", "input", "select", "textarea", "option", "mark"})


def _sheet_styled(el) -> bool:
    """A stylesheet may colour this element (class or id), or the browser does (links, controls)."""
    return el.get("class") is not None or el.get("id") is not None or el.tag in _UA_COLOURED


def _px(value: str, parent_px: float | None) -> float | None:
    value = value.strip().lower()
    match = re.fullmatch(r"([\d.]+)\s*(px|pt|em|rem|%)?", value)
    if not match:
        return None
    number, unit = float(match[1]), match[2] or "px"
    if unit == "px":
        return number
    if unit == "pt":
        return number * 4 / 3
    if unit == "rem":
        return number * 16
    if parent_px is None:
        return None
    return number * parent_px / (100 if unit == "%" else 1)


_DEFAULT_PX = {"h1": 32.0, "h2": 24.0, "h3": 18.72}
_BOLD_TAGS = frozenset({"b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"})


def _font(el) -> tuple[float | None, bool]:
    """Inline font size (px, None if unknown) and boldness of el, from it and its ancestors."""
    chain = [el, *el.iterancestors()]
    size: float | None = None
    bold: bool | None = None
    for node in reversed(chain):  # top-down, so relative sizes resolve against the parent
        style = node.get("style")
        props = _style(style) if style else {}
        if "font-size" in props:
            size = _px(props["font-size"], size)
        elif node.tag in _DEFAULT_PX:
            size = _DEFAULT_PX[node.tag]
        weight = props.get("font-weight", "").strip().lower()
        if weight:
            bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 700)
        elif node.tag in _BOLD_TAGS:
            bold = True
    return size, bool(bold)


# --------------------------------------------------------------------------- selectors and html


_PLAIN_IDENT = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")


def css_escape(ident: str) -> str:
    """Serialise an identifier for CSS (CSSOM ``CSS.escape``): ``#2021`` -> ``#\\32 021``."""
    if _PLAIN_IDENT.fullmatch(ident):
        return ident
    out = []
    for index, char in enumerate(ident):
        code = ord(char)
        if code == 0:
            out.append("\ufffd")
        elif 0x1 <= code <= 0x1F or code == 0x7F:
            out.append(f"\\{code:x} ")
        elif char.isdigit() and char.isascii() and (index == 0 or (index == 1 and ident[0] == "-")):
            out.append(f"\\{code:x} ")
        elif index == 0 and char == "-" and len(ident) == 1:
            out.append("\\-")
        elif code >= 0x80 or char in "-_" or (char.isascii() and char.isalnum()):
            out.append(char)
        else:
            out.append("\\" + char)
    return "".join(out)


def _start_tag(el) -> str:
    """The element's start tag as served (attribute order kept), cut at MAX_HTML_CHARS."""
    parts = ["<", el.tag]
    length = len(el.tag) + 1
    for name, value in el.items():
        if name == _XML_LANG:
            name = "xml:lang"
        if "&" in value or '"' in value:
            value = value.replace("&", "&amp;").replace('"', "&quot;")
        parts.append(f' {name}="{value}"')
        length += len(name) + len(value) + 4
        if length > MAX_HTML_CHARS:
            break
    parts.append(">")
    return "".join(parts)[:MAX_HTML_CHARS]


def _element_children(parent) -> list:
    """Children as a browser's DOM has them: bare ``tr`` runs of a table sit in an implied tbody."""
    children = [child for child in parent if isinstance(child.tag, str)]
    if parent.tag != "table":
        return children
    out: list = []
    run: list | None = None
    for child in children:
        if child.tag == "tr":
            if run is None:
                run = []
                out.append(run)
            run.append(child)
        else:
            run = None
            out.append(child)
    return out


class _Selectors:
    """Unique CSS selectors: ``#id`` when the id is unique, else a child path from the nearest
    ancestor with a unique id (or ``body``/``head``), ``:nth-child`` where the tag repeats.
    Paths of ancestors are memoised: the failing elements of a page share most of them."""

    def __init__(self, id_counts: Counter) -> None:
        self.id_counts = id_counts
        self.memo: dict = {}
        self.children: dict = {}  # parent -> ({child: position among elements}, Counter of child tags)

    def _unique_id(self, el) -> str | None:
        eid = el.get("id")
        if eid and self.id_counts.get(eid) == 1 and eid.strip() == eid:
            return "#" + css_escape(eid)
        return None

    @staticmethod
    def _classes(el) -> str:
        cls = el.get("class")
        if cls:
            for name in cls.split():
                if name.lower() not in _STATE_CLASSES:
                    return "." + css_escape(name)
        return ""

    def _step(self, el, parent) -> str:
        tag = el.tag
        step = tag + self._classes(el)
        if parent.tag == "table" and tag == "tr":
            return self._row_steps(el, parent, step)
        positions, tags = self._children(parent)
        if tags[tag] == 1:
            return step
        position = positions[el]
        if parent.tag == "table":  # bare tr runs before el become one tbody each in a browser
            position -= _bare_row_excess(parent, el)
        return f"{step}:nth-child({position})"

    def _children(self, parent) -> tuple[dict, Counter]:
        """Positions (1-based, elements only) and tag counts of parent's children, counted once
        per parent: failing links are often the items of one long list."""
        found = self.children.get(parent)
        if found is None:
            positions: dict = {}
            tags: Counter = Counter()
            for position, child in enumerate(parent.iterchildren(etree.Element), 1):
                positions[child] = position
                tags[child.tag] += 1
            found = self.children[parent] = (positions, tags)
        return found

    @staticmethod
    def _row_steps(row, table, step: str) -> str:
        siblings = _element_children(table)
        run = next(s for s in siblings if isinstance(s, list) and row in s)
        if len(run) > 1:
            step += f":nth-child({run.index(row) + 1})"
        bodies = [s for s in siblings if isinstance(s, list) or s.tag == "tbody"]
        body = "tbody" if len(bodies) == 1 else f"tbody:nth-child({siblings.index(run) + 1})"
        return f"{body} > {step}"

    def _path(self, el) -> str:
        """The selector of el as an ancestor or target (memoised)."""
        found = self.memo.get(el)
        if found is not None:
            return found
        anchor = self._unique_id(el)
        if anchor:
            path = anchor
        elif el.tag in ("html", "body", "head"):
            path = el.tag
        else:
            parent = el.getparent()
            step = self._step(el, parent) if parent is not None else el.tag
            path = step if parent is None else f"{self._path(parent)} > {step}"
        self.memo[el] = path
        return path

    def __call__(self, el) -> str:
        return self._path(el)


def _bare_row_excess(table, el) -> int:
    """How many preceding siblings of el a browser folds away: a run of n bare rows is one tbody."""
    excess = 0
    in_run = False
    for sibling in el.itersiblings(etree.Element, preceding=True):
        if sibling.tag == "tr":
            if in_run:
                excess += 1
            in_run = True
        else:
            in_run = False
    return excess


# --------------------------------------------------------------------------- context


class _Context:
    """Region, hidden state and 'not in the browser DOM' of elements, computed top-down on demand
    with the same rules as ``scan`` (``regions.classify``), memoised per element."""

    def __init__(self) -> None:
        self.memo: dict = {}

    def get(self, el) -> tuple[Region, int, bool, bool]:
        """(region, content level, hidden, outside the DOM) of el."""
        chain = []
        node = el
        state = None
        while node is not None:
            state = self.memo.get(node)
            if state is not None:
                break
            chain.append(node)
            node = node.getparent()
        region, level, hidden, nodom = state if state is not None else (Region.BODY, 0, False, False)
        for node in reversed(chain):
            tag = node.tag
            if not isinstance(tag, str):
                continue
            if level < ARTICLE:
                eid = node.get("id")
                cls = node.get("class")
                if cls is not None or eid is not None or tag in _SEMANTIC:
                    marker = classify(tag, eid, cls)
                    if marker is not NO_MARKER:
                        region, level = apply_marker(marker, region, level)
            if tag == "head":
                region = Region.HEADER
            if not hidden:
                style = node.get("style")
                hidden = bool(
                    (style and _HIDDEN_STYLE.search(style))
                    or node.get("hidden") is not None
                    or (node.get("aria-hidden") or "").strip().lower() == "true"
                )
            nodom = nodom or tag in _NO_DOM
            self.memo[node] = (region, level, hidden, nodom)
        return self.memo[el]


# --------------------------------------------------------------------------- names


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _subtree_text(el) -> bool:
    """True when el's content gives it a name: text, or an image/aria name inside."""
    if not _blank(el.text):
        return True
    for node in el.iterdescendants():
        if not _blank(node.tail):
            return True
        tag = node.tag
        if not isinstance(tag, str) or tag in ("script", "style"):
            continue
        if not _blank(node.text):
            return True
        if tag in ("img", "area") or (tag == "input" and (node.get("type") or "").lower() == "image"):
            if not _blank(node.get("alt")) or not _blank(node.get("title")):
                return True
        if not _blank(node.get("aria-label")):
            return True
    return False


class _Page:
    """What the rules need to know about the whole page, gathered once."""

    def __init__(self, root, ids: list[tuple[str, etree._Element]] | None = None) -> None:
        """``ids``: (id, element) of every element with a non-empty id in document order, as
        the extraction's walk collected them (``Scan.ids``); read from the tree when None."""
        self.root = root
        if ids is None:
            ids = [(value, attr.getparent()) for attr in _IDS(root) if (value := str(attr))]
        self.ids = ids
        self.id_counts = Counter(value for value, _ in ids)
        self.label_for: dict[str, list] = {}
        self._by_id: dict[str, object] | None = None

    def by_id(self, value: str):
        if self._by_id is None:
            self._by_id = {}
            for eid, el in self.ids:
                self._by_id.setdefault(eid, el)
        return self._by_id.get(value)

    def labelledby(self, el) -> bool:
        refs = el.get("aria-labelledby")
        if _blank(refs):
            return False
        for ref in refs.split():
            target = self.by_id(ref)
            if target is not None and (_subtree_text(target) or not _blank(target.get("aria-label"))):
                return True
        return False

    def aria_named(self, el, title: bool = True) -> bool:
        """aria-label, aria-labelledby or (when ``title``) a non-empty title."""
        return (
            not _blank(el.get("aria-label"))
            or (title and not _blank(el.get("title")))
            or self.labelledby(el)
        )

    def labelled(self, el) -> bool:
        """A wrapping ``label`` or a ``label for`` with text."""
        for ancestor in el.iterancestors("label"):
            if _label_text(ancestor, el):
                return True
        eid = el.get("id")
        if eid:
            for label in self.label_for.get(eid, ()):
                if _label_text(label, el):
                    return True
        return False


def _label_text(label, control) -> bool:
    """The label says something besides the control it wraps."""
    if not _blank(label.text):
        return True
    for node in label.iterdescendants():
        if node is control:
            if not _blank(node.tail):
                return True
            continue
        if isinstance(node.tag, str) and node.tag in ("img",) and not _blank(node.get("alt")):
            return True
        if (isinstance(node.tag, str) and not _blank(node.text)) or not _blank(node.tail):
            return True
    return False


def _role(el) -> str:
    return (el.get("role") or "").strip().lower()


# --------------------------------------------------------------------------- tables


def _cells(row) -> list:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _rows(table) -> list:
    """The table's own rows (not those of nested tables), in order."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if row.tag == "tr")
    return rows


def _width(row) -> int:
    total = 0
    for cell in _cells(row):
        try:
            total += max(1, int(cell.get("colspan") or 1))
        except ValueError:
            total += 1
    return total


_LABEL_CELL = re.compile(r"^[^\W\d_][^：:]{0,10}[：:]$")


def _label_cell(cell) -> bool:
    text = "".join(cell.itertext()).replace("\u3000", "").replace("\xa0", "").replace(" ", "").strip()
    return bool(_LABEL_CELL.match(text))


def _data_table(table) -> str | None:
    """Why ``table`` is a data table without header markup, or None (layout, headed, or small).

    axe's ``td-has-header`` runs on tables that axe's data-table heuristic (a port of
    Firefox's) accepts and that are at least 3 x 3 (``data-table-large-matches``): the same
    size gate here. Its last resort, "10 or more cells and narrower than 95% of the
    window is data", depends on rendering and would call almost every nested layout table
    of a TRS/Hanweb portal a data table; this pass is conservative instead: a table is data
    only with a *positive* sign:

    - ``summary``, ``caption``, ``thead``/``tfoot``, ``colgroup`` (axe: data);
    - its middle row has >= 5 cells (axe: data);
    - ``border`` >= 1 (cells get borders: axe's "cell with a border" sign);
    - >= 20 rows (axe: data);
    - label/value cells: >= 2 cells reading like a field label ("索 引 号：", "发布日期：").
      This is the 信息公开 header table of www.gov.cn and TRS templates: a data table
      whose label cells should be ``th`` (axe in a 1280px window also calls it data, by
      its cell count).

    Never data: ``role=presentation|none``, ``datatable="0"``, a nested table, fewer than
    2 rows, a middle row with one cell, or form controls/iframes inside (search forms).
    """
    if _role(table) in _PRESENTATIONAL or table.get("datatable") == "0":
        return None
    rows = _rows(table)
    if len(rows) < 3 or any(_width(row) < 3 for row in rows[:3]):
        return None
    if next(table.iterdescendants("table", "input", "select", "textarea", "iframe", "object"), None) is not None:
        return None
    if any(el.tag == "th" or el.get("scope") or el.get("headers") for el in table.iter("td", "th")):
        return None
    middle = _cells(rows[math.ceil(len(rows) / 2)] if len(rows) > 2 else rows[-1])
    if len(middle) == 1 and (middle[0].get("colspan") or "1") == "1":
        return None
    if not any(not _blank("".join(cell.itertext())) for row in rows for cell in _cells(row) if cell.tag == "td"):
        return None
    if table.get("summary") or any(child.tag in ("caption", "thead", "tfoot", "colgroup") for child in table):
        return "有 caption/thead/summary，但没有表头单元格"
    if len(middle) >= 5:
        return f"数据表（{len(middle)} 列），没有 th/scope/headers"
    border = (table.get("border") or "").strip()
    if border.isdigit() and int(border) >= 1:
        return "有边框的数据表，没有 th/scope/headers"
    if len(rows) >= 20:
        return f"数据表（{len(rows)} 行），没有 th/scope/headers"
    labels = sum(1 for row in rows for cell in _cells(row) if _label_cell(cell))
    if labels >= 2:
        return f"标签/值表格（{labels} 个标签单元格用 td），没有 th/scope/headers"
    return None


# --------------------------------------------------------------------------- meta


def _js_float(value: str) -> float | None:
    """JavaScript ``parseFloat``: the leading number, or None (NaN)."""
    match = re.match(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", value)
    return float(match[1]) if match else None


def _viewport_failure(content: str) -> str | None:
    props: dict[str, str] = {}
    for part in re.split(r"[;,]", content):
        key, sep, value = part.strip().partition("=")
        key, value = key.strip().lower(), value.strip().lower()
        if not sep or not key or not value:
            continue
        if key == "maximum-scale" and value == "yes":
            value = "1"
        if key == "maximum-scale" and (_js_float(value) or 0) < 0:
            continue
        props[key] = value
    scalable = props.get("user-scalable")
    if scalable == "no":
        return "user-scalable=no：禁止缩放"
    if scalable is not None:
        number = _js_float(scalable)
        if number is not None and -1 < number < 1:
            return f"user-scalable={scalable}：禁止缩放"
    maximum = props.get("maximum-scale")
    if maximum is not None:
        number = _js_float(maximum)
        if number is not None and number < 2:
            return f"maximum-scale={maximum}：最大缩放小于 2"
    return None


def _refresh_failure(content: str) -> str | None:
    first = re.split(r"[;,\s]", content.strip(), maxsplit=1)[0]
    if not re.fullmatch(r"[0-9.]+", first):
        return None
    try:
        delay = float(first)
    except ValueError:
        return None
    if 0 < delay <= 72000:
        return f"{first} 秒后自动刷新/跳转"
    return None


# --------------------------------------------------------------------------- the pass


def static_a11y(
    root: etree._Element, max_per_rule: int = MAX_NODES_PER_RULE, text: str | None = None,
    scan: Scan | None = None,
) -> list[A11yNode]:
    """Every element of the parsed page that fails one of the rules above, as ``A11yNode``s
    (``source="static"``), in document order per rule; never more than ``max_per_rule`` per rule.

    ``scan``: the extraction's walk of the same ``root`` (``scan.scan_tree``), whose ids and
    styled elements spare this pass two walks of the whole tree.
    """
    page = _Page(root, scan.ids if scan is not None else None)
    found: list[tuple[str, object, str]] = []  # (rule, element, detail)
    controls: list = []
    title_seen = False
    is_page = root.tag == "html"
    for el in root.iter(*_CANDIDATES):
        tag = el.tag
        if tag == "a":
            if el.get("href") is not None and _blank(el.text) and not _subtree_text(el) and not page.aria_named(el):
                found.append(("link-name", el, "链接没有文字、图片替代文本、aria-label 或 title"))
        elif tag == "img":
            alt = el.get("alt")
            if alt is not None and alt and not alt.strip():
                found.append(("image-alt", el, "alt 只含空格"))
            elif alt is None and _role(el) not in _PRESENTATIONAL and not page.aria_named(el):
                found.append(("image-alt", el, "缺少 alt 属性"))
        elif tag in ("input", "select", "textarea", "button"):
            controls.append(el)
        elif tag == "label":
            target = el.get("for")
            if target:
                page.label_for.setdefault(target, []).append(el)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            role = _role(el)
            if (not role or role == "heading") and _blank(el.text) and not _subtree_text(el):
                if not page.aria_named(el):
                    found.append(("empty-heading", el, f"<{tag}> 没有文字"))
        elif tag == "table":
            why = _data_table(el)
            if why:
                found.append(("td-has-header", el, why))
        elif tag in ("iframe", "frame"):
            tabindex = _js_float(el.get("tabindex") or "")
            if (tabindex is None or tabindex >= 0) and _role(el) not in _PRESENTATIONAL:
                if not page.aria_named(el):
                    found.append(("frame-title", el, f"<{tag}> 缺少 title"))
        elif tag == "meta":
            equiv = (el.get("http-equiv") or "").strip().lower()
            content = el.get("content")
            if equiv == "refresh" and content is not None:
                why = _refresh_failure(content)
                if why:
                    found.append(("meta-refresh", el, why))
            elif el.get("name") == "viewport" and content:
                why = _viewport_failure(content)
                if why:
                    found.append(("meta-viewport", el, why))
        elif tag == "title":
            if not title_seen:
                title_seen = True
                if _blank("".join(el.itertext())):
                    found.append(("document-title", root, "<title> 为空"))
        elif tag == "html":
            if el is root:
                lang = el.get("lang")
                if _blank(lang):
                    xml_lang = el.get("xml:lang") or el.get(_XML_LANG)
                    detail = "只有 xml:lang，HTML 页面需要 lang" if not _blank(xml_lang) else "缺少 lang 属性"
                    found.append(("html-has-lang", el, detail))
                else:
                    primary = lang.strip().split("-")[0].lower()
                    if primary not in _ISO639_1 and not re.fullmatch(r"[a-z]{3}", primary):
                        found.append(("html-lang-valid", el, f"lang=\"{lang.strip()}\" 不是有效的语言代码"))
        elif tag in ("marquee", "blink"):
            found.append((tag, el, f"<{tag}> 内容自动滚动/闪烁"))
        elif tag in ("audio", "video"):
            if (
                el.get("autoplay") is not None
                and el.get("muted") is None
                and el.get("paused") is None
                and el.get("controls") is None
                and (el.get("src") or any(s.get("src") for s in el.iter("source")))
            ):
                found.append(("no-autoplay-audio", el, f"<{tag}> 自动播放，未静音，没有控制条"))
    if is_page and not title_seen:
        found.append(("document-title", root, "缺少 <title>"))
    for el in controls:
        rule_detail = _control_failure(el, page)
        if rule_detail:
            found.append((rule_detail[0], el, rule_detail[1]))
    _more_rules(root, page, found, is_page, text)
    _duplicate_ids(page, found)
    _contrast(root, found, max_per_rule, scan.styled if scan is not None else None)
    return _nodes(page, found, max_per_rule)


def _control_failure(el, page: _Page) -> tuple[str, str] | None:
    tag = el.tag
    presentational = _role(el) in _PRESENTATIONAL
    if tag == "button":
        if presentational or not _blank(el.text) or _subtree_text(el) or page.aria_named(el) or page.labelled(el):
            return None
        return "button-name", "按钮没有文字、aria-label 或 title"
    if tag == "select":
        if presentational or page.aria_named(el) or page.labelled(el):
            return None
        return "select-name", "下拉框没有 label、aria-label 或 title"
    kind = (el.get("type") or "text").strip().lower() if tag == "input" else "textarea"
    if kind in _BUTTON_TYPES:
        value = el.get("value")
        if (value is None and kind != "button") or not _blank(value):
            return None
        if presentational or page.aria_named(el) or page.labelled(el):
            return None
        return "input-button-name", "按钮的 value 为空" if value is not None else "按钮缺少 value"
    if kind == "image":
        if not _blank(el.get("alt")) or page.aria_named(el) or page.labelled(el):
            return None
        return "input-image-alt", "图片按钮缺少 alt"
    if kind in _NO_LABEL_TYPES:
        return None
    if presentational or not _blank(el.get("placeholder")) or page.aria_named(el) or page.labelled(el):
        return None
    what = "文本框" if kind in ("text", "search", "textarea") else f"输入框（{kind}）"
    return "label", f"{what}没有 label、aria-label、title 或 placeholder"


def _duplicate_ids(page: _Page, found: list) -> None:
    duplicated = {value for value, count in page.id_counts.items() if count > 1 and value.strip()}
    if not duplicated:
        return
    referenced: set[str] = set(page.label_for)
    for refs in _ARIA_REF_ATTRS(page.root):
        referenced.update(str(refs).split())
    seen: Counter = Counter()
    for value, el in page.ids:
        if value not in duplicated:
            continue
        seen[value] += 1
        if seen[value] > 1:
            rule = "duplicate-id-aria" if value in referenced else "duplicate-id"
            found.append((rule, el, f"id「{value}」重复（共 {page.id_counts[value]} 个）"))


def _own_text(el) -> bool:
    if not _blank(el.text):
        return True
    return any(not _blank(child.tail) for child in el)


def _effective(el, own: tuple, declaring: dict) -> tuple[object, object]:
    """el's (foreground, background): its own, else inherited through ancestors. An element on
    the way that a stylesheet may colour (class, id, link) makes the colour UNKNOWN, because
    the stylesheet beats the inherited inline value."""
    fg, bg = own
    node = el
    while (fg is None or bg is None or bg is TRANSPARENT) and fg is not UNKNOWN and bg is not UNKNOWN:
        if _sheet_styled(node):
            fg = UNKNOWN if fg is None else fg
            bg = UNKNOWN if bg is None or bg is TRANSPARENT else bg
            break
        node = node.getparent()
        if node is None:
            break
        declared = declaring.get(node)
        if declared is None:
            continue
        if fg is None:
            fg = declared[0]
        if (bg is None or bg is TRANSPARENT) and declared[1] is not None:
            bg = declared[1]
    return fg, bg


def _contrast(root, found: list, cap: int, styled: list | None = None) -> None:
    """``color-contrast`` for text whose colours are both written inline (see the module doc).

    ``styled``: the elements with a ``style`` attribute in document order (``Scan.styled``);
    read from the tree when None.
    """
    if styled is None:
        styled = [attr.getparent() for attr in _STYLES(root)]
    declaring: dict = {}
    for el in styled:
        style = el.get("style")
        if "olor" in style or "ackground" in style or "OLOR" in style or "ACKGROUND" in style:
            declared = _declared(el)
            if declared != (None, None):
                declaring[el] = declared
    for attr in _PRESENTATIONAL_COLOURS(root):
        el = attr.getparent()
        if el not in declaring:
            declared = _declared(el)
            if declared != (None, None):
                declaring[el] = declared
    if not declaring:
        return
    count = 0
    for el, own in declaring.items():
        fg, bg = _effective(el, own, declaring)
        if not isinstance(fg, tuple) or not isinstance(bg, tuple):
            continue
        ratio = contrast_ratio(fg, bg)
        if ratio >= 4.5:
            continue
        # Every text element that takes both colours from el: el and its descendants, except
        # those that write colours of their own (judged on their own) or that a stylesheet or
        # the browser may colour.
        walker = etree.iterwalk(el, events=("start",))
        for _, node in walker:
            tag = node.tag
            if node is not el and (node in declaring or not isinstance(tag, str) or _sheet_styled(node)):
                walker.skip_subtree()
                continue
            if tag in ("script", "style"):
                walker.skip_subtree()
                continue
            style = node.get("style")
            if (style and _HIDDEN_STYLE.search(style)) or node.get("hidden") is not None:
                walker.skip_subtree()
                continue
            if not _own_text(node):
                continue
            size, bold = _font(node) if ratio >= 3 else (None, False)
            large = size is not None and (size >= 24 or (bold and size >= 18.66))
            needed = 3.0 if large else 4.5
            if ratio < needed:
                shown = math.floor(ratio * 100) / 100
                detail = f"对比度 {shown:.2f}:1（{_hex(fg)}/{_hex(bg)}，需 ≥{needed:g}:1）"
                found.append(("color-contrast", node, detail))
                count += 1
                if count >= cap:
                    return


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


_NOT_HIDDEN_RULES = frozenset(
    {"duplicate-id", "duplicate-id-aria", "marquee", "blink", "meta-refresh", "meta-viewport",
     "no-autoplay-audio", "html-has-lang", "html-lang-valid", "document-title", "document-title-placeholder",
     "html-lang-mismatch"}
)
_PAGE_RULES = frozenset({"html-has-lang", "html-lang-valid", "document-title", "document-title-placeholder",
                         "html-lang-mismatch"})


def _nodes(page: _Page, found: list, cap: int) -> list[A11yNode]:
    selectors = _Selectors(page.id_counts)
    context = _Context()
    per_rule: Counter = Counter()
    nodes: list[A11yNode] = []
    for rule, el, detail in found:
        if per_rule[rule] >= cap:
            continue
        if rule in _PAGE_RULES:
            nodes.append(A11yNode(rule, "html", _start_tag(el), Region.HEADER, detail=detail, source="static"))
            per_rule[rule] += 1
            continue
        region, _level, hidden, nodom = context.get(el)
        if nodom or (hidden and rule not in _NOT_HIDDEN_RULES):
            continue
        nodes.append(A11yNode(rule, selectors(el), _start_tag(el), region, detail=detail, source="static"))
        per_rule[rule] += 1
    return nodes


# --------------------------------------------------------------------------- more static rules
#
# govcrawl's own rules (no axe-core id, or an axe best-practice rule axe does not run with the
# WCAG tags), each tied to a WCAG 2.1 success criterion and its W3C technique:
#
# - ``document-title-placeholder`` (SC 2.4.2 Page Titled, failure F25): the title is an
#   authoring tool's default ("无标题文档", "Untitled Document", "Insert title here", "新建网页").
# - ``html-lang-mismatch`` (SC 3.1.1 Language of Page): ``<html lang>`` names a CJK language
#   and the text is Latin-script, or a Latin-script language and the text is mostly Chinese,
#   or one European language while its function words are another's (>= 30 words).
# - ``lang-dir-mismatch`` (SC 1.3.2 Meaningful Sequence, technique H56): text in a
#   right-to-left script under a ``lang`` of a right-to-left language without ``dir="rtl"``
#   (or ``auto``), or ``dir="rtl"`` on text with no right-to-left characters.
# - ``link-text-generic`` (SC 2.4.9 Link Purpose (Link Only), AAA; F84 for 2.4.4): the
#   link's accessible name (hidden text excluded, as browsers compute it) is a phrase
#   that says nothing about the target ("click here", "read more", "这里", "点击此处"…) or
#   has no letter or digit at all (".", ">>").
# - ``image-alt-meaningless`` (SC 1.1.1, failure F30): the alt of an image, image button or
#   area is a file name or a placeholder word ("image", "图片", "click", "按钮").
# - ``image-alt-conflict`` (SC 1.1.1, technique H67; SC 4.1.2): an image marked decorative
#   (``alt=""``) with a non-empty ``title``, or ``role=presentation|none`` with a non-empty alt:
#   the page says both "ignore me" and "I mean this".
# - ``fieldset-legend`` (SC 1.3.1, technique H71): a ``fieldset`` without a ``legend`` with
#   text (or aria-label/aria-labelledby): the group has no programmatic name.
# - ``radio-group`` (SC 1.3.1, techniques H71/ARIA17): two or more radio buttons (or check
#   boxes) with the same ``name`` outside any ``fieldset`` / ``role=group|radiogroup``: the
#   question they answer is not associated with them.
# - ``heading-order`` (axe's best-practice id; SC 1.3.1 with G141): a heading more than one
#   level below the heading before it (h2 then h4).
# - ``video-caption`` (axe's id; SC 1.2.2 Captions (Prerecorded)): a ``<video>`` with a source,
#   not ``muted``, without ``<track kind="captions|subtitles">``.
# - ``ascii-art`` (SC 1.1.1, technique H86): a ``<pre>`` without ``<code>`` whose visible
#   characters are mostly symbols (>= 12 symbols, >= 45%), with no ``role=img`` and label.

_TITLE_PLACEHOLDERS = frozenset({
    "无标题文档", "无标题", "未命名", "未命名文档", "新建网页", "新建网页1", "新建网页 1", "网页标题", "标题", "首页标题",
    "untitled", "untitled document", "untitled page", "insert title here", "new page", "new page 1",
    "document", "page title", "title", "home page title", "my title", "test",
})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_RTL_CHARS = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_RTL_LANGS = frozenset("ar arc dv fa ha he iw khw ks ku ps sd ur yi ug".split())
_CJK_LANGS = frozenset({"zh", "ja", "ko", "zho", "jpn", "kor", "cmn", "yue"})
_FUNCTION_WORDS = {
    "en": frozenset("the of and to a in is it that this has for on with as are be not by an or was have "
                    "which you your no".split()),
    "fr": frozenset("le la les de des du et est un une que qui dans pour pas sur au aux ce cette avec "
                    "vous il elle sont".split()),
    "de": frozenset("der die das und ist nicht ein eine zu den von mit sich des auf für im dem sie es "
                    "wir".split()),
    "es": frozenset("el la los las de del y es un una que en por para con no se su al lo como".split()),
    "it": frozenset("il lo la gli le di del della e è un una che per non con si sono al nel".split()),
    "pt": frozenset("o a os as de do da e é um uma que em para com não se por ao na no".split()),
    "nl": frozenset("de het een en is van dat die niet op te zijn met voor er maar".split()),
}
_WORD = re.compile(r"[a-zà-öø-ÿ]+")
_GENERIC_LINK = frozenset({
    "click here", "click", "here", "clickhere", "read more", "learn more", "more info",
    "more information", "details", "page", "this page", "go", "continue reading",
    "点击这里", "点击此处", "点这里", "点此", "这里", "此处", "点击", "请点击", "请点击这里", "点击查看",
    "点击进入", "详情", "详细", "查看详情", "了解更多", "阅读更多", "阅读全文",
})
_NAME_TRIM = re.compile(r"[\s\W_]+", re.U)
_IMAGE_FILE = re.compile(r"^[^\s/\\]{1,80}\.(?:png|jpe?g|gif|bmp|webp|svg|tiff?|ico)$", re.I)
_ALT_PLACEHOLDERS = frozenset({
    "image", "img", "picture", "pic", "photo", "graphic", "icon", "spacer", "click", "button", "banner",
    "untitled", "图片", "图像", "照片", "图标", "按钮", "点击", "无标题", "image description", "alt",
})
_SYMBOL = re.compile(r"[^\w\s]", re.U)


def _hidden_inline(el) -> bool:
    style = el.get("style")
    return bool((style and _HIDDEN_STYLE.search(style)) or el.get("hidden") is not None
                or (el.get("aria-hidden") or "").strip().lower() == "true")


def _visible_text(el) -> str:
    """The text a browser puts in an accessible name from content: hidden descendants left out."""
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in ("script", "style") and not _hidden_inline(child):
            if tag == "img":
                parts.append(" " + (child.get("alt") or "") + " ")
            else:
                parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _link_name(el, page: _Page) -> str:
    label = el.get("aria-label")
    if not _blank(label):
        return label
    refs = el.get("aria-labelledby")
    if not _blank(refs):
        texts = [_visible_text(t) for t in (page.by_id(r) for r in refs.split()) if t is not None]
        if any(not _blank(t) for t in texts):
            return " ".join(texts)
    text = _visible_text(el) if len(el) else (el.text or "")  # most links hold text only
    return text if not _blank(text) else (el.get("title") or "")


@lru_cache(maxsize=2048)
def _generic_link(name: str) -> str | None:
    """Why the accessible name ``name`` fails ``link-text-generic``, or None.

    Cached: the template's links (most of a page's) carry the same names on every page. Article
    titles, unique on a real portal, only pass through: 2,048 names hold every template's with
    room to spare (the 5,000-page bench portal needs 1,762 in all) in about 0.7 MB.
    """
    key = _NAME_TRIM.sub(" ", name.lower()).strip()
    if not key:
        return f"链接文字“{name.strip()[:20]}”只有标点"
    if key in _GENERIC_LINK or key.replace(" ", "") in _GENERIC_LINK:
        return f"链接文字“{name.strip()[:20]}”不能说明链接去向"
    return None


LANG_SAMPLE_CHARS = 20_000  # characters of body text the language check reads (a long 公文 says no more)


def _body_text(root) -> str:
    body = root.find("body") if root.tag == "html" else root
    if body is None:
        return ""
    parts = []
    for node in body.iter():
        if isinstance(node.tag, str) and node.tag not in ("script", "style", "noscript", "template"):
            parts.append(node.text or "")
        if node is not body:
            parts.append(node.tail or "")
    return " ".join(parts)


def _lang_mismatch(lang: str, text: str) -> str | None:
    primary = lang.strip().split("-")[0].split("_")[0].lower()
    latin = len(_LATIN.findall(text))
    if primary in _CJK_LANGS and latin < 200:
        return None  # the usual case on a Chinese portal, decided without counting the 汉字
    cjk = len(_CJK.findall(text))
    if primary in _CJK_LANGS:
        if cjk * 20 < latin:
            return f"lang=\"{lang.strip()}\"，正文是拉丁字母文字（{latin} 个字母，{cjk} 个汉字）"
        return None
    if primary in _FUNCTION_WORDS or primary in _ISO639_1 and primary not in _RTL_LANGS:
        if cjk >= 50 and cjk > latin:
            return f"lang=\"{lang.strip()}\"，正文主要是中文（{cjk} 个汉字）"
    if primary in _FUNCTION_WORDS:
        words = _WORD.findall(text.lower())
        if len(words) >= 30:
            share = {code: sum(w in fw for w in words) / len(words) for code, fw in _FUNCTION_WORDS.items()}
            best = max(share, key=share.get)
            if best != primary and share[best] >= 0.12 and share[primary] < share[best] / 4:
                return f"lang=\"{lang.strip()}\"，正文的虚词是 {best} 的（{share[best]:.0%} 对 {share[primary]:.0%}）"
    return None


def _inherited(el, attr: str) -> str | None:
    for node in (el, *el.iterancestors()):
        value = node.get(attr)
        if value is not None and value.strip():
            return value.strip().lower()
    return None


# The attributes, not the elements with a predicate: libxml2 evaluates ``*[@lang or @dir]`` three
# times slower than it collects the attribute nodes (the parents are deduplicated below).
_LANG_OR_DIR = etree.XPath(".//@lang|.//@dir")
_MORE_TAGS = ("a", "img", "area", "input", "fieldset", "h1", "h2", "h3", "h4", "h5", "h6", "video", "pre")


def _more_rules(root, page: _Page, found: list, is_page: bool, page_text: str | None = None) -> None:
    if is_page:
        title = root.find("head/title")
        if title is None:
            title = next(root.iter("title"), None)
        if title is not None:
            text = " ".join("".join(title.itertext()).split()).strip().lower()
            if text in _TITLE_PLACEHOLDERS:
                found.append(("document-title-placeholder", root, f"<title>{text}</title> 是编辑器默认标题"))
        lang = root.get("lang")
        if not _blank(lang):
            # The extraction already has the page's visible text; a sample is enough to tell a language.
            sample = (page_text if page_text is not None else _body_text(root))[:LANG_SAMPLE_CHARS]
            why = _lang_mismatch(lang, sample)
            if why:
                found.append(("html-lang-mismatch", root, why))
    groups: dict[tuple, list] = {}
    previous_level = 0
    # Elements that carry lang or dir are few: lxml finds them in C, instead of a Python
    # look at every element (this pass runs on every page of a 100k-page crawl).
    previous = None
    for attr in _LANG_OR_DIR(root):
        el = attr.getparent()
        if el is previous:  # both lang and dir: the union lists the element's attributes together
            continue
        previous = el
        lang = el.get("lang")
        direction = (el.get("dir") or "").strip().lower()
        code = (lang or "").strip().split("-")[0].lower()
        # The element's text only when a rule can fire: <html lang="zh-CN"> would be the whole page's.
        if code in _RTL_LANGS or direction == "rtl":
            own = "".join(el.itertext())
            if code in _RTL_LANGS and _RTL_CHARS.search(own) and _inherited(el, "dir") not in ("rtl", "auto"):
                found.append(("lang-dir-mismatch", el, f"lang=\"{lang}\" 是从右到左的文字，缺少 dir=\"rtl\""))
            elif direction == "rtl" and _LATIN.search(own) and not _RTL_CHARS.search(own):
                found.append(("lang-dir-mismatch", el, "dir=\"rtl\" 用在从左到右的文字上"))
    for el in root.iter(*_MORE_TAGS):
        tag = el.tag
        if tag == "a":
            if el.get("href") is None:
                continue
            name = _link_name(el, page)
            if _blank(name):
                continue
            detail = _generic_link(name)
            if detail:
                found.append(("link-text-generic", el, detail))
        elif tag in ("img", "area") or (tag == "input" and (el.get("type") or "").lower() == "image"):
            alt = el.get("alt")
            role = _role(el)
            if alt is not None and alt.strip():
                value = alt.strip()
                src = (el.get("src") or el.get("href") or "").rsplit("/", 1)[-1].lower()
                if _IMAGE_FILE.match(value) or value.lower() == src or value.lower() in _ALT_PLACEHOLDERS:
                    found.append(("image-alt-meaningless", el, f"alt=\"{value[:40]}\" 是文件名或占位词"))
                elif tag == "img" and role in _PRESENTATIONAL:
                    found.append(("image-alt-conflict", el, f"role=\"{role}\" 的图片又有 alt=\"{value[:40]}\""))
            elif tag == "img" and alt is not None and not _blank(el.get("title")):
                found.append(("image-alt-conflict", el, "alt=\"\" 表示装饰图片，却有 title"))
        elif tag == "input":
            kind = (el.get("type") or "").strip().lower()
            name = el.get("name")
            if kind in ("radio", "checkbox") and name:
                grouped = any(a.tag == "fieldset" or _role(a) in ("group", "radiogroup") for a in el.iterancestors())
                if not grouped:
                    form = next(el.iterancestors("form"), None)
                    groups.setdefault((id(form), kind, name), []).append(el)
        elif tag == "fieldset":
            legend = next((c for c in el if c.tag == "legend"), None)
            if (legend is None or not _subtree_text(legend)) and not page.aria_named(el, title=False):
                found.append(("fieldset-legend", el, "<fieldset> 缺少有文字的 <legend>"))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if _role(el) not in ("", "heading"):
                continue
            level = int(tag[1])
            if previous_level and level > previous_level + 1:
                found.append(("heading-order", el, f"<h{previous_level}> 之后直接是 <{tag}>"))
            previous_level = level
        elif tag == "video":
            has_source = el.get("src") or any(s.get("src") for s in el.iter("source"))
            tracks = [(t.get("kind") or "subtitles").lower() for t in el.iter("track")]
            if has_source and el.get("muted") is None and not any(k in ("captions", "subtitles") for k in tracks):
                found.append(("video-caption", el, "<video> 没有字幕轨道 <track kind=captions>"))
        elif tag == "pre":
            if next(el.iter("code", "samp", "kbd"), None) is not None or _role(el) == "img":
                continue
            if page.aria_named(el, title=False):
                continue
            chars = re.sub(r"\s", "", "".join(el.itertext()))
            symbols = len(_SYMBOL.findall(chars))
            if symbols >= 12 and symbols >= 0.45 * len(chars):
                found.append(("ascii-art", el, f"<pre> 中 {symbols}/{len(chars)} 个字符是符号（字符画）"))
    for (_form, kind, name), members in groups.items():
        if len(members) >= 2:
            found.append(("radio-group", members[0], f"{len(members)} 个 name=\"{name}\" 的 {kind} 不在 <fieldset> 中"))
