"""Columns (栏目): breadcrumb, column name, heading and the dated rows of list pages.

Why here: the stale-column and empty-column checks (contract "Columns and their
limits") recognise a column by its list pages (ColumnName meta, breadcrumb,
heading) and judge it by the newest dated row. These functions only read what
the page shows; the checks decide what is late.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from crawler.extract.dates import find_date_spans
from crawler.extract.scan import F_ARTICLE, F_CRUMB, F_PAGER, INLINE
from govcrawl.model import ListItem, Region

__all__ = ["choose_column", "choose_heading", "find_breadcrumb", "list_items", "site_domain", "split_crumb"]

# "当前位置：" and its variants, at the start of the breadcrumb text.
_CRUMB_PREFIX = re.compile(
    r"^\s*(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|您当前的位置|所在位置|当前栏目|位置)\s*[:：]?\s*"
)
# A breadcrumb without a prefix: it starts at the home page and goes on with a separator.
_CRUMB_START = re.compile(r"^\s*(?:网站首页|首页|主页|网站主页)\s*(?:->|>>|→|›|»|＞|>|/|\\|—>)")
_SEPARATORS = re.compile(r"\s*(?:-+>|>>|→|›|»|＞|>|/|\\|—>)\s*")
_MAX_CRUMB_ITEM = 40
_MAX_COLUMN_NAME = 16  # longer breadcrumb items read like an article title
# Trailing breadcrumb items that name the article view, not a column.
_NOT_A_COLUMN = frozenset(
    "正文 详情 详细信息 内容 文章 正文内容 阅读 浏览 查看 详细内容 信息详情 文章详情 内容详情 首页 网站首页 主页".split()
)

# Pagers are no rows; links inside the article text (详见《…》（2019年印发）) are citations.
_NOT_ROW_FLAGS = F_PAGER | F_ARTICLE
# Navigation bars and footers hold no dated lists; skipping them saves most row lookups.
_NOT_LIST_REGIONS = frozenset({Region.NAV, Region.FOOTER})
_ROW_TAGS = frozenset({"li", "tr", "dd", "dt"})
_STOP_TAGS = frozenset({"ul", "ol", "table", "tbody", "dl", "body", "html", "form"})
_MAX_ROW_TEXT = 400


def split_crumb(text: str) -> list[str]:
    """``首页 > 政务公开 > 通知公告`` -> [首页, 政务公开, 通知公告]; INLINE marks split too."""
    text = _CRUMB_PREFIX.sub("", text.replace("\u3000", " "))
    items = [part.strip() for part in _SEPARATORS.split(text.replace(INLINE, " "))]
    items = [" ".join(part.split()) for part in items if part.strip()]
    if len(items) < 2 and INLINE in text:
        # separators drawn as images or spacing: the links themselves are the items
        items = [" ".join(part.split()) for part in text.split(INLINE) if part.strip()]
        items = [part for part in items if not _SEPARATORS.fullmatch(part)]
    return items


def _plausible_crumb(items: list[str]) -> bool:
    return 2 <= len(items) <= 12 and all(len(item) <= _MAX_CRUMB_ITEM for item in items)


def find_breadcrumb(raw_cells: list[str], flags: list[int]) -> list[str]:
    """The page's breadcrumb, from the first of:

    1. the text of a breadcrumb container (class/id position, location, crumb, dqwz …);
    2. a cell starting with 当前位置 / 您的位置 …;
    3. a cell that reads like one: starts at 首页 and goes on with ``>``, ``->``, ``>>`` ….
    """
    crumb_text = [
        text for text, flag in zip(raw_cells, flags, strict=False) if flag & F_CRUMB and text.strip()
    ]
    if crumb_text:
        items = split_crumb(INLINE.join(crumb_text))
        if _plausible_crumb(items):
            return items
    fallback: list[str] = []
    for text, flag in zip(raw_cells, flags, strict=False):
        if not ("位置" in text or "首页" in text or "主页" in text or "栏目" in text):
            continue  # cheap test first: this loop sees every cell of the page
        if flag & F_PAGER or len(text) > 600:
            continue
        plain = text.replace(INLINE, "")
        if _CRUMB_PREFIX.match(plain) and any(word in plain[:12] for word in ("位置", "栏目")):
            items = split_crumb(text)
            if _plausible_crumb(items) or (len(items) == 1 and len(items[0]) <= _MAX_CRUMB_ITEM):
                return items
        elif not fallback and _CRUMB_START.match(plain):
            items = split_crumb(text)
            if _plausible_crumb(items):
                fallback = items
    return fallback


def choose_heading(
    h1s: list[tuple[str, bool]], doc_title: str | None, article_title: str | None
) -> str | None:
    """The page's main heading: the first h1 outside the template (a logo h1 in the header
    does not count), else the header's 标题 field, else the ArticleTitle meta."""
    for text, in_template in h1s:
        if not in_template:
            return text
    return doc_title or article_title or None


def choose_column(
    meta_column: str | None, breadcrumb: list[str], heading: str | None, is_article: bool
) -> str | None:
    """Column name: ColumnName meta, else the breadcrumb's last column, else a list page's heading.

    On an article page the breadcrumb may end with the article itself (its title,
    often cut short) or with 正文/详情: those items are dropped before taking the
    last one. On a list page the last item *is* the column, even when it equals the
    heading.
    """
    if meta_column and meta_column.strip():
        return meta_column.strip()
    items = list(breadcrumb)
    while items and (items[-1] in _NOT_A_COLUMN or _is_title_item(items[-1], heading, is_article)):
        items.pop()
    if items:
        return items[-1]
    if not is_article and heading:
        return heading
    return None


