"""The one walk over a parsed page: every later step reads what this collects.

Why one walk: extraction runs on every page of 100k-page portals, so the tree is
visited once, in document order, and each element is looked at once. The walk
keeps a small context per open element (template region, inside article text,
hidden by inline style, inside a breadcrumb or pager, text suppressed) and
collects:

- raw links (tag, attribute, value, region, hidden; anchor text for ``a``),
- ids and ``a[name]`` values (fragment targets), ``<meta name>``, ``<title>``,
  ``<base href>``, ``<html lang>``, the ``h1`` texts,
- inline scripts that carry pagination (``countPage``, ``createPageHTML``) and
  Hanweb ``<datastore>`` records,
- for the static accessibility pass (``a11y``): every element's id and every element
  with a ``style`` attribute, in document order and including the subtrees the walk
  otherwise skips, so that the pass does not walk the whole tree again for them,
- the text as *cells*: a cell ends at every block boundary, inline elements leave
  a soft mark (``INLINE``) so that ``<span>发布机构：</span><span>X</span>`` can be
  read as a label and a value, while the page text joins them without a space.

Cells are kept in one list of pieces separated by ``BLOCK`` marks, with the flags
of each cell in ``cell_flags``; ``EMPTY`` stands for a table cell or paragraph that
is present but empty, so that "主 题 词：" followed by an empty cell has an empty value
instead of stealing the next label's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from crawler.extract.links import (
    HIDDEN_CACHE,
    LINK_ATTRS,
    LINK_RELS,
    SIZED_BY_ATTRIBUTES,
    hidden_by_attributes,
    hidden_by_selectors,
    hidden_by_style,
    hidden_selectors,
)
from crawler.extract.regions import ARTICLE, NO_MARKER, apply_marker, classify
from govcrawl.model import Region

__all__ = [
    "BLOCK",
    "EMPTY",
    "F_ARTICLE",
    "F_CRUMB",
    "F_H1",
    "F_KEY",
    "F_PAGER",
    "F_TEMPLATE",
    "INLINE",
    "RawLink",
    "Scan",
    "scan_tree",
]

BLOCK = "\x1e"  # boundary between cells
INLINE = "\x1f"  # start of an inline element inside a cell
EMPTY = "\x02"  # a value cell that exists but holds no text

# cell flags
F_ARTICLE = 1  # inside the article text (TRS_Editor, UCAP-CONTENT, ...)
F_CRUMB = 2  # inside a breadcrumb container
F_H1 = 4  # inside an h1
F_PAGER = 8  # inside a pagination container
F_TEMPLATE = 16  # inside header / nav / footer
F_KEY = 32  # text directly inside a td, th or dt (a label cell of a table or list layout)

# Elements whose content never reaches the reader as text.
_NO_TEXT = frozenset("script style noscript template head title iframe object svg math textarea".split())
# Elements that do not break a line: their boundaries are soft marks inside a cell.
_INLINE = frozenset(
    "a abbr acronym b bdi bdo big cite code data del dfn em font i img input ins kbd label mark nobr q "
    "rp rt ruby s samp small span strike strong sub sup time tt u var wbr select option button".split()
)
# Value cells: kept even when empty, so that a label's empty value stays empty.
_VALUE_TAGS = frozenset({"td", "th", "dd", "p"})
_KEY_TAGS = frozenset({"td", "th", "dt"})
_SEMANTIC = frozenset({"header", "nav", "footer", "article", "main"})
_SKIP_SUBTREE = frozenset({"select", "datalist", "svg", "math", "template"})
# One lookup per element: what kind of tag it is.
K_INLINE = 1
K_VALUE = 2
K_KEY = 4
K_QUIET = 8
K_SPECIAL = 16
K_SEMANTIC = 32
K_SKIP = 64
_KINDS: dict[str, int] = {}
for _tag in _INLINE:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | K_INLINE
for _tag in _VALUE_TAGS:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | K_VALUE
for _tag in _KEY_TAGS:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | K_KEY
for _tag in _NO_TEXT:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | K_QUIET
for _tag in (*LINK_ATTRS, "meta", "title", "base", "script", "head", "h1"):
    _KINDS[_tag] = _KINDS.get(_tag, 0) | K_SPECIAL
for _tag in _SEMANTIC:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | K_SEMANTIC
# Subtrees never walked: no link the contract checks, no text worth reading, and many
# elements (inline SVG icons, the 200-option "友情链接" selects of portal footers).
for _tag in _SKIP_SUBTREE:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | K_SKIP | K_QUIET

_MARKS = BLOCK + INLINE + EMPTY + " \t\r\n\f\u3000\xa0"


@dataclass(slots=True)
class RawLink:
    """A link as written on the page, before URL resolution."""

    tag: str
    attr: str
    value: str
    region: Region
    hidden: bool
    flags: int
    text: str = ""
    element: etree._Element | None = None  # kept for ``a``: list rows are found from it


@dataclass(slots=True)
class Scan:
    """Everything the walk collected; see the module docstring."""

    links: list[RawLink] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    meta: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    base_href: str | None = None
    lang: str | None = None
    h1s: list[tuple[str, bool]] = field(default_factory=list)  # (text, in template region)
    scripts: list[str] = field(default_factory=list)
    datastores: list[str] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    cell_flags: list[int] = field(default_factory=list)
    ids: list[tuple[str, etree._Element]] = field(default_factory=list)  # (non-empty id, element)
    styled: list[etree._Element] = field(default_factory=list)  # elements with a style attribute
    _joined: str | None = None

    def joined(self) -> str:
        """All pieces as one string, marks included (computed once)."""
        if self._joined is None:
            self._joined = "".join(self.pieces)
        return self._joined

    def cells(self) -> list[str]:
        """Raw cells (with INLINE/EMPTY marks); ``cell_flags[i]`` belongs to ``cells()[i]``."""
        return self.joined().split(BLOCK)[: len(self.cell_flags)]

    def text(self, limit: int) -> str:
        """The visible text: marks dropped, block boundaries as spaces, whitespace collapsed."""
        text = self.joined().replace(INLINE, "").replace(BLOCK, " ").replace(EMPTY, "")
        return " ".join(text.split())[:limit]


def _captured_text(pieces: list[str], start: int) -> str:
    """Text of pieces[start:], marks dropped and whitespace collapsed."""
    raw = "".join(pieces[start:])
    if INLINE in raw or BLOCK in raw or EMPTY in raw:
        raw = raw.replace(INLINE, "").replace(BLOCK, " ").replace(EMPTY, "")
    return " ".join(raw.split())


def _special(el, tag: str, out: Scan, ctx: tuple, open_anchors: list) -> None:
    """Elements with facts of their own: links, meta, title, base, scripts."""
    region, hidden, flags, npieces = ctx
    attrs = LINK_ATTRS.get(tag)
    if attrs is not None:
        for attr in attrs:
            value = el.get(attr)
            if not value:
                continue
            if tag == "link":
                rel = (el.get("rel") or "").lower().split()
                if not any(r in LINK_RELS for r in rel):
                    continue
                # A stylesheet or icon is template wherever it is written.
                link = RawLink(
                    tag, attr, value, Region.HEADER if region is Region.BODY else region, hidden, flags
                )
            else:
                link = RawLink(tag, attr, value, region, hidden, flags)
            out.links.append(link)
            if tag == "a":
                link.element = el
                open_anchors.append((link, npieces))
            elif tag == "img" or tag == "area":
                alt = el.get("alt") or el.get("title")
                if alt:
                    link.text = " ".join(alt.split())[:200]
                    if open_anchors and not open_anchors[-1][0].text:
                        open_anchors[-1][0].text = link.text
    if tag == "a":
        name = el.get("name")
        if name:
            out.anchors.add(name)
    elif tag == "meta":
        name = el.get("name")
        content = el.get("content")
        if name and content is not None:
            name = name.strip()
            if name and name not in out.meta:
                out.meta[name] = " ".join(content.split())
    elif tag == "title":
        if out.title is None and el.text:
            out.title = " ".join(el.text.split())[:500] or None
    elif tag == "base":
        href = el.get("href")
        if out.base_href is None and href and href.strip():
            out.base_href = href.strip()
    elif tag == "script":
        text = el.text
        if text and not el.get("src"):
            if "countPage" in text or "createPageHTML" in text:
                out.scripts.append(text)
            elif "<record" in text and "<datastore" in text:
                out.datastores.append(text)


def _skipped_subtree(el: etree._Element, out: Scan) -> None:
    """Ids and styled elements below ``el``, whose subtree the walk skips: the a11y pass
    judges the whole document (an id inside an inline SVG still duplicates one outside)."""
    for node in el.iterdescendants(etree.Element):
        eid = node.get("id")
        if eid:
            out.ids.append((eid, node))
        if node.get("style") is not None:
            out.styled.append(node)


def scan_tree(root: etree._Element) -> Scan:  # noqa: C901 - one loop on purpose (speed)
    """Walk ``root`` once and collect the page's raw facts."""
    out = Scan()
    pieces = out.pieces
    cell_flags = out.cell_flags
    anchors = out.anchors
    ids_append = out.ids.append
    styled_append = out.styled.append
    append = pieces.append
    flag_append = cell_flags.append
    # Locals, not globals, inside the loop: this loop runs for every element of every page.
    kinds = _KINDS
    classify_ = classify
    hidden_by_style_ = hidden_by_style
    hidden_cache = HIDDEN_CACHE
    special = _special
    body = Region.BODY
    header = Region.HEADER
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    out.lang = lang.strip() if lang else None

    # Context of the innermost open element.
    region = body
    level = 0  # 0, CONTENT or ARTICLE
    hidden = False
    flags = 0
    quiet = False  # text suppressed
    stack: list[tuple] = []
    push = stack.append
    pop = stack.pop
    open_anchors: list[tuple[RawLink, int]] = []  # (link, start piece) of the open <a>s
    h1_start = -1
    hiding_rules: frozenset[str] = frozenset()  # simple selectors a <style> block hides (暗链 trick)
    sized_tags = SIZED_BY_ATTRIBUTES

    walker = etree.iterwalk(root, events=("start", "end", "comment"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            kind = kinds.get(tag, 0)
            if kind & K_SKIP:
                walker.skip_subtree()
                _skipped_subtree(el, out)
            elif tag == "style" and el.text:
                hiding_rules = hiding_rules | hidden_selectors(el.text)
            # the last field is where this element's own text starts
            push((region, level, hidden, flags, quiet, len(pieces)))
            parent_flags = flags
            eid = el.get("id")
            if eid:
                anchors.add(eid)
                ids_append((eid, el))
            if level < ARTICLE:  # inside the article text names no longer matter
                cls = el.get("class")
                if cls is not None or eid is not None or kind & K_SEMANTIC:
                    marker = classify_(tag, eid, cls)
                    if marker is not NO_MARKER:
                        region, level = apply_marker(marker, region, level)
                        if marker.content == ARTICLE:
                            flags = (flags | F_ARTICLE) & ~F_TEMPLATE
                        else:
                            if marker.crumb:
                                flags |= F_CRUMB
                            if region is not body:
                                flags |= F_TEMPLATE
                        if marker.pager:
                            flags |= F_PAGER
            style = el.get("style")
            if style is not None:
                styled_append(el)
            if not hidden:
                if style is not None:
                    hidden = hidden_cache.get(style)
                    if hidden is None:
                        hidden = hidden_by_style_(style)
                if not hidden and hiding_rules and (eid is not None or el.get("class") is not None):
                    hidden = hidden_by_selectors(el.get("class"), eid, hiding_rules)
                if not hidden and (tag in sized_tags or el.get("hidden") is not None):
                    hidden = hidden_by_attributes(tag, el.attrib)
            if kind & K_SPECIAL:
                if tag == "head":
                    region = header
                elif tag == "h1":
                    h1_start = len(pieces)
                    flags |= F_H1
                else:
                    special(el, tag, out, (region, hidden, flags, len(pieces)), open_anchors)
            if kind & K_QUIET:
                quiet = True
            if not quiet:
                if kind & K_INLINE:
                    append(INLINE)  # at the start only: it separates what precedes
                else:
                    if pieces and pieces[-1] != BLOCK:  # no empty cells between nested blocks
                        append(BLOCK)
                        flag_append(parent_flags)
                    flags = flags | F_KEY if kind & K_KEY else flags & ~F_KEY
                text = el.text
                if text:
                    append(text)
        elif event == "end":
            tag = el.tag
            kind = kinds.get(tag, 0)
            entry = pop()
            if not quiet and not kind & K_INLINE:
                if kind & K_VALUE:
                    # an empty table cell or paragraph still counts as a (blank) value
                    for index in range(len(pieces) - 1, entry[5] - 1, -1):
                        if pieces[index].strip(_MARKS):
                            break
                    else:
                        append(EMPTY)
                if pieces and pieces[-1] != BLOCK:
                    append(BLOCK)
                    flag_append(flags)
            if kind & K_SPECIAL:
                if open_anchors and tag == "a" and open_anchors[-1][0].element is el:
                    link, start = open_anchors.pop()
                    text = _captured_text(pieces, start)
                    if text:
                        link.text = text[:200]
                    elif not link.text:
                        title = el.get("title")
                        if title:
                            link.text = " ".join(title.split())[:200]
                elif tag == "h1" and h1_start >= 0:
                    text = _captured_text(pieces, h1_start)
                    if text:
                        out.h1s.append((text[:300], region is not body))
                    h1_start = -1
            region, level, hidden, flags, quiet = entry[0], entry[1], entry[2], entry[3], entry[4]
            tail = el.tail
            if tail and not quiet:
                append(tail)
        else:  # comment or processing instruction: only its tail is page text
            tail = el.tail
            if tail and not quiet:
                append(tail)
    flag_append(flags)
    return out