def _is_title_item(item: str, heading: str | None, is_article: bool) -> bool:
    """Is this breadcrumb item the page's own title rather than its column?

    On an article page any item matching the heading is; on other pages only one that
    reads like a title (cut short with …, or longer than any column name).
    """
    if not heading or not _same_title(item, heading):
        return False
    return is_article or item.endswith(("…", "...")) or len(item) > _MAX_COLUMN_NAME


def _same_title(item: str, name: str) -> bool:
    """A breadcrumb item that is the article title (often cut short with …)."""
    stripped = item.rstrip(".…")
    return bool(stripped) and (name.startswith(stripped) or stripped.startswith(name))


@lru_cache(maxsize=4096)
def site_domain(host: str) -> str:
    """The site a host belongs to: ``hdzfxxgk.hd.gov.cn`` -> ``hd.gov.cn``.

    Chinese portals spread one site over subdomains (信息公开 platform, departments);
    for ``*.gov.cn`` the site is the label before ``gov.cn``, elsewhere the last two
    labels; an IP address (the loopback demo portal) is its own site.
    """
    if host.startswith("["):
        return host.lower()  # IPv6 literal
    host = host.split(":")[0].lower()
    if host.replace(".", "").isdigit():
        return host  # an IP address is its own site
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2] in ("gov", "com", "org", "edu", "net", "ac") and parts[-1] == "cn":
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def _host(url: str) -> str:
    """Host of a normalised absolute URL, without urlsplit (hot path)."""
    netloc = url.split("/", 3)[2] if url.count("/") >= 2 else ""
    return netloc.rsplit("@", 1)[-1].split(":", 1)[0] if "[" not in netloc else netloc


def _row_of(element):
    """The list row that holds a link: the nearest li/tr/dd/dt within four levels, or None."""
    node = element.getparent()
    depth = 0
    while node is not None and depth < 4:
        tag = node.tag
        if tag in _ROW_TAGS:
            return node
        if tag in _STOP_TAGS:
            return None
        node = node.getparent()
        depth += 1
    return None


def _inline_row_text(element) -> str:
    """For links listed without row elements (``<a>…</a><span>date</span><br>``): the link
    and what follows it up to the next link or line break."""
    parts = [str(_STRING(element)), element.tail or ""]
    for sibling in element.itersiblings():
        tag = sibling.tag
        if tag in ("a", "br", "p", "div", "li", "tr") or (
            isinstance(tag, str) and sibling.find(".//a") is not None
        ):
            break
        if isinstance(tag, str):
            parts.append(str(_STRING(sibling)))
        parts.append(sibling.tail or "")
    return " ".join(" ".join(parts).split())


_STRING = etree.XPath("string()")


def _row_text(row) -> str:
    return " ".join(str(_STRING(row)).split())


def list_items(anchors, page_url: str) -> list[ListItem]:
    """Rows that pair a link to a page of the same site with a date.

    ``anchors`` are (raw link, resolved url) for every ``<a>`` in document order.
    A row is the link's nearest li/tr/dd/dt (else the link and what follows it up to
    the next link or line break). The date is
    looked for in the row outside the link text first (a date column or span), then
    in the link text; the title is the link's ``title`` attribute or its text with
    the date taken out. Several links in one row ([部门] + title) give one item, the
    one with the longest title. Rows in a pager, a navigation bar, a footer or the
    article text are not items.
    """
    own_site = site_domain(_host(page_url))
    own_url = page_url
    rows: dict[int, tuple[int, ListItem]] = {}
    order: list[int] = []
    row_cache: dict[int, object] = {}
    for raw, url in anchors:
        if (
            raw.flags & _NOT_ROW_FLAGS
            or url == own_url
            or raw.element is None
            or raw.region in _NOT_LIST_REGIONS
        ):
            continue
        if site_domain(_host(url)) != own_site:
            continue
        row = _row_of(raw.element)
        if row is None:
            row = raw.element
            text = _inline_row_text(row)
        else:
            text = _row_text(row)
        key = id(row)
        row_cache[key] = row  # keep the proxy alive so that id() stays unique
        if not text or len(text) > _MAX_ROW_TEXT:
            continue
        link_text = raw.text or ""
        outside = text.replace(link_text, " ", 1) if link_text else text
        spans = find_date_spans(outside)
        title = (raw.element.get("title") or "").strip()
        if spans:
            published = spans[-1][2]
        else:
            spans = find_date_spans(link_text)
            if not spans:
                continue
            published = spans[-1][2]
            if not title:
                start, end, _ = spans[-1]
                link_text = (link_text[:start] + " " + link_text[end:]).strip(" []【】()（）")
        title = " ".join((title or link_text).split())
        if len(title) < 2:
            continue
        item = ListItem(url=url, title=title[:300], published_on=published)
        previous = rows.get(key)
        if previous is None:
            rows[key] = (len(title), item)
            order.append(key)
        elif len(title) > previous[0]:
            rows[key] = (len(title), item)
    items: list[ListItem] = []
    seen: set[str] = set()
    for key in order:
        item = rows[key][1]
        if item.url not in seen:
            seen.add(item.url)
            items.append(item)
    return items
